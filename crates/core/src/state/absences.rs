//! Absence counts: for each key a dataset's source no longer returns, how many runs in a row
//! it has been missing. A row is retired only after the configured number of absences, so
//! one flaky answer never marks a customer `offboarding`.

use std::collections::BTreeMap;

use rusqlite::params;

use super::{StateError, StateStore};
use crate::config::Dataset;

impl StateStore {
    /// The absence count of every key of `dataset` that is counted.
    pub fn absences(&self, dataset: Dataset) -> Result<BTreeMap<String, u32>, StateError> {
        let connection = self.lock();
        let sqlite = self.sqlite_error();
        let mut statement = connection
            .prepare("SELECT sync_key, count FROM absences WHERE dataset = ?1")
            .map_err(&sqlite)?;
        let rows = statement
            .query_map([dataset.key()], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, u32>(1)?))
            })
            .map_err(&sqlite)?
            .collect::<Result<BTreeMap<_, _>, _>>()
            .map_err(&sqlite)?;
        Ok(rows)
    }

    /// Replaces the absence counts of `dataset` with `counts`, in one transaction.
    pub fn set_absences(
        &self,
        dataset: Dataset,
        counts: &BTreeMap<String, u32>,
    ) -> Result<(), StateError> {
        let mut connection = self.lock();
        let sqlite = self.sqlite_error();
        let transaction = connection.transaction().map_err(&sqlite)?;
        transaction
            .execute("DELETE FROM absences WHERE dataset = ?1", [dataset.key()])
            .map_err(&sqlite)?;
        {
            let mut insert = transaction
                .prepare("INSERT INTO absences (dataset, sync_key, count) VALUES (?1, ?2, ?3)")
                .map_err(&sqlite)?;
            for (key, count) in counts {
                insert
                    .execute(params![dataset.key(), key, count])
                    .map_err(&sqlite)?;
            }
        }
        transaction.commit().map_err(&sqlite)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_replaced_per_dataset() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::open(&dir.path().join("state.sqlite3")).unwrap();
        let first = BTreeMap::from([("a".to_owned(), 1), ("b".to_owned(), 2)]);
        store.set_absences(Dataset::CustomerStatus, &first).unwrap();
        store
            .set_absences(Dataset::Alerts, &BTreeMap::from([("x".to_owned(), 1)]))
            .unwrap();
        let second = BTreeMap::from([("b".to_owned(), 3)]);
        store
            .set_absences(Dataset::CustomerStatus, &second)
            .unwrap();
        assert_eq!(store.absences(Dataset::CustomerStatus).unwrap(), second);
        assert_eq!(store.absences(Dataset::Alerts).unwrap().len(), 1);
    }
}
