//! NinjaOne policy conditions: the alerts they raise and the `CONDITION` activities that record
//! each alert's life (`TRIGGERED` when raised, `RESET` when cleared, same `seriesUid`).
//!
//! The messages, condition names and thresholds are chosen so that the sync's classification
//! (`shared/api/ORIGINAL_SYSTEM.md` §4: disk space, disk I/O, memory, CPU, service, backup,
//! offline, by source type, then message, then condition name) meets every branch, including
//! the odd ones: an offline alert whose message does not say "offline", a backup alert that
//! says "backup" only in its condition name, alerts without a severity.

use super::{Activity, Alert, Device};
use crate::rng::Rng;

/// A kind of condition a policy can hold.
#[derive(Debug, Clone, Copy)]
pub struct Condition {
    /// Stable index, used to derive the policy condition's UUID.
    pub index: u64,
    /// `sourceType` of its alerts.
    pub source_type: &'static str,
    /// `conditionName`.
    pub condition_name: &'static str,
    /// Subject line.
    pub subject: &'static str,
    /// Policy condition name; `{t}` is the threshold.
    pub source_name: &'static str,
    /// Messages; `{t}` is the threshold, `{x}` a detail.
    pub messages: &'static [&'static str],
    /// Thresholds in percent (empty when the condition has none).
    pub thresholds: &'static [u32],
    /// Details such as a drive, a service or a backup job.
    pub details: &'static [&'static str],
    /// (severity, priority) pairs the condition is configured with.
    pub levels: &'static [(&'static str, &'static str)],
    /// Relative frequency among raised alerts.
    pub weight: u64,
    /// Mean time until the condition resets, in hours.
    pub mean_hours: f64,
    /// Whether only Windows devices have it (services, event logs, reboots).
    pub windows_only: bool,
}

/// The agent-offline condition; raised when a device's agent stops checking in.
pub const AGENT_OFFLINE: Condition = Condition {
    index: 0,
    source_type: "AGENT_OFFLINE",
    condition_name: "Agent Offline",
    subject: "Device offline",
    source_name: "Agent offline 15m",
    // One message in eight does not say "offline": the classification must not rely on it.
    messages: &[
        "Device is offline",
        "Device is offline",
        "{x} has been offline for more than 15 minutes",
        "{x} has been offline for more than 15 minutes",
        "{x} has been offline for more than 15 minutes",
        "{x} has been offline for more than 15 minutes",
        "{x} is offline",
        "Agent on {x} has not checked in for 15 minutes",
    ],
    thresholds: &[],
    details: &[],
    levels: &[("CRITICAL", "MEDIUM"), ("MAJOR", "HIGH")],
    weight: 0,
    mean_hours: 8.0,
    windows_only: false,
};

