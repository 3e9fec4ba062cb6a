//! `daily-health-sync`: one Daily Health Summaries row per site per local day.
//!
//! Every run (but a dry run) stores a snapshot of each site in the state store. A day's row
//! comes from its last snapshot; a day without one (before the first run, or while the sync
//! was stopped) from what the sources keep: UniFi's 1-hour ISP metrics (30 days) and the
//! alerts NinjaOne's activity log shows active at the end of that day. Columns with no source
//! stay empty and the report names the partial and missing days.
//!
//! By default a run publishes, per site, its last published day (checkpoint
//! `last_published:{site id}`, moved only after Notion confirmed the rows), every day missed
//! since and today, so a backlog after an outage is caught up by the next run.

mod days;
mod drift;
mod history;
mod sources;

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};

use self::days::Selection;
use self::drift::Reading;
use self::sources::SiteInfo;
use super::context::Context;
use super::sync_command::{SyncCommand, resolve_site, today};
use crate::cli_args::SyncArgs;
use crate::config::Dataset;
use crate::exit::Outcome;
use crate::model::daily_health::{self, Day, SiteSnapshot};
use crate::secrets::SecretName;
use crate::state::{StateStore, StoredSnapshot};
use crate::sync::{CheckpointPlan, CurrentRead, DesiredRow, ReviewItem, RunFailure, SourceRows};

/// The binary.
pub const COMMAND: SyncCommand = SyncCommand {
    name: "daily-health-sync",
    dataset: Dataset::DailyHealth,
    refused: &[],
    secrets: &SecretName::ALL,
};

/// The checkpoint holding the last day of `site` whose row Notion confirmed.
pub fn published_checkpoint(site: &str) -> String {
    format!("last_published:{site}")
}

/// Runs one sync of Daily Health Summaries; returns the exit outcome.
pub async fn run(args: SyncArgs) -> Outcome {
    let context = match COMMAND.start(&args).await {
        Ok(context) => context,
        Err(outcome) => return outcome,
    };
    COMMAND
        .run(&context, &args, daily_health::spec(), || {
            read(&context, &args)
        })
        .await
}

