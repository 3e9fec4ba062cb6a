//! Opaque pagination cursors. A cursor carries how many results earlier pages returned (for
//! the row cap) and an anchor: the first result of the next page (a row key in the default
//! order, an object id otherwise), so that rows added or removed between two pages do not
//! shift the window. Real cursors are opaque too; clients must not parse them.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Where the next page of a list starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// Results returned by the earlier pages.
    pub offset: usize,
    /// The first result of the next page.
    pub anchor: String,
}

impl Cursor {
    /// The cursor as sent to clients.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}|{}", self.offset, self.anchor))
    }

    /// A cursor from a client, if it is one of ours.
    pub fn decode(text: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(text.trim()).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let (offset, anchor) = text.split_once('|')?;
        Some(Self {
            offset: offset.parse().ok()?,
            anchor: anchor.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let cursor = Cursor {
            offset: 100,
            anchor: "2026-11-30T10:12:00.000Z 00000000-0000-4000-8000-000000000001".into(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(Cursor::decode("not-a-cursor"), None);
        assert_eq!(Cursor::decode(""), None);
    }
}
