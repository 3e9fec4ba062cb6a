//! The restore ledger: which page of a backup became which page of a target
//! database.
//!
//! Rows with a `Sync Key` are found again by that key, in Notion itself. A page
//! without one (a row typed in by hand, or written by an older tool) has
//! nothing in Notion that ties it to its original, and the restore must not
//! invent a `Sync Key` for it: the syncs would then treat it as a row of
//! theirs. So the restore records, in a file per target database beside the
//! state store (`restore-ledger-{database id}.jsonl`), an intent line before
//! each create and a created line with the new page id once Notion confirmed
//! it. A later restore into the same database skips every original page whose
//! recorded page is still there; an intent never confirmed (a crash, a lost
//! answer) is settled by looking for an unclaimed page with the same title.
//!
//! The file is JSON lines, appended and flushed per line, so a crash loses at
//! most the line being written.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::ExportError;
use crate::notion::DatabaseId;

/// One line of the ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
enum Line {
    /// A create of `original` is about to be sent.
    Intent { original: String, title: String },
    /// `original` now exists as `page`.
    Created { original: String, page: String },
    /// The create of `original` certainly did not happen.
    Abandoned { original: String },
}

/// The ledger of one target database.
#[derive(Debug)]
pub(super) struct Ledger {
    path: PathBuf,
    file: Option<File>,
    /// New page by original page id.
    created: HashMap<String, String>,
    /// Original pages whose create may or may not have happened.
    pending: HashSet<String>,
}

impl Ledger {
    /// Reads the ledger of `database` in `dir` (empty when there is none yet).
    pub fn open(dir: &Path, database: &DatabaseId) -> Result<Self, ExportError> {
        let path = dir.join(format!("restore-ledger-{database}.jsonl"));
        let mut ledger = Self {
            path,
            file: None,
            created: HashMap::new(),
            pending: HashSet::new(),
        };
        let text = match std::fs::read_to_string(&ledger.path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(ledger),
            Err(source) => {
                return Err(ExportError::Read {
                    path: ledger.path,
                    source,
                });
            }
        };
        for (number, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let parsed: Line =
                serde_json::from_str(line).map_err(|err| ExportError::Malformed {
                    path: ledger.path.clone(),
                    what: "restore ledger",
                    reason: format!("line {}: {err}", number + 1),
                })?;
            ledger.apply(parsed);
        }
        Ok(ledger)
    }

    fn apply(&mut self, line: Line) {
        match line {
            Line::Intent { original, .. } => {
                self.pending.insert(original);
            }
            Line::Created { original, page } => {
                self.pending.remove(&original);
                self.created.insert(original, page);
            }
            Line::Abandoned { original } => {
                self.pending.remove(&original);
            }
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The page `original` was restored as, if any.
    pub fn page_of(&self, original: &str) -> Option<&str> {
        self.created.get(original).map(String::as_str)
    }

    /// Whether a create of `original` may have happened without being recorded.
    pub fn is_pending(&self, original: &str) -> bool {
        self.pending.contains(original)
    }

    /// Every page the ledger ties to an original.
    pub fn claimed(&self) -> HashSet<&str> {
        self.created.values().map(String::as_str).collect()
    }

    /// Records that `original` is about to be created.
    pub fn intend(&mut self, original: &str, title: &str) -> Result<(), ExportError> {
        self.append(Line::Intent {
            original: original.to_owned(),
            title: title.to_owned(),
        })
    }

    /// Records that `original` exists as `page`.
    pub fn created(&mut self, original: &str, page: &str) -> Result<(), ExportError> {
        self.append(Line::Created {
            original: original.to_owned(),
            page: page.to_owned(),
        })
    }

    /// Records that the create of `original` did not happen.
    pub fn abandoned(&mut self, original: &str) -> Result<(), ExportError> {
        self.append(Line::Abandoned {
            original: original.to_owned(),
        })
    }

    fn append(&mut self, line: Line) -> Result<(), ExportError> {
        let error = |source| ExportError::Write {
            path: self.path.clone(),
            source,
        };
        if self.file.is_none() {
            if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(error)?;
            }
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)
                .map_err(error)?;
            self.file = Some(file);
        }
        let mut text = serde_json::to_string(&line).unwrap_or_default();
        text.push('\n');
        if let Some(file) = self.file.as_mut() {
            file.write_all(text.as_bytes()).map_err(error)?;
            file.sync_data().map_err(error)?;
        }
        self.apply(line);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_was_recorded_is_read_back_by_the_next_restore() {
        let dir = tempfile::tempdir().unwrap();
        let database = DatabaseId::parse("00000000-0000-4000-8000-00000000db01").unwrap();
        let mut ledger = Ledger::open(dir.path(), &database).unwrap();
        ledger.intend("a", "Alpha").unwrap();
        ledger.created("a", "new-a").unwrap();
        ledger.intend("b", "Beta").unwrap();
        ledger.intend("c", "Gamma").unwrap();
        ledger.abandoned("c").unwrap();
        drop(ledger);

        let ledger = Ledger::open(dir.path(), &database).unwrap();
        assert_eq!(ledger.page_of("a"), Some("new-a"));
        assert!(ledger.is_pending("b"));
        assert!(!ledger.is_pending("c"));
        assert_eq!(ledger.page_of("c"), None);
        assert!(ledger.claimed().contains("new-a"));

        std::fs::write(ledger.path(), "{\"event\":\"intent\"}\n").unwrap();
        let err = Ledger::open(dir.path(), &database).unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
    }
}
