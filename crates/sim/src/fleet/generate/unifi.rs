//! The UniFi side of a generated fleet: hosts, their sites and the sites' devices.
//!
//! Most customers have a cloud gateway of their own (host type `console`, one site called
//! `default`/`Default`, the customer's label in the console's name). A few share a self-hosted
//! Network server or an OS-server console (`ucore`, `reportedState: null`), whose sites carry
//! the label in `desc` and a random 8-character `name`.

use chrono::{DateTime, Duration, Utc};

use super::Quirk;
use crate::fleet::catalog::{self, UnifiModel};
use crate::fleet::catalog::{firmware_status, mac_of};
use crate::fleet::names::{Customer, ISPS};
use crate::fleet::time::{backup_offset, last_daily, rfc3339};
use crate::fleet::{
    Counts, Host, HostKind, Organization, Site, UnifiDevice, UnifiDeviceKind, metrics,
};
use crate::rng::Rng;

/// MAC serials reserved per site; devices added later take serials above all sites'.
pub const SERIALS_PER_SITE: u64 = 64;

/// The generated UniFi records.
pub struct Unifi {
    pub hosts: Vec<Host>,
    pub sites: Vec<Site>,
    pub devices: Vec<UnifiDevice>,
    /// The serial the next added device gets.
    pub next_serial: u64,
}

/// One host of the layout and how many consecutive customers' sites it runs.
#[derive(Debug, Clone, Copy)]
struct Slot {
    kind: HostKind,
    sites: usize,
}

/// The quirks of hosts and sites, each on a fixed share of records.
#[derive(Debug, Clone, Copy)]
struct Quirks {
    registration_empty: Quirk,
    registration_missing: Quirk,
    backup_empty: Quirk,
    backup_missing: Quirk,
    not_owned: Quirk,
    disconnected: Quirk,
    counts_missing: Quirk,
    timezone_missing: Quirk,
}

impl Quirks {
    fn new(seed: u64) -> Self {
        Self {
            registration_empty: Quirk::new(seed, "registration-empty", 30),
            registration_missing: Quirk::new(seed, "registration-missing", 41),
            backup_empty: Quirk::new(seed, "backup-empty", 29),
            backup_missing: Quirk::new(seed, "backup-missing", 37),
            not_owned: Quirk::new(seed, "not-owned", 19),
            disconnected: Quirk::new(seed, "disconnected", 43),
            counts_missing: Quirk::new(seed, "counts-missing", 31),
            timezone_missing: Quirk::new(seed, "timezone-missing", 23),
        }
    }
}

/// Hosts, sites and devices for `customers` (site `i` belongs to customer `i` and to
/// `organizations[i]`).
pub fn build(
    seed: u64,
    customers: &[Customer],
    organizations: &[Organization],
    now: DateTime<Utc>,
) -> Unifi {
    let slots = layout(seed, customers.len());
    let quirks = Quirks::new(seed);
    let mut unifi = Unifi {
        hosts: Vec::with_capacity(slots.len()),
        sites: Vec::with_capacity(customers.len()),
        devices: Vec::with_capacity(customers.len() * 8),
        next_serial: customers.len() as u64 * SERIALS_PER_SITE,
    };
    let mut first = 0;
    for (index, slot) in slots.iter().enumerate() {
        let mut rng = Rng::derive(seed, "host", index as u64);
        let gateway_serial = first as u64 * SERIALS_PER_SITE;
        let host = host(
            seed,
            &mut rng,
            index,
            slot.kind,
            &customers[first],
            gateway_serial,
            quirks,
            now,
        );
        for c in first..first + slot.sites {
            let spot = SiteSpot {
                customer: &customers[c],
                organization: &organizations[c],
                index: c,
            };
            let devices = site_devices(seed, &spot, &host, now);
            let site = site(seed, &spot, &host, &devices, quirks, now);
            let site_id = site.site_id.clone();
            unifi.sites.push(site);
            unifi
                .devices
                .extend(devices.into_iter().map(|d| UnifiDevice {
                    site_id: site_id.clone(),
                    host_id: host.id.clone(),
                    ..d
                }));
        }
        unifi.hosts.push(host);
        first += slot.sites;
    }
    unifi
}

