//! Daily snapshots: what a daily-health run saw of each site, kept so that any day with a
//! snapshot can be published again later (a backfill, a rebuilt database). The payload is
//! the dataset's own JSON; the store only files it by site, time and local day.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;

use super::locks::{parse_time, stamp};
use super::{StateError, StateStore};

/// One stored snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSnapshot {
    /// The UniFi site id.
    pub site_id: String,
    /// When it was taken.
    pub taken_at: DateTime<Utc>,
    /// The site's local date at that time.
    pub local_date: NaiveDate,
    /// The dataset's JSON.
    pub payload: String,
}

impl StateStore {
    /// Keeps `snapshots`, in one transaction; one taken again at the same time replaces it.
    pub fn record_snapshots(&self, snapshots: &[StoredSnapshot]) -> Result<(), StateError> {
        let mut connection = self.lock();
        let sqlite = self.sqlite_error();
        let transaction = connection.transaction().map_err(&sqlite)?;
        {
            let mut insert = transaction
                .prepare(
                    "INSERT OR REPLACE INTO snapshots (site_id, taken_at, local_date, payload)
                     VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(&sqlite)?;
            for snapshot in snapshots {
                insert
                    .execute(params![
                        snapshot.site_id,
                        stamp(snapshot.taken_at),
                        snapshot.local_date.to_string(),
                        snapshot.payload
                    ])
                    .map_err(&sqlite)?;
            }
        }
        transaction.commit().map_err(&sqlite)
    }

    /// Every snapshot of the local days `first..=last`, plus the last one of each site before
    /// `first` (what the first day is compared with), by site and time.
    pub fn snapshots_around(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<Vec<StoredSnapshot>, StateError> {
        let connection = self.lock();
        let sqlite = self.sqlite_error();
        let mut statement = connection
            .prepare(
                "SELECT site_id, taken_at, local_date, payload FROM snapshots
                 WHERE local_date BETWEEN ?1 AND ?2
                 UNION ALL
                 SELECT site_id, MAX(taken_at), local_date, payload FROM snapshots
                 WHERE local_date < ?1 GROUP BY site_id
                 ORDER BY 1, 2",
            )
            .map_err(&sqlite)?;
        let rows = statement
            .query_map(params![first.to_string(), last.to_string()], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                ))
            })
            .map_err(&sqlite)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(&sqlite)?;
        Ok(rows
            .into_iter()
            .filter_map(|(site_id, taken_at, local_date, payload)| {
                Some(StoredSnapshot {
                    site_id,
                    taken_at: parse_time(&taken_at),
                    local_date: local_date.parse().ok()?,
                    payload,
                })
            })
            .collect())
    }

    /// The earliest local date any snapshot was taken on.
    pub fn first_snapshot_date(&self) -> Result<Option<NaiveDate>, StateError> {
        let text: Option<String> = self
            .lock()
            .query_row("SELECT MIN(local_date) FROM snapshots", [], |row| {
                row.get(0)
            })
            .map_err(self.sqlite_error())?;
        Ok(text.and_then(|t| t.parse().ok()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(site: &str, at: &str, date: &str) -> StoredSnapshot {
        StoredSnapshot {
            site_id: site.into(),
            taken_at: DateTime::parse_from_rfc3339(at)
                .unwrap()
                .with_timezone(&Utc),
            local_date: date.parse().unwrap(),
            payload: format!("{{\"at\":\"{at}\"}}"),
        }
    }

    #[test]
    fn a_range_comes_with_the_last_snapshot_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::open(&dir.path().join("state.sqlite3")).unwrap();
        let day = |d: &str| d.parse::<NaiveDate>().unwrap();
        assert_eq!(store.first_snapshot_date().unwrap(), None);
        store
            .record_snapshots(&[
                snapshot("a", "2026-12-01T08:00:00Z", "2026-12-01"),
                snapshot("a", "2026-12-01T20:00:00Z", "2026-12-01"),
                snapshot("a", "2026-12-03T08:00:00Z", "2026-12-03"),
                snapshot("a", "2026-12-05T08:00:00Z", "2026-12-05"),
                snapshot("b", "2026-12-03T09:00:00Z", "2026-12-03"),
            ])
            .unwrap();
        let found = store
            .snapshots_around(day("2026-12-02"), day("2026-12-04"))
            .unwrap();
        let seen: Vec<(&str, String)> = found
            .iter()
            .map(|s| (s.site_id.as_str(), s.local_date.to_string()))
            .collect();
        assert_eq!(
            seen,
            vec![
                ("a", "2026-12-01".into()),
                ("a", "2026-12-03".into()),
                ("b", "2026-12-03".into())
            ]
        );
        assert_eq!(found[0].payload, "{\"at\":\"2026-12-01T20:00:00Z\"}");
        assert_eq!(
            store.first_snapshot_date().unwrap(),
            Some(day("2026-12-01"))
        );
    }
}
