//! DR test mode: run any binary against the API simulator instead of the real services, with
//! no credentials.
//!
//! With `DR_TEST_MODE=true` a binary calls [`DrTest::start`], which either starts the simulator
//! inside the process (on free loopback ports, its state in `DR_TEST_STATE_DIR`, default
//! `./dr-test-state`, so that a sequence of commands behaves like one workspace) or, when
//! `DR_TEST_URL` names a running `mock-apis serve`, asks that one where its APIs are. Either way
//! it hands back the base URL of each API and the credentials the simulator accepts.
//!
//! It also hands back what only the simulator knows and a fresh machine has no config for:
//! its site map (which NinjaOne organization and US state each generated site belongs to),
//! the ids of its four Notion databases, and its clock, which `POST /_sim/tick` moves ahead
//! of the wall clock so that drills can play out days in minutes.
//!
//! This module owns only the choice and the start of the simulator; pointing the API clients
//! at the URLs it returns is the caller's job.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use mock_apis::config::Settings;
use mock_apis::{Credentials, FleetConfig, RunningSim, SimConfig, Urls};
use serde::Deserialize;

/// Default state directory of the in-process simulator, relative to the working directory.
pub const DEFAULT_STATE_DIR: &str = "./dr-test-state";

/// How DR test mode was asked for, read from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrTestSettings {
    /// `DR_TEST_URL`: base URL of a running `mock-apis serve` (e.g. `http://127.0.0.1:8089`).
    pub url: Option<String>,
    /// `DR_TEST_STATE_DIR`: where the in-process simulator keeps its state.
    pub state_dir: PathBuf,
    /// `DR_TEST_FAST=true`: the in-process simulator enforces no rate limits (a new state
    /// directory only; an existing one keeps its settings) and the Notion client does not
    /// pace itself to 3 requests/s.
    pub fast: bool,
    /// `DR_TEST_SITES=N`: the in-process simulator generates N sites instead of 98 (a new
    /// state directory only), so a drill can take seconds.
    pub sites: Option<usize>,
}

impl DrTestSettings {
    /// The settings in the process environment, or `None` when `DR_TEST_MODE` is not `true`.
    pub fn from_env() -> Option<Self> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// The settings given by `var` (a stand-in for the environment), or `None` when
    /// `DR_TEST_MODE` is not `true` (also accepted: `1`, `yes`, any case).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Option<Self> {
        if !var("DR_TEST_MODE").is_some_and(|value| is_true(&value)) {
            return None;
        }
        let non_empty = |name| var(name).filter(|value: &String| !value.trim().is_empty());
        Some(Self {
            url: non_empty("DR_TEST_URL").map(|url| url.trim_end_matches('/').to_owned()),
            state_dir: non_empty("DR_TEST_STATE_DIR")
                .map_or_else(|| DEFAULT_STATE_DIR.into(), PathBuf::from),
            fast: var("DR_TEST_FAST").is_some_and(|value| is_true(&value)),
            sites: non_empty("DR_TEST_SITES").and_then(|text| site_count(&text)),
        })
    }
}

/// A `DR_TEST_SITES` value: 1 to 10,000 sites; anything else is ignored with a warning.
fn site_count(text: &str) -> Option<usize> {
    let count = text
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=10_000).contains(n));
    if count.is_none() {
        tracing::warn!(
            value = text,
            "DR_TEST_SITES is not a number of sites from 1 to 10000; generating the default fleet"
        );
    }
    count
}

fn is_true(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "true" | "1" | "yes"
    )
}

/// A simulator to run against, with what clients need to reach it.
#[derive(Debug)]
pub struct DrTest {
    /// Base URL of each simulated API.
    pub urls: Urls,
    /// Credentials the simulated APIs accept.
    pub credentials: Credentials,
    /// PEM of the CA that signed the simulated vault's certificate.
    pub ca_pem: String,
    /// The in-process simulator, when one was started; it stops with the process.
    pub in_process: Option<RunningSim>,
    /// Each generated site's NinjaOne organization and US state.
    pub site_map: Vec<SimSite>,
    /// How far the simulator's clock runs ahead of the wall clock.
    pub clock_offset: chrono::Duration,
}

/// One generated site as an operator's site map would list it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SimSite {
    /// UniFi site id.
    pub site_id: String,
    /// The NinjaOne organization of the same customer.
    pub organization_id: i64,
    /// The customer's US state.
    pub state: String,
}

/// The four Notion databases the simulator starts with: dataset key and database id.
pub fn sim_databases() -> impl Iterator<Item = (&'static str, &'static str)> {
    mock_apis::notion::DATABASES
        .iter()
        .map(|seed| (seed.key, seed.database_id))
}

