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

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use serde_json::json;

use super::context::Context;
use super::sync_command::{resolve_site, usage};
use crate::audit::AuditLog;
use crate::cli_args::{self, ConfigArgs};
use crate::config::{Dataset, SiteId};
use crate::exit::Outcome;
use crate::model::config_changes::{Action, ChangeRecord, Risk, Tool, assess_risk, property};
use crate::notion::{DataSourceId, DatabaseId, NotionError, Page, PropertyValue, Query};
use crate::secrets::SecretName;
use crate::state::StateStore;
use crate::sync::{SYNC_KEY, Writer, create_one};

/// The only secret these commands need; the UniFi key is read when a site is
/// looked up, so that a missing one costs the lookup, not the entry.
const SECRETS: &[SecretName] = &[SecretName::NotionToken];

/// How long `log` waits for UniFi to name the site before logging the site as
/// given.
const SITE_LOOKUP_TIMEOUT: Duration = Duration::from_secs(15);

/// Lines per site in `report`.
const REPORT_LINES_PER_SITE: usize = 5;

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

// ------------------------------------------------------------------------------
// log: checks, site, record, write

/// What `log` decided before reading anything: the risk, and whether `--force`
/// let a change through that needs a rollback plan and has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Checked {
    risk: Risk,
    forced: bool,
}

/// Who logged a change, and when by the run's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Author {
    engineer: String,
    at: DateTime<Utc>,
}

impl Checked {
    /// The record of the change `args` describe, at `site`, by `author`.
    fn record(&self, args: &LogChangeArgs, site: &ChangeSite, author: Author) -> ChangeRecord {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        ChangeRecord {
            key: change_key(&site.key_part(), &unique[..8]),
            site_name: site.name.clone(),
            tool: args.tool,
            category: args.tool.registry().1,
            action: args.action,
            summary: args.summary.trim().to_owned(),
            details: args
                .details
                .as_deref()
                .unwrap_or_default()
                .trim()
                .to_owned(),
            engineer: author.engineer,
            timestamp: author.at,
            risk: self.risk,
            ticket: given(args.ticket.as_deref()),
            rollback: given(args.rollback.as_deref()),
        }
    }
}

/// The usage rules of `log`, checked before anything is read.
fn check(args: &LogChangeArgs) -> Result<Checked, String> {
    if !args.tool.is_manual() {
        return Err(format!(
            "--tool {}: that tool is the sync's own; config-change-sync finds those changes \
             itself\nhint: log with one of {}",
            args.tool.as_str(),
            manual_tools().join(", ")
        ));
    }
    if args.summary.trim().is_empty() {
        return Err("--summary is empty; say in one line what changed".to_owned());
    }
    if slug(&args.site).is_empty() {
        return Err(format!(
            "--site `{}` names no site; give a UniFi site id or the site's name",
            args.site
        ));
    }
    let risk = assess_risk(args.risk, &args.summary, args.action, args.tool);
    let no_plan = risk.needs_rollback() && given(args.rollback.as_deref()).is_none();
    if no_plan && !args.force {
        return Err(format!(
            "a {} risk change needs a rollback plan\nhint: give --rollback \"<how to undo>\", \
             or --force to log it without one",
            risk.as_str()
        ));
    }
    Ok(Checked {
        risk,
        forced: no_plan,
    })
}

fn manual_tools() -> Vec<&'static str> {
    Tool::ALL
        .iter()
        .filter(|tool| tool.is_manual())
        .map(|tool| tool.as_str())
        .collect()
}

