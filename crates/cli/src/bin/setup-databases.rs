//! `setup-databases`: creates the four Notion databases (`--create-all`), checks them against
//! the expected schemas (`--verify`), and adds what is missing (`--migrate`).

use std::process::ExitCode;

use clap::{ArgGroup, Parser};
use oberaconnect::app::setup_databases::{self, SetupCommand};
use oberaconnect::cli_args::{ConfigArgs, LogArgs, init_logging};
use oberaconnect::exit::EXIT_CODES_HELP;

/// Creates and checks the four Notion databases: Customer Status Board, Daily Health
/// Summaries, Config Changes Log and Device Issues, with the properties, types and options
/// the syncs need.
///
/// --create-all creates them under a page that is shared with the integration (Customer
/// Status first, so that Daily Health's Site relation can point at it) and prints each
/// database id and data source id; --write-config stores the ids in config.json, changing
/// nothing else in the file. A page the integration cannot see exits 3.
///
/// --verify compares each database in config.json with its expected schema: properties
/// missing, renamed, retyped or configured otherwise, and missing select options, each with
/// how to fix it. It exits 9 on any difference. Extra properties (people's own columns) and
/// a changed database title are listed but are not differences.
///
/// --migrate adds the missing properties and select options and exits 0 when nothing else
/// is left; it never removes, renames or retypes a property, and no row loses a value.
/// Renamed and retyped properties are left for a person (exit 9).
///
/// With DR_TEST_MODE=true it runs against the built-in simulator and needs no credentials;
/// --parent-page defaults to the simulator's page.
#[derive(Debug, Parser)]
#[command(
    version,
    after_help = EXIT_CODES_HELP,
    group(ArgGroup::new("action").required(true).args(["create_all", "verify", "migrate"])),
)]
struct Args {
    /// Create the four databases under --parent-page.
    #[arg(long)]
    create_all: bool,
    /// Compare each configured database with its expected schema; exit 9 on differences.
    #[arg(long)]
    verify: bool,
    /// Add missing properties and select options to the configured databases.
    #[arg(long)]
    migrate: bool,
    /// The page to create the databases under: its id or URL.
    #[arg(long, value_name = "ID", requires = "create_all")]
    parent_page: Option<String>,
    /// Store the new database ids in config.json (only the ids change).
    #[arg(long, requires = "create_all")]
    write_config: bool,
    /// Print what would be created or added; change nothing.
    #[arg(long, conflicts_with = "verify")]
    dry_run: bool,
    /// Print the result as one JSON object.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    config: ConfigArgs,
    #[command(flatten)]
    log: LogArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    init_logging(&args.log);
    let command = if args.create_all {
        SetupCommand::CreateAll {
            parent_page: args.parent_page,
            write_config: args.write_config,
            dry_run: args.dry_run,
        }
    } else if args.migrate {
        SetupCommand::Migrate {
            dry_run: args.dry_run,
        }
    } else {
        SetupCommand::Verify
    };
    setup_databases::run(args.config.config, command, args.json)
        .await
        .into()
}
