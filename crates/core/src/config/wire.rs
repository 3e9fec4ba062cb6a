//! The JSON shape of `config.json`, as serde reads it: every key optional,
//! unknown keys refused, values still unchecked. [`super::validate`] turns it
//! into [`super::Config`].

use std::fmt;

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};

use super::settings::NinjaoneOutage;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "the config object")]
pub(super) struct FileWire {
    #[serde(default)]
    pub databases: DatabasesWire,
    #[serde(default)]
    pub site_map: SiteMapWire,
    #[serde(default)]
    pub settings: SettingsWire,
    #[serde(default)]
    pub state: StateWire,
    pub audit_log: Option<String>,
    #[serde(default)]
    pub apis: ApisWire,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "an object of database ids")]
pub(super) struct DatabasesWire {
    pub customer_status: Option<String>,
    pub daily_health: Option<String>,
    pub config_changes: Option<String>,
    #[serde(alias = "device_issues")]
    pub alerts: Option<String>,
}

/// `site_map` in file order, keeping duplicate keys so that they can be
/// reported (a plain map would silently keep the last one).
#[derive(Debug, Default)]
pub(super) struct SiteMapWire(pub Vec<(String, SiteEntryWire)>);

impl<'de> Deserialize<'de> for SiteMapWire {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(SiteMapVisitor)
    }
}

struct SiteMapVisitor;

impl<'de> Visitor<'de> for SiteMapVisitor {
    type Value = SiteMapWire;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object from UniFi site id to site entry")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, SiteEntryWire>()? {
            entries.push(entry);
        }
        Ok(SiteMapWire(entries))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a site entry object")]
pub(super) struct SiteEntryWire {
    pub ninjaone_organization_id: Option<u64>,
    pub state: Option<String>,
    pub contract_renewal: Option<String>,
    pub primary_contact: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "the settings object")]
pub(super) struct SettingsWire {
    pub business_time_zone: Option<String>,
    #[serde(default)]
    pub health: HealthWire,
    #[serde(default)]
    pub guards: GuardsWire,
    pub ninjaone_outage: Option<NinjaoneOutage>,
    #[serde(default)]
    pub notion: NotionWire,
    #[serde(default)]
    pub retry: RetryWire,
    #[serde(default)]
    pub key_vault: KeyVaultWire,
    pub freshness_hours: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "the health settings object")]
pub(super) struct HealthWire {
    pub review_threshold: Option<u32>,
    pub min_free_disk_percent: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "the guard settings object")]
pub(super) struct GuardsWire {
    pub min_source_ratio: Option<f64>,
    pub max_change_ratio: Option<f64>,
    pub retire_after_absences: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "the Notion settings object")]
pub(super) struct NotionWire {
    pub version: Option<String>,
    pub requests_per_second: Option<f64>,
    pub burst: Option<u32>,
    pub in_flight: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "the retry settings object")]
pub(super) struct RetryWire {
    pub max_attempts: Option<u32>,
    pub max_elapsed_secs: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "the Key Vault settings object")]
pub(super) struct KeyVaultWire {
    pub timeout_secs: Option<u64>,
    pub strict: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "the state settings object")]
pub(super) struct StateWire {
    pub path: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "the API URLs object")]
pub(super) struct ApisWire {
    pub notion: Option<String>,
    pub unifi: Option<String>,
    pub ninjaone_region: Option<String>,
    pub ninjaone: Option<String>,
}
