//! Where config-change-sync finds changes besides manual entries: NinjaOne activities that are
//! configuration changes, and the differences between two UniFi readings of a site.
//!
//! Which NinjaOne activities count is decided here and nowhere else: a status code ending in
//! one of [`CHANGE_ENDINGS`] (about 210 of NinjaOne's 677 codes: `POLICY_UPDATED`,
//! `NODE_CREATED`, `CLIENT_UPDATED`, `CREDENTIAL_*`, `TECHNICIAN_PERMISSIONS_CHANGED`,
//! `BITLOCKER_ENABLED`, `ADAPTER_CONFIG_CHANGED`, ...), on an activity whose type is not one
//! of [`RUN_TYPES`] (alert conditions, patching, scripts and antivirus describe runs, not
//! configuration), and whose result is not a failure (a failed change changed nothing).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::config_changes::{Action, Category, ChangeRecord, Tool, assess_risk, property};
use super::site_config::Difference;
use crate::ninjaone::Activity;

/// Status code endings that mark a configuration change, with the action each stands for.
pub const CHANGE_ENDINGS: &[(&str, Action)] = &[
    ("_CREATED", Action::Create),
    ("_UPDATED", Action::Update),
    ("_DELETED", Action::Delete),
    ("_CHANGED", Action::Modify),
    ("_ENABLED", Action::Modify),
    ("_DISABLED", Action::Modify),
];

/// Activity types whose status codes report runs, never configuration.
pub const RUN_TYPES: &[&str] = &[
    "CONDITION",
    "PATCH_MANAGEMENT",
    "SOFTWARE_PATCH_MANAGEMENT",
    "SCRIPTING",
    "ANTIVIRUS",
];

/// Status code prefixes of changes to who may do what, which the log files as security.
const SECURITY_PREFIXES: &[&str] = &["CREDENTIAL_", "TECHNICIAN_", "APP_USER_", "BITLOCKER_"];

/// The action `activity` amounts to, when it is a configuration change.
pub fn activity_action(activity: &Activity) -> Option<Action> {
    let code = activity.status_code.as_deref()?.to_ascii_uppercase();
    let kind = activity.activity_type.as_deref().unwrap_or("");
    if RUN_TYPES.iter().any(|t| kind.eq_ignore_ascii_case(t)) {
        return None;
    }
    if activity
        .activity_result
        .as_deref()
        .is_some_and(|r| r.eq_ignore_ascii_case("FAILURE"))
    {
        return None;
    }
    CHANGE_ENDINGS
        .iter()
        .find(|(ending, _)| code.ends_with(ending))
        .map(|(_, action)| *action)
}

/// Which site and organization a NinjaOne row is about.
#[derive(Debug, Default)]
pub struct Attribution {
    /// Organization of each device.
    pub device_organization: HashMap<i64, i64>,
    /// Device names.
    pub device_name: HashMap<i64, String>,
    /// The site (id, display name) of each organization the site map joins to one site.
    pub organization_site: HashMap<i64, (String, String)>,
    /// Organization names.
    pub organization_name: HashMap<i64, String>,
}

/// A NinjaOne configuration change as a log entry, with the site id it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundChange {
    /// The entry.
    pub record: ChangeRecord,
    /// The UniFi site, when the change is about one.
    pub site_id: Option<String>,
    /// The NinjaOne organization, when known.
    pub organization: Option<i64>,
}

/// The log entry of `activity`, when it is a configuration change. Keyed
/// `ninjaone:{activity id}`.
pub fn activity_change(
    activity: &Activity,
    attribution: &Attribution,
    fallback_time: DateTime<Utc>,
) -> Option<FoundChange> {
    let action = activity_action(activity)?;
    let code = activity.status_code.clone().unwrap_or_default();
    let organization = activity
        .device_id
        .and_then(|d| attribution.device_organization.get(&d).copied())
        .or(activity.client_id);
    let site = organization.and_then(|o| attribution.organization_site.get(&o));
    let site_name = match (site, organization) {
        (Some((_, name)), _) => name.clone(),
        (None, Some(org)) => attribution
            .organization_name
            .get(&org)
            .cloned()
            .unwrap_or_else(|| format!("NinjaOne organization {org}")),
        (None, None) => "All sites".to_owned(),
    };
    let summary = activity
        .message
        .clone()
        .filter(|m| !m.trim().is_empty())
        .or_else(|| activity.status.clone())
        .unwrap_or_else(|| code.clone());
    let mut details = format!("NinjaOne activity {} ({code})", activity.id);
    if let Some(device) = activity.device_id.map(|d| {
        attribution
            .device_name
            .get(&d)
            .cloned()
            .unwrap_or_else(|| format!("Device {d}"))
    }) {
        details.push_str(&format!(" on {device}"));
    }
    let category = if SECURITY_PREFIXES.iter().any(|p| code.starts_with(p)) {
        Category::Security
    } else {
        Category::Other
    };
    let engineer = activity
        .user_name
        .clone()
        .or_else(|| activity.user_email.clone())
        .unwrap_or_else(|| "NinjaOne (system)".to_owned());
    let record = ChangeRecord {
        key: format!("ninjaone:{}", activity.id),
        site_name,
        tool: Tool::Ninjaone,
        category,
        action,
        risk: assess_risk(None, &summary, action, Tool::Ninjaone),
        summary,
        details,
        engineer,
        timestamp: activity.time.unwrap_or(fallback_time),
        ticket: None,
        rollback: None,
    };
    Some(FoundChange {
        record,
        site_id: site.map(|(id, _)| id.clone()),
        organization,
    })
}

