//! The Site Manager's JSON as it comes over the wire: private, every field optional, unknown
//! fields ignored. [`super::types`] turns these into the domain types the sync uses.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::de;

/// The envelope of every answer: `{data, httpStatusCode, traceId, nextToken}` (the trace id
/// matters only on errors).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Envelope {
    #[serde(default)]
    pub data: Value,
    #[serde(default, deserialize_with = "de::text")]
    pub next_token: Option<String>,
}

/// An error body: `{code, httpStatusCode, message, traceId}`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ErrorBody {
    #[serde(default, deserialize_with = "de::text")]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub trace_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Host {
    #[serde(default, deserialize_with = "de::text")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub hardware_id: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "de::text")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub ip_address: Option<String>,
    #[serde(default, deserialize_with = "de::flag")]
    pub owner: Option<bool>,
    #[serde(default, deserialize_with = "de::flag")]
    pub is_blocked: Option<bool>,
    #[serde(default, deserialize_with = "de::time")]
    pub registration_time: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de::time")]
    pub last_connection_state_change: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de::time")]
    pub latest_backup_time: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de::object")]
    pub reported_state: Option<ReportedState>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ReportedState {
    #[serde(default, deserialize_with = "de::text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub hostname: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub state: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub version: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub timezone: Option<String>,
    #[serde(default, deserialize_with = "de::object")]
    pub firmware_update: Option<FirmwareUpdate>,
    #[serde(default, deserialize_with = "de::object")]
    pub hardware: Option<Hardware>,
    #[serde(default, deserialize_with = "de::list")]
    pub controllers: Vec<Controller>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct FirmwareUpdate {
    #[serde(default, deserialize_with = "de::text")]
    pub latest_available_version: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Hardware {
    #[serde(default, deserialize_with = "de::text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub shortname: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub mac: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Controller {
    #[serde(default, deserialize_with = "de::text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub version: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "de::flag")]
    pub is_running: Option<bool>,
    #[serde(default, deserialize_with = "de::text")]
    pub update_available: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Site {
    #[serde(default, deserialize_with = "de::text")]
    pub site_id: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub host_id: Option<String>,
    #[serde(default, deserialize_with = "de::object")]
    pub meta: Option<SiteMeta>,
    #[serde(default, deserialize_with = "de::object")]
    pub statistics: Option<Statistics>,
    #[serde(default, deserialize_with = "de::text")]
    pub permission: Option<String>,
    #[serde(default, deserialize_with = "de::flag")]
    pub is_owner: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SiteMeta {
    #[serde(default, deserialize_with = "de::text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub desc: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub timezone: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub gateway_mac: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Statistics {
    #[serde(default, deserialize_with = "de::object")]
    pub counts: Option<Counts>,
    #[serde(default, deserialize_with = "de::object")]
    pub gateway: Option<Gateway>,
    #[serde(default, deserialize_with = "de::object")]
    pub isp_info: Option<IspInfo>,
    #[serde(default, deserialize_with = "de::object")]
    pub percentages: Option<Percentages>,
    #[serde(default, deserialize_with = "de::list")]
    pub internet_issues: Vec<InternetIssue>,
    #[serde(default, deserialize_with = "de::object")]
    pub wans: Option<BTreeMap<String, Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Counts {
    #[serde(default, deserialize_with = "de::number")]
    pub total_device: Option<f64>,
    #[serde(default, deserialize_with = "de::number")]
    pub offline_device: Option<f64>,
    #[serde(default, deserialize_with = "de::number")]
    pub gateway_device: Option<f64>,
    #[serde(default, deserialize_with = "de::number")]
    pub offline_gateway_device: Option<f64>,
    #[serde(default, deserialize_with = "de::number")]
    pub wifi_device: Option<f64>,
    #[serde(default, deserialize_with = "de::number")]
    pub offline_wifi_device: Option<f64>,
    #[serde(default, deserialize_with = "de::number")]
    pub wired_device: Option<f64>,
    #[serde(default, deserialize_with = "de::number")]
    pub offline_wired_device: Option<f64>,
    #[serde(default, deserialize_with = "de::number")]
    pub wifi_client: Option<f64>,
    #[serde(default, deserialize_with = "de::number")]
    pub wired_client: Option<f64>,
    #[serde(default, deserialize_with = "de::number")]
    pub guest_client: Option<f64>,
    #[serde(default, deserialize_with = "de::number")]
    pub critical_notification: Option<f64>,
    #[serde(default, deserialize_with = "de::number")]
    pub pending_update_device: Option<f64>,
    #[serde(default, deserialize_with = "de::number")]
    pub lan_configuration: Option<f64>,
    #[serde(default, deserialize_with = "de::number")]
    pub wan_configuration: Option<f64>,
    #[serde(default, deserialize_with = "de::number")]
    pub wifi_configuration: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Gateway {
    #[serde(default, deserialize_with = "de::text")]
    pub shortname: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub inspection_state: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub ips_mode: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct IspInfo {
    #[serde(default, deserialize_with = "de::text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub organization: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Percentages {
    #[serde(default, deserialize_with = "de::number")]
    pub wan_uptime: Option<f64>,
    #[serde(default, deserialize_with = "de::number")]
    pub tx_retry: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct InternetIssue {
    #[serde(default, deserialize_with = "de::number")]
    pub index: Option<f64>,
    #[serde(default, deserialize_with = "de::flag")]
    pub high_latency: Option<bool>,
    #[serde(default, deserialize_with = "de::number")]
    pub latency_avg_ms: Option<f64>,
    #[serde(default, deserialize_with = "de::number")]
    pub latency_max_ms: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Wan {
    #[serde(default, deserialize_with = "de::text")]
    pub external_ip: Option<String>,
    #[serde(default, deserialize_with = "de::object")]
    pub isp_info: Option<IspInfo>,
    #[serde(default, deserialize_with = "de::number")]
    pub wan_uptime: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DeviceGroup {
    #[serde(default, deserialize_with = "de::text")]
    pub host_id: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub host_name: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub devices: Vec<Device>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Device {
    #[serde(default, deserialize_with = "de::text")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub mac: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub model: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub shortname: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub ip: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub product_line: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub version: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub firmware_status: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub update_available: Option<String>,
    #[serde(default, deserialize_with = "de::flag")]
    pub is_console: Option<bool>,
    #[serde(default, deserialize_with = "de::flag")]
    pub is_managed: Option<bool>,
    #[serde(default, deserialize_with = "de::time")]
    pub startup_time: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de::time")]
    pub adoption_time: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de::text")]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SiteMetrics {
    #[serde(default, deserialize_with = "de::text")]
    pub metric_type: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub host_id: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub site_id: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub periods: Vec<Period>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Period {
    #[serde(default, deserialize_with = "de::time")]
    pub metric_time: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de::text")]
    pub version: Option<String>,
    #[serde(default, deserialize_with = "de::object")]
    pub data: Option<PeriodData>,
}

#[derive(Debug, Deserialize)]
pub(super) struct PeriodData {
    #[serde(default, deserialize_with = "de::object")]
    pub wan: Option<WanMetrics>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WanMetrics {
    #[serde(default, deserialize_with = "de::number")]
    pub avg_latency: Option<f64>,
    #[serde(default, deserialize_with = "de::number")]
    pub max_latency: Option<f64>,
    #[serde(default, deserialize_with = "de::number")]
    pub packet_loss: Option<f64>,
    #[serde(default, rename = "download_kbps", deserialize_with = "de::number")]
    pub download_kbps: Option<f64>,
    #[serde(default, rename = "upload_kbps", deserialize_with = "de::number")]
    pub upload_kbps: Option<f64>,
    #[serde(default, deserialize_with = "de::number")]
    pub uptime: Option<f64>,
    #[serde(default, deserialize_with = "de::number")]
    pub downtime: Option<f64>,
    #[serde(default, deserialize_with = "de::text")]
    pub isp_name: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub isp_asn: Option<String>,
}

/// `data` of `POST …/query`: `{metrics, status?, message?}`.
#[derive(Debug, Deserialize)]
pub(super) struct MetricQueryAnswer {
    #[serde(default, deserialize_with = "de::list")]
    pub metrics: Vec<SiteMetrics>,
    #[serde(default, deserialize_with = "de::text")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub message: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SdwanConfig {
    #[serde(default, deserialize_with = "de::text")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub name: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "de::text")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub variant: Option<String>,
    #[serde(default)]
    pub settings: Value,
    #[serde(default, deserialize_with = "de::list")]
    pub hubs: Vec<SdwanMember>,
    #[serde(default, deserialize_with = "de::list")]
    pub spokes: Vec<SdwanMember>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SdwanMember {
    #[serde(default, deserialize_with = "de::text")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub host_id: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub site_id: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub network_ids: Vec<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub routes: Vec<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub primary_wan: Option<String>,
    #[serde(default, deserialize_with = "de::flag")]
    pub wan_failover: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SdwanStatus {
    #[serde(default, deserialize_with = "de::text")]
    pub fingerprint: Option<String>,
    #[serde(default, deserialize_with = "de::millis")]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de::millis")]
    pub last_generated_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de::text")]
    pub generate_status: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub errors: Vec<Value>,
    #[serde(default, deserialize_with = "de::list")]
    pub warnings: Vec<Value>,
    #[serde(default, deserialize_with = "de::list")]
    pub hubs: Vec<SdwanMemberStatus>,
    #[serde(default, deserialize_with = "de::list")]
    pub spokes: Vec<SdwanMemberStatus>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SdwanMemberStatus {
    #[serde(default, deserialize_with = "de::text")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub host_id: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub site_id: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub apply_status: Option<String>,
    #[serde(default, deserialize_with = "de::object")]
    pub primary_wan_status: Option<WanStatus>,
    #[serde(default, deserialize_with = "de::list")]
    pub errors: Vec<Value>,
    #[serde(default, deserialize_with = "de::list")]
    pub connections: Vec<Connection>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct WanStatus {
    #[serde(default, deserialize_with = "de::text")]
    pub ip: Option<String>,
    #[serde(default, deserialize_with = "de::number")]
    pub latency: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Connection {
    #[serde(default, deserialize_with = "de::text")]
    pub hub_id: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub tunnels: Vec<Tunnel>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Tunnel {
    #[serde(default, deserialize_with = "de::text")]
    pub spoke_wan_id: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub hub_wan_id: Option<String>,
    #[serde(default, deserialize_with = "de::text")]
    pub status: Option<String>,
}
