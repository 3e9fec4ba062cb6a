//! `config-change-sync recent|report`: what the two commands print.
//!
//! Owns the earlier text formats (`shared/api/ORIGINAL_SYSTEM.md` section 6.3)
//! and the report's JSON object: counts by risk, tool and site, and the lines
//! listed per site. Reading the changes lives in the sibling `listing` module.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::json;

use super::listing::LoggedChange;
use super::{first_chars, local_date, stamp};
use crate::model::config_changes::Risk;

/// Lines per site in `report`.
const REPORT_LINES_PER_SITE: usize = 5;

/// The earlier `recent` listing (section 6.3), dates in the business time zone.
pub(super) fn recent_text(days: u32, changes: &[LoggedChange], zone: Tz) -> String {
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
pub(super) struct Period<'a> {
    /// How many days back it looks (`--days`).
    pub(super) days: u32,
    /// The period's start.
    pub(super) since: DateTime<Utc>,
    /// When the report was made: the period's end.
    pub(super) generated: DateTime<Utc>,
    /// The business time zone, for the dates printed.
    pub(super) zone: Tz,
    /// The site asked for (`--site`), if any.
    pub(super) site: Option<&'a str>,
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
pub(super) fn report_text(period: &Period<'_>, changes: &[LoggedChange]) -> String {
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
pub(super) fn report_json(period: &Period<'_>, changes: &[LoggedChange]) -> serde_json::Value {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
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
}
