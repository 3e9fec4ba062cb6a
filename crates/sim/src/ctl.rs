//! Control operations from the command line: the same [`Operation`]s as the control API,
//! carried out either on a running simulator (`--url`) or directly on a state directory
//! (`--state-dir`), which is how an operator injects a fault into the in-process simulator of
//! DR test mode, where no server is listening between commands.

use std::path::PathBuf;

use serde_json::Value;

use crate::control::{self, Operation};
use crate::{Sim, SimConfig};

/// Where a control operation goes.
#[derive(Debug, Clone)]
pub enum Target {
    /// A running `mock-apis serve`, by its base URL (e.g. `http://127.0.0.1:8089`).
    Url(String),
    /// A state directory, changed in place.
    StateDir(PathBuf),
}

/// Why a control operation failed.
#[derive(Debug, thiserror::Error)]
pub enum CtlError {
    /// The directory holds no simulator state.
    #[error(
        "`{0}` holds no simulator state (no control.json); start `mock-apis serve --state-dir` or a DR test run first"
    )]
    NoState(PathBuf),
    /// The state could not be opened.
    #[error("failed to open the simulator state: {0}")]
    State(#[from] crate::persist::PersistError),
    /// The running simulator could not be reached.
    #[error("failed to reach the simulator at `{url}`: {source}")]
    Unreachable {
        /// The URL tried.
        url: String,
        /// The cause.
        source: reqwest::Error,
    },
    /// The simulator refused the operation.
    #[error("the simulator refused: {0}")]
    Refused(String),
}

/// Carries out `operation` on `target` and returns the simulator's JSON answer.
pub async fn run(target: &Target, operation: Operation) -> Result<Value, CtlError> {
    match target {
        Target::StateDir(dir) => {
            if !dir.join("control.json").exists() {
                return Err(CtlError::NoState(dir.clone()));
            }
            let config = SimConfig {
                state_dir: Some(dir.clone()),
                ..SimConfig::ephemeral()
            };
            let sim = Sim::open(config)?;
            control::perform(&sim, operation).map_err(|err| CtlError::Refused(err.1))
        }
        Target::Url(base) => over_http(base.trim_end_matches('/'), &operation).await,
    }
}

async fn over_http(base: &str, operation: &Operation) -> Result<Value, CtlError> {
    let (method, route, body) = operation.request();
    let url = format!("{base}/_sim{route}");
    let unreachable = |source| CtlError::Unreachable {
        url: url.clone(),
        source,
    };
    let mut request = reqwest::Client::new().request(method, &url);
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.map_err(unreachable)?;
    let status = response.status();
    let answer: Value = response.json().await.map_err(unreachable)?;
    if status.is_success() {
        Ok(answer)
    } else {
        let message = answer["error"]
            .as_str()
            .map_or_else(|| answer.to_string(), str::to_owned);
        Err(CtlError::Refused(message))
    }
}
