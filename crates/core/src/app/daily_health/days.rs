//! Which local days a run publishes for each site.

use chrono::{Duration, NaiveDate};

/// How the days were chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// `--start-date/--end-date` (either end open: the first day with data, today).
    Range {
        /// First day, if given.
        start: Option<NaiveDate>,
        /// Last day, if given.
        end: Option<NaiveDate>,
    },
    /// `--full-sync`: every day that may have data, from `first` on.
    Full {
        /// The first snapshot's day, or the oldest day ISP metrics reach.
        first: NaiveDate,
    },
    /// The default: the last published day (its row may have grown since), the days
    /// missed after it, and today.
    SinceLast,
}

/// How far back UniFi keeps 1-hour ISP metrics, in days.
pub const METRICS_DAYS: i64 = 30;

/// The days of one site whose local date today is `today` and whose last published day is
/// `last_published`, in order.
pub fn days(
    selection: Selection,
    today: NaiveDate,
    last_published: Option<NaiveDate>,
) -> Vec<NaiveDate> {
    let (first, last) = match selection {
        Selection::Range { start, end } => (
            start.unwrap_or(today - Duration::days(METRICS_DAYS - 1)),
            end.map_or(today, |end| end.min(today)),
        ),
        Selection::Full { first } => (first.min(today), today),
        Selection::SinceLast => (
            last_published.filter(|d| *d <= today).unwrap_or(today),
            today,
        ),
    };
    first.iter_days().take_while(|d| *d <= last).collect()
}

/// Whether a run with `selection` reaches the site's today, and so may move its
/// last-published checkpoint (a backfill of past days does not).
pub fn reaches_today(selection: Selection, today: NaiveDate) -> bool {
    match selection {
        Selection::Range { end, .. } => end.is_none_or(|end| end >= today),
        Selection::Full { .. } | Selection::SinceLast => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn texts(days: Vec<NaiveDate>) -> Vec<String> {
        days.into_iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn the_default_catches_up_from_the_last_published_day() {
        let today = date("2026-12-04");
        assert_eq!(
            texts(days(Selection::SinceLast, today, None)),
            vec!["2026-12-04"]
        );
        assert_eq!(
            texts(days(Selection::SinceLast, today, Some(date("2026-12-01")))),
            vec!["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"]
        );
        assert_eq!(
            texts(days(Selection::SinceLast, today, Some(date("2026-12-09")))),
            vec!["2026-12-04"],
            "a checkpoint ahead of the site's today publishes today only"
        );
    }

    #[test]
    fn a_range_is_inclusive_and_stops_at_the_sites_today() {
        let today = date("2026-12-04");
        let range = Selection::Range {
            start: Some(date("2026-12-03")),
            end: Some(date("2026-12-05")),
        };
        assert_eq!(
            texts(days(range, today, None)),
            vec!["2026-12-03", "2026-12-04"]
        );
        assert!(reaches_today(range, today));
        let past = Selection::Range {
            start: Some(date("2026-11-01")),
            end: Some(date("2026-11-02")),
        };
        assert!(!reaches_today(past, today));
        assert_eq!(days(past, today, None).len(), 2);
    }
}
