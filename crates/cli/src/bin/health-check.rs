//! `health-check`: checks every component once (`--check`) or serves `/health`, `/ready` and
//! `/metrics` (`--serve`).

use std::net::IpAddr;
use std::process::ExitCode;

use clap::Parser;
use oberaconnect::app::health_check::{self, HealthCommand};
use oberaconnect::cli_args::{ConfigArgs, LogArgs, init_logging};
use oberaconnect::exit::EXIT_CODES_HELP;

/// Checks Notion, UniFi, NinjaOne, Key Vault (when configured), the state store and disk
/// space, as the runbook's health check does.
///
/// With DR_TEST_MODE=true it runs against the built-in simulator and needs no credentials.
#[derive(Debug, Parser)]
#[command(version, after_help = EXIT_CODES_HELP)]
struct Args {
    /// Run every check once, print the result and exit with its code.
    #[arg(long, required_unless_present = "serve", conflicts_with = "serve")]
    check: bool,
    /// Serve /health (liveness), /ready and /metrics (Prometheus) until interrupted.
    #[arg(long)]
    serve: bool,
    /// Print the result as JSON (with --check).
    #[arg(long, requires = "check")]
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
