//! The run report: what a run did, as a table for people (stdout) or one JSON object for
//! programs (`--json`), and the dry run's plan with field-level before and after values.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::apply::RowFailure;
use super::plan::{Plan, Update};
use crate::http::Counters;

/// A site (or row) that needs a person's look, with why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewItem {
    /// Its key.
    pub key: String,
    /// Its label.
    pub label: String,
    /// Its health score.
    pub score: u8,
    /// Why, in the earlier scripts' words.
    pub reasons: Vec<String>,
}

/// Rows by what happened to them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct RowCounts {
    /// Rows the sources want written (after `--site` and date filters).
    pub source: u64,
    /// Pages created.
    pub created: usize,
    /// Pages updated.
    pub updated: usize,
    /// Pages already right.
    pub unchanged: usize,
    /// Pages retired.
    pub retired: usize,
    /// Writes that failed.
    pub failed: usize,
    /// Writes not started because the run stopped.
    pub skipped: usize,
    /// Keys held by more than one page.
    pub duplicates: usize,
    /// Duplicate pages trashed (full sync).
    pub trashed: usize,
    /// Rows whose key is missing from the source, not yet retired.
    pub waiting: usize,
    /// Rows needing review.
    pub review: usize,
}

/// Requests per API.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ApiCalls {
    /// Notion requests (retries included).
    pub notion: u64,
    /// UniFi requests.
    pub unifi: u64,
    /// NinjaOne requests (token requests included).
    pub ninjaone: u64,
    /// Notion answers that were 429 or 529.
    pub notion_throttled: u64,
}

impl ApiCalls {
    /// The calls counted by three clients.
    pub fn from_counters(notion: Counters, unifi: Counters, ninjaone: Counters) -> Self {
        Self {
            notion: notion.calls,
            unifi: unifi.calls,
            ninjaone: ninjaone.calls,
            notion_throttled: notion.throttled,
        }
    }
}

/// What one run did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunReport {
    /// The binary that ran (`customer-status-sync`).
    pub command: String,
    /// The dataset key.
    pub dataset: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// Whether it was a dry run.
    pub dry_run: bool,
    /// How it ended (`success`, `partial`, `unavailable`, ...).
    pub outcome: String,
    /// The process exit code.
    pub exit_code: u8,
    /// Rows by what happened.
    pub counts: RowCounts,
    /// Requests per API.
    pub api_calls: ApiCalls,
    /// Wall time.
    pub duration_secs: f64,
    /// Rows needing review.
    pub review: Vec<ReviewItem>,
    /// Writes that failed.
    pub failures: Vec<RowFailure>,
    /// What the operator should know (unmatched sites, columns left alone, duplicates).
    pub notes: Vec<String>,
    /// The failure that ended the run early, whole.
    pub error: Option<String>,
    /// The plan, on a dry run.
    pub plan: Option<Value>,
    /// What the source guard counted, unfiltered.
    pub guard_counts: Vec<(&'static str, u64)>,
    /// The process's peak resident memory so far, in MB (Linux only).
    pub peak_rss_mb: Option<f64>,
}

/// The process's peak resident set size in MB, from `VmHWM` in `/proc/self/status`; `None`
/// where there is no such file.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some((kb / 1024.0 * 10.0).round() / 10.0)
}

