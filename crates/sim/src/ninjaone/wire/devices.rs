//! Devices: the base shape of the lists and the detailed shape of
//! `devices-detailed` and `device/{id}`.

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::fleet::Device;

/// The base fields of a device (`/v2/devices`, `organization/{id}/devices`,
/// alert `device`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceWire {
    id: i64,
    uid: String,
    organization_id: i64,
    location_id: i64,
    node_class: String,
    node_role_id: i64,
    role_policy_id: i64,
    policy_id: i64,
    approval_status: String,
    offline: bool,
    display_name: String,
    system_name: String,
    dns_name: String,
    netbios_name: String,
    created: f64,
    last_contact: f64,
    last_update: f64,
    user_data: Map<String, Value>,
    tags: Vec<String>,
}

/// A device with details (`/v2/devices-detailed`, `/v2/device/{id}`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DetailedDevice {
    #[serde(flatten)]
    base: DeviceWire,
    ip_addresses: Vec<String>,
    mac_addresses: Vec<String>,
    #[serde(rename = "publicIP")]
    public_ip: String,
    notes: Vec<Value>,
    /// Missing on agentless devices.
    #[serde(skip_serializing_if = "Option::is_none")]
    os: Option<Value>,
    /// `null` when the hardware is unknown.
    system: Option<Value>,
}

/// The role id of a node class (the simulated tenant has one role per class).
pub fn role_id(node_class: &str) -> i64 {
    match node_class {
        "WINDOWS_WORKSTATION" => 1,
        "WINDOWS_SERVER" => 2,
        "MAC" => 3,
        "LINUX_WORKSTATION" => 4,
        "LINUX_SERVER" => 5,
        "MAC_SERVER" => 6,
        "VMWARE_VM_HOST" => 7,
        "HYPERV_VMM_HOST" => 8,
        "CLOUD_MONITOR_TARGET" => 30,
        class if class.starts_with("NMS_") => 20,
        _ => 99,
    }
}

/// The base shape of `device`.
pub fn device(device: &Device) -> DeviceWire {
    let role = role_id(&device.node_class);
    DeviceWire {
        id: device.id,
        uid: device.uid.clone(),
        organization_id: device.organization_id,
        location_id: device.location_id,
        node_class: device.node_class.clone(),
        node_role_id: role,
        role_policy_id: 100 + role,
        policy_id: 100 + role,
        approval_status: device.approval_status.clone(),
        offline: device.offline,
        display_name: device.display_name.clone(),
        system_name: device.system_name.clone(),
        dns_name: device.dns_name.clone(),
        netbios_name: device.system_name.to_uppercase().chars().take(15).collect(),
        created: device.created,
        last_contact: device.last_contact,
        last_update: device.last_contact,
        user_data: Map::new(),
        tags: Vec::new(),
    }
}

/// The detailed shape of `device`; `public_ip` is the address of its site's
/// gateway.
pub fn device_detailed(device: &Device, public_ip: &str) -> DetailedDevice {
    DetailedDevice {
        base: self::device(device),
        ip_addresses: vec![device.ip_address.clone()],
        mac_addresses: vec![device.mac_address.clone()],
        public_ip: public_ip.to_owned(),
        notes: Vec::new(),
        os: device.os_name.as_deref().map(|name| os(device, name)),
        system: device
            .system_model
            .as_ref()
            .map(|(maker, model)| system(device, maker, model)),
    }
}

fn os(device: &Device, name: &str) -> Value {
    let manufacturer = if name.contains("Windows") {
        "Microsoft Corporation"
    } else if name.contains("mac") {
        "Apple Inc."
    } else {
        "Linux"
    };
    let days_up = (device.id % 7 + 1) as f64;
    let last_boot = (device.last_contact - days_up * 86_400.0).max(device.created);
    json!({
        "manufacturer": manufacturer,
        "name": name,
        "architecture": "64-bit",
        "lastBootTime": last_boot,
        "servicePackMajorVersion": 0,
        "servicePackMinorVersion": 0,
        "locale": "en-US",
        "language": "English",
        "needsReboot": device.id % 11 == 0,
    })
}

fn system(device: &Device, manufacturer: &str, model: &str) -> Value {
    let serial: String = device
        .uid
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(7)
        .collect::<String>()
        .to_uppercase();
    let domain = device
        .dns_name
        .split_once('.')
        .map_or("WORKGROUP", |(_, domain)| domain);
    let chassis = match device.node_class.as_str() {
        "WINDOWS_WORKSTATION" | "MAC" | "LINUX_WORKSTATION" if device.id % 3 == 0 => "LAPTOP",
        "WINDOWS_WORKSTATION" | "MAC" | "LINUX_WORKSTATION" => "DESKTOP",
        _ => "UNKNOWN",
    };
    json!({
        "name": device.system_name,
        "manufacturer": manufacturer,
        "model": model,
        "serialNumber": serial,
        "biosSerialNumber": serial,
        "domain": domain,
        "numberOfProcessors": 1,
        "totalPhysicalMemory": 17_179_869_184u64,
        "virtualMachine": model.contains("Virtual") || manufacturer.contains("VMware"),
        "chassisType": chassis,
    })
}
