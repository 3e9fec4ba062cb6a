//! The simulator's shared state: what every handler answers from.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Api;
use crate::config::{ApiSettings, FleetConfig, Settings, SimConfig};
use crate::credentials::Credentials;
use crate::faults::{self, FaultKind, FaultRule, FaultTarget};
use crate::fleet::{self, Fleet};
use crate::limits::Limiter;
use crate::notion::Workspace;
use crate::persist::{Durable, PersistError};
use crate::server::Urls;
use crate::stats::Stats;
use crate::vault::VaultStore;

/// Clock, faults, settings and credentials: the part of the state the control API changes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ControlState {
    /// The fleet this state was generated for.
    pub fleet: FleetConfig,
    /// Simulated time runs this many milliseconds ahead of the wall clock (`/_sim/tick`).
    pub clock_offset_ms: i64,
    /// Limits, latency and lifetimes.
    pub settings: Settings,
    /// Faults in force.
    pub faults: Vec<FaultRule>,
    /// Id of the next fault rule.
    pub next_fault_id: u64,
    /// What each API accepts.
    pub credentials: Credentials,
    /// NinjaOne tokens issued before this simulated instant are expired.
    pub ninjaone_tokens_valid_after: Option<DateTime<Utc>>,
}

impl ControlState {
    fn new(fleet: FleetConfig, settings: Settings) -> Self {
        Self {
            credentials: Credentials::for_seed(fleet.seed),
            fleet,
            clock_offset_ms: 0,
            settings,
            faults: Vec::new(),
            next_fault_id: 1,
            ninjaone_tokens_valid_after: None,
        }
    }
}

/// Everything the handlers share. Cheap to clone through the `Arc` the server hands out.
#[derive(Debug)]
pub struct Sim {
    /// Clock, faults, settings, credentials.
    pub control: Durable<ControlState>,
    /// UniFi and NinjaOne data.
    pub fleet: Durable<Fleet>,
    /// Notion databases, data sources and pages.
    pub notion: Durable<Workspace>,
    /// Key Vault secrets.
    pub vault: Durable<VaultStore>,
    /// Request counters of this process.
    pub stats: Stats,
    /// Rate-limit buckets of this process.
    pub limiter: Limiter,
    /// The configuration the simulator started with (for `reset`).
    pub config: SimConfig,
    /// Where this process listens, once both listeners are bound.
    pub listening: OnceLock<Listening>,
}

/// Where a running simulator answers, as clients need to know it.
#[derive(Debug, Clone, Serialize)]
pub struct Listening {
    /// Base URL of each API.
    pub urls: Urls,
    /// PEM of the CA that signed the vault's certificate.
    pub ca_pem: String,
}

impl Sim {
    /// Loads the state from `config.state_dir`, or generates it.
    pub fn open(config: SimConfig) -> Result<Arc<Self>, PersistError> {
        let control_initial = || ControlState::new(config.fleet.clone(), config.settings.clone());
        let sim = match &config.state_dir {
            None => {
                let control = control_initial();
                let now = Utc::now();
                Self {
                    fleet: Durable::in_memory(fleet::generate(&control.fleet, now)),
                    notion: Durable::in_memory(Workspace::seeded(now)),
                    vault: Durable::in_memory(VaultStore::seeded(&control.credentials, now)),
                    control: Durable::in_memory(control),
                    stats: Stats::default(),
                    limiter: Limiter::default(),
                    config,
                    listening: OnceLock::new(),
                }
            }
            Some(dir) => Self::open_dir(dir, &config, control_initial)?,
        };
        Ok(Arc::new(sim))
    }

