//! Applying a plan: every write goes through the rate-limited Notion client, a few at a
//! time, and every create through the write journal.
//!
//! A create is recorded as an intent first and settled once Notion confirms it. When the
//! answer is lost (a 5xx or a timeout after which the page may exist), the key is looked up
//! before anything is sent again: found, the create counts as done; not found, it is sent
//! again (up to [`GUARDED_CREATES`] times); the lookup itself failing leaves the intent
//! pending, and the next run resolves it from what Notion holds. So a crash, a kill or an
//! outage between a create and its record never yields a duplicate.
//!
//! A failure that will hit every further write too (Notion unavailable after its retries, a
//! refused token, a state store that cannot record) stops the run: writes in flight finish,
//! no new one starts. Any other failure (Notion refusing one row) is counted and the run goes
//! on.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::ProgressBar;
use serde_json::json;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::plan::{Plan, Update};
use super::row::{DesiredRow, SYNC_KEY};
use crate::audit::AuditLog;
use crate::config::Dataset;
use crate::exit::Outcome;
use crate::http::FailureClass;
use crate::notion::{DataSourceId, NotionClient, NotionError, PageId, Query};
use crate::state::StateStore;

/// Creates sent for one row when each answer is lost and the lookup finds no page.
pub const GUARDED_CREATES: u32 = 3;

/// Where and how a plan is written.
#[derive(Debug, Clone)]
pub struct Writer {
    /// The Notion client (shared pace).
    pub notion: NotionClient,
    /// The data source written.
    pub data_source: DataSourceId,
    /// The dataset, for the journal.
    pub dataset: Dataset,
    /// The state store holding the journal.
    pub store: Arc<StateStore>,
    /// The audit log.
    pub audit: Arc<AuditLog>,
    /// Writes in flight at once.
    pub concurrency: usize,
}

/// A row whose write failed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowFailure {
    /// Its key.
    pub key: String,
    /// Its label.
    pub label: String,
    /// `create`, `update`, `retire` or `trash`.
    pub action: &'static str,
    /// Why, in one line.
    pub error: String,
}

/// Why a run stopped writing before the end of its plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    /// The exit outcome the failure stands for.
    pub outcome: Outcome,
    /// The failure, whole (with its hint).
    pub message: String,
}

/// What applying a plan did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    /// Pages created (confirmed by Notion or found by a lookup).
    pub created: usize,
    /// Pages updated.
    pub updated: usize,
    /// Pages retired.
    pub retired: usize,
    /// Duplicate pages trashed.
    pub trashed: usize,
    /// Writes that failed.
    pub failures: Vec<RowFailure>,
    /// Writes never started because the run stopped.
    pub skipped: usize,
    /// Keys whose write failed or never started: checkpoints must not pass them.
    pub incomplete: HashSet<String>,
    /// Why the run stopped early, if it did.
    pub stop: Option<Stop>,
}

enum Write {
    Create(DesiredRow),
    Update(Update),
    Retire(Update),
    Trash { key: String, page: PageId },
}

impl Write {
    fn action(&self) -> &'static str {
        match self {
            Write::Create(_) => "create",
            Write::Update(_) => "update",
            Write::Retire(_) => "retire",
            Write::Trash { .. } => "trash",
        }
    }

    fn key(&self) -> &str {
        match self {
            Write::Create(row) => &row.key,
            Write::Update(u) | Write::Retire(u) => &u.key,
            Write::Trash { key, .. } => key,
        }
    }

    fn label(&self) -> &str {
        match self {
            Write::Create(row) => &row.label,
            Write::Update(u) | Write::Retire(u) => &u.label,
            Write::Trash { key, .. } => key,
        }
    }
}

/// A failed write: the cause, and whether it stops the run.
struct Failed {
    message: String,
    stop: Option<Outcome>,
}

impl From<NotionError> for Failed {
    fn from(err: NotionError) -> Self {
        let stop = match err.class() {
            FailureClass::Auth => Some(Outcome::Auth),
            FailureClass::Unavailable => Some(Outcome::Unavailable),
            FailureClass::Other => None,
        };
        Self {
            message: err.to_string(),
            stop,
        }
    }
}

impl From<crate::state::StateError> for Failed {
    fn from(err: crate::state::StateError) -> Self {
        Self {
            message: err.to_string(),
            stop: Some(Outcome::Partial),
        }
    }
}

/// Writes `plan` with `writer`, counting progress on `progress`.
pub async fn apply(writer: &Writer, plan: &Plan, progress: &ProgressBar) -> Applied {
    let writes = writes(plan);
    let total = writes.len();
    let permits = Arc::new(Semaphore::new(writer.concurrency.max(1)));
    let stop: Arc<Mutex<Option<Stop>>> = Arc::default();
    let mut tasks = JoinSet::new();
    let mut applied = Applied::default();
    let mut started = 0;
    let mut writes = writes.into_iter();
    for write in writes.by_ref() {
        // The semaphore is never closed, so acquiring can only wait, not fail.
        let Ok(permit) = permits.clone().acquire_owned().await else {
            break;
        };
        while let Some(done) = tasks.try_join_next() {
            record(&mut applied, done, progress);
        }
        if stop.lock().unwrap_or_else(|e| e.into_inner()).is_some() {
            applied.incomplete.insert(write.key().to_owned());
            break;
        }
        started += 1;
        let writer = writer.clone();
        let stop = stop.clone();
        tasks.spawn(async move {
            let action = write.action();
            let (key, label) = (write.key().to_owned(), write.label().to_owned());
            let result = execute(&writer, write).await;
            drop(permit);
            if let Err(failed) = &result
                && let Some(outcome) = failed.stop
            {
                let mut stop = stop.lock().unwrap_or_else(|e| e.into_inner());
                stop.get_or_insert(Stop {
                    outcome,
                    message: failed.message.clone(),
                });
            }
            (action, key, label, result)
        });
    }
    while let Some(done) = tasks.join_next().await {
        record(&mut applied, done, progress);
    }
    applied
        .incomplete
        .extend(writes.map(|w| w.key().to_owned()));
    applied.skipped = total - started;
    applied.stop = stop.lock().unwrap_or_else(|e| e.into_inner()).take();
    applied
}

