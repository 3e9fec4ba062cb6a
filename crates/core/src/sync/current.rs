//! [`CurrentRows`]: the pages a data source holds now, indexed by their key.
//!
//! A page's key is its `Sync Key`; a page written by an older tool that has none is known
//! by the dataset's legacy key property instead (and gets its `Sync Key` on the next
//! update), so that moving to this toolkit adopts old rows rather than duplicating them.
//! When several pages share a key, the one that has a `Sync Key` and, among those, the
//! oldest is kept; the others are duplicates, reported and, on a full sync, trashed.

use std::collections::HashMap;

use super::row::SYNC_KEY;
use super::spec::DatasetSpec;
use crate::notion::{Page, PageId};

/// Pages that share a key with the page kept for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Duplicate {
    /// The shared key.
    pub key: String,
    /// The page kept.
    pub kept: PageId,
    /// The other pages, oldest first.
    pub extra: Vec<PageId>,
}

/// The current rows of one data source.
#[derive(Debug, Default)]
pub struct CurrentRows {
    by_key: HashMap<String, Page>,
    duplicates: Vec<Duplicate>,
    unkeyed: usize,
}

impl CurrentRows {
    /// Indexes `pages` (trashed ones are skipped) by key.
    pub fn index(pages: Vec<Page>, spec: &DatasetSpec) -> Self {
        let mut groups: HashMap<String, Vec<Page>> = HashMap::new();
        let mut unkeyed = 0;
        for page in pages.into_iter().filter(|p| !p.in_trash) {
            match key_of(&page, spec) {
                Some(key) => groups.entry(key).or_default().push(page),
                None => unkeyed += 1,
            }
        }
        let mut by_key = HashMap::with_capacity(groups.len());
        let mut duplicates = Vec::new();
        for (key, mut pages) in groups {
            pages.sort_by(|a, b| {
                let keyed = |p: &Page| p.text(SYNC_KEY).is_none_or(str::is_empty);
                (keyed(a), a.created_time, &a.id).cmp(&(keyed(b), b.created_time, &b.id))
            });
            let mut pages = pages.into_iter();
            let Some(kept) = pages.next() else { continue };
            let extra: Vec<PageId> = pages.map(|p| p.id).collect();
            if !extra.is_empty() {
                duplicates.push(Duplicate {
                    key: key.clone(),
                    kept: kept.id.clone(),
                    extra,
                });
            }
            by_key.insert(key, kept);
        }
        duplicates.sort_by(|a, b| a.key.cmp(&b.key));
        Self {
            by_key,
            duplicates,
            unkeyed,
        }
    }

    /// The page kept for `key`.
    pub fn get(&self, key: &str) -> Option<&Page> {
        self.by_key.get(key)
    }

    /// Every kept page with its key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Page)> {
        self.by_key.iter().map(|(key, page)| (key.as_str(), page))
    }

    /// Kept pages: one per key.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// Whether there is no keyed page.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// Keys held by more than one page.
    pub fn duplicates(&self) -> &[Duplicate] {
        &self.duplicates
    }

    /// Pages with neither a `Sync Key` nor a legacy key: not the sync's, left alone.
    pub fn unkeyed(&self) -> usize {
        self.unkeyed
    }
}

fn key_of(page: &Page, spec: &DatasetSpec) -> Option<String> {
    let text = |property: &str| {
        page.text(property)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    text(SYNC_KEY).or_else(|| spec.legacy_key.and_then(text))
}
