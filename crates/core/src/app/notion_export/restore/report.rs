//! What a restore prints: a line per outcome and the notes, or one JSON object.

use std::path::Path;

use serde_json::{Value, json};

use super::super::ExportArgs;
use super::{Tally, Target};
use crate::sync::SYNC_KEY;

/// What a restore prints.
pub(super) struct Report<'a> {
    pub file: &'a Path,
    pub target: &'a Target,
    pub ledger: &'a Path,
    pub pages: usize,
    pub tally: &'a Tally,
    pub notes: &'a [String],
}

impl Report<'_> {
    pub(super) fn to_json(&self, args: &ExportArgs) -> Value {
        let tally = self.tally;
        json!({
            "status": if tally.failures.is_empty() { "ok" } else { "failed" },
            "dry_run": args.dry_run,
            "backup": self.file.display().to_string(),
            "database_id": self.target.database.as_str(),
            "data_source_id": self.target.source.as_str(),
            "ledger": self.ledger.display().to_string(),
            "pages": self.pages,
            "present": tally.present + tally.adopted,
            "created": tally.created,
            "failed": tally.failures.len(),
            "would_create": tally.would_create,
            "notes": self.notes,
        })
    }

    /// Prints the failures, and the text report unless `--json`.
    pub(super) fn print(&self, args: &ExportArgs) {
        let tally = self.tally;
        for failure in &tally.failures {
            eprintln!("error: not restored: {failure}");
        }
        let present = tally.present + tally.adopted;
        if args.json {
            return;
        }
        let (file, database, pages) = (self.file.display(), &self.target.database, self.pages);
        if args.dry_run {
            println!(
                "Dry run: restoring {file} into database {database} would create {} of \
                 {pages} pages ({present} already there):",
                tally.would_create.len()
            );
            for row in &tally.would_create {
                let key = match row["sync_key"].as_str() {
                    Some(key) => format!("{SYNC_KEY} {key}"),
                    None => format!("original page {}", text(&row["original"])),
                };
                println!("  + {}  ({key})", text(&row["title"]));
            }
        } else {
            println!(
                "Restored {file} into database {database}: {pages} pages in the backup, {} \
                 created, {present} already there, {} failed",
                tally.created,
                tally.failures.len()
            );
            let done = tally.created + present + tally.failures.len();
            if let Some(left) = pages.checked_sub(done).filter(|n| *n > 0) {
                println!("{left} pages not attempted: the restore stopped at the error above");
            }
            println!("ledger: {}", self.ledger.display());
        }
        for note in self.notes {
            println!("note: {note}");
        }
    }
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}
