//! One step of the NinjaOne side: device connectivity, alerts, configuration changes, patch and
//! script runs. Every change that NinjaOne logs becomes an activity of the step.

use chrono::{Duration, Timelike};

use super::{Step, chance_in};
use crate::fleet::activities::{configuration_change, patch_run, script_run};
use crate::fleet::catalog;
use crate::fleet::conditions::{self, AGENT_OFFLINE, Condition};
use crate::fleet::time::{epoch, stable_hash};
use crate::fleet::{Activity, Device, Fleet};
use crate::rng::Rng;

/// Mean time a workstation stays online between drops, in hours.
const WORKSTATION_UP_HOURS: f64 = 320.0;
/// Mean time a server stays online between drops, in hours.
const SERVER_UP_HOURS: f64 = 1_000.0;
/// Mean time offline: most devices come back within hours, some stay off for days.
const QUICK_RETURN_HOURS: f64 = 4.0;
const SLOW_RETURN_HOURS: f64 = 40.0;
/// Share of offline agent devices whose policy raises an offline alert.
const OFFLINE_ALERT_SHARE: f64 = 0.85;
/// Mean time between new alerts on one online agent device, in hours.
const ALERT_EVERY_HOURS: f64 = 250.0;
/// Mean time between patch runs and between script runs of one device, in hours.
const PATCH_EVERY_HOURS: f64 = 480.0;
const SCRIPT_EVERY_HOURS: f64 = 720.0;
/// Mean time between configuration changes of one organization, in office hours and outside.
const CHANGE_EVERY_OFFICE_HOURS: f64 = 50.0;
const CHANGE_EVERY_NIGHT_HOURS: f64 = 1_000.0;

/// Organization → indexes of its devices; NinjaOne devices are never added or removed here.
#[derive(Debug)]
pub struct Index {
    devices_of: Vec<Vec<usize>>,
}

impl Index {
    /// The index of `fleet`'s devices.
    pub fn of(fleet: &Fleet) -> Self {
        let mut devices_of = vec![Vec::new(); fleet.organizations.len()];
        for (i, device) in fleet.devices.iter().enumerate() {
            if let Some(org) = organization_index(fleet, device.organization_id) {
                devices_of[org].push(i);
            }
        }
        Self { devices_of }
    }
}

fn organization_index(fleet: &Fleet, id: i64) -> Option<usize> {
    fleet.organizations.binary_search_by_key(&id, |o| o.id).ok()
}

/// Moves the NinjaOne side through `step`, appending what it logs to `log`.
pub fn step(fleet: &mut Fleet, step: Step, index: &Index, log: &mut Vec<Activity>) {
    let mut rng = step.rng(fleet.seed, "step-ninjaone");
    connectivity(fleet, step, &mut rng, log);
    clear_alerts(fleet, step, &mut rng, log);
    raise_alerts(fleet, step, &mut rng, log);
    device_runs(fleet, step, &mut rng, log);
    configuration_changes(fleet, step, index, &mut rng, log);
}

fn is_agent(device: &Device) -> bool {
    catalog::node_class(&device.node_class).is_some_and(|c| c.agent)
}

fn approved(device: &Device) -> bool {
    device.approval_status == "APPROVED"
}

/// Devices drop off and come back; online devices check in.
fn connectivity(fleet: &mut Fleet, step: Step, rng: &mut Rng, log: &mut Vec<Activity>) {
    let hours = step.hours();
    let mut dropped = Vec::new();
    let mut returned = Vec::new();
    for (i, device) in fleet.devices.iter_mut().enumerate() {
        if !approved(device) {
            continue;
        }
        let roll = rng.unit();
        if device.offline {
            let quick = stable_hash(&device.uid) % 10 < 7;
            let mean = if quick {
                QUICK_RETURN_HOURS
            } else {
                SLOW_RETURN_HOURS
            };
            if roll < chance_in(hours, mean) {
                let at = step.instant(rng);
                device.offline = false;
                device.last_contact = epoch(at);
                returned.push((device.id, device.organization_id, epoch(at)));
            }
            continue;
        }
        let server = device.node_class.contains("SERVER") || device.node_class.starts_with("NMS");
        let mean = if server {
            SERVER_UP_HOURS
        } else {
            WORKSTATION_UP_HOURS
        };
        if roll < chance_in(hours, mean) {
            let at = step.instant(rng);
            device.offline = true;
            device.last_contact = epoch(at - Duration::minutes(15));
            dropped.push((i, epoch(at)));
        } else {
            device.last_contact = epoch(step.to) - rng.below(290) as f64;
        }
    }
    for (device_id, organization_id, at) in returned {
        clear_offline_alert(fleet, device_id, organization_id, at, log);
    }
    for (i, at) in dropped {
        if is_agent(&fleet.devices[i]) && rng.chance(OFFLINE_ALERT_SHARE) {
            let (alert, triggered) =
                conditions::raise(fleet.seed, rng, &AGENT_OFFLINE, &fleet.devices[i], at);
            fleet.alerts.push(alert);
            log.push(triggered);
        }
    }
}

