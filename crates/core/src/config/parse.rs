//! From the text of `config.json` to its unchecked JSON shape, with errors
//! that carry the file, the line and column, and the field path.

use std::path::Path;

use serde_path_to_error::Segment;

use super::error::ConfigError;
use super::secret_scan::{self, Finding};
use super::wire::FileWire;

/// Parses `text` (the contents of `path`) in three passes: JSON syntax, the
/// secret scan, then the schema (unknown keys and types).
pub(super) fn parse(text: &str, path: &Path) -> Result<FileWire, ConfigError> {
    let tree: serde_json::Value =
        serde_json::from_str(text).map_err(|error| syntax_error(path, &error))?;

    if !tree.is_object() {
        return Err(ConfigError::WrongType {
            path: path.into(),
            field: ".".into(),
            message: "the file must hold one JSON object, `{ ... }`".into(),
            line: 1,
            column: 1,
        });
    }

    match secret_scan::scan(&tree) {
        Some(Finding::Key(field)) => {
            return Err(ConfigError::SecretKey {
                path: path.into(),
                field,
            });
        }
        Some(Finding::Value(field)) => {
            return Err(ConfigError::SecretValue {
                path: path.into(),
                field,
            });
        }
        None => {}
    }

    // Deserialize from the text again, not from `tree`, so that errors keep
    // their line and column.
    let mut deserializer = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| schema_error(path, error))
}

fn syntax_error(path: &Path, error: &serde_json::Error) -> ConfigError {
    ConfigError::Syntax {
        path: path.into(),
        line: position(error.line()),
        column: position(error.column()),
        message: bare_message(error),
    }
}

fn schema_error(path: &Path, error: serde_path_to_error::Error<serde_json::Error>) -> ConfigError {
    let field = dotted(error.path());
    let inner = error.into_inner();
    let message = bare_message(&inner);
    let (line, column) = (position(inner.line()), position(inner.column()));

    match parse_unknown_field(&message) {
        Some((key, expected)) => ConfigError::UnknownKey {
            path: path.into(),
            // The path of an unknown key ends with the key itself.
            field: parent_of(&field, &key),
            suggestion: nearest(&key, &expected),
            key,
            expected: expected.into(),
            line,
            column,
        },
        None => ConfigError::WrongType {
            path: path.into(),
            field,
            message,
            line,
            column,
        },
    }
}

/// The field path as `a.b[2].c`; `.` for the top level.
fn dotted(path: &serde_path_to_error::Path) -> String {
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {}
        }
    }
    if out.is_empty() { ".".to_owned() } else { out }
}

fn parent_of(field: &str, key: &str) -> String {
    match field.strip_suffix(key) {
        Some("") => ".".to_owned(),
        Some(parent) => parent.trim_end_matches('.').to_owned(),
        None => field.to_owned(),
    }
}

/// A line or column number; a config file never has 4 billion lines.
fn position(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// serde_json's message without its ` at line L column C` suffix, which the
/// errors carry separately.
fn bare_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_owned()
}

/// Reads serde's "unknown field `k`, expected one of `a`, `b`" (or "expected
/// `a` or `b`", or "there are no fields") into the key and the valid keys.
/// The format is serde's own (`serde::de::Error::unknown_field`), pinned by a
/// test below.
fn parse_unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, rest) = rest.split_once('`')?;
    let expected = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    Some((key.to_owned(), expected))
}

/// The valid key nearest to `key` when it is plausibly a typo: within two
/// edits, or within a third of the key's length.
fn nearest(key: &str, expected: &[String]) -> Option<String> {
    let limit = (key.chars().count() / 3).max(2);
    expected
        .iter()
        .map(|candidate| (edit_distance(key, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate.clone())
}

/// Levenshtein distance over chars, case-insensitive.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_unknown_field_messages_are_understood() {
        // Pins serde's wording: if it changes, unknown keys would be reported
        // as wrong types without suggestions, and this test says so.
        let mut de = serde_json::Deserializer::from_str(r#"{"retyr": {}}"#);
        let error =
            serde_path_to_error::deserialize::<_, super::super::wire::SettingsWire>(&mut de)
                .map(|_| ())
                .expect_err("unknown key");
        let message = bare_message(error.inner());
        let (key, expected) = parse_unknown_field(&message).expect("serde's format");
        assert_eq!(key, "retyr");
        assert!(expected.contains(&"retry".to_owned()), "{expected:?}");
        assert_eq!(nearest(&key, &expected).as_deref(), Some("retry"));
    }

    #[test]
    fn two_and_no_expected_keys_are_understood() {
        let two = parse_unknown_field("unknown field `x`, expected `a` or `b`");
        assert_eq!(two, Some(("x".into(), vec!["a".into(), "b".into()])));
        let none = parse_unknown_field("unknown field `x`, there are no fields");
        assert_eq!(none, Some(("x".into(), vec![])));
    }

    #[test]
    fn only_close_keys_are_suggested() {
        let keys = [
            "databases".to_owned(),
            "site_map".to_owned(),
            "settings".to_owned(),
        ];
        assert_eq!(nearest("setings", &keys).as_deref(), Some("settings"));
        assert_eq!(nearest("Databse", &keys).as_deref(), Some("databases"));
        assert_eq!(nearest("maker_checker", &keys), None);
    }
}
