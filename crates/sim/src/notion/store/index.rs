//! An index of a data source's title and rich text values, for `equals` lookups: the create
//! guard of a sync looks rows up by an external key (`Sync Key equals ...`, NOTION.md
//! section 11) before every create, and a scan of every row per lookup does not scale.
//!
//! A property is indexed the first time a query looks it up, and kept up to date by every
//! later write to the data source; a schema change drops the index. It is never persisted.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;

use super::SharedPage;
use crate::notion::schema::{PropertyConfig, Schema};
use crate::notion::store::Page;
use crate::notion::values::rich_text;

/// Row keys by plain text, per indexed property id.
type Entries = HashMap<String, HashMap<String, BTreeSet<String>>>;

/// The text index of one data source.
#[derive(Default)]
pub struct TextIndex(Mutex<Entries>);

impl TextIndex {
    /// The keys of the rows whose property `property_id` reads exactly `text` (trashed rows
    /// included). Indexes the property first if needed.
    pub fn lookup(
        &self,
        rows: &BTreeMap<String, SharedPage>,
        property_id: &str,
        text: &str,
    ) -> BTreeSet<String> {
        let mut entries = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let values = entries.entry(property_id.to_owned()).or_insert_with(|| {
            let mut values: HashMap<String, BTreeSet<String>> = HashMap::new();
            for (key, page) in rows {
                if let Some(value) = page.values.get(property_id) {
                    let text = rich_text::plain_text(value).into_owned();
                    values.entry(text).or_default().insert(key.clone());
                }
            }
            values
        });
        values.get(text).cloned().unwrap_or_default()
    }

    /// Records row `key` (its current values) in every indexed property.
    pub fn add(&mut self, schema: &Schema, key: &str, page: &Page) {
        for (property_id, values) in self.entries() {
            if let Some(text) = indexed_text(schema, property_id, page) {
                values.entry(text).or_default().insert(key.to_owned());
            }
        }
    }

    /// Forgets row `key` (its current values) in every indexed property.
    pub fn remove(&mut self, schema: &Schema, key: &str, page: &Page) {
        for (property_id, values) in self.entries() {
            if let Some(text) = indexed_text(schema, property_id, page)
                && let Some(keys) = values.get_mut(&text)
            {
                keys.remove(key);
                if keys.is_empty() {
                    values.remove(&text);
                }
            }
        }
    }

    /// Drops every index (the schema changed).
    pub fn reset(&mut self) {
        self.entries().clear();
    }

    fn entries(&mut self) -> &mut Entries {
        self.0
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn indexed_text(schema: &Schema, property_id: &str, page: &Page) -> Option<String> {
    let property = schema.by_id(property_id)?;
    if !matches!(
        property.config,
        PropertyConfig::Title | PropertyConfig::RichText
    ) {
        return None;
    }
    let value = page.values.get(property_id)?;
    Some(rich_text::plain_text(value).into_owned())
}

/// A copy of a data source starts without an index.
impl Clone for TextIndex {
    fn clone(&self) -> Self {
        Self::default()
    }
}

/// Indexes do not make two data sources different.
impl PartialEq for TextIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for TextIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TextIndex")
    }
}
