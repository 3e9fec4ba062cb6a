//! `--verify` and `--migrate`: each configured database's live schema (its data source's
//! properties) against the expected one, and, for `--migrate`, one data source update per
//! database that adds the missing properties and select options (NOTION.md section 4.6).
//!
//! A migration only adds: no property is renamed, retyped or removed, and an option list is
//! sent whole (Notion replaces the list) with every live option kept, so no row loses a
//! value. Renamed and retyped properties are reported with how to repair them by hand.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::PropertyIds;
use super::drift::{Drift, Expectation, Finding, compare};
use crate::app::context::Context;
use crate::config::Dataset;
use crate::exit::Outcome;
use crate::model::schemas::{self, DatabaseSchema};
use crate::notion::{DataSource, DataSourceId, DatabaseId, NotionError};

/// What the run does after comparing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Report only.
    Verify,
    /// Add what is missing (or, in a dry run, say what would be added).
    Migrate {
        /// Change nothing.
        dry_run: bool,
    },
}

/// One database checked.
struct Checked {
    schema: &'static DatabaseSchema,
    database: Option<DatabaseId>,
    /// The live title and data source, once read.
    live: Option<(String, DataSource)>,
    drift: Drift,
    migration: Option<Migration>,
    /// Why it could not be checked (or migrated), with the outcome that stands for it.
    failure: Option<(Outcome, String)>,
}

