//! One run of a dataset, start to end (`shared/DESIGN.md` section 6): take the dataset's
//! lock, read the sources, check the source guard, read the current rows once, settle the
//! journal, plan, check the change guard, apply (or print the plan for `--dry-run`), keep the
//! absence counts, record the run, give the lock back.
//!
//! The order matters. Nothing is written before both guards passed. The journal is settled
//! from a full read of the data source, so a create whose answer was lost in an earlier run
//! is found instead of repeated. Absence counts move only when the run applied its whole
//! plan, so an outage never counts as an absence.

use std::collections::HashSet;
use std::future::Future;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use super::apply::{Applied, Writer, apply};
use super::current::CurrentRows;
use super::guards::{GuardTrip, check_changes, check_source};
use super::plan::{Plan, Scope, plan};
use super::report::{ApiCalls, ReviewItem, RowCounts, RunReport, plan_json, plan_text};
use super::row::{DesiredRow, SYNC_KEY};
use super::spec::DatasetSpec;
use crate::audit::AuditLog;
use crate::config::GuardSettings;
use crate::exit::Outcome;
use crate::notion::{DataSourceId, DatabaseId, NotionClient, Page, Query};
use crate::state::{Lease, StateStore};

/// Whether a current row is within what a run looked at (`--site`, dates): rows outside it
/// are neither retired nor counted absent.
pub type Covers = Box<dyn Fn(&str, &Page) -> bool + Send + Sync>;

/// Which current rows a run reads from Notion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CurrentRead {
    /// Every row of the data source (datasets of one row per thing now: sites, alerts).
    All,
    /// Only the rows with these keys (datasets that only grow: days, changes), in queries
    /// of 100 keys. Legacy keys are not looked at.
    Keys(Vec<String>),
}

/// A checkpoint that advances only past rows Notion confirmed: its values in the order a
/// run reaches them, each with the keys that must be written (or already right) first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointPlan {
    /// The checkpoint's name in the state store.
    pub name: String,
    /// Values in order, each with the keys it covers.
    pub steps: Vec<(String, Vec<String>)>,
}

impl CheckpointPlan {
    /// The value reached when every key of `incomplete` is still to be written: the last
    /// step before the first that covers one of them.
    pub fn reached(&self, incomplete: &HashSet<String>) -> Option<&str> {
        self.steps
            .iter()
            .take_while(|(_, keys)| !keys.iter().any(|k| incomplete.contains(k)))
            .last()
            .map(|(value, _)| value.as_str())
    }
}

/// What a dataset read from its sources for one run.
pub struct SourceRows {
    /// The rows this run writes (after `--site` and date filters).
    pub rows: Vec<DesiredRow>,
    /// Every key the sources hold now, filters or not: rows with these keys are not gone.
    pub present: HashSet<String>,
    /// Whether a current row is within what this run looked at.
    pub covers: Covers,
    /// What the source guard counts (`UniFi sites`, ...) and how many there are now,
    /// unfiltered; each is compared with its count in the last good run.
    pub guard_counts: Vec<(&'static str, u64)>,
    /// Rows needing review.
    pub review: Vec<ReviewItem>,
    /// What the operator should know.
    pub notes: Vec<String>,
    /// Which current rows to read.
    pub read: CurrentRead,
    /// Checkpoints to commit once the writes they cover are confirmed.
    pub checkpoints: Vec<CheckpointPlan>,
}

/// A failure before any write: the outcome it stands for and its message.
#[derive(Debug, Clone, PartialEq)]
pub struct RunFailure {
    /// The exit outcome.
    pub outcome: Outcome,
    /// The message, with its hint.
    pub message: String,
}

impl RunFailure {
    /// A failure of `outcome` saying `message`.
    pub fn new(outcome: Outcome, message: impl ToString) -> Self {
        Self {
            outcome,
            message: message.to_string(),
        }
    }
}

/// How to run, from the shared flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// Print the plan, write nothing.
    pub dry_run: bool,
    /// Override both guards.
    pub force: bool,
    /// Re-examine everything; trash duplicate pages.
    pub full_sync: bool,
    /// Exit with the review code when rows need review.
    pub fail_on_review: bool,
    /// Show a progress bar on stderr (only honoured on a terminal).
    pub progress: bool,
}

