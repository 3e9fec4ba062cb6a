//! The simulator's start-up settings: where it listens, which fleet it generates, where it
//! keeps its state, and the default limits and latency of each API.
//!
//! Everything here can also be changed at run time through the control API (`/_sim/settings`),
//! except the listen addresses, the seed and the state directory.

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::Api;

/// The fleet the simulator generates (see [`crate::fleet`]).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FleetConfig {
    /// Seed of every random choice: the same seed gives the same fleet.
    pub seed: u64,
    /// Number of UniFi sites (one NinjaOne organization each).
    pub sites: usize,
    /// Number of NinjaOne devices spread over the organizations.
    pub devices: usize,
}

impl Default for FleetConfig {
    fn default() -> Self {
        Self {
            seed: 42,
            sites: 98,
            devices: 323,
        }
    }
}

impl FleetConfig {
    /// A fleet of `sites` sites with devices in the default proportion (323 per 98 sites).
    pub fn scaled(seed: u64, sites: usize) -> Self {
        let devices = (sites * 323).div_ceil(98);
        Self {
            seed,
            sites,
            devices,
        }
    }
}

/// Rate limit and latency of one API.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct ApiSettings {
    /// Sustained requests per second; `None` means no limit.
    pub rate_per_sec: Option<f64>,
    /// Requests that may be sent at once above the sustained rate.
    pub burst: f64,
    /// Added latency per request, in milliseconds.
    pub latency_ms: u64,
    /// Uniform random jitter added to the latency, in milliseconds.
    pub jitter_ms: u64,
}

impl ApiSettings {
    /// The limits the real service enforces.
    pub fn real(api: Api) -> Self {
        let (rate_per_sec, burst) = match api {
            // About 3 requests per second on average, with a small burst.
            Api::Notion => (Some(3.0), 10.0),
            // 10,000 requests per minute on /v1 (the /ea bucket is separate, see limits.rs).
            Api::Unifi => (Some(10_000.0 / 60.0), 200.0),
            Api::Ninjaone | Api::Vault => (None, 0.0),
        };
        Self {
            rate_per_sec,
            burst,
            latency_ms: 0,
            jitter_ms: 0,
        }
    }

    /// No limit and no latency: for benchmarks and fast tests.
    pub fn unlimited() -> Self {
        Self {
            rate_per_sec: None,
            burst: 0.0,
            latency_ms: 0,
            jitter_ms: 0,
        }
    }
}

/// Per-API settings, persisted with the control state.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Settings {
    /// Notion API.
    pub notion: ApiSettings,
    /// UniFi Site Manager API (`/v1`; `/ea` keeps its own fixed 100/min bucket when limits are on).
    pub unifi: ApiSettings,
    /// NinjaOne API.
    pub ninjaone: ApiSettings,
    /// Azure Key Vault and identity endpoints.
    pub vault: ApiSettings,
    /// Lifetime of NinjaOne access tokens, in seconds.
    pub ninjaone_token_lifetime_secs: u64,
    /// Rows one Notion query returns across all its pages before `request_status.incomplete`.
    pub notion_row_cap: usize,
}

impl Settings {
    /// The real services' limits.
    pub fn real() -> Self {
        Self {
            notion: ApiSettings::real(Api::Notion),
            unifi: ApiSettings::real(Api::Unifi),
            ninjaone: ApiSettings::real(Api::Ninjaone),
            vault: ApiSettings::real(Api::Vault),
            ninjaone_token_lifetime_secs: 3600,
            notion_row_cap: 10_000,
        }
    }

    /// No limits and no latency.
    pub fn unlimited() -> Self {
        Self {
            notion: ApiSettings::unlimited(),
            unifi: ApiSettings::unlimited(),
            ninjaone: ApiSettings::unlimited(),
            vault: ApiSettings::unlimited(),
            ..Self::real()
        }
    }

    /// The settings of one API.
    pub fn api(&self, api: Api) -> &ApiSettings {
        match api {
            Api::Notion => &self.notion,
            Api::Unifi => &self.unifi,
            Api::Ninjaone => &self.ninjaone,
            Api::Vault => &self.vault,
        }
    }

    /// The settings of one API, to change.
    pub fn api_mut(&mut self, api: Api) -> &mut ApiSettings {
        match api {
            Api::Notion => &mut self.notion,
            Api::Unifi => &mut self.unifi,
            Api::Ninjaone => &mut self.ninjaone,
            Api::Vault => &mut self.vault,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self::real()
    }
}

/// Everything the simulator needs to start.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Address of the HTTP listener (Notion, UniFi, NinjaOne, control). Port 0 picks a free one.
    pub http_addr: SocketAddr,
    /// Address of the HTTPS listener (Key Vault and identity). Port 0 picks a free one.
    pub vault_addr: SocketAddr,
    /// The fleet to generate when no state exists yet.
    pub fleet: FleetConfig,
    /// Limits, latency and lifetimes used when no state exists yet.
    pub settings: Settings,
    /// Where the whole state lives; `None` keeps it in memory only.
    pub state_dir: Option<PathBuf>,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            http_addr: SocketAddr::from(([127, 0, 0, 1], 8089)),
            vault_addr: SocketAddr::from(([127, 0, 0, 1], 8443)),
            fleet: FleetConfig::default(),
            settings: Settings::real(),
            state_dir: None,
        }
    }
}

impl SimConfig {
    /// Loopback on free ports, in memory, real limits: the shape tests start from.
    pub fn ephemeral() -> Self {
        Self {
            http_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            vault_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            ..Self::default()
        }
    }
}
