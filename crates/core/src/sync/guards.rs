//! The guards: checks that stop a run before it writes anything when the source looks wrong
//! or the plan is larger than a normal run's. Both say what they saw and how to proceed;
//! `--force` overrides both.

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