/// Text given and not blank, trimmed.
fn given(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// Who made the change: `--engineer`, else `OBERACONNECT_ENGINEER`, else
/// `USER`, else `unknown`. Blank values count as unset.
fn engineer(flag: Option<&str>, var: impl Fn(&str) -> Option<String>) -> String {
    given(flag)
        .or_else(|| given(var("OBERACONNECT_ENGINEER").as_deref()))
        .or_else(|| given(var("USER").as_deref()))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The key (and Change ID) of a manual entry.
fn change_key(site: &str, unique: &str) -> String {
    format!("manual:{site}:{unique}")
}

/// `text` lower-cased, each run of characters other than letters and digits
/// made one `-`, with none at either end: `Acme Dental - Texas` is
/// `acme-dental-texas`.
fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// Where a manual change was made: the UniFi site when UniFi knows it, else the
/// text as given.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ChangeSite {
    /// The UniFi site id, when resolved.
    id: Option<String>,
    /// The display name UniFi gives it, or the text as given.
    name: String,
}

impl ChangeSite {
    /// The site's part of the key: its id, else a slug of the name.
    fn key_part(&self) -> String {
        self.id.clone().unwrap_or_else(|| slug(&self.name))
    }
}

/// Finds `wanted` in UniFi (an id or an exact display name); when UniFi cannot
/// be read or has no such site, says so on stderr and keeps the text as given.
async fn locate(context: &Context, wanted: &str) -> ChangeSite {
    let lookup = async {
        let (hosts, sites) = tokio::try_join!(context.unifi.hosts(), context.unifi.sites())
            .map_err(|err| format!("UniFi could not be read: {}", first_line(&err.to_string())))?;
        resolve_site(wanted, &sites, &hosts).map_err(|failure| failure.message)
    };
    let found = match tokio::time::timeout(SITE_LOOKUP_TIMEOUT, lookup).await {
        Ok(found) => found,
        Err(_) => Err(format!(
            "UniFi did not answer within {} s",
            SITE_LOOKUP_TIMEOUT.as_secs()
        )),
    };
    match found {
        Ok((id, name)) => ChangeSite { id: Some(id), name },
        Err(why) => {
            let why = why.trim_start_matches("--site: ");
            eprintln!("note: the site is logged as given (`{wanted}`): {why}");
            ChangeSite {
                id: None,
                name: wanted.trim().to_owned(),
            }
        }
    }
}

/// The context and a writer, Notion's data source found: a Notion that cannot
/// be reached fails the entry before UniFi is asked anything.
async fn open_log(
    config: &ConfigArgs,
    database_id: Option<&str>,
) -> Result<(Context, Writer), Outcome> {
    let context = start(config).await?;
    let database = database(&context, database_id)?;
    let writer = writer(&context, &database).await?;
    Ok((context, writer))
}

/// A writer for one entry: the journal in the state store, one audit run, one
/// write at a time.
async fn writer(context: &Context, database: &DatabaseId) -> Result<Writer, Outcome> {
    let data_source = data_source(context, database).await?;
    let store = StateStore::open(&context.state_path).map_err(|err| {
        eprintln!("error: {err}");
        Outcome::Config
    })?;
    let run = format!("manual-{}", uuid::Uuid::new_v4().simple());
    let audit =
        AuditLog::open(&context.audit_log, Dataset::ConfigChanges.key(), &run).map_err(|err| {
            eprintln!("error: {err}");
            Outcome::Config
        })?;
    Ok(Writer {
        notion: context.notion.clone(),
        data_source,
        dataset: Dataset::ConfigChanges,
        store: Arc::new(store),
        audit: Arc::new(audit),
        concurrency: 1,
    })
}

/// What `log` prints: the earlier line, or one JSON object.
fn logged_text(record: &ChangeRecord, site: &ChangeSite, json: bool) -> String {
    if !json {
        return format!("Logged: {} (risk: {})", record.key, record.risk.as_str());
    }
    json!({
        "change_id": record.key,
        "risk": record.risk.as_str(),
        "site_id": site.id,
        "site_name": site.name,
        "timestamp": stamp(record.timestamp),
    })
    .to_string()
}

// ------------------------------------------------------------------------------
// recent and report: reading the log back

/// The rows of one period, ready to be read.
struct Window {
    context: Context,
    data_source: DataSourceId,
    now: DateTime<Utc>,
    since: DateTime<Utc>,
    zone: Tz,
}

impl Window {
    /// Loads the context and finds the data source; the window is the last
    /// `days` days.
    async fn open(
        config: &ConfigArgs,
        database_id: Option<&str>,
        days: u32,
    ) -> Result<Self, Outcome> {
        let context = start(config).await?;
        let database = database(&context, database_id)?;
        let data_source = data_source(&context, &database).await?;
        let now = context.now();
        let zone = context.config.settings.business_time_zone;
        Ok(Self {
            context,
            data_source,
            now,
            since: now - chrono::Duration::days(i64::from(days)),
            zone,
        })
    }

    /// The window's changes, of `site` and `tool` when given, newest first.
    async fn read(
        &self,
        site: Option<&str>,
        tool: Option<Tool>,
    ) -> Result<Vec<LoggedChange>, Outcome> {
        let query = Query {
            filter: Some(window_filter(self.since, tool)),
            properties: Vec::new(),
        };
        let pages = self
            .context
            .notion
            .query(&self.data_source, &query)
            .await
            .map_err(notion_failure)?;
        let mut changes: Vec<LoggedChange> = pages
            .iter()
            .filter(|page| !page.in_trash)
            .map(LoggedChange::from_page)
            .filter(|change| site.is_none_or(|wanted| change.is_at(wanted)))
            .collect();
        // Pages come oldest created first; reversed before the stable sort,
        // changes logged within the same second list the later one first.
        changes.reverse();
        changes.sort_by_key(|change| std::cmp::Reverse(change.timestamp));
        Ok(changes)
    }
}

/// The Notion filter of a window: Timestamp on or after `since`, and the tool
/// when given.
fn window_filter(since: DateTime<Utc>, tool: Option<Tool>) -> serde_json::Value {
    let after = json!({ "property": property::TIMESTAMP, "date": { "on_or_after": stamp(since) } });
    match tool {
        None => after,
        Some(tool) => json!({ "and": [
            after,
            { "property": property::TOOL, "select": { "equals": tool.as_str() } },
        ] }),
    }
}

/// One row of the log as read back. Tool, action and risk stay text (or
/// unknown), since people can type any option in Notion.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct LoggedChange {
    change_id: String,
    #[serde(skip)]
    key: String,
    site_name: String,
    tool: String,
    action: String,
    #[serde(serialize_with = "risk_name")]
    risk: Option<Risk>,
    summary: String,
    #[serde(serialize_with = "optional_stamp")]
    timestamp: Option<DateTime<Utc>>,
}

