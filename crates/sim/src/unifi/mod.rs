//! The UniFi Site Manager API, as in `shared/api/UNIFI_SITE_MANAGER.md`: the
//! nine read operations under both `/v1` and `/ea`, answered from the simulated
//! fleet.
//!
//! - `GET /v1/hosts`, `GET /v1/hosts/{id}`: `hosts`;
//! - `GET /v1/sites`: `sites`;
//! - `GET /v1/devices`: `devices`;
//! - `GET /v1/isp-metrics/{type}`, `POST /v1/isp-metrics/{type}/query`:
//!   `metrics`;
//! - `GET /v1/sd-wan-configs`, `…/{id}`, `…/{id}/status`: `sdwan`.
//!
//! Every operation needs `X-API-Key` (`auth`) and answers in the `{data,
//! httpStatusCode, traceId}` envelope (`envelope`); the three lists page with
//! `pageSize` and `nextToken` (`paging`). Errors use the service's bodies
//! ([`errors`]). Rate limits and injected faults are applied before the
//! handlers, by the shared gate (`crate::server`); the `empty` fault after
//! them, to the answers `envelope` marks as lists.

mod auth;
mod devices;
mod envelope;
pub mod errors;
mod hosts;
mod metrics;
mod paging;
mod params;
mod sdwan;
mod sites;
mod wire;

use std::sync::Arc;

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::Sim;

/// The Site Manager routes, below `/unifi`.
pub fn router() -> Router<Arc<Sim>> {
    let operations = Router::new()
        .route("/hosts", get(hosts::list))
        .route("/hosts/{id}", get(hosts::get))
        .route("/sites", get(sites::list))
        .route("/devices", get(devices::list))
        .route("/isp-metrics/{type}", get(metrics::get))
        .route("/isp-metrics/{type}/query", post(metrics::query))
        .route("/sd-wan-configs", get(sdwan::list))
        .route("/sd-wan-configs/{id}", get(sdwan::get))
        .route("/sd-wan-configs/{id}/status", get(sdwan::status));
    Router::new()
        .nest("/v1", operations.clone())
        .nest("/ea", operations)
        .fallback(not_found)
}

async fn not_found() -> Response {
    errors::route_not_found().into_response()
}
