//! One step of the UniFi side: consoles lose and regain the cloud and take their daily backup;
//! devices drop and return, update firmware, get adopted or removed; sites' clients,
//! configuration counts, internet issues and WAN uptime move; and every site whose devices
//! changed gets its counts recomputed from them.
//!
//! During an advance, adopted devices are appended to the device list and removed ones only
//! leave the site's index; [`Index::finish`] puts the list back in site order once at the end,
//! so a step never shifts the whole list.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::{Step, chance_in};
use crate::fleet::catalog::{self, firmware_status, mac_of, next_release};
use crate::fleet::time::{backup_offset, last_daily, rfc3339};
use crate::fleet::uptime;
use crate::fleet::{Fleet, HostKind, UnifiDevice, UnifiDeviceKind, metrics};
use crate::rng::Rng;

/// Mean time a console stays connected to the cloud, and stays away when it drops, in hours.
const CONSOLE_UP_HOURS: f64 = 4_800.0;
const CONSOLE_DOWN_HOURS: f64 = 5.0;
/// Mean time until a pending firmware update is installed, and between new releases.
const UPGRADE_AFTER_HOURS: f64 = 120.0;
const RELEASE_EVERY_HOURS: f64 = 24.0 * 120.0;
/// Mean time between a site adopting a device, removing one, changing a network count.
const ADOPT_EVERY_HOURS: f64 = 24.0 * 60.0;
const REMOVE_EVERY_HOURS: f64 = 24.0 * 80.0;
const RECONFIGURE_EVERY_HOURS: f64 = 24.0 * 45.0;

/// The chance of each event within one step.
#[derive(Debug, Clone, Copy)]
struct Odds {
    console_drop: f64,
    console_return: f64,
    upgrade: f64,
    release: f64,
    adopt: f64,
    remove: f64,
    reconfigure: f64,
}

impl Odds {
    fn of(step: Step) -> Self {
        let chance = |mean| chance_in(step.hours(), mean);
        Self {
            console_drop: chance(CONSOLE_UP_HOURS),
            console_return: chance(CONSOLE_DOWN_HOURS),
            upgrade: chance(UPGRADE_AFTER_HOURS),
            release: chance(RELEASE_EVERY_HOURS),
            adopt: chance(ADOPT_EVERY_HOURS),
            remove: chance(REMOVE_EVERY_HOURS),
            reconfigure: chance(RECONFIGURE_EVERY_HOURS),
        }
    }
}

/// Where each site's devices and each host's sites are in the fleet's lists, for one advance.
#[derive(Debug)]
pub struct Index {
    /// Per site, the positions of its devices in `fleet.unifi_devices`.
    devices_of: Vec<Vec<usize>>,
    /// Per site, the position of its host.
    host_of: Vec<usize>,
    /// Per host, the positions of its sites.
    sites_of: Vec<Vec<usize>>,
    /// Per host, when it takes its daily backup (seconds after midnight UTC).
    backup_offsets: Vec<i64>,
    /// Whether devices were adopted or removed, so the list needs putting back in order.
    reordered: bool,
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
        let site_by_id: HashMap<&str, usize> = fleet
            .sites
            .iter()
            .enumerate()
            .map(|(i, s)| (s.site_id.as_str(), i))
            .collect();
        let host_of: Vec<usize> = fleet
            .sites
            .iter()
            .map(|s| host_by_id.get(s.host_id.as_str()).copied().unwrap_or(0))
            .collect();
        let mut sites_of = vec![Vec::new(); fleet.hosts.len()];
        for (site, &host) in host_of.iter().enumerate() {
            if let Some(sites) = sites_of.get_mut(host) {
                sites.push(site);
            }
        }
        let mut devices_of = vec![Vec::new(); fleet.sites.len()];
        for (i, device) in fleet.unifi_devices.iter().enumerate() {
            if let Some(&site) = site_by_id.get(device.site_id.as_str()) {
                devices_of[site].push(i);
            }
        }
        Self {
            devices_of,
            host_of,
            sites_of,
            backup_offsets: fleet.hosts.iter().map(|h| backup_offset(&h.id)).collect(),
            reordered: false,
        }
    }

    /// Puts `fleet.unifi_devices` back in site order without the removed devices, if any
    /// were adopted or removed. Devices of no known site keep their place at the end.
    pub fn finish(self, fleet: &mut Fleet) {
        if !self.reordered {
            return;
        }
        let mut old: Vec<Option<UnifiDevice>> = std::mem::take(&mut fleet.unifi_devices)
            .into_iter()
            .map(Some)
            .collect();
        let mut listed = vec![false; old.len()];
        let mut devices = Vec::with_capacity(old.len());
        for &d in self.devices_of.iter().flatten() {
            listed[d] = true;
            devices.extend(old[d].take());
        }
        let known: std::collections::HashSet<&str> =
            fleet.sites.iter().map(|s| s.site_id.as_str()).collect();
        for (d, device) in old.iter_mut().enumerate() {
            let orphan = device
                .as_ref()
                .is_some_and(|x| !known.contains(x.site_id.as_str()));
            if !listed[d] && orphan {
                devices.extend(device.take());
            }
        }
        fleet.unifi_devices = devices;
    }
}

/// Moves the UniFi side through `step`.
pub fn step(fleet: &mut Fleet, step: Step, index: &mut Index) {
    let mut rng = step.rng(fleet.seed, "step-unifi");
    let odds = Odds::of(step);
    let mut touched = vec![false; fleet.sites.len()];
    consoles(fleet, step, odds, index, &mut rng, &mut touched);
    devices(fleet, step, odds, index, &mut rng, &mut touched);
    adoptions(fleet, step, odds, index, &mut rng, &mut touched);
    sites(fleet, step, odds, index, &mut rng, &touched);
}

