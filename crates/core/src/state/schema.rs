//! The state store's tables, created on first use and migrated forward by version.
//!
//! | table         | holds                                                              |
//! |---------------|--------------------------------------------------------------------|
//! | `meta`        | the schema version                                                 |
//! | `checkpoints` | per dataset and key: the committed position (activity id, day)     |
//! | `journal`     | write intents: dataset, sync key, and the page id once created     |
//! | `runs`        | one row per run: dataset, times, outcome, counts, report JSON      |
//! | `snapshots`   | per site and time: what a run saw (daily health re-publishing)     |
//! | `locks`       | per dataset: who holds it, since and until when (a lease)          |
//! | `absences`    | per dataset and key: consecutive runs the source lacked the key    |

/// The schema version this build writes.
pub const VERSION: i64 = 1;

/// Statements that bring a store from version `n - 1` to `n`, by `n`.
pub const MIGRATIONS: &[(i64, &str)] = &[(
    1,
    "CREATE TABLE checkpoints (
         dataset TEXT NOT NULL,
         key TEXT NOT NULL,
         value TEXT NOT NULL,
         updated_at TEXT NOT NULL,
         PRIMARY KEY (dataset, key)
     );
     CREATE TABLE journal (
         dataset TEXT NOT NULL,
         sync_key TEXT NOT NULL,
         page_id TEXT,
         intent_at TEXT NOT NULL,
         done_at TEXT,
         PRIMARY KEY (dataset, sync_key)
     );
     CREATE TABLE runs (
         id INTEGER PRIMARY KEY AUTOINCREMENT,
         dataset TEXT NOT NULL,
         started_at TEXT NOT NULL,
         finished_at TEXT,
         outcome TEXT,
         source_count INTEGER,
         report TEXT
     );
     CREATE INDEX runs_by_dataset ON runs (dataset, id);
     CREATE TABLE snapshots (
         site_id TEXT NOT NULL,
         taken_at TEXT NOT NULL,
         local_date TEXT NOT NULL,
         payload TEXT NOT NULL,
         PRIMARY KEY (site_id, taken_at)
     );
     CREATE INDEX snapshots_by_day ON snapshots (local_date, site_id);
     CREATE TABLE locks (
         dataset TEXT PRIMARY KEY,
         holder TEXT NOT NULL,
         acquired_at TEXT NOT NULL,
         expires_at TEXT NOT NULL
     );
     CREATE TABLE absences (
         dataset TEXT NOT NULL,
         sync_key TEXT NOT NULL,
         count INTEGER NOT NULL,
         PRIMARY KEY (dataset, sync_key)
     );",
)];
