//! From the unchecked JSON shape to a [`Config`]: defaults filled in, every
//! value checked, ids normalised, relative paths resolved.
//!
//! The checks of single values are small public-in-module functions so that
//! the environment overrides ([`super::env`]) apply the same rules.

use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use reqwest::Url;

use super::apis::{self, ApiUrls, NinjaoneRegion};
use super::database::{DatabaseId, Databases, Dataset};
use super::error::{ConfigError, Origin, Problem};
use super::settings::{
    GuardSettings, HealthSettings, KeyVaultSettings, NotionSettings, NotionVersion, RetrySettings,
    Settings,
};
use super::site::{self, SiteEntry, SiteId, SiteMap};
use super::wire::{self, FileWire};
use super::{Config, StateSettings};

/// Default `state.path`, relative to the directory of `config.json`.
pub const DEFAULT_STATE_PATH: &str = "state/oberaconnect.sqlite3";
/// Default `audit_log`, relative to the directory of `config.json`.
pub const DEFAULT_AUDIT_LOG: &str = "logs/audit.jsonl";

/// Checks `file` (read from `path`) and builds the config it describes.
pub(super) fn validate(file: FileWire, path: &Path) -> Result<Config, ConfigError> {
    let at = |field: &str| Origin::File {
        path: path.into(),
        field: field.into(),
    };
    let base_dir = path.parent().unwrap_or(Path::new(""));

    Ok(Config {
        path: path.into(),
        databases: databases(file.databases, &at)?,
        site_map: site_map(file.site_map, &at)?,
        settings: settings(file.settings, &at)?,
        state: StateSettings {
            path: local_path(
                file.state.path,
                DEFAULT_STATE_PATH,
                base_dir,
                &at("state.path"),
            )?,
        },
        audit_log: local_path(
            file.audit_log,
            DEFAULT_AUDIT_LOG,
            base_dir,
            &at("audit_log"),
        )?,
        apis: api_urls(file.apis, &at)?,
    })
}

fn invalid(origin: Origin, value: impl ToString, problem: Problem) -> ConfigError {
    ConfigError::Invalid {
        origin,
        value: value.to_string(),
        problem,
    }
}

fn databases(
    file: wire::DatabasesWire,
    at: &impl Fn(&str) -> Origin,
) -> Result<Databases, ConfigError> {
    let given = [
        (Dataset::CustomerStatus, file.customer_status),
        (Dataset::DailyHealth, file.daily_health),
        (Dataset::ConfigChanges, file.config_changes),
        (Dataset::Alerts, file.alerts),
    ];
    let mut databases = Databases::default();
    for (dataset, text) in given {
        let Some(text) = text else { continue };
        let origin = at(&format!("databases.{}", dataset.key()));
        let id = DatabaseId::parse(&text)
            .ok_or_else(|| invalid(origin.clone(), &text, Problem::DatabaseId))?;
        if let Some(other) = Dataset::ALL
            .into_iter()
            .find(|d| databases.get(*d) == Some(&id))
        {
            return Err(invalid(origin, &text, Problem::SameDatabase { other }));
        }
        databases.set(dataset, Some(id));
    }
    Ok(databases)
}

fn site_map(file: wire::SiteMapWire, at: &impl Fn(&str) -> Origin) -> Result<SiteMap, ConfigError> {
    let mut map = SiteMap::new();
    for (key, entry) in file.0 {
        let field = format!("site_map.{key}");
        let id = SiteId::parse(&key).ok_or_else(|| invalid(at(&field), &key, Problem::SiteId))?;
        if map.contains_key(&id) {
            return Err(invalid(at(&field), &key, Problem::DuplicateSite));
        }
        map.insert(id, site_entry(entry, &field, at)?);
    }
    Ok(map)
}

