//! The alerts active at the end of past days, for days without a snapshot: read from
//! NinjaOne's activity log and rebuilt by [`crate::model::alert_history`].

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::SiteReadings;
use super::sources::{Now, SiteInfo};
use crate::app::context::Context;
use crate::exit::Outcome;
use crate::model::alert_counts::AlertCounts;
use crate::model::alert_history;
use crate::ninjaone::ActivityQuery;
use crate::sync::RunFailure;

/// Alert counts at the end of each planned day that has no snapshot, for sites with a
/// NinjaOne organization, by (site id, date).
pub async fn alerts_without_snapshot(
    context: &Context,
    now: &Now,
    plan: &[(&SiteInfo, Vec<NaiveDate>)],
    readings: &HashMap<String, SiteReadings>,
) -> Result<HashMap<(String, NaiveDate), AlertCounts>, RunFailure> {
    let mut moments: Vec<(String, NaiveDate, DateTime<Utc>)> = Vec::new();
    let mut since: Option<DateTime<Utc>> = None;
    for (site, days) in plan {
        if site.organization.is_none() {
            continue;
        }
        let snapshots = readings.get(&site.id);
        for date in days {
            if snapshots.is_some_and(|r| r.has(*date)) {
                continue;
            }
            let start = site.day_start(*date);
            since = Some(since.map_or(start, |s| s.min(start)));
            moments.push((site.id.clone(), *date, site.day_end(*date)));
        }
    }
    let Some(since) = since else {
        return Ok(HashMap::new());
    };
    let query = ActivityQuery {
        class: None,
        after: Some(since),
        before: None,
    };
    let log = context
        .ninjaone
        .activities_backfill(&query)
        .await
        .map_err(|err| RunFailure::new(Outcome::of_failure(err.class()), err))?;
    let site_of_organization: HashMap<i64, &str> = plan
        .iter()
        .filter_map(|(site, _)| Some((site.organization?, site.id.as_str())))
        .collect();
    let site_of_device: HashMap<i64, String> = now
        .devices
        .iter()
        .filter_map(|d| {
            let site = site_of_organization.get(&d.organization_id?)?;
            Some((d.id, (*site).to_owned()))
        })
        .collect();
    Ok(alert_history::active_at(
        &log.activities,
        since,
        &now.alerts,
        &site_of_device,
        &moments,
    ))
}
