//! The state store: one SQLite file that keeps what must survive a run (checkpoints, the write
//! journal, run history, daily snapshots, dataset locks, absence counts). It is created on
//! first use and migrated forward; a file written by a newer build is refused rather than
//! damaged.
//!
//! Writes go through SQLite transactions with a busy timeout, so two processes on one host
//! can share the file; a corrupted or unreadable file is an error that names it.
//!
//! | file             | owns                                                        |
//! |------------------|-------------------------------------------------------------|
//! | `locks.rs`       | dataset leases: take, renew, give back, take over the dead  |
//! | `journal.rs`     | create intents, pending until Notion confirms               |
//! | `runs.rs`        | run history, the source-count guard's reference             |
//! | `absences.rs`    | consecutive absences per key, before retirement             |
//! | `checkpoints.rs` | committed positions and cached facts per dataset            |

mod absences;
mod checkpoints;
mod journal;
mod locks;
mod runs;
mod schema;
mod snapshots;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::Connection;

pub use checkpoints::RECORD_PREFIX;
pub use locks::{HeldBy, LEASE, Lease};
pub use runs::RunRecord;
pub use schema::VERSION as SCHEMA_VERSION;
pub use snapshots::StoredSnapshot;

use crate::config::Dataset;

/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the state store could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The directory of the file could not be created.
    #[error("cannot create the state directory `{path}`: {source}")]
    Directory {
        /// The directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// SQLite refused to open or use the file.
    #[error(
        "state store `{path}` is unusable: {source}\n\
         hint: if the file is corrupted, move it aside; the next run rebuilds it (checkpoints \
         restart from Notion's contents, see RUNBOOK: \"Database corruption\")"
    )]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: rusqlite::Error,
    },
    /// The file was written by a newer build.
    #[error(
        "state store `{path}` has schema version {found}, newer than this build's {supported}\n\
         hint: run the newer build, or point `state.path` at another file"
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Version in the file.
        found: i64,
        /// Version this build writes.
        supported: i64,
    },
    /// Another run holds the dataset's lock.
    #[error(
        "another {dataset} run holds the lock (holder {}, since {}, lease until {})\n\
         hint: wait for it to finish; a holder that died is taken over when its lease runs \
         out", held_by.holder, held_by.since.format("%Y-%m-%d %H:%M:%S UTC"),
         held_by.until.format("%H:%M:%S UTC")
    )]
    Locked {
        /// The dataset.
        dataset: Dataset,
        /// Who holds it.
        held_by: HeldBy,
    },
    /// The lease was taken over by another run (this run was stalled past its lease).
    #[error(
        "the {dataset} lock was taken over by another run while this one held it\n\
         hint: this run stalled for longer than the lease; its remaining writes were stopped"
    )]
    LockLost {
        /// The dataset.
        dataset: Dataset,
    },
}

/// An open state store.
#[derive(Debug)]
pub struct StateStore {
    path: PathBuf,
    connection: Mutex<Connection>,
}

impl StateStore {
    /// Opens the store at `path`, creating and migrating it as needed.
    pub fn open(path: &Path) -> Result<Self, StateError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StateError::Directory {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let sqlite = |source| StateError::Sqlite {
            path: path.to_path_buf(),
            source,
        };
        let mut connection = Connection::open(path).map_err(sqlite)?;
        connection.busy_timeout(BUSY_TIMEOUT).map_err(sqlite)?;
        connection
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(sqlite)?;
        // In WAL mode NORMAL loses no committed transaction on a process crash (only on a
        // power cut), and spares one fsync per journal entry.
        connection
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(sqlite)?;
        migrate(&mut connection, path)?;
        Ok(Self {
            path: path.to_path_buf(),
            connection: Mutex::new(connection),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Checks the file end to end: SQLite's own integrity check and the schema version.
    pub fn verify(&self) -> Result<i64, StateError> {
        let connection = self.lock();
        let sqlite = |source| StateError::Sqlite {
            path: self.path.clone(),
            source,
        };
        let verdict: String = connection
            .query_row("PRAGMA quick_check", [], |row| row.get(0))
            .map_err(sqlite)?;
        if verdict != "ok" {
            return Err(sqlite(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some(verdict),
            )));
        }
        version(&connection).map_err(sqlite)
    }

    /// Turns a SQLite failure into an error naming this store's file.
    fn sqlite_error(&self) -> impl Fn(rusqlite::Error) -> StateError + '_ {
        move |source| StateError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // SQLite keeps its own consistency; a panic in another thread while it held the
        // connection leaves no half-applied transaction behind (it rolls back on drop).
        self.connection.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn version(connection: &Connection) -> rusqlite::Result<i64> {
    connection.query_row("PRAGMA user_version", [], |row| row.get(0))
}

fn migrate(connection: &mut Connection, path: &Path) -> Result<(), StateError> {
    let sqlite = |source| StateError::Sqlite {
        path: path.to_path_buf(),
        source,
    };
    let transaction = connection.transaction().map_err(sqlite)?;
    let found = version(&transaction).map_err(sqlite)?;
    if found > schema::VERSION {
        return Err(StateError::TooNew {
            path: path.to_path_buf(),
            found,
            supported: schema::VERSION,
        });
    }
    for (target, statements) in schema::MIGRATIONS {
        if *target > found {
            transaction.execute_batch(statements).map_err(sqlite)?;
            transaction
                .pragma_update(None, "user_version", target)
                .map_err(sqlite)?;
        }
    }
    transaction.commit().map_err(sqlite)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_migrates_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/state.sqlite3");
        let store = StateStore::open(&path).unwrap();
        assert_eq!(store.verify().unwrap(), SCHEMA_VERSION);
        drop(store);
        let again = StateStore::open(&path).unwrap();
        assert_eq!(again.verify().unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn refuses_a_newer_file_and_names_a_corrupted_one() {
        let dir = tempfile::tempdir().unwrap();
        let newer = dir.path().join("newer.sqlite3");
        let connection = Connection::open(&newer).unwrap();
        connection.pragma_update(None, "user_version", 99).unwrap();
        drop(connection);
        let err = StateStore::open(&newer).unwrap_err();
        assert!(matches!(err, StateError::TooNew { found: 99, .. }), "{err}");

        let garbage = dir.path().join("garbage.sqlite3");
        std::fs::write(&garbage, vec![0x42; 8192]).unwrap();
        let err = StateStore::open(&garbage).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("garbage.sqlite3") && text.contains("hint:"),
            "{text}"
        );
    }
}
