//! The NinjaOne history of a generated fleet: the alerts active now and 30 days of activities.
//!
//! Each device gets a few past alert series (a `TRIGGERED` and a later `RESET` with the same
//! `seriesUid`), patch and script runs; each active alert has its `TRIGGERED` row and no
//! `RESET`. Each organization gets technicians' configuration changes in office hours.

use chrono::{DateTime, Duration, Timelike, Utc};

use crate::fleet::activities::{configuration_change, patch_run, script_run};
use crate::fleet::conditions::{self, AGENT_OFFLINE, Condition};
use crate::fleet::time::{DAY, epoch};
use crate::fleet::{Activity, Alert, Device, Fleet, catalog};
use crate::rng::Rng;

/// How far back the history reaches.
const HISTORY_DAYS: i64 = 30;
/// Share of online agent devices with an alert active now.
const ACTIVE_ALERT_SHARE: f64 = 0.09;
/// Share of offline agent devices whose policy raised an offline alert.
const OFFLINE_ALERT_SHARE: f64 = 0.85;

/// Fills `fleet.alerts` and `fleet.activities` as of `now`.
pub fn fill(fleet: &mut Fleet, now: DateTime<Utc>) {
    let seed = fleet.seed;
    let mut alerts = Vec::new();
    let mut log = Vec::with_capacity(fleet.devices.len() * 6 + fleet.organizations.len() * 7);
    for (i, device) in fleet.devices.iter().enumerate() {
        let mut rng = Rng::derive(seed, "device-history", i as u64);
        let agent = catalog::node_class(&device.node_class).is_some_and(|c| c.agent);
        if device.approval_status != "APPROVED" || !agent {
            continue;
        }
        active_alerts(seed, &mut rng, device, now, &mut alerts, &mut log);
        past_series(seed, &mut rng, device, now, &mut log);
        device_runs(seed, &mut rng, device, now, &mut log);
    }
    configuration_changes(fleet, now, &mut log);
    alerts.sort_by(|a: &Alert, b| a.create_time.total_cmp(&b.create_time));
    fleet.alerts = alerts;
    fleet.record(&mut Rng::derive(seed, "activity-ids", 0), log);
}

/// An instant as epoch seconds with random milliseconds.
fn stamp(rng: &mut Rng, at: DateTime<Utc>) -> f64 {
    at.timestamp() as f64 + rng.below(1000) as f64 / 1000.0
}

/// A random instant in the `span` seconds after `start`, as epoch seconds.
fn some_time(rng: &mut Rng, start: DateTime<Utc>, span: u64) -> f64 {
    let at = start + Duration::seconds(rng.below(span) as i64);
    stamp(rng, at)
}

fn active_alerts(
    seed: u64,
    rng: &mut Rng,
    device: &Device,
    now: DateTime<Utc>,
    alerts: &mut Vec<Alert>,
    log: &mut Vec<Activity>,
) {
    let mut raise = |rng: &mut Rng, condition: &Condition, at: f64| {
        let (alert, triggered) = conditions::raise(seed, rng, condition, device, at);
        alerts.push(alert);
        log.push(triggered);
    };
    if device.offline {
        let at = device.last_contact + 900.0;
        if at < epoch(now) && rng.chance(OFFLINE_ALERT_SHARE) {
            raise(rng, &AGENT_OFFLINE, at);
        }
        return;
    }
    let mut chance = ACTIVE_ALERT_SHARE;
    while rng.chance(chance) {
        let condition = conditions::pick_condition(rng, device);
        let age_hours = rng.unit() * (condition.mean_hours * 2.0).min(24.0 * 29.0);
        let at = now - Duration::seconds((age_hours * 3600.0) as i64 + 60);
        let at = stamp(rng, at);
        raise(rng, condition, at);
        chance = 0.15;
    }
}

/// Alert series that were raised and cleared within the history window.
fn past_series(
    seed: u64,
    rng: &mut Rng,
    device: &Device,
    now: DateTime<Utc>,
    log: &mut Vec<Activity>,
) {
    let start = now - Duration::days(HISTORY_DAYS);
    let span = (HISTORY_DAYS * DAY - 2 * 3600) as u64;
    for _ in 0..rng.below(4) {
        let condition = if rng.chance(0.3) {
            &AGENT_OFFLINE
        } else {
            conditions::pick_condition(rng, device)
        };
        let hours = -(1.0 - rng.unit()).ln() * condition.mean_hours;
        let lasted = ((hours * 3600.0) as u64 + 300).min(span / 2);
        let raised = start + Duration::seconds(rng.below(span - lasted) as i64);
        let cleared = raised + Duration::seconds(lasted as i64);
        let raised_at = stamp(rng, raised);
        let (alert, triggered) = conditions::raise(seed, rng, condition, device, raised_at);
        log.push(triggered);
        let cleared_at = stamp(rng, cleared).max(raised_at + 1.0);
        log.push(conditions::reset(
            &alert,
            device.organization_id,
            cleared_at,
        ));
    }
}

/// Patch runs (Windows and Mac) and script runs (any agent device).
fn device_runs(
    seed: u64,
    rng: &mut Rng,
    device: &Device,
    now: DateTime<Utc>,
    log: &mut Vec<Activity>,
) {
    let start = now - Duration::days(HISTORY_DAYS);
    let span = (HISTORY_DAYS * DAY - 600) as u64;
    let patched = device.node_class.starts_with("WINDOWS") || device.node_class == "MAC";
    let patches = if patched { rng.below(4) } else { 0 };
    for _ in 0..patches {
        let at = some_time(rng, start, span);
        log.push(patch_run(rng, device, at));
    }
    for _ in 0..rng.below(3) {
        let at = some_time(rng, start, span);
        log.push(script_run(seed, rng, device, at));
    }
}

/// Technicians' changes, in office hours (13:00 to 23:00 UTC, 8 to 6 in the Central zone).
fn configuration_changes(fleet: &Fleet, now: DateTime<Utc>, log: &mut Vec<Activity>) {
    let mut devices_of: Vec<Vec<&Device>> = vec![Vec::new(); fleet.organizations.len()];
    for device in &fleet.devices {
        if let Ok(i) = fleet
            .organizations
            .binary_search_by_key(&device.organization_id, |o| o.id)
        {
            devices_of[i].push(device);
        }
    }
    let today = now - Duration::seconds(i64::from(now.num_seconds_from_midnight()));
    for (i, organization) in fleet.organizations.iter().enumerate() {
        let mut rng = Rng::derive(fleet.seed, "organization-history", i as u64);
        for _ in 0..rng.below(13) {
            let day = rng.range(0, HISTORY_DAYS - 1);
            let mut at =
                today - Duration::days(day) + Duration::seconds(rng.range(13 * 3600, 23 * 3600));
            if at >= now {
                at -= Duration::days(1);
            }
            let device = (!devices_of[i].is_empty())
                .then(|| devices_of[i][rng.below(devices_of[i].len() as u64) as usize]);
            let at = stamp(&mut rng, at);
            log.push(configuration_change(&mut rng, organization, device, at));
        }
    }
}