/// Which hosts run which customers' sites: mostly one cloud gateway per customer, plus a few
/// self-hosted servers (3 to 6 sites) and OS-server consoles (1 or 2), in shuffled order.
fn layout(seed: u64, sites: usize) -> Vec<Slot> {
    let mut rng = Rng::derive(seed, "layout", 0);
    let mut slots = Vec::new();
    let mut shared = 0;
    if sites >= 20 {
        for _ in 0..(sites * 3).div_ceil(100) {
            let size = rng.range(3, 6) as usize;
            shared += size;
            slots.push(Slot {
                kind: HostKind::NetworkServer,
                sites: size,
            });
        }
        for _ in 0..sites.div_ceil(50) {
            let size = rng.range(1, 2) as usize;
            shared += size;
            slots.push(Slot {
                kind: HostKind::Ucore,
                sites: size,
            });
        }
    }
    slots.extend((shared..sites).map(|_| Slot {
        kind: HostKind::Console,
        sites: 1,
    }));
    for i in (1..slots.len()).rev() {
        slots.swap(i, rng.below(i as u64 + 1) as usize);
    }
    slots
}

/// A customer being placed on a host.
struct SiteSpot<'a> {
    customer: &'a Customer,
    organization: &'a Organization,
    index: usize,
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call site; the values are unrelated"
)]
fn host(
    seed: u64,
    rng: &mut Rng,
    index: usize,
    kind: HostKind,
    customer: &Customer,
    gateway_serial: u64,
    quirks: Quirks,
    now: DateTime<Utc>,
) -> Host {
    let (model, version, network_version) = match kind {
        HostKind::Console => {
            let model = rng.pick(&catalog::CONSOLE_GATEWAYS);
            let version = catalog::pick_version(rng, model.versions);
            (
                Some(model),
                version,
                catalog::pick_version(rng, catalog::NETWORK_APP_VERSIONS),
            )
        }
        HostKind::Ucore => {
            let version = catalog::pick_version(rng, catalog::OS_SERVER.versions);
            let network = catalog::pick_version(rng, catalog::NETWORK_APP_VERSIONS);
            (Some(&catalog::OS_SERVER), version, network)
        }
        HostKind::NetworkServer => {
            let version = catalog::pick_version(rng, catalog::NETWORK_SERVER_VERSIONS);
            (None, version, version)
        }
    };
    let mac = match kind {
        HostKind::Console => mac_of(seed, gateway_serial),
        HostKind::Ucore => format!("F4E2C6{}", rng.hex(6).to_ascii_uppercase()),
        HostKind::NetworkServer => String::new(),
    };
    let id = match kind {
        HostKind::NetworkServer => rng.uuid().to_string(),
        _ => console_id(rng, &mac),
    };
    let slug = customer.slug();
    let (name, hostname, timezone) = match kind {
        HostKind::Console => (
            customer.site_label(),
            format!(
                "{slug}-{}",
                model.map_or("", |m| m.shortname).to_ascii_lowercase()
            ),
            customer.state.timezone.to_string(),
        ),
        HostKind::Ucore => (
            format!("{} Cloud Key", customer.name),
            format!("{slug}-ckg2"),
            customer.state.timezone.to_string(),
        ),
        HostKind::NetworkServer => (
            "Self-Hosted Site".to_string(),
            format!("unifi-{index:04}.msp.example"),
            "America/Chicago".to_string(),
        ),
    };
    let connected = kind != HostKind::Console || !quirks.disconnected.hits(index);
    let changed = if connected {
        now - Duration::seconds(rng.range(3600, 90 * 86_400))
    } else {
        now - Duration::seconds(rng.range(600, 20 * 3600))
    };
    let newest = |versions: &[&str], current: &str| {
        let latest = versions.last().copied().unwrap_or(current);
        (latest != current).then(|| latest.to_string())
    };
    Host {
        hardware_id: rng.uuid().to_string(),
        kind,
        ip_address: public_ip(rng),
        owner: !quirks.not_owned.hits(index),
        registration_time: registration_time(rng, index, quirks, now),
        last_connection_state_change: changed,
        latest_backup_time: backup_time(rng, index, kind, &id, quirks, now),
        name,
        hostname,
        connected,
        version: version.to_string(),
        network_version: network_version.to_string(),
        hardware_name: model.map_or("", |m| m.name).to_string(),
        hardware_shortname: model.map_or("", |m| m.shortname).to_string(),
        timezone,
        reported_state_null: kind == HostKind::Ucore,
        mac,
        latest_available_version: model.and_then(|m| newest(m.versions, version)),
        network_update_available: newest(catalog::NETWORK_APP_VERSIONS, network_version),
        id,
    }
}

/// `<MAC><hex blocks>:<decimal>`, the shape of console ids in the official examples.
fn console_id(rng: &mut Rng, mac: &str) -> String {
    let block = |rng: &mut Rng| rng.hex(8).to_ascii_uppercase();
    format!(
        "{mac}0000000{}0000000{}00000000{}:{}",
        block(rng),
        block(rng),
        block(rng),
        rng.range(100_000_000, 2_147_483_647)
    )
}

