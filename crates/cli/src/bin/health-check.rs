//! `health-check`: checks every component once (`--check`), serves `/health`, `/ready` and
//! `/metrics` (`--serve`), or validates the data of the four databases (`--validate`).

use std::net::IpAddr;
use std::process::ExitCode;

use clap::Parser;
use oberaconnect::app::health_check::{self, HealthCommand};
use oberaconnect::app::validate;
use oberaconnect::cli_args::{ConfigArgs, LogArgs, init_logging};
use oberaconnect::config::Dataset;
use oberaconnect::exit::EXIT_CODES_HELP;

/// Checks Notion, UniFi, NinjaOne, Key Vault (when configured), the state store and disk
/// space, as the runbook's health check does.
///
/// --validate does the runbook's data validation: for each configured database, the keys the
/// sources give against the keys of its rows (counts; keys missing, extra, duplicated). It
/// exits 9 when they differ. Retired rows (offboarding sites, resolved alerts) are history
/// and left out; Daily Health is compared over its last published days (at most 7); in the
/// Config Changes Log only NinjaOne changes have a source to count them against.
///
/// With DR_TEST_MODE=true it runs against the built-in simulator and needs no credentials.
#[derive(Debug, Parser)]
#[command(version, after_help = EXIT_CODES_HELP)]
struct Args {
    /// Run every check once, print the result and exit with its code.
    #[arg(long, required_unless_present_any = ["serve", "validate"], conflicts_with_all = ["serve", "validate"])]
    check: bool,
    /// Compare each database's rows with the sources and exit 9 on any difference.
    #[arg(long, conflicts_with = "serve")]
    validate: bool,
    /// Validate only this database (customer_status, daily_health, config_changes, alerts).
    #[arg(long, value_name = "NAME", requires = "validate")]
    database: Option<Dataset>,
    /// Serve /health (liveness), /ready and /metrics (Prometheus) until interrupted.
    #[arg(long)]
    serve: bool,
    /// Print the result as JSON (with --check or --validate).
    #[arg(long)]
    json: bool,
    /// Address to listen on (with --serve).
    #[arg(long, default_value = "127.0.0.1", requires = "serve")]
    bind: IpAddr,
    /// Port to listen on (with --serve).
    #[arg(long, default_value_t = 8080, requires = "serve")]
    port: u16,
    #[command(flatten)]
    config: ConfigArgs,
    #[command(flatten)]
    log: LogArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    init_logging(&args.log);
    if args.validate {
        return validate::run(args.config.config, args.json, args.database)
            .await
            .into();
    }
    let command = if args.serve {
        HealthCommand::Serve {
            bind: args.bind,
            port: args.port,
        }
    } else {
        HealthCommand::Check { json: args.json }
    };
    health_check::run(args.config.config, command).await.into()
}
