//! `GET /v1/sd-wan-configs`, `GET /v1/sd-wan-configs/{id}` and `GET
//! /v1/sd-wan-configs/{id}/status`, answered from configurations derived from
//! the fleet (see [`plan`]).

pub mod plan;

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response, Result};
use serde_json::Value;

use super::auth::ApiKey;
use super::{envelope, errors, wire};
use crate::Sim;

/// Lists the configurations (`{id, name, type}` each).
pub async fn list(_: ApiKey, State(sim): State<Arc<Sim>>) -> Result<Response> {
    let configs = sim.fleet.read(|fleet| {
        plan::configs(fleet)
            .iter()
            .map(wire::sdwan_summary)
            .collect::<Vec<_>>()
    })?;
    Ok(envelope::list(configs))
}

/// One configuration; an unknown id answers 404 `config not found`.
pub async fn get(
    _: ApiKey,
    State(sim): State<Arc<Sim>>,
    Path(id): Path<String>,
) -> Result<Response> {
    let config = sim.fleet.read(|fleet| {
        plan::configs(fleet)
            .iter()
            .find(|c| c.id == id)
            .map(wire::sdwan_config)
    })?;
    Ok(found(config))
}

/// The deployment status of one configuration; an unknown id answers 404.
pub async fn status(
    _: ApiKey,
    State(sim): State<Arc<Sim>>,
    Path(id): Path<String>,
) -> Result<Response> {
    let now = sim.now()?;
    let status = sim.fleet.read(|fleet| {
        plan::configs(fleet)
            .iter()
            .find(|c| c.id == id)
            .map(|c| wire::sdwan_status(c, fleet.seed, fleet.generated_at, now))
    })?;
    Ok(found(status))
}

fn found(data: Option<Value>) -> Response {
    match data {
        Some(data) => envelope::data(data),
        None => errors::config_not_found().into_response(),
    }
}
