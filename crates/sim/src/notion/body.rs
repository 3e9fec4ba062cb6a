//! Checking request bodies the way Notion's validator does: JSON shapes, unknown keys and
//! length limits, each failure naming the path of the offending value
//! (`body.properties.Name.rich_text[0].text.content`).

use serde_json::{Map, Value};

use super::errors::{
    self, NotionError, Outcome, body_message, not_present_message, too_long_message,
};

/// Parses a request body. An empty body counts as `{}` when `empty_ok` (queries and updates
/// may be sent without one); anything but an object is refused.
pub fn parse(bytes: &[u8], empty_ok: bool) -> Outcome<Map<String, Value>> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        if empty_ok {
            return Ok(Map::new());
        }
        return Err(NotionError::validation(
            "body failed validation: body should be an object, instead was `undefined`.",
        ));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|_| errors::invalid_json())?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(invalid(&other, "body", "should be an object")),
    }
}

/// A `validation_error` for `value` at `path` breaking `rule` ("should be a string").
pub fn invalid(value: &Value, path: &str, rule: &str) -> NotionError {
    NotionError::validation(body_message(path, rule, value))
}

/// Refuses the first key of `map` (in key order) that is not in `allowed`.
pub fn only_keys(map: &Map<String, Value>, allowed: &[&str], path: &str) -> Outcome<()> {
    match map.iter().find(|(key, _)| !allowed.contains(&key.as_str())) {
        None => Ok(()),
        Some((key, value)) => Err(NotionError::validation(not_present_message(
            "body",
            &format!("{path}.{key}"),
            value,
        ))),
    }
}

/// `value` as an object.
pub fn object<'a>(value: &'a Value, path: &str) -> Outcome<&'a Map<String, Value>> {
    value
        .as_object()
        .ok_or_else(|| invalid(value, path, "should be an object"))
}

/// `value` as an array of at most `max` items.
pub fn array<'a>(value: &'a Value, path: &str, max: usize) -> Outcome<&'a Vec<Value>> {
    let items = value
        .as_array()
        .ok_or_else(|| invalid(value, path, "should be an array"))?;
    if items.len() > max {
        return Err(NotionError::validation(too_long_message(
            path,
            max,
            items.len(),
        )));
    }
    Ok(items)
}

/// `value` as a string.
pub fn string<'a>(value: &'a Value, path: &str) -> Outcome<&'a str> {
    value
        .as_str()
        .ok_or_else(|| invalid(value, path, "should be a string"))
}

/// `value` as a boolean.
pub fn boolean(value: &Value, path: &str) -> Outcome<bool> {
    value
        .as_bool()
        .ok_or_else(|| invalid(value, path, "should be a boolean"))
}

/// A string of at most `max` characters (counted as Unicode scalar values).
pub fn bounded_string<'a>(value: &'a Value, path: &str, max: usize) -> Outcome<&'a str> {
    let text = string(value, path)?;
    let length = text.chars().count();
    if length > max {
        return Err(NotionError::validation(too_long_message(path, max, length)));
    }
    Ok(text)
}

/// A required member of `map`.
pub fn required<'a>(map: &'a Map<String, Value>, key: &str, path: &str) -> Outcome<&'a Value> {
    map.get(key)
        .ok_or_else(|| NotionError::validation(errors::undefined_message(&format!("{path}.{key}"))))
}

/// The path of member `key` below `path`.
pub fn member(path: &str, key: &str) -> String {
    format!("{path}.{key}")
}

/// The path of item `index` below `path`.
pub fn item(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}
