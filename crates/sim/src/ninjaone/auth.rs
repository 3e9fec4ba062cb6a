//! The bearer check of every `/v2` call.
//!
//! In order: no `Authorization` → 400 `missing_header`; not `Bearer <token>` →
//! 400 `invalid_header`; a token this simulator did not sign, that expired
//! (simulated time), that predates an "expired tokens" drill or a credential
//! rotation → 401 `not_authenticated`; a token without the `monitoring` scope →
//! 401 `insufficient_privileges`. A revoked credential is a standing fault that
//! the shared gate answers before this check runs.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use http::header::AUTHORIZATION;
use http::request::Parts;

use super::errors;
use super::token::{self, Refusal, Validity};
use crate::{Api, Sim};

/// Proof that a request carried a valid token with the `monitoring` scope; take
/// it as a handler's first argument.
#[derive(Debug, Clone, Copy)]
pub struct Bearer;

impl FromRequestParts<Arc<Sim>> for Bearer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, sim: &Arc<Sim>) -> Result<Self, Response> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .ok_or_else(errors::missing_header)?;
        let token = header
            .to_str()
            .ok()
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, token)| scheme.eq_ignore_ascii_case("bearer") && !token.is_empty())
            .map(|(_, token)| token.trim())
            .ok_or_else(errors::invalid_header)?;

        let (seed, valid_after, rotation) = sim
            .control
            .read(|c| {
                (
                    c.fleet.seed,
                    c.ninjaone_tokens_valid_after,
                    c.credentials.rotations[Api::Ninjaone as usize],
                )
            })
            .map_err(IntoResponse::into_response)?;
        let now = sim.now().map_err(IntoResponse::into_response)?;
        let claims = token::verify(seed, token).ok_or_else(errors::not_authenticated)?;
        let validity = Validity {
            now,
            valid_after,
            rotation,
        };
        match claims.refusal(&validity) {
            None => Ok(Self),
            Some(Refusal::NotAuthenticated) => Err(errors::not_authenticated()),
            Some(Refusal::InsufficientPrivileges) => Err(errors::insufficient_privileges()),
        }
    }
}
