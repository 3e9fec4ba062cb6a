//! Timestamps and dates as Notion writes and compares them.
//!
//! `created_time` and `last_edited_time` are stored already formatted
//! (`2026-11-30T10:12:00.000Z`, rounded down to the minute as the real API does, NOTION.md
//! section 12): rendering them is free and, the format having a fixed width, comparing two of
//! them as strings compares the instants.

use std::cmp::Ordering;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, Timelike, Utc};

/// `now` rounded down to the minute, in Notion's timestamp format.
pub fn minute_stamp(now: DateTime<Utc>) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:00.000Z",
        now.year(),
        now.month(),
        now.day(),
        now.hour(),
        now.minute()
    )
}

/// A stored timestamp back as an instant.
pub fn parse_stamp(stamp: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(stamp)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A date as written in a property value or a filter: a calendar day or an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePoint {
    /// `YYYY-MM-DD`.
    Day(NaiveDate),
    /// A date-time; one without an offset is taken as UTC.
    Instant(DateTime<Utc>),
}

impl DatePoint {
    /// Parses `YYYY-MM-DD`, an RFC 3339 date-time, or a date-time without offset.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Some(Self::Day(day));
        }
        if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
            return Some(Self::Instant(instant.with_timezone(&Utc)));
        }
        naive_date_time(text).map(|naive| Self::Instant(naive.and_utc()))
    }

    /// The calendar day (UTC for instants).
    pub fn day(self) -> NaiveDate {
        match self {
            Self::Day(day) => day,
            Self::Instant(instant) => instant.date_naive(),
        }
    }

    /// The instant (midnight UTC for days).
    pub fn instant(self) -> DateTime<Utc> {
        match self {
            Self::Day(day) => day.and_time(chrono::NaiveTime::MIN).and_utc(),
            Self::Instant(instant) => instant,
        }
    }

    /// Orders a value against a filter operand: by day when the operand is a day, so that
    /// `equals "2026-12-03"` matches any time on that day; by instant otherwise.
    pub fn compare_to(self, operand: DatePoint) -> Ordering {
        match operand {
            Self::Day(day) => self.day().cmp(&day),
            Self::Instant(instant) => self.instant().cmp(&instant),
        }
    }
}

fn naive_date_time(text: &str) -> Option<NaiveDateTime> {
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
}

/// A date property's `start` or `end` as Notion returns it: days unchanged, date-times with
/// milliseconds and their offset (`2026-12-03T06:00:00.000+00:00`), date-times without an
/// offset (used with `time_zone`) without one. `None` when the text is not a date.
pub fn normalize_date(text: &str) -> Option<String> {
    let text = text.trim();
    if NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() {
        return Some(text.to_owned());
    }
    if let Ok(instant) = DateTime::<FixedOffset>::parse_from_rfc3339(text) {
        return Some(instant.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string());
    }
    naive_date_time(text).map(|naive| naive.format("%Y-%m-%dT%H:%M:%S%.3f").to_string())
}

/// The range of days a relative date filter (`past_week`, `next_month`, ...) covers, both
/// ends included, counted from `today`. Weeks start on Monday.
pub fn relative_days(operator: &str, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let months = |n: i32| shift_months(today, n);
    Some(match operator {
        "past_week" => (today - Duration::days(7), today),
        "past_month" => (months(-1), today),
        "past_year" => (months(-12), today),
        "next_week" => (today, today + Duration::days(7)),
        "next_month" => (today, months(1)),
        "next_year" => (today, months(12)),
        "this_week" => {
            let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
            (monday, monday + Duration::days(6))
        }
        _ => return None,
    })
}

fn shift_months(day: NaiveDate, months: i32) -> NaiveDate {
    let shifted = if months >= 0 {
        day.checked_add_months(chrono::Months::new(months.unsigned_abs()))
    } else {
        day.checked_sub_months(chrono::Months::new(months.unsigned_abs()))
    };
    shifted.unwrap_or(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_rounded_down_to_the_minute() {
        let now = DateTime::parse_from_rfc3339("2026-11-30T10:12:59.999Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(minute_stamp(now), "2026-11-30T10:12:00.000Z");
    }

    #[test]
    fn days_compare_by_day_and_instants_by_instant() {
        let value = DatePoint::parse("2026-12-03T06:00:00Z").unwrap();
        let day = DatePoint::parse("2026-12-03").unwrap();
        assert_eq!(value.compare_to(day), Ordering::Equal);
        let later = DatePoint::parse("2026-12-03T07:00:00+00:00").unwrap();
        assert_eq!(value.compare_to(later), Ordering::Less);
        assert_eq!(day.compare_to(later), Ordering::Less);
    }

    #[test]
    fn dates_are_normalized_like_notion() {
        assert_eq!(normalize_date("2026-12-03").unwrap(), "2026-12-03");
        assert_eq!(
            normalize_date("2026-12-03T06:00:00Z").unwrap(),
            "2026-12-03T06:00:00.000+00:00"
        );
        assert_eq!(
            normalize_date("2026-12-03T06:00").unwrap(),
            "2026-12-03T06:00:00.000"
        );
        assert!(normalize_date("yesterday").is_none());
    }
}
