//! `config.json`: its schema, its validation and defaults, and the environment
//! variables that override it.
//!
//! The file holds what no API knows and no secret: the four Notion database
//! ids, the site map, tunable settings, where state and the audit log live,
//! and API base URLs. Every key is optional and has a documented default
//! (`{}` is a valid file). The file is read once per process:
//!
//! ```no_run
//! use oberaconnect::config::{Config, Dataset};
//!
//! let config = Config::load(None)?;
//! let database = config.database(Dataset::CustomerStatus)?;
//! # Ok::<(), oberaconnect::config::ConfigError>(())
//! ```
//!
//! Where the file is: the `--config` flag, else `OBERACONNECT_CONFIG`, else
//! `./config.json` ([`locate`]). Loading checks, in order: JSON syntax (line
//! and column); that no key looks like a secret (`token`, `secret`,
//! `password`, `api_key`, ...) and no value looks like a token or a `${VAR}`
//! placeholder, without ever showing the value; unknown keys (with the nearest
//! valid one) and JSON types; then each value (ids, dates, time zones, ratios,
//! rates, URLs). Every [`ConfigError`] names the file or variable, the field
//! and the fix. Then [`ENV_OVERRIDES`] apply.
//!
//! This module does not own secrets ([`crate::secrets`]), DR test mode
//! ([`crate::dr_test`]) or what the settings mean to the syncs; it only
//! checks that each value is one a sync can use.
//!
//! Shape and defaults (every key optional):
//!
//! ```json
//! {
//!   "databases": { "customer_status": null, "daily_health": null,
//!                  "config_changes": null, "alerts": null },
//!   "site_map": {},
//!   "settings": {
//!     "business_time_zone": "America/Chicago",
//!     "health": { "review_threshold": 70 },
//!     "guards": { "min_source_ratio": 0.5, "max_change_ratio": 0.25,
//!                 "retire_after_absences": 3 },
//!     "ninjaone_outage": "fail",
//!     "notion": { "version": "2026-03-11", "requests_per_second": 3.0,
//!                 "burst": 3, "in_flight": 4 },
//!     "retry": { "max_attempts": 6, "max_elapsed_secs": 120 },
//!     "key_vault": { "timeout_secs": 10, "strict": false },
//!     "freshness_hours": 24
//!   },
//!   "state": { "path": "state/oberaconnect.sqlite3" },
//!   "audit_log": "logs/audit.jsonl",
//!   "apis": { "notion": "https://api.notion.com", "unifi": "https://api.ui.com",
//!             "ninjaone_region": "us2", "ninjaone": null }
//! }
//! ```

mod apis;
mod database;
mod env;
mod error;
mod parse;
mod secret_scan;
mod settings;
mod site;
mod validate;
mod wire;

use std::path::{Path, PathBuf};

pub use apis::{ApiUrls, DEFAULT_NOTION_URL, DEFAULT_UNIFI_URL, NinjaoneRegion};
pub use database::{DatabaseId, Databases, Dataset, UnknownDataset};
pub use env::{CONFIG_PATH_VAR, ENV_OVERRIDES, EnvOverride};
pub use error::{ConfigError, Origin, PathOrigin, Problem};
pub use settings::{
    GuardSettings, HealthSettings, KeyVaultSettings, NinjaoneOutage, NotionSettings, NotionVersion,
    RetrySettings, Settings,
};
pub use site::{SiteEntry, SiteId, SiteMap};
pub use validate::{DEFAULT_AUDIT_LOG, DEFAULT_STATE_PATH};

/// The config file used when neither `--config` nor `OBERACONNECT_CONFIG` is
/// given, relative to the working directory.
pub const DEFAULT_CONFIG_PATH: &str = "config.json";

/// A loaded and checked configuration, with environment overrides applied.
///
/// Fields are public so that DR test mode can point the clients at the
/// simulator and supply its site map; values set that way are not re-checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The file this was loaded from, for messages.
    pub path: PathBuf,
    /// `databases`: the Notion database id of each dataset. Each is optional
    /// until a sync needs it; see [`Config::database`].
    pub databases: Databases,
    /// `site_map`: UniFi site id to what the MSP knows about the site. Default
    /// empty; sites missing from it are reported as unmatched.
    pub site_map: SiteMap,
    /// `settings`: tunables, each with its default.
    pub settings: Settings,
    /// `state`: the embedded state store.
    pub state: StateSettings,
    /// `audit_log`: the JSON-lines audit log. Default `logs/audit.jsonl`; a
    /// relative path is taken from the directory of `config.json`.
    /// `OBERACONNECT_AUDIT_LOG` overrides it.
    pub audit_log: PathBuf,
    /// `apis`: base URLs of the three APIs, resolved.
    pub apis: ApiUrls,
}

/// The `state` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateSettings {
    /// `path`: the SQLite file of the embedded state store, created on first
    /// use. Default `state/oberaconnect.sqlite3`; a relative path is taken from
    /// the directory of `config.json`. `OBERACONNECT_STATE_PATH` overrides it.
    /// (`REDIS_URL`, read by the state module, replaces the file altogether.)
    pub path: PathBuf,
}

/// The config file to read and how it was chosen: `flag` (from `--config`),
/// else `OBERACONNECT_CONFIG` in `var`, else [`DEFAULT_CONFIG_PATH`]. An empty
/// variable counts as unset.
pub fn locate(flag: Option<&Path>, var: &dyn Fn(&str) -> Option<String>) -> (PathBuf, PathOrigin) {
    if let Some(path) = flag {
        return (path.to_owned(), PathOrigin::Flag);
    }
    match var(CONFIG_PATH_VAR).filter(|value| !value.trim().is_empty()) {
        Some(value) => (PathBuf::from(value), PathOrigin::Env),
        None => (PathBuf::from(DEFAULT_CONFIG_PATH), PathOrigin::Default),
    }
}

impl Config {
    /// Loads the config file chosen by [`locate`], with overrides from the
    /// process environment.
    pub fn load(flag: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_with(flag, &|name| std::env::var(name).ok())
    }

    /// Like [`Config::load`], with `var` in place of the process environment.
    pub fn load_with(
        flag: Option<&Path>,
        var: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let (path, origin) = locate(flag, var);
        let text = std::fs::read_to_string(&path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                ConfigError::NotFound {
                    path: path.clone(),
                    origin,
                }
            } else {
                ConfigError::Read {
                    path: path.clone(),
                    source,
                }
            }
        })?;
        Self::from_json(&text, &path, var)
    }

    /// Checks `text` as the contents of the config file `path` (used in
    /// messages and to resolve relative paths; it is not read), then applies
    /// overrides from `var`.
    pub fn from_json(
        text: &str,
        path: &Path,
        var: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let file = parse::parse(text, path)?;
        let mut config = validate::validate(file, path)?;
        env::apply(&mut config, var)?;
        Ok(config)
    }

    /// The database id of `dataset`, or an error that says where to add it.
    pub fn database(&self, dataset: Dataset) -> Result<&DatabaseId, ConfigError> {
        self.databases
            .get(dataset)
            .ok_or_else(|| ConfigError::MissingDatabase {
                path: self.path.clone(),
                dataset,
            })
    }

    /// The site map entry of `site`, or `None` when the site is unmatched.
    pub fn site(&self, site: &SiteId) -> Option<&SiteEntry> {
        self.site_map.get(site)
    }
}
