//! `setup-databases`: creates the four databases under a Notion page (`--create-all`), checks
//! the configured databases against the expected schemas (`--verify`), and adds what is
//! missing (`--migrate`). The expected schemas are [`crate::model::schemas`].
//!
//! | file             | owns                                                          |
//! |------------------|---------------------------------------------------------------|
//! | `create.rs`      | `--create-all` and its dry run                                |
//! | `drift.rs`       | comparing a live schema with the expected one ([`drift`])     |
//! | `verify.rs`      | `--verify` and `--migrate`: read, compare, update, report     |
//! | `config_file.rs` | writing database ids into config.json without reformatting it |
//!
//! Property ids are recorded in the state store (a checkpoint `schema:{database id}` per
//! dataset) whenever a property is created or found, so that a property renamed later in
//! the Notion UI is recognised by its id. Without a record (another host, a cleared state
//! store) a rename is still recognised when only one property can be the renamed one.

mod config_file;
mod create;
pub mod drift;
mod verify;

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use config_file::{ConfigWriteError, write_database_ids};

use mock_apis::notion::PARENT_PAGE_ID;

use super::context::Context;
use crate::config::Dataset;
use crate::dr_test::DrTestSettings;
use crate::exit::Outcome;
use crate::notion::{DatabaseId, NotionError, PageId};
use crate::secrets::SecretName;
use crate::state::StateStore;

/// What `setup-databases` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupCommand {
    /// Create the four databases under a page.
    CreateAll {
        /// The page's id or URL; in DR test mode the simulator's page when absent.
        parent_page: Option<String>,
        /// Store the new database ids in config.json.
        write_config: bool,
        /// Print what would be created; create nothing.
        dry_run: bool,
    },
    /// Compare each configured database with its expected schema.
    Verify,
    /// Add missing properties and select options.
    Migrate {
        /// Print what would be added; change nothing.
        dry_run: bool,
    },
}

/// Runs `command` with the configuration at `config`; prints a table, or JSON with
/// `json`; returns the exit outcome.
pub async fn run(config: Option<PathBuf>, command: SetupCommand, json: bool) -> Outcome {
    // The flags are checked before anything is loaded, so that a usage error is not hidden
    // behind a missing token.
    let action = match command {
        SetupCommand::CreateAll {
            parent_page,
            write_config,
            dry_run,
        } => match parent_page_id(&parent_page) {
            Ok(parent_page) => Action::Create(create::CreateOptions {
                parent_page,
                write_config,
                dry_run,
                json,
            }),
            Err(err) => {
                eprintln!("error: {err}");
                return err.outcome();
            }
        },
        SetupCommand::Verify => Action::Check(verify::Mode::Verify),
        SetupCommand::Migrate { dry_run } => Action::Check(verify::Mode::Migrate { dry_run }),
    };
    let context =
        match Context::load_for_command(config.as_deref(), &[SecretName::NotionToken]).await {
            Ok(context) => context,
            Err(outcome) => return outcome,
        };
    // A dry run of --create-all records nothing, so it leaves the state store alone.
    let store = if matches!(&action, Action::Create(options) if options.dry_run) {
        None
    } else {
        StateStore::open(&context.state_path)
            .inspect_err(|err| {
                tracing::warn!(cause = %err,
                    "state store unavailable; property ids are not recorded");
            })
            .ok()
    };
    let ids = PropertyIds { store };
    match action {
        Action::Create(options) => create::run(&context, &ids, &options).await,
        Action::Check(mode) => verify::run(&context, &ids, mode, json).await,
    }
}

/// A command with its flags checked.
enum Action {
    Create(create::CreateOptions),
    Check(verify::Mode),
}

/// The page `--parent-page` names; in DR test mode the simulator's page when absent.
fn parent_page_id(flag: &Option<String>) -> Result<PageId, SetupError> {
    match flag {
        Some(text) => parse_page(text),
        None if DrTestSettings::from_env().is_some() => parse_page(PARENT_PAGE_ID),
        None => Err(SetupError::NoParentPage),
    }
}

