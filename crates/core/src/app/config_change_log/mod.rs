//! `config-change-sync log|recent|report`: the engineers' side of the Config
//! Changes Log.
//!
//! `log` writes one manual entry, as engineers' tools did through the earlier
//! logger (`shared/api/ORIGINAL_SYSTEM.md` sections 2.3, 5 and 6.3): the
//! earlier tool registry and risk rules, except that a high or critical change
//! without a rollback plan is refused unless `--force` says so. `recent` lists
//! the latest changes and `report` summarises a period, both in the earlier
//! formats.
//!
//! A manual entry is keyed `manual:{site id or slug}:{8 hex digits}`, so two
//! changes in the same second never collide. It is written through the write
//! journal like a sync's creates, but without the dataset lock: an engineer
//! must be able to log a change while the sync runs, and an insert under a
//! fresh key cannot conflict with it.
//!
//! The sync itself (NinjaOne activities, UniFi snapshot differences) lives in
//! [`super::config_changes`].
//!
//! This file holds the arguments, the three commands and what they share
//! (loading the context, finding the database, dates and cuts of text).
//! `entry.rs` checks and writes a manual entry, `listing.rs` reads a window of
//! the log back, and `format.rs` renders what `recent` and `report` print.

mod entry;
mod format;
mod listing;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde_json::json;

use self::entry::{Author, check, engineer, env_var, locate, logged_text, open_log};
use self::format::{Period, recent_text, report_json, report_text};
use self::listing::Window;
use super::context::Context;
use super::sync_command::usage;
use crate::cli_args::{self, ConfigArgs};
use crate::config::Dataset;
use crate::exit::Outcome;
use crate::model::config_changes::{Action, Risk, Tool};
use crate::notion::{DataSourceId, DatabaseId, NotionError};
use crate::secrets::SecretName;
use crate::sync::create_one;

/// The only secret these commands need; the UniFi key is read when a site is
/// looked up, so that a missing one costs the lookup, not the entry.
const SECRETS: &[SecretName] = &[SecretName::NotionToken];

/// `config-change-sync log`: record one change made by hand or by an engineer's
/// tool.
#[derive(Debug, Clone, clap::Args)]
pub struct LogChangeArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub config: ConfigArgs,
    /// The tool that made the change (ninjaone and unifi-site-manager are the
    /// sync's own).
    #[arg(long, value_enum)]
    pub tool: Tool,
    /// The site: its UniFi site id or exact display name (any other text is
    /// logged as given).
    #[arg(long, value_name = "ID|NAME")]
    pub site: String,
    /// What was done.
    #[arg(long, value_enum)]
    pub action: Action,
    /// What changed, in one line.
    #[arg(long, value_name = "TEXT")]
    pub summary: String,
    /// More about the change.
    #[arg(long, value_name = "TEXT")]
    pub details: Option<String>,
    /// The risk, instead of the one the rules give (risky words in the summary,
    /// a delete or rollback, the tool's default).
    #[arg(long, value_enum)]
    pub risk: Option<Risk>,
    /// A ticket reference.
    #[arg(long, value_name = "ID")]
    pub ticket: Option<String>,
    /// How to undo the change; required for high and critical changes.
    #[arg(long, value_name = "TEXT")]
    pub rollback: Option<String>,
    /// Log a high or critical change without a rollback plan.
    #[arg(long)]
    pub force: bool,
    /// Who made the change [default: $OBERACONNECT_ENGINEER, else $USER, else
    /// unknown].
    #[arg(long, value_name = "NAME")]
    pub engineer: Option<String>,
    /// Write into this Notion database instead of the one config.json names.
    #[arg(long, value_name = "ID")]
    pub database_id: Option<String>,
    /// Print the logged entry as one JSON object.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub log: cli_args::LogArgs,
}

/// `config-change-sync recent`: the latest changes, newest first.
#[derive(Debug, Clone, clap::Args)]
pub struct RecentArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub config: ConfigArgs,
    /// How many days back to look.
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub days: u32,
    /// Only this site: changes whose Site Name is this text, or whose key holds
    /// this UniFi site id.
    #[arg(long, value_name = "ID|NAME")]
    pub site: Option<String>,
    /// Only changes made or found by this tool.
    #[arg(long, value_enum)]
    pub tool: Option<Tool>,
    /// Read this Notion database instead of the one config.json names.
    #[arg(long, value_name = "ID")]
    pub database_id: Option<String>,
    /// Print the changes as one JSON object.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub log: cli_args::LogArgs,
}