/// Where a run writes and what it may use.
pub struct Target<'a> {
    /// The binary's name, for reports.
    pub command: &'static str,
    /// The dataset and its rules.
    pub spec: DatasetSpec,
    /// The Notion client.
    pub notion: &'a NotionClient,
    /// The database written (from config.json, or `--database-id`).
    pub database: DatabaseId,
    /// The state store file.
    pub state_path: PathBuf,
    /// The audit log file.
    pub audit_path: PathBuf,
    /// Guard settings.
    pub guards: GuardSettings,
    /// Notion writes in flight at once.
    pub concurrency: usize,
    /// Requests made so far per API, for the report.
    pub calls: &'a (dyn Fn() -> ApiCalls + Sync),
    /// The run's clock (simulated in DR test mode).
    pub now: DateTime<Utc>,
    /// Where each secret came from (`vault`, `environment`, ...), for the audit log; never
    /// the values.
    pub secret_sources: Vec<(String, String)>,
}

/// Runs one dataset: `read` reads its sources. Always returns a report; its `exit_code` is
/// the process's.
pub async fn run<F, Fut>(target: &Target<'_>, options: &RunOptions, read: F) -> RunReport
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<SourceRows, RunFailure>>,
{
    let started = Instant::now();
    let mut report = RunReport {
        command: target.command.to_owned(),
        dataset: target.spec.dataset.key().to_owned(),
        started_at: target.now,
        dry_run: options.dry_run,
        outcome: String::new(),
        exit_code: 0,
        counts: RowCounts::default(),
        api_calls: ApiCalls::default(),
        duration_secs: 0.0,
        review: Vec::new(),
        failures: Vec::new(),
        notes: Vec::new(),
        error: None,
        plan: None,
        guard_counts: Vec::new(),
        peak_rss_mb: None,
    };
    let outcome = match Session::open(target, options) {
        Ok(session) => {
            let outcome = session.run(target, options, read, &mut report).await;
            session.close(target, &report, outcome);
            outcome
        }
        Err(failure) => {
            report.error = Some(failure.message);
            failure.outcome
        }
    };
    report.outcome = outcome.name().to_owned();
    report.exit_code = outcome.code();
    report.api_calls = (target.calls)();
    report.duration_secs = started.elapsed().as_secs_f64();
    report.peak_rss_mb = super::report::peak_rss_mb();
    report
}

/// A run's hold on the state store, its lock and the audit log.
struct Session {
    store: Arc<StateStore>,
    audit: Arc<AuditLog>,
    lease: Option<Lease>,
    run_id: Option<i64>,
    renewal: Option<tokio::task::JoinHandle<()>>,
}

impl Session {
    fn open(target: &Target<'_>, options: &RunOptions) -> Result<Self, RunFailure> {
        let dataset = target.spec.dataset;
        let store = StateStore::open(&target.state_path)
            .map_err(|err| RunFailure::new(Outcome::Config, err))?;
        let lease = if options.dry_run {
            None
        } else {
            Some(store.lock_dataset(dataset).map_err(|err| {
                let outcome = match err {
                    crate::state::StateError::Locked { .. } => Outcome::Locked,
                    _ => Outcome::Config,
                };
                RunFailure::new(outcome, err)
            })?)
        };
        let store = Arc::new(store);
        let run_label = uuid::Uuid::new_v4().simple().to_string();
        let audit = AuditLog::open(&target.audit_path, dataset.key(), &run_label)
            .map_err(|err| RunFailure::new(Outcome::Config, err));
        let audit = match audit {
            Ok(audit) => Arc::new(audit),
            Err(failure) => {
                if let Some(lease) = &lease {
                    let _ = store.unlock(lease);
                }
                return Err(failure);
            }
        };
        let run_id = if options.dry_run {
            None
        } else {
            store.start_run(dataset, target.now).ok()
        };
        audit.record(
            "run_start",
            json!({ "command": target.command, "dry_run": options.dry_run,
                    "full_sync": options.full_sync, "force": options.force,
                    "database": target.database.as_str() }),
        );
        let sources: serde_json::Map<String, serde_json::Value> = target
            .secret_sources
            .iter()
            .map(|(name, source)| (name.clone(), json!(source)))
            .collect();
        audit.record("secret_sources", json!({ "sources": sources }));
        let renewal = lease.clone().map(|lease| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(crate::state::LEASE / 4);
                tick.tick().await;
                loop {
                    tick.tick().await;
                    if let Err(err) = store.renew(&lease) {
                        tracing::error!(cause = %err, "could not renew the dataset lock");
                        return;
                    }
                }
            })
        });
        Ok(Self {
            store,
            audit,
            lease,
            run_id,
            renewal,
        })
    }

    async fn run<F, Fut>(
        &self,
        target: &Target<'_>,
        options: &RunOptions,
        read: F,
        report: &mut RunReport,
    ) -> Outcome
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<SourceRows, RunFailure>>,
    {
        match self.plan_and_apply(target, options, read, report).await {
            Ok(outcome) => outcome,
            Err(failure) => {
                if failure.outcome == Outcome::Guard {
                    self.audit
                        .record("guard", json!({ "message": failure.message }));
                }
                report.error = Some(failure.message);
                failure.outcome
            }
        }
    }

    async fn plan_and_apply<F, Fut>(
        &self,
        target: &Target<'_>,
        options: &RunOptions,
        read: F,
        report: &mut RunReport,
    ) -> Result<Outcome, RunFailure>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<SourceRows, RunFailure>>,
    {
        let dataset = target.spec.dataset;
        let source = read().await?;
        report.counts.source = source.rows.len() as u64;
        report.review = source.review;
        report.counts.review = report.review.len();
        report.notes = source.notes;
        report.guard_counts = source.guard_counts.clone();
        let state = |err: crate::state::StateError| RunFailure::new(Outcome::Config, err);

        for (what, count) in &source.guard_counts {
            let before = self
                .store
                .checkpoint(dataset, &guard_checkpoint(what))
                .map_err(state)?
                .and_then(|text| text.parse().ok());
            if !options.force {
                check_source(what, *count, before, &target.guards).map_err(guard)?;
            }
        }

        let pending = self.store.pending_intents(dataset).map_err(state)?;
        let (data_source, pages) = self.read_rows(target, &source.read, &pending).await?;
        let current = CurrentRows::index(pages, &target.spec);
        let mut rows = source.rows;
        if !target.spec.optional.is_empty() {
            self.drop_missing_columns(target, &data_source, &mut rows, report)
                .await?;
        }
        self.settle_journal(target, &current).map_err(state)?;

        let absences = self.store.absences(dataset).map_err(state)?;
        let scope = Scope {
            present: &source.present,
            covers: source.covers.as_ref(),
        };
        let plan = plan(
            &target.spec,
            rows,
            &current,
            &scope,
            &absences,
            options.full_sync,
        );
        describe(&plan, current.unkeyed(), report);
        let tripped = if options.force {
            None
        } else {
            check_changes(&plan, &target.spec, &target.guards).err()
        };
        tracing::info!(
            dataset = %dataset,
            creates = plan.creates.len(),
            updates = plan.updates.len(),
            retirements = plan.retirements.len(),
            unchanged = plan.unchanged,
            "plan ready"
        );
        if options.dry_run {
            report.counts.created = plan.creates.len();
            report.counts.updated = plan.updates.len();
            report.counts.retired = plan.retirements.len();
            report.plan = Some(json!({ "text": plan_text(&plan), "writes": plan_json(&plan) }));
            // A dry run shows the plan a guard would stop, and still says it would.
            if let Some(trip) = tripped {
                return Err(guard(trip));
            }
            return Ok(review_outcome(options, report));
        }
        if let Some(trip) = tripped {
            return Err(guard(trip));
        }

        let writer = Writer {
            notion: target.notion.clone(),
            data_source,
            dataset,
            store: self.store.clone(),
            audit: self.audit.clone(),
            concurrency: target.concurrency,
        };
        let bar = progress_bar(options, plan.writes());
        let applied = apply(&writer, &plan, &bar).await;
        bar.finish_and_clear();
        self.record_applied(target, &plan, &applied, report)
            .map_err(state)?;
        self.commit_checkpoints(target, &source.checkpoints, &applied.incomplete)
            .map_err(state)?;
        if let Some(stop) = applied.stop {
            if stop.outcome == Outcome::Auth {
                self.audit
                    .record("credential_failure", json!({ "message": stop.message }));
            }
            report.error = Some(stop.message);
            return Ok(stop.outcome);
        }
        if !applied.failures.is_empty() {
            return Ok(Outcome::Partial);
        }
        Ok(review_outcome(options, report))
    }

    /// The data source of the target database and the pages `read` asks for (with the keys
    /// of `pending` creates, so that the journal is settled from what Notion holds). The
    /// data source id is cached in the state store (it never changes for a database), so a
    /// run makes no lookup call; a cached id Notion no longer knows is looked up again.
    async fn read_rows(
        &self,
        target: &Target<'_>,
        read: &CurrentRead,
        pending: &[String],
    ) -> Result<(DataSourceId, Vec<Page>), RunFailure> {
        let failure = |err: crate::notion::NotionError| {
            RunFailure::new(Outcome::of_failure(err.class()), err)
        };
        let dataset = target.spec.dataset;
        let name = format!("data_source:{}", target.database);
        let cached = self
            .store
            .checkpoint(dataset, &name)
            .ok()
            .flatten()
            .and_then(|id| DataSourceId::parse(&id).ok());
        if let Some(data_source) = cached {
            match read_pages(target.notion, &data_source, read, pending).await {
                Ok(pages) => return Ok((data_source, pages)),
                Err(crate::notion::NotionError::NotFound { .. }) => {
                    tracing::info!(%data_source, "cached data source unknown; looking it up");
                }
                Err(err) => return Err(failure(err)),
            }
        }
        let data_source = target
            .notion
            .data_source_of(&target.database)
            .await
            .map_err(failure)?;
        if let Err(err) = self
            .store
            .set_checkpoint(dataset, &name, data_source.as_str())
        {
            tracing::warn!(cause = %err, "the data source id was not cached");
        }
        let pages = read_pages(target.notion, &data_source, read, pending)
            .await
            .map_err(failure)?;
        Ok((data_source, pages))
    }

    /// Leaves out of `rows` the optional properties the database does not have, and says so.
    async fn drop_missing_columns(
        &self,
        target: &Target<'_>,
        data_source: &DataSourceId,
        rows: &mut [DesiredRow],
        report: &mut RunReport,
    ) -> Result<(), RunFailure> {
        let schema = target
            .notion
            .data_source(data_source)
            .await
            .map_err(|err| RunFailure::new(Outcome::of_failure(err.class()), err))?;
        let missing: Vec<&str> = target
            .spec
            .optional
            .iter()
            .copied()
            .filter(|name| !schema.properties.contains_key(*name))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        for row in rows.iter_mut() {
            for name in &missing {
                row.properties.remove(*name);
                row.on_create.remove(*name);
            }
        }
        report.notes.push(format!(
            "the database has no {} column(s), so those values were not written; add them \
             (number properties) to publish them",
            missing.join(", ")
        ));
        Ok(())
    }

    /// Commits each checkpoint as far as the confirmed writes allow.
    fn commit_checkpoints(
        &self,
        target: &Target<'_>,
        plans: &[CheckpointPlan],
        incomplete: &HashSet<String>,
    ) -> Result<(), crate::state::StateError> {
        let dataset = target.spec.dataset;
        for plan in plans {
            let Some(value) = plan.reached(incomplete) else {
                continue;
            };
            if self.store.checkpoint(dataset, &plan.name)?.as_deref() == Some(value) {
                continue;
            }
            self.store.set_checkpoint(dataset, &plan.name, value)?;
            self.audit
                .record("checkpoint", json!({ "name": plan.name, "value": value }));
        }
        Ok(())
    }

    /// Forgets intents whose page the full read found, and those it did not (they were
    /// never created: the read saw every page).
    fn settle_journal(
        &self,
        target: &Target<'_>,
        current: &CurrentRows,
    ) -> Result<(), crate::state::StateError> {
        let dataset = target.spec.dataset;
        for key in self.store.pending_intents(dataset)? {
            let found = current.get(&key).is_some();
            tracing::info!(key = %key, found, "settling a create left pending by an earlier run");
            self.audit
                .record("journal_settled", json!({ "key": key, "found": found }));
            self.store.settle_intent(dataset, &key)?;
        }
        Ok(())
    }

    fn record_applied(
        &self,
        target: &Target<'_>,
        plan: &Plan,
        applied: &Applied,
        report: &mut RunReport,
    ) -> Result<(), crate::state::StateError> {
        let counts = &mut report.counts;
        counts.created = applied.created;
        counts.updated = applied.updated;
        counts.retired = applied.retired;
        counts.trashed = applied.trashed;
        counts.failed = applied.failures.len();
        counts.skipped = applied.skipped;
        report.failures = applied.failures.clone();
        if applied.stop.is_none() && applied.failures.is_empty() {
            self.store
                .set_absences(target.spec.dataset, &plan.absences)?;
        }
        Ok(())
    }

    fn close(self, target: &Target<'_>, report: &RunReport, outcome: Outcome) {
        if let Some(renewal) = &self.renewal {
            renewal.abort();
        }
        let counts = serde_json::to_value(report.counts).unwrap_or_default();
        self.audit.record(
            "run_end",
            json!({ "outcome": outcome.name(), "counts": counts, "error": report.error }),
        );
        // Only a run that wrote its whole plan is a reference for the source guard.
        let good = matches!(outcome, Outcome::Success | Outcome::Review);
        if good && !report.dry_run {
            for (what, count) in &report.guard_counts {
                let name = guard_checkpoint(what);
                let committed =
                    self.store
                        .set_checkpoint(target.spec.dataset, &name, &count.to_string());
                if let Err(err) = committed {
                    tracing::warn!(cause = %err, "the source guard's reference was not kept");
                }
            }
        }
        if let Some(id) = self.run_id {
            let source_count = good.then_some(report.counts.source);
            let summary = json!({ "counts": counts, "notes": report.notes });
            if let Err(err) = self
                .store
                .finish_run(id, outcome.name(), source_count, &summary)
            {
                tracing::warn!(cause = %err, "the run could not be recorded");
            }
        }
        if let Some(lease) = &self.lease
            && let Err(err) = self.store.unlock(lease)
        {
            tracing::warn!(dataset = %target.spec.dataset, cause = %err,
                "the dataset lock could not be given back; it expires by itself");
        }
    }
}

