//! The UniFi Site Manager API (`/v1` and `/ea`), as in `shared/api/UNIFI_SITE_MANAGER.md`.

pub mod errors;

use std::sync::Arc;

use axum::Router;

use crate::Sim;

/// The Site Manager routes, below `/unifi`.
pub fn router() -> Router<Arc<Sim>> {
    Router::new()
}
