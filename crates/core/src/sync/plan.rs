//! The plan of a run: which rows to create, which owned properties of which rows to change,
//! which rows to retire, and which duplicates to trash. Computing it touches nothing; the
//! engine checks the guards on it and then applies it, or prints it for `--dry-run`.

use std::collections::{BTreeMap, HashSet};

use super::current::{CurrentRows, Duplicate};
use super::row::DesiredRow;
use super::spec::{DatasetSpec, Retirement};
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
    /// Absence counts to keep once the plan is applied: one past the limit for rows
    /// already retired, so that they are retired once and then left to people.
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
    let Some(retire) = &spec.retirement else {
        return sorted(plan);
    };
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
        // Retire once, when the absences reach the limit; later runs count on but leave
        // the row as people then keep it (a person may reopen a cleared alert's row).
        let after = retire.after_absences;
        let count = (before + 1).min(after + 1);
        if count < after {
            plan.waiting += 1;
        } else if count == after && !is_retired(retire, page) {
            plan.retirements.push(retirement(retire, key, page));
        }
        plan.absences.insert(key.to_owned(), count);
    }
    sorted(plan)
}

fn sorted(mut plan: Plan) -> Plan {
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
    let Some(retire) = &spec.retirement else {
        return changes;
    };
    let marker = retire.property;
    if let Some(reopened) = retire.reopened
        && !row.properties.contains_key(marker)
        && is_retired(retire, page)
    {
        changes.push(Change {
            property: marker.to_owned(),
            before: page.properties.get(marker).cloned(),
            after: PropertyValue::Select(Some(reopened.to_owned())),
        });
    }
    changes
}

fn retirement(retire: &Retirement, key: &str, page: &Page) -> Update {
    let marker = retire.property;
    Update {
        key: key.to_owned(),
        label: page.title().unwrap_or(key).to_owned(),
        page: page.id.clone(),
        changes: vec![Change {
            property: marker.to_owned(),
            before: page.properties.get(marker).cloned(),
            after: PropertyValue::Select(Some(retire.retired.to_owned())),
        }],
    }
}

