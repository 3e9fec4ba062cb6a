//! One step of the UniFi side: consoles lose and regain the cloud and take their daily backup;
//! devices drop and return, update firmware, get adopted or removed; sites' clients,
//! configuration counts, internet issues and WAN uptime move; and every site whose devices
//! changed gets its counts recomputed from them.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::{Step, chance_in};
use crate::fleet::catalog::{self, firmware_status, mac_of, next_release};
use crate::fleet::time::{backup_offset, last_daily, rfc3339, stable_hash};
use crate::fleet::{Fleet, HostKind, UnifiDevice, UnifiDeviceKind, metrics};
use crate::rng::Rng;

/// Mean time a console stays connected to the cloud, and stays away when it drops, in hours.
const CONSOLE_UP_HOURS: f64 = 4_800.0;
const CONSOLE_DOWN_HOURS: f64 = 5.0;
/// Mean time a device stays online between drops (gateways, others), in hours.
const GATEWAY_UP_HOURS: f64 = 3_000.0;
const DEVICE_UP_HOURS: f64 = 1_500.0;
/// Mean time offline: most devices return soon, a few are unplugged for days.
const QUICK_RETURN_HOURS: f64 = 3.0;
const SLOW_RETURN_HOURS: f64 = 60.0;
/// Mean time until a pending firmware update is installed, and between new releases.
const UPGRADE_AFTER_HOURS: f64 = 120.0;
const RELEASE_EVERY_HOURS: f64 = 24.0 * 120.0;
/// Mean time between a site adopting a device, removing one, changing a network count.
const ADOPT_EVERY_HOURS: f64 = 24.0 * 60.0;
const REMOVE_EVERY_HOURS: f64 = 24.0 * 80.0;
const RECONFIGURE_EVERY_HOURS: f64 = 24.0 * 45.0;

/// Where each site's devices and each host's sites are in the fleet's vectors; rebuilt when
/// devices are added or removed.
#[derive(Debug)]
pub struct Index {
    devices_of: Vec<Vec<usize>>,
    host_of: Vec<usize>,
    site_by_id: HashMap<String, usize>,
}

impl Index {
    /// The index of `fleet`'s UniFi records.
    pub fn of(fleet: &Fleet) -> Self {
        let host_by_id: HashMap<&str, usize> = fleet
            .hosts
            .iter()
            .enumerate()
            .map(|(i, h)| (h.id.as_str(), i))
            .collect();
        let host_of = fleet
            .sites
            .iter()
            .map(|s| host_by_id.get(s.host_id.as_str()).copied().unwrap_or(0))
            .collect();
        let site_by_id = fleet
            .sites
            .iter()
            .enumerate()
            .map(|(i, s)| (s.site_id.clone(), i))
            .collect();
        let mut index = Self {
            devices_of: Vec::new(),
            host_of,
            site_by_id,
        };
        index.reindex_devices(fleet);
        index
    }

    fn reindex_devices(&mut self, fleet: &Fleet) {
        self.devices_of = vec![Vec::new(); fleet.sites.len()];
        for (i, device) in fleet.unifi_devices.iter().enumerate() {
            if let Some(&site) = self.site_by_id.get(&device.site_id) {
                self.devices_of[site].push(i);
            }
        }
    }
}

/// Moves the UniFi side through `step`.
pub fn step(fleet: &mut Fleet, step: Step, index: &mut Index) {
    let mut rng = step.rng(fleet.seed, "step-unifi");
    let mut touched = vec![false; fleet.sites.len()];
    consoles(fleet, step, index, &mut rng, &mut touched);
    devices(fleet, step, index, &mut rng, &mut touched);
    adoptions(fleet, step, index, &mut rng, &mut touched);
    sites(fleet, step, index, &mut rng, &touched);
}

