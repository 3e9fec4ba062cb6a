//! Checking a request's `filter` against the schema: structure, nesting, operators and
//! operand types, with the validator's messages.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::{Filter, MAX_CONDITIONS, MAX_DEPTH, Subject, Test, TextOp, ValueKind};
use crate::notion::body;
use crate::notion::errors::{NotionError, Outcome};
use crate::notion::ids;
use crate::notion::schema::update::unknown_property;
use crate::notion::schema::{PropertyConfig, Schema};
use crate::notion::time::{self, DatePoint};
use std::cmp::Ordering;

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
