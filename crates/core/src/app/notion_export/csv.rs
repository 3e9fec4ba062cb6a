//! CSV backups: one row per page, a `page_id` column and one column per
//! property (the title first, then the others by name), each value as the
//! display text a person reads in Notion. Fields are quoted as RFC 4180 says:
//! those holding a comma, a quote or a line break, with quotes doubled.
//!
//! A CSV backup is for reading and for `--verify`; it cannot be restored, since
//! display text loses what a write needs (option ids aside, formatting, dates'
//! time zones, who a person is).
//!
//! A cell a spreadsheet would take for a formula (it begins with `=`, `+`, `-`,
//! `@`, a tab or a carriage return, and is not a plain number) is written with a
//! leading `'`, as is a cell that begins with `'` itself; [`parse`] takes one
//! leading `'` off, so what is written reads back unchanged.

use serde_json::{Map, Value};

/// The column of page ids.
pub(super) const PAGE_ID: &str = "page_id";

/// The property columns for a data source's `properties`: the title first, then
/// by name.
pub(super) fn columns(properties: &Map<String, Value>) -> Vec<String> {
    let mut names: Vec<&String> = properties.keys().collect();
    names.sort_by_key(|name| (properties[*name]["type"] != "title", *name));
    names.into_iter().cloned().collect()
}

/// The CSV text of `pages` with the property `columns`.
pub(super) fn write(columns: &[String], pages: &[Value]) -> String {
    let mut text = String::new();
    let header = std::iter::once(PAGE_ID).chain(columns.iter().map(String::as_str));
    push_row(&mut text, header);
    for page in pages {
        let cells: Vec<String> = columns
            .iter()
            .map(|name| display(&page["properties"][name]))
            .collect();
        let id = page["id"].as_str().unwrap_or_default();
        push_row(
            &mut text,
            std::iter::once(id).chain(cells.iter().map(String::as_str)),
        );
    }
    text
}

fn push_row<'a>(text: &mut String, cells: impl Iterator<Item = &'a str>) {
    for (index, cell) in cells.enumerate() {
        if index > 0 {
            text.push(',');
        }
        let guarded;
        let cell = if needs_guard(cell) {
            guarded = format!("'{cell}");
            guarded.as_str()
        } else {
            cell
        };
        if cell.contains([',', '"', '\n', '\r']) {
            text.push('"');
            text.push_str(&cell.replace('"', "\"\""));
            text.push('"');
        } else {
            text.push_str(cell);
        }
    }
    text.push_str("\r\n");
}

/// Whether a spreadsheet could read `cell` as a formula, or it begins with the
/// guard itself.
fn needs_guard(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) && cell.trim().parse::<f64>().is_err()
}

/// `cell` without the guard [`push_row`] put in front of it.
fn unguard(mut cell: String) -> String {
    if cell.starts_with('\'') {
        cell.remove(0);
    }
    cell
}

/// The rows of a CSV text, header first, each cell as it was before it was
/// written; an error says where the text stops being CSV.
pub(super) fn parse(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                line += usize::from(c == '\n');
                cell.push(c);
            }
            (false, '"') if cell.is_empty() => quoted = true,
            (false, '"') => return Err(format!("line {line}: a quote inside an unquoted field")),
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
                line += 1;
            }
            (false, c) => cell.push(c),
        }
    }
    if quoted {
        return Err(format!("line {line}: a quoted field never ends"));
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    Ok(rows
        .into_iter()
        .map(|row| row.into_iter().map(unguard).collect())
        .collect())
}

/// A property value (`{id, type, <type>: ...}` as a page object holds it) as
/// display text.
pub(super) fn display(value: &Value) -> String {
    let kind = value["type"].as_str().unwrap_or_default();
    inner_display(kind, &value[kind])
}

fn inner_display(kind: &str, inner: &Value) -> String {
    match kind {
        "title" | "rich_text" => inner
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| item["plain_text"].as_str())
            .collect(),
        "number" => inner.as_f64().map(number).unwrap_or_default(),
        "select" | "status" => name(inner),
        "multi_select" => list(inner, name),
        "date" => date(inner),
        "checkbox" | "boolean" => inner.as_bool().map(|b| b.to_string()).unwrap_or_default(),
        "relation" => list(inner, |item| text(&item["id"])),
        "people" | "created_by" | "last_edited_by" => list_or_one(inner, person),
        "files" => list(inner, name),
        "formula" => display(inner),
        "rollup" => match inner["type"].as_str() {
            Some("array") => list(&inner["array"], display),
            _ => display(inner),
        },
        "unique_id" => match (inner["prefix"].as_str(), inner["number"].as_i64()) {
            (Some(prefix), Some(n)) => format!("{prefix}-{n}"),
            (None, Some(n)) => n.to_string(),
            _ => String::new(),
        },
        "verification" => text(&inner["state"]),
        _ => match inner {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        },
    }
}

