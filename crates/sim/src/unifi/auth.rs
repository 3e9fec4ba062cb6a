//! The Site Manager's key check: every operation needs `X-API-Key` with the
//! account's key.
//!
//! The service knows no other scheme, so `Authorization: Bearer <key>` is
//! refused like a missing key. Header names are case-insensitive (`X-API-KEY`
//! works too).

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use http::request::Parts;

use super::errors;
use crate::Sim;

/// Proof that a request carried the current UniFi API key; take it as a
/// handler's first argument.
#[derive(Debug, Clone, Copy)]
pub struct ApiKey;

impl FromRequestParts<Arc<Sim>> for ApiKey {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, sim: &Arc<Sim>) -> Result<Self, Response> {
        let expected = sim
            .credentials()
            .map_err(IntoResponse::into_response)?
            .unifi_api_key;
        let presented = parts
            .headers
            .get("x-api-key")
            .and_then(|value| value.to_str().ok());
        match presented {
            Some(key) if key == expected => Ok(Self),
            _ => Err(errors::unauthorized().into_response()),
        }
    }
}
