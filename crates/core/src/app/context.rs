//! [`Context`]: what every binary starts from. It loads `config.json`, starts DR test mode when
//! asked, reads the secrets it needs through the chain, and builds the API clients, so that a
//! binary's `main` only parses flags and maps the outcome to an exit code.
//!
//! In DR test mode every base URL points at the simulator, secrets come from the simulator's
//! vault (falling back to its credentials as the environment), and the state store and audit
//! log live in the DR test state directory, so a drill never touches production state. What
//! config.json leaves out is taken from the simulator: the site map when the file has none,
//! each database id it does not give. The run's clock is the simulator's.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::error::StartupError;
use crate::config::{Config, ConfigError, DatabaseId, Dataset, PathOrigin, SiteEntry, SiteId};
use crate::dr_test::{DrTest, DrTestSettings, sim_databases};
use crate::exit::Outcome;
use crate::http::RetryPolicy;
use crate::ninjaone::NinjaoneClient;
use crate::notion::{NotionClient, NotionSettings};
use crate::secrets::{SecretName, Secrets, SecretsOptions};
use crate::unifi::UnifiClient;

/// Everything a run needs, loaded once.
#[derive(Debug)]
pub struct Context {
    /// The validated configuration.
    pub config: Config,
    /// The secrets read for this run.
    pub secrets: Secrets,
    /// Notion.
    pub notion: NotionClient,
    /// UniFi Site Manager.
    pub unifi: UnifiClient,
    /// NinjaOne.
    pub ninjaone: NinjaoneClient,
    /// Where the state store is (in the DR test state directory in DR test mode).
    pub state_path: PathBuf,
    /// Where the audit log is.
    pub audit_log: PathBuf,
    /// The simulator, in DR test mode.
    pub dr_test: Option<DrTest>,
    /// How far the run's clock is ahead of the wall clock (the simulator's, in DR test mode).
    pub clock_offset: chrono::Duration,
}

impl Context {
    /// Loads the configuration at `config_flag` (or its default place), DR test mode from the
    /// environment, the `needed` secrets, and the clients. `retry` replaces the configured
    /// retry bounds (health probes retry less than syncs).
    pub async fn load(
        config_flag: Option<&Path>,
        needed: &[SecretName],
        retry: Option<RetryPolicy>,
    ) -> Result<Self, StartupError> {
        let dr_settings = DrTestSettings::from_env();
        let mut config = load_config(config_flag, dr_settings.is_some())?;
        let dr_test = match &dr_settings {
            Some(settings) => Some(DrTest::start(settings).await?),
            None => None,
        };
        if let Some(dr) = &dr_test {
            fill_from_simulator(&mut config, dr);
        }
        let mut options = match &dr_test {
            Some(dr) => SecretsOptions::for_dr_test(dr)?,
            None => SecretsOptions::from_process_env()?,
        };
        if let Some(vault) = options.vault.as_mut() {
            vault.timeout = config.settings.key_vault.timeout();
        }
        options.strict |= config.settings.key_vault.strict;
        let secrets = Secrets::load(options, needed).await?;

        let (notion_url, unifi_url, ninjaone_url) = match &dr_test {
            Some(dr) => (
                dr.urls.notion.clone(),
                dr.urls.unifi.clone(),
                dr.urls.ninjaone.clone(),
            ),
            None => (
                config.apis.notion.to_string(),
                config.apis.unifi.to_string(),
                config.apis.ninjaone.to_string(),
            ),
        };
        let retry = retry.unwrap_or(RetryPolicy {
            max_attempts: config.settings.retry.max_attempts,
            max_elapsed: config.settings.retry.max_elapsed(),
            ..RetryPolicy::default()
        });
        let notion = NotionClient::new(
            NotionSettings {
                base_url: trim(notion_url),
                version: config.settings.notion.version.as_str().to_owned(),
                requests_per_second: notion_pace(&config, dr_settings.as_ref()),
                burst: config.settings.notion.burst,
                in_flight: config.settings.notion.in_flight as usize,
                retry,
            },
            secrets.clone(),
        )
        .map_err(|err| client_error("notion", &err))?;
        let mut unifi_settings = UnifiClient::settings(trim(unifi_url));
        limit_retries(&mut unifi_settings.retry, &retry);
        let unifi = UnifiClient::new(unifi_settings, secrets.clone())
            .map_err(|err| client_error("unifi", &err))?;
        let mut ninjaone_settings = NinjaoneClient::settings(trim(ninjaone_url));
        limit_retries(&mut ninjaone_settings.retry, &retry);
        let ninjaone = NinjaoneClient::new(ninjaone_settings, secrets.clone())
            .map_err(|err| client_error("ninjaone", &err))?;

        let (state_path, audit_log) = match &dr_settings {
            Some(settings) => (
                settings.state_dir.join("toolkit-state.sqlite3"),
                settings.state_dir.join("audit.jsonl"),
            ),
            None => (config.state.path.clone(), config.audit_log.clone()),
        };
        Ok(Self {
            config,
            secrets,
            notion,
            unifi,
            ninjaone,
            state_path,
            audit_log,
            clock_offset: dr_test
                .as_ref()
                .map_or_else(chrono::Duration::zero, |dr| dr.clock_offset),
            dr_test,
        })
    }

