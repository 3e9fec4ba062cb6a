//! `--verify DIR|MANIFEST`: is a backup set whole, and does Notion still hold
//! what it holds?
//!
//! First every file the manifest lists is checked against its SHA-256 (a
//! mismatch stops the verification, naming the file), then parsed. Only then is
//! Notion read: for each database, the pages missing live (trashed or deleted
//! since), the pages extra live, the pages whose properties differ, and the
//! differences of the schema (properties gone, added, renamed, retyped or
//! reconfigured, matched by their stable ids).
//!
//! Values are compared as a reader sees them, not byte for byte: rich text by
//! its text, formatting and links; options by name; relations and people as
//! sets. A CSV backup holds display text only, so it is compared by display
//! text. Properties the schema gained or lost are reported once, as schema
//! differences, not on every page.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value, json};

use super::backup::{BackupFile, Format, sha256_hex};
use super::csv::{self, PAGE_ID, display};
use super::error::ExportError;
use super::export::raw_properties;
use super::manifest::{DatabaseEntry, Manifest};
use super::read::read_pages;
use super::{ExportArgs, fail, print_json, progress, short, start};
use crate::app::context::Context;
use crate::exit::Outcome;

/// Examples shown per kind of difference.
const EXAMPLES: usize = 5;

/// One backed-up page: its title and its comparable values by property name.
struct SavedPage {
    title: String,
    values: BTreeMap<String, Value>,
}

/// A backup, read and ready to compare.
struct Saved {
    format: Format,
    pages: BTreeMap<String, SavedPage>,
}

/// A page in an example: id and title.
type Example = (String, String);

/// What the comparison of one database found.
struct Finding {
    name: String,
    backup_pages: usize,
    live_pages: usize,
    missing: Vec<Example>,
    extra: Vec<Example>,
    changed: Vec<(Example, Vec<String>)>,
    schema: Vec<String>,
    error: Option<(Outcome, String)>,
}

impl Finding {
    fn equal(&self) -> bool {
        self.missing.is_empty()
            && self.extra.is_empty()
            && self.changed.is_empty()
            && self.schema.is_empty()
    }

    fn outcome(&self) -> Outcome {
        match &self.error {
            Some((outcome, _)) => *outcome,
            None if self.equal() => Outcome::Success,
            None => Outcome::Mismatch,
        }
    }
}

/// Runs a verification; returns the exit outcome.
pub(super) async fn run(args: &ExportArgs, path: &Path) -> Outcome {
    let (manifest_path, manifest) = match Manifest::read(path) {
        Ok(read) => read,
        Err(err) => return fail(&err),
    };
    let dir = manifest_path.parent().unwrap_or(Path::new("."));
    let entries: Vec<&DatabaseEntry> = manifest
        .databases
        .iter()
        .filter(|e| args.database.is_none_or(|d| d.key() == e.name))
        .collect();
    if let Some(dataset) = args.database.filter(|_| entries.is_empty()) {
        eprintln!(
            "error: `{}` has no backup of {dataset}",
            manifest_path.display()
        );
        return Outcome::Usage;
    }
    let mut files = Vec::with_capacity(entries.len());
    for entry in &entries {
        match checked_bytes(dir, &manifest_path, entry) {
            Ok(bytes) => files.push(bytes),
            Err(err) => return fail(&err),
        }
    }
    let mut saved = Vec::with_capacity(entries.len());
    for (entry, bytes) in entries.iter().zip(&files) {
        match parse(dir, entry, bytes) {
            Ok(backup) => saved.push(backup),
            Err(err) => return fail(&err),
        }
    }

    let context = match start(&args.config).await {
        Ok(context) => context,
        Err(outcome) => return outcome,
    };
    let mut findings = Vec::new();
    for (entry, backup) in entries.iter().zip(saved) {
        findings.push(compare(&context, entry, backup).await);
    }
    let outcome = findings
        .iter()
        .map(Finding::outcome)
        .max()
        .unwrap_or(Outcome::Success);
    print(&manifest_path, &manifest, &findings, outcome, args.json);
    outcome
}

