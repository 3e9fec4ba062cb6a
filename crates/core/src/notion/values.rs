//! Typed property values: what the sync writes into a page and reads back from one.
//!
//! Writing turns text into rich text items of at most 2,000 characters each and at most 100
//! items, cutting (with `…`) only what no request could carry, so Notion never refuses a value
//! for its length (NOTION.md sections 5.2 and 8). Reading tolerates property types we do not
//! know: they become [`PropertyValue::Other`] and are never written back.

use serde_json::{Value, json};

use super::ids::PageId;

/// Characters in one rich text item.
pub const TEXT_ITEM_LIMIT: usize = 2_000;
/// Items in one rich text array, and pages in one relation write.
pub const ARRAY_LIMIT: usize = 100;

/// A date or date-time property value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateValue {
    /// `YYYY-MM-DD` or an ISO 8601 date-time.
    pub start: String,
    /// End of a range, if any.
    pub end: Option<String>,
}

impl DateValue {
    /// A single day or instant.
    pub fn on(start: impl Into<String>) -> Self {
        Self {
            start: start.into(),
            end: None,
        }
    }
}

/// One property value, by type.
#[derive(Debug, Clone, PartialEq)]
pub enum PropertyValue {
    /// The title, as plain text.
    Title(String),
    /// Rich text, as plain text (formatting is neither written nor kept).
    RichText(String),
    /// A number, or empty.
    Number(Option<f64>),
    /// A select option by name, or empty.
    Select(Option<String>),
    /// Multi-select option names.
    MultiSelect(Vec<String>),
    /// A status option by name, or empty.
    Status(Option<String>),
    /// A date, or empty.
    Date(Option<DateValue>),
    /// A checkbox.
    Checkbox(bool),
    /// A URL, or empty.
    Url(Option<String>),
    /// Related pages.
    Relation(Vec<PageId>),
    /// A type this client does not write (formula, rollup, people, ...): its type name.
    Other(String),
}

impl PropertyValue {
    /// The value as the body of a page create or update.
    pub fn to_json(&self) -> Value {
        match self {
            PropertyValue::Title(text) => json!({ "title": rich_text(text) }),
            PropertyValue::RichText(text) => json!({ "rich_text": rich_text(text) }),
            PropertyValue::Number(n) => json!({ "number": n.filter(|n| n.is_finite()) }),
            PropertyValue::Select(name) => json!({ "select": name.as_ref().map(option) }),
            PropertyValue::MultiSelect(names) => {
                let options: Vec<Value> = names.iter().take(ARRAY_LIMIT).map(option).collect();
                json!({ "multi_select": options })
            }
            PropertyValue::Status(name) => json!({ "status": name.as_ref().map(option) }),
            PropertyValue::Date(date) => json!({
                "date": date.as_ref().map(|d| json!({ "start": d.start, "end": d.end }))
            }),
            PropertyValue::Checkbox(on) => json!({ "checkbox": on }),
            PropertyValue::Url(url) => {
                json!({ "url": url.as_ref().filter(|u| !u.is_empty()) })
            }
            PropertyValue::Relation(pages) => {
                let ids: Vec<Value> = pages
                    .iter()
                    .take(ARRAY_LIMIT)
                    .map(|id| json!({ "id": id.as_str() }))
                    .collect();
                json!({ "relation": ids })
            }
            PropertyValue::Other(kind) => json!({ "type": kind }),
        }
    }

