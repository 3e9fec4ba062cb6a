//! Which NinjaOne alerts were active at past moments, rebuilt from the
//! activity log and the alerts active now, for the Daily Health days before
//! the first snapshot. Reading the log and choosing the days belong to the
//! Daily Health sync.
//!
//! An alert's life is a series of `CONDITION` activities whose `seriesUid` is
//! the alert's uid: `TRIGGERED` raises it, `RESET` clears it, and a later
//! `TRIGGERED` starts a new span. A span is half-open, `[raised, cleared)`,
//! and a day ends at an exclusive instant, so an alert counts for a day when
//! `raised < end <= cleared`: it was active in the day's last instant. An
//! activity at exactly the end belongs to the next day: a `RESET` then still
//! counts for the day, a `TRIGGERED` then does not.
//!
//! Limits:
//!
//! - The log must reach back to `since`, the start of the first day asked
//!   about. A series whose `RESET` is in the log but not its `TRIGGERED` was
//!   raised before `since` and is taken as raised at `since`. An alert raised
//!   and cleared before `since` is not seen.
//! - A current alert whose `TRIGGERED` is not in the log was raised at its
//!   `createTime`, or at `since` when that is missing.
//! - Limitation: a series raised in the log, never reset in it and not active
//!   now lost its `RESET` (a deleted device, a gap in the log). It counts as
//!   active up to now, which overcounts the days since it really cleared.
//! - Severity and message come from the span's `TRIGGERED`, else from the
//!   current alert, else from the span's `RESET`. An alert with no severity
//!   counts as info (see [`super::health::bucket`]).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::alert_counts::AlertCounts;
use crate::ninjaone::{Activity, Alert};

/// A day to count: site id, local date, and the instant the day ends
/// (exclusive).
pub type DayEnd = (String, NaiveDate, DateTime<Utc>);

/// The alerts active at the end of each of `days`, by `(site id, date)`.
///
/// - `activities`: the log from `since` up to now, in any order; only
///   `CONDITION` activities with a series uid, a time and status `TRIGGERED`
///   or `RESET` are read.
/// - `since`: where the log starts; `days` should end after it.
/// - `current`: the alerts active now.
/// - `site_of_device`: device id to site id; other devices are ignored.
///
/// Every asked day has an entry, empty when no alert was active. Alerts reach
/// [`AlertCounts::of`] by raise time, then uid, so messages are deterministic.
pub fn active_at(
    activities: &[Activity],
    since: DateTime<Utc>,
    current: &[Alert],
    site_of_device: &HashMap<i64, String>,
    days: &[DayEnd],
) -> HashMap<(String, NaiveDate), AlertCounts> {
    let alerts = counted(spans(activities, since, current), current, site_of_device);
    days.iter()
        .map(|(site, date, end)| {
            let active = alerts
                .iter()
                .filter(|c| c.site == site && c.span.active_at(*end));
            let pairs = active.map(|c| (c.message, c.severity));
            ((site.clone(), *date), AlertCounts::of(pairs))
        })
        .collect()
}

/// One `TRIGGERED..RESET` span of an alert series.
struct Span<'a> {
    uid: &'a str,
    device_id: Option<i64>,
    /// `since` when raised before the log starts.
    raised: DateTime<Utc>,
    /// `None`: not cleared in the log.
    cleared: Option<DateTime<Utc>>,
    triggered: Option<&'a Activity>,
    reset: Option<&'a Activity>,
}

/// A span at its site, with the severity and message it counts by.
struct Counted<'a> {
    site: &'a str,
    span: Span<'a>,
    message: &'a str,
    severity: Option<&'a str>,
}

impl<'a> Span<'a> {
    /// An open span, with no activity known yet.
    fn open(uid: &'a str, device_id: Option<i64>, raised: DateTime<Utc>) -> Self {
        Span {
            uid,
            device_id,
            raised,
            cleared: None,
            triggered: None,
            reset: None,
        }
    }

    /// Whether the span covers the last instant before `end`.
    fn active_at(&self, end: DateTime<Utc>) -> bool {
        self.raised < end && self.cleared.is_none_or(|t| t >= end)
    }
}

