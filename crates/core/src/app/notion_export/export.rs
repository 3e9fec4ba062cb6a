//! The export: for each configured database (or `--database`), its data source,
//! live schema and every page, written as `backup_{name}_{YYYYMMDD}.json|csv`
//! in the out directory; then the manifest; then, when every database was
//! exported, retention.
//!
//! The date in the names is the run's date in the business time zone, by the
//! run's clock (the simulator's in DR test mode). A database that fails does
//! not stop the others; the manifest then lists the ones written, and retention
//! is skipped so that a failing export never removes the last good backups.

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, SecondsFormat};
use serde_json::{Map, Value, json};

use super::backup::{BackupFile, BackupHeader, Format, file_name, sha256_hex, write_whole};
use super::error::ExportError;
use super::manifest::{DatabaseEntry, MANIFEST, Manifest};
use super::read::{ReadStats, read_pages};
use super::{ExportArgs, csv, fail, print_json, progress, retention, start};
use crate::app::context::Context;
use crate::app::sync_command::today;
use crate::config::Dataset;
use crate::exit::Outcome;
use crate::notion::{DataSource, DatabaseId};

/// One database written.
struct Exported {
    entry: DatabaseEntry,
    stats: ReadStats,
}

/// What an export run did.
struct Summary {
    out_dir: PathBuf,
    date: NaiveDate,
    format: Format,
    exported: Vec<Exported>,
    failed: Vec<(Dataset, ExportError)>,
    manifest: Option<PathBuf>,
    retention: Retention,
}

/// What retention did.
enum Retention {
    /// It ran and removed these files.
    Removed(Vec<String>),
    /// It did not run, for this reason.
    Skipped(String),
}

/// Runs an export; returns the exit outcome.
pub(super) async fn run(args: &ExportArgs) -> Outcome {
    let context = match start(&args.config).await {
        Ok(context) => context,
        Err(outcome) => return outcome,
    };
    let datasets = match datasets(&context, args.database) {
        Ok(datasets) => datasets,
        Err(message) => {
            eprintln!("error: {message}");
            return Outcome::Config;
        }
    };
    let dir = args.out_dir.clone();
    if let Err(source) = std::fs::create_dir_all(&dir) {
        return fail(&ExportError::Write { path: dir, source });
    }
    let date = today(&context);
    tracing::info!(out_dir = %dir.display(), %date, databases = datasets.len(), "export started");

    let mut summary = Summary {
        out_dir: dir.clone(),
        date,
        format: args.format,
        exported: Vec::new(),
        failed: Vec::new(),
        manifest: None,
        retention: Retention::Skipped("no database was exported".to_owned()),
    };
    for (dataset, database) in datasets {
        match export_one(&context, dataset, &database, &dir, date, args.format).await {
            Ok(exported) => summary.exported.push(exported),
            Err(err) => {
                tracing::error!(database = %dataset, "export failed: {err}");
                summary.failed.push((dataset, err));
            }
        }
    }
    let outcome = finish(&context, args, &mut summary);
    print_summary(&summary, args.json, args.retention_days);
    outcome
}

/// Writes the manifest and runs retention; returns the run's outcome.
fn finish(context: &Context, args: &ExportArgs, summary: &mut Summary) -> Outcome {
    let mut outcome = summary
        .failed
        .iter()
        .map(|(_, err)| err.outcome())
        .max()
        .unwrap_or(Outcome::Success);
    if summary.exported.is_empty() {
        return outcome;
    }
    let entries = summary.exported.iter().map(|e| e.entry.clone()).collect();
    let mut manifest = Manifest::new(
        summary.date,
        stamp(context),
        context.notion.version().to_owned(),
        entries,
    );
    if let Ok((_, earlier)) = Manifest::read(&summary.out_dir.join(MANIFEST)) {
        manifest.keep_others(earlier, &summary.out_dir);
    }
    match manifest.write(&summary.out_dir) {
        Ok([latest, _]) => summary.manifest = Some(latest),
        Err(err) => {
            summary.retention = Retention::Skipped("the manifest was not written".to_owned());
            eprintln!("error: {err}");
            return outcome.max(err.outcome());
        }
    }
    if !summary.failed.is_empty() {
        summary.retention = Retention::Skipped("a database failed".to_owned());
        return outcome;
    }
    match retention::sweep(&summary.out_dir, summary.date, args.retention_days) {
        Ok(removed) => summary.retention = Retention::Removed(removed),
        Err(err) => {
            eprintln!("error: retention: {err}");
            summary.retention = Retention::Skipped(err.to_string());
            outcome = outcome.max(err.outcome());
        }
    }
    outcome
}

/// The databases to export: `only`, or every one config.json names.
fn datasets(
    context: &Context,
    only: Option<Dataset>,
) -> Result<Vec<(Dataset, DatabaseId)>, String> {
    let mut datasets = Vec::new();
    for dataset in Dataset::ALL {
        if only.is_some_and(|o| o != dataset) {
            continue;
        }
        let configured = match context.config.database(dataset) {
            Ok(id) => id,
            Err(err) if only.is_some() => return Err(err.to_string()),
            Err(_) => {
                tracing::warn!(database = %dataset, "no database in config.json; not exported");
                continue;
            }
        };
        let id = DatabaseId::parse(configured.as_str()).map_err(|err| err.to_string())?;
        datasets.push((dataset, id));
    }
    if datasets.is_empty() {
        return Err(
            "config.json names no database to export\nhint: set `databases` in \
                    config.json (setup-databases writes them)"
                .to_owned(),
        );
    }
    Ok(datasets)
}

