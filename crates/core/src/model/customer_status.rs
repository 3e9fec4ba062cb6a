//! The Customer Status Board: one row per UniFi site, keyed by site id, joined to its
//! NinjaOne organization through the site map (`shared/api/ORIGINAL_SYSTEM.md` section 2.1).
//!
//! | property          | value                                                           |
//! |-------------------|-----------------------------------------------------------------|
//! | Site Name (title) | the display name rule of the UniFi fact sheet, section 7        |
//! | Customer ID       | the UniFi site id                                               |
//! | State             | the site map's state; left alone when the map has none          |
//! | Device Count      | `counts.totalDevice`; left alone when UniFi sends no counts     |
//! | Stack Type        | `Ubiquiti`                                                      |
//! | Deployment Status | from the health status; `offboarding` once the site is gone     |
//! | Health Score      | the earlier formula ([`super::health`])                         |
//! | Last Health Check | the run's date in the business time zone                        |
//! | Contract Renewal, Primary Contact | the site map's, when it has them                |
//!
//! Open Tickets is never written: no ticket source is connected, and the earlier scripts'
//! constant 0 was a made-up value. Notes belongs to people.
//!
//! Health inputs: devices online and total from UniFi; Wi-Fi clients from UniFi with no
//! weak-signal count (the Site Manager API has no signal data, so Wi-Fi never costs points);
//! critical and warning alerts of the organization's devices; the Backup Status from its
//! backup alerts. A site with no NinjaOne organization in the site map gets backup
//! `unknown` and no alert count, and is listed as unmatched.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::health::{self, AlertBucket, BackupStatus, HealthInputs};
use crate::config::{Dataset, SiteId, SiteMap};
use crate::ninjaone::{Alert, Device};
use crate::notion::{DateValue, PropertyValue};
use crate::sync::{DatasetSpec, DesiredRow, Retirement, ReviewItem};
use crate::unifi::{Host, Site};

/// Property names of the Customer Status Board.
pub mod property {
    /// Title.
    pub const SITE_NAME: &str = "Site Name";
    /// The site id (also the legacy key of rows written before `Sync Key`).
    pub const CUSTOMER_ID: &str = "Customer ID";
    /// US state.
    pub const STATE: &str = "State";
    /// Devices of the site.
    pub const DEVICE_COUNT: &str = "Device Count";
    /// Vendors of the site's stack.
    pub const STACK_TYPE: &str = "Stack Type";
    /// Lifecycle and health.
    pub const DEPLOYMENT_STATUS: &str = "Deployment Status";
    /// 0 to 100.
    pub const HEALTH_SCORE: &str = "Health Score";
    /// The run's date.
    pub const LAST_HEALTH_CHECK: &str = "Last Health Check";
    /// From the site map.
    pub const CONTRACT_RENEWAL: &str = "Contract Renewal";
    /// From the site map.
    pub const PRIMARY_CONTACT: &str = "Primary Contact";
}

/// The engine's view of the dataset.
pub fn spec(retire_after_absences: u32) -> DatasetSpec {
    DatasetSpec {
        dataset: Dataset::CustomerStatus,
        retirement: Some(Retirement {
            property: property::DEPLOYMENT_STATUS,
            retired: "offboarding",
            reopened: None,
            after_absences: retire_after_absences.max(1),
        }),
        legacy_key: Some(property::CUSTOMER_ID),
        // Measurements move every day; names, states, contracts and retirements do not.
        routine: &[
            property::LAST_HEALTH_CHECK,
            property::HEALTH_SCORE,
            property::DEPLOYMENT_STATUS,
            property::DEVICE_COUNT,
        ],
        routine_retirements: false,
        optional: &[],
    }
}

/// The active alerts of each NinjaOne organization, joined through their devices (alerts
/// carry no organization).
#[derive(Debug, Default)]
pub struct AlertsByOrganization<'a> {
    by_organization: HashMap<i64, Vec<&'a Alert>>,
}

