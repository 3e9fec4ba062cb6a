//! The NinjaOne API, as in `shared/api/NINJAONE.md`: the OAuth token endpoint
//! and the `/v2` read endpoints the sync uses, answered from the simulated
//! fleet.
//!
//! - `POST /ws/oauth/token`: `oauth`;
//! - `organizations`, `organizations-detailed`, `organization/{id}`,
//!   `locations`: `organizations`;
//! - `devices`, `devices-detailed`, `device/{id}`,
//!   `organization/{id}/devices`: `devices`;
//! - `alerts`, `device/{id}/alerts`: `alerts`;
//! - `activities`, `device/{id}/activities`: `activities`;
//! - `queries/device-health`: `reports`.
//!
//! Every `/v2` route also answers under `/api/v2`. Calls need a bearer token
//! from the token endpoint (`auth`, [`token`]); `df` is parsed by [`df`].
//! Anything else, including plural paths with an id such as
//! `/v2/organizations/12`, answers the framework's 404. Rate limits and
//! injected faults (outage, 5xx, 429, the HTML throttling page, a revoked
//! secret) are applied before the handlers by the shared gate
//! (`crate::server`); the "expired tokens" drill is checked with each token.
//! The `empty` fault empties the lists, which the handlers answer with
//! `bare_list` (activities with their own empty page). Every answer carries an
//! `x-nj-request-id` header.

mod activities;
mod alerts;
mod auth;
mod cursors;
mod devices;
pub mod df;
pub mod errors;
mod oauth;
mod organizations;
mod params;
mod reports;
pub mod token;
mod wire;

use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router, middleware};
use http::HeaderValue;
use serde::Serialize;
use serde_json::json;

use crate::Sim;
use crate::server::EmptyList;

/// The NinjaOne routes, below `/ninjaone`.
pub fn router() -> Router<Arc<Sim>> {
    let v2 = Router::new()
        .route("/organizations", get(organizations::list))
        .route("/organizations-detailed", get(organizations::list_detailed))
        .route("/organization/{id}", get(organizations::get))
        .route("/organization/{id}/devices", get(devices::of_organization))
        .route("/locations", get(organizations::locations))
        .route("/devices", get(devices::list))
        .route("/devices-detailed", get(devices::list_detailed))
        .route("/device/{id}", get(devices::get))
        .route("/device/{id}/alerts", get(alerts::of_device))
        .route("/device/{id}/activities", get(activities::of_device))
        .route("/alerts", get(alerts::list))
        .route("/activities", get(activities::list))
        .route("/queries/device-health", get(reports::device_health));
    Router::new()
        .route(errors::TOKEN_PATH, post(oauth::token))
        .nest("/v2", v2.clone())
        .nest("/api/v2", v2)
        .fallback(not_found)
        .layer(middleware::map_response(with_request_id))
}

/// NinjaOne tags each answer with a request id that support asks for.
async fn with_request_id(mut response: Response) -> Response {
    let id = uuid::Uuid::new_v4().to_string();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-nj-request-id", value);
    }
    response
}

/// A list's answer: a bare array, `[]` under the `empty` fault.
fn bare_list(items: impl Serialize) -> Response {
    EmptyList(json!([])).mark(Json(items).into_response())
}

async fn not_found() -> Response {
    errors::not_found().into_response()
}