fn clear_offline_alert(
    fleet: &mut Fleet,
    device_id: i64,
    organization_id: i64,
    at: f64,
    log: &mut Vec<Activity>,
) {
    let position = fleet
        .alerts
        .iter()
        .position(|a| a.device_id == device_id && conditions::raised_by(a, &AGENT_OFFLINE));
    if let Some(position) = position {
        let alert = fleet.alerts.remove(position);
        log.push(conditions::reset(
            &alert,
            organization_id,
            at.max(alert.create_time + 1.0),
        ));
    }
}

/// Conditions other than offline reset after their mean time, on devices that are online
/// (an offline agent evaluates nothing).
fn clear_alerts(fleet: &mut Fleet, step: Step, rng: &mut Rng, log: &mut Vec<Activity>) {
    let hours = step.hours();
    let mut kept = Vec::with_capacity(fleet.alerts.len());
    for alert in std::mem::take(&mut fleet.alerts) {
        let device = device_by_id(fleet, alert.device_id);
        let online = device.is_some_and(|d| !d.offline);
        let condition = conditions::condition_of(&alert);
        let offline_alert = conditions::raised_by(&alert, &AGENT_OFFLINE);
        let clears = rng.chance(chance_in(hours, condition.mean_hours));
        if online && (offline_alert || clears) {
            let organization_id = device.map_or(0, |d| d.organization_id);
            let at = epoch(step.instant(rng)).max(alert.create_time + 1.0);
            log.push(conditions::reset(&alert, organization_id, at));
        } else {
            kept.push(alert);
        }
    }
    fleet.alerts = kept;
}

fn device_by_id(fleet: &Fleet, id: i64) -> Option<&Device> {
    fleet
        .devices
        .binary_search_by_key(&id, |d| d.id)
        .ok()
        .map(|i| &fleet.devices[i])
}

/// New conditions trigger on online agent devices, one of a kind per device at a time.
fn raise_alerts(fleet: &mut Fleet, step: Step, rng: &mut Rng, log: &mut Vec<Activity>) {
    let chance = chance_in(step.hours(), ALERT_EVERY_HOURS);
    let mut raised = Vec::new();
    for (i, device) in fleet.devices.iter().enumerate() {
        if !rng.chance(chance) || device.offline || !approved(device) || !is_agent(device) {
            continue;
        }
        let condition: &Condition = conditions::pick_condition(rng, device);
        let active = fleet
            .alerts
            .iter()
            .any(|a| a.device_id == device.id && conditions::raised_by(a, condition));
        if !active {
            raised.push((i, condition, epoch(step.instant(rng))));
        }
    }
    for (i, condition, at) in raised {
        let (alert, triggered) =
            conditions::raise(fleet.seed, rng, condition, &fleet.devices[i], at);
        fleet.alerts.push(alert);
        log.push(triggered);
    }
}

/// Patch runs on Windows and Mac devices, script runs on every agent device.
fn device_runs(fleet: &Fleet, step: Step, rng: &mut Rng, log: &mut Vec<Activity>) {
    let patch = chance_in(step.hours(), PATCH_EVERY_HOURS);
    let script = chance_in(step.hours(), SCRIPT_EVERY_HOURS);
    for device in &fleet.devices {
        let roll = rng.unit();
        if roll >= patch + script || device.offline || !approved(device) || !is_agent(device) {
            continue;
        }
        let at = epoch(step.instant(rng));
        if roll < patch {
            if device.node_class.starts_with("WINDOWS") || device.node_class == "MAC" {
                log.push(patch_run(rng, device, at));
            }
        } else {
            log.push(script_run(fleet.seed, rng, device, at));
        }
    }
}

/// Technicians change organizations' settings, mostly in office hours (13:00 to 23:00 UTC).
fn configuration_changes(
    fleet: &Fleet,
    step: Step,
    index: &Index,
    rng: &mut Rng,
    log: &mut Vec<Activity>,
) {
    let office = (13..23).contains(&step.to.hour());
    let mean = if office {
        CHANGE_EVERY_OFFICE_HOURS
    } else {
        CHANGE_EVERY_NIGHT_HOURS
    };
    let chance = chance_in(step.hours(), mean);
    for (org, organization) in fleet.organizations.iter().enumerate() {
        if !rng.chance(chance) {
            continue;
        }
        let devices = index.devices_of.get(org).map_or(&[][..], Vec::as_slice);
        let device = (!devices.is_empty())
            .then(|| &fleet.devices[devices[rng.below(devices.len() as u64) as usize]]);
        let at = epoch(step.instant(rng));
        log.push(configuration_change(rng, organization, device, at));
    }
}
