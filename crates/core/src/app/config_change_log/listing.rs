//! `config-change-sync recent|report`: reading a window of the log back.
//!
//! Owns the Notion filter of a window, reading its pages, and a change as read
//! back ([`LoggedChange`]), with which site it is at. What the commands print
//! lives in the sibling `format` module.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use serde_json::json;

use super::{data_source, database, notion_failure, stamp, start};
use crate::app::context::Context;
use crate::cli_args::ConfigArgs;
use crate::config::SiteId;
use crate::exit::Outcome;
use crate::model::config_changes::{Risk, Tool, property};
use crate::notion::{DataSourceId, Page, PropertyValue, Query};
use crate::sync::SYNC_KEY;

/// The rows of one period, ready to be read.
pub(super) struct Window {
    context: Context,
    data_source: DataSourceId,
    /// The run's clock when the window was opened: the window's end.
    pub(super) now: DateTime<Utc>,
    /// The window's start, `days` before `now`.
    pub(super) since: DateTime<Utc>,
    /// The business time zone, for the dates the commands print.
    pub(super) zone: Tz,
}

impl Window {
    /// Loads the context and finds the data source; the window is the last
    /// `days` days.
    pub(super) async fn open(
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
    pub(super) async fn read(
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
pub(super) struct LoggedChange {
    /// The page's title.
    pub(super) change_id: String,
    /// The sync key, which holds the UniFi site id when there is one.
    #[serde(skip)]
    pub(super) key: String,
    /// Site Name as written, possibly empty.
    pub(super) site_name: String,
    /// The Tool option, or empty.
    pub(super) tool: String,
    /// The Action option, or empty.
    pub(super) action: String,
    /// The Risk Level, unless the option is not one the log knows.
    #[serde(serialize_with = "risk_name")]
    pub(super) risk: Option<Risk>,
    /// What changed, in one line.
    pub(super) summary: String,
    /// When the change was made, unless the page has no readable Timestamp.
    #[serde(serialize_with = "optional_stamp")]
    pub(super) timestamp: Option<DateTime<Utc>>,
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
    pub(super) fn mark(&self) -> &'static str {
        self.risk.map_or("?", Risk::mark)
    }

    pub(super) fn site(&self) -> &str {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        parse_instant(text).unwrap()
    }

    #[test]
    fn a_site_is_matched_by_name_or_by_the_id_in_the_key() {
        let logged = LoggedChange {
            change_id: "manual:64f0c0ffee0000000000abcd:0a1b2c3d".into(),
            key: "manual:64f0c0ffee0000000000abcd:0a1b2c3d".into(),
            site_name: "Acme Dental".into(),
            tool: "manual".into(),
            action: "update".into(),
            risk: None,
            summary: "x".into(),
            timestamp: Some(at("2026-12-03T14:05:09Z")),
        };
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