/// The checkpoint holding the last good run's count of `what`.
fn guard_checkpoint(what: &str) -> String {
    format!("guard:{what}")
}

fn guard(trip: GuardTrip) -> RunFailure {
    RunFailure::new(Outcome::Guard, trip)
}

fn review_outcome(options: &RunOptions, report: &RunReport) -> Outcome {
    if options.fail_on_review && !report.review.is_empty() {
        Outcome::Review
    } else {
        Outcome::Success
    }
}

/// The pages `read` selects, plus those of the `pending` keys.
async fn read_pages(
    notion: &NotionClient,
    data_source: &DataSourceId,
    read: &CurrentRead,
    pending: &[String],
) -> Result<Vec<Page>, crate::notion::NotionError> {
    let CurrentRead::Keys(keys) = read else {
        return notion.query(data_source, &Query::all()).await;
    };
    let mut wanted: Vec<&str> = keys.iter().chain(pending).map(String::as_str).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut pages = Vec::new();
    for chunk in wanted.chunks(100) {
        let conditions: Vec<serde_json::Value> = chunk
            .iter()
            .map(|key| json!({ "property": SYNC_KEY, "rich_text": { "equals": key } }))
            .collect();
        let query = Query {
            filter: Some(json!({ "or": conditions })),
            properties: Vec::new(),
        };
        pages.extend(notion.query(data_source, &query).await?);
    }
    Ok(pages)
}