    /// Reads a property value from a page object. Relations report whether Notion cut them
    /// at 25 references.
    pub fn from_json(value: &Value) -> (Self, bool) {
        let kind = value["type"].as_str().unwrap_or_default();
        let inner = &value[kind];
        let parsed = match kind {
            "title" => PropertyValue::Title(plain_text(inner)),
            "rich_text" => PropertyValue::RichText(plain_text(inner)),
            "number" => PropertyValue::Number(inner.as_f64()),
            "select" => PropertyValue::Select(option_name(inner)),
            "status" => PropertyValue::Status(option_name(inner)),
            "multi_select" => PropertyValue::MultiSelect(
                inner
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(option_name)
                    .collect(),
            ),
            "date" => PropertyValue::Date(inner["start"].as_str().map(|start| DateValue {
                start: start.to_owned(),
                end: inner["end"].as_str().map(str::to_owned),
            })),
            "checkbox" => PropertyValue::Checkbox(inner.as_bool().unwrap_or(false)),
            "url" => PropertyValue::Url(inner.as_str().map(str::to_owned)),
            "relation" => PropertyValue::Relation(
                inner
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r["id"].as_str().and_then(|id| PageId::parse(id).ok()))
                    .collect(),
            ),
            other => PropertyValue::Other(other.to_owned()),
        };
        let truncated = kind == "relation" && value["has_more"].as_bool() == Some(true);
        (parsed, truncated)
    }

    /// The value as plain text, for reports and dry runs.
    pub fn display(&self) -> String {
        match self {
            PropertyValue::Title(t) | PropertyValue::RichText(t) => t.clone(),
            PropertyValue::Number(n) => n.map(format_number).unwrap_or_default(),
            PropertyValue::Select(o) | PropertyValue::Status(o) | PropertyValue::Url(o) => {
                o.clone().unwrap_or_default()
            }
            PropertyValue::MultiSelect(names) => names.join(", "),
            PropertyValue::Date(d) => d
                .as_ref()
                .map(|d| match &d.end {
                    Some(end) => format!("{} → {end}", d.start),
                    None => d.start.clone(),
                })
                .unwrap_or_default(),
            PropertyValue::Checkbox(on) => on.to_string(),
            PropertyValue::Relation(pages) => pages
                .iter()
                .map(PageId::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            PropertyValue::Other(kind) => format!("<{kind}>"),
        }
    }

    /// Whether writing `self` over `current` would change nothing a reader can see: text as
    /// Notion stores it (cut at the request limits), date-times compared as instants, URLs
    /// and selects with empty and missing alike.
    pub fn same_as(&self, current: &PropertyValue) -> bool {
        use PropertyValue as V;
        match (self, current) {
            (V::Title(a), V::Title(b)) | (V::RichText(a), V::RichText(b)) => stored_text(a) == *b,
            (V::Date(a), V::Date(b)) => match (a, b) {
                (Some(a), Some(b)) => {
                    same_instant(&a.start, &b.start)
                        && match (&a.end, &b.end) {
                            (Some(x), Some(y)) => same_instant(x, y),
                            (x, y) => x == y,
                        }
                }
                (a, b) => a == b,
            },
            (V::Url(a), V::Url(b)) => {
                a.as_deref().filter(|u| !u.is_empty()) == b.as_deref().filter(|u| !u.is_empty())
            }
            (V::Number(Some(a)), V::Number(Some(b))) => (a - b).abs() < 1e-9,
            (V::MultiSelect(a), V::MultiSelect(b)) => {
                let mut a = a.clone();
                let mut b = b.clone();
                a.sort();
                b.sort();
                a == b
            }
            _ => self == current,
        }
    }
}

fn option(name: &String) -> Value {
    json!({ "name": name })
}

fn option_name(value: &Value) -> Option<String> {
    value["name"].as_str().map(str::to_owned)
}