/// The bytes of an entry's file, once they match the manifest's SHA-256.
fn checked_bytes(
    dir: &Path,
    manifest: &Path,
    entry: &DatabaseEntry,
) -> Result<Vec<u8>, ExportError> {
    let path = dir.join(&entry.file);
    let bytes = std::fs::read(&path).map_err(|source| ExportError::Read {
        path: path.clone(),
        source,
    })?;
    let actual = sha256_hex(&bytes);
    if actual != entry.sha256 {
        return Err(ExportError::Checksum {
            path,
            manifest: manifest.to_path_buf(),
            expected: entry.sha256.clone(),
            actual,
        });
    }
    Ok(bytes)
}

/// Reads a backup's pages into comparable values.
fn parse(dir: &Path, entry: &DatabaseEntry, bytes: &[u8]) -> Result<Saved, ExportError> {
    let pages = match entry.format {
        Format::Json => json_pages(entry, bytes),
        Format::Csv => csv_pages(entry, bytes),
    };
    let pages = pages.map_err(|reason| ExportError::Malformed {
        path: dir.join(&entry.file),
        what: "backup",
        reason,
    })?;
    Ok(Saved {
        format: entry.format,
        pages,
    })
}

type SavedPages = BTreeMap<String, SavedPage>;

fn json_pages(entry: &DatabaseEntry, bytes: &[u8]) -> Result<SavedPages, String> {
    let backup = BackupFile::parse(bytes)?;
    if backup.database != entry.name {
        return Err(format!(
            "it holds {} but the manifest lists it for {}",
            backup.database, entry.name
        ));
    }
    Ok(backup
        .pages
        .iter()
        .map(|page| {
            let id = page["id"].as_str().unwrap_or_default().to_owned();
            (id, saved_page(Format::Json, page))
        })
        .collect())
}

fn csv_pages(entry: &DatabaseEntry, bytes: &[u8]) -> Result<SavedPages, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
    let mut rows = csv::parse(text)?.into_iter();
    let header = rows.next().unwrap_or_default();
    if header.first().map(String::as_str) != Some(PAGE_ID) {
        return Err(format!("the first column is not `{PAGE_ID}`"));
    }
    let title = title_name(&entry.properties);
    let mut pages = BTreeMap::new();
    for (number, row) in rows.enumerate() {
        if row.len() != header.len() {
            return Err(format!(
                "row {} has {} fields, the header {}",
                number + 2,
                row.len(),
                header.len()
            ));
        }
        let mut cells = header.iter().cloned().zip(row);
        let Some((_, id)) = cells.next() else {
            continue;
        };
        let values: BTreeMap<String, Value> = cells
            .map(|(name, cell)| (name, Value::String(cell)))
            .collect();
        let title = title
            .as_ref()
            .and_then(|t| values.get(t))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        pages.insert(id, SavedPage { title, values });
    }
    Ok(pages)
}

/// A page object's title and comparable values, for a backup of `format`.
fn saved_page(format: Format, page: &Value) -> SavedPage {
    let mut title = String::new();
    let mut values = BTreeMap::new();
    for (name, value) in page["properties"].as_object().into_iter().flatten() {
        if value["type"] == "title" {
            title = display(value);
        }
        values.insert(name.clone(), comparable(format, value));
    }
    SavedPage { title, values }
}

fn title_name(properties: &Map<String, Value>) -> Option<String> {
    properties
        .iter()
        .find(|(_, p)| p["type"] == "title")
        .map(|(name, _)| name.clone())
}

/// Compares one backup with its live database.
async fn compare(context: &Context, entry: &DatabaseEntry, saved: Saved) -> Finding {
    let mut finding = Finding {
        name: entry.name.clone(),
        backup_pages: saved.pages.len(),
        live_pages: 0,
        missing: Vec::new(),
        extra: Vec::new(),
        changed: Vec::new(),
        schema: Vec::new(),
        error: None,
    };
    let live = match read_live(context, entry).await {
        Ok(live) => live,
        Err(err) => {
            finding.error = Some((err.outcome(), err.to_string()));
            return finding;
        }
    };
    let (schema, pages) = live;
    finding.schema = schema_differences(&entry.properties, &schema);
    finding.live_pages = pages.len();

    let mut live_pages: BTreeMap<String, SavedPage> = pages
        .iter()
        .map(|p| {
            let id = p["id"].as_str().unwrap_or_default().to_owned();
            (id, saved_page(saved.format, p))
        })
        .collect();
    for (id, before) in saved.pages {
        let Some(now) = live_pages.remove(&id) else {
            finding.missing.push((id, before.title));
            continue;
        };
        let differing: Vec<String> = before
            .values
            .iter()
            .filter(|(name, value)| now.values.get(*name).is_some_and(|v| v != *value))
            .map(|(name, _)| name.clone())
            .collect();
        if !differing.is_empty() {
            finding.changed.push(((id, now.title), differing));
        }
    }
    finding.extra = live_pages
        .into_iter()
        .map(|(id, page)| (id, page.title))
        .collect();
    finding
}

