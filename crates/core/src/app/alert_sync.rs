//! `alert-sync`: Device Issues from NinjaOne's active alerts.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::context::Context;
use super::sync_command::{SyncCommand, resolve_site, today};
use crate::cli_args::{SyncArgs, SyncFlag};
use crate::config::{Dataset, SiteId};
use crate::exit::Outcome;
use crate::model::alerts::{self, Directory, local_date, property};
use crate::ninjaone::DeviceQuery;
use crate::notion::{Page, PropertyValue};
use crate::secrets::SecretName;
use crate::sync::{CurrentRead, RunFailure, SourceRows};

/// The binary.
pub const COMMAND: SyncCommand = SyncCommand {
    name: "alert-sync",
    dataset: Dataset::Alerts,
    refused: &[(
        SyncFlag::FailOnReview,
        "alerts are not reviewed per site; customer-status-sync and daily-health-sync \
         report sites needing review",
    )],
    secrets: &SecretName::ALL,
};

/// Runs one sync of Device Issues; returns the exit outcome.
pub async fn run(args: SyncArgs) -> Outcome {
    let context = match COMMAND.start(&args).await {
        Ok(context) => context,
        Err(outcome) => return outcome,
    };
    COMMAND
        .run(&context, &args, alerts::spec(), || read(&context, &args))
        .await
}

async fn read(context: &Context, args: &SyncArgs) -> Result<SourceRows, RunFailure> {
    let failure = |err: crate::ninjaone::NinjaoneError| {
        RunFailure::new(Outcome::of_failure(err.class()), err)
    };
    let every_device = DeviceQuery::default();
    let (active, devices, organizations) = tokio::try_join!(
        context.ninjaone.alerts(None),
        context.ninjaone.devices(&every_device),
        context.ninjaone.organizations(),
    )
    .map_err(failure)?;
    let devices = devices.devices;
    let directory = Directory::new(&devices, &organizations);
    let zone = context.config.settings.business_time_zone;
    let today = today(context);

    let organization = match &args.site {
        Some(wanted) => Some(site_organization(context, wanted).await?),
        None => None,
    };
    let organization_id = organization.as_ref().map(|(org, _)| *org);
    let in_range = DateRange {
        start: args.start_date,
        end: args.end_date,
    };
    let rows = active
        .iter()
        .filter(|alert| {
            organization_id.is_none_or(|org| directory.organization_id(alert) == Some(org))
        })
        .filter(|alert| in_range.contains(alert.create_time.map_or(today, |t| local_date(t, zone))))
        .map(|alert| alerts::row(alert, &directory, today, zone))
        .collect();

    let org_devices: Option<HashSet<i64>> = organization_id.map(|org| {
        devices
            .iter()
            .filter(|d| d.organization_id == Some(org))
            .map(|d| d.id)
            .collect()
    });
    let org_name = organization.and_then(|(_, name)| name);
    let covers = move |_: &str, page: &Page| {
        let in_site = match &org_devices {
            None => true,
            Some(ids) => {
                let device = match page.properties.get(property::DEVICE_ID) {
                    Some(PropertyValue::Number(Some(n))) => ids.contains(&(*n as i64)),
                    _ => false,
                };
                let named = org_name
                    .as_deref()
                    .is_some_and(|n| page.text(property::ORGANIZATION) == Some(n));
                device || named
            }
        };
        in_site && in_range.contains_page(page)
    };
    Ok(SourceRows {
        rows,
        present: active.iter().map(|a| a.uid.clone()).collect(),
        covers: Box::new(covers),
        guard_counts: vec![
            ("NinjaOne devices", devices.len() as u64),
            ("NinjaOne active alerts", active.len() as u64),
        ],
        review: Vec::new(),
        notes: Vec::new(),
        read: CurrentRead::All,
        checkpoints: Vec::new(),
    })
}

/// The NinjaOne organization of the site `--site` names, and its name as NinjaOne has it.
async fn site_organization(
    context: &Context,
    wanted: &str,
) -> Result<(i64, Option<String>), RunFailure> {
    let id = match SiteId::parse(wanted) {
        Some(id) => id,
        None => {
            let (hosts, sites) = tokio::try_join!(context.unifi.hosts(), context.unifi.sites())
                .map_err(|err| RunFailure::new(Outcome::of_failure(err.class()), err))?;
            let (id, _) = resolve_site(wanted, &sites, &hosts)?;
            SiteId::parse(&id).ok_or_else(|| {
                RunFailure::new(Outcome::Usage, format!("--site: `{id}` is not a site id"))
            })?
        }
    };
    let organization = context
        .config
        .site(&id)
        .and_then(|entry| entry.ninjaone_organization_id)
        .and_then(|org| i64::try_from(org).ok())
        .ok_or_else(|| {
            RunFailure::new(
                Outcome::Usage,
                format!(
                    "--site: site {id} has no NinjaOne organization in the site map\n\
                     hint: add `ninjaone_organization_id` under `site_map.{id}` in config.json"
                ),
            )
        })?;
    let name = context
        .ninjaone
        .organizations()
        .await
        .ok()
        .and_then(|orgs| orgs.into_iter().find(|o| o.id == organization))
        .and_then(|o| o.name);
    Ok((organization, name))
}

/// `--start-date`/`--end-date`, inclusive; either end open.
#[derive(Debug, Clone, Copy)]
struct DateRange {
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
}

impl DateRange {
    fn contains(&self, date: NaiveDate) -> bool {
        self.start.is_none_or(|s| date >= s) && self.end.is_none_or(|e| date <= e)
    }

    /// Whether a row's Created date is in the range (a row without one is, when the range
    /// is open).
    fn contains_page(&self, page: &Page) -> bool {
        if self.start.is_none() && self.end.is_none() {
            return true;
        }
        match page.properties.get(property::CREATED) {
            Some(PropertyValue::Date(Some(date))) => date
                .start
                .get(..10)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .is_some_and(|d| self.contains(d)),
            _ => false,
        }
    }
}
