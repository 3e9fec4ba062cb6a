//! Devices, listed in one group per host.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};

use super::{derived_hex, derived_uuid, seconds};
use crate::fleet::{Host, UnifiDevice};

/// The devices of one host, as `GET /v1/devices` lists them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceGroup {
    host_id: String,
    host_name: String,
    devices: Vec<DeviceWire>,
    updated_at: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct DeviceWire {
    id: String,
    mac: String,
    name: String,
    model: String,
    shortname: String,
    ip: String,
    product_line: Option<String>,
    status: String,
    version: String,
    firmware_status: String,
    update_available: Option<String>,
    is_console: bool,
    is_managed: bool,
    startup_time: String,
    adoption_time: Option<String>,
    note: Option<String>,
    uidb: Value,
}

/// The group of `host` with its `devices`, last processed at `updated_at`.
pub fn device_group<'a>(
    host: &Host,
    devices: impl Iterator<Item = &'a UnifiDevice>,
    updated_at: DateTime<Utc>,
) -> DeviceGroup {
    DeviceGroup {
        host_id: host.id.clone(),
        host_name: host.hostname.clone(),
        devices: devices.map(device).collect(),
        updated_at: seconds(updated_at),
    }
}

fn device(device: &UnifiDevice) -> DeviceWire {
    DeviceWire {
        id: device.id.clone(),
        mac: device.id.clone(),
        name: device.name.clone(),
        model: device.model.clone(),
        shortname: device.shortname.clone(),
        ip: device.ip.clone(),
        product_line: device.product_line.clone(),
        status: device.status.clone(),
        version: device.version.clone(),
        firmware_status: device.firmware_status.clone(),
        update_available: device.update_available.clone(),
        is_console: device.is_console,
        is_managed: true,
        startup_time: seconds(device.startup_time),
        adoption_time: device.adoption_time.map(seconds),
        note: None,
        uidb: uidb(&device.shortname),
    }
}

/// The product's image references: the same for every device of one model.
fn uidb(shortname: &str) -> Value {
    json!({
        "guid": null,
        "iconId": derived_uuid(&["uidb-icon", shortname]),
        "id": derived_uuid(&["uidb", shortname]),
        "images": {
            "default": derived_hex(&["uidb-default", shortname], 32),
            "nopadding": derived_hex(&["uidb-nopadding", shortname], 32),
            "topology": derived_hex(&["uidb-topology", shortname], 32),
        },
    })
}
