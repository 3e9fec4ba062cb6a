//! The write journal: a create is recorded as an intent before it is sent and forgotten once
//! Notion confirmed it, so an intent still present at the start of a run is a create whose
//! outcome is unknown (a crash, a kill, a timeout). The sync looks such a key up in Notion
//! before it creates again (NOTION.md section 11: page creation has no idempotency key).

use chrono::Utc;
use rusqlite::params;

use super::locks::stamp;
use super::{StateError, StateStore};
use crate::config::Dataset;

impl StateStore {
    /// Records that a page keyed `key` is about to be created in `dataset`.
    pub fn record_intent(&self, dataset: Dataset, key: &str) -> Result<(), StateError> {
        self.lock()
            .execute(
                "INSERT OR REPLACE INTO journal (dataset, sync_key, page_id, intent_at, done_at)
                 VALUES (?1, ?2, NULL, ?3, NULL)",
                params![dataset.key(), key, stamp(Utc::now())],
            )
            .map_err(self.sqlite_error())?;
        Ok(())
    }

    /// Forgets the intent for `key`: the page exists (Notion confirmed it, or a lookup found
    /// it) or certainly does not.
    pub fn settle_intent(&self, dataset: Dataset, key: &str) -> Result<(), StateError> {
        self.lock()
            .execute(
                "DELETE FROM journal WHERE dataset = ?1 AND sync_key = ?2",
                params![dataset.key(), key],
            )
            .map_err(self.sqlite_error())?;
        Ok(())
    }

    /// Keys of `dataset` whose create may or may not have happened, oldest first.
    pub fn pending_intents(&self, dataset: Dataset) -> Result<Vec<String>, StateError> {
        let connection = self.lock();
        let sqlite = self.sqlite_error();
        let mut statement = connection
            .prepare(
                "SELECT sync_key FROM journal WHERE dataset = ?1 AND done_at IS NULL
                 ORDER BY intent_at, sync_key",
            )
            .map_err(&sqlite)?;
        let keys = statement
            .query_map([dataset.key()], |row| row.get(0))
            .map_err(&sqlite)?
            .collect::<Result<Vec<String>, _>>()
            .map_err(&sqlite)?;
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intents_stay_pending_until_settled_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite3");
        let store = StateStore::open(&path).unwrap();
        store.record_intent(Dataset::Alerts, "uid-1").unwrap();
        store.record_intent(Dataset::Alerts, "uid-2").unwrap();
        store
            .record_intent(Dataset::CustomerStatus, "site-1")
            .unwrap();
        store.settle_intent(Dataset::Alerts, "uid-1").unwrap();
        drop(store);
        let store = StateStore::open(&path).unwrap();
        assert_eq!(store.pending_intents(Dataset::Alerts).unwrap(), ["uid-2"]);
        assert_eq!(
            store.pending_intents(Dataset::CustomerStatus).unwrap(),
            ["site-1"]
        );
    }
}
