//! Which backup properties a restore writes where, and the rows it creates: every
//! property the target has under the same name and type, the title to the target's
//! title, relation references followed into the restored database or dropped with a note.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde_json::{Map, Value, json};

use super::super::backup::BackupFile;
use super::super::csv::display;
use super::super::error::ExportError;
use super::super::writable::{WRITE_LIMIT, not_restorable, write_value};
use super::Target;
use super::relink::{self, Link, Links, original_keys};
use crate::app::context::Context;
use crate::notion::DataSource;
use crate::sync::SYNC_KEY;

/// Which backup properties are written where.
pub(super) struct Mapping {
    /// Backup property name → target property name and type.
    written: BTreeMap<String, (String, String)>,
    /// Where each written relation's references point now, by target property
    /// name.
    related: HashMap<String, Links>,
    /// Whether rows are keyed by `Sync Key` (the target has that rich text
    /// property).
    sync_key: bool,
    /// What is not written, and why.
    pub notes: Vec<String>,
}

/// One backup page, as it will be created.
pub(super) struct Row {
    pub original: String,
    pub title: String,
    pub key: Option<String>,
    pub properties: Map<String, Value>,
}

impl Mapping {
    pub(super) async fn new(
        context: &Context,
        file: &Path,
        backup: &BackupFile,
        target: &Target,
    ) -> Result<Self, ExportError> {
        let mut mapping = Self {
            written: BTreeMap::new(),
            related: HashMap::new(),
            sync_key: target
                .schema
                .properties
                .get(SYNC_KEY)
                .is_some_and(|p| p.kind == "rich_text"),
            notes: Vec::new(),
        };
        for (name, kind) in backup_properties(backup) {
            mapping.place(&name, &kind, &target.schema);
        }
        if !mapping.sync_key {
            mapping.notes.push(format!(
                "the target has no `{SYNC_KEY}` rich text property: every page is keyed by \
                 its original id in the restore ledger"
            ));
        }
        let relations: Vec<(String, Option<String>)> = mapping
            .written
            .values()
            .filter(|(_, kind)| kind == "relation")
            .map(|(name, _)| {
                let related = target.schema.properties[name].relation_target.clone();
                (name.clone(), related)
            })
            .collect();
        let originals = if relations.is_empty() {
            HashMap::new()
        } else {
            original_keys(file)
        };
        for (name, related) in relations {
            let links = relink::links(context, related.as_deref(), &name, &originals).await?;
            mapping.related.insert(name, links);
        }
        Ok(mapping)
    }

    /// Decides where the backup property `name` of type `kind` is written, if
    /// anywhere.
    fn place(&mut self, name: &str, kind: &str, schema: &DataSource) {
        if let Some(why) = not_restorable(kind) {
            self.notes
                .push(format!("`{name}` ({kind}) is not written: {why}"));
            return;
        }
        let target = if kind == "title" {
            schema.properties.values().find(|p| p.kind == "title")
        } else {
            schema.properties.get(name)
        };
        match target {
            None => self.notes.push(format!(
                "`{name}` ({kind}) is not in the target schema; not written"
            )),
            Some(property) if property.kind != kind => self.notes.push(format!(
                "`{name}` is {kind} in the backup but {} in the target; not written",
                property.kind
            )),
            Some(property) => {
                if property.name != name {
                    self.notes.push(format!(
                        "the title `{name}` is written to the target's title `{}`",
                        property.name
                    ));
                }
                self.written
                    .insert(name.to_owned(), (property.name.clone(), kind.to_owned()));
            }
        }
    }
}

/// Every property name in the backup's pages with its type, in name order.
fn backup_properties(backup: &BackupFile) -> BTreeMap<String, String> {
    let mut properties = BTreeMap::new();
    for page in &backup.pages {
        for (name, value) in page["properties"].as_object().into_iter().flatten() {
            if let Some(kind) = value["type"].as_str() {
                properties
                    .entry(name.clone())
                    .or_insert_with(|| kind.to_owned());
            }
        }
    }
    properties
}

/// What a restore left out of one relation property.
#[derive(Default)]
struct Dropped {
    /// References to pages that are gone.
    references: usize,
    /// Pages that lost some.
    pages: usize,
    /// Pages cut at [`WRITE_LIMIT`].
    cut: usize,
    /// References carried over to the restored page with the same `Sync Key`.
    moved: usize,
}

/// The rows to create, and notes on relation references dropped.
pub(super) fn rows(backup: &BackupFile, mapping: &Mapping) -> (Vec<Row>, Vec<String>) {
    let mut dropped: BTreeMap<&str, Dropped> = BTreeMap::new();
    let mut rows = Vec::with_capacity(backup.pages.len());
    for page in &backup.pages {
        let mut properties = Map::new();
        let mut title = String::new();
        for (name, value) in page["properties"].as_object().into_iter().flatten() {
            let Some((target_name, kind)) = mapping.written.get(name) else {
                continue;
            };
            let Some(mut written) = write_value(value) else {
                continue;
            };
            if kind == "title" {
                title = display(value);
            }
            if kind == "relation" {
                let links = mapping.related.get(target_name);
                let counts = dropped.entry(target_name.as_str()).or_default();
                keep_live(&mut written["relation"], links, counts);
            }
            properties.insert(target_name.clone(), written);
        }
        let key = page["properties"]
            .get(SYNC_KEY)
            .map(display)
            .filter(|k| mapping.sync_key && !k.is_empty());
        rows.push(Row {
            original: page["id"].as_str().unwrap_or_default().to_owned(),
            title,
            key,
            properties,
        });
    }
    let notes = dropped.into_iter().flat_map(|(property, d)| {
        let gone = (d.references > 0).then(|| {
            format!(
                "`{property}`: {} reference(s) to pages that no longer exist (or are in \
                 the trash) dropped, on {} page(s)",
                d.references, d.pages
            )
        });
        let moved = (d.moved > 0).then(|| {
            format!(
                "`{property}`: {} reference(s) now point to the restored pages with the \
                 same Sync Key",
                d.moved
            )
        });
        let cut = (d.cut > 0).then(|| {
            format!(
                "`{property}`: {} page(s) had more than {WRITE_LIMIT} references, more \
                 than Notion takes in one write; the rest were dropped",
                d.cut
            )
        });
        moved.into_iter().chain(gone).chain(cut)
    });
    (rows, notes.collect())
}

/// Keeps the references of a relation value that point to live pages, now or
/// through their `Sync Key`, at most [`WRITE_LIMIT`] of them, counting what
/// moves and what goes in `dropped`.
fn keep_live(relation: &mut Value, links: Option<&Links>, dropped: &mut Dropped) {
    let all = relation.as_array().cloned().unwrap_or_default();
    let mut kept = Vec::with_capacity(all.len());
    for reference in &all {
        let id = reference["id"].as_str().unwrap_or_default();
        match links.map_or(Link::Gone, |l| l.follow(id)) {
            Link::Live => kept.push(reference.clone()),
            Link::Moved(live) => {
                dropped.moved += 1;
                kept.push(json!({ "id": live }));
            }
            Link::Gone => {}
        }
    }
    if kept.len() < all.len() {
        dropped.references += all.len() - kept.len();
        dropped.pages += 1;
    }
    if kept.len() > WRITE_LIMIT {
        kept.truncate(WRITE_LIMIT);
        dropped.cut += 1;
    }
    *relation = Value::Array(kept);
}
