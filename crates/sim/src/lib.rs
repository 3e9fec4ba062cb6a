//! A stateful simulator of the four services the OberaConnect sync talks to: the Notion API,
//! the UniFi Site Manager API, the NinjaOne API (with OAuth) and Azure Key Vault (with the
//! Microsoft identity endpoints).
//!
//! One HTTP listener serves `/notion`, `/unifi`, `/ninjaone` and the control API `/_sim`; a
//! second, HTTPS listener serves the vault with a certificate from a CA the simulator generates.
//! Everything answers from one [`Sim`]: the generated [`fleet`], the Notion workspace, the
//! control state (clock, faults, settings, credentials) and the request counters.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let running = mock_apis::start(mock_apis::SimConfig::ephemeral()).await?;
//! println!("Notion at {}", running.urls().notion);
//! running.shutdown().await;
//! # Ok(())
//! # }
//! ```

pub mod config;
pub mod control;
pub mod credentials;
pub mod ctl;
pub mod faults;
pub mod fleet;
pub mod limits;
pub mod ninjaone;
pub mod notion;
pub mod persist;
pub mod rng;
pub mod server;
mod state;
pub mod stats;
pub mod unifi;
pub mod vault;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use config::{FleetConfig, SimConfig};
pub use credentials::Credentials;
pub use server::{RunningSim, StartError, Urls, start};
pub use state::{ControlState, Sim};

/// One of the simulated services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Api {
    /// The Notion API under `/notion`.
    Notion,
    /// The UniFi Site Manager API under `/unifi`.
    Unifi,
    /// The NinjaOne API under `/ninjaone`.
    Ninjaone,
    /// Azure Key Vault and the identity endpoints, on the HTTPS listener.
    Vault,
}

impl Api {
    /// Every API, in a fixed order.
    pub const ALL: [Api; 4] = [Api::Notion, Api::Unifi, Api::Ninjaone, Api::Vault];

    /// The lower-case name used in URLs, JSON and flags.
    pub fn name(self) -> &'static str {
        match self {
            Api::Notion => "notion",
            Api::Unifi => "unifi",
            Api::Ninjaone => "ninjaone",
            Api::Vault => "vault",
        }
    }
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Api {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Api::ALL
            .into_iter()
            .find(|api| api.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown API `{s}`; expected notion, unifi, ninjaone or vault"))
    }
}