/// Conditions raised on devices that are online.
pub const CONDITIONS: [Condition; 9] = [
    Condition {
        index: 1,
        source_type: "CONDITION_AGENT_CPU",
        condition_name: "CPU",
        subject: "CPU utilization",
        source_name: "CPU > {t}% 15m",
        messages: &["CPU utilization has been above {t}% for 15 minutes"],
        thresholds: &[90, 95],
        details: &[],
        levels: &[("MAJOR", "HIGH"), ("MODERATE", "MEDIUM")],
        weight: 14,
        mean_hours: 3.0,
        windows_only: false,
    },
    Condition {
        index: 2,
        source_type: "CONDITION_AGENT_MEMORY",
        condition_name: "Memory",
        subject: "Memory utilization",
        source_name: "Memory > {t}% 10m",
        messages: &["Memory utilization has been above {t}% for 10 minutes"],
        thresholds: &[85, 90, 95, 98],
        details: &[],
        levels: &[("MODERATE", "MEDIUM"), ("MAJOR", "HIGH")],
        weight: 14,
        mean_hours: 6.0,
        windows_only: false,
    },
    Condition {
        index: 3,
        source_type: "CONDITION_AGENT_DISK_FREE_SPACE",
        condition_name: "Disk Free Space",
        subject: "Low disk space",
        source_name: "Disk free < {t}%",
        messages: &["Free space on {x} is below {t}%"],
        thresholds: &[5, 10, 15, 20],
        details: &["C:", "C:", "D:", "E:"],
        levels: &[("MAJOR", "HIGH"), ("CRITICAL", "HIGH"), ("MINOR", "MEDIUM")],
        weight: 16,
        mean_hours: 60.0,
        windows_only: false,
    },
    Condition {
        index: 4,
        source_type: "CONDITION_AGENT_DISK_IO",
        condition_name: "Disk Activity",
        subject: "Disk I/O",
        source_name: "Disk I/O > {t}% 30m",
        messages: &["Disk I/O utilization has been above {t}% for 30 minutes"],
        thresholds: &[90],
        details: &[],
        levels: &[("MINOR", "LOW"), ("MODERATE", "MEDIUM")],
        weight: 6,
        mean_hours: 2.0,
        windows_only: false,
    },
    Condition {
        index: 5,
        source_type: "CONDITION_WINDOWS_SERVICE_STATE_CHANGED",
        condition_name: "Windows Service",
        subject: "Service stopped",
        source_name: "Critical services running",
        messages: &[
            "Service '{x}' is not running",
            "The {x} service stopped unexpectedly",
        ],
        thresholds: &[],
        details: &[
            "Print Spooler (Spooler)",
            "SQL Server (MSSQLSERVER)",
            "Windows Update (wuauserv)",
            "DHCP Server (DHCPServer)",
            "Practice Sync Agent (PracticeSync)",
        ],
        levels: &[("MAJOR", "HIGH"), ("MODERATE", "MEDIUM")],
        weight: 10,
        mean_hours: 4.0,
        windows_only: true,
    },
    Condition {
        index: 6,
        source_type: "CONDITION_WINDOWS_EVENT_LOG_TRIGGERED",
        condition_name: "Backup Failure",
        subject: "Backup failed",
        source_name: "Backup job errors (event log)",
        messages: &[
            "Backup job '{x}' failed: destination unreachable",
            "Backup job '{x}' failed: snapshot could not be created",
            "Backup job '{x}' completed with errors: 3 files skipped",
        ],
        thresholds: &[],
        details: &[
            "Nightly Image",
            "File Server Daily",
            "SQL Full Backup",
            "Offsite Copy",
        ],
        levels: &[
            ("CRITICAL", "HIGH"),
            ("MAJOR", "HIGH"),
            ("MODERATE", "MEDIUM"),
        ],
        weight: 9,
        mean_hours: 20.0,
        windows_only: true,
    },
    Condition {
        index: 7,
        source_type: "CONDITION_SCRIPT_RESULT",
        condition_name: "Backup Verification",
        subject: "Job overdue",
        source_name: "Verify last job run",
        messages: &[
            "Job '{x}' did not finish within its window",
            "Last good run of '{x}' is 3 days old",
        ],
        thresholds: &[],
        details: &["Nightly Image", "Offsite Copy"],
        levels: &[("MAJOR", "HIGH"), ("CRITICAL", "HIGH")],
        weight: 4,
        mean_hours: 24.0,
        windows_only: true,
    },
    Condition {
        index: 8,
        source_type: "CONDITION_SCRIPT_RESULT",
        condition_name: "Script Result",
        subject: "Certificate expiring",
        source_name: "Check certificate expiry",
        messages: &[
            "Certificate for '{x}' expires in 12 days",
            "Certificate for '{x}' has expired",
        ],
        thresholds: &[],
        details: &[
            "remote.office.example",
            "portal.office.example",
            "RD Gateway",
        ],
        levels: &[("MINOR", "LOW"), ("MODERATE", "MEDIUM")],
        weight: 4,
        mean_hours: 72.0,
        windows_only: false,
    },
    Condition {
        index: 9,
        source_type: "CONDITION_PENDING_REBOOT",
        condition_name: "Pending Reboot",
        subject: "Reboot required",
        source_name: "Pending reboot > 7 days",
        messages: &["Device has been pending a reboot for more than 7 days"],
        thresholds: &[],
        details: &[],
        levels: &[("MINOR", "LOW"), ("NONE", "LOW")],
        weight: 8,
        mean_hours: 30.0,
        windows_only: true,
    },
];

/// The condition an alert was raised by (matched on source type and condition name).
pub fn condition_of(alert: &Alert) -> &'static Condition {
    CONDITIONS
        .iter()
        .find(|c| c.source_type == alert.source_type && c.condition_name == alert.condition_name)
        .unwrap_or(&AGENT_OFFLINE)
}

/// Whether `alert` was raised by `condition`.
pub fn raised_by(alert: &Alert, condition: &Condition) -> bool {
    alert.source_type == condition.source_type && alert.condition_name == condition.condition_name
}

