//! Refuses secrets in `config.json` before anything else reads it.
//!
//! The scan runs on the parsed JSON tree, before the schema, so that an old
//! config with `notion_token` or `unifi.api_token` gets "looks like a secret"
//! rather than "unknown key", and so that no later error can quote the value.
//! It finds the first offending key (or value) and reports its path only.

use serde_json::Value;

/// Words that make a key look like a secret, compared after lower-casing the
/// key and dropping everything but letters and digits (`apiKey`, `api-key`
/// and `API_KEY` are all `apikey`).
const SECRET_WORDS: [&str; 9] = [
    "token",
    "secret",
    "password",
    "passwd",
    "apikey",
    "privatekey",
    "credential",
    "accesskey",
    "connectionstring",
];

/// Prefixes of Notion integration tokens (`ntn_` now, `secret_` before).
const TOKEN_PREFIXES: [&str; 2] = ["ntn_", "secret_"];

/// What the scan found.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Finding {
    /// A key named like a secret, at this dotted path.
    Key(String),
    /// A string value that looks like a token or a `${VAR}` placeholder, at this
    /// dotted path.
    Value(String),
}

/// The first secret-looking key or value in `root`, depth first in file order.
pub(super) fn scan(root: &Value) -> Option<Finding> {
    scan_at(root, "")
}

fn scan_at(value: &Value, path: &str) -> Option<Finding> {
    match value {
        Value::Object(map) => map.iter().find_map(|(key, child)| {
            let child_path = join(path, key);
            if key_looks_secret(key) {
                Some(Finding::Key(child_path))
            } else {
                scan_at(child, &child_path)
            }
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| scan_at(item, &format!("{path}[{i}]"))),
        Value::String(text) if value_looks_secret(text) => Some(Finding::Value(path.to_owned())),
        _ => None,
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn key_looks_secret(key: &str) -> bool {
    let folded: String = key
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    SECRET_WORDS.iter().any(|word| folded.contains(word))
}

fn value_looks_secret(text: &str) -> bool {
    let text = text.trim();
    let token_like = TOKEN_PREFIXES.iter().any(|prefix| {
        text.strip_prefix(prefix).is_some_and(|rest| {
            rest.len() >= 20 && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    });
    token_like || text.contains("${")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_text(text: &str) -> Option<Finding> {
        let value: Value = serde_json::from_str(text).expect("test JSON");
        scan(&value)
    }

    #[test]
    fn secret_keys_are_found_in_any_spelling_and_depth() {
        for (text, path) in [
            (r#"{"notion_token": "x"}"#, "notion_token"),
            (r#"{"unifi": {"API_KEY": "x"}}"#, "unifi.API_KEY"),
            (
                r#"{"a": [{"b": 1}, {"clientSecret": "x"}]}"#,
                "a[1].clientSecret",
            ),
            (
                r#"{"site_map": {"s": {"Password": null}}}"#,
                "site_map.s.Password",
            ),
            (r#"{"apis": {"api-key": 1}}"#, "apis.api-key"),
        ] {
            assert_eq!(
                scan_text(text),
                Some(Finding::Key(path.to_owned())),
                "{text}"
            );
        }
    }

    #[test]
    fn token_values_and_placeholders_are_found() {
        let token = format!(r#"{{"x": {{"note": "ntn_{}"}}}}"#, "a1".repeat(12));
        assert_eq!(scan_text(&token), Some(Finding::Value("x.note".into())));
        let placeholder = r#"{"apis": {"notion": "${NOTION_URL}"}}"#;
        assert_eq!(
            scan_text(placeholder),
            Some(Finding::Value("apis.notion".into()))
        );
    }

    #[test]
    fn the_shipped_keys_are_not_secrets() {
        let text = r#"{"databases": {"customer_status": "x"}, "settings": {"key_vault":
            {"timeout_secs": 10, "strict": false}, "retry": {"max_attempts": 6}},
            "site_map": {"661f0a6b2c3d4e5f60718293": {"primary_contact": "Jane Doe",
            "ninjaone_organization_id": 12}}, "apis": {"ninjaone_region": "us2"}}"#;
        assert_eq!(scan_text(text), None);
    }
}
