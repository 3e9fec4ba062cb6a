//! Rows of the `device-health` report.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::fleet::{Alert, Device};
use crate::rng::Rng;

/// One device's health, as `/v2/queries/device-health` reports it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthRow {
    device_id: i64,
    health_status: &'static str,
    offline: bool,
    alert_count: usize,
    active_job_count: u64,
    #[serde(rename = "pendingOSPatchesCount")]
    pending_os_patches_count: u64,
    #[serde(rename = "failedOSPatchesCount")]
    failed_os_patches_count: u64,
    pending_software_patches_count: u64,
    failed_software_patches_count: u64,
    active_threats_count: u64,
    quarantined_threats_count: u64,
    blocked_threats_count: u64,
    av_install_status: &'static str,
    products_installation_statuses: Map<String, Value>,
    parent_offline: bool,
    critical_vulnerability_count: u64,
    high_vulnerability_count: u64,
    medium_vulnerability_count: u64,
    low_vulnerability_count: u64,
    installation_issues_count: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pending_reboot_reason: Option<&'static str>,
}

/// The health status a device has given its active alerts.
pub fn health_status<'a>(device: &Device, alerts: impl Iterator<Item = &'a Alert>) -> &'static str {
    let mut status = if device.offline {
        "UNHEALTHY"
    } else {
        "HEALTHY"
    };
    for alert in alerts {
        match alert.condition_health_status.as_str() {
            "UNHEALTHY" => status = "UNHEALTHY",
            _ if status == "HEALTHY" => status = "NEEDS_ATTENTION",
            _ => {}
        }
    }
    status
}

/// The row of `device` with its active `alerts`. Patch, threat and
/// vulnerability counts are stable per device and seed; the fleet model does
/// not track them.
pub fn health_row(seed: u64, device: &Device, alerts: &[&Alert]) -> HealthRow {
    let mut rng = Rng::derive(seed, "device-health", device.id.unsigned_abs());
    let pending_os = rng.below(9);
    let failed_os = if rng.chance(0.15) {
        rng.range(1, 2) as u64
    } else {
        0
    };
    HealthRow {
        device_id: device.id,
        health_status: health_status(device, alerts.iter().copied()),
        offline: device.offline,
        alert_count: alerts.len(),
        active_job_count: rng.below(2),
        pending_os_patches_count: pending_os,
        failed_os_patches_count: failed_os,
        pending_software_patches_count: rng.below(4),
        failed_software_patches_count: u64::from(rng.chance(0.1)),
        active_threats_count: 0,
        quarantined_threats_count: u64::from(rng.chance(0.05)),
        blocked_threats_count: rng.below(3),
        av_install_status: "INSTALLED",
        products_installation_statuses: Map::new(),
        parent_offline: false,
        critical_vulnerability_count: u64::from(rng.chance(0.1)),
        high_vulnerability_count: rng.below(4),
        medium_vulnerability_count: rng.below(8),
        low_vulnerability_count: rng.below(5),
        installation_issues_count: 0,
        pending_reboot_reason: (failed_os > 0 || pending_os > 6).then_some("OS patch install"),
    }
}
