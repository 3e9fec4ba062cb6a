//! NinjaOne activities other than alert conditions: configuration changes made by technicians
//! or by the system, patching and script runs; and how new activities get their ids.
//!
//! Configuration changes use status codes ending in `CREATED`, `UPDATED`, `CHANGED`,
//! `ENABLED`, ... (the candidates of `shared/api/NINJAONE.md` §4.4), with the technician in
//! `user`. A few rows that are not changes (`USER_LOGGED_IN`, patch and script rows) are mixed
//! in, so that a client must filter by status code.

use super::{Activity, Device, Fleet, Organization, names};
use crate::rng::Rng;

/// What a configuration change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Subject {
    Policy,
    Organization,
    Location,
    Credential,
    Script,
    Device,
    Technician,
}

/// A kind of configuration-change row.
#[derive(Debug, Clone, Copy)]
struct Change {
    status_code: &'static str,
    status: &'static str,
    class: &'static str,
    activity_type: &'static str,
    subject: Subject,
    /// `{s}` is the subject's name, `{o}` the organization's.
    message: &'static str,
    /// Whether a technician made it (else the system did).
    by_technician: bool,
    weight: u64,
}

const fn change(
    status_code: &'static str,
    status: &'static str,
    subject: Subject,
    message: &'static str,
    weight: u64,
) -> Change {
    Change {
        status_code,
        status,
        class: "SYSTEM",
        activity_type: "SYSTEM",
        subject,
        message,
        by_technician: true,
        weight,
    }
}

const CHANGES: [Change; 14] = [
    change(
        "POLICY_UPDATED",
        "Policy Updated",
        Subject::Policy,
        "Policy '{s}' updated",
        30,
    ),
    change(
        "POLICY_CREATED",
        "Policy Created",
        Subject::Policy,
        "Policy '{s}' created",
        3,
    ),
    change(
        "NODE_UPDATED",
        "Node Updated",
        Subject::Device,
        "Device '{s}' updated",
        25,
    ),
    change(
        "CLIENT_UPDATED",
        "Client Updated",
        Subject::Organization,
        "Organization '{o}' updated",
        10,
    ),
    change(
        "LOCATION_CREATED",
        "Location Created",
        Subject::Location,
        "Location '{s}' created in organization '{o}'",
        2,
    ),
    change(
        "LOCATION_UPDATED",
        "Location Updated",
        Subject::Location,
        "Location '{s}' of organization '{o}' updated",
        4,
    ),
    change(
        "CREDENTIAL_UPDATED",
        "Credential Updated",
        Subject::Credential,
        "Credential '{s}' updated",
        8,
    ),
    change(
        "CREDENTIAL_CREATED",
        "Credential Created",
        Subject::Credential,
        "Credential '{s}' created",
        2,
    ),
    change(
        "SCRIPT_UPDATED",
        "Script Updated",
        Subject::Script,
        "Script '{s}' updated",
        5,
    ),
    // `USER` is an activity class, not an `activityType`: the spec's enum has no `USER`, and
    // user rows keep the `SYSTEM` type.
    Change {
        class: "USER",
        ..change(
            "TECHNICIAN_PERMISSIONS_CHANGED",
            "Technician Permissions Changed",
            Subject::Technician,
            "Technician '{s}' permissions updated",
            2,
        )
    },
    Change {
        class: "USER",
        ..change(
            "USER_LOGGED_IN",
            "User Logged In",
            Subject::Technician,
            "{s} logged in",
            20,
        )
    },
    change(
        "BITLOCKER_ENABLED",
        "BitLocker Enabled",
        Subject::Device,
        "BitLocker enabled on '{s}'",
        2,
    ),
    Change {
        class: "DEVICE",
        by_technician: false,
        ..change(
            "ADAPTER_CONFIG_CHANGED",
            "Adapter Config Changed",
            Subject::Device,
            "Network adapter configuration changed on '{s}'",
            6,
        )
    },
    Change {
        by_technician: false,
        ..change(
            "NODE_CREATED",
            "Node Created",
            Subject::Device,
            "Device '{s}' registered",
            2,
        )
    },
];

const POLICIES: &[&str] = &[
    "Windows Workstations - Standard",
    "Windows Servers - Standard",
    "Windows Servers - Backup",
    "Mac Workstations",
    "Linux Servers",
    "Network Devices",
];

/// Scripts the MSP runs, with the index that fixes their `sourceConfigUid`.
const SCRIPTS: &[&str] = &[
    "Clear Temp Files",
    "Restart Print Spooler",
    "Check Certificate Expiry",
    "Collect Event Logs",
    "Reset Windows Update Components",
    "Map Network Drives",
];

