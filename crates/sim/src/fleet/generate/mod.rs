//! Deterministic fleet generation.
//!
//! One customer per site: each gets a UniFi site (on its own cloud gateway, or on a shared
//! self-hosted server or OS-server console) and a NinjaOne organization with one location.
//! NinjaOne devices are spread over the organizations; alerts and 30 days of activity history
//! are drawn last.
//!
//! Every part draws from its own random stream (`Rng::derive(seed, part, index)`), so changing
//! the device count leaves the UniFi side alone and adding a draw to one record does not shift
//! every record after it. The quirks the APIs must show (`UNIFI_SITE_MANAGER.md` §7) are
//! placed on a fixed share of records at a seed-dependent offset ([`Quirk`]), so that every
//! fleet of a realistic size has each of them.

mod history;
mod ninjaone;
mod unifi;

use chrono::{DateTime, Utc};

use super::Fleet;
use super::names::{self, Customer};
use crate::config::FleetConfig;
use crate::rng::Rng;

/// The first activity id: NinjaOne ids are large and shared by every tenant of an instance.
const ACTIVITY_ID_BASE: i64 = 900_000_000;

/// The fleet of `config`, generated as of simulated time `now`.
pub fn generate(config: &FleetConfig, now: DateTime<Utc>) -> Fleet {
    let seed = config.seed;
    let customers = customers(seed, config.sites);
    let organizations = ninjaone::organizations(seed, &customers);
    let unifi = unifi::build(seed, &customers, &organizations, now);
    let devices = ninjaone::devices(seed, config.devices, &customers, &organizations, now);
    let mut fleet = Fleet {
        seed,
        generated_at: now,
        evolved_to: now,
        hosts: unifi.hosts,
        sites: unifi.sites,
        unifi_devices: unifi.devices,
        organizations,
        devices,
        alerts: Vec::new(),
        activities: Vec::new(),
        next_activity_id: ACTIVITY_ID_BASE + Rng::derive(seed, "activity-base", 0).range(0, 99_999),
        next_unifi_serial: unifi.next_serial,
    };
    history::fill(&mut fleet, now);
    fleet
}

/// `count` customers with unique site labels.
fn customers(seed: u64, count: usize) -> Vec<Customer> {
    let mut labels = std::collections::HashSet::with_capacity(count);
    (0..count)
        .map(|i| {
            let mut rng = Rng::derive(seed, "customer", i as u64);
            let customer = names::customer(&mut rng, |label| labels.contains(label));
            labels.insert(customer.site_label());
            customer
        })
        .collect()
}

/// A quirk carried by one record in `period`, starting at a seed-dependent offset: with 98
/// sites and a period of 30, three or four sites have it, whatever the seed.
#[derive(Debug, Clone, Copy)]
struct Quirk {
    period: u64,
    offset: u64,
}

impl Quirk {
    fn new(seed: u64, name: &str, period: u64) -> Self {
        let offset = Rng::derive(seed, "quirk", super::time::stable_hash(name)).below(period);
        Self { period, offset }
    }

    /// Whether record `index` has the quirk.
    fn hits(self, index: usize) -> bool {
        index as u64 % self.period == self.offset
    }
}
