//! `sync-state`: what the state store holds for each dataset, and clearing a dataset's
//! cached sync state (checkpoints, absence counts) so that the next run starts over, as the
//! runbook's full resync does. Run history, daily snapshots, the write journal and the
//! property ids `setup-databases` recorded are kept: they are history, the guarantee against
//! duplicates and the record renames are recognised by, not cache.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::context::Context;
use crate::config::Dataset;
use crate::exit::Outcome;
use crate::state::{StateError, StateStore};

/// What `sync-state` was asked to do.
#[derive(Debug, Clone)]
pub enum StateCommand {
    /// Print each dataset's state.
    Show {
        /// As JSON.
        json: bool,
    },
    /// Clear the cached state of these datasets.
    Clear {
        /// The datasets.
        datasets: Vec<Dataset>,
    },
}

/// Runs `command` against the state store of the configuration at `config`.
pub async fn run(config: Option<PathBuf>, command: StateCommand) -> Outcome {
    let context = match Context::load_for_command(config.as_deref(), &[]).await {
        Ok(context) => context,
        Err(outcome) => return outcome,
    };
    let store = match StateStore::open(&context.state_path) {
        Ok(store) => store,
        Err(err) => {
            eprintln!("error: {err}");
            return Outcome::Config;
        }
    };
    let done = match command {
        StateCommand::Show { json } => show(&store, json),
        StateCommand::Clear { datasets } => clear(&store, &datasets),
    };
    match done {
        Ok(outcome) => outcome,
        Err(err) => {
            eprintln!("error: {err}");
            match err {
                StateError::Locked { .. } => Outcome::Locked,
                _ => Outcome::Config,
            }
        }
    }
}

fn show(store: &StateStore, json: bool) -> Result<Outcome, StateError> {
    let mut rows = Vec::new();
    for dataset in Dataset::ALL {
        let last = store.last_good_run(dataset)?;
        rows.push(json!({
            "dataset": dataset.key(),
            "checkpoints": store.checkpoint_count(dataset)?,
            "pending_creates": store.pending_intents(dataset)?.len(),
            "last_good_run": last.as_ref().map(|r| r.finished_at.unwrap_or(r.started_at)),
        }));
    }
    if json {
        println!(
            "{}",
            json!({ "state_store": store.path(), "datasets": rows })
        );
        return Ok(Outcome::Success);
    }
    println!("State store: {}", store.path().display());
    println!(
        "{:<16} {:>11} {:>15}  last good run",
        "dataset", "checkpoints", "pending creates"
    );
    for row in &rows {
        let last = match &row["last_good_run"] {
            Value::String(time) => time.clone(),
            _ => "never".to_owned(),
        };
        println!(
            "{:<16} {:>11} {:>15}  {last}",
            row["dataset"].as_str().unwrap_or(""),
            row["checkpoints"],
            row["pending_creates"]
        );
    }
    Ok(Outcome::Success)
}

/// Clears each dataset under its own lock, so a running sync is never pulled from under.
fn clear(store: &StateStore, datasets: &[Dataset]) -> Result<Outcome, StateError> {
    for dataset in datasets {
        let lease = store.lock_dataset(*dataset)?;
        let cleared = store.clear_checkpoints(*dataset).and_then(|checkpoints| {
            store.set_absences(*dataset, &Default::default())?;
            Ok(checkpoints)
        });
        store.unlock(&lease)?;
        println!(
            "{}: cleared {} checkpoint(s) and the absence counts; the next run starts over",
            dataset.key(),
            cleared?
        );
    }
    Ok(Outcome::Success)
}
