//! Running a data source query: filter, order, and the window one page of results shows,
//! with the per-query row cap of NOTION.md section 7.3.
//!
//! In the default order (no sorts, or `created_time` alone) rows are read straight from the
//! data source's ordered map, starting at the cursor's anchor, and reading stops one row after
//! the page is full: a page costs what it returns plus the rows the filter skips. Other
//! orders collect every matching row and sort them.

pub mod cursor;
pub mod filter;
pub mod sort;

use cursor::Cursor;
use filter::Filter;
use sort::Order;

use super::store::{DataSource, SharedPage};

/// A checked query.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Rows must pass this.
    pub filter: Option<Filter>,
    /// How rows are ordered.
    pub order: Order,
    /// Results per page (1 to 100).
    pub page_size: usize,
    /// Where this page starts.
    pub start: Option<Cursor>,
}

/// One page of results.
#[derive(Debug, Clone)]
pub struct Window {
    /// The rows of this page.
    pub rows: Vec<SharedPage>,
    /// Where the next page starts, when there is one.
    pub next: Option<Cursor>,
    /// The query reached the row cap with rows left (`request_status: incomplete`).
    pub incomplete: bool,
}

/// Runs `plan` over `source`; at most `cap` rows are returned across all pages of a query.
/// Trashed rows never match.
pub fn run(source: &DataSource, plan: &Plan, cap: usize) -> Window {
    let passes =
        |page: &&SharedPage| !page.in_trash && plan.filter.as_ref().is_none_or(|f| f.matches(page));
    let offset = plan.start.as_ref().map_or(0, |c| c.offset);
    let take = plan.page_size.min(cap.saturating_sub(offset));
    match &plan.order {
        Order::Natural { descending } => {
            let anchor = plan.start.as_ref().map(|c| c.anchor.as_str());
            let mut matching = source.rows_from(anchor, *descending).filter(passes);
            let rows: Vec<SharedPage> = matching.by_ref().take(take).cloned().collect();
            let following = matching.next().map(|page| DataSource::row_key(page));
            window(rows, following, offset, cap)
        }
        Order::Sorted(sorts) => {
            let matched: Vec<&SharedPage> = source.rows().filter(passes).collect();
            let sorted = sort::sort_pages(matched, sorts);
            let position = plan.start.as_ref().map_or(0, |c| {
                sorted
                    .iter()
                    .position(|page| page.id == c.anchor)
                    .unwrap_or(c.offset.min(sorted.len()))
            });
            let end = (position + take).min(sorted.len());
            let rows: Vec<SharedPage> =
                sorted[position..end].iter().map(|p| (*p).clone()).collect();
            let following = sorted.get(end).map(|page| page.id.clone());
            window(rows, following, offset, cap)
        }
    }
}

fn window(rows: Vec<SharedPage>, following: Option<String>, offset: usize, cap: usize) -> Window {
    let returned = offset + rows.len();
    match following {
        None => Window {
            rows,
            next: None,
            incomplete: false,
        },
        Some(_) if returned >= cap => Window {
            rows,
            next: None,
            incomplete: true,
        },
        Some(anchor) => Window {
            rows,
            next: Some(Cursor {
                offset: returned,
                anchor,
            }),
            incomplete: false,
        },
    }
}