fn registration_time(
    rng: &mut Rng,
    index: usize,
    quirks: Quirks,
    now: DateTime<Utc>,
) -> Option<String> {
    let at = now - Duration::seconds(rng.range(60 * 86_400, 1_500 * 86_400));
    if quirks.registration_empty.hits(index) {
        Some(String::new())
    } else if quirks.registration_missing.hits(index) {
        None
    } else {
        Some(rfc3339(at, rng.chance(0.3)))
    }
}

fn backup_time(
    rng: &mut Rng,
    index: usize,
    kind: HostKind,
    id: &str,
    quirks: Quirks,
    now: DateTime<Utc>,
) -> Option<String> {
    if kind == HostKind::NetworkServer {
        return index.is_multiple_of(2).then(String::new);
    }
    if quirks.backup_empty.hits(index) {
        return Some(String::new());
    }
    if quirks.backup_missing.hits(index) {
        return None;
    }
    Some(rfc3339(last_daily(now, backup_offset(id)), rng.chance(0.2)))
}

/// A public-looking IPv4 address (first octets of ranges US access networks use).
fn public_ip(rng: &mut Rng) -> String {
    let first = *rng.pick(&[
        24, 47, 50, 64, 66, 67, 68, 70, 71, 72, 73, 74, 75, 76, 96, 98, 99,
    ]);
    format!(
        "{first}.{}.{}.{}",
        rng.below(256),
        rng.below(256),
        rng.range(1, 254)
    )
}

/// `aa:bb:cc:dd:ee:ff` form of an upper-case MAC.
fn colon_mac(mac: &str) -> String {
    let lower = mac.to_ascii_lowercase();
    let pairs: Vec<&str> = (0..lower.len() / 2)
        .map(|i| &lower[i * 2..i * 2 + 2])
        .collect();
    pairs.join(":")
}

#[rustfmt::skip]
const ROOMS: &[&str] = &[
    "Front Desk", "Lobby", "Back Office", "Conference Room", "Break Room", "Upstairs", "Storage",
    "Hallway", "Server Closet", "Reception", "East Wing", "Records Room",
];

/// The devices of one site: its gateway first, then switches and access points. `site_id` and
/// `host_id` are left empty for the caller to fill.
fn site_devices(
    seed: u64,
    spot: &SiteSpot<'_>,
    host: &Host,
    now: DateTime<Utc>,
) -> Vec<UnifiDevice> {
    let mut rng = Rng::derive(seed, "unifi-devices", spot.index as u64);
    let size = spot.customer.size as i64;
    let switches = rng.range(size - 1, (size * 3 / 2).max(size - 1)) as usize;
    let access_points = rng.range(size, size * 3) as usize;
    let subnet = *rng.pick(&["192.168.1", "192.168.10", "10.0.1", "10.10.0", "172.16.10"]);
    let serial_base = spot.index as u64 * SERIALS_PER_SITE;

    let mut devices = Vec::with_capacity(1 + switches + access_points);
    let console = host.kind == HostKind::Console;
    let gateway_model = if console {
        catalog::CONSOLE_GATEWAYS
            .iter()
            .find(|m| m.shortname == host.hardware_shortname)
            .unwrap_or(&catalog::CONSOLE_GATEWAYS[0])
    } else {
        rng.pick(&catalog::PLAIN_GATEWAYS)
    };
    let mut gateway = device(
        seed,
        &mut rng,
        serial_base,
        gateway_model,
        UnifiDeviceKind::Gateway,
        now,
    );
    gateway.is_console = console;
    gateway.ip = format!("{subnet}.1");
    gateway.name = if console {
        host.name.clone()
    } else {
        gateway_model.name.to_string()
    };
    if console {
        gateway.version = host.version.clone();
        gateway.update_available = host.latest_available_version.clone();
        gateway.firmware_status = firmware_status(&gateway.update_available);
    }
    if !host.connected {
        gateway.status = "offline".to_string();
    }
    devices.push(gateway);

    let kinds = (0..switches)
        .map(|_| UnifiDeviceKind::Switch)
        .chain((0..access_points).map(|_| UnifiDeviceKind::AccessPoint));
    for (i, kind) in kinds.enumerate() {
        let model = match kind {
            UnifiDeviceKind::AccessPoint => rng.pick(&catalog::ACCESS_POINTS),
            _ => rng.pick(&catalog::SWITCHES),
        };
        let mut d = device(seed, &mut rng, serial_base + 1 + i as u64, model, kind, now);
        d.ip = format!("{subnet}.{}", 10 + i);
        if rng.chance(0.6) {
            let what = if kind == UnifiDeviceKind::AccessPoint {
                "AP"
            } else {
                "Switch"
            };
            d.name = format!("{} {what}", rng.pick(ROOMS));
        }
        if rng.chance(0.025) {
            d.status = "offline".to_string();
        }
        devices.push(d);
    }
    devices
}

