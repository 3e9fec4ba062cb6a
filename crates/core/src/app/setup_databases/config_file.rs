//! Writing database ids into `config.json` in place: only the text of each id's value
//! changes (or, when a key is absent, a member is inserted in the file's own indentation),
//! so every other byte (order, spacing, other values) stays as the operator wrote it.
//! Re-serialising the file would reorder and reformat it.
//!
//! The result is checked by loading it as a configuration before it replaces the file, and
//! it replaces the file by a rename, so a failure leaves the old file whole.

use std::path::{Path, PathBuf};

use crate::config::{Config, ConfigError, Dataset};
use crate::notion::DatabaseId;

/// Why the ids could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ConfigWriteError {
    /// The file could not be read or written.
    #[error("failed to write the database ids into `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a JSON object with a `databases` object (or none).
    #[error(
        "failed to write the database ids into `{path}`: {reason}\n\
         hint: set databases.* in the file by hand to the ids printed above"
    )]
    Shape {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The edited file would not load (a defect of this module; the file is unchanged).
    #[error("edited config.json would not load; `{path}` was left unchanged: {source}")]
    Check {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: Box<ConfigError>,
    },
}

/// Sets `databases.<key>` of the config file at `path` to each id in `ids`, editing only
/// those values. A missing file is created with just the `databases` section.
pub fn write_database_ids(
    path: &Path,
    ids: &[(Dataset, DatabaseId)],
) -> Result<(), ConfigWriteError> {
    let io = |source| ConfigWriteError::Io {
        path: path.to_owned(),
        source,
    };
    let original = match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
        Err(err) => return Err(io(err)),
    };
    let values: Vec<(Dataset, String)> = ids
        .iter()
        .map(|(dataset, id)| (*dataset, id.to_string()))
        .collect();
    let text = match &original {
        Some(text) => edit(text, &values).map_err(|reason| ConfigWriteError::Shape {
            path: path.to_owned(),
            reason,
        })?,
        None => format!(
            "{{\n  \"databases\": {}\n}}\n",
            object(&values, "    ", "  ", ": ")
        ),
    };
    Config::from_json(&text, path, &|_| None).map_err(|source| ConfigWriteError::Check {
        path: path.to_owned(),
        source: Box::new(source),
    })?;

    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, &text).map_err(io)?;
    if let Ok(metadata) = std::fs::metadata(path) {
        std::fs::set_permissions(&temporary, metadata.permissions()).map_err(io)?;
    }
    std::fs::rename(&temporary, path).map_err(|err| {
        let _ = std::fs::remove_file(&temporary);
        io(err)
    })
}

/// `text` with `databases.<key>` set to each value. Replaces a present value, inserts an
/// absent key after the last member, and adds the `databases` member first when absent.
fn edit(text: &str, values: &[(Dataset, String)]) -> Result<String, String> {
    let mut scanner = Scanner::new(text);
    scanner.whitespace();
    let top = scanner.object()?;
    let style = Style::of(text, &top);
    let mut edits: Vec<(usize, usize, String)> = Vec::new();

    let nested = style.indent.repeat(2);
    match top.member("databases") {
        None if top.members.is_empty() => {
            let section = object(values, &nested, &style.indent, &style.colon);
            let body = format!(
                "{{{}\"databases\"{}{section}{}}}",
                style.separator, style.colon, style.closing
            );
            edits.push((top.open, top.close + 1, body));
        }
        None => {
            let section = object(values, &nested, &style.indent, &style.colon);
            let at = top.open + 1;
            let member = format!("{}\"databases\"{}{section},", style.separator, style.colon);
            edits.push((at, at, member));
        }
        Some(member) if &text[member.value.0..member.value.1] == "null" => {
            let inner = format!("{}{}", style.member_indent(text, member.key), style.indent);
            let outer = style.member_indent(text, member.key);
            let section = object(values, &inner, &outer, &style.colon);
            edits.push((member.value.0, member.value.1, section));
        }
        Some(member) => {
            let mut inner = Scanner::at(text, member.value.0);
            let databases = inner
                .object()
                .map_err(|_| "`databases` is not an object".to_owned())?;
            edits.extend(set_members(text, &databases, values, &style));
        }
    }

    let mut result = text.to_owned();
    edits.sort_by_key(|(start, _, _)| std::cmp::Reverse(*start));
    for (start, end, replacement) in edits {
        result.replace_range(start..end, &replacement);
    }
    Ok(result)
}

