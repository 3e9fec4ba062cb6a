//! Domain types of NinjaOne: organizations, devices, alerts and activities as the sync uses
//! them. Times are UTC; unknown values stay `None`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::{de, wire};

/// A customer organization (`GET /v2/organizations`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organization {
    /// Organization id.
    pub id: i64,
    /// Name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// `AUTOMATIC`, `MANUAL`, `REJECT`.
    pub node_approval_mode: Option<String>,
}

/// A managed device (`GET /v2/devices-detailed`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Device {
    /// Device id.
    pub id: i64,
    /// Device UUID.
    pub uid: Option<String>,
    /// Its organization.
    pub organization_id: Option<i64>,
    /// Its location.
    pub location_id: Option<i64>,
    /// The name to show: `systemName`, else `displayName`, else `dnsName`, else `Device <id>`.
    pub name: String,
    /// `displayName` as sent.
    pub display_name: Option<String>,
    /// `WINDOWS_SERVER`, `MAC`, `NMS_SWITCH`, ... (an open set).
    pub node_class: Option<String>,
    /// `APPROVED`, `PENDING`, ...
    pub approval_status: Option<String>,
    /// Whether the device is offline; `None` when the answer does not say (there is no
    /// `status` field).
    pub offline: Option<bool>,
    /// Registration time.
    pub created: Option<DateTime<Utc>>,
    /// Last contact with the agent.
    pub last_contact: Option<DateTime<Utc>>,
    /// Last data update.
    pub last_update: Option<DateTime<Utc>>,
    /// Operating system name.
    pub os_name: Option<String>,
    /// Last boot.
    pub last_boot_time: Option<DateTime<Utc>>,
    /// Whether the OS wants a reboot.
    pub needs_reboot: Option<bool>,
    /// Hardware manufacturer.
    pub manufacturer: Option<String>,
    /// Hardware model.
    pub model: Option<String>,
    /// Serial number.
    pub serial_number: Option<String>,
    /// Public IP.
    pub public_ip: Option<String>,
    /// LAN IPs.
    pub ip_addresses: Vec<String>,
    /// MAC addresses.
    pub mac_addresses: Vec<String>,
    /// Last logged-in user.
    pub last_logged_in_user: Option<String>,
}

/// Devices of one listing, after the filters were checked again on the results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeviceList {
    /// Devices that match the query.
    pub devices: Vec<Device>,
    /// Devices the service returned although they do not match (an ignored filter).
    pub dropped: usize,
}

/// An active alert (`GET /v2/alerts`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// Alert uid, also the series uid of its activities.
    pub uid: String,
    /// The device; alerts carry no organization, join through the device.
    pub device_id: Option<i64>,
    /// Message.
    pub message: Option<String>,
    /// Subject.
    pub subject: Option<String>,
    /// `AGENT_OFFLINE`, `CONDITION_AGENT_CPU`, ... (an open set).
    pub source_type: Option<String>,
    /// Name of the condition's source.
    pub source_name: Option<String>,
    /// Policy condition uid.
    pub source_config_uid: Option<String>,
    /// Condition name.
    pub condition_name: Option<String>,
    /// `HEALTHY`, `NEEDS_ATTENTION`, `UNHEALTHY`, `UNKNOWN`.
    pub condition_health_status: Option<String>,
    /// `NONE`, `MINOR`, `MODERATE`, `MAJOR`, `CRITICAL`; may be missing (then take it from the
    /// series' `TRIGGERED` activity).
    pub severity: Option<String>,
    /// `NONE`, `LOW`, `MEDIUM`, `HIGH`; may be missing.
    pub priority: Option<String>,
    /// When it was raised.
    pub create_time: Option<DateTime<Utc>>,
    /// Last update.
    pub update_time: Option<DateTime<Utc>>,
    /// `data.message.params.threshold`, as text.
    pub threshold: Option<String>,
}

/// One row of the activity log (`GET /v2/activities`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Activity {
    /// Activity id (int64, grows with time).
    pub id: i64,
    /// When it happened.
    pub time: Option<DateTime<Utc>>,
    /// The device, absent on many `SYSTEM` and `USER` rows.
    pub device_id: Option<i64>,
    /// Severity.
    pub severity: Option<String>,
    /// Priority.
    pub priority: Option<String>,
    /// Alert series uid.
    pub series_uid: Option<String>,
    /// `CONDITION`, `SYSTEM`, `PATCH_MANAGEMENT`, ...
    pub activity_type: Option<String>,
    /// `TRIGGERED`, `RESET`, `POLICY_UPDATED`, ... (677 values).
    pub status_code: Option<String>,
    /// Human status text.
    pub status: Option<String>,
    /// `SUCCESS`, `FAILURE`, ...
    pub activity_result: Option<String>,
    /// Policy element or script uid.
    pub source_config_uid: Option<String>,
    /// Source name.
    pub source_name: Option<String>,
    /// Subject.
    pub subject: Option<String>,
    /// Message.
    pub message: Option<String>,
    /// `type`: a description of the kind.
    pub kind: Option<String>,
    /// The technician's user id.
    pub user_id: Option<i64>,
    /// `data.message.params.appUserName`.
    pub user_name: Option<String>,
    /// `data.message.params.appUserEmail`.
    pub user_email: Option<String>,
    /// `data.message.code`.
    pub message_code: Option<String>,
    /// `data.message.params.clientId`: the organization a `SYSTEM` or `USER` row is about
    /// (device rows name it through their device instead).
    pub client_id: Option<i64>,
}

