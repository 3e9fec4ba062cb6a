//! Hosts: consoles, self-hosted Network servers and `ucore` consoles.

use serde::Serialize;
use serde_json::{Value, json};

use super::{derived_hex, millis};
use crate::fleet::{Fleet, Host, HostKind};

/// A host as `GET /v1/hosts` lists it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HostWire {
    id: String,
    hardware_id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    ip_address: String,
    owner: bool,
    is_blocked: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    registration_time: Option<String>,
    last_connection_state_change: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    latest_backup_time: Option<String>,
    user_data: Value,
    reported_state: Value,
}

/// Renders `host`; `fleet` supplies the console's own MAC address.
pub fn host(host: &Host, fleet: &Fleet) -> HostWire {
    HostWire {
        id: host.id.clone(),
        hardware_id: host.hardware_id.clone(),
        kind: kind_name(host.kind),
        ip_address: host.ip_address.clone(),
        owner: host.owner,
        is_blocked: false,
        registration_time: host.registration_time.clone(),
        last_connection_state_change: millis(host.last_connection_state_change),
        latest_backup_time: host.latest_backup_time.clone(),
        user_data: user_data(host),
        reported_state: reported_state(host, fleet),
    }
}

fn kind_name(kind: HostKind) -> &'static str {
    match kind {
        HostKind::Console => "console",
        HostKind::NetworkServer => "network-server",
        HostKind::Ucore => "ucore",
    }
}

/// The account's relation to the host; `null` on self-hosted servers (official
/// example).
fn user_data(host: &Host) -> Value {
    match (host.kind, host.owner) {
        (HostKind::NetworkServer, _) => Value::Null,
        (_, true) => json!({
            "apps": ["users"],
            "controllers": ["network"],
            "email": "it@msp.example",
            "fullName": "MSP Operations",
            "role": "owner",
            "status": "ACTIVE",
        }),
        (_, false) => json!({
            "apps": ["users"],
            "controllers": ["network"],
            "role": "admin",
            "status": "ACTIVE",
            "permissions": { "network.management": ["admin"] },
        }),
    }
}

fn reported_state(host: &Host, fleet: &Fleet) -> Value {
    if host.reported_state_null {
        return Value::Null;
    }
    let state = if host.connected {
        "connected"
    } else {
        "disconnected"
    };
    match host.kind {
        HostKind::NetworkServer => json!({
            "controller_uuid": host.hardware_id,
            "deviceId": host.id,
            "hardware_id": host.hardware_id,
            "host_type": 0,
            "hostname": host.hostname,
            "inform_port": 8080,
            "ipAddrs": [host.ip_address],
            "mgmt_port": 8443,
            "name": host.name,
            "override_inform_host": false,
            "release_channel": "release",
            "state": state,
            "version": host.network_version,
            "firmware_version": null,
        }),
        HostKind::Console | HostKind::Ucore => json!({
            "name": host.name,
            "hostname": host.hostname,
            "state": state,
            "version": host.version,
            "firmwareUpdate": { "latestAvailableVersion": host.latest_available_version },
            "hardware": {
                "name": host.hardware_name,
                "shortname": host.hardware_shortname,
                "mac": console_mac(host, fleet),
                "firmwareVersion": host.version,
            },
            "controllers": [{
                "name": "network",
                "version": host.network_version,
                "status": "ok",
                "isRunning": host.connected,
                "updateAvailable": host.network_update_available,
            }],
            "ipAddrs": [host.ip_address],
            "timezone": host.timezone,
        }),
    }
}

/// The console's MAC: the host's own, else that of its console device, else one
/// derived from its hardware id.
fn console_mac(host: &Host, fleet: &Fleet) -> String {
    if !host.mac.is_empty() {
        return host.mac.clone();
    }
    fleet
        .unifi_devices
        .iter()
        .find(|d| d.host_id == host.id && d.is_console)
        .map(|d| d.id.clone())
        .unwrap_or_else(|| derived_hex(&["console-mac", &host.hardware_id], 12).to_uppercase())
}
