//! Why a binary could not get going: its configuration, its secrets or DR test mode.

use crate::config::ConfigError;
use crate::dr_test::DrTestError;
use crate::exit::Outcome;
use crate::secrets::SecretError;

/// A failure before any work started.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// `config.json` or an override is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A secret could not be read.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// DR test mode could not start its simulator.
    #[error(transparent)]
    DrTest(#[from] DrTestError),
    /// An API client could not be built (a base URL that is not allowed, TLS set-up).
    #[error("failed to set up the {api} client: {reason}")]
    Client {
        /// The API.
        api: &'static str,
        /// What went wrong.
        reason: String,
    },
}

impl StartupError {
    /// The exit code for this failure.
    pub fn outcome(&self) -> Outcome {
        match self {
            StartupError::Config(_) | StartupError::Client { .. } => Outcome::Config,
            StartupError::Secret(err) => err.outcome(),
            StartupError::DrTest(_) => Outcome::Unavailable,
        }
    }
}
