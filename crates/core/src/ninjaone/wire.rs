//! NinjaOne's JSON as it comes over the wire: private, every field optional, unknown fields
//! ignored. [`super::types`] turns these into the domain types.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::de;

/// The token endpoint's answer.
#[derive(Deserialize)]
pub(super) struct TokenAnswer {
    #[serde(default, deserialize_with = "de::text")]
    pub access_token: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub token_type: Option<String>,
    #[serde(default, deserialize_with = "de::id")]
    pub expires_in: Option<i64>,
}

/// Every error family of section 7 in one struct: auth layer `{error, error_description,
/// error_code}`, application layer `{resultCode, errorMessage, incidentId}` and billing
/// `{errorCode, message}`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ErrorBody {
    #[serde(default, deserialize_with = "de::text")]
    pub error: Option<String>,
    #[serde(default, rename = "error_description", deserialize_with = "de::text")]
    pub error_description: Option<String>,
    #[serde(default)]
    pub result_code: Value,
    #[serde(default)]
    pub error_message: Value,
    #[serde(default, deserialize_with = "de::text")]
    pub incident_id: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub error_code: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub message: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Organization {
    #[serde(default, deserialize_with = "de::id")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "de::text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub node_approval_mode: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Device {
    #[serde(default, deserialize_with = "de::id")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "de::text")]
    pub uid: Option<String>,
    #[serde(default, deserialize_with = "de::id")]
    pub organization_id: Option<i64>,
    #[serde(default, deserialize_with = "de::id")]
    pub location_id: Option<i64>,
    #[serde(default, deserialize_with = "de::text")]
    pub node_class: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub approval_status: Option<String>,
    #[serde(default, deserialize_with = "de::flag")]
    pub offline: Option<bool>,
    #[serde(default, deserialize_with = "de::text")]
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub system_name: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub dns_name: Option<String>,
    #[serde(default, deserialize_with = "de::epoch")]
    pub created: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de::epoch")]
    pub last_contact: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de::epoch")]
    pub last_update: Option<DateTime<Utc>>,
    #[serde(default, rename = "publicIP", deserialize_with = "de::text")]
    pub public_ip: Option<String>,
    #[serde(default, deserialize_with = "de::strings")]
    pub ip_addresses: Vec<String>,
    #[serde(default, deserialize_with = "de::strings")]
    pub mac_addresses: Vec<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub last_logged_in_user: Option<String>,
    #[serde(default, deserialize_with = "de::object")]
    pub os: Option<Os>,
    #[serde(default, deserialize_with = "de::object")]
    pub system: Option<System>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Os {
    #[serde(default, deserialize_with = "de::text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::epoch")]
    pub last_boot_time: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de::flag")]
    pub needs_reboot: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct System {
    #[serde(default, deserialize_with = "de::text")]
    pub manufacturer: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub model: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub serial_number: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Alert {
    #[serde(default, deserialize_with = "de::text")]
    pub uid: Option<String>,
    #[serde(default, deserialize_with = "de::id")]
    pub device_id: Option<i64>,
    #[serde(default, deserialize_with = "de::text")]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub subject: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub source_type: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub source_name: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub source_config_uid: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub condition_name: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub condition_health_status: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub severity: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub priority: Option<String>,
    #[serde(default, deserialize_with = "de::epoch")]
    pub create_time: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de::epoch")]
    pub update_time: Option<DateTime<Utc>>,
    #[serde(default)]
    pub data: Value,
}

/// `{lastActivityId, activities}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ActivityPage {
    #[serde(default, deserialize_with = "de::id")]
    pub last_activity_id: Option<i64>,
    #[serde(default)]
    pub activities: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Activity {
    #[serde(default, deserialize_with = "de::id")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "de::epoch")]
    pub activity_time: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de::id")]
    pub device_id: Option<i64>,
    #[serde(default, deserialize_with = "de::text")]
    pub severity: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub priority: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub series_uid: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub activity_type: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub status_code: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub activity_result: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub source_config_uid: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub source_name: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub subject: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub message: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "de::text")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "de::id")]
    pub user_id: Option<i64>,
    #[serde(default)]
    pub data: Value,
}