/// Edits that give each dataset's key in `databases` its value.
fn set_members(
    text: &str,
    databases: &Object,
    values: &[(Dataset, String)],
    style: &Style,
) -> Vec<(usize, usize, String)> {
    let mut edits = Vec::new();
    let mut absent = Vec::new();
    for (dataset, value) in values {
        let aliases: &[&str] = match dataset {
            Dataset::Alerts => &["alerts", "device_issues"],
            _ => &[],
        };
        let present: Vec<&Member> = databases
            .members
            .iter()
            .filter(|m| m.key_text == dataset.key() || aliases.contains(&m.key_text.as_str()))
            .collect();
        if present.is_empty() {
            absent.push((*dataset, value.clone()));
        }
        for member in present {
            edits.push((member.value.0, member.value.1, quoted(value)));
        }
    }
    if absent.is_empty() {
        return edits;
    }
    let inner = Style::of(text, databases);
    let inserted: String = absent
        .iter()
        .map(|(dataset, value)| {
            format!(
                ",{}{}{}{}",
                inner.separator,
                quoted(dataset.key()),
                style.colon,
                quoted(value)
            )
        })
        .collect();
    match databases.members.last() {
        Some(last) => edits.push((last.value.1, last.value.1, inserted)),
        None => {
            // `{}`: the members go between the braces, without the leading comma.
            let outer = style.member_indent(text, databases.open);
            let body = object(
                &absent,
                &format!("{outer}{}", style.indent),
                &outer,
                &style.colon,
            );
            edits.push((databases.open, databases.close + 1, body));
        }
    }
    edits
}

/// A new object of `values`, one member per line at `inner` indentation with the closing
/// brace at `outer`, or on one line when the file is on one line (`inner` empty).
fn object(values: &[(Dataset, String)], inner: &str, outer: &str, colon: &str) -> String {
    let members: Vec<String> = values
        .iter()
        .map(|(dataset, value)| format!("{}{colon}{}", quoted(dataset.key()), quoted(value)))
        .collect();
    if inner.is_empty() {
        return format!("{{ {} }}", members.join(", "));
    }
    let mut text = String::from("{");
    for (i, member) in members.iter().enumerate() {
        let comma = if i + 1 < members.len() { "," } else { "" };
        text.push_str(&format!("\n{inner}{member}{comma}"));
    }
    text.push_str(&format!("\n{outer}}}"));
    text
}

fn quoted(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

/// How the file lays out an object's members, learnt from the top-level object.
struct Style {
    /// The text before an object's first member (`"\n  "`, or `" "` on one line).
    separator: String,
    /// What precedes the closing brace of an object written from scratch.
    closing: String,
    /// One level of indentation (`"  "`); empty when the file is on one line.
    indent: String,
    /// Between a key and its value (`": "`).
    colon: String,
}

impl Style {
    fn of(text: &str, object: &Object) -> Self {
        let multi_line = text.trim_end().contains('\n');
        let (separator, colon) = match object.members.first() {
            Some(first) => (
                text[object.open + 1..first.key].to_owned(),
                text[first.key_end..first.value.0].to_owned(),
            ),
            None if multi_line => ("\n  ".to_owned(), ": ".to_owned()),
            None => (" ".to_owned(), ": ".to_owned()),
        };
        let indent = match separator.rfind('\n') {
            Some(at) => separator[at + 1..].to_owned(),
            None => String::new(),
        };
        let closing = if indent.is_empty() { " " } else { "\n" }.to_owned();
        Self {
            separator,
            closing,
            indent,
            colon,
        }
    }

    /// The indentation of the line `at` is on (empty when the file is on one line).
    fn member_indent(&self, text: &str, at: usize) -> String {
        if self.indent.is_empty() {
            return String::new();
        }
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        text[line_start..at]
            .chars()
            .take_while(|c| c.is_whitespace())
            .collect()
    }
}

/// A member of a JSON object: where its key and value are in the text.
struct Member {
    /// The decoded key.
    key_text: String,
    /// Where the key's opening quote is.
    key: usize,
    /// Just after the key's closing quote.
    key_end: usize,
    /// The value's span.
    value: (usize, usize),
}

/// A JSON object: its braces and members.
struct Object {
    open: usize,
    close: usize,
    members: Vec<Member>,
}

impl Object {
    fn member(&self, key: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.key_text == key)
    }
}