impl LoggedChange {
    fn from_page(page: &Page) -> Self {
        let text = |name| page.text(name).unwrap_or_default().to_owned();
        let select = |name| match page.properties.get(name) {
            Some(PropertyValue::Select(Some(option))) => option.clone(),
            _ => String::new(),
        };
        let timestamp = match page.properties.get(property::TIMESTAMP) {
            Some(PropertyValue::Date(Some(date))) => parse_instant(&date.start),
            _ => None,
        };
        Self {
            change_id: page.title().unwrap_or_default().to_owned(),
            key: text(SYNC_KEY),
            site_name: text(property::SITE_NAME),
            tool: select(property::TOOL),
            action: select(property::ACTION),
            risk: Risk::parse(&select(property::RISK_LEVEL)),
            summary: text(property::SUMMARY),
            timestamp,
        }
    }

    /// Whether the change is at the site `wanted` names: its Site Name is that
    /// text, or `wanted` is a UniFi site id its key holds.
    fn is_at(&self, wanted: &str) -> bool {
        let wanted = wanted.trim();
        self.site_name == wanted
            || SiteId::parse(wanted).is_some_and(|id| self.key.contains(id.as_str()))
    }

    /// `[!]` and the like; `[?]` for a risk the log does not know.
    fn mark(&self) -> &'static str {
        self.risk.map_or("?", Risk::mark)
    }

    fn site(&self) -> &str {
        if self.site_name.is_empty() {
            "(no site)"
        } else {
            &self.site_name
        }
    }
}

fn risk_name<S: serde::Serializer>(risk: &Option<Risk>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_some(&risk.map(Risk::as_str))
}

fn optional_stamp<S: serde::Serializer>(
    time: &Option<DateTime<Utc>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_some(&time.map(stamp))
}

/// A Notion date start as an instant: a date-time, or a date alone (midnight
/// UTC).
fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(time.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|time| time.and_utc())
}

/// The earlier `recent` listing (section 6.3), dates in the business time zone.
fn recent_text(days: u32, changes: &[LoggedChange], zone: Tz) -> String {
    let mut text = format!("Recent Changes (last {days} days):\n");
    for change in changes {
        let date = change
            .timestamp
            .map(|t| local_date(t, zone).to_string())
            .unwrap_or_default();
        text.push_str(&format!(
            "  [{}] {date} | {} | {} | {}\n",
            change.mark(),
            change.site(),
            change.tool,
            first_chars(&change.summary, 40)
        ));
    }
    text.push_str(&format!("Total: {}\n", changes.len()));
    text
}