fn plain_text(items: &Value) -> String {
    items
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| {
            item["plain_text"]
                .as_str()
                .or_else(|| item["text"]["content"].as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// `text` as rich text items of at most [`TEXT_ITEM_LIMIT`] characters, at most
/// [`ARRAY_LIMIT`] of them; the last item ends in `…` when the text had to be cut.
pub fn rich_text(text: &str) -> Value {
    let items: Vec<Value> = chunks(&stored_text(text))
        .into_iter()
        .map(|chunk| json!({ "type": "text", "text": { "content": chunk } }))
        .collect();
    Value::Array(items)
}

/// What Notion keeps of `text` once written through [`rich_text`].
pub fn stored_text(text: &str) -> String {
    let limit = TEXT_ITEM_LIMIT * ARRAY_LIMIT;
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(limit - 1).collect();
    cut.push('…');
    cut
}

fn chunks(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(TEXT_ITEM_LIMIT)
        .map(|chunk| chunk.iter().collect())
        .collect()
}

fn same_instant(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let parse = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
    match (parse(a), parse(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_split_on_character_boundaries() {
        let text = "é".repeat(4_500);
        let items = rich_text(&text);
        let items = items.as_array().unwrap();
        assert_eq!(items.len(), 3);
        let lengths: Vec<usize> = items
            .iter()
            .map(|i| i["text"]["content"].as_str().unwrap().chars().count())
            .collect();
        assert_eq!(lengths, [2000, 2000, 500]);
    }

    #[test]
    fn text_beyond_what_a_request_carries_is_cut_with_a_mark() {
        let text = "x".repeat(TEXT_ITEM_LIMIT * ARRAY_LIMIT + 10);
        let items = rich_text(&text);
        let items = items.as_array().unwrap();
        assert_eq!(items.len(), ARRAY_LIMIT);
        let last = items[ARRAY_LIMIT - 1]["text"]["content"].as_str().unwrap();
        assert!(last.ends_with('…'));
        assert_eq!(last.chars().count(), TEXT_ITEM_LIMIT);
        assert!(
            PropertyValue::RichText(text.clone())
                .same_as(&PropertyValue::RichText(stored_text(&text)))
        );
    }

    #[test]
    fn reads_what_it_writes() {
        let values = [
            PropertyValue::Title("Acme Dental".into()),
            PropertyValue::RichText("site-1".into()),
            PropertyValue::Number(Some(87.0)),
            PropertyValue::Number(None),
            PropertyValue::Select(Some("active".into())),
            PropertyValue::Select(None),
            PropertyValue::MultiSelect(vec!["Ubiquiti".into()]),
            PropertyValue::Date(Some(DateValue::on("2026-12-03"))),
            PropertyValue::Checkbox(true),
            PropertyValue::Url(None),
        ];
        for value in values {
            let mut written = value.to_json();
            // A response wraps the same shape with its type, and rich text gains plain_text.
            let kind = written.as_object().unwrap().keys().next().unwrap().clone();
            written["type"] = json!(kind);
            if let Some(items) = written[&kind].as_array_mut() {
                for item in items {
                    if let Some(content) = item["text"]["content"].as_str() {
                        item["plain_text"] = json!(content);
                    }
                    if let Some(name) = item["name"].as_str() {
                        item["id"] = json!(format!("opt-{name}"));
                    }
                }
            }
            let (read, truncated) = PropertyValue::from_json(&written);
            assert!(!truncated);
            assert!(value.same_as(&read), "{value:?} vs {read:?}");
        }
    }

    #[test]
    fn date_times_compare_as_instants() {
        let a = PropertyValue::Date(Some(DateValue::on("2026-12-03T06:00:00Z")));
        let b = PropertyValue::Date(Some(DateValue::on("2026-12-03T06:00:00.000+00:00")));
        assert!(a.same_as(&b));
        let c = PropertyValue::Date(Some(DateValue::on("2026-12-03T06:01:00Z")));
        assert!(!a.same_as(&c));
    }

    #[test]
    fn unknown_types_are_kept_as_other() {
        let (value, _) = PropertyValue::from_json(&json!({ "type": "formula", "formula": {} }));
        assert_eq!(value, PropertyValue::Other("formula".into()));
        let relation = json!({
            "type": "relation",
            "relation": [{ "id": "2f1c9a4e7b3d4c559e0a6d2b8f41c7a1" }],
            "has_more": true
        });
        let (value, truncated) = PropertyValue::from_json(&relation);
        assert!(truncated);
        assert_eq!(value.display(), "2f1c9a4e-7b3d-4c55-9e0a-6d2b8f41c7a1");
    }
}