fn site_entry(
    entry: wire::SiteEntryWire,
    field: &str,
    at: &impl Fn(&str) -> Origin,
) -> Result<SiteEntry, ConfigError> {
    let at_key = |key: &str| at(&format!("{field}.{key}"));
    if entry.ninjaone_organization_id == Some(0) {
        return Err(invalid(
            at_key("ninjaone_organization_id"),
            0,
            Problem::NotPositive,
        ));
    }
    let contract_renewal = match entry.contract_renewal {
        Some(text) => Some(
            site::parse_date(&text)
                .ok_or_else(|| invalid(at_key("contract_renewal"), &text, Problem::Date))?,
        ),
        None => None,
    };
    Ok(SiteEntry {
        ninjaone_organization_id: entry.ninjaone_organization_id,
        state: non_empty(entry.state, &at_key("state"))?,
        contract_renewal,
        primary_contact: non_empty(entry.primary_contact, &at_key("primary_contact"))?,
    })
}

/// Trims the text; an empty string is refused rather than shown as a blank.
fn non_empty(text: Option<String>, origin: &Origin) -> Result<Option<String>, ConfigError> {
    match text.map(|t| t.trim().to_owned()) {
        Some(t) if t.is_empty() => Err(invalid(origin.clone(), "", Problem::Empty)),
        other => Ok(other),
    }
}

fn settings(
    file: wire::SettingsWire,
    at: &impl Fn(&str) -> Origin,
) -> Result<Settings, ConfigError> {
    let defaults = Settings::default();
    let business_time_zone = match file.business_time_zone {
        Some(text) => time_zone(&text, at("settings.business_time_zone"))?,
        None => defaults.business_time_zone,
    };
    Ok(Settings {
        business_time_zone,
        health: health(file.health, at)?,
        guards: guards(file.guards, at)?,
        ninjaone_outage: file.ninjaone_outage.unwrap_or(defaults.ninjaone_outage),
        notion: notion(file.notion, at)?,
        retry: retry(file.retry, at)?,
        key_vault: key_vault(file.key_vault, at)?,
        freshness_hours: positive(
            file.freshness_hours.unwrap_or(defaults.freshness_hours),
            at("settings.freshness_hours"),
        )?,
    })
}

fn health(
    file: wire::HealthWire,
    at: &impl Fn(&str) -> Origin,
) -> Result<HealthSettings, ConfigError> {
    let defaults = HealthSettings::default();
    let percent = |value: Option<u32>, default: u8, field: &str, problem: Problem| {
        let Some(value) = value else {
            return Ok(default);
        };
        u8::try_from(value)
            .ok()
            .filter(|v| *v <= 100)
            .ok_or_else(|| invalid(at(field), value, problem))
    };
    Ok(HealthSettings {
        review_threshold: percent(
            file.review_threshold,
            defaults.review_threshold,
            "settings.health.review_threshold",
            Problem::Score,
        )?,
        min_free_disk_percent: percent(
            file.min_free_disk_percent,
            defaults.min_free_disk_percent,
            "settings.health.min_free_disk_percent",
            Problem::Percent,
        )?,
    })
}

fn guards(
    file: wire::GuardsWire,
    at: &impl Fn(&str) -> Origin,
) -> Result<GuardSettings, ConfigError> {
    let defaults = GuardSettings::default();
    Ok(GuardSettings {
        min_source_ratio: ratio(
            file.min_source_ratio.unwrap_or(defaults.min_source_ratio),
            at("settings.guards.min_source_ratio"),
        )?,
        max_change_ratio: ratio(
            file.max_change_ratio.unwrap_or(defaults.max_change_ratio),
            at("settings.guards.max_change_ratio"),
        )?,
        retire_after_absences: positive(
            file.retire_after_absences
                .unwrap_or(defaults.retire_after_absences),
            at("settings.guards.retire_after_absences"),
        )?,
    })
}

fn notion(
    file: wire::NotionWire,
    at: &impl Fn(&str) -> Origin,
) -> Result<NotionSettings, ConfigError> {
    let defaults = NotionSettings::default();
    let version = match file.version {
        Some(text) => notion_version(&text, at("settings.notion.version"))?,
        None => defaults.version,
    };
    let rate = file
        .requests_per_second
        .unwrap_or(defaults.requests_per_second);
    if !(rate > 0.0 && rate.is_finite()) {
        return Err(invalid(
            at("settings.notion.requests_per_second"),
            rate,
            Problem::NotPositive,
        ));
    }
    Ok(NotionSettings {
        version,
        requests_per_second: rate,
        burst: positive(
            file.burst.unwrap_or(defaults.burst),
            at("settings.notion.burst"),
        )?,
        in_flight: positive(
            file.in_flight.unwrap_or(defaults.in_flight),
            at("settings.notion.in_flight"),
        )?,
    })
}