/// What a report covers.
struct Period<'a> {
    days: u32,
    since: DateTime<Utc>,
    generated: DateTime<Utc>,
    zone: Tz,
    site: Option<&'a str>,
}

impl Period<'_> {
    fn scope(&self) -> String {
        match self.site {
            Some(site) => format!("site {site}"),
            None => "all sites".to_owned(),
        }
    }
}

/// The earlier "Configuration Change Report" (section 6.3): period, generation
/// time and scope, the counts, then at most five lines per site.
fn report_text(period: &Period<'_>, changes: &[LoggedChange]) -> String {
    let rule = "=".repeat(50);
    let zone = period.zone;
    let mut text = format!(
        "Configuration Change Report\n{rule}\nPeriod: {} to {} (last {} days)\n\
         Generated: {}\nScope: {}\n\n",
        local_date(period.since, zone),
        local_date(period.generated, zone),
        period.days,
        period
            .generated
            .with_timezone(&zone)
            .format("%Y-%m-%d %H:%M %Z"),
        period.scope()
    );
    text.push_str(&summary_text(changes));
    text.push_str(&format!("\nChanges by Site:\n{}\n", "-".repeat(50)));
    let sites: Vec<String> = by_site(changes)
        .into_iter()
        .map(|(site, changes)| site_text(site, &changes))
        .collect();
    text.push_str(&sites.join("\n"));
    text
}

fn summary_text(changes: &[LoggedChange]) -> String {
    let mut text = format!(
        "Summary:\n  Total Changes: {}\n  Sites Affected: {}\n\n  By Risk Level:\n",
        changes.len(),
        by_site(changes).len()
    );
    for (risk, count) in by_risk(changes) {
        text.push_str(&format!("    {risk}: {count}\n"));
    }
    text.push_str("\n  By Tool:\n");
    for (tool, count) in by_tool(changes) {
        text.push_str(&format!("    {tool}: {count}\n"));
    }
    text
}

fn site_text(site: &str, changes: &[&LoggedChange]) -> String {
    let mut text = format!("{site} ({}):\n", changes.len());
    for change in changes.iter().take(REPORT_LINES_PER_SITE) {
        text.push_str(&format!(
            "  [{}] {} via {} - {}\n",
            change.mark(),
            change.action,
            change.tool,
            first_chars(&change.summary, 50)
        ));
    }
    if changes.len() > REPORT_LINES_PER_SITE {
        let more = changes.len() - REPORT_LINES_PER_SITE;
        text.push_str(&format!("  ... and {more} more\n"));
    }
    text
}

/// The report as one JSON object: the same counts, and every change by site.
fn report_json(period: &Period<'_>, changes: &[LoggedChange]) -> serde_json::Value {
    let risks: serde_json::Map<String, serde_json::Value> = by_risk(changes)
        .into_iter()
        .map(|(risk, count)| (risk.to_owned(), json!(count)))
        .collect();
    let tools: serde_json::Map<String, serde_json::Value> = by_tool(changes)
        .into_iter()
        .map(|(tool, count)| (tool.to_owned(), json!(count)))
        .collect();
    let sites: Vec<serde_json::Value> = by_site(changes)
        .into_iter()
        .map(|(site, changes)| json!({ "site": site, "total": changes.len(), "changes": changes }))
        .collect();
    json!({
        "period": { "days": period.days, "since": stamp(period.since),
                    "until": stamp(period.generated) },
        "generated": stamp(period.generated),
        "scope": period.scope(),
        "total": changes.len(),
        "sites_affected": sites.len(),
        "by_risk": risks,
        "by_tool": tools,
        "sites": sites,
    })
}

/// Changes by site name (in name order), each site's newest first as given.
fn by_site(changes: &[LoggedChange]) -> BTreeMap<&str, Vec<&LoggedChange>> {
    let mut sites: BTreeMap<&str, Vec<&LoggedChange>> = BTreeMap::new();
    for change in changes {
        sites.entry(change.site()).or_default().push(change);
    }
    sites
}