impl<'a> AlertsByOrganization<'a> {
    /// Groups `alerts` by the organization of their device.
    pub fn new(devices: &[Device], alerts: &'a [Alert]) -> Self {
        let organization: HashMap<i64, i64> = devices
            .iter()
            .filter_map(|d| Some((d.id, d.organization_id?)))
            .collect();
        let mut by_organization: HashMap<i64, Vec<&Alert>> = HashMap::new();
        for alert in alerts {
            if let Some(org) = alert.device_id.and_then(|d| organization.get(&d)) {
                by_organization.entry(*org).or_default().push(alert);
            }
        }
        Self { by_organization }
    }

    /// The alerts of `organization`.
    pub fn of(&self, organization: i64) -> &[&'a Alert] {
        self.by_organization
            .get(&organization)
            .map_or(&[], Vec::as_slice)
    }
}

/// What the rows are made from.
pub struct Sources<'a> {
    /// UniFi sites, every one.
    pub sites: &'a [Site],
    /// UniFi hosts, for names and time zones.
    pub hosts: &'a [Host],
    /// NinjaOne alerts by organization; `None` when NinjaOne could not be read and its
    /// columns are to be left as they are.
    pub alerts: Option<&'a AlertsByOrganization<'a>>,
    /// The operators' site map.
    pub site_map: &'a SiteMap,
    /// The run's date in the business time zone.
    pub today: NaiveDate,
    /// A site scoring below this needs review.
    pub review_threshold: u8,
}

/// The rows of one run, with the sites needing review and those the site map lacks.
#[derive(Debug, Default)]
pub struct CustomerRows {
    /// One row per site.
    pub rows: Vec<DesiredRow>,
    /// Sites needing review.
    pub review: Vec<ReviewItem>,
    /// Display names of sites with no NinjaOne organization in the site map.
    pub unmatched: Vec<String>,
    /// Sites whose UniFi answer had no device counts.
    pub without_counts: Vec<String>,
}

/// Maps every site of `sources` to its row.
pub fn rows(sources: &Sources<'_>) -> CustomerRows {
    let hosts: HashMap<&str, &Host> = sources.hosts.iter().map(|h| (h.id.as_str(), h)).collect();
    let mut out = CustomerRows::default();
    for site in sources.sites {
        let host = site
            .host_id
            .as_deref()
            .and_then(|id| hosts.get(id).copied());
        let name = site.display_name(host);
        let entry = SiteId::parse(&site.id).and_then(|id| sources.site_map.get(&id));
        let organization = entry.and_then(|e| e.ninjaone_organization_id);
        if organization.is_none() {
            out.unmatched.push(name.clone());
        }
        let counts = site.counts.as_ref();
        if counts.and_then(|c| c.total_device).is_none() {
            out.without_counts.push(name.clone());
        }

        let mut row = DesiredRow::new(&site.id, &name)
            .set(property::SITE_NAME, PropertyValue::Title(name.clone()))
            .set(
                property::CUSTOMER_ID,
                PropertyValue::RichText(site.id.clone()),
            )
            .set(
                property::STACK_TYPE,
                PropertyValue::MultiSelect(vec!["Ubiquiti".to_owned()]),
            )
            .set_known(
                property::DEVICE_COUNT,
                counts
                    .and_then(|c| c.total_device)
                    .map(|n| PropertyValue::Number(Some(f64::from(n)))),
            );
        if let Some(entry) = entry {
            row = row
                .set_known(
                    property::STATE,
                    entry.state.clone().map(|s| PropertyValue::Select(Some(s))),
                )
                .set_known(
                    property::CONTRACT_RENEWAL,
                    entry
                        .contract_renewal
                        .map(|d| PropertyValue::Date(Some(DateValue::on(d.to_string())))),
                )
                .set_known(
                    property::PRIMARY_CONTACT,
                    entry.primary_contact.clone().map(PropertyValue::RichText),
                );
        }
        if let Some(alerts) = sources.alerts {
            let inputs = inputs(site, organization.map(|o| alerts.of(o as i64)));
            let assessed = health::assess(&inputs);
            let review = health::review(&inputs, assessed.score, sources.review_threshold);
            if review.required {
                out.review.push(ReviewItem {
                    key: site.id.clone(),
                    label: name.clone(),
                    score: assessed.score,
                    reasons: review.reasons,
                });
            }
            row = row
                .set(
                    property::HEALTH_SCORE,
                    PropertyValue::Number(Some(f64::from(assessed.score))),
                )
                .set(
                    property::DEPLOYMENT_STATUS,
                    PropertyValue::Select(Some(assessed.status.deployment_status().to_owned())),
                )
                .set(
                    property::LAST_HEALTH_CHECK,
                    PropertyValue::Date(Some(DateValue::on(sources.today.to_string()))),
                );
        }
        out.rows.push(row);
    }
    out.review
        .sort_by(|a, b| a.score.cmp(&b.score).then(a.label.cmp(&b.label)));
    out
}

