//! Simulated-time helpers shared by generation, evolution and metrics: epoch seconds as the
//! NinjaOne API writes them, RFC 3339 text as the UniFi API writes it, daily schedules, and a
//! stable hash for deriving per-record constants (a host's backup hour) without storing them.

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// Epoch seconds with milliseconds, as NinjaOne's float timestamps.
pub fn epoch(at: DateTime<Utc>) -> f64 {
    at.timestamp_millis() as f64 / 1000.0
}

/// RFC 3339 in UTC with a `Z`, whole seconds (`2026-12-02T02:00:10Z`) or milliseconds
/// (`2024-02-07T10:25:21.981Z`): the API uses both.
pub fn rfc3339(at: DateTime<Utc>, millis: bool) -> String {
    let format = if millis {
        SecondsFormat::Millis
    } else {
        SecondsFormat::Secs
    };
    at.to_rfc3339_opts(format, true)
}

/// The latest instant at or before `now` that is `offset` seconds after a UTC midnight.
pub fn last_daily(now: DateTime<Utc>, offset: i64) -> DateTime<Utc> {
    let secs = now.timestamp();
    let day_start = (secs - offset).div_euclid(DAY) * DAY;
    Utc.timestamp_opt(day_start + offset, 0)
        .single()
        .unwrap_or(now)
}

/// A fixed time of day for `key` (a host id, say), `from_hour` to `from_hour + hours` UTC, as
/// seconds after midnight: when that host runs its daily job.
pub fn daily_offset(key: &str, from_hour: i64, hours: i64) -> i64 {
    from_hour * 3600 + (stable_hash(key) % (hours.max(1) * 3600) as u64) as i64
}

/// When a console takes its daily cloud backup: between 06:00 and 10:00 UTC (night in the US).
pub fn backup_offset(host_id: &str) -> i64 {
    daily_offset(host_id, 6, 4)
}

/// FNV-1a of `text`: stable across runs, builds and platforms.
pub fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_daily_is_at_or_before_now() {
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 5, 0, 0).unwrap();
        assert_eq!(
            last_daily(now, 4 * 3600),
            Utc.with_ymd_and_hms(2026, 12, 3, 4, 0, 0).unwrap()
        );
        assert_eq!(
            last_daily(now, 6 * 3600),
            Utc.with_ymd_and_hms(2026, 12, 2, 6, 0, 0).unwrap()
        );
        assert_eq!(last_daily(now, 5 * 3600), now);
    }

    #[test]
    fn epoch_round_trips_milliseconds() {
        let at = Utc.timestamp_millis_opt(1_764_772_212_544).unwrap();
        assert_eq!(epoch(at), 1_764_772_212.544);
        assert_eq!(rfc3339(at, true), "2025-12-03T14:30:12.544Z");
        assert_eq!(rfc3339(at, false), "2025-12-03T14:30:12Z");
    }
}
