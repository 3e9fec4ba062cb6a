//! Shared by the UniFi and NinjaOne client tests: a simulator on loopback, faults and
//! settings through its control API (in process), its request counters, and clients built
//! with short retry budgets so that a failing case fails in seconds.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of the support code"
)]

use std::time::Duration;

use mock_apis::control::{Operation, perform};
use mock_apis::fleet::Fleet;
use mock_apis::{Api, RunningSim, SimConfig};
use oberaconnect::http::RetryPolicy;
use oberaconnect::secrets::{SecretName, SecretString, Secrets};
use serde_json::Value;

/// A simulator with the default fleet (98 sites, 323 devices), limits and latency off.
pub async fn start() -> RunningSim {
    mock_apis::start(SimConfig {
        settings: mock_apis::config::Settings::unlimited(),
        ..SimConfig::ephemeral()
    })
    .await
    .expect("simulator starts")
}

/// The simulator's fleet now.
pub fn fleet(running: &RunningSim) -> Fleet {
    running.sim.fleet.read(Fleet::clone).expect("fleet")
}

/// Injects a fault (`{"api": ..., "kind": ...}`).
pub fn fault(running: &RunningSim, spec: Value) {
    perform(&running.sim, Operation::AddFault(spec)).expect("fault accepted");
}

/// Clears every fault.
pub fn clear_faults(running: &RunningSim) {
    perform(&running.sim, Operation::ClearFaults).expect("faults cleared");
}

/// Changes settings (`{"ninjaone_token_lifetime_secs": 2}`).
pub fn settings(running: &RunningSim, change: Value) {
    perform(&running.sim, Operation::ChangeSettings(change)).expect("settings accepted");
}

/// Replaces one API's credential in the simulator.
pub fn rotate(running: &RunningSim, api: &str) {
    let body = serde_json::json!({ "api": api });
    perform(&running.sim, Operation::Rotate(body)).expect("rotated");
}

/// Answers the simulator gave to `endpoint` (`GET /v1/sites`) with `status`.
pub fn answered(running: &RunningSim, api: Api, endpoint: &str, status: u16) -> u64 {
    let stats = running.sim.stats.snapshot();
    stats[&api]
        .endpoints
        .get(endpoint)
        .and_then(|by_status| by_status.get(&status))
        .copied()
        .unwrap_or(0)
}

/// Answers to `endpoint`, whatever their status.
pub fn requests(running: &RunningSim, api: Api, endpoint: &str) -> u64 {
    let stats = running.sim.stats.snapshot();
    stats[&api]
        .endpoints
        .get(endpoint)
        .map_or(0, |by_status| by_status.values().sum())
}

/// Retries fast: 4 attempts, 50 ms doubling to at most 400 ms, within 8 s (a `Retry-After`
/// of 1 s still fits twice).
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(400),
        max_elapsed: Duration::from_secs(8),
    }
}

/// Secrets holding the given values.
pub fn secrets(values: &[(SecretName, &str)]) -> Secrets {
    Secrets::from_values(
        values
            .iter()
            .map(|(name, value)| (*name, SecretString::from(value.to_string()))),
    )
}