fn name(value: &Value) -> String {
    text(&value["name"])
}

fn person(value: &Value) -> String {
    value["name"]
        .as_str()
        .or_else(|| value["id"].as_str())
        .unwrap_or_default()
        .to_owned()
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

fn date(value: &Value) -> String {
    match (value["start"].as_str(), value["end"].as_str()) {
        (Some(start), Some(end)) => format!("{start} → {end}"),
        (Some(start), None) => start.to_owned(),
        _ => String::new(),
    }
}

fn list(value: &Value, item: impl Fn(&Value) -> String) -> String {
    value
        .as_array()
        .into_iter()
        .flatten()
        .map(item)
        .collect::<Vec<_>>()
        .join(", ")
}

fn list_or_one(value: &Value, item: impl Fn(&Value) -> String) -> String {
    if value.is_array() {
        list(value, item)
    } else {
        item(value)
    }
}

fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn values_read_as_people_see_them() {
        let cases = [
            (
                json!({ "type": "title", "title": [
                    { "plain_text": "Acme " }, { "plain_text": "Dental" }] }),
                "Acme Dental",
            ),
            (json!({ "type": "number", "number": 87.0 }), "87"),
            (json!({ "type": "number", "number": 0.917 }), "0.917"),
            (json!({ "type": "number", "number": null }), ""),
            (
                json!({ "type": "multi_select", "multi_select": [
                    { "name": "Ubiquiti" }, { "name": "Azure" }] }),
                "Ubiquiti, Azure",
            ),
            (
                json!({ "type": "date", "date": { "start": "2026-12-01", "end": "2026-12-03" } }),
                "2026-12-01 → 2026-12-03",
            ),
            (json!({ "type": "checkbox", "checkbox": false }), "false"),
            (
                json!({ "type": "formula", "formula": { "type": "number", "number": 3 } }),
                "3",
            ),
            (
                json!({ "type": "unique_id", "unique_id": { "prefix": "CHG", "number": 12 } }),
                "CHG-12",
            ),
            (
                json!({ "type": "people",
                         "people": [{ "id": "u1" }, { "id": "u2", "name": "Ann" }] }),
                "u1, Ann",
            ),
        ];
        for (value, shown) in cases {
            assert_eq!(display(&value), shown, "{value}");
        }
    }

    #[test]
    fn what_is_written_parses_back_cell_for_cell() {
        let page = json!({ "id": "p1", "properties": {
            "Name": { "type": "title", "title": [{ "plain_text": "a, \"b\"\nc" }] },
            "Count": { "type": "number", "number": 2 },
        } });
        let mut properties = Map::new();
        properties.insert("Count".into(), json!({ "type": "number" }));
        properties.insert("Name".into(), json!({ "type": "title" }));
        let columns = columns(&properties);
        assert_eq!(columns, ["Name", "Count"], "title first");
        let text = write(&columns, &[page]);
        let rows = parse(&text).unwrap();
        assert_eq!(
            rows,
            [
                vec!["page_id", "Name", "Count"],
                vec!["p1", "a, \"b\"\nc", "2"]
            ]
        );
        assert!(parse("a,\"b").unwrap_err().contains("never ends"));
        assert!(parse("a,b\"c\"").unwrap_err().contains("line 1"));
    }

    #[test]
    fn cells_a_spreadsheet_would_run_are_guarded_and_read_back_unchanged() {
        let cells = [
            "=1+1", "+SUM(A1)", "-2+3", "@cmd", "'quoted", "-3", "plain", "1e3",
        ];
        let mut text = String::new();
        push_row(&mut text, cells.into_iter());
        assert_eq!(
            text,
            "'=1+1,'+SUM(A1),'-2+3,'@cmd,''quoted,-3,plain,1e3\r\n"
        );
        assert_eq!(parse(&text).unwrap(), [cells.to_vec()]);
    }
}
