//! `customer-status-sync`: the Customer Status Board from UniFi sites and NinjaOne alerts.

use std::collections::HashSet;

use super::context::Context;
use super::sync_command::{SyncCommand, resolve_site, today};
use crate::cli_args::{SyncArgs, SyncFlag};
use crate::config::{Dataset, NinjaoneOutage};
use crate::exit::Outcome;
use crate::http::FailureClass;
use crate::model::customer_status::{self, AlertsByOrganization, Sources};
use crate::ninjaone::DeviceQuery;
use crate::secrets::SecretName;
use crate::sync::{Covers, CurrentRead, RunFailure, SourceRows};

/// The binary.
pub const COMMAND: SyncCommand = SyncCommand {
    name: "customer-status-sync",
    dataset: Dataset::CustomerStatus,
    refused: &[(
        SyncFlag::Dates,
        "the Customer Status Board shows each site as it is now and keeps no history; \
         daily-health-sync publishes days",
    )],
    secrets: &SecretName::ALL,
};

/// Runs one sync of the Customer Status Board; returns the exit outcome.
pub async fn run(args: SyncArgs) -> Outcome {
    let context = match COMMAND.start(&args).await {
        Ok(context) => context,
        Err(outcome) => return outcome,
    };
    let spec = customer_status::spec(context.config.settings.guards.retire_after_absences);
    COMMAND
        .run(&context, &args, spec, || read(&context, &args))
        .await
}

async fn read(context: &Context, args: &SyncArgs) -> Result<SourceRows, RunFailure> {
    let settings = &context.config.settings;
    let every_device = DeviceQuery::default();
    let (unifi, ninjaone) = tokio::join!(
        async { tokio::try_join!(context.unifi.hosts(), context.unifi.sites()) },
        async {
            tokio::try_join!(
                context.ninjaone.devices(&every_device),
                context.ninjaone.alerts(None)
            )
        },
    );
    let (hosts, sites) =
        unifi.map_err(|err| RunFailure::new(Outcome::of_failure(err.class()), err))?;
    let mut notes = Vec::new();
    let ninjaone = match ninjaone {
        Ok((devices, alerts)) => Some((devices.devices, alerts)),
        Err(err)
            if err.class() == FailureClass::Unavailable
                && settings.ninjaone_outage == NinjaoneOutage::KeepColumns =>
        {
            tracing::warn!(cause = %err, "NinjaOne unavailable; its columns are left as they are");
            notes.push(
                "NinjaOne could not be read: Health Score, Deployment Status and Last Health \
                 Check were left as they are (settings.ninjaone_outage = keep_columns)"
                    .to_owned(),
            );
            None
        }
        Err(err) => {
            return Err(RunFailure::new(
                Outcome::of_failure(err.class()),
                format!(
                    "NinjaOne could not be read, so nothing was written (an outage must not \
                     show as zero alerts): {err}\n\
                     hint: settings.ninjaone_outage = \"keep_columns\" writes the UniFi \
                     columns and leaves NinjaOne's as they are"
                ),
            ));
        }
    };
    let alerts = ninjaone
        .as_ref()
        .map(|(devices, alerts)| AlertsByOrganization::new(devices, alerts));
    let sources = Sources {
        sites: &sites,
        hosts: &hosts,
        alerts: alerts.as_ref(),
        site_map: &context.config.site_map,
        today: today(context),
        review_threshold: settings.health.review_threshold,
    };
    let mut mapped = customer_status::rows(&sources);
    notes.extend(customer_status::notes(&mapped));

    let present: HashSet<String> = sites.iter().map(|s| s.id.clone()).collect();
    let covers: Covers = match &args.site {
        Some(wanted) => {
            let (id, _) = resolve_site(wanted, &sites, &hosts)?;
            mapped.rows.retain(|row| row.key == id);
            mapped.review.retain(|item| item.key == id);
            Box::new(move |key, _| key == id)
        }
        None => Box::new(|_, _| true),
    };
    Ok(SourceRows {
        rows: mapped.rows,
        present,
        covers,
        guard_counts: vec![("UniFi sites", sites.len() as u64)],
        review: mapped.review,
        notes,
        read: CurrentRead::All,
        checkpoints: Vec::new(),
    })
}
