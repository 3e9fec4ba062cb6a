//! Retention: after a successful export, the backups (and dated manifests)
//! older than the kept number of days go. A file's age is judged by the date in
//! its name, not by its modification time, which a copy or a restore from tape
//! would change. A name that is not exactly one this tool writes (see
//! [`super::backup::dated_name`]) is never touched, nor is anything that is not
//! a plain file.

use std::path::Path;

use chrono::{Days, NaiveDate};

use super::backup::dated_name;
use super::error::ExportError;

/// Removes from `dir` the backups and dated manifests dated before `today`
/// minus `days`; returns their names, sorted.
pub(super) fn sweep(dir: &Path, today: NaiveDate, days: u32) -> Result<Vec<String>, ExportError> {
    let cutoff = today
        .checked_sub_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MIN);
    let read_error = |source| ExportError::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut expired = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let entry = entry.map_err(read_error)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && dated_name(&name).is_some_and(|date| date < cutoff) {
            expired.push(name);
        }
    }
    expired.sort();
    for name in &expired {
        let path = dir.join(name);
        std::fs::remove_file(&path).map_err(|source| ExportError::Write { path, source })?;
        tracing::info!(file = %name, "removed an expired backup");
    }
    Ok(expired)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_dated_backups_older_than_the_cutoff_go() {
        let dir = tempfile::tempdir().unwrap();
        let names = [
            "backup_alerts_20261001.json",
            "backup_daily_health_20261002.csv",
            "manifest_20261001.json",
            "backup_alerts_20261102.json",
            "manifest_20261102.json",
            "backup_alerts_20261203.json",
            "manifest.json",
            "notes_20261001.json",
            "backup_other_20261001.json",
            "backup_alerts_20261001.json.bak",
        ];
        for name in names {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        std::fs::create_dir(dir.path().join("backup_alerts_20260101.json")).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();

        let removed = sweep(dir.path(), today, 31).unwrap();
        assert_eq!(
            removed,
            [
                "backup_alerts_20261001.json",
                "backup_daily_health_20261002.csv",
                "manifest_20261001.json"
            ]
        );
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left.len(), names.len() - 3 + 1, "{left:?}");
        assert!(
            left.contains(&"backup_alerts_20261102.json".to_owned()),
            "2 + 31 days old"
        );
        assert!(sweep(dir.path(), today, 31).unwrap().is_empty());
    }
}
