//! [`NinjaoneError`]: why a NinjaOne call failed, with the endpoint, the status, NinjaOne's
//! `incidentId` when it sent one (support asks for it) and, where we know it, the fix.

use crate::http::{FailureClass, HttpError};
use crate::secrets::{SecretError, SecretName};

/// A failed NinjaOne call.
#[derive(Debug, thiserror::Error)]
pub enum NinjaoneError {
    /// The client could not be built (base URL refused, TLS setup).
    #[error("failed to set up the NinjaOne client: {0}")]
    Setup(#[source] HttpError),
    /// A credential could not be read.
    #[error("NinjaOne credential `{name}` is not available: {source}")]
    Secret {
        /// The secret.
        name: SecretName,
        /// Why.
        source: SecretError,
    },
    /// The token endpoint does not know the client id (404), also after re-reading it.
    #[error(
        "NinjaOne token endpoint does not know `NINJAONE_CLIENT_ID` (404: {detail})\n\
         hint: check NINJAONE_REGION / the base URL and the client id (Administration → Apps → \
         API on the right instance)"
    )]
    UnknownClient {
        /// The service's answer, summarised.
        detail: String,
    },
    /// The token endpoint refused the client secret (4xx), also after re-reading it.
    #[error(
        "NinjaOne token endpoint refused `NINJAONE_CLIENT_SECRET` ({status}: {detail})\n\
         hint: client secret revoked or wrong; generate a new one in NinjaOne Administration → \
         Apps → API and update the vault secret `ninjaone-client-secret` or \
         NINJAONE_CLIENT_SECRET"
    )]
    ClientRefused {
        /// Status.
        status: u16,
        /// The service's answer, summarised.
        detail: String,
    },
    /// A fresh token was refused by the API as well (401 twice).
    #[error(
        "NinjaOne refused a fresh access token on {endpoint} (401: {detail})\n\
         hint: check that the API app has the `monitoring` scope; if its secret was \
         regenerated, update `ninjaone-client-secret` / NINJAONE_CLIENT_SECRET"
    )]
    Unauthorized {
        /// `METHOD /path`.
        endpoint: String,
        /// The service's answer, summarised.
        detail: String,
    },
    /// The service failed (429, 5xx or its throttling page) on every attempt.
    #[error(
        "NinjaOne is unavailable: {endpoint} answered {status} after {attempts} attempt(s): \
         {detail}\n\
         hint: the next run retries; NinjaOne support asks for the incident id if it persists"
    )]
    Unavailable {
        /// `METHOD /path`.
        endpoint: String,
        /// Last status (200 for a throttling page).
        status: u16,
        /// Attempts made.
        attempts: u32,
        /// The service's answer, summarised.
        detail: String,
    },
    /// No answer at all, after every retry.
    #[error("NinjaOne did not answer: {0}")]
    Transport(#[source] HttpError),
    /// 404: unknown id or path.
    #[error("NinjaOne has no {endpoint}: {detail}")]
    NotFound {
        /// `METHOD /path`.
        endpoint: String,
        /// The service's answer, summarised.
        detail: String,
    },
    /// Any other refusal (400, 403, ...).
    #[error("NinjaOne refused {endpoint} with {status}: {detail}")]
    Refused {
        /// `METHOD /path`.
        endpoint: String,
        /// Status.
        status: u16,
        /// The service's answer, summarised.
        detail: String,
    },
    /// A success answer we could not read.
    #[error("failed to read the NinjaOne answer to {endpoint}: {reason}")]
    Decode {
        /// `METHOD /path`.
        endpoint: String,
        /// What was wrong.
        reason: String,
    },
    /// An entity list's `after` cursor did not move forward.
    #[error(
        "NinjaOne paging of {endpoint} did not advance after id {after}; stopped rather than \
         read the same page again"
    )]
    PagingStalled {
        /// `METHOD /path`.
        endpoint: String,
        /// The cursor that repeated.
        after: i64,
    },
}

impl NinjaoneError {
    /// The class of the failure, for the exit code and the health table.
    pub fn class(&self) -> FailureClass {
        match self {
            NinjaoneError::Secret { .. }
            | NinjaoneError::UnknownClient { .. }
            | NinjaoneError::ClientRefused { .. }
            | NinjaoneError::Unauthorized { .. } => FailureClass::Auth,
            NinjaoneError::Unavailable { .. } | NinjaoneError::Transport(_) => {
                FailureClass::Unavailable
            }
            NinjaoneError::Setup(_)
            | NinjaoneError::NotFound { .. }
            | NinjaoneError::Refused { .. }
            | NinjaoneError::Decode { .. }
            | NinjaoneError::PagingStalled { .. } => FailureClass::Other,
        }
    }
}
