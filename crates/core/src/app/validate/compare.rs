//! Comparing a database's rows with the keys the sources give, and printing the result.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::expected::Expected;
use crate::config::Dataset;
use crate::exit::Outcome;
use crate::notion::Page;
use crate::sync::SYNC_KEY;

/// How many keys of each kind the table lists.
const LISTED: usize = 5;

/// What validating one database found.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The database.
    pub dataset: Dataset,
    /// Keys the sources give.
    pub source_count: usize,
    /// Rows compared (history rows and rows of other days left out).
    pub notion_count: usize,
    /// Keys no row holds.
    pub missing: Vec<String>,
    /// Keys of rows the sources do not give.
    pub extra: Vec<String>,
    /// Keys more than one row holds.
    pub duplicated: Vec<String>,
    /// Rows without a Sync Key (not written by this toolkit), left out.
    pub unkeyed: usize,
    /// The days compared (Daily Health).
    pub window: Option<(NaiveDate, NaiveDate)>,
    /// Why it could not be validated, with the outcome that stands for it.
    pub error: Option<(Outcome, String)>,
    /// Why it was not validated at all.
    pub skipped: Option<String>,
}

impl Finding {
    fn empty(dataset: Dataset) -> Self {
        Self {
            dataset,
            source_count: 0,
            notion_count: 0,
            missing: Vec::new(),
            extra: Vec::new(),
            duplicated: Vec::new(),
            unkeyed: 0,
            window: None,
            error: None,
            skipped: None,
        }
    }

    /// A database not validated, with why.
    pub fn skipped(dataset: Dataset, why: &str) -> Self {
        Self {
            skipped: Some(why.to_owned()),
            ..Self::empty(dataset)
        }
    }

    /// A database that could not be read.
    pub fn failed(dataset: Dataset, outcome: Outcome, message: String) -> Self {
        Self {
            error: Some((outcome, message)),
            ..Self::empty(dataset)
        }
    }

    /// Whether Notion matches the sources.
    pub fn matches(&self) -> bool {
        self.error.is_none()
            && self.missing.is_empty()
            && self.extra.is_empty()
            && self.duplicated.is_empty()
    }

    /// The exit outcome this finding stands for.
    pub fn outcome(&self) -> Outcome {
        match (&self.error, &self.skipped) {
            (Some((outcome, _)), _) => *outcome,
            (None, Some(_)) => Outcome::Success,
            (None, None) if self.matches() => Outcome::Success,
            (None, None) => Outcome::Mismatch,
        }
    }

    /// The JSON object of `--json`.
    pub fn to_json(&self) -> Value {
        json!({
            "ok": self.outcome() == Outcome::Success,
            "source_count": self.source_count,
            "notion_count": self.notion_count,
            "missing": self.missing,
            "extra": self.extra,
            "duplicated": self.duplicated,
            "unkeyed": self.unkeyed,
            "window": self.window.map(|(a, b)| json!({ "first": a, "last": b })),
            "error": self.error.as_ref().map(|(_, m)| m),
            "skipped": self.skipped,
        })
    }
}

/// Compares `pages` with `expected`.
pub fn compare(dataset: Dataset, expected: &Expected, pages: &[Page]) -> Finding {
    let mut finding = Finding::empty(dataset);
    finding.window = expected.window;
    finding.source_count = expected.keys.len();
    let mut held: BTreeMap<&str, usize> = BTreeMap::new();
    for page in pages {
        let Some(key) = page.text(SYNC_KEY).filter(|k| !k.is_empty()) else {
            finding.unkeyed += 1;
            continue;
        };
        if (expected.counts)(expected, page) {
            *held.entry(key).or_default() += 1;
            finding.notion_count += 1;
        }
    }
    finding.missing = expected
        .keys
        .iter()
        .filter(|k| !held.contains_key(k.as_str()))
        .cloned()
        .collect();
    finding.extra = held
        .keys()
        .filter(|k| !expected.keys.contains(**k))
        .map(|k| (*k).to_owned())
        .collect();
    finding.duplicated = held
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(k, _)| (*k).to_owned())
        .collect();
    finding
}

