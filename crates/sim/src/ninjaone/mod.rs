//! The NinjaOne API (OAuth token endpoint and `/v2`), as in `shared/api/NINJAONE.md`.

pub mod errors;

use std::sync::Arc;

use axum::Router;

use crate::Sim;

/// The NinjaOne routes, below `/ninjaone`.
pub fn router() -> Router<Arc<Sim>> {
    Router::new()
}