fn is_retired(retire: &Retirement, page: &Page) -> bool {
    matches!(
        page.properties.get(retire.property),
        Some(PropertyValue::Select(Some(v)) | PropertyValue::Status(Some(v)))
            if v == retire.retired
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::config::Dataset;
    use crate::sync::row::SYNC_KEY;

    fn spec(reopened: Option<&'static str>, after: u32) -> DatasetSpec {
        DatasetSpec {
            dataset: Dataset::Alerts,
            retirement: Some(Retirement {
                property: "Status",
                retired: "resolved",
                reopened,
                after_absences: after,
            }),
            legacy_key: Some("Alert UID"),
            routine: &["Last Seen"],
            routine_retirements: false,
            optional: &[],
        }
    }

    fn page(n: u8, properties: &[(&str, PropertyValue)]) -> Page {
        Page {
            id: PageId::parse(&format!("{n:032x}")).unwrap(),
            created_time: Utc.with_ymd_and_hms(2026, 12, 1, 0, n.into(), 0).unwrap(),
            last_edited_time: Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap(),
            in_trash: false,
            properties: properties
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
            truncated: BTreeSet::new(),
        }
    }

    fn text(value: &str) -> PropertyValue {
        PropertyValue::RichText(value.to_owned())
    }

    fn select(value: &str) -> PropertyValue {
        PropertyValue::Select(Some(value.to_owned()))
    }

    fn everything(_: &str, _: &Page) -> bool {
        true
    }

    #[test]
    fn creates_updates_only_changed_properties_and_leaves_the_rest() {
        let spec = spec(None, 1);
        let current = CurrentRows::index(
            vec![
                page(1, &[(SYNC_KEY, text("a")), ("Severity", select("warning"))]),
                page(
                    2,
                    &[(SYNC_KEY, text("b")), ("Severity", select("critical"))],
                ),
            ],
            &spec,
        );
        let desired = vec![
            DesiredRow::new("a", "A").set("Severity", select("critical")),
            DesiredRow::new("b", "B").set("Severity", select("critical")),
            DesiredRow::new("c", "C").set("Severity", select("info")),
        ];
        let present = HashSet::from(["a".to_owned(), "b".to_owned(), "c".to_owned()]);
        let scope = Scope {
            present: &present,
            covers: &everything,
        };
        let plan = plan(&spec, desired, &current, &scope, &BTreeMap::new(), false);
        assert_eq!(plan.creates.len(), 1);
        assert_eq!(plan.updates.len(), 1);
        assert_eq!(plan.updates[0].changes.len(), 1, "only Severity changed");
        assert_eq!(plan.updates[0].changes[0].before, Some(select("warning")));
        assert_eq!(plan.unchanged, 1);
        assert_eq!(plan.writes(), 2);
    }

    #[test]
    fn gone_keys_wait_their_absences_then_retire_and_come_back_reopened() {
        let spec = spec(Some("new"), 3);
        let rows = |status: &str| {
            CurrentRows::index(
                vec![page(
                    1,
                    &[(SYNC_KEY, text("a")), ("Status", select(status))],
                )],
                &spec,
            )
        };
        let none = HashSet::new();
        let scope = Scope {
            present: &none,
            covers: &everything,
        };
        let first = plan(&spec, vec![], &rows("new"), &scope, &BTreeMap::new(), false);
        assert_eq!((first.waiting, first.retirements.len()), (1, 0));
        assert_eq!(first.absences["a"], 1);
        let third = plan(&spec, vec![], &rows("new"), &scope, &first_two(), false);
        assert_eq!(third.retirements.len(), 1);
        assert_eq!(third.retirements[0].changes[0].after, select("resolved"));
        assert_eq!(third.absences["a"], 3);

        let fourth = plan(&spec, vec![], &rows("new"), &scope, &third.absences, false);
        assert_eq!(
            fourth.writes(),
            0,
            "retired once; a person's later status stands"
        );
        assert_eq!(
            fourth.absences["a"], 4,
            "counted one past the limit, no further"
        );
        let fifth = plan(&spec, vec![], &rows("new"), &scope, &fourth.absences, false);
        assert_eq!(fifth.absences["a"], 4);

        let already = plan(
            &spec,
            vec![],
            &rows("resolved"),
            &scope,
            &first_two(),
            false,
        );
        assert_eq!(already.writes(), 0, "a row already resolved is not written");

        let back = plan(
            &spec,
            vec![DesiredRow::new("a", "A")],
            &rows("resolved"),
            &scope,
            &BTreeMap::new(),
            false,
        );
        assert_eq!(back.updates[0].changes[0].after, select("new"), "reopened");
    }

    fn first_two() -> BTreeMap<String, u32> {
        BTreeMap::from([("a".to_owned(), 2)])
    }

    #[test]
    fn rows_outside_the_scope_or_still_in_the_source_are_not_counted_absent() {
        let spec = spec(None, 1);
        let current = CurrentRows::index(
            vec![
                page(1, &[(SYNC_KEY, text("in-source"))]),
                page(2, &[(SYNC_KEY, text("outside"))]),
            ],
            &spec,
        );
        let present = HashSet::from(["in-source".to_owned()]);
        let covers = |key: &str, _: &Page| key != "outside";
        let scope = Scope {
            present: &present,
            covers: &covers,
        };
        let before = BTreeMap::from([("outside".to_owned(), 2)]);
        let plan = plan(&spec, vec![], &current, &scope, &before, false);
        assert!(plan.retirements.is_empty());
        assert_eq!(
            plan.absences, before,
            "a count outside the scope is kept as it was"
        );
    }

    #[test]
    fn legacy_rows_are_adopted_and_duplicates_keep_the_oldest_keyed_page() {
        let spec = spec(None, 1);
        let current = CurrentRows::index(
            vec![
                page(3, &[(SYNC_KEY, text("a"))]),
                page(1, &[("Alert UID", text("a"))]),
                page(2, &[(SYNC_KEY, text("a"))]),
                page(4, &[("Alert UID", text("legacy"))]),
                page(5, &[("Notes", text("someone's page"))]),
            ],
            &spec,
        );
        assert_eq!(current.len(), 2);
        assert_eq!(current.unkeyed(), 1);
        let kept = current.get("a").unwrap();
        assert_eq!(kept.id, PageId::parse(&format!("{:032x}", 2)).unwrap());
        assert_eq!(current.duplicates()[0].extra.len(), 2);
        let legacy = current.get("legacy").unwrap();
        let present = HashSet::from(["legacy".to_owned(), "a".to_owned()]);
        let scope = Scope {
            present: &present,
            covers: &everything,
        };
        let plan = plan(
            &spec,
            vec![DesiredRow::new("legacy", "L")],
            &current,
            &scope,
            &BTreeMap::new(),
            true,
        );
        assert_eq!(plan.updates[0].page, legacy.id);
        assert_eq!(
            plan.updates[0].changes[0].property, SYNC_KEY,
            "the Sync Key is written"
        );
        assert_eq!(
            plan.writes(),
            1 + 2,
            "the update and two duplicates to trash"
        );
    }
}