/// The health inputs of `site` whose organization's alerts are `alerts` (`None`: no
/// organization matched).
fn inputs(site: &Site, alerts: Option<&[&Alert]>) -> HealthInputs {
    let counts = site.counts.clone().unwrap_or_default();
    let total = counts.total_device.unwrap_or(0);
    let mut inputs = HealthInputs {
        devices_total: total,
        devices_online: counts.online_device().unwrap_or(total),
        wifi_clients: counts.wifi_client.unwrap_or(0),
        // The Site Manager API has no signal data (UNIFI_SITE_MANAGER.md section 8).
        weak_signal_clients: 0,
        backup: BackupStatus::Unknown,
        ..HealthInputs::default()
    };
    let Some(alerts) = alerts else {
        return inputs;
    };
    // Limitation: an alert with no `severity` counts as info; the fact sheet's fallback,
    // the severity of the series' TRIGGERED activity, would cost one activity read per
    // such alert and is not done.
    for alert in alerts {
        match health::bucket(alert.severity.as_deref()) {
            AlertBucket::Critical => inputs.critical_alerts += 1,
            AlertBucket::Warning => inputs.warning_alerts += 1,
            AlertBucket::Info => {}
        }
    }
    inputs.backup = BackupStatus::from_alerts(
        alerts
            .iter()
            .map(|a| (a.message.as_deref().unwrap_or(""), a.severity.as_deref())),
    );
    inputs
}

/// Notes for the report: unmatched sites and sites without counts, a few names each.
pub fn notes(rows: &CustomerRows) -> Vec<String> {
    let mut notes = Vec::new();
    let list = |names: &[String]| {
        let mut shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
        if names.len() > shown.len() {
            shown.push("…");
        }
        shown.join(", ")
    };
    if !rows.unmatched.is_empty() {
        notes.push(format!(
            "{} sites have no NinjaOne organization in the site map (backup unknown, alerts \
             not counted): {}",
            rows.unmatched.len(),
            list(&rows.unmatched)
        ));
    }
    if !rows.without_counts.is_empty() {
        notes.push(format!(
            "{} sites came without device counts from UniFi (Device Count left as it was): {}",
            rows.without_counts.len(),
            list(&rows.without_counts)
        ));
    }
    notes
}

/// Site ids by display name, to resolve `--site NAME`.
pub fn names(sites: &[Site], hosts: &[Host]) -> BTreeMap<String, Vec<String>> {
    let hosts: HashMap<&str, &Host> = hosts.iter().map(|h| (h.id.as_str(), h)).collect();
    let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for site in sites {
        let host = site
            .host_id
            .as_deref()
            .and_then(|id| hosts.get(id).copied());
        names
            .entry(site.display_name(host))
            .or_default()
            .push(site.id.clone());
    }
    names
}
