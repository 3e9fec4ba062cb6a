//! Deterministic fleet generation.

use chrono::{DateTime, Utc};

use super::Fleet;
use crate::config::FleetConfig;

/// The fleet of `config`, generated as of simulated time `now`.
pub fn generate(config: &FleetConfig, now: DateTime<Utc>) -> Fleet {
    Fleet {
        seed: config.seed,
        generated_at: now,
        evolved_to: now,
        hosts: Vec::new(),
        sites: Vec::new(),
        unifi_devices: Vec::new(),
        organizations: Vec::new(),
        devices: Vec::new(),
        alerts: Vec::new(),
        activities: Vec::new(),
        next_activity_id: 1,
    }
}