/// Why a step of `setup-databases` failed.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// No parent page outside DR test mode.
    #[error(
        "--create-all needs --parent-page\n\
         hint: give the id or URL of the Notion page the databases go under, shared with the \
         integration"
    )]
    NoParentPage,
    /// `--parent-page` is neither an id nor a page URL.
    #[error("--parent-page `{0}` is not a Notion page id or page URL")]
    BadParentPage(String),
    /// The parent page does not exist or is not shared with the integration.
    #[error(
        "the parent page {page} is not visible to the integration (404 object_not_found)\n\
         hint: share the page with the integration: open it in Notion, ••• → Connections, and \
         add the integration; or check the id"
    )]
    ParentNotShared {
        /// The page.
        page: PageId,
    },
    /// A Notion call failed.
    #[error("failed to {action}: {source}")]
    Notion {
        /// What was being done.
        action: String,
        /// The cause.
        source: Box<NotionError>,
    },
    /// Notion answered with something the command cannot use.
    #[error("unexpected Notion answer: {0}")]
    Unexpected(String),
    /// The new ids could not be written into config.json.
    #[error(transparent)]
    ConfigWrite(#[from] ConfigWriteError),
}

impl SetupError {
    /// The exit outcome for this failure.
    pub fn outcome(&self) -> Outcome {
        match self {
            SetupError::NoParentPage | SetupError::BadParentPage(_) => Outcome::Usage,
            SetupError::ParentNotShared { .. } | SetupError::ConfigWrite(_) => Outcome::Config,
            SetupError::Notion { source, .. } => Outcome::of_failure(source.class()),
            SetupError::Unexpected(_) => Outcome::Partial,
        }
    }

    fn notion(action: impl Into<String>, source: NotionError) -> Self {
        SetupError::Notion {
            action: action.into(),
            source: Box::new(source),
        }
    }
}

/// The page id in `text`: an id with or without dashes, or a Notion page URL, whose last
/// path segment ends with the id (`https://www.notion.so/Dashboards-5d3b2a10...`).
fn parse_page(text: &str) -> Result<PageId, SetupError> {
    if let Ok(id) = PageId::parse(text) {
        return Ok(id);
    }
    let path = text.split(['?', '#']).next().unwrap_or_default();
    let segment = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    let tail = segment
        .char_indices()
        .rev()
        .nth(31)
        .map_or("", |(at, _)| &segment[at..]);
    PageId::parse(tail).map_err(|_| SetupError::BadParentPage(text.to_owned()))
}

/// Property ids recorded in the state store, per database (see the module docs).
struct PropertyIds {
    store: Option<StateStore>,
}

impl PropertyIds {
    fn checkpoint(database: &DatabaseId) -> String {
        format!("{}{database}", crate::state::RECORD_PREFIX)
    }

    /// The ids recorded for `database`, by expected property name.
    fn known(&self, dataset: Dataset, database: &DatabaseId) -> BTreeMap<String, String> {
        let Some(store) = &self.store else {
            return BTreeMap::new();
        };
        store
            .checkpoint(dataset, &Self::checkpoint(database))
            .ok()
            .flatten()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Records `ids` for `database`; a failure only costs the next run its id matching.
    fn record(&self, dataset: Dataset, database: &DatabaseId, ids: &BTreeMap<String, String>) {
        let Some(store) = &self.store else {
            return;
        };
        let recorded = serde_json::to_string(ids)
            .map_err(|err| err.to_string())
            .and_then(|text| {
                store
                    .set_checkpoint(dataset, &Self::checkpoint(database), &text)
                    .map_err(|err| err.to_string())
            });
        if let Err(cause) = recorded {
            tracing::warn!(%dataset, %cause, "property ids not recorded");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_pages_are_ids_or_page_urls() {
        let id = "5d3b2a10-6c4e-4f8a-9b1d-7e2c0a9f4b61";
        for text in [
            id,
            "5d3b2a106c4e4f8a9b1d7e2c0a9f4b61",
            "https://www.notion.so/Dashboards-5d3b2a106c4e4f8a9b1d7e2c0a9f4b61",
            "https://www.notion.so/team/5d3b2a106c4e4f8a9b1d7e2c0a9f4b61?pvs=4",
        ] {
            assert_eq!(parse_page(text).unwrap().as_str(), id, "{text}");
        }
        for text in [
            "",
            "Dashboards",
            "https://www.notion.so/Dashboards-5d3b2a10",
        ] {
            assert!(matches!(
                parse_page(text),
                Err(SetupError::BadParentPage(_))
            ));
        }
    }
}