    fn open_dir(
        dir: &Path,
        config: &SimConfig,
        control_initial: impl FnOnce() -> ControlState,
    ) -> Result<Self, PersistError> {
        std::fs::create_dir_all(dir).map_err(|source| PersistError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let control = Durable::open(dir, "control", control_initial)?;
        let (fleet_config, credentials, offset) =
            control.read(|c| (c.fleet.clone(), c.credentials.clone(), c.clock_offset_ms))?;
        let now = Utc::now() + chrono::Duration::milliseconds(offset);
        Ok(Self {
            fleet: Durable::open(dir, "fleet", || fleet::generate(&fleet_config, now))?,
            notion: Durable::open(dir, "notion", || Workspace::seeded(now))?,
            vault: Durable::open(dir, "vault", || VaultStore::seeded(&credentials, now))?,
            control,
            stats: Stats::default(),
            limiter: Limiter::default(),
            config: config.clone(),
            listening: OnceLock::new(),
        })
    }

    /// Simulated time now.
    pub fn now(&self) -> Result<DateTime<Utc>, PersistError> {
        let offset = self.control.read(|c| c.clock_offset_ms)?;
        Ok(Utc::now() + chrono::Duration::milliseconds(offset))
    }

    /// The settings of one API.
    pub fn api_settings(&self, api: Api) -> Result<ApiSettings, PersistError> {
        self.control.read(|c| *c.settings.api(api))
    }

    /// All settings.
    pub fn settings(&self) -> Result<Settings, PersistError> {
        self.control.read(|c| c.settings.clone())
    }

    /// The credentials every API accepts now.
    pub fn credentials(&self) -> Result<Credentials, PersistError> {
        self.control.read(|c| c.credentials.clone())
    }

    /// Whether a fault of this kind is in force for `api` (without consuming it).
    pub fn fault_active(
        &self,
        api: Api,
        kind: impl Fn(&FaultKind) -> bool,
    ) -> Result<bool, PersistError> {
        let now = Utc::now();
        self.control.read(|c| {
            c.faults
                .iter()
                .any(|r| r.api == api && !r.expired(now) && kind(&r.kind))
        })
    }

    /// The fault one request suffers among the rules whose kind `accept`s, if any; counts it
    /// against its rule.
    pub fn take_fault(
        &self,
        request: &FaultTarget<'_>,
        accept: impl Fn(&FaultKind) -> bool,
    ) -> Result<Option<FaultKind>, PersistError> {
        let now = Utc::now();
        let any = self.control.read(|c| {
            c.faults
                .iter()
                .any(|r| accept(&r.kind) && r.matches(request))
        })?;
        if !any {
            return Ok(None);
        }
        self.control
            .mutate(|c| faults::take(&mut c.faults, request, accept, now))
    }

    /// Regenerates everything from the start configuration: fleet, empty Notion databases,
    /// no faults, the clock back to the wall clock, fresh credentials, zero counters.
    pub fn reset(&self) -> Result<(), PersistError> {
        let now = Utc::now();
        let fresh = ControlState::new(self.config.fleet.clone(), self.config.settings.clone());
        self.fleet.replace(fleet::generate(&fresh.fleet, now))?;
        self.notion.replace(Workspace::seeded(now))?;
        self.vault
            .replace(VaultStore::seeded(&fresh.credentials, now))?;
        self.control.replace(fresh)?;
        self.stats.clear();
        self.limiter.clear();
        Ok(())
    }

    /// Moves simulated time forward and evolves the fleet to the new time.
    pub fn tick(&self, by: chrono::Duration) -> Result<DateTime<Utc>, PersistError> {
        let offset = self.control.mutate(|c| {
            c.clock_offset_ms += by.num_milliseconds();
            c.clock_offset_ms
        })?;
        let now = Utc::now() + chrono::Duration::milliseconds(offset);
        self.fleet.mutate(|fleet| fleet.advance(now))?;
        Ok(now)
    }

    /// Replaces the credential of `api`; the vault's copy follows.
    pub fn rotate_credentials(&self, api: Api) -> Result<Credentials, PersistError> {
        let credentials = self.control.mutate(|c| {
            let seed = c.fleet.seed;
            c.credentials.rotate(seed, api);
            c.credentials.clone()
        })?;
        let now = self.now()?;
        self.vault
            .mutate(|vault| vault.credentials_rotated(&credentials, now))?;
        Ok(credentials)
    }
}