/// Counts and notes the plan gives before anything is applied.
fn describe(plan: &Plan, unkeyed: usize, report: &mut RunReport) {
    let counts = &mut report.counts;
    counts.unchanged = plan.unchanged;
    counts.duplicates = plan.duplicates.len();
    counts.waiting = plan.waiting;
    if !plan.duplicates.is_empty() {
        let extra: usize = plan.duplicates.iter().map(|d| d.extra.len()).sum();
        let what = if plan.trash_duplicates {
            "their extra pages are moved to the trash"
        } else {
            "run with --full-sync to move the extra pages to the trash"
        };
        report.notes.push(format!(
            "{} keys are held by more than one page ({extra} extra pages); {what}",
            plan.duplicates.len()
        ));
    }
    if plan.waiting > 0 {
        report.notes.push(format!(
            "{} rows are missing from the source and will be retired if they stay missing",
            plan.waiting
        ));
    }
    if unkeyed > 0 {
        report.notes.push(format!(
            "{unkeyed} pages have no Sync Key and were left alone (not written by this toolkit)"
        ));
    }
}

fn progress_bar(options: &RunOptions, writes: usize) -> ProgressBar {
    if !options.progress || writes == 0 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(writes as u64);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} writes, {eta} left {msg}")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_stops_before_the_first_unconfirmed_key() {
        let plan = CheckpointPlan {
            name: "id".into(),
            steps: vec![
                ("10".into(), vec!["a".into()]),
                ("12".into(), vec!["b".into()]),
                ("15".into(), Vec::new()),
            ],
        };
        let none = HashSet::new();
        assert_eq!(plan.reached(&none), Some("15"));
        let b = HashSet::from(["b".to_owned()]);
        assert_eq!(plan.reached(&b), Some("10"));
        let a = HashSet::from(["a".to_owned()]);
        assert_eq!(plan.reached(&a), None, "nothing confirmed, nothing moves");
    }
}