/// Consoles drop off the cloud and come back (their gateway with them), and take their daily
/// backup while connected.
fn consoles(fleet: &mut Fleet, step: Step, index: &Index, rng: &mut Rng, touched: &mut [bool]) {
    let mut flipped = Vec::new();
    for (h, host) in fleet.hosts.iter_mut().enumerate() {
        let roll = rng.unit();
        if host.kind == HostKind::Console {
            let mean = if host.connected {
                CONSOLE_UP_HOURS
            } else {
                CONSOLE_DOWN_HOURS
            };
            if roll < chance_in(step.hours(), mean) {
                host.connected = !host.connected;
                host.last_connection_state_change = step.instant(rng);
                flipped.push((h, host.connected, host.last_connection_state_change));
            }
        }
        let backup = last_daily(step.to, backup_offset(&host.id));
        let keeps_backups = host
            .latest_backup_time
            .as_ref()
            .is_some_and(|t| !t.is_empty());
        if keeps_backups && host.connected && backup > step.from {
            host.latest_backup_time = Some(rfc3339(backup, false));
        }
    }
    for (h, connected, at) in flipped {
        for site in sites_of(index, h) {
            for &d in &index.devices_of[site] {
                let device = &mut fleet.unifi_devices[d];
                if device.is_console {
                    set_online(device, connected, at);
                    touched[site] = true;
                }
            }
        }
    }
}

fn sites_of(index: &Index, host: usize) -> impl Iterator<Item = usize> + '_ {
    (0..index.host_of.len()).filter(move |&s| index.host_of[s] == host)
}

fn set_online(device: &mut UnifiDevice, online: bool, at: DateTime<Utc>) {
    device.status = if online { "online" } else { "offline" }.to_string();
    if online {
        device.startup_time = at;
    }
}

/// Devices other than consoles drop and return; online devices install pending firmware and
/// learn of new releases. A console's firmware is its host's UniFi OS.
fn devices(fleet: &mut Fleet, step: Step, index: &Index, rng: &mut Rng, touched: &mut [bool]) {
    let hours = step.hours();
    for (site, devices) in index.devices_of.iter().enumerate() {
        for &d in devices {
            let device = &mut fleet.unifi_devices[d];
            let online = device.status == "online";
            let roll = rng.unit();
            if !device.is_console {
                let mean = match (online, device.kind) {
                    (true, UnifiDeviceKind::Gateway) => GATEWAY_UP_HOURS,
                    (true, _) => DEVICE_UP_HOURS,
                    (false, _) if stable_hash(&device.id) % 10 < 7 => QUICK_RETURN_HOURS,
                    (false, _) => SLOW_RETURN_HOURS,
                };
                if roll < chance_in(hours, mean) {
                    set_online(device, !online, step.instant(rng));
                    touched[site] = true;
                    continue;
                }
            }
            if online && firmware(device, step, rng) {
                touched[site] = true;
                if device.is_console {
                    let host = &mut fleet.hosts[index.host_of[site]];
                    host.version = device.version.clone();
                    host.latest_available_version = device.update_available.clone();
                }
            }
        }
    }
}

/// Installs a pending update or learns of a new release; true when something changed.
fn firmware(device: &mut UnifiDevice, step: Step, rng: &mut Rng) -> bool {
    let hours = step.hours();
    match device.update_available.take() {
        Some(version) if rng.chance(chance_in(hours, UPGRADE_AFTER_HOURS)) => {
            device.version = version;
            device.startup_time = step.instant(rng);
        }
        Some(version) => {
            device.update_available = Some(version);
            return false;
        }
        None if rng.chance(chance_in(hours, RELEASE_EVERY_HOURS)) => {
            device.update_available = Some(next_release(&device.version));
        }
        None => return false,
    }
    device.firmware_status = firmware_status(&device.update_available);
    true
}

/// Sites adopt a new switch or access point, or have one removed.
fn adoptions(
    fleet: &mut Fleet,
    step: Step,
    index: &mut Index,
    rng: &mut Rng,
    touched: &mut [bool],
) {
    let adopt = chance_in(step.hours(), ADOPT_EVERY_HOURS);
    let remove = chance_in(step.hours(), REMOVE_EVERY_HOURS);
    for (site, touched) in touched.iter_mut().enumerate() {
        let roll = rng.unit();
        if roll < adopt {
            adopt_device(fleet, step, index, site, rng);
        } else if roll < adopt + remove {
            let candidates: Vec<usize> = index.devices_of[site]
                .iter()
                .copied()
                .filter(|&d| fleet.unifi_devices[d].kind != UnifiDeviceKind::Gateway)
                .collect();
            if candidates.is_empty() {
                continue;
            }
            fleet
                .unifi_devices
                .remove(candidates[rng.below(candidates.len() as u64) as usize]);
        } else {
            continue;
        }
        *touched = true;
        index.reindex_devices(fleet);
    }
}

