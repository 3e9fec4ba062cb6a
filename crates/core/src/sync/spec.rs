//! [`DatasetSpec`]: what the engine needs to know about a dataset beyond its rows: how a row
//! whose key left the source is retired (and brought back), which key older tools wrote, and
//! which properties change on every run by design.

use crate::config::Dataset;

/// How rows whose key is gone from the source are marked. They are never deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retirement {
    /// The select property that says so (`Deployment Status`, `Status`).
    pub property: &'static str,
    /// Its value on a retired row (`offboarding`, `resolved`).
    pub retired: &'static str,
    /// The value written when a retired row's key returns, when the property is not owned
    /// otherwise (an alert that returns is reopened as `new`).
    pub reopened: Option<&'static str>,
    /// Consecutive runs a key must be missing before its row is retired.
    pub after_absences: u32,
}

/// A dataset as the engine sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetSpec {
    /// Which dataset.
    pub dataset: Dataset,
    /// How its rows are retired; `None` for datasets whose rows stay as history when the
    /// source moves on (daily rows, the change log).
    pub retirement: Option<Retirement>,
    /// A rich text property that held the key before `Sync Key` existed (`Customer ID`,
    /// `Alert UID`): a row without a `Sync Key` is adopted by it instead of duplicated.
    pub legacy_key: Option<&'static str>,
    /// Properties that follow live measurements and move in normal runs (`Health Score`,
    /// `Last Health Check`, `Last Seen`): an update of only these does not count towards
    /// the change guard, which watches descriptive data (names, states, contracts) and
    /// retirements, where a mass change means a broken source or a mistake.
    pub routine: &'static [&'static str],
    /// Whether retirements are the dataset's daily business (alerts clear all the time) and
    /// do not count towards the change guard; its source guard must then cover an empty
    /// answer.
    pub routine_retirements: bool,
    /// Properties the dataset writes only where the database has them (columns added after
    /// the earlier scripts' schema); the engine reads the schema and leaves out the others.
    pub optional: &'static [&'static str],
}