/// The spans of each series in the log, plus an open span for each current
/// alert whose series has none open. Such a span starts at the alert's create
/// time (`since` when missing), but not before its series' last reset.
fn spans<'a>(
    activities: &'a [Activity],
    since: DateTime<Utc>,
    current: &'a [Alert],
) -> Vec<Span<'a>> {
    let mut series: HashMap<&str, Vec<Span>> = condition_series(activities)
        .into_iter()
        .map(|(uid, events)| (uid, series_spans(uid, &events, since)))
        .collect();
    for alert in current {
        let spans = series.entry(alert.uid.as_str()).or_default();
        let last_reset = match spans.last() {
            Some(span) if span.cleared.is_none() => continue,
            last => last.and_then(|s| s.cleared),
        };
        let created = alert.create_time.unwrap_or(since);
        let raised = last_reset.map_or(created, |t| t.max(created));
        spans.push(Span::open(&alert.uid, alert.device_id, raised));
    }
    series.into_values().flatten().collect()
}

/// The `TRIGGERED` and `RESET` activities of each series, by time then id.
fn condition_series(activities: &[Activity]) -> HashMap<&str, Vec<&Activity>> {
    let mut series: HashMap<&str, Vec<&Activity>> = HashMap::new();
    for activity in activities {
        let status = activity.status_code.as_deref();
        let is_condition = activity.activity_type.as_deref() == Some("CONDITION")
            && matches!(status, Some("TRIGGERED" | "RESET"));
        if let (true, Some(uid), Some(_)) =
            (is_condition, activity.series_uid.as_deref(), activity.time)
        {
            series.entry(uid).or_default().push(activity);
        }
    }
    for events in series.values_mut() {
        events.sort_by_key(|a| (a.time, a.id));
    }
    series
}

/// The spans of one series from its events in time order. A `TRIGGERED`
/// while a span is open and a `RESET` with none open are repeats and change
/// nothing, except a first `RESET`: it ends a span raised before `since`.
fn series_spans<'a>(uid: &'a str, events: &[&'a Activity], since: DateTime<Utc>) -> Vec<Span<'a>> {
    let mut spans = Vec::new();
    let mut open: Option<Span> = None;
    for &event in events {
        let time = event.time.unwrap_or(since);
        match (event.status_code.as_deref(), open.as_mut()) {
            (Some("TRIGGERED"), None) => {
                let span = Span::open(uid, event.device_id, time);
                open = Some(Span {
                    triggered: Some(event),
                    ..span
                });
            }
            (Some("RESET"), Some(span)) => {
                span.cleared = Some(time);
                span.reset = Some(event);
                spans.extend(open.take());
            }
            (Some("RESET"), None) if spans.is_empty() => {
                let span = Span::open(uid, event.device_id, since);
                spans.push(Span {
                    cleared: Some(time),
                    reset: Some(event),
                    ..span
                });
            }
            _ => {}
        }
    }
    spans.extend(open);
    spans
}

/// The spans of known sites with their severity and message, by raise time,
/// then uid.
fn counted<'a>(
    spans: Vec<Span<'a>>,
    current: &'a [Alert],
    site_of_device: &'a HashMap<i64, String>,
) -> Vec<Counted<'a>> {
    let current: HashMap<&str, &Alert> = current.iter().map(|a| (a.uid.as_str(), a)).collect();
    let mut counted: Vec<Counted> = spans
        .into_iter()
        .filter_map(|span| {
            let alert = current.get(span.uid).copied();
            let device_id = span.device_id.or(alert.and_then(|a| a.device_id))?;
            let site = site_of_device.get(&device_id)?;
            Some(describe(site, span, alert))
        })
        .collect();
    counted.sort_by_key(|c| (c.span.raised, c.span.uid, c.span.cleared));
    counted
}

