//! `sync-state`: shows and clears the syncs' cached state.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use oberaconnect::app::sync_state::{self, StateCommand};
use oberaconnect::cli_args::{ConfigArgs, LogArgs, init_logging};
use oberaconnect::config::Dataset;
use oberaconnect::exit::EXIT_CODES_HELP;

/// Shows what the state store holds for each dataset, and clears a dataset's cached sync
/// state (checkpoints, absence counts) so its next run starts over: the runbook's full
/// resync does this before running every sync with --full-sync.
///
/// Run history, daily snapshots, the write journal and recorded property ids are kept. A
/// dataset whose sync is running is not touched (exit 7).
///
/// With DR_TEST_MODE=true it works on the DR test state directory.
#[derive(Debug, Parser)]
#[command(version, after_help = EXIT_CODES_HELP)]
struct Args {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    config: ConfigArgs,
    #[command(flatten)]
    log: LogArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print each dataset's checkpoints, pending creates and last good run.
    Show {
        /// As one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Clear the cached state of one dataset, or of all with --all.
    Clear {
        /// The dataset: customer_status, daily_health, config_changes or alerts.
        #[arg(long, value_name = "NAME", required_unless_present = "all")]
        dataset: Option<Dataset>,
        /// Every dataset.
        #[arg(long, conflicts_with = "dataset")]
        all: bool,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    init_logging(&args.log);
    let command = match args.command {
        Command::Show { json } => StateCommand::Show { json },
        Command::Clear { dataset, all } => StateCommand::Clear {
            datasets: if all {
                Dataset::ALL.to_vec()
            } else {
                dataset.into_iter().collect()
            },
        },
    };
    sync_state::run(args.config.config, command).await.into()
}
