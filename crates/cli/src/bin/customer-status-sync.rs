//! `customer-status-sync`: keeps the Customer Status Board true to UniFi and NinjaOne.

use std::process::ExitCode;

use clap::Parser;
use oberaconnect::app::customer_status;
use oberaconnect::cli_args::{SyncArgs, init_logging};
use oberaconnect::exit::EXIT_CODES_HELP;

/// Writes one Customer Status Board row per UniFi site: name, state, device count, health
/// score and deployment status, joined to the site's NinjaOne organization through the
/// site map in config.json.
///
/// Rows are keyed by site id (a renamed site keeps its row). A re-run with nothing changed
/// writes nothing; Notes and other columns people edit are never touched. A site gone from
/// UniFi is marked offboarding after settings.guards.retire_after_absences runs.
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
    customer_status::run(args.sync).await.into()
}
