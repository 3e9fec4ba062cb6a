//! [`UnifiError`]: why a Site Manager call failed, with the endpoint, the status, the
//! service's `traceId` (which Ubiquiti asks for) and, where we know it, the fix.

use crate::http::{FailureClass, HttpError};
use crate::secrets::SecretError;

/// A failed Site Manager call.
#[derive(Debug, thiserror::Error)]
pub enum UnifiError {
    /// The client could not be built (base URL refused, TLS setup).
    #[error("failed to set up the UniFi Site Manager client: {0}")]
    Setup(#[source] HttpError),
    /// The API key could not be read.
    #[error("UniFi Site Manager API key is not available: {0}")]
    Secret(#[source] SecretError),
    /// The key was refused, also after re-reading it once.
    #[error(
        "UniFi Site Manager refused `UNIFI_API_TOKEN` on {endpoint} (401, after one re-read \
         of the key{trace})\n\
         hint: create a new API key at unifi.ui.com → API and store it in the vault secret \
         `unifi-api-token` or in UNIFI_API_TOKEN"
    )]
    Unauthorized {
        /// `METHOD /path`.
        endpoint: String,
        /// `, trace id …` or empty.
        trace: String,
    },
    /// The service failed (429 or 5xx) on every attempt, or never answered.
    #[error(
        "UniFi Site Manager is unavailable: {endpoint} answered {status} after {attempts} \
         attempt(s): {message}{trace}\n\
         hint: check https://status.ui.com; the next run retries"
    )]
    Unavailable {
        /// `METHOD /path`.
        endpoint: String,
        /// Last status.
        status: u16,
        /// Attempts made.
        attempts: u32,
        /// The service's message.
        message: String,
        /// `, trace id …` or empty.
        trace: String,
    },
    /// No answer at all: connection refused, reset or timed out, after every retry.
    #[error("UniFi Site Manager did not answer: {0}")]
    Transport(#[source] HttpError),
    /// 404: the host or SD-WAN configuration does not exist, or the operation is not offered
    /// on this account under `/v1` nor `/ea`.
    #[error("UniFi Site Manager has no {endpoint}: {message}{trace}")]
    NotFound {
        /// `METHOD /path`.
        endpoint: String,
        /// The service's message.
        message: String,
        /// `, trace id …` or empty.
        trace: String,
    },
    /// An ISP-metrics query reached none of its sites (502 on every attempt).
    #[error(
        "UniFi Site Manager answered 502 to {endpoint} on every attempt: none of the requested \
         sites is accessible to the key, or the service is failing{trace}\n\
         hint: check the host and site ids and that the key's account can see those sites"
    )]
    NoSiteAccessible {
        /// `METHOD /path`.
        endpoint: String,
        /// `, trace id …` or empty.
        trace: String,
    },
    /// Any other refusal (400, 403, ...).
    #[error("UniFi Site Manager refused {endpoint} with {status} `{code}`: {message}{trace}")]
    Refused {
        /// `METHOD /path`.
        endpoint: String,
        /// Status.
        status: u16,
        /// The service's `code`, lower-cased (its case varies).
        code: String,
        /// The service's message.
        message: String,
        /// `, trace id …` or empty.
        trace: String,
    },
    /// A success answer we could not read.
    #[error("failed to read the UniFi Site Manager answer to {endpoint}: {reason}")]
    Decode {
        /// `METHOD /path`.
        endpoint: String,
        /// What was wrong.
        reason: String,
    },
    /// A list returned a `nextToken` it had returned before.
    #[error(
        "UniFi Site Manager paging of {endpoint} looped: `nextToken` repeated after {items} \
         item(s); stopped rather than read the same pages again"
    )]
    PagingLoop {
        /// `METHOD /path`.
        endpoint: String,
        /// Items read before the repeat.
        items: usize,
    },
}

impl UnifiError {
    /// The class of the failure, for the exit code and the health table.
    pub fn class(&self) -> FailureClass {
        match self {
            UnifiError::Secret(_) | UnifiError::Unauthorized { .. } => FailureClass::Auth,
            UnifiError::Unavailable { .. } | UnifiError::Transport(_) => FailureClass::Unavailable,
            UnifiError::Setup(_)
            | UnifiError::NotFound { .. }
            | UnifiError::NoSiteAccessible { .. }
            | UnifiError::Refused { .. }
            | UnifiError::Decode { .. }
            | UnifiError::PagingLoop { .. } => FailureClass::Other,
        }
    }

    /// Whether the answer was a 404 (the `/ea` fallback and "no such id" checks use it).
    pub fn is_not_found(&self) -> bool {
        matches!(self, UnifiError::NotFound { .. })
    }
}
