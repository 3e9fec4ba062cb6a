//! `config-change-sync` (the sync): configuration changes from NinjaOne activities and UniFi
//! snapshot differences into the Config Changes Log.
//!
//! Incremental by two kinds of checkpoint, each moved only past rows Notion confirmed:
//! `ninjaone_activity_id`, the highest activity id whose changes are written, and
//! `unifi_snapshot:{site id}`, the last reading of each site that later readings are compared
//! with. The first run reads the whole activity history NinjaOne keeps and takes a first
//! reading of every site (differences start with the second run). `--full-sync` reads the
//! whole history again; rows already written are found by key, so nothing is duplicated.
//! `--start-date/--end-date` select activities by time and move no activity checkpoint;
//! UniFi differences are seen now, so only a range that includes today compares readings.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::context::Context;
use super::sync_command::{SyncCommand, resolve_site, today};
use super::unifi_fleet::UnifiFleet;
use crate::cli_args::{SyncArgs, SyncFlag};
use crate::config::{Dataset, SiteId};
use crate::exit::Outcome;
use crate::model::change_sources::{Attribution, activity_change, snapshot_change};
use crate::model::config_changes;
use crate::model::site_config::{SiteConfig, devices_by_site, differences};
use crate::ninjaone::{ActivityLog, ActivityQuery, DeviceQuery};
use crate::secrets::SecretName;
use crate::state::StateStore;
use crate::sync::{CheckpointPlan, CurrentRead, DesiredRow, RunFailure, SourceRows};
use crate::unifi::Host;

/// The binary.
pub const COMMAND: SyncCommand = SyncCommand {
    name: "config-change-sync",
    dataset: Dataset::ConfigChanges,
    refused: &[(
        SyncFlag::FailOnReview,
        "the change log has no review; daily-health-sync reports sites needing review",
    )],
    secrets: &SecretName::ALL,
};

/// The checkpoint holding the highest NinjaOne activity id whose changes are written.
pub const ACTIVITY_CHECKPOINT: &str = "ninjaone_activity_id";

/// The checkpoint holding the last reading of `site`.
pub fn snapshot_checkpoint(site: &str) -> String {
    format!("unifi_snapshot:{site}")
}

/// A site's reading as kept between runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Reading {
    taken_at: DateTime<Utc>,
    fingerprint: String,
    config: SiteConfig,
}

/// Runs one sync of the Config Changes Log; returns the exit outcome.
pub async fn run(args: SyncArgs) -> Outcome {
    let context = match COMMAND.start(&args).await {
        Ok(context) => context,
        Err(outcome) => return outcome,
    };
    COMMAND
        .run(&context, &args, config_changes::spec(), || {
            read(&context, &args)
        })
        .await
}