/// One device of `model`, online, named after its model.
fn device(
    seed: u64,
    rng: &mut Rng,
    serial: u64,
    model: &UnifiModel,
    kind: UnifiDeviceKind,
    now: DateTime<Utc>,
) -> UnifiDevice {
    let mac = mac_of(seed, serial);
    let version = catalog::pick_version(rng, model.versions);
    let update_available = (version != model.latest()).then(|| model.latest().to_string());
    UnifiDevice {
        id: mac,
        host_id: String::new(),
        site_id: String::new(),
        name: model.name.to_string(),
        model: model.name.to_string(),
        shortname: model.shortname.to_string(),
        ip: String::new(),
        product_line: (!rng.chance(0.004)).then(|| "network".to_string()),
        status: "online".to_string(),
        version: version.to_string(),
        firmware_status: firmware_status(&update_available),
        update_available,
        is_console: false,
        startup_time: now - Duration::seconds(rng.range(3600, 60 * 86_400)),
        adoption_time: rng
            .chance(0.95)
            .then(|| now - Duration::seconds(rng.range(100 * 86_400, 1_500 * 86_400))),
        kind,
    }
}

fn site(
    seed: u64,
    spot: &SiteSpot<'_>,
    host: &Host,
    devices: &[UnifiDevice],
    quirks: Quirks,
    now: DateTime<Utc>,
) -> Site {
    let mut rng = Rng::derive(seed, "site", spot.index as u64);
    let (name, desc) = match host.kind {
        HostKind::Console => ("default".to_string(), "Default".to_string()),
        _ => (short_name(&mut rng), spot.customer.site_label()),
    };
    let isp = rng.pick(&ISPS);
    let gateway = &devices[0];
    let counts = site_counts(&mut rng, spot.customer.size, devices);
    let mut site = Site {
        site_id: rng.hex(24),
        host_id: host.id.clone(),
        name,
        desc,
        timezone: (!quirks.timezone_missing.hits(spot.index))
            .then(|| spot.customer.state.timezone.to_string()),
        gateway_mac: colon_mac(&gateway.id),
        counts: (!quirks.counts_missing.hits(spot.index)).then_some(counts),
        gateway_shortname: gateway.shortname.clone(),
        ips_mode: rng
            .pick(&["disabled", "disabled", "ids", "ips", "ips"])
            .to_string(),
        isp_name: isp.name.to_string(),
        isp_organization: isp.organization.to_string(),
        wan_uptime: 100.0,
        internet_issues: Vec::new(),
        permission: if host.owner || rng.chance(0.5) {
            "admin"
        } else {
            "readonly"
        }
        .to_string(),
        is_owner: host.owner,
        organization_id: spot.organization.id,
        state: spot.customer.state.name.to_string(),
    };
    site.wan_uptime = metrics::wan_uptime(seed, &site, now);
    site.internet_issues = metrics::issue_buckets(seed, &site, now - Duration::hours(24), now);
    site
}

/// An 8-character internal site name, as multi-site controllers make them.
fn short_name(rng: &mut Rng) -> String {
    const CHARS: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..8)
        .map(|_| CHARS[rng.below(36) as usize] as char)
        .collect()
}

/// Clients, notifications and configuration counts of a site of `size`, then the device
/// figures from `devices`.
fn site_counts(rng: &mut Rng, size: u32, devices: &[UnifiDevice]) -> Counts {
    let size = i64::from(size);
    let online = |kind| {
        devices
            .iter()
            .filter(|d| d.kind == kind && d.status == "online")
            .count() as i64
    };
    let access_points = online(UnifiDeviceKind::AccessPoint);
    let base = Counts {
        wifi_client: rng.range(access_points * 3, access_points * 18) as u32,
        wired_client: rng.range(size * 2, size * 12) as u32,
        guest_client: if rng.chance(0.3) {
            rng.range(1, 6) as u32
        } else {
            0
        },
        critical_notification: if rng.chance(0.06) {
            rng.range(1, 3) as u32
        } else {
            0
        },
        lan_configuration: rng.range(1, 1 + size) as u32,
        wan_configuration: rng.range(1, 2) as u32,
        wifi_configuration: if access_points > 0 {
            rng.range(1, 4) as u32
        } else {
            0
        },
        ..Counts::default()
    };
    base.recounted(devices)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colon_macs_are_lower_case() {
        assert_eq!(colon_mac("245A4C0A0B0C"), "24:5a:4c:0a:0b:0c");
    }

    #[test]
    fn layout_covers_every_site_once() {
        for sites in [1, 5, 20, 98, 1000] {
            let slots = layout(3, sites);
            assert_eq!(slots.iter().map(|s| s.sites).sum::<usize>(), sites);
        }
    }
}
