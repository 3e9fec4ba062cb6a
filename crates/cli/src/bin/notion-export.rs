//! `notion-export`: backs up, verifies and restores the four Notion databases.

use std::process::ExitCode;

use clap::Parser;
use oberaconnect::app::notion_export::{self, ExportArgs};
use oberaconnect::cli_args::init_logging;
use oberaconnect::exit::EXIT_CODES_HELP;

/// Backs up each configured Notion database (or --database NAME) to
/// backup_{name}_{YYYYMMDD}.json (or .csv) in --out-dir, with every page and
/// every property as Notion returned it, past the 10,000-row query cap and past
/// the 25 references a relation shows; writes manifest.json (schema, page
/// count, file and SHA-256 per database); then removes backups older than
/// --retention-days.
///
/// --verify DIR checks every checksum in DIR/manifest.json, then compares each
/// backup with its live database: pages missing or extra live, pages whose
/// properties differ, schema differences. It exits 9 when anything differs
/// (also when a file does not match its checksum) and 2 when the manifest or a
/// backup cannot be read.
///
/// --restore FILE --database-id ID recreates the pages of a JSON backup in that
/// database. Rows are matched by Sync Key, rows without one by their original
/// page id in a restore ledger beside the state store, so a second restore
/// creates nothing; relation references follow their rows by Sync Key.
/// --restore DIR restores every backup DIR/manifest.json lists, each into the
/// database config.json names for it (after setup-databases --create-all
/// --write-config), Customer Status first. --dry-run prints what would be
/// created.
///
/// With DR_TEST_MODE=true it runs against the built-in simulator and needs no
/// credentials.
#[derive(Debug, Parser)]
#[command(version, after_help = EXIT_CODES_HELP)]
struct Args {
    #[command(flatten)]
    export: ExportArgs,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    init_logging(&args.export.log);
    notion_export::run(args.export).await.into()
}
