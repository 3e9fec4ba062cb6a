//! The guards: checks that stop a run before it writes anything when the source looks wrong
//! or the plan is larger than a normal run's. Both say what they saw and how to proceed;
//! `--force` overrides both.
//!
//! - The source guard compares each count a dataset reports (UniFi sites, NinjaOne devices,
//!   active alerts) with the same count in the last good run.
//! - The change guard counts rows whose descriptive properties change, or that are retired,
//!   against the rows in Notion. Measurements (a dataset's routine properties) move every
//!   day and are not counted; a site list where every name changed at once is (the UniFi
//!   quirk that calls every single-site gateway `Default` would do exactly that).

use std::fmt;

use super::plan::Plan;
use super::spec::DatasetSpec;
use crate::config::GuardSettings;

/// A plan that changes fewer rows than this never trips the change guard: on a small
/// database one row is already a large share. (The earlier scripts' bulk-change rule used
/// the same number.)
pub const MIN_GUARDED_CHANGES: usize = 10;

/// Why a guard stopped the run.
#[derive(Debug, Clone, PartialEq)]
pub enum GuardTrip {
    /// The source returned implausibly few records.
    Source {
        /// What was counted (`UniFi sites`, `NinjaOne devices`).
        what: &'static str,
        /// Records now.
        now: u64,
        /// Records in the last good run.
        before: u64,
        /// The configured share.
        ratio: f64,
    },
    /// The plan changes or retires too many rows.
    Change {
        /// Rows whose owned properties change (beyond routine ones) or that are retired.
        changed: usize,
        /// Rows in Notion.
        existing: usize,
        /// The configured share.
        ratio: f64,
    },
}

impl fmt::Display for GuardTrip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GuardTrip::Source {
                what,
                now,
                before,
                ratio,
            } => write!(
                f,
                "guard: the source returned {now} {what}, fewer than {:.0} % of the {before} \
                 of the last good run; nothing was written\n\
                 hint: if the source is answering wrongly, wait and run again; if the drop is \
                 real, run once with --force (settings.guards.min_source_ratio sets the share)",
                ratio * 100.0
            ),
            GuardTrip::Change {
                changed,
                existing,
                ratio,
            } => write!(
                f,
                "guard: the plan changes or retires {changed} of {existing} rows, more than \
                 {:.0} %; nothing was written\n\
                 hint: check it with --dry-run, then run with --force if it is right \
                 (settings.guards.max_change_ratio sets the share)",
                ratio * 100.0
            ),
        }
    }
}

/// The source-count guard: `now` records against the last good run's `before`. A drop of
/// fewer than [`MIN_GUARDED_CHANGES`] records never trips it (3 active alerts falling to 0
/// is news, not a broken source).
pub fn check_source(
    what: &'static str,
    now: u64,
    before: Option<u64>,
    settings: &GuardSettings,
) -> Result<(), GuardTrip> {
    let ratio = settings.min_source_ratio;
    match before {
        Some(before)
            if (now as f64) < ratio * before as f64
                && before - now >= MIN_GUARDED_CHANGES as u64 =>
        {
            Err(GuardTrip::Source {
                what,
                now,
                before,
                ratio,
            })
        }
        _ => Ok(()),
    }
}

/// The change guard: rows the plan changes beyond `spec`'s routine properties, or retires,
/// against the rows in Notion.
pub fn check_changes(
    plan: &Plan,
    spec: &DatasetSpec,
    settings: &GuardSettings,
) -> Result<(), GuardTrip> {
    let changed = substantive_changes(plan, spec);
    let ratio = settings.max_change_ratio;
    let allowed = (ratio * plan.existing as f64).floor() as usize;
    if changed > allowed.max(MIN_GUARDED_CHANGES) {
        return Err(GuardTrip::Change {
            changed,
            existing: plan.existing,
            ratio,
        });
    }
    Ok(())
}

/// Updates that change more than routine properties, plus retirements.
pub fn substantive_changes(plan: &Plan, spec: &DatasetSpec) -> usize {
    let substantive = plan
        .updates
        .iter()
        .filter(|u| {
            u.changes
                .iter()
                .any(|c| !spec.routine.contains(&c.property.as_str()))
        })
        .count();
    let retirements = if spec.routine_retirements {
        0
    } else {
        plan.retirements.len()
    };
    substantive + retirements
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Dataset;
    use crate::notion::{PageId, PropertyValue};
    use crate::sync::plan::{Change, Update};
    use crate::sync::spec::Retirement;

    fn spec() -> DatasetSpec {
        DatasetSpec {
            dataset: Dataset::CustomerStatus,
            retirement: Some(Retirement {
                property: "Deployment Status",
                retired: "offboarding",
                reopened: None,
                after_absences: 3,
            }),
            legacy_key: None,
            routine: &["Health Score"],
            routine_retirements: false,
            optional: &[],
        }
    }

    fn update(property: &str) -> Update {
        Update {
            key: "k".into(),
            label: "k".into(),
            page: PageId::parse(&"1".repeat(32)).unwrap(),
            changes: vec![Change {
                property: property.into(),
                before: None,
                after: PropertyValue::Number(Some(1.0)),
            }],
        }
    }

    #[test]
    fn the_source_guard_needs_a_large_drop_against_a_good_run() {
        let settings = GuardSettings::default();
        assert!(check_source("UniFi sites", 0, None, &settings).is_ok());
        let trip = check_source("UniFi sites", 0, Some(98), &settings).unwrap_err();
        assert!(trip.to_string().contains("returned 0 UniFi sites"));
        assert!(check_source("UniFi sites", 60, Some(98), &settings).is_ok());
        assert!(
            check_source("alerts", 0, Some(9), &settings).is_ok(),
            "small drops pass"
        );
    }

    #[test]
    fn the_change_guard_ignores_routine_properties_and_small_plans() {
        let settings = GuardSettings::default();
        let mut plan = Plan {
            existing: 98,
            ..Plan::default()
        };
        plan.updates = (0..60).map(|_| update("Health Score")).collect();
        assert!(check_changes(&plan, &spec(), &settings).is_ok());
        plan.updates = (0..24).map(|_| update("Site Name")).collect();
        assert!(
            check_changes(&plan, &spec(), &settings).is_ok(),
            "24 of 98 is under 25 %"
        );
        plan.updates.push(update("State"));
        let trip = check_changes(&plan, &spec(), &settings).unwrap_err();
        assert!(trip.to_string().contains("25 of 98 rows"), "{trip}");
        plan.existing = 8;
        plan.updates.truncate(8);
        assert!(
            check_changes(&plan, &spec(), &settings).is_ok(),
            "under the floor of 10"
        );
    }
}
