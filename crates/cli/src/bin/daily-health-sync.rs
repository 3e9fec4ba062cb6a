//! `daily-health-sync`: one Daily Health Summaries row per site per local day.

use std::process::ExitCode;

use clap::Parser;
use oberaconnect::app::daily_health;
use oberaconnect::cli_args::{SyncArgs, init_logging};
use oberaconnect::exit::EXIT_CODES_HELP;

/// Writes one Daily Health Summaries row per site and local day (the site's UniFi time zone,
/// else the business time zone), keyed `{site id}:{date}`: a re-run updates the day's row,
/// never adds a second.
///
/// Each run stores a snapshot of every site in the state store. A day's row comes from its
/// last snapshot; days without one from what the sources keep (UniFi ISP metrics for 30 days,
/// NinjaOne's activity log); columns with no source stay empty and the report lists the
/// partial and missing days.
///
/// Without dates it publishes the last published day, any day missed since and today, so
/// the backlog after an outage is caught up. --start-date/--end-date publish a range
/// (backfill); --full-sync every day that has data. Config drift is a configuration change
/// between snapshots that no manual Config Changes Log entry covers.
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
    daily_health::run(args.sync).await.into()
}
