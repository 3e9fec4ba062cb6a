//! The command-line pieces every binary shares: logging flags and their set-up, the
//! configuration flag, and the exit-code table for `--help`. Each binary's own arguments live
//! beside the function that runs it.

mod logging;
mod sync;

pub use logging::{LogArgs, LogFormat, init_logging};
pub use sync::{SyncArgs, SyncFlag};

use std::path::PathBuf;

/// `--config`: where `config.json` is.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ConfigArgs {
    /// Path of config.json [default: $OBERACONNECT_CONFIG, else ./config.json].
    #[arg(long, short = 'c', value_name = "PATH", global = true)]
    pub config: Option<PathBuf>,
}