/// `config-change-sync report`: a period's changes, counted and listed by site.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub config: ConfigArgs,
    /// How many days back the report covers.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=36_500))]
    pub days: u32,
    /// Only this site: changes whose Site Name is this text, or whose key holds
    /// this UniFi site id.
    #[arg(long, value_name = "ID|NAME")]
    pub site: Option<String>,
    /// Read this Notion database instead of the one config.json names.
    #[arg(long, value_name = "ID")]
    pub database_id: Option<String>,
    /// Print the report as one JSON object.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub log: cli_args::LogArgs,
}

/// Logs one change; returns the exit outcome.
pub async fn log(args: LogChangeArgs) -> Outcome {
    let checked = match check(&args) {
        Ok(checked) => checked,
        Err(message) => return usage(message),
    };
    if checked.forced {
        eprintln!(
            "warning: logging a {} risk change without a rollback plan (--force)",
            checked.risk.as_str()
        );
    }
    let (context, writer) = match open_log(&args.config, args.database_id.as_deref()).await {
        Ok(opened) => opened,
        Err(outcome) => return outcome,
    };
    let site = locate(&context, &args.site).await;
    let author = Author {
        engineer: engineer(args.engineer.as_deref(), env_var),
        at: context.now(),
    };
    let record = checked.record(&args, &site, author);

    if let Err(stop) = create_one(&writer, &record.row()).await {
        eprintln!("error: the change was not logged: {}", stop.message);
        return stop.outcome;
    }
    writer.audit.record(
        "manual_change",
        json!({ "key": record.key, "risk": record.risk.as_str(),
                "without_rollback_plan": checked.forced }),
    );
    println!("{}", logged_text(&record, &site, args.json));
    Outcome::Success
}

/// Lists the changes of the last `--days`; returns the exit outcome.
pub async fn recent(args: RecentArgs) -> Outcome {
    let window = match Window::open(&args.config, args.database_id.as_deref(), args.days).await {
        Ok(window) => window,
        Err(outcome) => return outcome,
    };
    let changes = match window.read(args.site.as_deref(), args.tool).await {
        Ok(changes) => changes,
        Err(outcome) => return outcome,
    };
    if args.json {
        let body = json!({ "days": args.days, "since": stamp(window.since),
                           "total": changes.len(), "changes": changes });
        println!("{body}");
    } else {
        print!("{}", recent_text(args.days, &changes, window.zone));
    }
    Outcome::Success
}

/// Summarises the changes of the last `--days`; returns the exit outcome.
pub async fn report(args: ReportArgs) -> Outcome {
    let window = match Window::open(&args.config, args.database_id.as_deref(), args.days).await {
        Ok(window) => window,
        Err(outcome) => return outcome,
    };
    let changes = match window.read(args.site.as_deref(), None).await {
        Ok(changes) => changes,
        Err(outcome) => return outcome,
    };
    let period = Period {
        days: args.days,
        since: window.since,
        generated: window.now,
        zone: window.zone,
        site: args.site.as_deref(),
    };
    if args.json {
        println!("{}", report_json(&period, &changes));
    } else {
        print!("{}", report_text(&period, &changes));
    }
    Outcome::Success
}

/// Loads the context for these commands, or prints why not.
async fn start(config: &ConfigArgs) -> Result<Context, Outcome> {
    Context::load_for_command(config.config.as_deref(), SECRETS).await
}

/// `--database-id`, else the Config Changes Log of config.json.
fn database(context: &Context, flag: Option<&str>) -> Result<DatabaseId, Outcome> {
    let parsed = match flag {
        Some(text) => {
            DatabaseId::parse(text).map_err(|err| (Outcome::Usage, format!("--database-id: {err}")))
        }
        None => context
            .config
            .database(Dataset::ConfigChanges)
            .map_err(|err| (Outcome::Config, err.to_string()))
            .and_then(|id| {
                DatabaseId::parse(id.as_str()).map_err(|err| (Outcome::Config, err.to_string()))
            }),
    };
    parsed.map_err(|(outcome, message)| {
        eprintln!("error: {message}");
        outcome
    })
}

async fn data_source(context: &Context, database: &DatabaseId) -> Result<DataSourceId, Outcome> {
    context
        .notion
        .data_source_of(database)
        .await
        .map_err(notion_failure)
}

fn notion_failure(err: NotionError) -> Outcome {
    eprintln!("error: {err}");
    Outcome::of_failure(err.class())
}

/// The first `n` characters of `text` (characters, not bytes).
fn first_chars(text: &str, n: usize) -> &str {
    match text.char_indices().nth(n) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

fn local_date(time: DateTime<Utc>, zone: Tz) -> NaiveDate {
    time.with_timezone(&zone).date_naive()
}

fn stamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_fall_on_characters_not_bytes() {
        assert_eq!(first_chars("héllo wörld", 7), "héllo w");
        assert_eq!(first_chars("short", 40), "short");
        assert_eq!(first_chars("日本語のテキスト", 3), "日本語");
        assert_eq!(first_chars("", 3), "");
    }
}
