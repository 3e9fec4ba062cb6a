//! Shared by the simulator's integration tests: start a simulator on loopback and talk to it.
//!
//! Each test binary includes this module with `mod common;` and may use only part of it.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of the support code"
)]

pub mod openapi;

use mock_apis::config::Settings;
use mock_apis::{RunningSim, SimConfig};
use serde_json::Value;

/// A simulator on free loopback ports, in memory, with every limit and latency off.
pub async fn start_sim() -> RunningSim {
    start_sim_with(SimConfig {
        settings: Settings::unlimited(),
        ..SimConfig::ephemeral()
    })
    .await
}

/// A simulator with a chosen configuration.
pub async fn start_sim_with(config: SimConfig) -> RunningSim {
    mock_apis::start(config).await.expect("simulator starts")
}

/// A plain HTTP client.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().build().expect("client builds")
}

/// GET a control-API route and return its JSON.
pub async fn control_get(sim: &RunningSim, route: &str) -> Value {
    let url = format!("{}{route}", sim.urls().control);
    client()
        .get(url)
        .send()
        .await
        .expect("control answers")
        .json()
        .await
        .expect("json")
}

/// POST JSON to a control-API route and return the status and JSON.
pub async fn control_post(sim: &RunningSim, route: &str, body: Value) -> (u16, Value) {
    let url = format!("{}{route}", sim.urls().control);
    let response = client()
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("control answers");
    let status = response.status().as_u16();
    (status, response.json().await.expect("json"))
}
