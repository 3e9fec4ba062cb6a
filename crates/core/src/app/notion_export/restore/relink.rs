//! Where a restored relation reference points. A backup's relation values name pages of
//! the database as it was; after a rebuild (`setup-databases --create-all`, then a restore
//! of each backup) those pages are gone or belong to the damaged database, and the rows
//! they stood for live in the restored one under new ids. Every synced row carries its
//! `Sync Key`, so a reference is carried over by key: the backup of the relation's target,
//! exported with this one (the manifest beside it), says which key each original page had,
//! and the relation's target database says which live page has that key now.
//!
//! So a set of backups restores whole when the database a relation points to (Customer
//! Status, for Daily Health's `Site`) is restored first.

use std::collections::HashMap;
use std::path::Path;

use super::super::backup::{BackupFile, Format};
use super::super::csv::display;
use super::super::error::ExportError;
use super::super::manifest::Manifest;
use crate::app::context::Context;
use crate::notion::{DataSourceId, PageId, Query};
use crate::sync::SYNC_KEY;

/// Reference ids a relation property may be written with: each live row of its target
/// points to itself; an original page of a sibling backup points to the live row with
/// its `Sync Key`.
#[derive(Debug, Default)]
pub(super) struct Links {
    to: HashMap<String, String>,
}

/// What became of one reference.
pub(super) enum Link<'a> {
    /// A live row of the target: written as it was.
    Live,
    /// An original page whose row lives on under another id.
    Moved(&'a str),
    /// Neither: dropped.
    Gone,
}

impl Links {
    /// Where `reference` (a page id in any form) points now.
    pub(super) fn follow(&self, reference: &str) -> Link<'_> {
        let Ok(id) = PageId::parse(reference) else {
            return Link::Gone;
        };
        match self.to.get(id.as_str()) {
            Some(live) if live == id.as_str() => Link::Live,
            Some(live) => Link::Moved(live),
            None => Link::Gone,
        }
    }
}

/// The original page id → `Sync Key` of every page of the databases the relations of the
/// backup `file` point at, read from their backups in the manifest that lists `file`. Empty
/// when no manifest lists it: references are then kept only to live rows.
pub(super) fn original_keys(file: &Path) -> HashMap<String, String> {
    let mut keys = HashMap::new();
    let Some((path, manifest)) = Manifest::listing(file) else {
        return keys;
    };
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    let Some(own) = manifest.entry(&name) else {
        return keys;
    };
    let related: Vec<&str> = own
        .properties
        .values()
        .filter_map(|p| p["relation"]["data_source_id"].as_str())
        .collect();
    let dir = path.parent().unwrap_or(Path::new("."));
    let targets = manifest
        .databases
        .iter()
        .filter(|e| e.format == Format::Json && related.contains(&e.data_source_id.as_str()));
    for entry in targets {
        let Ok(target) = BackupFile::read(&dir.join(&entry.file)) else {
            tracing::warn!(file = %entry.file,
                "the backup a relation points at is unreadable; its references are dropped");
            continue;
        };
        for page in &target.pages {
            let key = page["properties"].get(SYNC_KEY).map(display);
            let id = page["id"].as_str().and_then(|id| PageId::parse(id).ok());
            if let (Some(id), Some(key)) = (id, key.filter(|k| !k.is_empty())) {
                keys.insert(id.to_string(), key);
            }
        }
    }
    keys
}

/// The links of a relation property pointing at `related` (a data source id), given the
/// original pages' keys.
pub(super) async fn links(
    context: &Context,
    related: Option<&str>,
    property: &str,
    originals: &HashMap<String, String>,
) -> Result<Links, ExportError> {
    let what = format!("failed to read the pages relation `{property}` points to");
    let Some(source) = related.and_then(|id| DataSourceId::parse(id).ok()) else {
        return Ok(Links::default());
    };
    let query = Query {
        filter: None,
        properties: vec!["title".to_owned(), SYNC_KEY.to_owned()],
    };
    let pages = context
        .notion
        .query(&source, &query)
        .await
        .map_err(ExportError::notion(what))?;
    let mut to = HashMap::with_capacity(pages.len() + originals.len());
    let mut by_key = HashMap::new();
    for page in pages {
        if let Some(key) = page.text(SYNC_KEY).filter(|k| !k.is_empty()) {
            by_key.insert(key.to_owned(), page.id.to_string());
        }
        to.insert(page.id.to_string(), page.id.to_string());
    }
    for (original, key) in originals {
        if let (false, Some(live)) = (to.contains_key(original), by_key.get(key)) {
            to.insert(original.clone(), live.clone());
        }
    }
    Ok(Links { to })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIVE: &str = "11111111-1111-4111-8111-111111111111";
    const MOVED_FROM: &str = "22222222-2222-4222-8222-222222222222";

    fn links() -> Links {
        let mut to = HashMap::new();
        to.insert(LIVE.to_owned(), LIVE.to_owned());
        to.insert(MOVED_FROM.to_owned(), LIVE.to_owned());
        Links { to }
    }

    #[test]
    fn a_reference_is_kept_moved_or_dropped() {
        let links = links();
        assert!(matches!(links.follow(LIVE), Link::Live));
        assert!(matches!(
            links.follow(&MOVED_FROM.replace('-', "")),
            Link::Moved(LIVE)
        ));
        assert!(matches!(
            links.follow("33333333-3333-4333-8333-333333333333"),
            Link::Gone
        ));
        assert!(matches!(links.follow("not an id"), Link::Gone));
    }
}