async fn read(context: &Context, args: &SyncArgs) -> Result<SourceRows, RunFailure> {
    let store = StateStore::open(&context.state_path)
        .map_err(|err| RunFailure::new(Outcome::Config, err))?;
    let unifi = UnifiFleet::read(context).await?;
    let only_site = match &args.site {
        Some(wanted) => Some(resolve_site(wanted, &unifi.sites, &unifi.hosts)?.0),
        None => None,
    };
    let ranged = args.start_date.is_some() || args.end_date.is_some();
    let today = today(context);
    let now = context.now();

    let mut rows = Vec::new();
    let mut checkpoints = Vec::new();
    let mut notes = Vec::new();

    let activities = read_activities(context, args, &store).await?;
    let attribution = attribution(context, &unifi).await?;
    let mut changes: Vec<_> = activities
        .log
        .activities
        .iter()
        .filter(|a| in_range(args, context, a.time))
        .filter_map(|a| activity_change(a, &attribution, now).map(|found| (a.id, found)))
        .filter(|(_, found)| only_site.is_none() || found.site_id == only_site)
        .collect();
    changes.sort_by_key(|(id, _)| *id);
    if !ranged && only_site.is_none() {
        let mut steps: Vec<(String, Vec<String>)> = changes
            .iter()
            .map(|(id, found)| (id.to_string(), vec![found.record.key.clone()]))
            .collect();
        if let Some(newest) = activities.log.newest_id() {
            steps.push((newest.to_string(), Vec::new()));
        }
        checkpoints.push(CheckpointPlan {
            name: ACTIVITY_CHECKPOINT.to_owned(),
            steps,
        });
    } else {
        notes.push(
            "the NinjaOne activity checkpoint stays where it was (--site or a date range \
             reads only part of the log)"
                .to_owned(),
        );
    }
    if activities.from_start {
        notes.push(format!(
            "read the whole NinjaOne activity history ({} activities, {} configuration changes)",
            activities.log.activities.len(),
            changes.len()
        ));
    }
    rows.extend(changes.into_iter().map(|(_, found)| found.record.row()));

    let compares_now = args.end_date.is_none_or(|end| end >= today);
    if compares_now {
        let compared = compare_readings(&store, &unifi, only_site.as_deref(), now)?;
        rows.extend(compared.rows);
        checkpoints.extend(compared.checkpoints);
        if compared.first_readings > 0 {
            notes.push(format!(
                "took a first UniFi reading of {} site(s); their differences are logged from \
                 the next run",
                compared.first_readings
            ));
        }
    } else {
        notes.push(
            "UniFi differences are seen at the time of a run, so a range that ends before \
             today compares no readings"
                .to_owned(),
        );
    }

    let keys: Vec<String> = rows
        .iter()
        .map(|row: &DesiredRow| row.key.clone())
        .collect();
    Ok(SourceRows {
        present: keys.iter().cloned().collect(),
        rows,
        covers: Box::new(|_, _| true),
        guard_counts: vec![("UniFi sites", unifi.sites.len() as u64)],
        review: Vec::new(),
        notes,
        read: CurrentRead::Keys(keys),
        checkpoints,
    })
}

/// The activity log a run looks at, and whether it starts at the beginning.
struct Activities {
    log: ActivityLog,
    from_start: bool,
}

async fn read_activities(
    context: &Context,
    args: &SyncArgs,
    store: &StateStore,
) -> Result<Activities, RunFailure> {
    let failure = |err: crate::ninjaone::NinjaoneError| {
        RunFailure::new(Outcome::of_failure(err.class()), err)
    };
    let zone = context.config.settings.business_time_zone;
    let bound = |date: NaiveDate| {
        date.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(zone).earliest())
            .map(|t| t.with_timezone(&Utc))
    };
    let query = ActivityQuery {
        class: None,
        after: args.start_date.and_then(bound),
        before: args.end_date.and_then(|d| d.succ_opt()).and_then(bound),
    };
    let checkpoint = store
        .checkpoint(Dataset::ConfigChanges, ACTIVITY_CHECKPOINT)
        .map_err(|err| RunFailure::new(Outcome::Config, err))?
        .and_then(|text| text.parse::<i64>().ok());
    let ranged = query.after.is_some() || query.before.is_some();
    match checkpoint {
        Some(id) if !ranged && !args.full_sync => Ok(Activities {
            log: context
                .ninjaone
                .activities_since(id, &query)
                .await
                .map_err(failure)?,
            from_start: false,
        }),
        _ => Ok(Activities {
            log: context
                .ninjaone
                .activities_backfill(&query)
                .await
                .map_err(failure)?,
            from_start: !ranged,
        }),
    }
}

/// Whether an activity at `time` is within `--start-date/--end-date` (business time zone).
fn in_range(args: &SyncArgs, context: &Context, time: Option<DateTime<Utc>>) -> bool {
    let Some(time) = time else {
        return args.start_date.is_none() && args.end_date.is_none();
    };
    let date = time
        .with_timezone(&context.config.settings.business_time_zone)
        .date_naive();
    args.start_date.is_none_or(|s| date >= s) && args.end_date.is_none_or(|e| date <= e)
}

