//! Named cursors of the query reports (`/v2/queries/*`).
//!
//! The first request of a report opens a cursor over the matching rows; the
//! client then sends the cursor's name again for each next page until a page
//! comes back empty. A cursor expires [`CURSOR_LIFETIME`] of simulated time
//! after it was opened.
//!
//! Limitation: cursors live in the memory of the process that opened them, so a
//! client must keep talking to the same simulator process while it walks one
//! (tokens, unlike cursors, work across processes).

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use chrono::{DateTime, Duration, Utc};

/// How long a cursor can be used after it was opened. NinjaOne does not
/// document its value.
pub const CURSOR_LIFETIME: Duration = Duration::minutes(5);

/// One page read through a cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct CursorPage {
    /// The cursor's name.
    pub name: String,
    /// Index of the page's first row in the whole result.
    pub offset: usize,
    /// Row keys of this page.
    pub rows: Vec<i64>,
    /// When the cursor stops working.
    pub expires: DateTime<Utc>,
}

#[derive(Debug)]
struct Cursor {
    rows: Vec<i64>,
    next: usize,
    page_size: usize,
    expires: DateTime<Utc>,
}

static CURSORS: LazyLock<Mutex<HashMap<String, Cursor>>> = LazyLock::new(Mutex::default);

fn cursors() -> std::sync::MutexGuard<'static, HashMap<String, Cursor>> {
    // A panic while holding the lock leaves at worst a cursor one page ahead.
    CURSORS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Opens a cursor over `rows` at simulated time `now` and reads its first page.
pub fn open(rows: Vec<i64>, page_size: usize, now: DateTime<Utc>) -> CursorPage {
    let name = uuid::Uuid::new_v4().to_string();
    let mut cursors = cursors();
    cursors.retain(|_, cursor| cursor.expires > now);
    let cursor = Cursor {
        rows,
        next: 0,
        page_size,
        expires: now + CURSOR_LIFETIME,
    };
    cursors.entry(name.clone()).or_insert(cursor);
    advance(&mut cursors, &name, None).unwrap_or(CursorPage {
        name,
        offset: 0,
        rows: Vec::new(),
        expires: now,
    })
}

/// Reads the next page of the cursor `name` (`page_size` overrides the size it
/// was opened with); `None` when there is no such cursor or it expired.
pub fn next(name: &str, page_size: Option<usize>, now: DateTime<Utc>) -> Option<CursorPage> {
    let mut cursors = cursors();
    cursors.retain(|_, cursor| cursor.expires > now);
    advance(&mut cursors, name, page_size)
}

fn advance(
    cursors: &mut HashMap<String, Cursor>,
    name: &str,
    page_size: Option<usize>,
) -> Option<CursorPage> {
    let cursor = cursors.get_mut(name)?;
    let size = page_size.unwrap_or(cursor.page_size);
    let offset = cursor.next.min(cursor.rows.len());
    let end = offset.saturating_add(size).min(cursor.rows.len());
    cursor.next = end;
    Some(CursorPage {
        name: name.to_owned(),
        offset,
        rows: cursor.rows[offset..end].to_vec(),
        expires: cursor.expires,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_walks_its_rows_then_expires() {
        let now = Utc::now();
        let first = open(vec![1, 2, 3], 2, now);
        assert_eq!((first.offset, first.rows.clone()), (0, vec![1, 2]));
        let second = next(&first.name, None, now).unwrap();
        assert_eq!((second.offset, second.rows), (2, vec![3]));
        let done = next(&first.name, None, now).unwrap();
        assert!(done.rows.is_empty());
        assert!(next(&first.name, None, now + CURSOR_LIFETIME).is_none());
        assert!(next("nope", None, now).is_none());
    }
}
