//! `config-change-sync log`: checking a manual entry and writing it.
//!
//! Owns the usage rules (manual tools only, a summary, a site, a rollback plan
//! for high and critical changes unless `--force`), who the engineer is, the
//! entry's key, finding the site in UniFi and the writer the entry goes
//! through. The command itself, and loading the context, live in the parent
//! module; the risk rules themselves in [`crate::model::config_changes`].

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::json;

use super::{LogChangeArgs, data_source, database, first_line, stamp, start};
use crate::app::context::Context;
use crate::app::sync_command::resolve_site;
use crate::audit::AuditLog;
use crate::cli_args::ConfigArgs;
use crate::config::Dataset;
use crate::exit::Outcome;
use crate::model::config_changes::{ChangeRecord, Risk, Tool, assess_risk};
use crate::notion::DatabaseId;
use crate::state::StateStore;
use crate::sync::Writer;

/// How long `log` waits for UniFi to name the site before logging the site as
/// given.
const SITE_LOOKUP_TIMEOUT: Duration = Duration::from_secs(15);

/// What `log` decided before reading anything: the risk, and whether `--force`
/// let a change through that needs a rollback plan and has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Checked {
    pub(super) risk: Risk,
    pub(super) forced: bool,
}

/// Who logged a change, and when by the run's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Author {
    pub(super) engineer: String,
    pub(super) at: DateTime<Utc>,
}

impl Checked {
    /// The record of the change `args` describe, at `site`, by `author`.
    pub(super) fn record(
        &self,
        args: &LogChangeArgs,
        site: &ChangeSite,
        author: Author,
    ) -> ChangeRecord {
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
pub(super) fn check(args: &LogChangeArgs) -> Result<Checked, String> {
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
pub(super) fn engineer(flag: Option<&str>, var: impl Fn(&str) -> Option<String>) -> String {
    given(flag)
        .or_else(|| given(var("OBERACONNECT_ENGINEER").as_deref()))
        .or_else(|| given(var("USER").as_deref()))
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The environment variable `name`, when set and valid Unicode.
pub(super) fn env_var(name: &str) -> Option<String> {
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
pub(super) struct ChangeSite {
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
pub(super) async fn locate(context: &Context, wanted: &str) -> ChangeSite {
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
pub(super) async fn open_log(
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
pub(super) fn logged_text(record: &ChangeRecord, site: &ChangeSite, json: bool) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli_args;
    use crate::model::config_changes::Action;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

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
}
