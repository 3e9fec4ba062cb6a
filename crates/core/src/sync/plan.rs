//! The plan of a run: which rows to create, which owned properties of which rows to change,
//! which rows to retire, and which duplicates to trash. Computing it touches nothing; the
//! engine checks the guards on it and then applies it, or prints it for `--dry-run`.

use std::collections::{BTreeMap, HashSet};

use super::current::{CurrentRows, Duplicate};
use super::row::DesiredRow;
use super::spec::DatasetSpec;
use crate::notion::{Page, PageId, PropertyValue};

/// One property a write changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Property name.
    pub property: String,
    /// Its value in Notion now (`None` when the page has no such property).
    pub before: Option<PropertyValue>,
    /// The value the write sets.
    pub after: PropertyValue,
}

/// A write to an existing page.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    /// The row's key.
    pub key: String,
    /// Its label for reports.
    pub label: String,
    /// The page.
    pub page: PageId,
    /// What changes.
    pub changes: Vec<Change>,
}

/// Everything a run would write.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// Rows to create.
    pub creates: Vec<DesiredRow>,
    /// Rows whose owned properties changed.
    pub updates: Vec<Update>,
    /// Rows whose key left the source long enough ago, to mark retired.
    pub retirements: Vec<Update>,
    /// Keys held by several pages; the extra pages are trashed only on a full sync.
    pub duplicates: Vec<Duplicate>,
    /// Whether the duplicates' extra pages are to be trashed.
    pub trash_duplicates: bool,
    /// Rows already as the source says.
    pub unchanged: usize,
    /// Keyed rows read from Notion.
    pub existing: usize,
    /// Rows whose key is missing from the source but not yet long enough to retire.
    pub waiting: usize,
    /// Absence counts to keep once the plan is applied.
    pub absences: BTreeMap<String, u32>,
}

impl Plan {
    /// Writes the plan holds.
    pub fn writes(&self) -> usize {
        let trashed = if self.trash_duplicates {
            self.duplicates.iter().map(|d| d.extra.len()).sum()
        } else {
            0
        };
        self.creates.len() + self.updates.len() + self.retirements.len() + trashed
    }
}

/// What the source knows beyond the rows this run writes.
pub struct Scope<'a> {
    /// Every key the source holds now, filters or not: a row whose key is here is not gone.
    pub present: &'a HashSet<String>,
    /// Whether a current row belongs to what this run looked at (`--site`, dates): rows
    /// outside it are neither retired nor counted absent.
    pub covers: &'a dyn Fn(&str, &Page) -> bool,
}

/// Compares `desired` with `current` under `spec`.
pub fn plan(
    spec: &DatasetSpec,
    desired: Vec<DesiredRow>,
    current: &CurrentRows,
    scope: &Scope<'_>,
    absences_before: &BTreeMap<String, u32>,
    full_sync: bool,
) -> Plan {
    let mut plan = Plan {
        existing: current.len(),
        duplicates: current.duplicates().to_vec(),
        trash_duplicates: full_sync,
        ..Plan::default()
    };
    let mut wanted = HashSet::with_capacity(desired.len());
    for row in desired {
        wanted.insert(row.key.clone());
        match current.get(&row.key) {
            None => plan.creates.push(row),
            Some(page) => {
                let changes = changes(spec, &row, page);
                if changes.is_empty() {
                    plan.unchanged += 1;
                } else {
                    plan.updates.push(Update {
                        key: row.key,
                        label: row.label,
                        page: page.id.clone(),
                        changes,
                    });
                }
            }
        }
    }
    for (key, page) in current.iter() {
        if wanted.contains(key) || scope.present.contains(key) {
            continue;
        }
        let before = absences_before.get(key).copied().unwrap_or(0);
        if !(scope.covers)(key, page) {
            if before > 0 {
                plan.absences.insert(key.to_owned(), before);
            }
            continue;
        }
        if is_retired(spec, page) {
            continue;
        }
        let count = before + 1;
        if count >= spec.retirement.after_absences {
            plan.retirements.push(retirement(spec, key, page));
        } else {
            plan.waiting += 1;
            plan.absences.insert(key.to_owned(), count);
        }
    }
    plan.creates.sort_by(|a, b| a.key.cmp(&b.key));
    plan.updates.sort_by(|a, b| a.key.cmp(&b.key));
    plan.retirements.sort_by(|a, b| a.key.cmp(&b.key));
    plan
}

/// The owned properties of `row` that differ from `page`, plus a reopening when the row was
/// retired and its retirement property is not owned.
fn changes(spec: &DatasetSpec, row: &DesiredRow, page: &Page) -> Vec<Change> {
    let mut changes: Vec<Change> = row
        .properties
        .iter()
        .filter(|(name, value)| match page.properties.get(*name) {
            Some(current) => !value.same_as(current),
            None => !is_blank(value),
        })
        .map(|(name, value)| Change {
            property: name.clone(),
            before: page.properties.get(name).cloned(),
            after: value.clone(),
        })
        .collect();
    let marker = spec.retirement.property;
    if let Some(reopened) = spec.retirement.reopened
        && !row.properties.contains_key(marker)
        && is_retired(spec, page)
    {
        changes.push(Change {
            property: marker.to_owned(),
            before: page.properties.get(marker).cloned(),
            after: PropertyValue::Select(Some(reopened.to_owned())),
        });
    }
    changes
}

fn retirement(spec: &DatasetSpec, key: &str, page: &Page) -> Update {
    let marker = spec.retirement.property;
    Update {
        key: key.to_owned(),
        label: page.title().unwrap_or(key).to_owned(),
        page: page.id.clone(),
        changes: vec![Change {
            property: marker.to_owned(),
            before: page.properties.get(marker).cloned(),
            after: PropertyValue::Select(Some(spec.retirement.retired.to_owned())),
        }],
    }
}

fn is_retired(spec: &DatasetSpec, page: &Page) -> bool {
    matches!(
        page.properties.get(spec.retirement.property),
        Some(PropertyValue::Select(Some(v)) | PropertyValue::Status(Some(v)))
            if v == spec.retirement.retired
    )
}

/// Whether writing `value` to a page that lacks the property would show nothing.
fn is_blank(value: &PropertyValue) -> bool {
    match value {
        PropertyValue::Title(t) | PropertyValue::RichText(t) => t.is_empty(),
        PropertyValue::Number(n) => n.is_none(),
        PropertyValue::Select(o) | PropertyValue::Status(o) | PropertyValue::Url(o) => {
            o.as_deref().is_none_or(str::is_empty)
        }
        PropertyValue::MultiSelect(v) => v.is_empty(),
        PropertyValue::Relation(v) => v.is_empty(),
        PropertyValue::Date(d) => d.is_none(),
        PropertyValue::Checkbox(on) => !on,
        PropertyValue::Other(_) => true,
    }
}