/// The table printed without `--json`, with the first keys of each kind.
pub fn table(findings: &[Finding]) -> String {
    let mut out = String::from("Data validation (sources against Notion)\n");
    let _ = writeln!(
        out,
        "{:<16} {:>7} {:>7} {:>8} {:>6} {:>11}  status",
        "database", "source", "notion", "missing", "extra", "duplicated"
    );
    for f in findings {
        let status = match (&f.error, &f.skipped) {
            (Some((outcome, _)), _) => outcome.name().to_owned(),
            (None, Some(why)) => format!("skipped: {why}"),
            (None, None) if f.matches() => "ok".to_owned(),
            (None, None) => "MISMATCH".to_owned(),
        };
        let _ = writeln!(
            out,
            "{:<16} {:>7} {:>7} {:>8} {:>6} {:>11}  {status}",
            f.dataset.key(),
            f.source_count,
            f.notion_count,
            f.missing.len(),
            f.extra.len(),
            f.duplicated.len()
        );
    }
    for f in findings {
        details(&mut out, f);
    }
    out
}

fn details(out: &mut String, f: &Finding) {
    let name = f.dataset.key();
    if let Some((_, message)) = &f.error {
        let _ = writeln!(out, "\n{name}: could not be validated: {message}");
        return;
    }
    if let Some((first, last)) = f.window {
        let _ = writeln!(out, "\n{name}: days {first}..{last} compared");
    }
    for (what, keys) in [
        ("missing", &f.missing),
        ("extra", &f.extra),
        ("duplicated", &f.duplicated),
    ] {
        if keys.is_empty() {
            continue;
        }
        let shown: Vec<&str> = keys.iter().take(LISTED).map(String::as_str).collect();
        let more = keys.len().saturating_sub(LISTED);
        let tail = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        let _ = writeln!(out, "{name}: {what}: {}{tail}", shown.join(", "));
    }
    if !f.matches() && f.error.is_none() {
        let _ = writeln!(out, "{}", fix(f));
    }
    if f.unkeyed > 0 {
        let _ = writeln!(
            out,
            "{name}: {} page(s) without a Sync Key were left out",
            f.unkeyed
        );
    }
}

/// How to bring a database back in line.
fn fix(f: &Finding) -> String {
    let command = match f.dataset {
        Dataset::CustomerStatus => "customer-status-sync",
        Dataset::DailyHealth => "daily-health-sync",
        Dataset::ConfigChanges => "config-change-sync",
        Dataset::Alerts => "alert-sync",
    };
    let mut hints = Vec::new();
    if !f.missing.is_empty() || !f.extra.is_empty() {
        hints.push(format!(
            "run `{command} --full-sync` to write what is missing"
        ));
    }
    if !f.duplicated.is_empty() {
        hints.push(format!(
            "`{command} --full-sync` also moves duplicate pages to the trash"
        ));
    }
    format!("hint: {}", hints.join("; "))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::notion::{PageId, PropertyValue};

    fn page(key: Option<&str>, n: u8) -> Page {
        let mut properties = BTreeMap::new();
        if let Some(key) = key {
            properties.insert(SYNC_KEY.to_owned(), PropertyValue::RichText(key.to_owned()));
        }
        Page {
            id: PageId::parse(&format!("00000000-0000-4000-8000-0000000000{n:02}")).unwrap(),
            created_time: chrono::Utc::now(),
            last_edited_time: chrono::Utc::now(),
            in_trash: false,
            properties,
            truncated: BTreeSet::new(),
        }
    }

    #[test]
    fn missing_extra_and_duplicated_keys_are_found() {
        let expected = Expected {
            keys: BTreeSet::from(["a".to_owned(), "b".to_owned(), "c".to_owned()]),
            counts: |_, _| true,
            window: None,
        };
        let pages = [
            page(Some("a"), 1),
            page(Some("a"), 2),
            page(Some("b"), 3),
            page(Some("x"), 4),
            page(None, 5),
        ];
        let f = compare(Dataset::Alerts, &expected, &pages);
        assert_eq!(f.missing, vec!["c"]);
        assert_eq!(f.extra, vec!["x"]);
        assert_eq!(f.duplicated, vec!["a"]);
        assert_eq!((f.source_count, f.notion_count, f.unkeyed), (3, 4, 1));
        assert_eq!(f.outcome(), Outcome::Mismatch);
        assert!(table(&[f]).contains("MISMATCH"));
        let clean = compare(Dataset::Alerts, &expected, &pages[1..=2]);
        assert_eq!(clean.missing, vec!["c"]);
    }
}
