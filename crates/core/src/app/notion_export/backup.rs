//! Backup files: their names (`backup_{dataset}_{YYYYMMDD}.json|csv`), the JSON
//! layout, SHA-256 checksums, and writing them so that a crash never leaves
//! half a backup under a backup's name.
//!
//! A JSON backup describes itself (dataset, database and data source ids,
//! export time, Notion version), so that `--restore` needs only the file.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::error::ExportError;
use crate::config::Dataset;

/// `format` of a JSON backup file.
const BACKUP_FORMAT: &str = "oberaconnect-notion-backup";
/// The layout version this build writes and reads.
pub(super) const LAYOUT_VERSION: u32 = 1;

/// How pages are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Every page object as Notion returned it (restorable).
    #[default]
    Json,
    /// One row per page, one column per property, values as display text (not
    /// restorable).
    Csv,
}

impl Format {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }
}

/// A JSON backup: one database's pages at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct BackupFile {
    /// Always [`BACKUP_FORMAT`].
    pub format: String,
    /// The layout version ([`LAYOUT_VERSION`]).
    pub version: u32,
    /// The dataset key (`customer_status`, ...).
    pub database: String,
    /// The Notion database.
    pub database_id: String,
    /// Its data source.
    pub data_source_id: String,
    /// When the pages were read (RFC 3339, UTC).
    pub exported_at: String,
    /// The `Notion-Version` they were read with.
    pub notion_version: String,
    /// How many pages follow.
    pub page_count: usize,
    /// The page objects, oldest first, relations read whole.
    pub pages: Vec<Value>,
}

impl BackupFile {
    /// A backup of `pages` with the given description.
    pub fn new(header: BackupHeader, pages: Vec<Value>) -> Self {
        Self {
            format: BACKUP_FORMAT.to_owned(),
            version: LAYOUT_VERSION,
            database: header.database,
            database_id: header.database_id,
            data_source_id: header.data_source_id,
            exported_at: header.exported_at,
            notion_version: header.notion_version,
            page_count: pages.len(),
            pages,
        }
    }

    /// Reads and checks the backup at `path`.
    pub fn read(path: &Path) -> Result<Self, ExportError> {
        let bytes = std::fs::read(path).map_err(|source| ExportError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&bytes).map_err(|reason| ExportError::Malformed {
            path: path.to_path_buf(),
            what: "backup",
            reason,
        })
    }

    /// Parses and checks a backup's bytes; the error says what is wrong.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let backup: Self = serde_json::from_slice(bytes).map_err(|err| err.to_string())?;
        if backup.format != BACKUP_FORMAT {
            return Err(format!(
                "`format` is `{}`, not `{BACKUP_FORMAT}`",
                backup.format
            ));
        }
        if backup.version > LAYOUT_VERSION {
            return Err(format!(
                "layout version {} is newer than this build's {LAYOUT_VERSION}",
                backup.version
            ));
        }
        if backup.page_count != backup.pages.len() {
            return Err(format!(
                "`page_count` says {} but {} pages follow",
                backup.page_count,
                backup.pages.len()
            ));
        }
        if let Some(index) = backup.pages.iter().position(|p| !p["id"].is_string()) {
            return Err(format!("page {index} has no `id`"));
        }
        Ok(backup)
    }
}

/// What a backup file says about itself, apart from its pages.
#[derive(Debug, Clone)]
pub(super) struct BackupHeader {
    /// The dataset key.
    pub database: String,
    /// The Notion database.
    pub database_id: String,
    /// Its data source.
    pub data_source_id: String,
    /// When the pages were read.
    pub exported_at: String,
    /// The `Notion-Version` used.
    pub notion_version: String,
}

/// `backup_{dataset}_{YYYYMMDD}.{json|csv}`.
pub(super) fn file_name(dataset: Dataset, date: NaiveDate, format: Format) -> String {
    format!(
        "backup_{}_{}.{}",
        dataset.key(),
        date.format("%Y%m%d"),
        format.extension()
    )
}

/// The date of a file named like a backup or a dated manifest; `None` for any
/// other name. Only the four dataset keys and the two extensions count, so that
/// retention never touches a file this tool did not write.
pub(super) fn dated_name(name: &str) -> Option<NaiveDate> {
    let (stem, extension) = name.rsplit_once('.')?;
    let date = if let Some(rest) = stem.strip_prefix("backup_") {
        let (dataset, date) = rest.rsplit_once('_')?;
        dataset
            .parse::<Dataset>()
            .ok()
            .filter(|d| d.key() == dataset)?;
        if !matches!(extension, "json" | "csv") {
            return None;
        }
        date
    } else {
        let date = stem.strip_prefix("manifest_")?;
        if extension != "json" {
            return None;
        }
        date
    };
    if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(date, "%Y%m%d").ok()
}

/// The SHA-256 of `bytes`, in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Writes `bytes` to `path` through a hidden temporary file in the same
/// directory and a rename, so that the name only ever holds a whole file.
pub(super) fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let error = |source| ExportError::Write {
        path: path.to_path_buf(),
        source,
    };
    let temporary = temporary_path(path);
    std::fs::write(&temporary, bytes).map_err(error)?;
    std::fs::rename(&temporary, path).map_err(|err| {
        let _ = std::fs::remove_file(&temporary);
        error(err)
    })
}

fn temporary_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.partial"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_the_standard_test_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn only_names_this_tool_writes_have_a_date() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let name = file_name(Dataset::DailyHealth, day, Format::Csv);
        assert_eq!(name, "backup_daily_health_20261203.csv");
        assert_eq!(dated_name(&name), Some(day));
        assert_eq!(dated_name("backup_alerts_20261203.json"), Some(day));
        assert_eq!(dated_name("manifest_20261203.json"), Some(day));
        for other in [
            "manifest.json",
            "backup_device_issues_20261203.json",
            "backup_other_20261203.json",
            "backup_alerts_2026120.json",
            "backup_alerts_20261332.json",
            "backup_alerts_20261203.json.partial",
            ".backup_alerts_20261203.json.partial",
            "backup_alerts_20261203.txt",
            "manifest_20261203.csv",
            "notes_20261203.json",
        ] {
            assert_eq!(dated_name(other), None, "{other}");
        }
    }

    #[test]
    fn a_backup_round_trips_and_damage_is_named() {
        let header = BackupHeader {
            database: "alerts".into(),
            database_id: "db".into(),
            data_source_id: "ds".into(),
            exported_at: "2026-12-03T06:00:00Z".into(),
            notion_version: "2026-03-11".into(),
        };
        let backup = BackupFile::new(header, vec![serde_json::json!({ "id": "p1" })]);
        let bytes = serde_json::to_vec(&backup).unwrap();
        assert_eq!(BackupFile::parse(&bytes).unwrap(), backup);

        let mut short = backup.clone();
        short.page_count = 2;
        let reason = BackupFile::parse(&serde_json::to_vec(&short).unwrap()).unwrap_err();
        assert!(reason.contains("page_count"), "{reason}");
        let reason = BackupFile::parse(br#"{"format": "x"}"#).unwrap_err();
        assert!(reason.contains("missing field"), "{reason}");
    }
}