/// Just enough of a JSON reader to find where values are; the file was already checked as
/// JSON when the configuration loaded.
struct Scanner<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Self::at(text, 0)
    }

    fn at(text: &'a str, at: usize) -> Self {
        Self { text, at }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), String> {
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(format!(
                "expected `{}` at byte {} of the file",
                byte as char, self.at
            ))
        }
    }

    fn object(&mut self) -> Result<Object, String> {
        let open = self.at;
        self.expect(b'{')
            .map_err(|_| "the file is not one JSON object".to_owned())?;
        let mut members = Vec::new();
        self.whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Object {
                open,
                close: self.at - 1,
                members,
            });
        }
        loop {
            self.whitespace();
            let (key, key_end) = self.string()?;
            let key_text = serde_json::from_str(&self.text[key..key_end])
                .map_err(|err| format!("unreadable key at byte {key}: {err}"))?;
            self.whitespace();
            self.expect(b':')?;
            self.whitespace();
            let value = self.value()?;
            members.push(Member {
                key_text,
                key,
                key_end,
                value,
            });
            self.whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Object {
                        open,
                        close: self.at - 1,
                        members,
                    });
                }
                _ => return Err(format!("expected `,` or `}}` at byte {}", self.at)),
            }
        }
    }

    /// Skips one value; returns its span.
    fn value(&mut self) -> Result<(usize, usize), String> {
        let start = self.at;
        match self.peek() {
            Some(b'{') => {
                self.object()?;
            }
            Some(b'[') => self.array()?,
            Some(b'"') => {
                self.string()?;
            }
            Some(_) => {
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                ) {
                    self.at += 1;
                }
            }
            None => return Err("the file ends in the middle of a value".to_owned()),
        }
        Ok((start, self.at))
    }

    fn array(&mut self) -> Result<(), String> {
        self.expect(b'[')?;
        self.whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(());
        }
        loop {
            self.whitespace();
            self.value()?;
            self.whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(());
                }
                _ => return Err(format!("expected `,` or `]` at byte {}", self.at)),
            }
        }
    }

    /// Skips a string; returns the span with its quotes.
    fn string(&mut self) -> Result<(usize, usize), String> {
        let start = self.at;
        self.expect(b'"')?;
        loop {
            match self.peek() {
                Some(b'\\') => self.at += 2,
                Some(b'"') => {
                    self.at += 1;
                    return Ok((start, self.at));
                }
                Some(_) => self.at += 1,
                None => return Err("the file ends inside a string".to_owned()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEW: [&str; 4] = [
        "11111111-1111-4111-8111-111111111111",
        "22222222-2222-4222-8222-222222222222",
        "33333333-3333-4333-8333-333333333333",
        "44444444-4444-4444-8444-444444444444",
    ];

    fn values() -> Vec<(Dataset, String)> {
        Dataset::ALL
            .into_iter()
            .zip(NEW)
            .map(|(dataset, id)| (dataset, id.to_owned()))
            .collect()
    }

    fn loads(text: &str) -> Config {
        Config::from_json(text, Path::new("config.json"), &|_| None).unwrap()
    }

    #[test]
    fn present_ids_change_and_nothing_else() {
        let before = "{\n  \"databases\": {\n    \"customer_status\": \"00000000-0000-4000-8000-00000000db01\",\n    \"daily_health\" :null,\n    \"config_changes\": \"0000000000004000800000000000db03\",\n    \"device_issues\": \"00000000-0000-4000-8000-00000000db04\"\n  },\n  \"site_map\": {},   \"audit_log\": \"x.jsonl\"\n}\n";
        let after = edit(before, &values()).unwrap();
        let expected = before
            .replace("\"00000000-0000-4000-8000-00000000db01\"", &quoted(NEW[0]))
            .replace(":null", &format!(":{}", quoted(NEW[1])))
            .replace("\"0000000000004000800000000000db03\"", &quoted(NEW[2]))
            .replace("\"00000000-0000-4000-8000-00000000db04\"", &quoted(NEW[3]));
        assert_eq!(after, expected);
        let config = loads(&after);
        assert_eq!(config.databases.alerts.unwrap().as_str(), NEW[3]);
        assert_eq!(config.audit_log, PathBuf::from("x.jsonl"));
    }

    #[test]
    fn absent_keys_are_added_in_the_files_indentation() {
        let before = "{\n    \"databases\": {\n        \"alerts\": \"00000000-0000-4000-8000-00000000db04\"\n    },\n    \"site_map\": {}\n}";
        let after = edit(before, &values()).unwrap();
        assert_eq!(
            after,
            format!(
                "{{\n    \"databases\": {{\n        \"alerts\": \"{}\",\n        \"customer_status\": \"{}\",\n        \"daily_health\": \"{}\",\n        \"config_changes\": \"{}\"\n    }},\n    \"site_map\": {{}}\n}}",
                NEW[3], NEW[0], NEW[1], NEW[2]
            )
        );
        loads(&after);
    }

    #[test]
    fn an_absent_section_is_added_first() {
        let before = "{\n  \"site_map\": {},\n  \"audit_log\": \"a.jsonl\"\n}\n";
        let after = edit(before, &values()).unwrap();
        let section = object(&values(), "    ", "  ", ": ");
        assert_eq!(
            after,
            format!(
                "{{\n  \"databases\": {section},\n  \"site_map\": {{}},\n  \"audit_log\": \"a.jsonl\"\n}}\n"
            )
        );
        assert_eq!(
            loads(&after).databases.daily_health.unwrap().as_str(),
            NEW[1]
        );

        let one_line = "{\"site_map\": {}}";
        let after = edit(one_line, &values()).unwrap();
        assert!(
            after.starts_with("{\"databases\": { \"customer_status\": "),
            "{after}"
        );
        assert!(after.ends_with("},\"site_map\": {}}"), "{after}");
        loads(&after);

        for empty in ["{}", "{\n}\n"] {
            let after = edit(empty, &values()).unwrap();
            assert_eq!(
                loads(&after).databases.customer_status.unwrap().as_str(),
                NEW[0]
            );
        }
    }

    #[test]
    fn null_and_empty_sections_are_filled() {
        for before in [
            "{\n  \"databases\": null,\n  \"site_map\": {}\n}",
            "{\n  \"databases\": {},\n  \"site_map\": {}\n}",
        ] {
            let after = edit(before, &values()).unwrap();
            let section = object(&values(), "    ", "  ", ": ");
            assert_eq!(
                after,
                format!("{{\n  \"databases\": {section},\n  \"site_map\": {{}}\n}}")
            );
            loads(&after);
        }
    }

    #[test]
    fn the_file_is_replaced_whole_or_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        let ids: Vec<(Dataset, DatabaseId)> = Dataset::ALL
            .into_iter()
            .zip(NEW)
            .map(|(d, id)| (d, DatabaseId::parse(id).unwrap()))
            .collect();
        write_database_ids(&path, &ids).unwrap();
        let created = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            loads(&created).databases.config_changes.unwrap().as_str(),
            NEW[2]
        );

        std::fs::write(&path, "[1, 2]").unwrap();
        let err = write_database_ids(&path, &ids).unwrap_err();
        assert!(matches!(err, ConfigWriteError::Shape { .. }), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "[1, 2]");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left");
    }
}
