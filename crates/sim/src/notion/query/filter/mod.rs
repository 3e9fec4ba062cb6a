//! Query filters (NOTION.md section 6): property conditions by name or id, timestamp
//! conditions, and `and` / `or` groups nested at most two levels with at most 100 conditions
//! each. A filter is checked against the schema once ([`compile`], in `compile.rs`) and then
//! evaluated per row (here).
//!
//! Text comparisons: `equals` / `does_not_equal` are exact; `contains`, `starts_with`,
//! `ends_with` and their negations ignore case, as the Notion UI does. Dates compare by day
//! when the operand is a day and by instant when it is a date-time.

use std::cmp::Ordering;

use chrono::NaiveDate;
use serde_json::Value;

use crate::notion::store::Page;
use crate::notion::time::{self, DatePoint};
use crate::notion::values::rich_text;

/// Most conditions in one `and` / `or` group.
pub const MAX_CONDITIONS: usize = 100;
/// Deepest nesting of groups.
pub const MAX_DEPTH: usize = 2;

/// A compiled filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// Every part matches.
    And(Vec<Filter>),
    /// Some part matches.
    Or(Vec<Filter>),
    /// One condition.
    Condition(Subject, Test),
}

/// What a condition looks at.
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    /// A stored property value, read as `kind`.
    Property {
        /// Property id.
        id: String,
        /// How to read the stored value.
        kind: ValueKind,
    },
    /// The page's `created_time`.
    CreatedTime,
    /// The page's `last_edited_time`.
    LastEditedTime,
}

/// How a stored value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// Rich text array (title, rich text).
    RichText,
    /// String or null (url, email, phone number).
    Plain,
    /// Number or null.
    Number,
    /// Boolean.
    Checkbox,
    /// `{id, name, color}` or null (select, status).
    Choice,
    /// Array of `{id, name, color}`.
    Choices,
    /// Array of `{id}` (relation) or `{object, id}` (people).
    References,
    /// `{start, end, time_zone}` or null.
    Date,
}

/// A condition's test.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// `is_empty` (true) or `is_not_empty` (false).
    Empty(bool),
    /// A text operator and its operand.
    Text(TextOp, String),
    /// A number comparison.
    Number(Ordering, bool, f64),
    /// `equals` (true) or `does_not_equal` (false) a boolean.
    Checkbox(bool, bool),
    /// `equals` (true) or `does_not_equal` (false) an option name.
    Choice(bool, String),
    /// `contains` (true) or `does_not_contain` (false) an option name or an id.
    Contains(bool, String),
    /// A date comparison: the value's order against the operand must be one of these.
    Date(Vec<Ordering>, DatePoint),
    /// A relative date range (`past_week`, ...), both ends included.
    DateRange(NaiveDate, NaiveDate),
}

/// Text operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextOp {
    /// Exactly equal.
    Equals,
    /// Not exactly equal.
    DoesNotEqual,
    /// Contains, ignoring case.
    Contains,
    /// Does not contain, ignoring case.
    DoesNotContain,
    /// Starts with, ignoring case.
    StartsWith,
    /// Ends with, ignoring case.
    EndsWith,
}

mod compile;

pub use compile::compile;

impl Filter {
    /// A title or rich text `equals` condition every passing row must meet, as
    /// `(property id, text)`: the text index can then find the candidates.
    pub fn required_text(&self) -> Option<(&str, &str)> {
        match self {
            Self::Condition(
                Subject::Property {
                    id,
                    kind: ValueKind::RichText,
                },
                Test::Text(TextOp::Equals, text),
            ) if !text.is_empty() => Some((id, text)),
            Self::And(parts) => parts.iter().find_map(Filter::required_text),
            _ => None,
        }
    }

    /// Whether `page` passes.
    pub fn matches(&self, page: &Page) -> bool {
        match self {
            Self::And(parts) => parts.iter().all(|part| part.matches(page)),
            Self::Or(parts) => parts.iter().any(|part| part.matches(page)),
            Self::Condition(subject, test) => test.passes(subject, page),
        }
    }
}

impl Test {
    fn passes(&self, subject: &Subject, page: &Page) -> bool {
        let (value, kind) = match subject {
            Subject::Property { id, kind } => (page.values.get(id).unwrap_or(&Value::Null), *kind),
            Subject::CreatedTime => return self.on_stamp(&page.created_time),
            Subject::LastEditedTime => return self.on_stamp(&page.last_edited_time),
        };
        match self {
            Self::Empty(want_empty) => is_empty(value, kind) == *want_empty,
            Self::Text(op, operand) => text_passes(*op, &text_of(value, kind), operand),
            Self::Number(order, inclusive, operand) => {
                number_passes(value.as_f64(), *order, *inclusive, *operand)
            }
            Self::Checkbox(equals, operand) => (value.as_bool() == Some(*operand)) == *equals,
            Self::Choice(equals, name) => {
                (value.get("name").and_then(Value::as_str) == Some(name.as_str())) == *equals
            }
            Self::Contains(contains, operand) => {
                let key = if kind == ValueKind::Choices {
                    "name"
                } else {
                    "id"
                };
                let found = value.as_array().is_some_and(|items| {
                    items
                        .iter()
                        .any(|item| item.get(key).and_then(Value::as_str) == Some(operand.as_str()))
                });
                found == *contains
            }
            Self::Date(..) | Self::DateRange(..) => {
                date_start(value).is_some_and(|p| self.on_date(p))
            }
        }
    }

