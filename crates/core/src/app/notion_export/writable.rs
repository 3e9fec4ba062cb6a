//! Turning a property value as a page object holds it into the value a page
//! create accepts (NOTION.md section 5.3), keeping what the API lets us write
//! back: rich text with its formatting and links, options by name (option ids
//! belong to the source's schema), dates with their time zone, people by id.
//!
//! Computed and read-only types (formula, rollup, created and edited time and
//! by, unique id, button, verification) are not written. Files are not either:
//! Notion-hosted file URLs expire within an hour of the read, so a backup
//! cannot carry them.
//!
//! Limitation: a mention in rich text (a page, a user, a date) is written as
//! its plain text, since the page or user it names may not exist where the
//! backup is restored.

use serde_json::{Value, json};

/// Items a rich text array, a multi-select, a relation or a people value may
/// hold in one write (NOTION.md section 8).
pub(super) const WRITE_LIMIT: usize = 100;

/// Types whose values Notion computes; they are never written.
const READ_ONLY: [&str; 9] = [
    "formula",
    "rollup",
    "created_time",
    "created_by",
    "last_edited_time",
    "last_edited_by",
    "unique_id",
    "button",
    "verification",
];

/// Why a restore does not write properties of type `kind`; `None` when it does.
pub(super) fn not_restorable(kind: &str) -> Option<&'static str> {
    if WRITABLE.contains(&kind) {
        None
    } else if READ_ONLY.contains(&kind) {
        Some("computed by Notion")
    } else if kind == "files" {
        Some("file links expire within the hour, so backups cannot carry files")
    } else {
        Some("a type this tool does not write")
    }
}

/// Types this module knows how to write.
const WRITABLE: [&str; 13] = [
    "title",
    "rich_text",
    "number",
    "select",
    "status",
    "multi_select",
    "date",
    "checkbox",
    "url",
    "email",
    "phone_number",
    "relation",
    "people",
];

/// The create value of `value` (`{id, type, <type>: ...}` from a page object);
/// `None` when its type is not written. Relations are returned whole: the
/// caller drops the pages that no longer exist and cuts to [`WRITE_LIMIT`].
pub(super) fn write_value(value: &Value) -> Option<Value> {
    let kind = value["type"].as_str()?;
    if not_restorable(kind).is_some() {
        return None;
    }
    let inner = &value[kind];
    let written = match kind {
        "title" | "rich_text" => Value::Array(rich_text(inner)),
        "select" | "status" => match inner["name"].as_str() {
            Some(name) => json!({ "name": name }),
            None => Value::Null,
        },
        "multi_select" => Value::Array(
            items(inner)
                .filter_map(|o| o["name"].as_str())
                .take(WRITE_LIMIT)
                .map(|name| json!({ "name": name }))
                .collect(),
        ),
        "date" => match inner["start"].as_str() {
            Some(start) => json!({
                "start": start,
                "end": inner["end"],
                "time_zone": inner["time_zone"],
            }),
            None => Value::Null,
        },
        "relation" => Value::Array(
            items(inner)
                .filter_map(|r| r["id"].as_str())
                .map(|id| json!({ "id": id }))
                .collect(),
        ),
        "people" => Value::Array(
            items(inner)
                .filter_map(|p| p["id"].as_str())
                .take(WRITE_LIMIT)
                .map(|id| json!({ "object": "user", "id": id }))
                .collect(),
        ),
        "checkbox" => Value::Bool(inner.as_bool().unwrap_or(false)),
        // number, url, email, phone_number: the value itself, or null.
        _ => inner.clone(),
    };
    Some(json!({ kind: written }))
}

fn items(value: &Value) -> impl Iterator<Item = &Value> {
    value.as_array().into_iter().flatten()
}

/// Rich text items as a create takes them: text and equations with their
/// annotations and links; mentions as their plain text.
fn rich_text(items_read: &Value) -> Vec<Value> {
    items(items_read)
        .take(WRITE_LIMIT)
        .filter_map(|item| {
            let annotations = item.get("annotations").cloned();
            let mut written = match item["type"].as_str() {
                Some("equation") => json!({
                    "type": "equation",
                    "equation": { "expression": item["equation"]["expression"] },
                }),
                Some("text") => json!({
                    "type": "text",
                    "text": {
                        "content": item["text"]["content"].as_str()
                            .or_else(|| item["plain_text"].as_str())?,
                        "link": link(&item["text"]["link"]),
                    },
                }),
                _ => json!({
                    "type": "text",
                    "text": { "content": item["plain_text"].as_str()?, "link": Value::Null },
                }),
            };
            if let Some(annotations) = annotations.filter(Value::is_object) {
                written["annotations"] = annotations;
            }
            Some(written)
        })
        .collect()
}

fn link(value: &Value) -> Value {
    match value["url"].as_str() {
        Some(url) => json!({ "url": url }),
        None => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_values_become_create_values() {
        let title = json!({ "id": "title", "type": "title", "title": [{
            "type": "text", "text": { "content": "Acme", "link": { "url": "https://a.example" } },
            "annotations": { "bold": true, "italic": false, "strikethrough": false,
                             "underline": false, "code": false, "color": "default" },
            "plain_text": "Acme", "href": "https://a.example" }] });
        let written = write_value(&title).unwrap();
        assert_eq!(written["title"][0]["text"]["content"], "Acme");
        assert_eq!(
            written["title"][0]["text"]["link"]["url"],
            "https://a.example"
        );
        assert_eq!(written["title"][0]["annotations"]["bold"], true);
        assert!(written["title"][0].get("plain_text").is_none());

        let select = json!({ "id": "x", "type": "select",
                             "select": { "id": "opt", "name": "active", "color": "green" } });
        assert_eq!(
            write_value(&select).unwrap(),
            json!({ "select": { "name": "active" } })
        );
        let empty = json!({ "id": "x", "type": "select", "select": null });
        assert_eq!(write_value(&empty).unwrap(), json!({ "select": null }));

        let date = json!({ "id": "d", "type": "date",
            "date": { "start": "2026-12-03T06:00:00.000", "end": null,
                      "time_zone": "America/Chicago" } });
        assert_eq!(
            write_value(&date).unwrap()["date"]["time_zone"],
            "America/Chicago"
        );
        let mention = json!({ "id": "n", "type": "rich_text", "rich_text": [{
            "type": "mention", "mention": { "type": "user", "user": { "id": "u" } },
            "plain_text": "@Ann", "href": null }] });
        assert_eq!(
            write_value(&mention).unwrap()["rich_text"][0]["text"]["content"],
            "@Ann"
        );
    }

    #[test]
    fn computed_and_file_values_are_not_written() {
        for kind in [
            "formula",
            "rollup",
            "created_time",
            "unique_id",
            "files",
            "someday",
        ] {
            let value = json!({ "id": "x", "type": kind, kind: null });
            assert_eq!(write_value(&value), None, "{kind}");
        }
        assert_eq!(not_restorable("email"), None);
        assert_eq!(not_restorable("rollup"), Some("computed by Notion"));
    }
}
