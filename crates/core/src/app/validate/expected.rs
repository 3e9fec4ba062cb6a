//! The keys each database should hold according to the sources, and which Notion rows
//! count against them.
//!
//! - `customer_status`: one row per UniFi site; rows marked `offboarding` are history.
//! - `alerts`: one row per active NinjaOne alert; `resolved` rows are history.
//! - `daily_health`: one row per site and day of the window checked: from the first day
//!   with a snapshot (at most `DAILY_WINDOW_DAYS` back) to the last day every site was
//!   published; rows of other days are not looked at.
//! - `config_changes`: one row per NinjaOne configuration change the activity log still
//!   holds; manual entries and UniFi differences have no source to count them against,
//!   so they are never missing or extra.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate};

use crate::app::context::Context;
use crate::app::daily_health::published_checkpoint;
use crate::config::Dataset;
use crate::exit::Outcome;
use crate::model::change_sources::activity_action;
use crate::model::{alerts, customer_status, daily_health};
use crate::ninjaone::ActivityQuery;
use crate::notion::{Page, PropertyValue};
use crate::state::StateStore;
use crate::sync::RunFailure;

/// How many days of Daily Health rows a validation looks at, at most.
pub const DAILY_WINDOW_DAYS: i64 = 7;

/// What the sources say one database should hold.
#[derive(Debug, Clone)]
pub struct Expected {
    /// The keys.
    pub keys: BTreeSet<String>,
    /// Whether a Notion row takes part in the comparison (history rows and rows no source
    /// accounts for do not).
    pub counts: fn(&Expected, &Page) -> bool,
    /// Daily Health: the window checked, for the report.
    pub window: Option<(NaiveDate, NaiveDate)>,
}

/// The keys of `dataset` according to the sources.
pub async fn expected(context: &Context, dataset: Dataset) -> Result<Expected, RunFailure> {
    let unifi =
        |err: crate::unifi::UnifiError| RunFailure::new(Outcome::of_failure(err.class()), err);
    let ninjaone = |err: crate::ninjaone::NinjaoneError| {
        RunFailure::new(Outcome::of_failure(err.class()), err)
    };
    match dataset {
        Dataset::CustomerStatus => {
            let sites = context.unifi.sites().await.map_err(unifi)?;
            Ok(Expected {
                keys: sites.into_iter().map(|s| s.id).collect(),
                counts: |_, page| {
                    !has_select(
                        page,
                        customer_status::property::DEPLOYMENT_STATUS,
                        "offboarding",
                    )
                },
                window: None,
            })
        }
        Dataset::Alerts => {
            let active = context.ninjaone.alerts(None).await.map_err(ninjaone)?;
            Ok(Expected {
                keys: active.into_iter().map(|a| a.uid).collect(),
                counts: |_, page| !has_select(page, alerts::property::STATUS, "resolved"),
                window: None,
            })
        }
        Dataset::ConfigChanges => {
            let log = context
                .ninjaone
                .activities_backfill(&ActivityQuery::default())
                .await
                .map_err(ninjaone)?;
            Ok(Expected {
                keys: log
                    .activities
                    .iter()
                    .filter(|a| activity_action(a).is_some())
                    .map(|a| format!("ninjaone:{}", a.id))
                    .collect(),
                counts: |_, page| {
                    page.text(crate::sync::SYNC_KEY)
                        .is_some_and(|k| k.starts_with("ninjaone:"))
                },
                window: None,
            })
        }
        Dataset::DailyHealth => daily(context).await,
    }
}

/// Daily Health: every site, every day of the window.
async fn daily(context: &Context) -> Result<Expected, RunFailure> {
    let state = |err: crate::state::StateError| RunFailure::new(Outcome::Config, err);
    let sites = context
        .unifi
        .sites()
        .await
        .map_err(|err| RunFailure::new(Outcome::of_failure(err.class()), err))?;
    let store = StateStore::open(&context.state_path).map_err(state)?;
    // The window ends on the last day every published site was published; a site never
    // published is expected all the same (and reported missing).
    let mut last: Option<NaiveDate> = None;
    for site in &sites {
        let published: Option<NaiveDate> = store
            .checkpoint(Dataset::DailyHealth, &published_checkpoint(&site.id))
            .map_err(state)?
            .and_then(|d| d.parse().ok());
        if let Some(day) = published {
            last = Some(last.map_or(day, |l| l.min(day)));
        }
    }
    let Some(last) = last else {
        return Ok(Expected::nothing());
    };
    let first_snapshot = store.first_snapshot_date().map_err(state)?.unwrap_or(last);
    let first = first_snapshot
        .max(last - Duration::days(DAILY_WINDOW_DAYS - 1))
        .min(last);
    let keys = sites
        .iter()
        .flat_map(|site| {
            first
                .iter_days()
                .take_while(move |d| *d <= last)
                .map(move |d| daily_health::key(&site.id, d))
        })
        .collect();
    Ok(Expected {
        keys,
        counts: |expected, page| {
            let Some((first, last)) = expected.window else {
                return false;
            };
            page.text(crate::sync::SYNC_KEY)
                .and_then(|k| k.rsplit_once(':'))
                .and_then(|(_, d)| d.parse::<NaiveDate>().ok())
                .is_some_and(|d| d >= first && d <= last)
        },
        window: Some((first, last)),
    })
}

impl Expected {
    /// Nothing to compare (daily-health-sync never published from this state store).
    fn nothing() -> Self {
        Self {
            keys: BTreeSet::new(),
            counts: |_, _| false,
            window: None,
        }
    }
}

fn has_select(page: &Page, property: &str, value: &str) -> bool {
    matches!(page.properties.get(property), Some(PropertyValue::Select(Some(v))) if v == value)
}
