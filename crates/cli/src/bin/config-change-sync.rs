//! `config-change-sync`: keeps the Config Changes Log, and lets engineers log,
//! list and report changes by hand.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use oberaconnect::app::{config_change_log, config_changes};
use oberaconnect::cli_args::{SyncArgs, init_logging};
use oberaconnect::exit::EXIT_CODES_HELP;

/// Keeps the Config Changes Log: one row per configuration change, from three
/// sources.
///
/// Without a subcommand it syncs the two the toolkit finds itself: NinjaOne
/// activities that record a configuration change, and UniFi snapshot
/// differences (a device added or removed, firmware changed, configuration
/// counts changed). Each row is keyed by its source and written once; Notes
/// belong to people.
///
/// The third source is manual entries: `log` records a change made by hand or
/// by an engineer's tool, with the earlier risk rules; a high or critical
/// change needs a rollback plan. `recent` lists the latest changes and `report`
/// summarises a period by site.
///
/// With DR_TEST_MODE=true it runs against the built-in simulator and needs no
/// credentials.
#[derive(Debug, Parser)]
#[command(version, args_conflicts_with_subcommands = true, after_help = EXIT_CODES_HELP)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    sync: SyncArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Log one change made by hand or by an engineer's tool.
    Log(config_change_log::LogChangeArgs),
    /// List the changes of the last days, newest first.
    Recent(config_change_log::RecentArgs),
    /// Summarise the changes of the last days: counts, then the changes by
    /// site.
    Report(config_change_log::ReportArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let outcome = match args.command {
        None => {
            init_logging(&args.sync.log);
            config_changes::run(args.sync).await
        }
        Some(Command::Log(log)) => {
            init_logging(&log.log);
            config_change_log::log(log).await
        }
        Some(Command::Recent(recent)) => {
            init_logging(&recent.log);
            config_change_log::recent(recent).await
        }
        Some(Command::Report(report)) => {
            init_logging(&report.log);
            config_change_log::report(report).await
        }
    };
    outcome.into()
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Args;

    #[test]
    fn the_command_line_is_well_formed() {
        Args::command().debug_assert();
    }
}
