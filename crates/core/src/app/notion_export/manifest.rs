//! The manifest of a backup directory: when and with which Notion version the
//! backups were made, and per database its ids, its live schema, its page
//! count, its file and the file's SHA-256.
//!
//! An export writes `manifest.json` (what `--verify DIR` reads) and the same
//! content as `manifest_{YYYYMMDD}.json`, which stays beside that day's backups
//! until retention removes them, so an older set can still be verified
//! (`--verify DIR/manifest_20261203.json`). A second export on the same day
//! (another `--database`) adds its databases to that day's manifest instead of
//! dropping the others.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::backup::{Format, LAYOUT_VERSION, write_whole};
use super::error::ExportError;
use crate::notion::{DataSourceId, DatabaseId};

/// The manifest `--verify DIR` reads.
pub(super) const MANIFEST: &str = "manifest.json";
/// `format` of a manifest.
const MANIFEST_FORMAT: &str = "oberaconnect-notion-export-manifest";

/// A backup directory's manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Manifest {
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// The layout version.
    pub version: u32,
    /// The run's date, which the backup file names carry (`YYYY-MM-DD`).
    pub date: NaiveDate,
    /// When the last export of that date finished (RFC 3339, UTC).
    pub exported_at: String,
    /// The `Notion-Version` used.
    pub notion_version: String,
    /// One entry per database backed up.
    pub databases: Vec<DatabaseEntry>,
}

/// One database in a manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct DatabaseEntry {
    /// The dataset key (`customer_status`, ...).
    pub name: String,
    /// The Notion database.
    pub database_id: DatabaseId,
    /// Its data source.
    pub data_source_id: DataSourceId,
    /// When its pages were read.
    pub exported_at: String,
    /// How the file is written.
    pub format: Format,
    /// The data source's properties as Notion returned them (by name, each with
    /// `id`, `name`, `type` and its configuration), the shape
    /// `initial_data_source.properties` of a new database is built from.
    pub properties: Map<String, Value>,
    /// Pages in the file.
    pub page_count: usize,
    /// The file, relative to the manifest.
    pub file: String,
    /// SHA-256 of the file, lower-case hex.
    pub sha256: String,
}

impl Manifest {
    /// A manifest of `databases` exported on `date`.
    pub fn new(
        date: NaiveDate,
        exported_at: String,
        notion_version: String,
        databases: Vec<DatabaseEntry>,
    ) -> Self {
        Self {
            format: MANIFEST_FORMAT.to_owned(),
            version: LAYOUT_VERSION,
            date,
            exported_at,
            notion_version,
            databases,
        }
    }

    /// Reads the manifest at `path` (a directory means its `manifest.json`).
    pub fn read(path: &Path) -> Result<(PathBuf, Self), ExportError> {
        let path = if path.is_dir() {
            path.join(MANIFEST)
        } else {
            path.to_path_buf()
        };
        let bytes = std::fs::read(&path).map_err(|source| ExportError::Read {
            path: path.clone(),
            source,
        })?;
        let malformed = |reason: String| ExportError::Malformed {
            path: path.clone(),
            what: "manifest",
            reason,
        };
        let manifest: Self =
            serde_json::from_slice(&bytes).map_err(|e| malformed(e.to_string()))?;
        if manifest.format != MANIFEST_FORMAT {
            return Err(malformed(format!(
                "`format` is `{}`, not `{MANIFEST_FORMAT}`",
                manifest.format
            )));
        }
        if manifest.version > LAYOUT_VERSION {
            return Err(malformed(format!(
                "layout version {} is newer than this build's {LAYOUT_VERSION}",
                manifest.version
            )));
        }
        if let Some(entry) = manifest.databases.iter().find(|e| escapes(&e.file)) {
            return Err(malformed(format!(
                "file `{}` is not a name in the manifest's directory",
                entry.file
            )));
        }
        Ok((path, manifest))
    }