/// A configuration change (or a login) about `organization` and, for device rows, one of its
/// devices, at `at`. Device rows fall back to organization rows when it has no device.
pub fn configuration_change(
    rng: &mut Rng,
    organization: &Organization,
    device: Option<&Device>,
    at: f64,
) -> Activity {
    let mut kind = pick_change(rng);
    if kind.subject == Subject::Device && device.is_none() {
        kind = &CHANGES[3];
    }
    let technician = names::technician(rng);
    let subject = match kind.subject {
        Subject::Policy => rng.pick(POLICIES).to_string(),
        Subject::Organization => organization.name.clone(),
        Subject::Location => organization.location_name.clone(),
        Subject::Credential => format!("{} - {}", organization.name, rng.pick(CREDENTIALS)),
        Subject::Script => rng.pick(SCRIPTS).to_string(),
        Subject::Device => device.map(|d| d.system_name.clone()).unwrap_or_default(),
        Subject::Technician => technician.1.clone(),
    };
    let message = kind
        .message
        .replace("{s}", &subject)
        .replace("{o}", &organization.name);
    let device_id = (kind.subject == Subject::Device)
        .then(|| device.map(|d| d.id))
        .flatten();
    let about_organization = !matches!(
        kind.subject,
        Subject::Policy | Subject::Script | Subject::Technician
    );
    Activity {
        id: 0,
        activity_time: at,
        device_id,
        severity: "NONE".to_string(),
        priority: "NONE".to_string(),
        series_uid: None,
        class: kind.class.to_string(),
        activity_type: kind.activity_type.to_string(),
        status_code: kind.status_code.to_string(),
        status: kind.status.to_string(),
        activity_result: "SUCCESS".to_string(),
        source_name: None,
        subject: None,
        message,
        user: kind.by_technician.then_some(technician),
        organization_id: about_organization.then_some(organization.id),
        source_config_uid: None,
    }
}

const CREDENTIALS: &[&str] = &[
    "Domain Admin",
    "Local Admin",
    "Backup Service Account",
    "Wi-Fi PSK",
];

fn pick_change(rng: &mut Rng) -> &'static Change {
    let total: u64 = CHANGES.iter().map(|c| c.weight).sum();
    let mut roll = rng.below(total);
    for kind in &CHANGES {
        if roll < kind.weight {
            return kind;
        }
        roll -= kind.weight;
    }
    &CHANGES[0]
}

/// A patch-management row for `device` at `at`: a scan, an install, or a failed install.
pub fn patch_run(rng: &mut Rng, device: &Device, at: f64) -> Activity {
    let kb = rng.range(5_040_000, 5_049_999);
    let (status_code, status, result, message) = match rng.below(10) {
        0..=4 => (
            "PATCH_MANAGEMENT_SCAN_COMPLETED",
            "Patch Scan Completed",
            "SUCCESS",
            format!("Patch scan completed: {} patches pending", rng.below(6)),
        ),
        5..=8 => (
            "PATCH_MANAGEMENT_APPLY_PATCH_COMPLETED",
            "Apply Patch Completed",
            "SUCCESS",
            format!(
                "Installed cumulative update KB{kb}; {} more applied",
                rng.below(4)
            ),
        ),
        _ => (
            "PATCH_MANAGEMENT_INSTALL_FAILED",
            "Patch Install Failed",
            "FAILURE",
            format!("Cumulative update KB{kb} failed to install: 0x800f0922"),
        ),
    };
    device_row(
        device,
        at,
        "PATCH_MANAGEMENT",
        status_code,
        status,
        result,
        message,
    )
}

/// A script run on `device` at `at`, by the scheduler or by a technician.
pub fn script_run(seed: u64, rng: &mut Rng, device: &Device, at: f64) -> Activity {
    let index = rng.below(SCRIPTS.len() as u64);
    let script = SCRIPTS[index as usize];
    let failed = rng.chance(0.12);
    let message = if failed {
        format!("Script '{script}' failed with exit code 1")
    } else {
        format!("Script '{script}' completed with exit code 0")
    };
    let result = if failed { "FAILURE" } else { "SUCCESS" };
    let mut row = device_row(
        device,
        at,
        "SCRIPTING",
        "COMPLETED",
        "Completed",
        result,
        message,
    );
    row.source_name = Some(script.to_string());
    row.source_config_uid = Some(Rng::derive(seed, "script", index).uuid().to_string());
    row.user = rng.chance(0.3).then(|| names::technician(rng));
    row
}

fn device_row(
    device: &Device,
    at: f64,
    activity_type: &str,
    status_code: &str,
    status: &str,
    result: &str,
    message: String,
) -> Activity {
    Activity {
        id: 0,
        activity_time: at,
        device_id: Some(device.id),
        severity: "NONE".to_string(),
        priority: "NONE".to_string(),
        series_uid: None,
        class: "DEVICE".to_string(),
        activity_type: activity_type.to_string(),
        status_code: status_code.to_string(),
        status: status.to_string(),
        activity_result: result.to_string(),
        source_name: None,
        subject: None,
        message,
        user: None,
        organization_id: Some(device.organization_id),
        source_config_uid: None,
    }
}

impl Fleet {
    /// Appends `new` activities to the log in time order, giving them ascending ids after the
    /// newest one. Ids skip a few numbers now and then, as they do on a shared NinjaOne
    /// instance where other tenants' rows take ids too.
    pub fn record(&mut self, rng: &mut Rng, mut new: Vec<Activity>) {
        new.sort_unstable_by(|a, b| a.activity_time.total_cmp(&b.activity_time));
        for activity in &mut new {
            activity.id = self.next_activity_id;
            self.next_activity_id += 1 + rng.below(4) as i64 * rng.below(8) as i64;
        }
        if self.activities.is_empty() {
            self.activities = new;
        } else {
            self.activities.extend(new);
        }
    }
}