fn retry(
    file: wire::RetryWire,
    at: &impl Fn(&str) -> Origin,
) -> Result<RetrySettings, ConfigError> {
    let defaults = RetrySettings::default();
    Ok(RetrySettings {
        max_attempts: positive(
            file.max_attempts.unwrap_or(defaults.max_attempts),
            at("settings.retry.max_attempts"),
        )?,
        max_elapsed_secs: positive(
            file.max_elapsed_secs.unwrap_or(defaults.max_elapsed_secs),
            at("settings.retry.max_elapsed_secs"),
        )?,
    })
}

fn key_vault(
    file: wire::KeyVaultWire,
    at: &impl Fn(&str) -> Origin,
) -> Result<KeyVaultSettings, ConfigError> {
    let defaults = KeyVaultSettings::default();
    Ok(KeyVaultSettings {
        timeout_secs: positive(
            file.timeout_secs.unwrap_or(defaults.timeout_secs),
            at("settings.key_vault.timeout_secs"),
        )?,
        strict: file.strict.unwrap_or(defaults.strict),
    })
}

fn api_urls(file: wire::ApisWire, at: &impl Fn(&str) -> Origin) -> Result<ApiUrls, ConfigError> {
    let defaults = ApiUrls::default();
    let notion = match file.notion {
        Some(text) => base_url(&text, at("apis.notion"))?,
        None => defaults.notion,
    };
    let unifi = match file.unifi {
        Some(text) => base_url(&text, at("apis.unifi"))?,
        None => defaults.unifi,
    };
    // Both keys are checked even though an explicit URL wins over the region.
    let region = match file.ninjaone_region {
        Some(text) => ninjaone_region(&text, at("apis.ninjaone_region"))?,
        None => NinjaoneRegion::default(),
    };
    let (ninjaone, ninjaone_region) = match file.ninjaone {
        Some(text) => (base_url(&text, at("apis.ninjaone"))?, None),
        None => (region.base_url(), Some(region)),
    };
    Ok(ApiUrls {
        notion,
        unifi,
        ninjaone,
        ninjaone_region,
    })
}

/// A relative path is taken from the directory that holds `config.json`, so
/// that cron jobs find the same files whatever their working directory.
fn local_path(
    text: Option<String>,
    default: &str,
    base_dir: &Path,
    origin: &Origin,
) -> Result<PathBuf, ConfigError> {
    let text = non_empty(text, origin)?.unwrap_or_else(|| default.to_owned());
    Ok(base_dir.join(text))
}

/// Checks a base URL (see [`ApiUrls`] for the rules).
pub(super) fn base_url(text: &str, origin: Origin) -> Result<Url, ConfigError> {
    apis::parse_base_url(text).map_err(|(problem, shown)| invalid(origin, shown, problem))
}

/// Checks a NinjaOne region key.
pub(super) fn ninjaone_region(text: &str, origin: Origin) -> Result<NinjaoneRegion, ConfigError> {
    NinjaoneRegion::parse(text).ok_or_else(|| invalid(origin, text, Problem::Region))
}

/// Checks a `Notion-Version` value.
pub(super) fn notion_version(text: &str, origin: Origin) -> Result<NotionVersion, ConfigError> {
    NotionVersion::parse(text.trim()).ok_or_else(|| invalid(origin, text, Problem::NotionVersion))
}

fn time_zone(text: &str, origin: Origin) -> Result<Tz, ConfigError> {
    text.parse::<Tz>()
        .map_err(|_| invalid(origin, text, Problem::TimeZone))
}

fn ratio(value: f64, origin: Origin) -> Result<f64, ConfigError> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(invalid(origin, value, Problem::Ratio))
    }
}

fn positive<T: PartialOrd + Default + ToString>(
    value: T,
    origin: Origin,
) -> Result<T, ConfigError> {
    if value > T::default() {
        Ok(value)
    } else {
        Err(invalid(origin, value.to_string(), Problem::NotPositive))
    }
}