/// Reads one database and writes its backup file.
async fn export_one(
    context: &Context,
    dataset: Dataset,
    database: &DatabaseId,
    dir: &Path,
    date: NaiveDate,
    format: Format,
) -> Result<Exported, ExportError> {
    let notion = &context.notion;
    let reading = format!("failed to read {dataset} (database {database})");
    let source = notion
        .data_source_of(database)
        .await
        .map_err(ExportError::notion(&reading))?;
    let schema = notion
        .data_source(&source)
        .await
        .map_err(ExportError::notion(&reading))?;
    let exported_at = stamp(context);
    let bar = progress(dataset.key());
    let ids: Vec<String> = schema.properties.values().map(|p| p.id.clone()).collect();
    let read = read_pages(notion, &source, &ids, &bar).await;
    bar.finish_and_clear();
    let (pages, stats) = read.map_err(ExportError::notion(&reading))?;

    let properties = raw_properties(&schema);
    let page_count = pages.len();
    let header = BackupHeader {
        database: dataset.key().to_owned(),
        database_id: database.to_string(),
        data_source_id: source.to_string(),
        exported_at: exported_at.clone(),
        notion_version: notion.version().to_owned(),
    };
    let bytes = encode(format, header, &properties, pages);
    let file = file_name(dataset, date, format);
    write_whole(&dir.join(&file), &bytes)?;
    tracing::info!(database = %dataset, pages = page_count, file = %file, "exported");
    Ok(Exported {
        entry: DatabaseEntry {
            name: dataset.key().to_owned(),
            database_id: database.clone(),
            data_source_id: source,
            exported_at,
            format,
            properties,
            page_count,
            file,
            sha256: sha256_hex(&bytes),
        },
        stats,
    })
}

/// The bytes of a backup file of `pages` in `format`.
fn encode(
    format: Format,
    header: BackupHeader,
    properties: &Map<String, Value>,
    pages: Vec<Value>,
) -> Vec<u8> {
    match format {
        Format::Json => {
            // Serialising a tree of `Value`s cannot fail (no non-string keys).
            let mut bytes = serde_json::to_vec(&BackupFile::new(header, pages)).unwrap_or_default();
            bytes.push(b'\n');
            bytes
        }
        Format::Csv => csv::write(&csv::columns(properties), &pages).into_bytes(),
    }
}

/// A data source's properties as Notion returned them, by name.
pub(super) fn raw_properties(schema: &DataSource) -> Map<String, Value> {
    schema
        .properties
        .iter()
        .map(|(name, property)| (name.clone(), property.raw.clone()))
        .collect()
}

fn stamp(context: &Context) -> String {
    context.now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn print_summary(summary: &Summary, json: bool, retention_days: u32) {
    for (dataset, err) in &summary.failed {
        eprintln!("error: {dataset}: {err}");
    }
    if json {
        print_json(&summary_json(summary, retention_days));
        return;
    }
    let dir = summary.out_dir.display();
    println!(
        "Exported {} of {} databases to {dir} ({}, {}):",
        summary.exported.len(),
        summary.exported.len() + summary.failed.len(),
        summary.date,
        summary.format.extension()
    );
    for exported in &summary.exported {
        let entry = &exported.entry;
        println!(
            "  {:<16} {:>7} pages  {}",
            entry.name, entry.page_count, entry.file
        );
    }
    for (dataset, _) in &summary.failed {
        println!("  {:<16}  failed (see the error above)", dataset.key());
    }
    if let Some(manifest) = &summary.manifest {
        println!("manifest: {}", manifest.display());
    }
    match &summary.retention {
        Retention::Removed(files) if files.is_empty() => {
            println!("retention ({retention_days} days): nothing to remove");
        }
        Retention::Removed(files) => println!(
            "retention ({retention_days} days): removed {} file(s): {}",
            files.len(),
            files.join(", ")
        ),
        Retention::Skipped(reason) => {
            println!("retention ({retention_days} days): skipped, {reason}");
        }
    }
}

fn summary_json(summary: &Summary, retention_days: u32) -> Value {
    let databases: Vec<Value> = summary
        .exported
        .iter()
        .map(|exported| {
            let entry = &exported.entry;
            json!({
                "name": entry.name,
                "database_id": entry.database_id,
                "data_source_id": entry.data_source_id,
                "pages": entry.page_count,
                "file": entry.file,
                "sha256": entry.sha256,
                "extra_windows": exported.stats.extra_windows,
                "relations_completed": exported.stats.relations_completed,
            })
        })
        .collect();
    let failed: Vec<Value> = summary
        .failed
        .iter()
        .map(|(dataset, err)| json!({ "name": dataset.key(), "error": err.to_string() }))
        .collect();
    let (removed, skipped) = match &summary.retention {
        Retention::Removed(files) => (files.clone(), None),
        Retention::Skipped(reason) => (Vec::new(), Some(reason.clone())),
    };
    let status = if failed.is_empty() { "ok" } else { "failed" };
    json!({
        "status": status,
        "date": summary.date.to_string(),
        "format": summary.format.extension(),
        "out_dir": summary.out_dir.display().to_string(),
        "manifest": summary.manifest.as_ref().map(|p| p.display().to_string()),
        "databases": databases,
        "failed": failed,
        "retention": { "days": retention_days, "removed": removed, "skipped": skipped },
    })
}
