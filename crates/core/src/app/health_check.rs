//! `health-check`: the runbook's component check once (`--check`), or the health server
//! (`--serve`).

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Map;
use tokio::time::Instant;

use super::context::Context;
use crate::exit::Outcome;
use crate::health::{CachedChecks, Check, Checks, Component, components};
use crate::http::{FailureClass, RetryPolicy};
use crate::ninjaone::NinjaoneClient;
use crate::secrets::{SecretName, Secrets, VaultStatus};
use crate::unifi::UnifiClient;

/// How long one component check may take.
const CHECK_TIMEOUT: Duration = Duration::from_secs(30);
/// Probes retry a little (one blip is not an outage) but report within seconds.
const PROBE_RETRY: RetryPolicy = RetryPolicy {
    max_attempts: 3,
    base_delay: Duration::from_millis(500),
    max_delay: Duration::from_secs(2),
    max_elapsed: Duration::from_secs(10),
};
/// How long the server keeps a round of checks.
const CACHE_TTL: Duration = Duration::from_secs(10);

/// What `health-check` was asked to do.
#[derive(Debug, Clone)]
pub enum HealthCommand {
    /// Run every check once and print the report.
    Check {
        /// Print JSON instead of the table.
        json: bool,
    },
    /// Serve `/health`, `/ready` and `/metrics`.
    Serve {
        /// Address to listen on.
        bind: IpAddr,
        /// Port.
        port: u16,
    },
}

/// Runs `command` with the configuration at `config`; returns the exit code.
pub async fn run(config: Option<PathBuf>, command: HealthCommand) -> Outcome {
    let context = match Context::load(config.as_deref(), &SecretName::ALL, Some(PROBE_RETRY)).await
    {
        Ok(context) => context,
        Err(err) => {
            tracing::error!("{err}");
            eprintln!("error: {err}");
            return err.outcome();
        }
    };
    let checks = checks(&context);
    match command {
        HealthCommand::Check { json } => {
            let report = checks.run().await;
            if json {
                match serde_json::to_string_pretty(&report) {
                    Ok(text) => println!("{text}"),
                    Err(err) => eprintln!("error: cannot write the report: {err}"),
                }
            } else {
                print!("{}", report.table());
            }
            report.outcome()
        }
        HealthCommand::Serve { bind, port } => {
            let cached = Arc::new(CachedChecks::new(checks, CACHE_TTL));
            let addr = SocketAddr::new(bind, port);
            let shutdown = async {
                let _ = tokio::signal::ctrl_c().await;
            };
            match crate::health::serve(addr, cached, shutdown).await {
                Ok(()) => Outcome::Success,
                Err(err) => {
                    eprintln!("error: {err}");
                    Outcome::Config
                }
            }
        }
    }
}

/// Every check this process can run.
pub fn checks(context: &Context) -> Checks {
    let mut checks = vec![
        components::notion(context.notion.clone()),
        unifi(context.unifi.clone()),
        ninjaone(context.ninjaone.clone()),
        components::state_store(context.state_path.clone()),
        components::disk(
            context.state_path.clone(),
            context.config.settings.health.min_free_disk_percent,
        ),
    ];
    if context.vault_configured() {
        checks.push(key_vault(context.secrets.clone()));
    }
    Checks::new(checks, CHECK_TIMEOUT)
}

fn unifi(client: UnifiClient) -> Check {
    Check::new("unifi_api", move || {
        let client = client.clone();
        async move {
            let started = Instant::now();
            match client.probe().await {
                Ok(probe) => Component::healthy("unifi_api", ms(probe.latency), Map::new())
                    .with("detail", probe.detail),
                Err(err) => Component::unhealthy(
                    "unifi_api",
                    ms(started.elapsed()),
                    err.to_string(),
                    err.class(),
                ),
            }
        }
    })
}

fn ninjaone(client: NinjaoneClient) -> Check {
    Check::new("ninjaone_api", move || {
        let client = client.clone();
        async move {
            let started = Instant::now();
            match client.probe().await {
                Ok(probe) => Component::healthy("ninjaone_api", ms(probe.latency), Map::new())
                    .with("detail", probe.detail),
                Err(err) => Component::unhealthy(
                    "ninjaone_api",
                    ms(started.elapsed()),
                    err.to_string(),
                    err.class(),
                ),
            }
        }
    })
}

/// `key_vault`: degraded when the secrets came from the fallback because the vault was
/// unreachable at start; otherwise one probe now.
fn key_vault(secrets: Secrets) -> Check {
    Check::new("key_vault", move || {
        let secrets = secrets.clone();
        async move {
            let started = Instant::now();
            if let VaultStatus::Degraded { reason } = secrets.vault_status() {
                return Component::degraded(
                    "key_vault",
                    ms(started.elapsed()),
                    format!("{reason}; secrets were read from the environment instead"),
                );
            }
            let sources: Vec<String> = secrets
                .sources()
                .iter()
                .map(|(name, source)| format!("{name}={}", source.as_str()))
                .collect();
            match secrets.probe_vault().await {
                Ok(latency) => Component::healthy("key_vault", ms(latency), Map::new())
                    .with("secrets", sources.join(" ")),
                Err(err) => Component::unhealthy(
                    "key_vault",
                    ms(started.elapsed()),
                    err.to_string(),
                    FailureClass::Unavailable,
                ),
            }
        }
    })
}

fn ms(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 10_000.0).round() / 10.0
}