async fn read_live(
    context: &Context,
    entry: &DatabaseEntry,
) -> Result<(Map<String, Value>, Vec<Value>), ExportError> {
    let what = format!(
        "failed to read {} (data source {})",
        entry.name, entry.data_source_id
    );
    let source = &entry.data_source_id;
    let schema = context
        .notion
        .data_source(source)
        .await
        .map_err(ExportError::notion(what.clone()))?;
    let ids: Vec<String> = schema.properties.values().map(|p| p.id.clone()).collect();
    let bar = progress(&entry.name);
    let read = read_pages(&context.notion, source, &ids, &bar).await;
    bar.finish_and_clear();
    let (pages, _) = read.map_err(ExportError::notion(what))?;
    Ok((raw_properties(&schema), pages))
}

/// A property value in the form two reads of the same content agree on.
fn comparable(format: Format, value: &Value) -> Value {
    if format == Format::Csv {
        return Value::String(display(value));
    }
    let kind = value["type"].as_str().unwrap_or_default();
    let inner = &value[kind];
    let items = || inner.as_array().into_iter().flatten();
    match kind {
        "title" | "rich_text" => Value::Array(
            items()
                .map(|item| {
                    json!({ "text": item["plain_text"], "annotations": item["annotations"],
                            "href": item["href"] })
                })
                .collect(),
        ),
        "select" | "status" => inner["name"].clone(),
        "multi_select" | "relation" | "people" => {
            let field = if kind == "multi_select" { "name" } else { "id" };
            let mut members: Vec<String> = items()
                .filter_map(|item| item[field].as_str().map(str::to_owned))
                .collect();
            members.sort();
            json!(members)
        }
        _ => inner.clone(),
    }
}

