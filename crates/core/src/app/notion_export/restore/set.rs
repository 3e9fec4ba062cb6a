//! `--restore DIR` (or a manifest file): every JSON backup the manifest lists, each into
//! the database config.json names for its dataset (after `setup-databases --create-all
//! --write-config`, the rebuilt ones), in the datasets' order: Customer Status before Daily
//! Health, so that `Site` references follow their rows (`relink.rs`).
//!
//! Everything that can be checked before a write is checked first (the manifest, each
//! backup's checksum and layout, a configured database for each), so a set that cannot be
//! restored whole is refused before it is started. A restore that does not finish stops the
//! set there, since the next ones may point at its rows.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::super::backup::{BackupFile, Format};
use super::super::manifest::Manifest;
use super::super::{ExportArgs, fail, print_json, start};
use super::{check_checksum, restore};
use crate::config::Dataset;
use crate::exit::Outcome;
use crate::notion::DatabaseId;

/// Whether `--restore PATH` names a set: a directory, or a manifest file.
pub(super) fn is_set(path: &Path) -> bool {
    path.is_dir()
        || path
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with("manifest"))
}

/// One backup of the set, ready to restore.
struct Planned {
    dataset: Dataset,
    file: PathBuf,
    backup: BackupFile,
    database: DatabaseId,
}

/// Restores the set `path` names; returns the exit outcome.
pub(super) async fn run(args: &ExportArgs, path: &Path) -> Outcome {
    if args.database_id.is_some() && args.database.is_none() {
        eprintln!(
            "error: --database-id names one database, and {} holds a set\n\
             hint: add --database NAME to restore that one backup into it, or leave \
             --database-id out to restore each into the database config.json names",
            path.display()
        );
        return Outcome::Usage;
    }
    let (manifest_path, manifest) = match Manifest::read(path) {
        Ok(read) => read,
        Err(err) => return fail(&err),
    };
    let dir = manifest_path.parent().unwrap_or(Path::new("."));
    let context = match start(&args.config).await {
        Ok(context) => context,
        Err(outcome) => return outcome,
    };
    let wanted: Vec<Dataset> = match args.database {
        Some(dataset) => vec![dataset],
        None => Dataset::ALL.to_vec(),
    };
    let mut plan = Vec::new();
    for dataset in wanted {
        let Some(entry) = manifest.databases.iter().find(|e| e.name == dataset.key()) else {
            if args.database.is_some() {
                eprintln!(
                    "error: {} lists no backup of {dataset}",
                    manifest_path.display()
                );
                return Outcome::Usage;
            }
            continue;
        };
        if entry.format != Format::Json {
            eprintln!(
                "error: the {dataset} backup `{}` is CSV, which cannot be restored\n\
                 hint: restore a JSON backup set (--format json)",
                entry.file
            );
            return Outcome::Usage;
        }
        let file = dir.join(&entry.file);
        let backup = match check_checksum(&file).and_then(|()| BackupFile::read(&file)) {
            Ok(backup) => backup,
            Err(err) => return fail(&err),
        };
        let configured = match args.database_id.as_deref() {
            Some(text) => DatabaseId::parse(text).map_err(|err| format!("--database-id: {err}")),
            None => match context.config.databases.get(dataset) {
                Some(configured) => {
                    DatabaseId::parse(configured.as_str()).map_err(|err| err.to_string())
                }
                None => Err(format!(
                    "config.json names no database for {dataset}\nhint: create the databases \
                     with `setup-databases --create-all --parent-page ID --write-config`, or \
                     give --database {} --database-id ID",
                    dataset.key()
                )),
            },
        };
        let database = match configured {
            Ok(id) => id,
            Err(message) => {
                eprintln!("error: {message}");
                return Outcome::Config;
            }
        };
        plan.push(Planned {
            dataset,
            file,
            backup,
            database,
        });
    }
    if plan.is_empty() {
        eprintln!(
            "error: {} lists no backup to restore",
            manifest_path.display()
        );
        return Outcome::Usage;
    }

    let mut reports = Map::new();
    let mut outcome = Outcome::Success;
    for step in &plan {
        let run = restore(
            &context,
            args,
            &step.file,
            &step.backup,
            step.database.clone(),
        );
        match run.await {
            Ok((done, report)) => {
                reports.insert(step.dataset.key().to_owned(), report);
                outcome = done;
            }
            Err(err) => outcome = fail(&err),
        }
        if outcome != Outcome::Success {
            let left: Vec<&str> = plan
                .iter()
                .skip_while(|p| p.dataset != step.dataset)
                .skip(1)
                .map(|p| p.dataset.key())
                .collect();
            if !left.is_empty() {
                eprintln!(
                    "error: the set restore stopped; not restored: {}",
                    left.join(", ")
                );
            }
            break;
        }
    }
    if args.json {
        let status = if outcome == Outcome::Success {
            "ok"
        } else {
            "failed"
        };
        print_json(&json!({
            "status": status,
            "manifest": manifest_path.display().to_string(),
            "databases": Value::Object(reports),
        }));
    }
    outcome
}
