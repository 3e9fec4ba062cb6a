//! `health-check --validate`: the runbook's data validation. For each configured database,
//! the keys the sources say it should hold against the keys its rows carry: counts, and the
//! keys missing, extra or held by more than one page. `expected.rs` says what each
//! database is compared with.

mod compare;
mod expected;

use std::path::PathBuf;

use serde_json::json;

pub use self::compare::Finding;
use super::context::Context;
use crate::config::Dataset;
use crate::exit::Outcome;
use crate::notion::{DatabaseId, Query};
use crate::secrets::SecretName;

/// Validates every configured database (or `only`); prints a table or JSON; returns the
/// exit outcome: success when all match, [`Outcome::Mismatch`] when not, the failure's
/// outcome when a source or Notion could not be read.
pub async fn run(config: Option<PathBuf>, json: bool, only: Option<Dataset>) -> Outcome {
    let context = match Context::load_for_command(config.as_deref(), &SecretName::ALL).await {
        Ok(context) => context,
        Err(outcome) => return outcome,
    };
    let mut findings = Vec::new();
    for dataset in Dataset::ALL {
        if only.is_some_and(|o| o != dataset) {
            continue;
        }
        findings.push(validate(&context, dataset).await);
    }
    let outcome = findings
        .iter()
        .map(Finding::outcome)
        .max()
        .unwrap_or(Outcome::Success);
    if json {
        let databases: serde_json::Map<String, serde_json::Value> = findings
            .iter()
            .map(|f| (f.dataset.key().to_owned(), f.to_json()))
            .collect();
        let status = if outcome == Outcome::Success {
            "ok"
        } else {
            outcome.name()
        };
        println!("{}", json!({ "status": status, "databases": databases }));
    } else {
        print!("{}", compare::table(&findings));
    }
    outcome
}

async fn validate(context: &Context, dataset: Dataset) -> Finding {
    let database = match context.config.database(dataset) {
        Ok(id) => id,
        Err(_) => return Finding::skipped(dataset, "no database in config.json"),
    };
    let expected = match expected::expected(context, dataset).await {
        Ok(expected) => expected,
        Err(failure) => return Finding::failed(dataset, failure.outcome, failure.message),
    };
    let pages = async {
        let database = DatabaseId::parse(database.as_str()).map_err(|err| err.to_string())?;
        let source = context
            .notion
            .data_source_of(&database)
            .await
            .map_err(|err| err.to_string())?;
        context
            .notion
            .query(&source, &Query::all())
            .await
            .map_err(|err| err.to_string())
    };
    match pages.await {
        Ok(pages) => compare::compare(dataset, &expected, &pages),
        Err(message) => Finding::failed(dataset, Outcome::Unavailable, message),
    }
}