impl RunReport {
    /// The report as a table and lists, for stdout.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let heading = if self.dry_run {
            format!("{} (dry run: nothing written)", self.command)
        } else {
            self.command.clone()
        };
        let _ = writeln!(out, "{heading}: {} (exit {})", self.outcome, self.exit_code);
        let c = &self.counts;
        let verb = |done: &str, would: &str| if self.dry_run { would } else { done }.to_owned();
        let rows: Vec<(String, String)> = vec![
            ("source rows".into(), c.source.to_string()),
            (verb("created", "to create"), c.created.to_string()),
            (verb("updated", "to update"), c.updated.to_string()),
            ("unchanged".into(), c.unchanged.to_string()),
            (verb("retired", "to retire"), c.retired.to_string()),
            ("failed".into(), c.failed.to_string()),
            ("review needed".into(), c.review.to_string()),
            (
                "API calls".into(),
                format!(
                    "notion {}, unifi {}, ninjaone {}",
                    self.api_calls.notion, self.api_calls.unifi, self.api_calls.ninjaone
                ),
            ),
            ("duration".into(), format!("{:.1} s", self.duration_secs)),
        ];
        for (name, value) in rows {
            let _ = writeln!(out, "  {name:<16}{value:>8}");
        }
        if c.skipped > 0 {
            let _ = writeln!(out, "  {:<16}{:>8}", "not attempted", c.skipped);
        }
        if !self.review.is_empty() {
            let _ = writeln!(out, "\nNeeding review ({}):", self.review.len());
            for item in &self.review {
                let _ = writeln!(
                    out,
                    "  • {}: score {} ({})",
                    item.label,
                    item.score,
                    item.reasons.join("; ")
                );
            }
        }
        if !self.failures.is_empty() {
            let _ = writeln!(out, "\nFailed ({}):", self.failures.len());
            for failure in &self.failures {
                let _ = writeln!(
                    out,
                    "  ✗ {} {} [{}]: {}",
                    failure.action, failure.label, failure.key, failure.error
                );
            }
        }
        if !self.notes.is_empty() {
            let _ = writeln!(out, "\nNotes:");
            for note in &self.notes {
                let _ = writeln!(out, "  - {note}");
            }
        }
        out
    }

    /// The report as one JSON object.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// The plan, field by field, for a dry run's stdout.
pub fn plan_text(plan: &Plan) -> String {
    let mut out = String::new();
    if plan.writes() == 0 {
        out.push_str("Plan: nothing to write.\n");
        return out;
    }
    let _ = writeln!(out, "Plan ({} writes):", plan.writes());
    for row in &plan.creates {
        let _ = writeln!(out, "  create  {} [{}]", row.label, row.key);
        for (name, value) in row.create_properties() {
            let _ = writeln!(out, "      {name:<24} → {}", quoted(&value.display()));
        }
    }
    for (action, updates) in [("update", &plan.updates), ("retire", &plan.retirements)] {
        for update in updates {
            write_update(&mut out, action, update);
        }
    }
    if plan.trash_duplicates {
        for duplicate in &plan.duplicates {
            for page in &duplicate.extra {
                let _ = writeln!(
                    out,
                    "  trash   duplicate of [{}]: page {page} (kept {})",
                    duplicate.key, duplicate.kept
                );
            }
        }
    }
    out
}

fn write_update(out: &mut String, action: &str, update: &Update) {
    let _ = writeln!(out, "  {action:<7} {} [{}]", update.label, update.key);
    for change in &update.changes {
        let before = change
            .before
            .as_ref()
            .map_or_else(|| "(no such property)".to_owned(), |v| quoted(&v.display()));
        let _ = writeln!(
            out,
            "      {:<24} {before} → {}",
            change.property,
            quoted(&change.after.display())
        );
    }
}

fn quoted(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX).collect();
        format!("\"{cut}…\"")
    } else {
        format!("\"{text}\"")
    }
}

/// The plan as JSON, field by field.
pub fn plan_json(plan: &Plan) -> Value {
    let creates: Vec<Value> = plan
        .creates
        .iter()
        .map(|row| {
            let properties: Map<String, Value> = row
                .create_properties()
                .map(|(name, value)| (name.to_owned(), json!(value.display())))
                .collect();
            json!({ "key": row.key, "label": row.label, "properties": properties })
        })
        .collect();
    let updates = |updates: &[Update]| -> Vec<Value> {
        updates
            .iter()
            .map(|u| {
                let changes: Vec<Value> = u
                    .changes
                    .iter()
                    .map(|c| {
                        json!({
                            "property": c.property,
                            "before": c.before.as_ref().map(|v| v.display()),
                            "after": c.after.display(),
                        })
                    })
                    .collect();
                json!({ "key": u.key, "label": u.label, "page": u.page.as_str(),
                        "changes": changes })
            })
            .collect()
    };
    let duplicates: Vec<Value> = plan
        .duplicates
        .iter()
        .map(|d| {
            let extra: Vec<&str> = d.extra.iter().map(|p| p.as_str()).collect();
            json!({ "key": d.key, "kept": d.kept.as_str(), "extra": extra })
        })
        .collect();
    json!({
        "creates": creates,
        "updates": updates(&plan.updates),
        "retirements": updates(&plan.retirements),
        "duplicates": duplicates,
        "trash_duplicates": plan.trash_duplicates,
    })
}