/// A new device at `site`, placed after the site's other devices.
fn adopt_device(fleet: &mut Fleet, step: Step, index: &Index, site: usize, rng: &mut Rng) {
    let (kind, model) = if rng.chance(0.6) {
        (
            UnifiDeviceKind::AccessPoint,
            rng.pick(&catalog::ACCESS_POINTS),
        )
    } else {
        (UnifiDeviceKind::Switch, rng.pick(&catalog::SWITCHES))
    };
    let serial = fleet.next_unifi_serial;
    fleet.next_unifi_serial += 1;
    let devices = &index.devices_of[site];
    let position = devices.last().map_or(fleet.unifi_devices.len(), |&d| d + 1);
    let subnet = devices
        .first()
        .and_then(|&d| fleet.unifi_devices[d].ip.rsplit_once('.'))
        .map_or("192.168.1".to_string(), |(net, _)| net.to_string());
    let at = step.instant(rng);
    let site_record = &fleet.sites[site];
    let device = UnifiDevice {
        id: mac_of(fleet.seed, serial),
        host_id: site_record.host_id.clone(),
        site_id: site_record.site_id.clone(),
        name: model.name.to_string(),
        model: model.name.to_string(),
        shortname: model.shortname.to_string(),
        ip: format!("{subnet}.{}", 10 + devices.len() + rng.below(100) as usize),
        product_line: Some("network".to_string()),
        status: "online".to_string(),
        version: model.latest().to_string(),
        firmware_status: firmware_status(&None),
        update_available: None,
        is_console: false,
        startup_time: at,
        adoption_time: Some(at),
        kind,
    };
    fleet.unifi_devices.insert(position, device);
}

/// Clients come and go, networks are reconfigured now and then, internet issues of the last
/// 24 hours and the WAN uptime follow the ISP metrics, and touched sites are recounted.
fn sites(fleet: &mut Fleet, step: Step, index: &Index, rng: &mut Rng, touched: &[bool]) {
    let reconfigure = chance_in(step.hours(), RECONFIGURE_EVERY_HOURS);
    let new_hour = step.to.timestamp() % 3600 == 0;
    let oldest_issue = (step.to - Duration::hours(24)).timestamp().div_euclid(300);
    for (s, site) in fleet.sites.iter_mut().enumerate() {
        let devices = index.devices_of[s].iter().map(|&d| &fleet.unifi_devices[d]);
        if let Some(counts) = site.counts.as_mut() {
            if touched[s] {
                *counts = counts.recounted(devices);
            }
            let access_points = counts.wifi_device - counts.offline_wifi_device;
            counts.wifi_client = walk(rng, counts.wifi_client, access_points * 30);
            counts.wired_client = walk(rng, counts.wired_client, counts.wired_device * 20 + 10);
            if rng.chance(reconfigure) {
                let field = match rng.below(3) {
                    0 => &mut counts.lan_configuration,
                    1 => &mut counts.wan_configuration,
                    _ => &mut counts.wifi_configuration,
                };
                *field = (*field + 1).saturating_sub(2 * rng.below(2) as u32).max(1);
            }
        }
        site.internet_issues.retain(|&bucket| bucket > oldest_issue);
        let issues = metrics::issue_buckets(fleet.seed, &*site, step.from, step.to);
        site.internet_issues.extend(issues);
        if new_hour {
            site.wan_uptime = metrics::wan_uptime(fleet.seed, &*site, step.to);
        }
    }
}

/// `value` moved by -2..=2, kept within `0..=max`.
fn walk(rng: &mut Rng, value: u32, max: u32) -> u32 {
    (i64::from(value) + rng.range(-2, 2)).clamp(0, i64::from(max)) as u32
}
