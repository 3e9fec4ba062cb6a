//! What every sync binary does around its dataset: refuse flags without meaning, load the
//! context, pick the database (`--database-id` or config.json), check the dates, run the
//! engine, print the report and return its exit code.

use std::collections::BTreeMap;
use std::future::Future;

use chrono::NaiveDate;

use super::context::Context;
use crate::cli_args::{SyncArgs, SyncFlag};
use crate::config::{Dataset, SiteId};
use crate::exit::Outcome;
use crate::notion::DatabaseId;
use crate::secrets::SecretName;
use crate::sync::{ApiCalls, DatasetSpec, RunFailure, RunOptions, RunReport, SourceRows, Target};
use crate::unifi::{Host, Site};

/// One sync binary: its name, dataset, the flags it refuses and the secrets it needs.
pub struct SyncCommand {
    /// The binary's name.
    pub name: &'static str,
    /// Its dataset.
    pub dataset: Dataset,
    /// Flags that mean nothing to it, each with why.
    pub refused: &'static [(SyncFlag, &'static str)],
    /// Secrets it reads.
    pub secrets: &'static [SecretName],
}

impl SyncCommand {
    /// Loads everything the run needs, or prints why not and returns the exit outcome.
    pub async fn start(&self, args: &SyncArgs) -> Result<Context, Outcome> {
        args.refuse(self.refused).map_err(usage)?;
        let context =
            Context::load_for_command(args.config.config.as_deref(), self.secrets).await?;
        args.check_dates(today(&context)).map_err(usage)?;
        Ok(context)
    }

    /// Runs the engine for `spec` with `read`, prints the report, returns the exit outcome.
    pub async fn run<F, Fut>(
        &self,
        context: &Context,
        args: &SyncArgs,
        spec: DatasetSpec,
        read: F,
    ) -> Outcome
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<SourceRows, RunFailure>>,
    {
        let database = match database(context, args, self.dataset) {
            Ok(database) => database,
            Err((outcome, message)) => {
                eprintln!("error: {message}");
                return outcome;
            }
        };
        let calls = || {
            ApiCalls::from_counters(
                context.notion.counters(),
                context.unifi.counters(),
                context.ninjaone.counters(),
            )
        };
        let target = Target {
            command: self.name,
            spec,
            notion: &context.notion,
            database,
            state_path: context.state_path.clone(),
            audit_path: context.audit_log.clone(),
            guards: context.config.settings.guards.clone(),
            concurrency: context.config.settings.notion.in_flight as usize,
            calls: &calls,
            now: context.now(),
            secret_sources: context
                .secrets
                .sources()
                .into_iter()
                .map(|(name, source)| (name.to_string(), source.to_string()))
                .collect(),
        };
        let options = RunOptions {
            dry_run: args.dry_run,
            force: args.force,
            full_sync: args.full_sync,
            fail_on_review: args.fail_on_review,
            progress: !args.json,
        };
        let report = crate::sync::run(&target, &options, read).await;
        print_report(&report, args.json);
        Outcome::from_code(report.exit_code)
    }
}

/// Prints a usage error and returns its outcome.
pub fn usage(message: String) -> Outcome {
    eprintln!("error: {message}");
    Outcome::Usage
}

/// The run's date in the business time zone.
pub fn today(context: &Context) -> NaiveDate {
    context
        .now()
        .with_timezone(&context.config.settings.business_time_zone)
        .date_naive()
}

fn database(
    context: &Context,
    args: &SyncArgs,
    dataset: Dataset,
) -> Result<DatabaseId, (Outcome, String)> {
    if let Some(text) = &args.database_id {
        return DatabaseId::parse(text)
            .map_err(|err| (Outcome::Usage, format!("--database-id: {err}")));
    }
    let configured = context
        .config
        .database(dataset)
        .map_err(|err| (Outcome::Config, err.to_string()))?;
    DatabaseId::parse(configured.as_str()).map_err(|err| (Outcome::Config, err.to_string()))
}

fn print_report(report: &RunReport, json: bool) {
    if json {
        match serde_json::to_string(&report.to_json()) {
            Ok(text) => println!("{text}"),
            Err(err) => eprintln!("error: cannot write the report: {err}"),
        }
        if let Some(error) = &report.error {
            eprintln!("error: {error}");
        }
        return;
    }
    if let Some(plan) = report.plan.as_ref().and_then(|p| p["text"].as_str()) {
        println!("{plan}");
    }
    if report.outcome != Outcome::Locked.name() {
        print!("{}", report.to_text());
    }
    if let Some(error) = &report.error {
        eprintln!("error: {error}");
    }
}

/// Finds the site `--site` names among `sites`: its id, or its exact display name.
pub fn resolve_site(
    wanted: &str,
    sites: &[Site],
    hosts: &[Host],
) -> Result<(String, String), RunFailure> {
    let names = crate::model::customer_status::names(sites, hosts);
    if let Some(id) = SiteId::parse(wanted) {
        let name = names
            .iter()
            .find(|(_, ids)| ids.iter().any(|i| i.eq_ignore_ascii_case(id.as_str())))
            .map(|(name, _)| name.clone());
        return match name {
            Some(name) => Ok((id.as_str().to_owned(), name)),
            None => Err(RunFailure::new(
                Outcome::Usage,
                format!("--site: UniFi has no site with id {id}"),
            )),
        };
    }
    match names.get(wanted).map(Vec::as_slice) {
        Some([id]) => Ok((id.clone(), wanted.to_owned())),
        Some(ids) => Err(RunFailure::new(
            Outcome::Usage,
            format!(
                "--site: {} sites are named `{wanted}`; give one of their ids: {}",
                ids.len(),
                ids.join(", ")
            ),
        )),
        None => Err(RunFailure::new(
            Outcome::Usage,
            format!(
                "--site: no site is named `{wanted}` (names are matched exactly){}",
                suggestion(wanted, &names)
            ),
        )),
    }
}

fn suggestion(wanted: &str, names: &BTreeMap<String, Vec<String>>) -> String {
    let lower = wanted.to_lowercase();
    let close: Vec<&str> = names
        .keys()
        .filter(|n| n.to_lowercase().contains(&lower))
        .take(3)
        .map(String::as_str)
        .collect();
    if close.is_empty() {
        String::new()
    } else {
        format!("\nhint: did you mean {}?", close.join(", "))
    }
}