async fn read(context: &Context, args: &SyncArgs) -> Result<SourceRows, RunFailure> {
    let state = |err: crate::state::StateError| RunFailure::new(Outcome::Config, err);
    let store = StateStore::open(&context.state_path).map_err(state)?;
    let now = context.now();
    let sources_now = sources::read_now(context).await?;
    let mut sites = sources::site_infos(context, &sources_now);
    let site_count = sites.len() as u64;
    if let Some(wanted) = &args.site {
        let (id, _) = resolve_site(wanted, &sources_now.sites, &sources_now.hosts)?;
        sites.retain(|s| s.id == id);
    }

    let taken = sources::snapshots(&sources_now, &sites);
    let stored_now: Vec<StoredSnapshot> = sites
        .iter()
        .filter_map(|site| {
            let snapshot = taken.get(&site.id)?;
            Some(StoredSnapshot {
                site_id: site.id.clone(),
                taken_at: now,
                local_date: site.date(now),
                payload: serde_json::to_string(snapshot).ok()?,
            })
        })
        .collect();
    if !args.dry_run {
        store.record_snapshots(&stored_now).map_err(state)?;
    }

    let selection = selection(args, &store, today(context)).map_err(state)?;
    let mut plan = Vec::new();
    for site in &sites {
        let site_today = site.date(now);
        let last = store
            .checkpoint(Dataset::DailyHealth, &published_checkpoint(&site.id))
            .map_err(state)?
            .and_then(|d| d.parse().ok());
        plan.push((site, days::days(selection, site_today, last)));
    }
    let Some((first, last)) = span(&plan) else {
        return Ok(empty(site_count));
    };

    let mut stored = store.snapshots_around(first, last).map_err(state)?;
    if args.dry_run {
        stored.extend(stored_now);
    }
    let readings = by_site(&stored);
    let earliest = plan
        .iter()
        .filter_map(|(site, days)| Some(site.day_start(*days.first()?)))
        .min()
        .unwrap_or(now);
    let isp = sources::isp_history(context, &sites, earliest, now).await?;
    let history_alerts =
        history::alerts_without_snapshot(context, &sources_now, &plan, &readings).await?;
    let manual = if readings
        .values()
        .any(|r| !drift::changes(&r.readings).is_empty())
    {
        let since = earliest - Duration::days(days::METRICS_DAYS);
        sources::manual_entries(context, &store, since).await?
    } else {
        Some(Vec::new())
    };
    let pages = sources::site_pages(context, &store).await?;

    let mut out = Published::default();
    let threshold = context.config.settings.health.review_threshold;
    for (site, days) in &plan {
        let empty = SiteReadings::default();
        let site_readings = readings.get(&site.id).unwrap_or(&empty);
        let changes = drift::changes(&site_readings.readings);
        let mut steps = Vec::new();
        for date in days {
            let day = Day {
                site_id: &site.id,
                site_name: &site.name,
                date: *date,
                snapshot: site_readings.last_of(*date),
                drift: drift::drift_on(
                    *date,
                    &site.id,
                    &site.name,
                    &changes,
                    manual.as_deref().unwrap_or(&[]),
                ),
                history_alerts: history_alerts.get(&(site.id.clone(), *date)),
                isp: isp.get(&site.id).and_then(|days| days.get(date)),
                site_page: pages.as_ref().and_then(|p| p.get(&site.id)),
            };
            let keys = out.add(*date, daily_health::day_row(&day, threshold));
            steps.push((date.to_string(), keys));
        }
        if days::reaches_today(selection, site.date(now)) && !steps.is_empty() {
            out.checkpoints.push(CheckpointPlan {
                name: published_checkpoint(&site.id),
                steps,
            });
        }
    }
    let mut notes = out.notes();
    if manual.is_none() {
        notes.push(
            "config_changes has no database in config.json, so every configuration change \
             counts as drift"
                .to_owned(),
        );
    }
    if let Some(pages) = &pages {
        let unlinked = sites.iter().filter(|s| !pages.contains_key(&s.id)).count();
        if unlinked > 0 {
            notes.push(format!(
                "{unlinked} site(s) have no Customer Status page, so their rows are not linked; \
                 run customer-status-sync first"
            ));
        }
    }
    let keys: Vec<String> = out.rows.iter().map(|r| r.key.clone()).collect();
    out.review
        .sort_by(|a, b| a.score.cmp(&b.score).then(a.label.cmp(&b.label)));
    Ok(SourceRows {
        present: keys.iter().cloned().collect(),
        rows: out.rows,
        covers: Box::new(|_, _| true),
        guard_counts: vec![("UniFi sites", site_count)],
        review: out.review,
        notes,
        read: CurrentRead::Keys(keys),
        checkpoints: out.checkpoints,
    })
}

/// How the flags choose the days.
fn selection(
    args: &SyncArgs,
    store: &StateStore,
    today: NaiveDate,
) -> Result<Selection, crate::state::StateError> {
    if args.start_date.is_some() || args.end_date.is_some() {
        return Ok(Selection::Range {
            start: args.start_date,
            end: args.end_date,
        });
    }
    if args.full_sync {
        let reach = today - Duration::days(days::METRICS_DAYS - 1);
        let first = store.first_snapshot_date()?.map_or(reach, |d| d.min(reach));
        return Ok(Selection::Full { first });
    }
    Ok(Selection::SinceLast)
}

/// The first and last day any site publishes.
fn span(plan: &[(&SiteInfo, Vec<NaiveDate>)]) -> Option<(NaiveDate, NaiveDate)> {
    let first = plan.iter().filter_map(|(_, d)| d.first()).min()?;
    let last = plan.iter().filter_map(|(_, d)| d.last()).max()?;
    Some((*first, *last))
}