type Done = (&'static str, String, String, Result<(), Failed>);

fn record(applied: &mut Applied, done: Result<Done, tokio::task::JoinError>, bar: &ProgressBar) {
    bar.inc(1);
    let (action, key, label, result) = match done {
        Ok(done) => done,
        Err(err) => {
            // A write task panicked: a bug. Count it as a failure of an unknown row.
            applied.failures.push(RowFailure {
                key: String::new(),
                label: String::new(),
                action: "write",
                error: format!("internal error: {err}"),
            });
            return;
        }
    };
    match result {
        Ok(()) => match action {
            "create" => applied.created += 1,
            "update" => applied.updated += 1,
            "retire" => applied.retired += 1,
            _ => applied.trashed += 1,
        },
        Err(failed) => {
            applied.incomplete.insert(key.clone());
            applied.failures.push(RowFailure {
                key,
                label,
                action,
                error: first_line(&failed.message),
            });
        }
    }
}

fn writes(plan: &Plan) -> Vec<Write> {
    let mut writes: Vec<Write> = plan.creates.iter().cloned().map(Write::Create).collect();
    writes.extend(plan.updates.iter().cloned().map(Write::Update));
    writes.extend(plan.retirements.iter().cloned().map(Write::Retire));
    if plan.trash_duplicates {
        for duplicate in &plan.duplicates {
            writes.extend(duplicate.extra.iter().map(|page| Write::Trash {
                key: duplicate.key.clone(),
                page: page.clone(),
            }));
        }
    }
    writes
}

async fn execute(writer: &Writer, write: Write) -> Result<(), Failed> {
    match write {
        Write::Create(row) => {
            create_audited(writer, &row).await?;
        }
        Write::Update(update) => update_page(writer, &update, "update").await?,
        Write::Retire(update) => update_page(writer, &update, "retire").await?,
        Write::Trash { key, page } => {
            writer.notion.set_trashed(&page, true).await?;
            writer.audit.record(
                "write",
                json!({ "action": "trash_duplicate", "key": key, "page": page.as_str() }),
            );
        }
    }
    Ok(())
}

async fn update_page(writer: &Writer, update: &Update, action: &str) -> Result<(), Failed> {
    let properties = update
        .changes
        .iter()
        .map(|c| (c.property.as_str(), &c.after));
    writer.notion.update_page(&update.page, properties).await?;
    let names: Vec<&str> = update.changes.iter().map(|c| c.property.as_str()).collect();
    writer.audit.record(
        "write",
        json!({ "action": action, "key": update.key, "page": update.page.as_str(),
                "properties": names }),
    );
    Ok(())
}

/// Creates one row through the journal, as a plan's creates are (for a single entry written
/// outside a sync run, such as a manual change). Returns the page id.
pub async fn create_one(writer: &Writer, row: &DesiredRow) -> Result<PageId, Stop> {
    create_audited(writer, row).await.map_err(|failed| Stop {
        outcome: failed.stop.unwrap_or(Outcome::Partial),
        message: failed.message,
    })
}

async fn create_audited(writer: &Writer, row: &DesiredRow) -> Result<PageId, Failed> {
    let (page, found) = create(writer, row).await?;
    let names: Vec<&str> = row.create_properties().map(|(name, _)| name).collect();
    writer.audit.record(
        "write",
        json!({ "action": "create", "key": row.key, "page": page.as_str(),
                "found_by_lookup": found, "properties": names }),
    );
    Ok(page)
}

/// Creates the page of `row` through the journal; returns its id and whether a lookup (not
/// Notion's answer) confirmed it.
async fn create(writer: &Writer, row: &DesiredRow) -> Result<(PageId, bool), Failed> {
    let store = &writer.store;
    store.record_intent(writer.dataset, &row.key)?;
    let mut sent = 0;
    loop {
        sent += 1;
        let err = match writer
            .notion
            .create_page(&writer.data_source, row.create_properties())
            .await
        {
            Ok(page) => {
                store.settle_intent(writer.dataset, &row.key)?;
                return Ok((page.id, false));
            }
            Err(err) => err,
        };
        if !err.maybe_applied() {
            store.settle_intent(writer.dataset, &row.key)?;
            return Err(err.into());
        }
        tracing::debug!(key = %row.key, cause = %first_line(&err.to_string()),
            "create answer lost; looking the key up before sending it again");
        match lookup(writer, &row.key).await {
            Ok(Some(page)) => {
                store.settle_intent(writer.dataset, &row.key)?;
                return Ok((page, true));
            }
            Ok(None) if sent < GUARDED_CREATES => {
                tokio::time::sleep(Duration::from_millis(500) * sent).await;
            }
            Ok(None) => {
                store.settle_intent(writer.dataset, &row.key)?;
                return Err(err.into());
            }
            // Unknown whether it exists: the intent stays for the next run to resolve.
            Err(_) => return Err(err.into()),
        }
    }
}

/// The page keyed `key`, if Notion has one.
pub async fn lookup(writer: &Writer, key: &str) -> Result<Option<PageId>, NotionError> {
    let pages = writer
        .notion
        .query(&writer.data_source, &Query::text_equals(SYNC_KEY, key))
        .await?;
    Ok(pages.into_iter().find(|p| !p.in_trash).map(|p| p.id))
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}
