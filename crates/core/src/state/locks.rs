//! Dataset locks: one lease per dataset in the `locks` table, so that two runs of one dataset
//! never write at the same time.
//!
//! A run takes the lease before it reads anything and gives it back when it ends. The lease
//! names its holder (`host:pid:nonce`) and expires unless renewed, so a holder that died
//! cannot block the dataset for ever: on the same host a holder whose process is gone is
//! taken over at once; elsewhere the lease runs out. Taking and checking happen in one
//! `BEGIN IMMEDIATE` transaction, so two processes racing for a free lease cannot both win.

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::{StateError, StateStore};
use crate::config::Dataset;

/// How long a lease lasts without renewal.
pub const LEASE: Duration = Duration::from_secs(120);

/// A held dataset lock. Give it back with [`StateStore::unlock`]; a lease that is dropped
/// without that expires after [`LEASE`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The dataset locked.
    pub dataset: Dataset,
    /// Who holds it: `host:pid:nonce`.
    pub holder: String,
}

/// Who holds a lock another run asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldBy {
    /// `host:pid:nonce` of the holder.
    pub holder: String,
    /// When it took the lock.
    pub since: DateTime<Utc>,
    /// When the lease runs out unless renewed.
    pub until: DateTime<Utc>,
}

impl StateStore {
    /// Takes the lock of `dataset` for this process, or says who holds it.
    pub fn lock_dataset(&self, dataset: Dataset) -> Result<Lease, StateError> {
        let holder = format!("{}:{}:{}", host_name(), std::process::id(), nonce());
        let now = Utc::now();
        let mut connection = self.lock();
        let sqlite = self.sqlite_error();
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&sqlite)?;
        let current: Option<(String, String, String)> = transaction
            .query_row(
                "SELECT holder, acquired_at, expires_at FROM locks WHERE dataset = ?1",
                [dataset.key()],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()
            .map_err(&sqlite)?;
        if let Some((other, since, until)) = current {
            let held = HeldBy {
                since: parse_time(&since),
                until: parse_time(&until),
                holder: other,
            };
            if held.until > now && !holder_is_gone(&held.holder) {
                return Err(StateError::Locked {
                    dataset,
                    held_by: held,
                });
            }
            tracing::warn!(
                dataset = %dataset,
                holder = %held.holder,
                "taking over a lock whose holder is gone or whose lease ran out"
            );
        }
        transaction
            .execute(
                "INSERT OR REPLACE INTO locks (dataset, holder, acquired_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![dataset.key(), holder, stamp(now), stamp(expiry(now))],
            )
            .map_err(&sqlite)?;
        transaction.commit().map_err(&sqlite)?;
        Ok(Lease { dataset, holder })
    }

    /// Extends `lease` by [`LEASE`] from now; an error when another run took it over.
    pub fn renew(&self, lease: &Lease) -> Result<(), StateError> {
        let now = Utc::now();
        let changed = self
            .lock()
            .execute(
                "UPDATE locks SET expires_at = ?1 WHERE dataset = ?2 AND holder = ?3",
                params![stamp(expiry(now)), lease.dataset.key(), lease.holder],
            )
            .map_err(self.sqlite_error())?;
        if changed == 0 {
            return Err(StateError::LockLost {
                dataset: lease.dataset,
            });
        }
        Ok(())
    }

    /// Gives `lease` back. Giving back a lease another run took over changes nothing.
    pub fn unlock(&self, lease: &Lease) -> Result<(), StateError> {
        self.lock()
            .execute(
                "DELETE FROM locks WHERE dataset = ?1 AND holder = ?2",
                params![lease.dataset.key(), lease.holder],
            )
            .map_err(self.sqlite_error())?;
        Ok(())
    }
}

fn expiry(now: DateTime<Utc>) -> DateTime<Utc> {
    now + chrono::Duration::from_std(LEASE).unwrap_or_else(|_| chrono::Duration::minutes(2))
}

pub(super) fn stamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Reads a time this module wrote; an unreadable one counts as long past, so that a damaged
/// row cannot hold a lock.
pub(super) fn parse_time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).map_or(DateTime::<Utc>::MIN_UTC, |t| t.with_timezone(&Utc))
}

fn host_name() -> String {
    rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .replace(':', "_")
}

fn nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..8].to_owned()
}

/// Whether `holder` is a process of this host that no longer runs. A holder on another host
/// cannot be checked from here: only its lease tells.
fn holder_is_gone(holder: &str) -> bool {
    let mut parts = holder.split(':');
    let (Some(host), Some(pid)) = (parts.next(), parts.next()) else {
        return false;
    };
    if host != host_name() {
        return false;
    }
    let Some(pid) = pid
        .parse::<i32>()
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    if pid == rustix::process::getpid() {
        // Another run of this very process (a test harness): it is alive.
        return false;
    }
    // `kill(pid, 0)`: ESRCH means no such process; EPERM means it exists under another user.
    matches!(
        rustix::process::test_kill_process(pid),
        Err(rustix::io::Errno::SRCH)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, StateStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::open(&dir.path().join("state.sqlite3")).unwrap();
        (dir, store)
    }

    #[test]
    fn a_second_lock_of_one_dataset_is_refused_until_given_back() {
        let (_dir, store) = store();
        let lease = store.lock_dataset(Dataset::Alerts).unwrap();
        let err = store.lock_dataset(Dataset::Alerts).unwrap_err();
        assert!(matches!(err, StateError::Locked { .. }), "{err}");
        assert!(err.to_string().contains("alerts"), "{err}");
        let other = store.lock_dataset(Dataset::CustomerStatus).unwrap();
        store.renew(&lease).unwrap();
        store.unlock(&lease).unwrap();
        store.lock_dataset(Dataset::Alerts).unwrap();
        store.unlock(&other).unwrap();
    }

    #[test]
    fn a_lock_of_a_dead_process_or_past_its_lease_is_taken_over() {
        let (_dir, store) = store();
        let past = stamp(Utc::now() - chrono::Duration::minutes(1));
        let later = stamp(Utc::now() + chrono::Duration::minutes(10));
        let insert = |dataset: &str, holder: &str, until: &str| {
            store
                .lock()
                .execute(
                    "INSERT OR REPLACE INTO locks VALUES (?1, ?2, ?3, ?4)",
                    params![dataset, holder, past, until],
                )
                .unwrap();
        };
        // PIDs are below 2^22 on Linux; this one cannot run.
        insert("alerts", &format!("{}:99999999:dead", host_name()), &later);
        let lease = store.lock_dataset(Dataset::Alerts).unwrap();
        assert_ne!(lease.holder, format!("{}:99999999:dead", host_name()));

        insert("customer_status", "elsewhere:1:x", &past);
        store.lock_dataset(Dataset::CustomerStatus).unwrap();

        insert("daily_health", "elsewhere:1:x", &later);
        let err = store.lock_dataset(Dataset::DailyHealth).unwrap_err();
        assert!(matches!(err, StateError::Locked { .. }), "{err}");
    }

    #[test]
    fn renewing_a_lease_taken_over_is_an_error() {
        let (_dir, store) = store();
        let lease = store.lock_dataset(Dataset::Alerts).unwrap();
        store.unlock(&lease).unwrap();
        let _other = store.lock_dataset(Dataset::Alerts).unwrap();
        assert!(matches!(
            store.renew(&lease),
            Err(StateError::LockLost { .. })
        ));
    }
}