/// Differences between the schema a backup recorded and the live one, matched
/// by id.
fn schema_differences(saved: &Map<String, Value>, live: &Map<String, Value>) -> Vec<String> {
    let by_id = |properties: &Map<String, Value>| -> BTreeMap<String, Value> {
        properties
            .values()
            .filter_map(|p| Some((p["id"].as_str()?.to_owned(), p.clone())))
            .collect()
    };
    let (saved, mut live) = (by_id(saved), by_id(live));
    let describe = |p: &Value| format!("`{}` ({})", text(&p["name"]), text(&p["type"]));
    let mut differences = Vec::new();
    for (id, before) in saved {
        let Some(now) = live.remove(&id) else {
            differences.push(format!(
                "{} is gone from the live schema",
                describe(&before)
            ));
            continue;
        };
        let name = text(&before["name"]);
        let kind = text(&before["type"]);
        if name != text(&now["name"]) {
            differences.push(format!("`{name}` was renamed `{}`", text(&now["name"])));
        }
        if kind != text(&now["type"]) {
            differences.push(format!(
                "`{name}` changed type from {kind} to {}",
                text(&now["type"])
            ));
        } else if before[kind.as_str()] != now[kind.as_str()] {
            differences.push(format!("`{name}` ({kind}) has a different configuration"));
        }
    }
    for now in live.values() {
        differences.push(format!("{} was added live", describe(now)));
    }
    differences
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

fn print(path: &Path, manifest: &Manifest, findings: &[Finding], outcome: Outcome, json: bool) {
    for finding in findings {
        if let Some((_, error)) = &finding.error {
            eprintln!("error: {}: {error}", finding.name);
        }
    }
    if json {
        let databases: Map<String, Value> = findings
            .iter()
            .map(|f| (f.name.clone(), finding_json(f)))
            .collect();
        let status = if outcome == Outcome::Success {
            "ok"
        } else {
            outcome.name()
        };
        print_json(&json!({
            "status": status,
            "manifest": path.display().to_string(),
            "date": manifest.date.to_string(),
            "checksums": "ok",
            "databases": databases,
        }));
        return;
    }
    println!(
        "Verified {} ({}, exported {}): every checksum matches",
        path.display(),
        manifest.date,
        manifest.exported_at
    );
    for finding in findings {
        print_finding(finding);
    }
}

fn print_finding(finding: &Finding) {
    let name = &finding.name;
    let counts = format!(
        "{} backed up, {} live",
        finding.backup_pages, finding.live_pages
    );
    if let Some((_, error)) = &finding.error {
        println!("  {name:<16} not compared: {}", short(error, 120));
        return;
    }
    if finding.equal() {
        println!("  {name:<16} {counts}: equal");
        return;
    }
    println!(
        "  {name:<16} {counts}: {} missing live, {} extra live, {} changed, {} schema \
         difference(s)",
        finding.missing.len(),
        finding.extra.len(),
        finding.changed.len(),
        finding.schema.len()
    );
    let example = |(id, title): &Example| format!("{id} \"{}\"", short(title, 60));
    for page in finding.missing.iter().take(EXAMPLES) {
        println!("    missing live: {}", example(page));
    }
    for page in finding.extra.iter().take(EXAMPLES) {
        println!("    extra live:   {}", example(page));
    }
    for (page, properties) in finding.changed.iter().take(EXAMPLES) {
        println!(
            "    changed:      {} ({})",
            example(page),
            properties.join(", ")
        );
    }
    for difference in &finding.schema {
        println!("    schema:       {difference}");
    }
}

fn finding_json(finding: &Finding) -> Value {
    let example = |(id, title): &Example| json!({ "id": id, "title": title });
    let pages = |list: &[Example]| {
        json!({
            "count": list.len(),
            "examples": list.iter().take(EXAMPLES).map(example).collect::<Vec<_>>(),
        })
    };
    let changed: Vec<Value> = finding
        .changed
        .iter()
        .take(EXAMPLES)
        .map(|((id, title), properties)| {
            json!({ "id": id, "title": title, "properties": properties })
        })
        .collect();
    json!({
        "equal": finding.error.is_none() && finding.equal(),
        "backup_pages": finding.backup_pages,
        "live_pages": finding.live_pages,
        "missing": pages(&finding.missing),
        "extra": pages(&finding.extra),
        "changed": { "count": finding.changed.len(), "examples": changed },
        "schema": finding.schema,
        "error": finding.error.as_ref().map(|(_, e)| e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_compare_as_read_not_as_stored() {
        let a = json!({ "type": "multi_select", "multi_select": [
            { "id": "1", "name": "A", "color": "red" }, { "id": "2", "name": "B" }] });
        let b = json!({ "type": "multi_select", "multi_select": [
            { "id": "2", "name": "B", "color": "blue" }, { "id": "1", "name": "A" }] });
        assert_eq!(comparable(Format::Json, &a), comparable(Format::Json, &b));
        let bold = json!({ "type": "rich_text", "rich_text": [
            { "plain_text": "x", "annotations": { "bold": true }, "href": null }] });
        let plain = json!({ "type": "rich_text", "rich_text": [
            { "plain_text": "x", "annotations": { "bold": false }, "href": null }] });
        assert_ne!(
            comparable(Format::Json, &bold),
            comparable(Format::Json, &plain)
        );
        assert_eq!(
            comparable(Format::Csv, &bold),
            comparable(Format::Csv, &plain)
        );
    }

    #[test]
    fn schema_differences_match_properties_by_id() {
        fn property(id: &str, name: &str, kind: &str, config: Value) -> Value {
            json!({ "id": id, "name": name, "type": kind, kind: config })
        }
        let mut saved = Map::new();
        saved.insert("A".into(), property("a", "A", "rich_text", json!({})));
        saved.insert(
            "B".into(),
            property("b", "B", "number", json!({ "format": "number" })),
        );
        saved.insert("C".into(), property("c", "C", "checkbox", json!({})));
        let mut live = Map::new();
        live.insert("A2".into(), property("a", "A2", "rich_text", json!({})));
        live.insert(
            "B".into(),
            property("b", "B", "number", json!({ "format": "percent" })),
        );
        live.insert("D".into(), property("d", "D", "date", json!({})));
        let differences = schema_differences(&saved, &live);
        assert_eq!(
            differences,
            [
                "`A` was renamed `A2`",
                "`B` (number) has a different configuration",
                "`C` (checkbox) is gone from the live schema",
                "`D` (date) was added live",
            ]
        );
    }
}