    fn on_stamp(&self, stamp: &str) -> bool {
        match self {
            Self::Empty(want_empty) => !want_empty,
            _ => time::parse_stamp(stamp).is_some_and(|t| self.on_date(DatePoint::Instant(t))),
        }
    }

    fn on_date(&self, point: DatePoint) -> bool {
        match self {
            Self::Date(orders, operand) => orders.contains(&point.compare_to(*operand)),
            Self::DateRange(first, last) => (*first..=*last).contains(&point.day()),
            _ => false,
        }
    }
}

fn is_empty(value: &Value, kind: ValueKind) -> bool {
    match kind {
        ValueKind::RichText => rich_text::plain_text(value).is_empty(),
        ValueKind::Choices | ValueKind::References => value.as_array().is_none_or(Vec::is_empty),
        ValueKind::Plain => value.as_str().is_none_or(str::is_empty),
        ValueKind::Checkbox => value.as_bool() != Some(true),
        _ => value.is_null(),
    }
}

fn text_of(value: &Value, kind: ValueKind) -> std::borrow::Cow<'_, str> {
    match kind {
        ValueKind::RichText => rich_text::plain_text(value),
        _ => std::borrow::Cow::Borrowed(value.as_str().unwrap_or("")),
    }
}

fn text_passes(op: TextOp, text: &str, operand: &str) -> bool {
    match op {
        TextOp::Equals => text == operand,
        TextOp::DoesNotEqual => text != operand,
        TextOp::Contains => contains_ignoring_case(text, operand),
        TextOp::DoesNotContain => !contains_ignoring_case(text, operand),
        TextOp::StartsWith => text.to_lowercase().starts_with(&operand.to_lowercase()),
        TextOp::EndsWith => text.to_lowercase().ends_with(&operand.to_lowercase()),
    }
}

fn contains_ignoring_case(text: &str, operand: &str) -> bool {
    if text.is_ascii() && operand.is_ascii() {
        let (haystack, needle) = (text.as_bytes(), operand.as_bytes());
        return needle.is_empty()
            || haystack
                .windows(needle.len())
                .any(|window| window.eq_ignore_ascii_case(needle));
    }
    text.to_lowercase().contains(&operand.to_lowercase())
}

fn number_passes(value: Option<f64>, order: Ordering, inclusive: bool, operand: f64) -> bool {
    let Some(value) = value else {
        // An empty number differs from every number and satisfies no comparison.
        return order == Ordering::Equal && !inclusive;
    };
    match (order, inclusive) {
        (Ordering::Equal, equals) => (value == operand) == equals,
        (wanted, inclusive) => {
            let actual = value.partial_cmp(&operand);
            actual == Some(wanted) || (inclusive && actual == Some(Ordering::Equal))
        }
    }
}

/// The start of a stored date value.
pub fn date_start(value: &Value) -> Option<DatePoint> {
    value
        .get("start")
        .and_then(Value::as_str)
        .and_then(DatePoint::parse)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::notion::DATABASES;
    use crate::notion::schema::Schema;
    use crate::notion::store::Workspace;

    fn schema() -> Schema {
        let workspace = Workspace::seeded(chrono::Utc::now());
        let source = workspace.data_source(DATABASES[0].data_source_id).unwrap();
        (*source.schema).clone()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
    }

    #[test]
    fn nesting_beyond_two_levels_is_refused() {
        let leaf = json!({ "property": "Device Count", "number": { "equals": 1 } });
        let ok = json!({ "and": [{ "or": [leaf.clone()] }] });
        assert!(compile(&ok, &schema(), today()).is_ok());
        let deep = json!({ "and": [{ "or": [{ "and": [leaf] }] }] });
        let err = compile(&deep, &schema(), today()).unwrap_err();
        assert!(
            err.message().contains("body.filter.and[0].or[0].and"),
            "{}",
            err.message()
        );
    }

    #[test]
    fn groups_hold_at_most_100_conditions() {
        let leaf = json!({ "property": "Device Count", "number": { "equals": 1 } });
        let many = json!({ "or": vec![leaf; 101] });
        let err = compile(&many, &schema(), today()).unwrap_err();
        assert_eq!(
            err.message(),
            "body failed validation: body.filter.or.length should be ≤ `100`, instead was `101`."
        );
    }

    #[test]
    fn unknown_properties_and_mismatched_types_are_refused() {
        let err = compile(
            &json!({ "property": "Nope", "rich_text": { "equals": "x" } }),
            &schema(),
            today(),
        )
        .unwrap_err();
        assert_eq!(
            err.message(),
            "Could not find property with name or id: Nope"
        );
        let err = compile(
            &json!({ "property": "State", "rich_text": { "equals": "x" } }),
            &schema(),
            today(),
        )
        .unwrap_err();
        assert_eq!(
            err.message(),
            "database property select does not match filter rich_text"
        );
    }

    #[test]
    fn empty_numbers_satisfy_no_comparison() {
        assert!(!number_passes(None, Ordering::Greater, false, 1.0));
        assert!(number_passes(None, Ordering::Equal, false, 1.0));
        assert!(number_passes(Some(2.0), Ordering::Greater, true, 2.0));
        assert!(!number_passes(Some(2.0), Ordering::Less, false, 2.0));
    }

    #[test]
    fn contains_ignores_case() {
        assert!(contains_ignoring_case("Acme Dental", "dent"));
        assert!(!contains_ignoring_case("Acme", "dent"));
        assert!(contains_ignoring_case("Ünïcode", "ÜNÏ"));
    }
}