/// Counts by risk, every level from critical down (zeros included), then
/// unknown ones.
fn by_risk(changes: &[LoggedChange]) -> Vec<(&'static str, usize)> {
    let count = |risk: Option<Risk>| changes.iter().filter(|c| c.risk == risk).count();
    let mut counts: Vec<(&'static str, usize)> = Risk::ALL
        .iter()
        .rev()
        .map(|risk| (risk.as_str(), count(Some(*risk))))
        .collect();
    let unknown = count(None);
    if unknown > 0 {
        counts.push(("unknown", unknown));
    }
    counts
}

/// Counts by tool, most used first (ties by name).
fn by_tool(changes: &[LoggedChange]) -> Vec<(&str, usize)> {
    let mut tools: BTreeMap<&str, usize> = BTreeMap::new();
    for change in changes {
        let tool = if change.tool.is_empty() {
            "(none)"
        } else {
            change.tool.as_str()
        };
        *tools.entry(tool).or_default() += 1;
    }
    let mut counts: Vec<(&str, usize)> = tools.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    counts
}

// ------------------------------------------------------------------------------
// shared

/// Loads the context for these commands, or prints why not.
async fn start(config: &ConfigArgs) -> Result<Context, Outcome> {
    Context::load(config.config.as_deref(), SECRETS, None)
        .await
        .map_err(|err| {
            eprintln!("error: {err}");
            err.outcome()
        })
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

    fn args(tool: Tool, action: Action, summary: &str) -> LogChangeArgs {
        LogChangeArgs {
            config: ConfigArgs::default(),
            tool,
            site: "Acme Dental - Texas".into(),
            action,
            summary: summary.into(),
            details: None,
            risk: None,
            ticket: None,
            rollback: None,
            force: false,
            engineer: None,
            database_id: None,
            json: false,
            log: cli_args::LogArgs::default(),
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        parse_instant(text).unwrap()
    }

    fn change(
        site: &str,
        tool: &str,
        risk: Option<Risk>,
        summary: &str,
        time: &str,
    ) -> LoggedChange {
        LoggedChange {
            change_id: format!("manual:x:{time}"),
            key: format!("manual:x:{time}"),
            site_name: site.into(),
            tool: tool.into(),
            action: "update".into(),
            risk,
            summary: summary.into(),
            timestamp: Some(at(time)),
        }
    }

    #[test]
    fn sync_tools_and_empty_summaries_are_refused() {
        let err = check(&args(Tool::Ninjaone, Action::Update, "x")).unwrap_err();
        assert!(
            err.contains("sync's own") && err.contains("unifi-deploy"),
            "{err}"
        );
        assert!(check(&args(Tool::UnifiSiteManager, Action::Update, "x")).is_err());
        let err = check(&args(Tool::Manual, Action::Update, "  ")).unwrap_err();
        assert!(err.contains("--summary"), "{err}");
        let mut blank_site = args(Tool::Manual, Action::Update, "x");
        blank_site.site = " - ".into();
        assert!(check(&blank_site).unwrap_err().contains("--site"));
    }

    #[test]
    fn a_risky_change_needs_a_rollback_plan_or_force() {
        let mut risky = args(Tool::Manual, Action::Update, "Open firewall port 443");
        let err = check(&risky).unwrap_err();
        assert!(
            err.starts_with("a high risk change needs a rollback plan"),
            "{err}"
        );
        assert!(err.contains("--rollback \"<how to undo>\"") && err.contains("--force"));

        risky.rollback = Some("   ".into());
        assert!(check(&risky).is_err(), "a blank plan is no plan");

        risky.rollback = Some("close the port".into());
        let ok = check(&risky).unwrap();
        assert_eq!((ok.risk, ok.forced), (Risk::High, false));

        risky.rollback = None;
        risky.force = true;
        assert!(check(&risky).unwrap().forced);

        let mut explicit = args(Tool::Manual, Action::Update, "Open firewall port 443");
        explicit.risk = Some(Risk::Low);
        assert_eq!(check(&explicit).unwrap().risk, Risk::Low, "--risk wins");
        explicit.risk = Some(Risk::Critical);
        assert!(check(&explicit).is_err(), "critical needs a plan too");
    }

    #[test]
    fn the_engineer_comes_from_the_flag_then_the_environment() {
        let env = |pairs: &'static [(&str, &str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let both = env(&[("OBERACONNECT_ENGINEER", "jane"), ("USER", "svc")]);
        assert_eq!(engineer(Some("bob"), both), "bob");
        assert_eq!(engineer(None, both), "jane");
        assert_eq!(engineer(Some(" "), both), "jane", "a blank flag is unset");
        assert_eq!(
            engineer(None, env(&[("OBERACONNECT_ENGINEER", ""), ("USER", "svc")])),
            "svc"
        );
        assert_eq!(engineer(None, env(&[])), "unknown");
    }

    #[test]
    fn keys_use_the_site_id_or_a_slug_of_the_name() {
        assert_eq!(slug("Acme Dental - Texas"), "acme-dental-texas");
        assert_eq!(slug("  Birch & Co.  "), "birch-co");
        assert_eq!(slug("Café Zürich"), "café-zürich");
        assert_eq!(slug("!!"), "");
        let named = ChangeSite {
            id: None,
            name: "Acme Dental - Texas".into(),
        };
        assert_eq!(
            change_key(&named.key_part(), "0a1b2c3d"),
            "manual:acme-dental-texas:0a1b2c3d"
        );
        let resolved = ChangeSite {
            id: Some("64f0c0ffee0000000000abcd".into()),
            name: "Acme".into(),
        };
        assert_eq!(resolved.key_part(), "64f0c0ffee0000000000abcd");
    }

    #[test]
    fn the_record_carries_what_was_given_and_a_unique_key() {
        let mut given = args(Tool::SonicwallScripts, Action::Modify, " Tighten NAT ");
        given.ticket = Some("T-7".into());
        given.rollback = Some(String::new());
        given.details = Some("rule 12".into());
        let site = ChangeSite {
            id: None,
            name: "Acme Dental - Texas".into(),
        };
        let checked = Checked {
            risk: Risk::High,
            forced: true,
        };
        let author = Author {
            engineer: "jane".into(),
            at: at("2026-12-03T14:05:09Z"),
        };
        let first = checked.record(&given, &site, author.clone());
        let second = checked.record(&given, &site, author);
        assert_ne!(first.key, second.key);
        let unique = first.key.strip_prefix("manual:acme-dental-texas:").unwrap();
        assert!(
            unique.len() == 8 && unique.chars().all(|c| c.is_ascii_hexdigit()),
            "{unique}"
        );
        assert_eq!(first.summary, "Tighten NAT");
        assert_eq!(first.category, Tool::SonicwallScripts.registry().1);
        assert_eq!(first.ticket.as_deref(), Some("T-7"));
        assert_eq!(first.rollback, None, "a blank plan is not written");
        assert_eq!(first.details, "rule 12");
        assert_eq!(
            (first.engineer.as_str(), first.timestamp),
            ("jane", at("2026-12-03T14:05:09Z"))
        );
    }

    #[test]
    fn logged_lines_are_the_earlier_ones_or_json() {
        let record = ChangeRecord {
            key: "manual:s:0a1b2c3d".into(),
            site_name: "Acme".into(),
            tool: Tool::Manual,
            category: Tool::Manual.registry().1,
            action: Action::Update,
            summary: "x".into(),
            details: String::new(),
            engineer: "jane".into(),
            timestamp: at("2026-12-03T14:05:09Z"),
            risk: Risk::Medium,
            ticket: None,
            rollback: None,
        };
        let site = ChangeSite {
            id: None,
            name: "Acme".into(),
        };
        assert_eq!(
            logged_text(&record, &site, false),
            "Logged: manual:s:0a1b2c3d (risk: medium)"
        );
        let json: serde_json::Value =
            serde_json::from_str(&logged_text(&record, &site, true)).unwrap();
        assert_eq!(
            json,
            json!({ "change_id": "manual:s:0a1b2c3d", "risk": "medium", "site_id": null,
                    "site_name": "Acme", "timestamp": "2026-12-03T14:05:09Z" })
        );
    }

    #[test]
    fn cuts_fall_on_characters_not_bytes() {
        assert_eq!(first_chars("héllo wörld", 7), "héllo w");
        assert_eq!(first_chars("short", 40), "short");
        assert_eq!(first_chars("日本語のテキスト", 3), "日本語");
        assert_eq!(first_chars("", 3), "");
    }

    #[test]
    fn recent_prints_the_earlier_listing() {
        let changes = vec![
            change(
                "Acme",
                "manual",
                Some(Risk::High),
                &"é".repeat(45),
                "2026-12-03T14:05:09Z",
            ),
            change(
                "Birch",
                "unifi-deploy",
                None,
                "New AP",
                "2026-12-01T02:00:00Z",
            ),
        ];
        let text = recent_text(7, &changes, chrono_tz::America::Chicago);
        let expected = format!(
            "Recent Changes (last 7 days):\n  [!] 2026-12-03 | Acme | manual | {}\n  \
             [?] 2026-11-30 | Birch | unifi-deploy | New AP\nTotal: 2\n",
            "é".repeat(40)
        );
        assert_eq!(text, expected, "dates are the business time zone's");
        assert_eq!(
            recent_text(3, &[], chrono_tz::UTC),
            "Recent Changes (last 3 days):\nTotal: 0\n"
        );
    }

    #[test]
    fn report_counts_and_lists_at_most_five_per_site() {
        let mut changes: Vec<LoggedChange> = (0..7)
            .map(|i| {
                let time = format!("2026-12-0{}T12:00:00Z", 9 - i);
                change(
                    "Acme",
                    "manual",
                    Some(Risk::Medium),
                    &format!("change {i}"),
                    &time,
                )
            })
            .collect();
        changes.push(change(
            "Birch",
            "unifi-deploy",
            Some(Risk::High),
            "VPN",
            "2026-12-01T12:00:00Z",
        ));
        let period = Period {
            days: 30,
            since: at("2026-11-09T12:00:00Z"),
            generated: at("2026-12-09T12:00:00Z"),
            zone: chrono_tz::UTC,
            site: None,
        };
        let text = report_text(&period, &changes);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Configuration Change Report");
        assert!(
            text.contains("Period: 2026-11-09 to 2026-12-09 (last 30 days)\n"),
            "{text}"
        );
        assert!(
            text.contains("Generated: 2026-12-09 12:00 UTC\nScope: all sites\n"),
            "{text}"
        );
        assert!(
            text.contains("  Total Changes: 8\n  Sites Affected: 2\n"),
            "{text}"
        );
        assert!(
            text.contains("    critical: 0\n    high: 1\n    medium: 7\n    low: 0\n"),
            "{text}"
        );
        assert!(
            text.contains("    manual: 7\n    unifi-deploy: 1\n"),
            "{text}"
        );
        assert!(
            text.contains("-\nAcme (7):\n  [*] update via manual - change 0\n"),
            "the first site follows the rule: {text}"
        );
        assert!(
            text.contains("  [*] update via manual - change 4\n  ... and 2 more\n"),
            "{text}"
        );
        assert!(!text.contains("change 5"), "{text}");
        assert!(
            text.ends_with("more\n\nBirch (1):\n  [!] update via unifi-deploy - VPN\n"),
            "{text}"
        );

        let json = report_json(&period, &changes);
        assert_eq!(json["total"], 8);
        assert_eq!(json["by_risk"]["medium"], 7);
        assert_eq!(json["sites"][0]["changes"].as_array().unwrap().len(), 7);
        assert_eq!(json["sites"][1]["changes"][0]["risk"], "high");
    }

    #[test]
    fn a_site_is_matched_by_name_or_by_the_id_in_the_key() {
        let mut logged = change("Acme Dental", "manual", None, "x", "2026-12-03T14:05:09Z");
        logged.key = "manual:64f0c0ffee0000000000abcd:0a1b2c3d".into();
        assert!(logged.is_at("Acme Dental"));
        assert!(logged.is_at("64F0C0FFEE0000000000ABCD"));
        assert!(!logged.is_at("Acme"), "names match exactly");
        assert!(
            !logged.is_at("0a1b2c3d"),
            "only a site id is looked for in the key"
        );
    }

    #[test]
    fn the_window_filter_is_a_timestamp_bound_and_the_tool() {
        let since = at("2026-11-26T14:05:09Z");
        assert_eq!(
            window_filter(since, None),
            json!({ "property": "Timestamp", "date": { "on_or_after": "2026-11-26T14:05:09Z" } })
        );
        let both = window_filter(since, Some(Tool::UnifiDeploy));
        assert_eq!(both["and"][1]["select"]["equals"], "unifi-deploy");
        assert_eq!(
            parse_instant("2026-11-26"),
            Some(at("2026-11-26T00:00:00Z"))
        );
    }
}