fn empty(site_count: u64) -> SourceRows {
    SourceRows {
        rows: Vec::new(),
        present: Default::default(),
        covers: Box::new(|_, _| true),
        guard_counts: vec![("UniFi sites", site_count)],
        review: Vec::new(),
        notes: vec!["no day to publish".to_owned()],
        read: CurrentRead::Keys(Vec::new()),
        checkpoints: Vec::new(),
    }
}

/// A site's snapshots in time order: the payloads and what drift compares.
#[derive(Debug, Default)]
pub(crate) struct SiteReadings {
    snapshots: Vec<(NaiveDate, SiteSnapshot)>,
    readings: Vec<Reading>,
}

impl SiteReadings {
    /// The last snapshot taken on `date`.
    fn last_of(&self, date: NaiveDate) -> Option<&SiteSnapshot> {
        self.snapshots
            .iter()
            .rev()
            .find(|(d, _)| *d == date)
            .map(|(_, s)| s)
    }

    /// Whether a snapshot was taken on `date`.
    pub(crate) fn has(&self, date: NaiveDate) -> bool {
        self.snapshots.iter().any(|(d, _)| *d == date)
    }
}

fn by_site(stored: &[StoredSnapshot]) -> HashMap<String, SiteReadings> {
    let mut sorted: Vec<&StoredSnapshot> = stored.iter().collect();
    sorted.sort_by(|a, b| (&a.site_id, a.taken_at).cmp(&(&b.site_id, b.taken_at)));
    let mut out: HashMap<String, SiteReadings> = HashMap::new();
    for snapshot in sorted {
        let Ok(payload) = serde_json::from_str::<SiteSnapshot>(&snapshot.payload) else {
            tracing::warn!(site = %snapshot.site_id, "an unreadable snapshot was skipped");
            continue;
        };
        let entry = out.entry(snapshot.site_id.clone()).or_default();
        entry.readings.push(Reading {
            taken_at: snapshot.taken_at,
            date: snapshot.local_date,
            fingerprint: payload.fingerprint.clone(),
        });
        entry.snapshots.push((snapshot.local_date, payload));
    }
    out
}

/// Rows built so far, with what the report says about them.
#[derive(Default)]
struct Published {
    rows: Vec<DesiredRow>,
    review: Vec<ReviewItem>,
    checkpoints: Vec<CheckpointPlan>,
    partial: BTreeMap<NaiveDate, usize>,
    missing: BTreeMap<NaiveDate, usize>,
}

impl Published {
    /// Adds one day's row (if any) and returns its keys.
    fn add(&mut self, date: NaiveDate, row: Option<daily_health::DayRow>) -> Vec<String> {
        let Some(row) = row else {
            *self.missing.entry(date).or_default() += 1;
            return Vec::new();
        };
        if row.partial {
            *self.partial.entry(date).or_default() += 1;
        }
        self.review.extend(row.review);
        let key = row.row.key.clone();
        self.rows.push(row.row);
        vec![key]
    }

    fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if !self.partial.is_empty() {
            notes.push(format!(
                "partial days (no snapshot: devices, clients, health score and drift left \
                 empty): {}",
                day_list(&self.partial)
            ));
        }
        if !self.missing.is_empty() {
            notes.push(format!(
                "missing days (no snapshot and no ISP metrics; UniFi keeps {} days of them): {}",
                days::METRICS_DAYS,
                day_list(&self.missing)
            ));
        }
        notes
    }
}

/// `2026-11-20 (98 sites), 2026-11-21 (98 sites)`, runs of days with the same count merged.
fn day_list(days: &BTreeMap<NaiveDate, usize>) -> String {
    let mut runs: Vec<(NaiveDate, NaiveDate, usize)> = Vec::new();
    for (date, count) in days {
        match runs.last_mut() {
            Some((_, end, n)) if *n == *count && *end + Duration::days(1) == *date => *end = *date,
            _ => runs.push((*date, *date, *count)),
        }
    }
    runs.iter()
        .map(|(start, end, n)| {
            let sites = if *n == 1 { "site" } else { "sites" };
            if start == end {
                format!("{start} ({n} {sites})")
            } else {
                format!("{start}..{end} ({n} {sites} each)")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
