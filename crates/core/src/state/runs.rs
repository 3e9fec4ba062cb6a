//! Run history: one row per run of a dataset, with its outcome, how many source records it
//! saw and its report. The source-count guard compares a run with the last good one, and the
//! health check reads how fresh each dataset is.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::locks::{parse_time, stamp};
use super::{StateError, StateStore};
use crate::config::Dataset;

/// One finished or running run, as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// Its number.
    pub id: i64,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it ended; `None` while it runs, or when it was killed.
    pub finished_at: Option<DateTime<Utc>>,
    /// How it ended (`success`, `partial`, `unavailable`, ...), as [`crate::exit::Outcome`]
    /// names it.
    pub outcome: Option<String>,
    /// Source records it saw, when it read them all (an unfiltered run).
    pub source_count: Option<u64>,
}

impl StateStore {
    /// Records the start of a run of `dataset` and returns its number.
    pub fn start_run(
        &self,
        dataset: Dataset,
        started_at: DateTime<Utc>,
    ) -> Result<i64, StateError> {
        let connection = self.lock();
        connection
            .execute(
                "INSERT INTO runs (dataset, started_at) VALUES (?1, ?2)",
                params![dataset.key(), stamp(started_at)],
            )
            .map_err(self.sqlite_error())?;
        Ok(connection.last_insert_rowid())
    }

    /// Records how run `id` ended. `source_count` is kept only for runs that read every
    /// source record, so that a filtered run never lowers the guard's reference.
    pub fn finish_run(
        &self,
        id: i64,
        outcome: &str,
        source_count: Option<u64>,
        report: &serde_json::Value,
    ) -> Result<(), StateError> {
        let count = source_count.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
        self.lock()
            .execute(
                "UPDATE runs SET finished_at = ?1, outcome = ?2, source_count = ?3, report = ?4
                 WHERE id = ?5",
                params![stamp(Utc::now()), outcome, count, report.to_string(), id],
            )
            .map_err(self.sqlite_error())?;
        Ok(())
    }

    /// The source count of the last run of `dataset` that wrote what it planned (outcome
    /// `success` or `review`) and read every source record.
    pub fn last_good_source_count(&self, dataset: Dataset) -> Result<Option<u64>, StateError> {
        let count: Option<i64> = self
            .lock()
            .query_row(
                "SELECT source_count FROM runs
                 WHERE dataset = ?1 AND outcome IN ('success', 'review')
                   AND source_count IS NOT NULL
                 ORDER BY id DESC LIMIT 1",
                [dataset.key()],
                |row| row.get(0),
            )
            .optional()
            .map_err(self.sqlite_error())?;
        Ok(count.map(|n| u64::try_from(n).unwrap_or(0)))
    }

    /// The last run of `dataset` that ended in `success` or `review`.
    pub fn last_good_run(&self, dataset: Dataset) -> Result<Option<RunRecord>, StateError> {
        self.lock()
            .query_row(
                "SELECT id, started_at, finished_at, outcome, source_count FROM runs
                 WHERE dataset = ?1 AND outcome IN ('success', 'review')
                 ORDER BY id DESC LIMIT 1",
                [dataset.key()],
                |row| {
                    Ok(RunRecord {
                        id: row.get(0)?,
                        started_at: parse_time(&row.get::<_, String>(1)?),
                        finished_at: row.get::<_, Option<String>>(2)?.map(|t| parse_time(&t)),
                        outcome: row.get(3)?,
                        source_count: row
                            .get::<_, Option<i64>>(4)?
                            .map(|n| u64::try_from(n).unwrap_or(0)),
                    })
                },
            )
            .optional()
            .map_err(self.sqlite_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guard_reference_is_the_last_good_unfiltered_run() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::open(&dir.path().join("state.sqlite3")).unwrap();
        let dataset = Dataset::CustomerStatus;
        assert_eq!(store.last_good_source_count(dataset).unwrap(), None);

        let first = store.start_run(dataset, Utc::now()).unwrap();
        store
            .finish_run(first, "success", Some(98), &serde_json::json!({}))
            .unwrap();
        let failed = store.start_run(dataset, Utc::now()).unwrap();
        store
            .finish_run(failed, "unavailable", Some(3), &serde_json::json!({}))
            .unwrap();
        let filtered = store.start_run(dataset, Utc::now()).unwrap();
        store
            .finish_run(filtered, "success", None, &serde_json::json!({}))
            .unwrap();
        let _killed = store.start_run(dataset, Utc::now()).unwrap();

        assert_eq!(store.last_good_source_count(dataset).unwrap(), Some(98));
        assert_eq!(store.last_good_source_count(Dataset::Alerts).unwrap(), None);
        let last = store.last_good_run(dataset).unwrap().unwrap();
        assert_eq!(last.id, filtered);
        assert_eq!(last.outcome.as_deref(), Some("success"));
        assert!(last.finished_at.is_some());
    }
}
