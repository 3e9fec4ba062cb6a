//! The audit log: an append-only file of JSON lines, one per event an operator may have to
//! account for later: a run's start and end, each write to Notion, a guard that stopped a run,
//! the source each secret came from, a refused credential and each checkpoint commit.
//!
//! Lines carry keys, page ids, property names and counts, never property values (they can
//! be long) and never secret values. Each line is written with one `write` call on a file
//! opened for appending, so lines of concurrent runs do not interleave. A line that cannot be
//! written is logged as a warning and does not stop the sync: the audit log records the work,
//! it does not gate it.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{SecondsFormat, Utc};
use serde_json::{Map, Value, json};

/// Why the audit log could not be opened.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot open the audit log `{path}`: {source}\n\
     hint: set `audit_log` in config.json (or OBERACONNECT_AUDIT_LOG) to a writable file"
)]
pub struct AuditError {
    /// The file.
    pub path: PathBuf,
    /// The cause.
    pub source: std::io::Error,
}

/// An open audit log, tagging every line with one run.
#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    file: Mutex<File>,
    /// Fields every line of this run carries (`dataset`, `run`).
    context: Map<String, Value>,
}

impl AuditLog {
    /// Opens (creating as needed) the log at `path` for one run of `dataset`.
    pub fn open(path: &Path, dataset: &str, run: &str) -> Result<Self, AuditError> {
        let error = |source| AuditError {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(error)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(error)?;
        let mut context = Map::new();
        context.insert("dataset".into(), json!(dataset));
        context.insert("run".into(), json!(run));
        Ok(Self {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            context,
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one event: `event` names it, `fields` (a JSON object) says what happened.
    pub fn record(&self, event: &str, fields: Value) {
        let mut line = Map::new();
        line.insert(
            "ts".into(),
            json!(Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)),
        );
        line.insert("event".into(), json!(event));
        line.extend(self.context.clone());
        if let Value::Object(fields) = fields {
            line.extend(fields);
        }
        let mut text = Value::Object(line).to_string();
        text.push('\n');
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(err) = file.write_all(text.as_bytes()) {
            tracing::warn!(path = %self.path.display(), cause = %err, "audit line not written");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_appended_with_the_run_context() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("logs/audit.jsonl");
        let first = AuditLog::open(&path, "alerts", "r1").unwrap();
        first.record("run_start", json!({ "dry_run": false }));
        drop(first);
        let second = AuditLog::open(&path, "alerts", "r2").unwrap();
        second.record("write", json!({ "action": "create", "key": "uid-1" }));
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["event"], "run_start");
        assert_eq!(lines[0]["run"], "r1");
        assert_eq!(lines[1]["key"], "uid-1");
        assert_eq!(lines[1]["dataset"], "alerts");
    }
}
