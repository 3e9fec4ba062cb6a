//! `alert-sync`: keeps Device Issues true to NinjaOne's active alerts.

use std::process::ExitCode;

use clap::Parser;
use oberaconnect::app::alert_sync;
use oberaconnect::cli_args::{SyncArgs, init_logging};
use oberaconnect::exit::EXIT_CODES_HELP;

/// Writes one Device Issues row per active NinjaOne alert, keyed by the alert's uid, with
/// its device, organization, issue type, severity and suggested action.
///
/// An alert that clears is marked resolved; one that returns is reopened as new. Status
/// (once triaged), Scheduled Action, Scheduled Time and Notes belong to people and are never
/// overwritten. --start-date/--end-date limit the run to alerts created in that range.
///
/// With DR_TEST_MODE=true it runs against the built-in simulator and needs no credentials.
#[derive(Debug, Parser)]
#[command(version, after_help = EXIT_CODES_HELP)]
struct Args {
    #[command(flatten)]
    sync: SyncArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    init_logging(&args.sync.log);
    alert_sync::run(args.sync).await.into()
}
