//! The health server: `/health` (liveness, with the component summary), `/ready` (200 unless
//! something is unhealthy) and `/metrics` (Prometheus text); anything else is 404.
//!
//! `/health` answers 200 whatever the upstreams say: the process is alive. A dashboard that
//! wants the upstreams reads `status` in the body, `/ready` or `/metrics`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::checks::CachedChecks;
use super::report::Status;

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}\nhint: choose another --port or stop what holds it")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The server stopped with an error.
    #[error("health server failed: {0}")]
    Serve(std::io::Error),
}

/// The routes over `checks`.
pub fn router(checks: Arc<CachedChecks>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found\n") })
        .with_state(checks)
}

/// Binds `addr` and serves until `shutdown` completes.
pub async fn serve(
    addr: SocketAddr,
    checks: Arc<CachedChecks>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    let local = listener.local_addr().unwrap_or(addr);
    tracing::info!(address = %local, "health server listening");
    axum::serve(listener, router(checks))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(ServeError::Serve)
}

async fn health(State(checks): State<Arc<CachedChecks>>) -> Response {
    axum::Json(checks.report().await).into_response()
}

async fn ready(State(checks): State<Arc<CachedChecks>>) -> Response {
    let report = checks.report().await;
    let ready = report.status != Status::Unhealthy;
    let components: serde_json::Map<String, serde_json::Value> = report
        .components
        .values()
        .map(|c| (c.name.clone(), c.healthy.into()))
        .collect();
    let body = serde_json::json!({
        "ready": ready,
        "status": report.status,
        "components": components,
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body)).into_response()
}

async fn metrics(State(checks): State<Arc<CachedChecks>>) -> Response {
    let text = checks.report().await.metrics();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}