/// A condition that can fire on `device` (an agent device), drawn by frequency.
pub fn pick_condition(rng: &mut Rng, device: &Device) -> &'static Condition {
    let windows = device.node_class.starts_with("WINDOWS");
    let eligible = |c: &&Condition| windows || !c.windows_only;
    let total: u64 = CONDITIONS.iter().filter(eligible).map(|c| c.weight).sum();
    let mut roll = rng.below(total);
    for condition in CONDITIONS.iter().filter(eligible) {
        if roll < condition.weight {
            return condition;
        }
        roll -= condition.weight;
    }
    &CONDITIONS[0]
}

/// Probability that an alert is served without `severity` and `priority` (clients then read
/// them from its `TRIGGERED` activity).
const MISSING_LEVEL: f64 = 0.08;

/// Raises `condition` on `device` at `at` (epoch seconds): the alert and its `TRIGGERED`
/// activity (id 0 until it is recorded).
pub fn raise(
    seed: u64,
    rng: &mut Rng,
    condition: &Condition,
    device: &Device,
    at: f64,
) -> (Alert, Activity) {
    let threshold = (!condition.thresholds.is_empty()).then(|| *rng.pick(condition.thresholds));
    let detail = if condition.details.is_empty() {
        device.system_name.as_str()
    } else {
        rng.pick(condition.details)
    };
    let fill = |text: &str| {
        let text = text.replace("{x}", detail);
        match threshold {
            Some(t) => text.replace("{t}", &t.to_string()),
            None => text,
        }
    };
    let (severity, priority) = *rng.pick(condition.levels);
    let message = *rng.pick(condition.messages);
    let message = fill(message);
    let source_name = fill(condition.source_name);
    let uid = rng.uuid().to_string();
    let missing_level = rng.chance(MISSING_LEVEL);
    let config_uid = policy_condition_uid(seed, condition, threshold);
    let alert = Alert {
        uid: uid.clone(),
        device_id: device.id,
        message: message.clone(),
        subject: condition.subject.to_string(),
        source_name: source_name.clone(),
        source_type: condition.source_type.to_string(),
        source_config_uid: config_uid.clone(),
        condition_name: condition.condition_name.to_string(),
        condition_health_status: health_status(severity).to_string(),
        priority: (!missing_level).then(|| priority.to_string()),
        severity: (!missing_level).then(|| severity.to_string()),
        threshold: threshold.map(|t| t.to_string()),
        create_time: at,
        update_time: at,
    };
    let triggered = Activity {
        id: 0,
        activity_time: at,
        device_id: Some(device.id),
        severity: severity.to_string(),
        priority: priority.to_string(),
        series_uid: Some(uid),
        class: "DEVICE".to_string(),
        activity_type: "CONDITION".to_string(),
        status_code: "TRIGGERED".to_string(),
        status: "Triggered".to_string(),
        activity_result: "SUCCESS".to_string(),
        source_name: Some(source_name),
        subject: Some(condition.subject.to_string()),
        message,
        user: None,
        organization_id: Some(device.organization_id),
        source_config_uid: Some(config_uid),
    };
    (alert, triggered)
}

/// The `RESET` activity of `alert` on a device of `organization_id`, cleared at `at` (id 0
/// until it is recorded). It repeats the alert's levels, `NONE` where the alert has none.
pub fn reset(alert: &Alert, organization_id: i64, at: f64) -> Activity {
    let level = |value: &Option<String>| value.clone().unwrap_or_else(|| "NONE".to_string());
    Activity {
        id: 0,
        activity_time: at,
        device_id: Some(alert.device_id),
        severity: level(&alert.severity),
        priority: level(&alert.priority),
        series_uid: Some(alert.uid.clone()),
        class: "DEVICE".to_string(),
        activity_type: "CONDITION".to_string(),
        status_code: "RESET".to_string(),
        status: "Reset".to_string(),
        activity_result: "SUCCESS".to_string(),
        source_name: Some(alert.source_name.clone()),
        subject: Some(alert.subject.clone()),
        message: alert.message.clone(),
        user: None,
        organization_id: Some(organization_id),
        source_config_uid: Some(alert.source_config_uid.clone()),
    }
}

/// `UNHEALTHY` for the two top severities, `NEEDS_ATTENTION` below them.
fn health_status(severity: &str) -> &'static str {
    match severity {
        "CRITICAL" | "MAJOR" => "UNHEALTHY",
        _ => "NEEDS_ATTENTION",
    }
}

/// The UUID of the policy condition: the same for every alert of one condition and threshold.
fn policy_condition_uid(seed: u64, condition: &Condition, threshold: Option<u32>) -> String {
    let key = condition.index * 1000 + u64::from(threshold.unwrap_or(0));
    Rng::derive(seed, "policy-condition", key)
        .uuid()
        .to_string()
}