/// What `--migrate` added to one database, or would add in a dry run.
#[derive(Debug, Default)]
struct Migration {
    /// Properties added.
    properties: Vec<&'static str>,
    /// Options added, by live property name.
    options: Vec<(String, Vec<&'static str>)>,
    /// Missing properties it could not add, with why.
    skipped: Vec<(&'static str, String)>,
    /// Whether the update was sent.
    applied: bool,
}

pub(super) async fn run(context: &Context, ids: &PropertyIds, mode: Mode, json: bool) -> Outcome {
    let mut checked = Vec::new();
    let mut customers: Option<DataSourceId> = None;
    for schema in schemas::all() {
        let mut result = check(context, ids, schema, customers.as_ref()).await;
        if let Mode::Migrate { dry_run } = mode {
            migrate(context, ids, &mut result, customers.as_ref(), dry_run).await;
        }
        if schema.dataset == Dataset::CustomerStatus {
            customers = result.live.as_ref().map(|(_, source)| source.id.clone());
        }
        checked.push(result);
    }
    let outcome = checked
        .iter()
        .map(Checked::outcome)
        .max()
        .unwrap_or(Outcome::Success);
    if json {
        print_json(&checked, mode, outcome);
    } else {
        print_text(&checked, mode);
    }
    outcome
}

async fn check(
    context: &Context,
    ids: &PropertyIds,
    schema: &'static DatabaseSchema,
    customers: Option<&DataSourceId>,
) -> Checked {
    let dataset = schema.dataset;
    let mut checked = Checked {
        schema,
        database: None,
        live: None,
        drift: Drift::default(),
        migration: None,
        failure: None,
    };
    let Some(configured) = context.config.databases.get(dataset) else {
        checked.failure = Some((
            Outcome::Config,
            format!(
                "no database id for `{dataset}` in {}\nhint: run `setup-databases --create-all \
                 --write-config`, or set databases.{dataset} to the database's id",
                context.config.path.display()
            ),
        ));
        return checked;
    };
    let database = match DatabaseId::parse(configured.as_str()) {
        Ok(database) => database,
        Err(err) => {
            checked.failure = Some((Outcome::Config, err.to_string()));
            return checked;
        }
    };
    match read(context, &database).await {
        Ok((title, source)) => {
            checked.drift = drift_of(ids, schema, &database, &title, &source, customers);
            checked.live = Some((title, source));
        }
        Err(failure) => checked.failure = Some(failure),
    }
    checked.database = Some(database);
    checked
}

/// The database's title and its one data source.
async fn read(
    context: &Context,
    database: &DatabaseId,
) -> Result<(String, DataSource), (Outcome, String)> {
    let notion_failure = |err: NotionError| {
        let outcome = match err {
            NotionError::NotFound { .. } | NotionError::MultipleDataSources { .. } => {
                Outcome::Config
            }
            _ => Outcome::of_failure(err.class()),
        };
        (
            outcome,
            format!("failed to read database {database}: {err}"),
        )
    };
    let container = context
        .notion
        .database(database)
        .await
        .map_err(notion_failure)?;
    if container.in_trash {
        return Err((
            Outcome::Config,
            format!(
                "database {database} is in the trash\nhint: restore it in Notion (Trash → \
                 Restore), or point config.json at another database"
            ),
        ));
    }
    let [(source, _)] = container.data_sources.as_slice() else {
        return Err(notion_failure(NotionError::MultipleDataSources {
            database_id: database.to_string(),
            count: container.data_sources.len(),
        }));
    };
    let source = context
        .notion
        .data_source(source)
        .await
        .map_err(notion_failure)?;
    Ok((container.title, source))
}

/// Compares, notes a changed title, and records the ids found.
fn drift_of(
    ids: &PropertyIds,
    schema: &'static DatabaseSchema,
    database: &DatabaseId,
    title: &str,
    source: &DataSource,
    customers: Option<&DataSourceId>,
) -> Drift {
    let known_ids = ids.known(schema.dataset, database);
    let relation_target = |dataset: Dataset| {
        customers
            .filter(|_| dataset == Dataset::CustomerStatus)
            .cloned()
    };
    let expectation = Expectation {
        schema,
        known_ids: &known_ids,
        relation_target: &relation_target,
    };
    let mut drift = compare(&expectation, source);
    if title != schema.title() {
        drift.findings.push(Finding::Retitled {
            found: title.to_owned(),
        });
    }
    ids.record(schema.dataset, database, &drift.ids);
    drift
}

async fn migrate(
    context: &Context,
    ids: &PropertyIds,
    checked: &mut Checked,
    customers: Option<&DataSourceId>,
    dry_run: bool,
) {
    let (Some((title, live)), Some(database)) = (&checked.live, &checked.database) else {
        return;
    };
    let (properties, mut migration) = plan(&checked.drift, live, customers);
    if properties.is_empty() || dry_run {
        checked.migration = Some(migration);
        return;
    }
    let updated = context
        .notion
        .update_data_source(&live.id, Value::Object(properties))
        .await;
    match updated {
        Ok(source) => {
            tracing::info!(dataset = %checked.schema.dataset, "schema migrated");
            migration.applied = true;
            let title = title.clone();
            checked.drift = drift_of(ids, checked.schema, database, &title, &source, customers);
            checked.live = Some((title, source));
        }
        Err(err) => {
            let outcome = Outcome::of_failure(err.class());
            let message = format!("failed to update the schema of {database}: {err}");
            checked.failure = Some((outcome, message));
        }
    }
    checked.migration = Some(migration);
}

/// The `properties` of a data source update that adds what `drift` found missing.
fn plan(
    drift: &Drift,
    live: &DataSource,
    customers: Option<&DataSourceId>,
) -> (Map<String, Value>, Migration) {
    let mut properties = Map::new();
    let mut migration = Migration::default();
    for finding in &drift.findings {
        match finding {
            Finding::Missing { property } => {
                let target = customers.filter(|_| property.kind.relation().is_some());
                match property.kind.configuration(target) {
                    Some(config) => {
                        properties.insert(property.name.to_owned(), config);
                        migration.properties.push(property.name);
                    }
                    None => migration.skipped.push((
                        property.name,
                        "it relates to the Customer Status Board, which could not be read"
                            .to_owned(),
                    )),
                }
            }
            Finding::MissingOptions {
                property,
                live_name,
                options,
            } => {
                let kind = property.kind.type_name();
                let mut list = live_options(live, live_name);
                list.extend(
                    options
                        .iter()
                        .map(|o| json!({ "name": o.name, "color": o.color.as_str() })),
                );
                properties.insert(live_name.clone(), json!({ kind: { "options": list } }));
                let names = options.iter().map(|o| o.name).collect();
                migration.options.push((live_name.clone(), names));
            }
            _ => {}
        }
    }
    (properties, migration)
}

/// The live options of a property as an update must resend them to keep them: id, name,
/// colour (and description when it has one).
fn live_options(live: &DataSource, name: &str) -> Vec<Value> {
    let Some(property) = live.properties.get(name) else {
        return Vec::new();
    };
    let options = &property.raw[property.kind.as_str()]["options"];
    options
        .as_array()
        .into_iter()
        .flatten()
        .map(|option| {
            let mut kept = Map::new();
            for key in ["id", "name", "color", "description"] {
                if let Some(value) = option.get(key).filter(|v| !v.is_null()) {
                    kept.insert(key.to_owned(), value.clone());
                }
            }
            Value::Object(kept)
        })
        .collect()
}

impl Checked {
    fn outcome(&self) -> Outcome {
        match &self.failure {
            Some((outcome, _)) => *outcome,
            None if self.drift.has_drift() => Outcome::Mismatch,
            None => Outcome::Success,
        }
    }

    fn status(&self) -> &'static str {
        match self.outcome() {
            Outcome::Success => "ok",
            Outcome::Mismatch if self.failure.is_none() => "drift",
            other => other.name(),
        }
    }

    fn to_json(&self) -> Value {
        let findings: Vec<Value> = self
            .drift
            .findings
            .iter()
            .map(|f| f.to_json(self.schema))
            .collect();
        let migration = self.migration.as_ref().map(|m| {
            let options: BTreeMap<&str, &Vec<&str>> =
                m.options.iter().map(|(n, o)| (n.as_str(), o)).collect();
            let skipped: Vec<Value> = m
                .skipped
                .iter()
                .map(|(property, reason)| json!({ "property": property, "reason": reason }))
                .collect();
            json!({
                "applied": m.applied,
                "added_properties": m.properties,
                "added_options": options,
                "skipped": skipped,
            })
        });
        json!({
            "title": self.schema.title(),
            "database_id": self.database.as_ref().map(DatabaseId::as_str),
            "data_source_id": self.live.as_ref().map(|(_, s)| s.id.as_str()),
            "status": self.status(),
            "findings": findings,
            "migration": migration,
            "error": self.failure.as_ref().map(|(_, message)| message),
        })
    }
}

fn print_json(checked: &[Checked], mode: Mode, outcome: Outcome) {
    let databases: Map<String, Value> = checked
        .iter()
        .map(|c| (c.schema.dataset.key().to_owned(), c.to_json()))
        .collect();
    let (mode, dry_run) = match mode {
        Mode::Verify => ("verify", false),
        Mode::Migrate { dry_run } => ("migrate", dry_run),
    };
    let status = match outcome {
        Outcome::Success => "ok",
        other => other.name(),
    };
    let report = json!({ "status": status, "mode": mode, "dry_run": dry_run,
                         "databases": databases });
    println!("{report}");
}

fn print_text(checked: &[Checked], mode: Mode) {
    for c in checked {
        let summary = match (&c.failure, c.drift.findings.iter().filter(|f| f.is_drift())) {
            (Some(_), _) => "failed".to_owned(),
            (None, drift) => match drift.count() {
                0 => "ok".to_owned(),
                n => format!("{n} difference(s)"),
            },
        };
        let id = c
            .database
            .as_ref()
            .map(|d| d.to_string())
            .unwrap_or_default();
        println!(
            "{:<16} {:<24} {summary:<18} {id}",
            c.schema.dataset.key(),
            c.schema.title()
        );
        if let Some(migration) = &c.migration {
            print_migration(migration, mode);
        }
        for finding in &c.drift.findings {
            println!("  {:<16} {}", finding.kind(), finding.describe());
            println!("  {:<16} fix: {}", "", finding.fix(c.schema));
        }
        if let Some((_, message)) = &c.failure {
            for line in message.lines() {
                println!("  {line}");
            }
        }
    }
    print_summary(checked, mode);
}

fn print_migration(migration: &Migration, mode: Mode) {
    let verb = match mode {
        Mode::Migrate { dry_run: true } => "would add",
        _ if migration.applied => "added",
        _ => "to add",
    };
    for property in &migration.properties {
        println!("  {verb:<16} property `{property}`");
    }
    for (property, options) in &migration.options {
        println!(
            "  {verb:<16} options of `{property}`: {}",
            options.join(", ")
        );
    }
    for (property, reason) in &migration.skipped {
        println!("  {:<16} `{property}`: {reason}", "not added");
    }
}

fn print_summary(checked: &[Checked], mode: Mode) {
    let drift: Vec<&Finding> = checked
        .iter()
        .flat_map(|c| &c.drift.findings)
        .filter(|f| f.is_drift())
        .collect();
    let failed = checked.iter().filter(|c| c.failure.is_some()).count();
    println!();
    if drift.is_empty() && failed == 0 {
        println!("All {} databases match the expected schema.", checked.len());
        return;
    }
    if !drift.is_empty() {
        let fixable = drift.iter().filter(|f| f.migrate_fixes()).count();
        let databases = checked.iter().filter(|c| c.drift.has_drift()).count();
        let advice = match (mode, fixable) {
            (_, 0) => "none can be fixed by --migrate; see each fix above".to_owned(),
            (Mode::Migrate { dry_run: false }, _) => {
                format!("{fixable} could not be added; see above")
            }
            _ => format!("`setup-databases --migrate` fixes {fixable} of them"),
        };
        println!(
            "{} difference(s) in {databases} database(s); {advice}.",
            drift.len()
        );
    }
    if failed > 0 {
        println!("{failed} database(s) could not be checked; see above.");
    }
}