/// Why DR test mode could not start.
#[derive(Debug, thiserror::Error)]
pub enum DrTestError {
    /// The in-process simulator did not start.
    #[error("failed to start the simulator in `{state_dir}`: {source}")]
    Start {
        /// Its state directory.
        state_dir: PathBuf,
        /// The cause.
        source: mock_apis::StartError,
    },
    /// The simulator's state could not be read.
    #[error("failed to read the simulator state: {0}")]
    State(#[from] mock_apis::persist::PersistError),
    /// The running simulator named by `DR_TEST_URL` did not answer as one.
    #[error("DR_TEST_URL `{url}` does not answer as a running `mock-apis serve`: {reason}")]
    Remote {
        /// The URL tried.
        url: String,
        /// What went wrong.
        reason: String,
    },
}

#[derive(Debug, Deserialize)]
struct RemoteInfo {
    urls: Urls,
    ca_pem: String,
    #[serde(default)]
    site_map: Vec<SimSite>,
    now: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
struct RemoteCredentials {
    credentials: Credentials,
}

impl DrTest {
    /// Starts or finds the simulator `settings` describe.
    pub async fn start(settings: &DrTestSettings) -> Result<Self, DrTestError> {
        match &settings.url {
            Some(url) => Self::remote(url).await,
            None => Self::in_process(settings).await,
        }
    }

    async fn in_process(settings: &DrTestSettings) -> Result<Self, DrTestError> {
        let fleet = settings.sites.map_or_else(FleetConfig::default, |sites| {
            FleetConfig::scaled(FleetConfig::default().seed, sites)
        });
        let config = SimConfig {
            state_dir: Some(settings.state_dir.clone()),
            fleet,
            settings: if settings.fast {
                Settings::unlimited()
            } else {
                Settings::real()
            },
            ..SimConfig::ephemeral()
        };
        let running = mock_apis::start(config)
            .await
            .map_err(|source| DrTestError::Start {
                state_dir: settings.state_dir.clone(),
                source,
            })?;
        tracing::info!(state_dir = %settings.state_dir.display(),
            "DR test mode: simulator started in process");
        let site_map = running.sim.fleet.read(|fleet| {
            fleet
                .sites
                .iter()
                .map(|site| SimSite {
                    site_id: site.site_id.clone(),
                    organization_id: site.organization_id,
                    state: site.state.clone(),
                })
                .collect()
        })?;
        Ok(Self {
            urls: running.urls(),
            credentials: running.sim.credentials()?,
            ca_pem: running.ca_pem().to_owned(),
            clock_offset: running.sim.now()? - Utc::now(),
            in_process: Some(running),
            site_map,
        })
    }

    async fn remote(url: &str) -> Result<Self, DrTestError> {
        let remote_error = |reason: String| DrTestError::Remote {
            url: url.to_owned(),
            reason,
        };
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|err| remote_error(err.to_string()))?;
        let fetch = |route: &'static str| {
            let request = client.get(format!("{url}/_sim/{route}"));
            async move {
                request
                    .send()
                    .await
                    .and_then(reqwest::Response::error_for_status)
                    .map_err(|err| format!("GET /_sim/{route}: {err}"))
            }
        };
        let info: RemoteInfo = fetch("info")
            .await
            .map_err(remote_error)?
            .json()
            .await
            .map_err(|err| remote_error(format!("unexpected /_sim/info answer: {err}")))?;
        let credentials: RemoteCredentials = fetch("credentials")
            .await
            .map_err(remote_error)?
            .json()
            .await
            .map_err(|err| remote_error(format!("unexpected /_sim/credentials answer: {err}")))?;
        tracing::info!(url, "DR test mode: using a running simulator");
        Ok(Self {
            urls: info.urls,
            credentials: credentials.credentials,
            ca_pem: info.ca_pem,
            in_process: None,
            site_map: info.site_map,
            clock_offset: info.now - Utc::now(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn off_unless_asked_for() {
        assert_eq!(DrTestSettings::from_vars(vars(&[])), None);
        assert_eq!(
            DrTestSettings::from_vars(vars(&[("DR_TEST_MODE", "false")])),
            None
        );
    }

    #[test]
    fn defaults_and_overrides() {
        let on = DrTestSettings::from_vars(vars(&[("DR_TEST_MODE", "TRUE")])).unwrap();
        assert_eq!(on.state_dir, PathBuf::from(DEFAULT_STATE_DIR));
        assert_eq!(on.url, None);
        let remote = DrTestSettings::from_vars(vars(&[
            ("DR_TEST_MODE", "true"),
            ("DR_TEST_URL", "http://127.0.0.1:8089/"),
            ("DR_TEST_STATE_DIR", "/tmp/x"),
            ("DR_TEST_FAST", "1"),
            ("DR_TEST_SITES", " 12 "),
        ]))
        .unwrap();
        assert_eq!(remote.url.as_deref(), Some("http://127.0.0.1:8089"));
        assert_eq!(remote.state_dir, PathBuf::from("/tmp/x"));
        assert!(remote.fast);
        assert_eq!(remote.sites, Some(12));
        assert_eq!(on.sites, None);
        for bad in ["0", "many", "10001"] {
            let pairs = [("DR_TEST_MODE", "true"), ("DR_TEST_SITES", bad)];
            let settings = DrTestSettings::from_vars(vars(&pairs)).unwrap();
            assert_eq!(settings.sites, None, "{bad}");
        }
    }
}