    /// [`Context::load`] for a command: a failure is printed on stderr and becomes the
    /// command's exit outcome.
    pub async fn load_for_command(
        config_flag: Option<&Path>,
        needed: &[SecretName],
    ) -> Result<Self, Outcome> {
        Self::load(config_flag, needed, None).await.map_err(|err| {
            eprintln!("error: {err}");
            err.outcome()
        })
    }

    /// Now, by the run's clock.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.clock_offset
    }

    /// Whether the vault is part of the secret chain (always in DR test mode).
    pub fn vault_configured(&self) -> bool {
        !matches!(
            self.secrets.vault_status(),
            crate::secrets::VaultStatus::NotConfigured
        )
    }
}

/// `config.json`; in DR test mode a missing file at the default place means the defaults,
/// so that the drill runs on a fresh machine from any directory.
fn load_config(flag: Option<&Path>, dr_test: bool) -> Result<Config, ConfigError> {
    let var = |name: &str| std::env::var(name).ok();
    match Config::load_with(flag, &var) {
        Err(ConfigError::NotFound {
            path,
            origin: PathOrigin::Default,
        }) if dr_test => {
            tracing::info!(path = %path.display(),
                "DR test mode: no config file; using the defaults");
            Config::from_json("{}", &path, &var)
        }
        other => other,
    }
}

/// The simulator's site map when config.json has none, and its database ids where
/// config.json gives none.
fn fill_from_simulator(config: &mut Config, dr: &DrTest) {
    if config.site_map.is_empty() {
        for site in &dr.site_map {
            let Some(id) = SiteId::parse(&site.site_id) else {
                continue;
            };
            let entry = SiteEntry {
                ninjaone_organization_id: u64::try_from(site.organization_id).ok(),
                state: Some(site.state.clone()),
                ..SiteEntry::default()
            };
            config.site_map.insert(id, entry);
        }
    }
    for (key, id) in sim_databases() {
        let Ok(dataset) = key.parse::<Dataset>() else {
            continue;
        };
        if config.databases.get(dataset).is_none() {
            config.databases.set(dataset, DatabaseId::parse(id));
        }
    }
}

/// Keeps a client's own retry bounds where they are tighter than `limit`.
fn limit_retries(policy: &mut RetryPolicy, limit: &RetryPolicy) {
    policy.max_attempts = policy.max_attempts.min(limit.max_attempts);
    policy.max_elapsed = policy.max_elapsed.min(limit.max_elapsed);
}

fn trim(url: String) -> String {
    url.trim_end_matches('/').to_owned()
}

fn client_error(api: &'static str, err: &dyn std::error::Error) -> StartupError {
    StartupError::Client {
        api,
        reason: err.to_string(),
    }
}

/// The Notion request rate: the configured one, except against an in-process simulator
/// started with `DR_TEST_FAST=true`, which enforces none (a 429 still slows the client).
fn notion_pace(config: &Config, dr_settings: Option<&DrTestSettings>) -> Option<f64> {
    match dr_settings {
        Some(dr) if dr.fast && dr.url.is_none() => None,
        _ => Some(config.settings.notion.requests_per_second),
    }
}
