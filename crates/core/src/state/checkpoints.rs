//! Checkpoints: small named values per dataset that a run commits once Notion confirmed the
//! writes they cover (the highest committed activity id, the last published day), and cached
//! facts such as the data source id of a database.

use chrono::Utc;
use rusqlite::{OptionalExtension, params};

use super::locks::stamp;
use super::{StateError, StateStore};
use crate::config::Dataset;

/// Checkpoints named with this prefix are records rather than cached sync state (the
/// property ids `setup-databases` recognises a renamed column by): a clear keeps them.
pub const RECORD_PREFIX: &str = "schema:";

impl StateStore {
    /// The value of checkpoint `name` of `dataset`, if one was committed.
    pub fn checkpoint(&self, dataset: Dataset, name: &str) -> Result<Option<String>, StateError> {
        self.lock()
            .query_row(
                "SELECT value FROM checkpoints WHERE dataset = ?1 AND key = ?2",
                params![dataset.key(), name],
                |row| row.get(0),
            )
            .optional()
            .map_err(self.sqlite_error())
    }

    /// How many checkpoints `dataset` has.
    pub fn checkpoint_count(&self, dataset: Dataset) -> Result<u64, StateError> {
        let count: i64 = self
            .lock()
            .query_row(
                "SELECT COUNT(*) FROM checkpoints WHERE dataset = ?1",
                [dataset.key()],
                |row| row.get(0),
            )
            .map_err(self.sqlite_error())?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Commits checkpoint `name` of `dataset`.
    pub fn set_checkpoint(
        &self,
        dataset: Dataset,
        name: &str,
        value: &str,
    ) -> Result<(), StateError> {
        self.lock()
            .execute(
                "INSERT OR REPLACE INTO checkpoints (dataset, key, value, updated_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![dataset.key(), name, value, stamp(Utc::now())],
            )
            .map_err(self.sqlite_error())?;
        Ok(())
    }

    /// Forgets every checkpoint of `dataset` but the [`RECORD_PREFIX`] records (a full
    /// resync starts over).
    pub fn clear_checkpoints(&self, dataset: Dataset) -> Result<usize, StateError> {
        self.lock()
            .execute(
                "DELETE FROM checkpoints WHERE dataset = ?1 AND substr(key, 1, ?3) <> ?2",
                params![dataset.key(), RECORD_PREFIX, RECORD_PREFIX.len() as i64],
            )
            .map_err(self.sqlite_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_are_per_dataset_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::open(&dir.path().join("state.sqlite3")).unwrap();
        let dataset = Dataset::ConfigChanges;
        assert_eq!(store.checkpoint(dataset, "activity").unwrap(), None);
        store.set_checkpoint(dataset, "activity", "41").unwrap();
        store.set_checkpoint(dataset, "activity", "42").unwrap();
        store
            .set_checkpoint(Dataset::Alerts, "activity", "7")
            .unwrap();
        assert_eq!(
            store.checkpoint(dataset, "activity").unwrap().as_deref(),
            Some("42")
        );
        let record = format!("{RECORD_PREFIX}db");
        store.set_checkpoint(dataset, &record, "{}").unwrap();
        assert_eq!(store.clear_checkpoints(dataset).unwrap(), 1);
        assert_eq!(store.checkpoint(dataset, "activity").unwrap(), None);
        assert_eq!(
            store.checkpoint(dataset, &record).unwrap().as_deref(),
            Some("{}"),
            "records stay"
        );
        assert!(
            store
                .checkpoint(Dataset::Alerts, "activity")
                .unwrap()
                .is_some()
        );
    }
}