/// Severity and message from the span's `TRIGGERED`, else the current
/// alert, else the span's `RESET`.
fn describe<'a>(site: &'a str, span: Span<'a>, alert: Option<&'a Alert>) -> Counted<'a> {
    let (triggered, reset) = (span.triggered, span.reset);
    let severity = (triggered.and_then(|a| a.severity.as_deref()))
        .or(alert.and_then(|a| a.severity.as_deref()))
        .or(reset.and_then(|a| a.severity.as_deref()));
    let message = (triggered.and_then(|a| a.message.as_deref()))
        .or(alert.and_then(|a| a.message.as_deref()))
        .or(reset.and_then(|a| a.message.as_deref()))
        .unwrap_or_default();
    Counted {
        site,
        span,
        message,
        severity,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    const SITE: &str = "site-a";

    type Counts = HashMap<(String, NaiveDate), AlertCounts>;

    /// `hour` o'clock UTC on March `day`, 2025.
    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, day, hour, 0, 0).unwrap()
    }

    /// Days of March at `SITE`, each ending at the next midnight UTC.
    fn days(days: &[u32]) -> Vec<DayEnd> {
        let date = |d| NaiveDate::from_ymd_opt(2025, 3, d).unwrap();
        days.iter()
            .map(|&d| (SITE.to_owned(), date(d), at(d + 1, 0)))
            .collect()
    }

    /// A critical `CONDITION` activity of series `uid` on device 1.
    fn activity(uid: &str, status: &str, time: DateTime<Utc>) -> Activity {
        Activity {
            id: 0,
            time: Some(time),
            device_id: Some(1),
            severity: Some("CRITICAL".to_owned()),
            priority: None,
            series_uid: Some(uid.to_owned()),
            activity_type: Some("CONDITION".to_owned()),
            status_code: Some(status.to_owned()),
            status: None,
            activity_result: None,
            source_config_uid: None,
            source_name: None,
            subject: None,
            message: Some(format!("{uid} {status}")),
            kind: None,
            user_id: None,
            user_name: None,
            user_email: None,
            message_code: None,
            client_id: None,
        }
    }

    fn raise(uid: &str, time: DateTime<Utc>) -> Activity {
        activity(uid, "TRIGGERED", time)
    }

    fn clear(uid: &str, time: DateTime<Utc>) -> Activity {
        activity(uid, "RESET", time)
    }

    /// An alert active now on device 1.
    fn alert(uid: &str, severity: Option<&str>, created: Option<DateTime<Utc>>) -> Alert {
        Alert {
            uid: uid.to_owned(),
            device_id: Some(1),
            message: Some(format!("{uid} now")),
            subject: None,
            source_type: None,
            source_name: None,
            source_config_uid: None,
            condition_name: None,
            condition_health_status: None,
            severity: severity.map(str::to_owned),
            priority: None,
            create_time: created,
            update_time: None,
            threshold: None,
        }
    }

    /// Counts from a log starting March 1, device 1 at `SITE`, 2 at `site-b`.
    fn counts(log: &[Activity], current: &[Alert], asked: &[DayEnd]) -> Counts {
        let sites = HashMap::from([(1, SITE.to_owned()), (2, "site-b".to_owned())]);
        active_at(log, at(1, 0), current, &sites, asked)
    }

    /// Critical counts at `SITE` on each of `asked` days.
    fn critical(log: &[Activity], current: &[Alert], asked: &[u32]) -> Vec<u32> {
        let counts = counts(log, current, &days(asked));
        let of = |(site, date, _): &DayEnd| counts[&(site.clone(), *date)].critical;
        days(asked).iter().map(of).collect()
    }

    /// The counts at `SITE` on March 1.
    fn first_day(log: &[Activity], current: &[Alert]) -> AlertCounts {
        let asked = days(&[1]);
        let key = (SITE.to_owned(), asked[0].1);
        counts(log, current, &asked).remove(&key).unwrap()
    }

    #[test]
    fn reset_within_the_day_is_not_active_at_its_end() {
        let log = [raise("a", at(1, 8)), clear("a", at(1, 9))];
        assert_eq!(critical(&log, &[], &[1, 2]), [0, 0]);
    }

    #[test]
    fn counts_on_days_before_its_reset_day() {
        let log = [clear("a", at(3, 9)), raise("a", at(1, 8))];
        assert_eq!(critical(&log, &[], &[1, 2, 3, 4]), [1, 1, 0, 0]);
    }

    #[test]
    fn activities_at_the_day_end_belong_to_the_next_day() {
        let log = [raise("a", at(2, 0)), clear("a", at(3, 0))];
        assert_eq!(critical(&log, &[], &[1, 2, 3]), [0, 1, 0]);
    }

    #[test]
    fn current_alert_counts_from_its_create_time() {
        let current = [alert("a", Some("CRITICAL"), Some(at(2, 12)))];
        assert_eq!(critical(&[], &current, &[1, 2, 3]), [0, 1, 1]);
        let undated = [alert("a", Some("CRITICAL"), None)];
        assert_eq!(critical(&[], &undated, &[1, 2]), [1, 1]);
    }

    #[test]
    fn reset_whose_trigger_predates_the_log_counts_until_the_reset() {
        let log = [clear("a", at(3, 9))];
        assert_eq!(critical(&log, &[], &[1, 2, 3]), [1, 1, 0]);
    }

    #[test]
    fn retriggered_series_counts_each_span() {
        let log = [
            raise("a", at(1, 8)),
            clear("a", at(2, 8)),
            raise("a", at(3, 8)),
            clear("a", at(4, 8)),
            raise("a", at(5, 8)),
        ];
        let current = [alert("a", Some("CRITICAL"), Some(at(1, 8)))];
        let asked = [1, 2, 3, 4, 5, 6];
        assert_eq!(critical(&log, &current, &asked), [1, 0, 1, 0, 1, 1]);
    }

    #[test]
    fn other_sites_unknown_devices_and_other_activities_are_ignored() {
        let mut other_site = raise("b", at(1, 8));
        other_site.device_id = Some(2);
        let mut unknown_device = raise("c", at(1, 8));
        unknown_device.device_id = Some(99);
        let mut system = raise("d", at(1, 8));
        system.activity_type = Some("SYSTEM".to_owned());
        let acknowledged = activity("e", "ACKNOWLEDGED", at(1, 8));
        let log = [
            other_site,
            unknown_device,
            system,
            acknowledged,
            raise("f", at(1, 8)),
        ];
        assert_eq!(critical(&log, &[], &[1]), [1]);
    }

    #[test]
    fn severity_from_triggered_beats_missing_current_severity() {
        let mut triggered = raise("a", at(1, 8));
        triggered.severity = Some("MAJOR".to_owned());
        let counts = first_day(&[triggered], &[alert("a", None, Some(at(1, 8)))]);
        assert_eq!((counts.critical, counts.warning), (0, 1));
        assert_eq!(counts.messages, ["a TRIGGERED"]);
    }

    #[test]
    fn alert_without_any_severity_counts_as_info() {
        let mut triggered = raise("a", at(1, 8));
        triggered.severity = None;
        let counts = first_day(&[triggered], &[alert("a", None, Some(at(1, 8)))]);
        assert_eq!((counts.critical, counts.warning), (0, 0));
    }

    #[test]
    fn messages_follow_raise_order_then_uid() {
        let log = [
            raise("a", at(1, 9)),
            clear("z", at(3, 0)),
            clear("y", at(3, 0)),
        ];
        let counts = first_day(&log, &[]);
        assert_eq!(counts.messages, ["y RESET", "z RESET", "a TRIGGERED"]);
    }

    #[test]
    fn every_asked_day_has_an_entry() {
        let mut asked = days(&[1, 2]);
        asked.push(("site-c".to_owned(), asked[0].1, asked[0].2));
        let counts = counts(&[raise("a", at(1, 8))], &[], &asked);
        assert_eq!(counts.len(), 3);
        let of = |(site, date, _): &DayEnd| counts[&(site.clone(), *date)].clone();
        assert_eq!(of(&asked[2]), AlertCounts::of(std::iter::empty()));
        assert_eq!([of(&asked[0]).critical, of(&asked[1]).critical], [1, 1]);
    }
}
