//! `notion-export`: backups of the four Notion databases, their verification
//! against the live databases, and their restore into a database.
//!
//! An export reads every page of each configured database as Notion returns it,
//! past the 10,000-row query cap and past the 25 references a relation shows in
//! a page object, and writes one file per database and a manifest with each
//! file's SHA-256. `--verify` checks the checksums, then compares each backup
//! with its live database. `--restore` recreates a backup's pages in a
//! database, keyed so that running it again creates nothing.
//!
//! | file           | owns                                                   |
//! |----------------|--------------------------------------------------------|
//! | `read.rs`      | a data source's raw pages to the end, relations whole  |
//! | `backup.rs`    | file names, the JSON layout, checksums, whole writes   |
//! | `manifest.rs`  | schema, counts, files and checksums per database       |
//! | `csv.rs`       | display text of values, CSV writing and parsing        |
//! | `export.rs`    | one file per database, the manifest, the summary       |
//! | `retention.rs` | removing backups older than the kept number of days    |
//! | `verify.rs`    | `--verify`: checksums, then pages and schema vs Notion |
//! | `writable.rs`  | a page's read values as values a create accepts        |
//! | `ledger.rs`    | the restore ledger: which original became which page   |
//! | `restore/`     | `--restore`: keyed, guarded creates into a database;   |
//! |                | `rows.rs` what is written where, `relink.rs` relation  |
//! |                | references carried by key, `set.rs` a manifest's set,  |
//! |                | `report.rs` what it prints                              |
//!
//! It does not own the Notion client (`crate::notion`) nor the dataset schemas
//! (`crate::model`): a backup holds whatever properties the database has.

mod backup;
mod csv;
mod error;
mod export;
mod ledger;
mod manifest;
mod read;
mod restore;
mod retention;
mod verify;
mod writable;

use std::io::IsTerminal;
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};

pub use self::backup::{Format, sha256_hex};
pub use self::error::ExportError;
use super::context::Context;
use crate::cli_args::{ConfigArgs, LogArgs};
use crate::config::Dataset;
use crate::exit::Outcome;
use crate::secrets::SecretName;

/// The only secret these commands read.
const SECRETS: &[SecretName] = &[SecretName::NotionToken];

/// `notion-export`'s arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub config: ConfigArgs,
    /// Directory the backups and manifest.json are written to (created when
    /// missing).
    #[arg(long, value_name = "DIR", default_value = "./backups")]
    pub out_dir: PathBuf,
    /// Only this database (customer_status, daily_health, config_changes,
    /// alerts); with --restore DIR, only its backup.
    #[arg(long, value_name = "NAME")]
    pub database: Option<Dataset>,
    /// json keeps every value as Notion returned it (restorable); csv writes
    /// display text.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// After a successful export, remove backups in --out-dir dated more than
    /// this many days before today (by the date in their name).
    #[arg(long, value_name = "N", default_value_t = 90,
          value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub retention_days: u32,
    /// Check a backup set instead of exporting: the checksums in
    /// DIR/manifest.json (or the manifest file given), then each backup against
    /// its live database.
    #[arg(long, value_name = "DIR|MANIFEST",
          conflicts_with_all = ["restore", "out_dir", "format", "retention_days"])]
    pub verify: Option<PathBuf>,
    /// Recreate the pages of this JSON backup file in the database
    /// --database-id names; or, given a directory or manifest, of every backup
    /// it lists, each in the database config.json names for it (Customer Status
    /// first).
    #[arg(long, value_name = "FILE|DIR",
          conflicts_with_all = ["out_dir", "format", "retention_days"])]
    pub restore: Option<PathBuf>,
    /// The database a restore of one backup writes into.
    #[arg(long, value_name = "ID", requires = "restore")]
    pub database_id: Option<String>,
    /// With --restore: print what would be created and write nothing.
    #[arg(long, requires = "restore")]
    pub dry_run: bool,
    /// Print the summary as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub log: LogArgs,
}

/// Runs what `args` ask for (export, `--verify` or `--restore`); returns the
/// exit outcome.
pub async fn run(args: ExportArgs) -> Outcome {
    if let Some(file) = &args.restore {
        return restore::run(&args, file).await;
    }
    if let Some(path) = &args.verify {
        return verify::run(&args, path).await;
    }
    export::run(&args).await
}

/// Loads the context, or prints why not.
async fn start(config: &ConfigArgs) -> Result<Context, Outcome> {
    Context::load_for_command(config.config.as_deref(), SECRETS).await
}

/// Prints `error` and returns its outcome.
fn fail(error: &ExportError) -> Outcome {
    eprintln!("error: {error}");
    error.outcome()
}

/// A counter of pages read, on stderr, drawn only on a terminal.
fn progress(what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}: {pos} pages read") {
        bar.set_style(style);
    }
    bar.set_message(what.to_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

/// Prints `value` as one line of JSON on stdout.
fn print_json(value: &serde_json::Value) {
    println!("{value}");
}

/// `text` as one line, cut to `max` characters.
fn short(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or_default();
    match line.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &line[..end]),
        None => line.to_owned(),
    }
}
