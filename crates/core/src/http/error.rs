//! Errors of the shared HTTP layer: the request never got an answer, or the base URL is not
//! one we may talk to.

use std::time::Duration;

/// Why a request got no usable answer.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The base URL does not parse, or is plain `http` to a host that is not loopback.
    #[error(
        "{api} base URL `{url}` is not allowed: {reason}\n\
         hint: use https, or plain http only to 127.0.0.1, localhost or [::1]"
    )]
    BaseUrl {
        /// The API.
        api: &'static str,
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP client could not be built (TLS setup).
    #[error("failed to build the {api} HTTP client: {source}")]
    Build {
        /// The API.
        api: &'static str,
        /// The cause.
        source: reqwest::Error,
    },
    /// No answer: connection refused, reset, timed out, after every retry.
    #[error("{api} did not answer {method} {path} after {attempts} attempt(s) over {:.1} s: {cause}", elapsed.as_secs_f64())]
    Transport {
        /// The API.
        api: &'static str,
        /// HTTP method.
        method: String,
        /// Path below the base URL (no query string: it may carry ids worth keeping private).
        path: String,
        /// Attempts made.
        attempts: u32,
        /// Time from the first attempt to giving up.
        elapsed: Duration,
        /// The last cause, with its sources.
        cause: String,
        /// Whether the server may have applied the request (the connection opened).
        maybe_applied: bool,
    },
}

impl HttpError {
    /// Whether the failure is the service being unreachable (as opposed to our own setup).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, HttpError::Transport { .. })
    }
}

/// The error and every source below it, joined with `: `.
pub fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let next = cause.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = cause.source();
    }
    text
}

/// What kind of failure an API error is, for the exit code and the health table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureClass {
    /// A credential was refused (after one re-read of the secret).
    Auth,
    /// The service did not answer, or answered 5xx / 429, after every retry.
    Unavailable,
    /// Anything else: a refused request, an answer we could not read.
    Other,
}

impl HttpError {
    /// The class of this failure.
    pub fn class(&self) -> FailureClass {
        if self.is_unavailable() {
            FailureClass::Unavailable
        } else {
            FailureClass::Other
        }
    }
}