/// A difference between two readings of a site as a log entry, keyed
/// `unifi:{site id}:{old fingerprint}:{kind}:{object}[:{value}]`: the same difference seen
/// again from the same earlier reading (a run repeated after an interruption) has the same
/// key. Its time and details are written at creation only: they say when it was first seen.
pub fn snapshot_change(
    site_id: &str,
    site_name: &str,
    old_fingerprint: &str,
    difference: &Difference,
    seen: DateTime<Utc>,
    since: Option<DateTime<Utc>>,
) -> crate::sync::DesiredRow {
    let mut key = format!(
        "unifi:{site_id}:{old_fingerprint}:{}:{}",
        difference.kind.as_str(),
        difference.object
    );
    if !difference.value.is_empty() {
        key.push(':');
        key.push_str(&difference.value);
    }
    let window = match since {
        Some(since) => format!(
            "at {}; the configuration before it was first read at {}",
            seen.format("%Y-%m-%d %H:%M UTC"),
            since.format("%Y-%m-%d %H:%M UTC")
        ),
        None => format!("at {}", seen.format("%Y-%m-%d %H:%M UTC")),
    };
    let record = ChangeRecord {
        key,
        site_name: site_name.to_owned(),
        tool: Tool::UnifiSiteManager,
        category: Category::Network,
        action: difference.action,
        risk: assess_risk(
            None,
            &difference.summary,
            difference.action,
            Tool::UnifiSiteManager,
        ),
        summary: difference.summary.clone(),
        details: format!("Seen in UniFi Site Manager {window}"),
        engineer: "UniFi Site Manager (observed)".to_owned(),
        timestamp: seen,
        ticket: None,
        rollback: None,
    };
    let mut row = record.row();
    for name in [property::TIMESTAMP, property::DETAILS] {
        if let Some(value) = row.properties.remove(name) {
            row.on_create.insert(name.to_owned(), value);
        }
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::site_config::DifferenceKind;

    fn activity(kind: &str, code: &str) -> Activity {
        Activity {
            id: 7,
            time: None,
            device_id: None,
            severity: None,
            priority: None,
            series_uid: None,
            activity_type: Some(kind.into()),
            status_code: Some(code.into()),
            status: None,
            activity_result: Some("SUCCESS".into()),
            source_config_uid: None,
            source_name: None,
            subject: None,
            message: Some("Policy 'Servers' updated".into()),
            kind: None,
            user_id: None,
            user_name: Some("Jane Tech".into()),
            user_email: None,
            message_code: None,
            client_id: Some(12),
        }
    }

    #[test]
    fn only_configuration_changes_count() {
        assert_eq!(
            activity_action(&activity("SYSTEM", "POLICY_UPDATED")),
            Some(Action::Update)
        );
        assert_eq!(
            activity_action(&activity("SYSTEM", "NODE_CREATED")),
            Some(Action::Create)
        );
        assert_eq!(
            activity_action(&activity("SYSTEM", "ADAPTER_CONFIG_CHANGED")),
            Some(Action::Modify)
        );
        assert_eq!(activity_action(&activity("SYSTEM", "USER_LOGGED_IN")), None);
        assert_eq!(activity_action(&activity("CONDITION", "TRIGGERED")), None);
        assert_eq!(
            activity_action(&activity(
                "PATCH_MANAGEMENT",
                "PATCH_MANAGEMENT_SCAN_COMPLETED"
            )),
            None
        );
        let mut failed = activity("SYSTEM", "POLICY_UPDATED");
        failed.activity_result = Some("FAILURE".into());
        assert_eq!(activity_action(&failed), None);
    }

    #[test]
    fn an_activity_is_filed_under_its_site() {
        let attribution = Attribution {
            organization_site: HashMap::from([(12, ("site-a".into(), "Acme - Texas".into()))]),
            ..Attribution::default()
        };
        let found = activity_change(
            &activity("SYSTEM", "POLICY_UPDATED"),
            &attribution,
            Utc::now(),
        )
        .unwrap();
        assert_eq!(found.record.key, "ninjaone:7");
        assert_eq!(found.record.site_name, "Acme - Texas");
        assert_eq!(found.site_id.as_deref(), Some("site-a"));
        assert_eq!(found.record.engineer, "Jane Tech");
        assert_eq!(found.record.tool, Tool::Ninjaone);
    }

    #[test]
    fn a_difference_keeps_its_key_and_first_sighting() {
        let difference = Difference {
            kind: DifferenceKind::FirmwareChanged,
            object: "dev1".into(),
            value: "6.6.65".into(),
            action: Action::Update,
            summary: "Firmware of 'AP' changed from 6.6.55 to 6.6.65".into(),
        };
        let row = snapshot_change("site-a", "Acme", "00ff", &difference, Utc::now(), None);
        assert_eq!(row.key, "unifi:site-a:00ff:firmware:dev1:6.6.65");
        assert!(row.on_create.contains_key(property::TIMESTAMP));
        assert!(!row.properties.contains_key(property::TIMESTAMP));
    }
}
