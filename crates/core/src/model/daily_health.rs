//! Daily Health Summaries: one row per site per local day, keyed `{site id}:{date}`, from the
//! day's last snapshot and, for days before the first snapshot, from what the sources keep
//! (UniFi 1-hour ISP metrics, NinjaOne's activity log). A column with no source for a day
//! stays empty; nothing is made up.
//!
//! Signal Warnings stays empty: the Site Manager API has no signal data (the earlier scripts
//! wrote a hard-coded 0).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::alert_counts::AlertCounts;
use super::health::{self, BackupStatus, HealthInputs};
use crate::config::Dataset;
use crate::notion::{PageId, PropertyValue};
use crate::sync::{DatasetSpec, DesiredRow, ReviewItem};
use crate::unifi::MetricPeriod;

/// Property names of Daily Health Summaries.
pub mod property {
    /// Title: the local date, `YYYY-MM-DD`.
    pub const DATE: &str = "Date";
    /// Relation to the site's Customer Status page.
    pub const SITE: &str = "Site";
    /// Devices online.
    pub const DEVICES_ONLINE: &str = "Devices Online";
    /// Devices offline.
    pub const DEVICES_OFFLINE: &str = "Devices Offline";
    /// Devices in all.
    pub const DEVICES_TOTAL: &str = "Devices Total";
    /// Online share, a fraction in a percent-formatted column.
    pub const AVAILABILITY: &str = "Availability Percentage";
    /// Wi-Fi clients.
    pub const WIFI_CLIENTS: &str = "WiFi Clients";
    /// Critical and warning alerts.
    pub const ACTIVE_ALERTS: &str = "Active Alerts";
    /// The first alert messages.
    pub const ALERT_SUMMARY: &str = "Alert Summary";
    /// Whether the configuration changed with no log entry.
    pub const CONFIG_DRIFT: &str = "Config Drift Detected";
    /// success, partial, failed, unknown.
    pub const BACKUP_STATUS: &str = "Backup Status";
    /// The earlier formula's score.
    pub const HEALTH_SCORE: &str = "Health Score";
    /// WAN uptime over the day, a fraction (percent-formatted column; added by this toolkit).
    pub const WAN_UPTIME: &str = "WAN Uptime";
    /// Mean WAN latency over the day, in ms (added by this toolkit).
    pub const LATENCY: &str = "Latency (ms)";
    /// Mean packet loss over the day, a fraction (added by this toolkit).
    pub const PACKET_LOSS: &str = "Packet Loss";
}

/// The engine's view of the dataset: rows stay as history; every measured column moves
/// while its day lasts.
pub fn spec() -> DatasetSpec {
    use property::*;
    DatasetSpec {
        dataset: Dataset::DailyHealth,
        retirement: None,
        legacy_key: None,
        routine: &[
            DEVICES_ONLINE,
            DEVICES_OFFLINE,
            DEVICES_TOTAL,
            AVAILABILITY,
            WIFI_CLIENTS,
            ACTIVE_ALERTS,
            ALERT_SUMMARY,
            CONFIG_DRIFT,
            BACKUP_STATUS,
            HEALTH_SCORE,
            WAN_UPTIME,
            LATENCY,
            PACKET_LOSS,
        ],
        routine_retirements: false,
        optional: &[WAN_UPTIME, LATENCY, PACKET_LOSS],
    }
}

/// The key of `site`'s row for `date`.
pub fn key(site: &str, date: NaiveDate) -> String {
    format!("{site}:{date}")
}

/// What one run saw of one site, as kept in the state store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteSnapshot {
    /// The site's display name then.
    pub site_name: String,
    /// Devices in all (`None`: UniFi gave no counts).
    pub devices_total: Option<u32>,
    /// Devices offline.
    pub devices_offline: Option<u32>,
    /// Wi-Fi clients.
    pub wifi_clients: Option<u32>,
    /// The organization's active alerts; `None` when no organization is mapped.
    pub alerts: Option<AlertCounts>,
    /// The configuration fingerprint (`site_config`).
    pub fingerprint: String,
}

/// A day of ISP metrics of one site.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IspDay {
    /// Mean uptime, percent.
    pub uptime: Option<f64>,
    /// Mean latency, ms.
    pub latency_ms: Option<f64>,
    /// Mean packet loss, percent.
    pub packet_loss: Option<f64>,
}

/// Groups hourly `periods` by their local date in `zone` and averages each figure.
pub fn isp_days(periods: &[MetricPeriod], zone: Tz) -> BTreeMap<NaiveDate, IspDay> {
    let mut sums: BTreeMap<NaiveDate, [(f64, u32); 3]> = BTreeMap::new();
    for period in periods {
        let date = period.time.with_timezone(&zone).date_naive();
        let entry = sums.entry(date).or_default();
        for (slot, value) in
            entry
                .iter_mut()
                .zip([period.uptime, period.avg_latency, period.packet_loss])
        {
            if let Some(value) = value {
                slot.0 += value;
                slot.1 += 1;
            }
        }
    }
    let mean = |(sum, n): (f64, u32)| (n > 0).then(|| sum / f64::from(n));
    sums.into_iter()
        .map(|(date, [uptime, latency, loss])| {
            let day = IspDay {
                uptime: mean(uptime),
                latency_ms: mean(latency),
                packet_loss: mean(loss),
            };
            (date, day)
        })
        .collect()
}

