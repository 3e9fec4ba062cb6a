//! Errors of the Notion client, each with the context an operator needs: the endpoint, the
//! Notion error code and request id, and a hint where we know the fix.

use std::time::Duration;

use crate::http::{FailureClass, HttpError};
use crate::secrets::SecretError;

/// Why a Notion call failed.
#[derive(Debug, thiserror::Error)]
pub enum NotionError {
    /// The token was refused, also after reading it again.
    #[error(
        "Notion refused the integration token (401 unauthorized) on {endpoint}\n\
         hint: the token in NOTION_TOKEN (vault secret `notion-token`) was revoked or rotated; \
         create a new one for the integration and store it (RUNBOOK: \"Notion token revoked\")"
    )]
    Unauthorized {
        /// Method and path.
        endpoint: String,
    },
    /// The object does not exist or is not shared with the integration.
    #[error(
        "Notion has no {endpoint} visible to the integration (404 object_not_found)\n\
         hint: check the id in config.json and share the page or database with the \
         integration (••• → Connections)"
    )]
    NotFound {
        /// Method and path.
        endpoint: String,
    },
    /// The service was unavailable or kept throttling us, after every retry.
    #[error(
        "Notion is unavailable: {endpoint} answered {status} {code} after {attempts} \
         attempt(s) over {:.1} s{}", elapsed.as_secs_f64(), request_id_suffix(request_id)
    )]
    Unavailable {
        /// Method and path.
        endpoint: String,
        /// HTTP status of the last answer.
        status: u16,
        /// Notion error code (or `html` for an edge error page).
        code: String,
        /// Attempts made.
        attempts: u32,
        /// Time spent.
        elapsed: Duration,
        /// `request_id` of the last answer.
        request_id: Option<String>,
    },
    /// Notion refused the request.
    #[error(
        "Notion refused {endpoint}: {status} {code}: {message}{}",
        request_id_suffix(request_id)
    )]
    Refused {
        /// Method and path.
        endpoint: String,
        /// HTTP status.
        status: u16,
        /// Notion error code.
        code: String,
        /// Notion's message.
        message: String,
        /// `request_id`.
        request_id: Option<String>,
    },
    /// A database has more than one data source; the sync writes to exactly one.
    #[error(
        "database {database_id} has {count} data sources; the sync needs exactly one\n\
         hint: someone added a data source in the Notion UI; remove it or point config.json \
         at a database with one"
    )]
    MultipleDataSources {
        /// The database.
        database_id: String,
        /// How many it has.
        count: usize,
    },
    /// A list was cut short where it should have gone on.
    #[error("Notion query of {what} ended early: {reason}")]
    ShortRead {
        /// What was being read.
        what: String,
        /// What went wrong.
        reason: String,
    },
    /// An answer we could not read.
    #[error("unexpected Notion {what}: {reason}")]
    Decode {
        /// The object.
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// The request never got an answer.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The token could not be read.
    #[error(transparent)]
    Secret(#[from] SecretError),
}

fn request_id_suffix(request_id: &Option<String>) -> String {
    request_id
        .as_ref()
        .map(|id| format!(" (request id {id})"))
        .unwrap_or_default()
}

impl NotionError {
    pub(crate) fn decode(what: &str, reason: impl Into<String>) -> Self {
        NotionError::Decode {
            what: what.to_owned(),
            reason: reason.into(),
        }
    }

    /// The class of this failure, for exit codes and health.
    pub fn class(&self) -> FailureClass {
        match self {
            NotionError::Unauthorized { .. } => FailureClass::Auth,
            NotionError::Unavailable { .. } => FailureClass::Unavailable,
            NotionError::Http(err) => err.class(),
            NotionError::Secret(_) => FailureClass::Auth,
            _ => FailureClass::Other,
        }
    }

    /// Whether the request may have been applied although no success came back (a create
    /// that timed out or got a 5xx): the write journal must look before creating again.
    pub fn maybe_applied(&self) -> bool {
        match self {
            NotionError::Unavailable { status, .. } => *status >= 500 && *status != 529,
            NotionError::Http(HttpError::Transport { maybe_applied, .. }) => *maybe_applied,
            _ => false,
        }
    }
}