/// Activities read by a walk of the log, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityLog {
    /// The activities, newest first, no repeats.
    pub activities: Vec<Activity>,
    /// `lastActivityId` of the first page: the newest id of the whole account.
    pub last_activity_id: Option<i64>,
    /// Pages requested.
    pub pages: usize,
}

impl ActivityLog {
    /// The highest id read, the next checkpoint candidate.
    pub fn newest_id(&self) -> Option<i64> {
        self.activities.iter().map(|a| a.id).max()
    }
}

impl Organization {
    pub(super) fn from_wire(o: wire::Organization) -> Option<Self> {
        Some(Self {
            id: o.id?,
            name: o.name,
            description: o.description,
            node_approval_mode: o.node_approval_mode,
        })
    }
}

/// The device name rule: `systemName`, `displayName`, `dnsName`, then `Device <id>`.
fn device_name(id: i64, names: [&Option<String>; 3]) -> String {
    names
        .into_iter()
        .filter_map(|n| n.as_deref().map(str::trim))
        .find(|n| !n.is_empty())
        .map_or_else(|| format!("Device {id}"), str::to_owned)
}

impl Device {
    pub(super) fn from_wire(d: wire::Device) -> Option<Self> {
        let id = d.id?;
        let name = device_name(id, [&d.system_name, &d.display_name, &d.dns_name]);
        let os = d.os.as_ref();
        let system = d.system.as_ref();
        Some(Self {
            id,
            uid: d.uid,
            organization_id: d.organization_id,
            location_id: d.location_id,
            name,
            display_name: d.display_name,
            node_class: d.node_class,
            approval_status: d.approval_status,
            offline: d.offline,
            created: d.created,
            last_contact: d.last_contact,
            last_update: d.last_update,
            os_name: os.and_then(|o| o.name.clone()),
            last_boot_time: os.and_then(|o| o.last_boot_time),
            needs_reboot: os.and_then(|o| o.needs_reboot),
            manufacturer: system.and_then(|s| s.manufacturer.clone()),
            model: system.and_then(|s| s.model.clone()),
            serial_number: system.and_then(|s| s.serial_number.clone()),
            public_ip: d.public_ip,
            ip_addresses: d.ip_addresses,
            mac_addresses: d.mac_addresses,
            last_logged_in_user: d.last_logged_in_user,
        })
    }
}

/// `data.message.params.<name>` of an alert or activity, as text.
fn param(data: &Value, name: &str) -> Option<String> {
    de::value_text(data.pointer(&format!("/message/params/{name}"))?.clone())
}

impl Alert {
    pub(super) fn from_wire(a: wire::Alert) -> Option<Self> {
        Some(Self {
            uid: a.uid.filter(|u| !u.is_empty())?,
            threshold: param(&a.data, "threshold"),
            device_id: a.device_id,
            message: a.message,
            subject: a.subject,
            source_type: a.source_type,
            source_name: a.source_name,
            source_config_uid: a.source_config_uid,
            condition_name: a.condition_name,
            condition_health_status: a.condition_health_status,
            severity: a.severity,
            priority: a.priority,
            create_time: a.create_time,
            update_time: a.update_time,
        })
    }
}

impl Activity {
    pub(super) fn from_wire(a: wire::Activity) -> Option<Self> {
        Some(Self {
            id: a.id?,
            user_name: param(&a.data, "appUserName"),
            user_email: param(&a.data, "appUserEmail"),
            client_id: param(&a.data, "clientId").and_then(|id| id.trim().parse().ok()),
            message_code: a
                .data
                .pointer("/message/code")
                .cloned()
                .and_then(de::value_text),
            time: a.activity_time,
            device_id: a.device_id,
            severity: a.severity,
            priority: a.priority,
            series_uid: a.series_uid,
            activity_type: a.activity_type,
            status_code: a.status_code,
            status: a.status,
            activity_result: a.activity_result,
            source_config_uid: a.source_config_uid,
            source_name: a.source_name,
            subject: a.subject,
            message: a.message,
            kind: a.kind,
            user_id: a.user_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_names_fall_back_in_order() {
        let none = None;
        let empty = Some(String::new());
        let dns = Some("pc.acme.local".to_owned());
        assert_eq!(device_name(7, [&none, &empty, &dns]), "pc.acme.local");
        assert_eq!(device_name(7, [&none, &none, &none]), "Device 7");
        let system = Some("ACME-FD-01".to_owned());
        assert_eq!(device_name(7, [&system, &dns, &dns]), "ACME-FD-01");
    }

    #[test]
    fn thresholds_are_text_whether_string_or_number() {
        let data = serde_json::json!({"message": {"params": {"threshold": 90}}});
        assert_eq!(param(&data, "threshold").as_deref(), Some("90"));
        let data = serde_json::json!({"message": {"params": {"threshold": "15m"}}});
        assert_eq!(param(&data, "threshold").as_deref(), Some("15m"));
        assert_eq!(param(&serde_json::json!({}), "threshold"), None);
    }
}