/// Everything known about one site on one day.
#[derive(Debug, Clone, Default)]
pub struct Day<'a> {
    /// The UniFi site id.
    pub site_id: &'a str,
    /// Its display name.
    pub site_name: &'a str,
    /// The local date.
    pub date: NaiveDate,
    /// The day's last snapshot.
    pub snapshot: Option<&'a SiteSnapshot>,
    /// Drift found on the day (texts); only meaningful with a snapshot.
    pub drift: Vec<String>,
    /// Alerts active at the end of the day, rebuilt from the activity log (days without
    /// a snapshot).
    pub history_alerts: Option<&'a AlertCounts>,
    /// The day's ISP metrics.
    pub isp: Option<&'a IspDay>,
    /// The site's Customer Status page.
    pub site_page: Option<&'a PageId>,
}

/// A day's row, whether it is partial (no snapshot) and its review, if needed.
#[derive(Debug, Clone)]
pub struct DayRow {
    /// The row.
    pub row: DesiredRow,
    /// Whether columns stayed empty for want of a snapshot.
    pub partial: bool,
    /// The review, when the day needs one.
    pub review: Option<ReviewItem>,
}

/// The row of `day`, or `None` when no source knows anything of it.
pub fn day_row(day: &Day<'_>, review_threshold: u8) -> Option<DayRow> {
    if day.snapshot.is_none() && day.isp.is_none() {
        return None;
    }
    let number = |n: f64| PropertyValue::Number(Some(n));
    let mut row = DesiredRow::new(key(day.site_id, day.date), day.site_name)
        .set(property::DATE, PropertyValue::Title(day.date.to_string()))
        .set_known(
            property::SITE,
            day.site_page
                .map(|page| PropertyValue::Relation(vec![page.clone()])),
        );
    if let Some(isp) = day.isp {
        row = row
            .set_known(
                property::WAN_UPTIME,
                isp.uptime.map(|u| number(round(u / 100.0, 4))),
            )
            .set_known(
                property::LATENCY,
                isp.latency_ms.map(|l| number(round(l, 1))),
            )
            .set_known(
                property::PACKET_LOSS,
                isp.packet_loss.map(|p| number(round(p / 100.0, 4))),
            );
    }
    let alerts = day
        .snapshot
        .and_then(|s| s.alerts.as_ref())
        .or(day.history_alerts);
    if let Some(alerts) = alerts {
        row = row
            .set(property::ACTIVE_ALERTS, number(f64::from(alerts.active())))
            .set(
                property::ALERT_SUMMARY,
                PropertyValue::RichText(alerts.summary()),
            )
            .set(
                property::BACKUP_STATUS,
                PropertyValue::Select(Some(alerts.backup_status().as_str().to_owned())),
            );
    }
    let Some(snapshot) = day.snapshot else {
        return Some(DayRow {
            row,
            partial: true,
            review: None,
        });
    };
    let (row, review) = measured(row, day, snapshot, review_threshold);
    Some(DayRow {
        row,
        partial: false,
        review,
    })
}

/// The columns only a snapshot gives: devices, clients, drift, score; and the review.
fn measured(
    mut row: DesiredRow,
    day: &Day<'_>,
    snapshot: &SiteSnapshot,
    review_threshold: u8,
) -> (DesiredRow, Option<ReviewItem>) {
    let number = |n: f64| PropertyValue::Number(Some(n));
    if snapshot.alerts.is_none() {
        row = row.set(
            property::BACKUP_STATUS,
            PropertyValue::Select(Some(BackupStatus::Unknown.as_str().to_owned())),
        );
    }
    row = row.set(
        property::CONFIG_DRIFT,
        PropertyValue::Checkbox(!day.drift.is_empty()),
    );
    let Some(total) = snapshot.devices_total else {
        return (row, None);
    };
    let offline = snapshot.devices_offline.unwrap_or(0).min(total);
    let online = total - offline;
    let availability = if total == 0 {
        1.0
    } else {
        f64::from(online) / f64::from(total)
    };
    let alerts = snapshot.alerts.clone().unwrap_or_default();
    let inputs = HealthInputs {
        devices_online: online,
        devices_total: total,
        wifi_clients: snapshot.wifi_clients.unwrap_or(0),
        weak_signal_clients: 0,
        critical_alerts: alerts.critical,
        warning_alerts: alerts.warning,
        backup: snapshot
            .alerts
            .as_ref()
            .map_or(BackupStatus::Unknown, AlertCounts::backup_status),
        drift: !day.drift.is_empty(),
        violations: day.drift.clone(),
    };
    let assessed = health::assess(&inputs);
    let review = health::review(&inputs, assessed.score, review_threshold);
    row = row
        .set(property::DEVICES_TOTAL, number(f64::from(total)))
        .set(property::DEVICES_OFFLINE, number(f64::from(offline)))
        .set(property::DEVICES_ONLINE, number(f64::from(online)))
        .set(property::AVAILABILITY, number(round(availability, 4)))
        .set(property::HEALTH_SCORE, number(f64::from(assessed.score)))
        .set_known(
            property::WIFI_CLIENTS,
            snapshot.wifi_clients.map(|n| number(f64::from(n))),
        );
    let review = review.required.then(|| ReviewItem {
        key: key(day.site_id, day.date),
        label: format!("{} ({})", day.site_name, day.date),
        score: assessed.score,
        reasons: review.reasons,
    });
    (row, review)
}

