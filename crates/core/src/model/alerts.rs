//! Device Issues: one row per active NinjaOne alert, keyed by its uid, with the earlier
//! classification and severity rules ([`super::alert_rules`]) and names resolved through the
//! alert's device and the device's organization (`shared/api/ORIGINAL_SYSTEM.md` 2.4, 4).
//!
//! | property         | value                                                        |
//! |------------------|--------------------------------------------------------------|
//! | Device Name      | the device's name; `Unknown Device` when it is not listed     |
//! | Organization     | its organization's name; `Org <id>` when not listed, `Unknown`|
//! | Issue Type       | classification; empty when no rule matches                    |
//! | Severity         | by the issue type and the alert's threshold                   |
//! | Details          | the alert's message                                           |
//! | Device ID        | the alert's device id                                         |
//! | Alert UID        | the alert's uid                                               |
//! | Created          | the alert's creation date in the business time zone           |
//! | Last Seen        | the run's date                                                |
//! | Status           | `new` when created; then people's, except that the sync sets  |
//! |                  | `resolved` when the alert clears and `new` when it returns    |
//! | Scheduled Action | a suggestion when created; then people's                      |
//!
//! Scheduled Time and Notes are people's. An alert that clears is resolved at the first run
//! that misses it: the list of active alerts is one complete answer, not a page of many.
//! An active alert whose row is `resolved` is reopened, whoever resolved it: a row must not
//! say resolved while NinjaOne says active; people silence an alert with `acknowledged` or
//! `scheduled` instead.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::alert_rules::{classify, severity, suggested_action};
use crate::config::Dataset;
use crate::ninjaone::{Alert, Device, Organization};
use crate::notion::{DateValue, PropertyValue};
use crate::sync::{DatasetSpec, DesiredRow, Retirement};

/// Property names of Device Issues.
pub mod property {
    /// Title.
    pub const DEVICE_NAME: &str = "Device Name";
    /// The device's organization.
    pub const ORGANIZATION: &str = "Organization";
    /// Classification.
    pub const ISSUE_TYPE: &str = "Issue Type";
    /// critical, warning, info.
    pub const SEVERITY: &str = "Severity";
    /// The alert's message.
    pub const DETAILS: &str = "Details";
    /// Triage state.
    pub const STATUS: &str = "Status";
    /// NinjaOne device id.
    pub const DEVICE_ID: &str = "Device ID";
    /// Suggested, then people's.
    pub const SCHEDULED_ACTION: &str = "Scheduled Action";
    /// The alert uid (also the legacy key of rows written before `Sync Key`).
    pub const ALERT_UID: &str = "Alert UID";
    /// Creation date.
    pub const CREATED: &str = "Created";
    /// The last run that saw the alert.
    pub const LAST_SEEN: &str = "Last Seen";
}

/// The engine's view of the dataset.
pub fn spec() -> DatasetSpec {
    DatasetSpec {
        dataset: Dataset::Alerts,
        retirement: Some(Retirement {
            property: property::STATUS,
            retired: "resolved",
            reopened: Some("new"),
            after_absences: 1,
        }),
        legacy_key: Some(property::ALERT_UID),
        routine: &[property::LAST_SEEN],
        routine_retirements: true,
        optional: &[],
    }
}

/// Devices and organizations by id, to name an alert's device and organization.
#[derive(Debug, Default)]
pub struct Directory<'a> {
    devices: HashMap<i64, &'a Device>,
    organizations: HashMap<i64, &'a Organization>,
}

impl<'a> Directory<'a> {
    /// Indexes `devices` and `organizations`.
    pub fn new(devices: &'a [Device], organizations: &'a [Organization]) -> Self {
        Self {
            devices: devices.iter().map(|d| (d.id, d)).collect(),
            organizations: organizations.iter().map(|o| (o.id, o)).collect(),
        }
    }

    /// The device an alert is raised on, if listed.
    pub fn device(&self, alert: &Alert) -> Option<&'a Device> {
        alert
            .device_id
            .and_then(|id| self.devices.get(&id).copied())
    }

    /// The organization id of an alert, through its device.
    pub fn organization_id(&self, alert: &Alert) -> Option<i64> {
        self.device(alert).and_then(|d| d.organization_id)
    }

    /// The organization name to show for an alert: its name, `Org <id>` when the id is
    /// not listed, `Unknown` without a device.
    pub fn organization_name(&self, alert: &Alert) -> String {
        let Some(device) = self.device(alert) else {
            return "Unknown".to_owned();
        };
        let Some(id) = device.organization_id else {
            return "Unknown".to_owned();
        };
        self.organizations
            .get(&id)
            .and_then(|o| o.name.clone())
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| format!("Org {id}"))
    }
}

/// The row of one alert, seen on `today`; creation dates are cut in `zone`.
pub fn row(alert: &Alert, directory: &Directory<'_>, today: NaiveDate, zone: Tz) -> DesiredRow {
    let device = directory.device(alert);
    let device_name = device.map_or_else(|| "Unknown Device".to_owned(), |d| d.name.clone());
    let issue = classify(
        alert.source_type.as_deref(),
        alert.message.as_deref(),
        alert.condition_name.as_deref(),
    );
    let severity = severity(issue, alert.threshold.as_deref());
    let created = alert
        .create_time
        .map_or(today, |t| local_date(t, zone))
        .to_string();
    let label = format!(
        "{device_name}: {}",
        issue.map_or("unclassified alert", |i| i.as_str())
    );
    DesiredRow::new(&alert.uid, label)
        .set(property::DEVICE_NAME, PropertyValue::Title(device_name))
        .set(
            property::ORGANIZATION,
            PropertyValue::RichText(directory.organization_name(alert)),
        )
        .set(
            property::ISSUE_TYPE,
            PropertyValue::Select(issue.map(|i| i.as_str().to_owned())),
        )
        .set(
            property::SEVERITY,
            PropertyValue::Select(Some(severity.as_str().to_owned())),
        )
        .set(
            property::DETAILS,
            PropertyValue::RichText(alert.message.clone().unwrap_or_default()),
        )
        .set(
            property::DEVICE_ID,
            PropertyValue::Number(alert.device_id.map(|id| id as f64)),
        )
        .set(
            property::ALERT_UID,
            PropertyValue::RichText(alert.uid.clone()),
        )
        .set(
            property::CREATED,
            PropertyValue::Date(Some(DateValue::on(created))),
        )
        .set(
            property::LAST_SEEN,
            PropertyValue::Date(Some(DateValue::on(today.to_string()))),
        )
        .on_create(property::STATUS, PropertyValue::Select(Some("new".into())))
        .on_create(
            property::SCHEDULED_ACTION,
            PropertyValue::Select(Some(suggested_action(issue).to_owned())),
        )
}

/// The calendar date of `time` in `zone`.
pub fn local_date(time: DateTime<Utc>, zone: Tz) -> NaiveDate {
    time.with_timezone(&zone).date_naive()
}
