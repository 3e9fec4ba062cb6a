//! Query filters (NOTION.md section 6): property conditions by name or id, timestamp
//! conditions, and `and` / `or` groups nested at most two levels with at most 100 conditions
//! each. A filter is checked against the schema once ([`compile`]) and then evaluated per row.
//!
//! Text comparisons: `equals` / `does_not_equal` are exact; `contains`, `starts_with`,
//! `ends_with` and their negations ignore case, as the Notion UI does. Dates compare by day
//! when the operand is a day and by instant when it is a date-time.

use std::cmp::Ordering;

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::notion::body;
use crate::notion::errors::{NotionError, Outcome};
use crate::notion::ids;
use crate::notion::schema::update::unknown_property;
use crate::notion::schema::{PropertyConfig, Schema};
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

/// Checks a request's `filter` against `schema`. `today` anchors relative date filters.
pub fn compile(filter: &Value, schema: &Schema, today: NaiveDate) -> Outcome<Filter> {
    Compiler { schema, today }.filter(filter, "body.filter", 0)
}

struct Compiler<'a> {
    schema: &'a Schema,
    today: NaiveDate,
}

impl Compiler<'_> {
    fn filter(&self, value: &Value, path: &str, depth: usize) -> Outcome<Filter> {
        let fields = body::object(value, path)?;
        for group in ["and", "or"] {
            if let Some(parts) = fields.get(group) {
                return self.group(group, parts, fields, path, depth);
            }
        }
        if fields.contains_key("timestamp") {
            return self.timestamp(fields, path);
        }
        if fields.contains_key("property") {
            return self.property(fields, path);
        }
        Err(NotionError::validation(
            crate::notion::errors::undefined_message(&body::member(path, "property")),
        ))
    }

    fn group(
        &self,
        group: &str,
        parts: &Value,
        fields: &Map<String, Value>,
        path: &str,
        depth: usize,
    ) -> Outcome<Filter> {
        body::only_keys(fields, &[group], path)?;
        let group_path = body::member(path, group);
        if depth >= MAX_DEPTH {
            return Err(body::invalid(
                parts,
                &group_path,
                "should be not present (filters nest at most two levels)",
            ));
        }
        let items = body::array(parts, &group_path, MAX_CONDITIONS)?;
        let compiled = items
            .iter()
            .enumerate()
            .map(|(index, item)| self.filter(item, &body::item(&group_path, index), depth + 1))
            .collect::<Outcome<Vec<_>>>()?;
        Ok(if group == "and" {
            Filter::And(compiled)
        } else {
            Filter::Or(compiled)
        })
    }

    fn timestamp(&self, fields: &Map<String, Value>, path: &str) -> Outcome<Filter> {
        let kind_value = &fields["timestamp"];
        let kind = body::string(kind_value, &body::member(path, "timestamp"))?;
        let subject = match kind {
            "created_time" => Subject::CreatedTime,
            "last_edited_time" => Subject::LastEditedTime,
            _ => {
                return Err(body::invalid(
                    kind_value,
                    &body::member(path, "timestamp"),
                    "should be `\"created_time\"` or `\"last_edited_time\"`",
                ));
            }
        };
        body::only_keys(fields, &["timestamp", kind, "type"], path)?;
        let operators = body::required(fields, kind, path)?;
        let test = self.date_test(operators, &body::member(path, kind))?;
        Ok(Filter::Condition(subject, test))
    }

    fn property(&self, fields: &Map<String, Value>, path: &str) -> Outcome<Filter> {
        let key_value = &fields["property"];
        let key = body::string(key_value, &body::member(path, "property"))?;
        let property = self.schema.find(key).ok_or_else(|| unknown_property(key))?;
        let filter_kind = fields
            .keys()
            .find(|k| k.as_str() != "property" && k.as_str() != "type")
            .ok_or_else(|| {
                NotionError::validation(crate::notion::errors::undefined_message(&body::member(
                    path,
                    property.config.type_name(),
                )))
            })?;
        body::only_keys(fields, &["property", "type", filter_kind], path)?;
        let property_kind = property.config.type_name();
        if !compatible(property_kind, filter_kind) {
            return Err(NotionError::validation(format!(
                "database property {property_kind} does not match filter {filter_kind}"
            )));
        }
        let operators = &fields[filter_kind.as_str()];
        let op_path = body::member(path, filter_kind);
        let subject = |kind| Subject::Property {
            id: property.id.clone(),
            kind,
        };
        let (subject, test) = match &property.config {
            PropertyConfig::Title | PropertyConfig::RichText => (
                subject(ValueKind::RichText),
                self.text_test(operators, &op_path)?,
            ),
            PropertyConfig::Url | PropertyConfig::Email | PropertyConfig::PhoneNumber => (
                subject(ValueKind::Plain),
                self.text_test(operators, &op_path)?,
            ),
            PropertyConfig::Number { .. } => (
                subject(ValueKind::Number),
                self.number_test(operators, &op_path)?,
            ),
            PropertyConfig::Checkbox => (
                subject(ValueKind::Checkbox),
                self.checkbox_test(operators, &op_path)?,
            ),
            PropertyConfig::Select { .. } | PropertyConfig::Status { .. } => (
                subject(ValueKind::Choice),
                self.choice_test(operators, &op_path)?,
            ),
            PropertyConfig::MultiSelect { .. } => (
                subject(ValueKind::Choices),
                self.contains_test(operators, &op_path, false)?,
            ),
            PropertyConfig::Relation { .. } | PropertyConfig::People => (
                subject(ValueKind::References),
                self.contains_test(operators, &op_path, true)?,
            ),
            PropertyConfig::Date => (
                subject(ValueKind::Date),
                self.date_test(operators, &op_path)?,
            ),
            PropertyConfig::CreatedTime => {
                (Subject::CreatedTime, self.date_test(operators, &op_path)?)
            }
            PropertyConfig::LastEditedTime => (
                Subject::LastEditedTime,
                self.date_test(operators, &op_path)?,
            ),
        };
        Ok(Filter::Condition(subject, test))
    }

    /// The one operator of a condition, and its operand.
    fn operator<'v>(
        &self,
        operators: &'v Value,
        path: &str,
        allowed: &[&str],
    ) -> Outcome<(&'v str, &'v Value, String)> {
        let fields = body::object(operators, path)?;
        body::only_keys(fields, allowed, path)?;
        let mut entries = fields.iter();
        let (Some((name, operand)), None) = (entries.next(), entries.next()) else {
            return Err(body::invalid(
                operators,
                path,
                "should have exactly one operator",
            ));
        };
        let operand_path = body::member(path, name);
        if (name == "is_empty" || name == "is_not_empty") && operand != &Value::Bool(true) {
            return Err(body::invalid(operand, &operand_path, "should be `true`"));
        }
        Ok((name.as_str(), operand, operand_path))
    }

    fn text_test(&self, operators: &Value, path: &str) -> Outcome<Test> {
        let allowed = [
            "equals",
            "does_not_equal",
            "contains",
            "does_not_contain",
            "starts_with",
            "ends_with",
            "is_empty",
            "is_not_empty",
        ];
        let (name, operand, operand_path) = self.operator(operators, path, &allowed)?;
        let op = match name {
            "is_empty" => return Ok(Test::Empty(true)),
            "is_not_empty" => return Ok(Test::Empty(false)),
            "equals" => TextOp::Equals,
            "does_not_equal" => TextOp::DoesNotEqual,
            "contains" => TextOp::Contains,
            "does_not_contain" => TextOp::DoesNotContain,
            "starts_with" => TextOp::StartsWith,
            _ => TextOp::EndsWith,
        };
        let text = body::string(operand, &operand_path)?;
        Ok(Test::Text(op, text.to_owned()))
    }

    fn number_test(&self, operators: &Value, path: &str) -> Outcome<Test> {
        let allowed = [
            "equals",
            "does_not_equal",
            "greater_than",
            "less_than",
            "greater_than_or_equal_to",
            "less_than_or_equal_to",
            "is_empty",
            "is_not_empty",
        ];
        let (name, operand, operand_path) = self.operator(operators, path, &allowed)?;
        let (order, inclusive) = match name {
            "is_empty" => return Ok(Test::Empty(true)),
            "is_not_empty" => return Ok(Test::Empty(false)),
            "equals" => (Ordering::Equal, true),
            "does_not_equal" => (Ordering::Equal, false),
            "greater_than" => (Ordering::Greater, false),
            "greater_than_or_equal_to" => (Ordering::Greater, true),
            "less_than" => (Ordering::Less, false),
            _ => (Ordering::Less, true),
        };
        let number = operand
            .as_f64()
            .ok_or_else(|| body::invalid(operand, &operand_path, "should be a number"))?;
        Ok(Test::Number(order, inclusive, number))
    }

    fn checkbox_test(&self, operators: &Value, path: &str) -> Outcome<Test> {
        let (name, operand, operand_path) =
            self.operator(operators, path, &["equals", "does_not_equal"])?;
        let value = body::boolean(operand, &operand_path)?;
        Ok(Test::Checkbox(name == "equals", value))
    }

    fn choice_test(&self, operators: &Value, path: &str) -> Outcome<Test> {
        let allowed = ["equals", "does_not_equal", "is_empty", "is_not_empty"];
        let (name, operand, operand_path) = self.operator(operators, path, &allowed)?;
        match name {
            "is_empty" => Ok(Test::Empty(true)),
            "is_not_empty" => Ok(Test::Empty(false)),
            _ => {
                let text = body::string(operand, &operand_path)?;
                Ok(Test::Choice(name == "equals", text.to_owned()))
            }
        }
    }

    fn contains_test(&self, operators: &Value, path: &str, ids_only: bool) -> Outcome<Test> {
        let allowed = ["contains", "does_not_contain", "is_empty", "is_not_empty"];
        let (name, operand, operand_path) = self.operator(operators, path, &allowed)?;
        match name {
            "is_empty" => Ok(Test::Empty(true)),
            "is_not_empty" => Ok(Test::Empty(false)),
            _ => {
                let text = body::string(operand, &operand_path)?;
                let operand_text = if ids_only {
                    ids::normalize_uuid(text).ok_or_else(|| {
                        body::invalid(operand, &operand_path, "should be a valid uuid")
                    })?
                } else {
                    text.to_owned()
                };
                Ok(Test::Contains(name == "contains", operand_text))
            }
        }
    }

    fn date_test(&self, operators: &Value, path: &str) -> Outcome<Test> {
        let allowed = [
            "equals",
            "before",
            "after",
            "on_or_before",
            "on_or_after",
            "is_empty",
            "is_not_empty",
            "past_week",
            "past_month",
            "past_year",
            "next_week",
            "next_month",
            "next_year",
            "this_week",
        ];
        let (name, operand, operand_path) = self.operator(operators, path, &allowed)?;
        if let Some((first, last)) = time::relative_days(name, self.today) {
            body::only_keys(body::object(operand, &operand_path)?, &[], &operand_path)?;
            return Ok(Test::DateRange(first, last));
        }
        let orders = match name {
            "is_empty" => return Ok(Test::Empty(true)),
            "is_not_empty" => return Ok(Test::Empty(false)),
            "equals" => vec![Ordering::Equal],
            "before" => vec![Ordering::Less],
            "after" => vec![Ordering::Greater],
            "on_or_before" => vec![Ordering::Less, Ordering::Equal],
            _ => vec![Ordering::Greater, Ordering::Equal],
        };
        let text = body::string(operand, &operand_path)?;
        let point = DatePoint::parse(text).ok_or_else(|| {
            body::invalid(
                operand,
                &operand_path,
                "should be a valid ISO 8601 date string",
            )
        })?;
        Ok(Test::Date(orders, point))
    }
}

/// Whether a filter of `filter_kind` applies to a property of `property_kind`. Title and
/// rich text filters are interchangeable, as both read text.
fn compatible(property_kind: &str, filter_kind: &str) -> bool {
    let text = ["title", "rich_text"];
    property_kind == filter_kind
        || (text.contains(&property_kind) && text.contains(&filter_kind))
        || (property_kind == "status" && filter_kind == "select")
}

impl Filter {
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