fn round(value: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (value * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn snapshot() -> SiteSnapshot {
        SiteSnapshot {
            site_name: "Acme".into(),
            devices_total: Some(10),
            devices_offline: Some(2),
            wifi_clients: Some(20),
            alerts: Some(AlertCounts::of([("CPU high", Some("MAJOR"))])),
            fingerprint: "00".into(),
        }
    }

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
    }

    #[test]
    fn a_snapshot_day_has_every_column_and_the_score() {
        let snapshot = snapshot();
        let day = Day {
            site_id: "s1",
            site_name: "Acme",
            date: date(),
            snapshot: Some(&snapshot),
            ..Day::default()
        };
        let out = day_row(&day, 70).unwrap();
        let value = |name: &str| out.row.properties[name].display();
        assert_eq!(out.row.key, "s1:2026-12-03");
        assert_eq!(value(property::DATE), "2026-12-03");
        assert_eq!(value(property::DEVICES_ONLINE), "8");
        assert_eq!(value(property::AVAILABILITY), "0.8");
        assert_eq!(value(property::ACTIVE_ALERTS), "1");
        assert_eq!(value(property::BACKUP_STATUS), "success");
        // 8/10 online costs 5, one warning 2: 93.
        assert_eq!(value(property::HEALTH_SCORE), "93");
        assert!(!out.partial);
        assert!(out.review.is_none());
    }

    #[test]
    fn drift_costs_the_compliance_weight_and_asks_for_review() {
        let snapshot = snapshot();
        let day = Day {
            site_id: "s1",
            site_name: "Acme",
            date: date(),
            snapshot: Some(&snapshot),
            drift: vec!["configuration changed with no log entry".into()],
            ..Day::default()
        };
        let out = day_row(&day, 70).unwrap();
        assert_eq!(out.row.properties[property::HEALTH_SCORE].display(), "78");
        assert_eq!(out.row.properties[property::CONFIG_DRIFT].display(), "true");
        assert!(out.review.is_some());
    }

    #[test]
    fn a_history_day_leaves_what_no_source_kept_empty() {
        let isp = IspDay {
            uptime: Some(99.5),
            latency_ms: Some(12.345),
            packet_loss: Some(0.2),
        };
        let day = Day {
            site_id: "s1",
            site_name: "Acme",
            date: date(),
            isp: Some(&isp),
            ..Day::default()
        };
        let out = day_row(&day, 70).unwrap();
        assert!(out.partial);
        assert_eq!(out.row.properties[property::WAN_UPTIME].display(), "0.995");
        assert_eq!(out.row.properties[property::LATENCY].display(), "12.3");
        for empty in [
            property::HEALTH_SCORE,
            property::DEVICES_TOTAL,
            property::CONFIG_DRIFT,
        ] {
            assert!(!out.row.properties.contains_key(empty), "{empty}");
        }
        let nothing = Day {
            site_id: "s1",
            date: date(),
            ..Day::default()
        };
        assert!(day_row(&nothing, 70).is_none());
    }

    #[test]
    fn metrics_fall_on_the_local_day() {
        let zone: Tz = "America/Chicago".parse().unwrap();
        let period = |hour| MetricPeriod {
            time: Utc.with_ymd_and_hms(2026, 12, 4, hour, 0, 0).unwrap(),
            version: None,
            avg_latency: Some(10.0),
            max_latency: None,
            packet_loss: Some(0.0),
            download_kbps: None,
            upload_kbps: None,
            uptime: Some(100.0),
            downtime: None,
            isp_name: None,
            isp_asn: None,
        };
        // 03:00 UTC is the evening of Dec 3 in Chicago; 12:00 UTC is Dec 4.
        let days = isp_days(&[period(3), period(12)], zone);
        let dates: Vec<String> = days.keys().map(ToString::to_string).collect();
        assert_eq!(dates, vec!["2026-12-03", "2026-12-04"]);
    }
}