    /// The manifest beside the backup `file` that lists it (`manifest.json`,
    /// else the one of the file's date), with its path; `None` when none does.
    pub fn listing(file: &Path) -> Option<(PathBuf, Self)> {
        let name = file.file_name()?.to_string_lossy().into_owned();
        let dir = file.parent().unwrap_or(Path::new("."));
        let dated = super::backup::dated_name(&name)
            .map(|date| format!("manifest_{}.json", date.format("%Y%m%d")));
        std::iter::once(MANIFEST.to_owned())
            .chain(dated)
            .filter_map(|manifest| Self::read(&dir.join(manifest)).ok())
            .find(|(_, manifest)| manifest.databases.iter().any(|e| e.file == name))
    }

    /// The entry of the backup file named `name`.
    pub fn entry(&self, name: &str) -> Option<&DatabaseEntry> {
        self.databases.iter().find(|e| e.file == name)
    }

    /// Adds the entries of `earlier` (the same day's manifest) for databases
    /// this one does not have, when their files are still in `dir`.
    pub fn keep_others(&mut self, earlier: Manifest, dir: &Path) {
        if earlier.date != self.date {
            return;
        }
        for entry in earlier.databases {
            let known = self.databases.iter().any(|e| e.name == entry.name);
            if !known && !escapes(&entry.file) && dir.join(&entry.file).is_file() {
                self.databases.push(entry);
            }
        }
        self.databases.sort_by(|a, b| a.name.cmp(&b.name));
    }

    /// Writes `manifest.json` and `manifest_{YYYYMMDD}.json` into `dir`;
    /// returns both paths.
    pub fn write(&self, dir: &Path) -> Result<[PathBuf; 2], ExportError> {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        let latest = dir.join(MANIFEST);
        let dated = dir.join(format!("manifest_{}.json", self.date.format("%Y%m%d")));
        write_whole(&dated, text.as_bytes())?;
        write_whole(&latest, text.as_bytes())?;
        Ok([latest, dated])
    }
}

/// Whether a file name recorded in a manifest would leave the manifest's
/// directory.
fn escapes(file: &str) -> bool {
    file.is_empty() || file.contains(['/', '\\']) || file == "." || file == ".."
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str) -> DatabaseEntry {
        DatabaseEntry {
            name: name.to_owned(),
            database_id: DatabaseId::parse("00000000-0000-4000-8000-00000000db04").unwrap(),
            data_source_id: DataSourceId::parse("00000000-0000-4000-8000-00000000d504").unwrap(),
            exported_at: "2026-12-03T06:00:00Z".into(),
            format: Format::Json,
            properties: Map::new(),
            page_count: 1,
            file: format!("backup_{name}_20261203.json"),
            sha256: "00".into(),
        }
    }

    #[test]
    fn a_second_export_of_the_day_keeps_the_other_databases_whose_files_exist() {
        let dir = tempfile::tempdir().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        std::fs::write(dir.path().join("backup_alerts_20261203.json"), "{}").unwrap();
        let earlier = Manifest::new(
            day,
            "t1".into(),
            "v".into(),
            vec![
                entry("alerts"),
                entry("daily_health"),
                entry("customer_status"),
            ],
        );
        let mut later = Manifest::new(day, "t2".into(), "v".into(), vec![entry("customer_status")]);
        later.keep_others(earlier.clone(), dir.path());
        let names: Vec<&str> = later.databases.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            ["alerts", "customer_status"],
            "daily_health has no file"
        );

        let mut next_day = Manifest::new(day.succ_opt().unwrap(), "t3".into(), "v".into(), vec![]);
        next_day.keep_others(earlier, dir.path());
        assert!(next_day.databases.is_empty());
    }

    #[test]
    fn a_manifest_naming_files_elsewhere_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let mut outside = entry("alerts");
        outside.file = "../secret.json".into();
        let manifest = Manifest::new(day, "t".into(), "v".into(), vec![outside]);
        manifest.write(dir.path()).unwrap();
        let err = Manifest::read(dir.path()).unwrap_err();
        assert!(err.to_string().contains("not a name in"), "{err}");
        assert!(err.to_string().contains("manifest.json"), "{err}");
    }
}
