//! Active alerts, each with the base shape of its device.

use serde::Serialize;
use serde_json::{Value, json};

use super::devices::DeviceWire;
use crate::fleet::Alert;

/// An alert as `/v2/alerts` lists it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertWire {
    uid: String,
    device_id: i64,
    message: String,
    create_time: f64,
    update_time: f64,
    source_type: String,
    source_config_uid: String,
    source_name: String,
    subject: String,
    data: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    device: Option<DeviceWire>,
    /// Missing on some alerts; clients then read the `TRIGGERED` activity of
    /// the series.
    #[serde(skip_serializing_if = "Option::is_none")]
    priority: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<String>,
    condition_name: String,
    condition_health_status: String,
    use_global_health_status: bool,
}

/// Renders `alert` with its device's base shape, when the device exists.
pub fn alert(alert: &Alert, device: Option<DeviceWire>) -> AlertWire {
    let data = match &alert.threshold {
        Some(threshold) => json!({
            "message": { "code": "condition_triggered", "params": { "threshold": threshold } }
        }),
        None => json!({}),
    };
    AlertWire {
        uid: alert.uid.clone(),
        device_id: alert.device_id,
        message: alert.message.clone(),
        create_time: alert.create_time,
        update_time: alert.update_time,
        source_type: alert.source_type.clone(),
        source_config_uid: alert.source_config_uid.clone(),
        source_name: alert.source_name.clone(),
        subject: alert.subject.clone(),
        data,
        device,
        priority: alert.priority.clone(),
        severity: alert.severity.clone(),
        condition_name: alert.condition_name.clone(),
        condition_health_status: alert.condition_health_status.clone(),
        use_global_health_status: true,
    }
}