/// Which site each NinjaOne organization and device belongs to.
async fn attribution(context: &Context, unifi: &UnifiFleet) -> Result<Attribution, RunFailure> {
    let failure = |err: crate::ninjaone::NinjaoneError| {
        RunFailure::new(Outcome::of_failure(err.class()), err)
    };
    let every_device = DeviceQuery::default();
    let (organizations, devices) = tokio::try_join!(
        context.ninjaone.organizations(),
        context.ninjaone.devices(&every_device),
    )
    .map_err(failure)?;
    let names = site_names(unifi);
    let mut sites_of_organization: HashMap<i64, Vec<String>> = HashMap::new();
    for (site, entry) in &context.config.site_map {
        if let Some(org) = entry
            .ninjaone_organization_id
            .and_then(|o| i64::try_from(o).ok())
        {
            sites_of_organization
                .entry(org)
                .or_default()
                .push(site.as_str().to_owned());
        }
    }
    let organization_site = sites_of_organization
        .into_iter()
        .filter_map(|(org, sites)| match sites.as_slice() {
            [site] => {
                let name = names
                    .get(site.as_str())
                    .cloned()
                    .unwrap_or_else(|| site.clone());
                Some((org, (site.clone(), name)))
            }
            _ => None,
        })
        .collect();
    Ok(Attribution {
        device_organization: devices
            .devices
            .iter()
            .filter_map(|d| Some((d.id, d.organization_id?)))
            .collect(),
        device_name: devices
            .devices
            .iter()
            .map(|d| (d.id, d.name.clone()))
            .collect(),
        organization_site,
        organization_name: organizations
            .into_iter()
            .filter_map(|o| Some((o.id, o.name?)))
            .collect(),
    })
}

/// Display names by site id.
fn site_names(unifi: &UnifiFleet) -> HashMap<String, String> {
    let hosts: HashMap<&str, &Host> = unifi.hosts.iter().map(|h| (h.id.as_str(), h)).collect();
    unifi
        .sites
        .iter()
        .map(|site| {
            let host = site
                .host_id
                .as_deref()
                .and_then(|id| hosts.get(id).copied());
            (site.id.clone(), site.display_name(host))
        })
        .collect()
}

/// Rows and checkpoints from comparing each site's reading with its last one.
struct Compared {
    rows: Vec<DesiredRow>,
    checkpoints: Vec<CheckpointPlan>,
    first_readings: usize,
}

fn compare_readings(
    store: &StateStore,
    unifi: &UnifiFleet,
    only_site: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Compared, RunFailure> {
    let names = site_names(unifi);
    let devices = devices_by_site(&unifi.sites, &unifi.devices);
    let mut out = Compared {
        rows: Vec::new(),
        checkpoints: Vec::new(),
        first_readings: 0,
    };
    let wanted: HashSet<&str> = only_site.into_iter().collect();
    for site in &unifi.sites {
        if !wanted.is_empty() && !wanted.contains(site.id.as_str()) {
            continue;
        }
        if SiteId::parse(&site.id).is_none() {
            continue;
        }
        let config = SiteConfig::of(site, devices.get(&site.id).map(Vec::as_slice));
        let reading = Reading {
            taken_at: now,
            fingerprint: config.fingerprint(),
            config,
        };
        let name = snapshot_checkpoint(&site.id);
        let before: Option<Reading> = store
            .checkpoint(Dataset::ConfigChanges, &name)
            .map_err(|err| RunFailure::new(Outcome::Config, err))?
            .and_then(|text| serde_json::from_str(&text).ok());
        let mut keys = Vec::new();
        match &before {
            Some(before) if before.fingerprint == reading.fingerprint => continue,
            Some(before) => {
                let site_name = names.get(&site.id).map_or(site.id.as_str(), String::as_str);
                for difference in differences(&before.config, &reading.config) {
                    let row = snapshot_change(
                        &site.id,
                        site_name,
                        &before.fingerprint,
                        &difference,
                        now,
                        Some(before.taken_at),
                    );
                    keys.push(row.key.clone());
                    out.rows.push(row);
                }
            }
            None => out.first_readings += 1,
        }
        let value = serde_json::to_string(&reading).unwrap_or_default();
        out.checkpoints.push(CheckpointPlan {
            name,
            steps: vec![(value, keys)],
        });
    }
    Ok(out)
}
