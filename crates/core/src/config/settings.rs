//! The `settings` section of `config.json`: every tunable with its default.
//!
//! The defaults live here as the [`Default`] impls; the file may leave out any
//! key, or the whole section.

use std::time::Duration;

use chrono_tz::Tz;
use serde::Deserialize;

/// The `settings` section.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// `business_time_zone`: the IANA time zone that cuts calendar days for a
    /// site whose own time zone UniFi does not report. Default `America/Chicago`.
    pub business_time_zone: Tz,
    /// `health`: health-score review rule.
    pub health: HealthSettings,
    /// `guards`: the checks that stop a run before it writes.
    pub guards: GuardSettings,
    /// `ninjaone_outage`: what the customer status sync does when NinjaOne
    /// cannot be read. Default `fail`.
    pub ninjaone_outage: NinjaoneOutage,
    /// `notion`: API version and request rate.
    pub notion: NotionSettings,
    /// `retry`: bounds on retrying a failed request.
    pub retry: RetrySettings,
    /// `key_vault`: how Azure Key Vault is used when `AZURE_KEY_VAULT_URL` is set.
    pub key_vault: KeyVaultSettings,
    /// `freshness_hours`: a dataset whose last successful sync is older than
    /// this is reported stale by the health check (the recovery point
    /// objective). Default 24, at least 1.
    pub freshness_hours: u32,
}

impl Settings {
    /// [`Settings::freshness_hours`] as a duration.
    pub fn freshness(&self) -> Duration {
        Duration::from_secs(u64::from(self.freshness_hours) * 3600)
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            business_time_zone: chrono_tz::America::Chicago,
            health: HealthSettings::default(),
            guards: GuardSettings::default(),
            ninjaone_outage: NinjaoneOutage::default(),
            notion: NotionSettings::default(),
            retry: RetrySettings::default(),
            key_vault: KeyVaultSettings::default(),
            freshness_hours: 24,
        }
    }
}

/// `settings.health`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthSettings {
    /// `review_threshold`: a site whose health score is below this needs review
    /// (critical alerts and config drift also force review). 0 to 100,
    /// default 70. The healthy/warning/critical limits (80, 50) are fixed.
    pub review_threshold: u8,
    /// `min_free_disk_percent`: the `disk_space` health check is unhealthy when less than
    /// this share of the disk holding the state store is free. 0 to 100, default 10.
    pub min_free_disk_percent: u8,
}

impl Default for HealthSettings {
    fn default() -> Self {
        Self {
            review_threshold: 70,
            min_free_disk_percent: 10,
        }
    }
}

/// `settings.guards`.
#[derive(Debug, Clone, PartialEq)]
pub struct GuardSettings {
    /// `min_source_ratio`: a run stops before writing when a source returns
    /// fewer records than this share of the last good run (0 of 98 sites).
    /// 0 to 1, default 0.5; 0 disables the guard.
    pub min_source_ratio: f64,
    /// `max_change_ratio`: a plan that would update or retire more than this
    /// share of existing rows stops unless `--force`. 0 to 1, default 0.25.
    pub max_change_ratio: f64,
    /// `retire_after_absences`: consecutive runs a key must be missing from the
    /// source before its row is retired. At least 1, default 3.
    pub retire_after_absences: u32,
}

impl Default for GuardSettings {
    fn default() -> Self {
        Self {
            min_source_ratio: 0.5,
            max_change_ratio: 0.25,
            retire_after_absences: 3,
        }
    }
}

/// `settings.ninjaone_outage`: `"fail"` or `"keep_columns"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NinjaoneOutage {
    /// `fail` (default): the run fails and writes nothing.
    #[default]
    Fail,
    /// `keep_columns`: write the UniFi columns, leave the NinjaOne columns as
    /// they are in Notion, and say so in the report.
    KeepColumns,
}

/// A `Notion-Version` header value this toolkit speaks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NotionVersion {
    /// `2026-03-11` (default).
    #[default]
    V2026_03_11,
    /// `2025-09-03`, the first version with data sources, kept working.
    V2025_09_03,
}

impl NotionVersion {
    /// Every supported version, the default first.
    pub const ALL: [NotionVersion; 2] = [NotionVersion::V2026_03_11, NotionVersion::V2025_09_03];

    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            NotionVersion::V2026_03_11 => "2026-03-11",
            NotionVersion::V2025_09_03 => "2025-09-03",
        }
    }

    /// The version whose header value is `text`, if supported.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|version| version.as_str() == text)
    }
}

/// `settings.notion`.
#[derive(Debug, Clone, PartialEq)]
pub struct NotionSettings {
    /// `version`: the `Notion-Version` sent on every request, `2026-03-11`
    /// (default) or `2025-09-03`. Older versions break on multi-source
    /// databases and are refused.
    pub version: NotionVersion,
    /// `requests_per_second`: sustained request rate of the shared token
    /// bucket. Greater than 0, default 3.0 (Notion's documented average).
    pub requests_per_second: f64,
    /// `burst`: requests the bucket may send at once after a quiet spell.
    /// At least 1, default 3.
    pub burst: u32,
    /// `in_flight`: requests allowed to wait on the network at the same time.
    /// At least 1, default 4.
    pub in_flight: u32,
}

impl Default for NotionSettings {
    fn default() -> Self {
        Self {
            version: NotionVersion::default(),
            requests_per_second: 3.0,
            burst: 3,
            in_flight: 4,
        }
    }
}

/// `settings.retry`: applies to every API client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrySettings {
    /// `max_attempts`: attempts per request, the first included. At least 1,
    /// default 6.
    pub max_attempts: u32,
    /// `max_elapsed_secs`: no retry starts after this many seconds since the
    /// first attempt. At least 1, default 120.
    pub max_elapsed_secs: u64,
}

impl RetrySettings {
    /// [`RetrySettings::max_elapsed_secs`] as a duration.
    pub fn max_elapsed(&self) -> Duration {
        Duration::from_secs(self.max_elapsed_secs)
    }
}

impl Default for RetrySettings {
    fn default() -> Self {
        Self {
            max_attempts: 6,
            max_elapsed_secs: 120,
        }
    }
}

/// `settings.key_vault`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyVaultSettings {
    /// `timeout_secs`: how long to wait for the vault before falling back to
    /// the environment. At least 1, default 10.
    pub timeout_secs: u64,
    /// `strict`: when true, any vault failure is fatal instead of a fallback
    /// to the environment. Default false; `KEY_VAULT_STRICT` overrides it.
    pub strict: bool,
}

impl KeyVaultSettings {
    /// [`KeyVaultSettings::timeout_secs`] as a duration.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs)
    }
}

impl Default for KeyVaultSettings {
    fn default() -> Self {
        Self {
            timeout_secs: 10,
            strict: false,
        }
    }
}