/// Consoles drop off the cloud and come back (their gateway with them), and take their daily
/// backup while connected.
fn consoles(
    fleet: &mut Fleet,
    step: Step,
    odds: Odds,
    index: &Index,
    rng: &mut Rng,
    touched: &mut [bool],
) {
    let mut flipped = Vec::new();
    for (h, host) in fleet.hosts.iter_mut().enumerate() {
        let roll = rng.unit();
        if host.kind == HostKind::Console {
            let chance = if host.connected {
                odds.console_drop
            } else {
                odds.console_return
            };
            if roll < chance {
                host.connected = !host.connected;
                host.last_connection_state_change = step.instant(rng);
                flipped.push((h, host.connected, host.last_connection_state_change));
            }
        }
        let backup = last_daily(step.to, index.backup_offsets[h]);
        let keeps_backups = host
            .latest_backup_time
            .as_ref()
            .is_some_and(|t| !t.is_empty());
        if keeps_backups && host.connected && backup > step.from {
            host.latest_backup_time = Some(rfc3339(backup, false));
        }
    }
    for (h, connected, at) in flipped {
        for &site in &index.sites_of[h] {
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

fn set_online(device: &mut UnifiDevice, online: bool, at: DateTime<Utc>) {
    device.status = if online { "online" } else { "offline" }.to_string();
    if online {
        device.startup_time = at;
    }
}

/// Devices other than consoles drop and return; online devices install pending firmware and
/// learn of new releases. A console's firmware is its host's UniFi OS.
fn devices(
    fleet: &mut Fleet,
    step: Step,
    odds: Odds,
    index: &Index,
    rng: &mut Rng,
    touched: &mut [bool],
) {
    for (site, devices) in index.devices_of.iter().enumerate() {
        for &d in devices {
            let device = &mut fleet.unifi_devices[d];
            let online = device.status == "online";
            let roll = rng.unit();
            if !device.is_console {
                let uptime = uptime::unifi(device.kind);
                let mean = if online {
                    uptime.up_hours
                } else {
                    uptime.down_hours(&device.id)
                };
                if roll < chance_in(step.hours(), mean) {
                    set_online(device, !online, step.instant(rng));
                    touched[site] = true;
                    continue;
                }
            }
            if online && firmware(device, step, odds, rng) {
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
fn firmware(device: &mut UnifiDevice, step: Step, odds: Odds, rng: &mut Rng) -> bool {
    let roll = rng.unit();
    if device.update_available.is_some() && roll < odds.upgrade {
        device.version = device.update_available.take().unwrap_or_default();
        device.startup_time = step.instant(rng);
    } else if device.update_available.is_none() && roll < odds.release {
        device.update_available = Some(next_release(&device.version));
    } else {
        return false;
    }
    device.firmware_status = firmware_status(&device.update_available);
    true
}

/// Sites adopt a new switch or access point, or have one removed.
fn adoptions(
    fleet: &mut Fleet,
    step: Step,
    odds: Odds,
    index: &mut Index,
    rng: &mut Rng,
    touched: &mut [bool],
) {
    for (site, touched) in touched.iter_mut().enumerate() {
        let roll = rng.unit();
        if roll < odds.adopt {
            let device = adopt_device(fleet, step, index, site, rng);
            index.devices_of[site].push(fleet.unifi_devices.len());
            fleet.unifi_devices.push(device);
        } else if roll < odds.adopt + odds.remove {
            let devices = &mut index.devices_of[site];
            let candidates: Vec<usize> = (0..devices.len())
                .filter(|&i| fleet.unifi_devices[devices[i]].kind != UnifiDeviceKind::Gateway)
                .collect();
            if candidates.is_empty() {
                continue;
            }
            devices.remove(candidates[rng.below(candidates.len() as u64) as usize]);
        } else {
            continue;
        }
        *touched = true;
        index.reordered = true;
    }
}

/// A new device for `site`, online and on the newest firmware.
fn adopt_device(
    fleet: &mut Fleet,
    step: Step,
    index: &Index,
    site: usize,
    rng: &mut Rng,
) -> UnifiDevice {
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
    let subnet = devices
        .first()
        .and_then(|&d| fleet.unifi_devices[d].ip.rsplit_once('.'))
        .map_or("192.168.1".to_string(), |(net, _)| net.to_string());
    let at = step.instant(rng);
    let site_record = &fleet.sites[site];
    UnifiDevice {
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
    }
}

/// Clients come and go, networks are reconfigured now and then, internet issues of the last
/// 24 hours and the WAN uptime follow the ISP metrics, and touched sites are recounted.
fn sites(
    fleet: &mut Fleet,
    step: Step,
    odds: Odds,
    index: &Index,
    rng: &mut Rng,
    touched: &[bool],
) {
    let new_hour = step.to.timestamp() % 3600 == 0;
    let oldest_issue = (step.to - Duration::hours(24)).timestamp().div_euclid(300);
    for (s, site) in fleet.sites.iter_mut().enumerate() {
        if let Some(counts) = site.counts.as_mut() {
            if touched[s] {
                let devices = index.devices_of[s].iter().map(|&d| &fleet.unifi_devices[d]);
                *counts = counts.recounted(devices);
            }
            let access_points = counts.wifi_device - counts.offline_wifi_device;
            counts.wifi_client = walk(rng, counts.wifi_client, access_points * 30);
            counts.wired_client = walk(rng, counts.wired_client, counts.wired_device * 20 + 10);
            if rng.chance(odds.reconfigure) {
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
