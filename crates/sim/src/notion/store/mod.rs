//! The simulated workspace: databases, their data sources, and pages, with the indexes that
//! keep queries cheap.
//!
//! - Each data source holds its own rows in a map ordered by `(created_time, id)`, which is
//!   the default order of a query, so an unsorted query never sorts.
//! - Pages are shared (`Arc`) between the store and the responses being rendered, so a handler
//!   copies pointers out of the lock and renders JSON after releasing it. Writes go through
//!   [`Workspace::page_mut`], which copies a page only while a response still holds it.
//! - Property values are stored in the shape responses carry them (wire form), keyed by
//!   property id, so rendering a page is serialising what is stored.
//!
//! This module owns storage and lookups; checking requests is the handlers' job.

mod seed;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::schema::update::SchemaChanges;
use super::schema::{PropertyConfig, Schema, SharedSchema};

pub use seed::seeded;

/// Every database, data source and page of the simulated workspace.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Workspace {
    databases: BTreeMap<String, Database>,
    data_sources: BTreeMap<String, DataSource>,
    /// Pages whose parent is a page or the workspace.
    pages: BTreeMap<String, SharedPage>,
    /// Where each data source row lives.
    rows: HashMap<String, RowHome>,
}

/// The data source a row belongs to and its key in that data source's row map.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct RowHome {
    data_source_id: String,
    key: String,
}

/// A database: the container the Notion UI shows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Database {
    /// Id.
    pub id: String,
    /// Title, as response rich text items.
    pub title: Value,
    /// Description, as response rich text items.
    pub description: Value,
    /// Parent page; `None` for the workspace.
    pub parent_page_id: Option<String>,
    /// Shown inline in its parent page.
    pub is_inline: bool,
    /// In the trash.
    pub in_trash: bool,
    /// Locked against edits in the UI.
    pub is_locked: bool,
    /// Creation time (wire format).
    pub created_time: String,
    /// Last edit time (wire format).
    pub last_edited_time: String,
    /// Icon object or `null`.
    pub icon: Value,
    /// Cover object or `null`.
    pub cover: Value,
    /// Its data sources (one for every database the simulator creates).
    pub data_source_ids: Vec<String>,
}

/// A data source: a schema and the pages (rows) that follow it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DataSource {
    /// Id.
    pub id: String,
    /// Its database.
    pub database_id: String,
    /// Title, as response rich text items.
    pub title: Value,
    /// Description, as response rich text items.
    pub description: Value,
    /// In the trash.
    pub in_trash: bool,
    /// Icon object or `null`.
    pub icon: Value,
    /// Creation time (wire format).
    pub created_time: String,
    /// Last edit time (wire format).
    pub last_edited_time: String,
    /// The properties.
    pub schema: SharedSchema,
    /// The rows, keyed `"<created_time> <id>"` so that the map's order is the default order.
    rows: BTreeMap<String, SharedPage>,
}

impl DataSource {
    /// A data source without rows.
    pub fn new(id: String, database_id: String, title: Value, schema: Schema, now: &str) -> Self {
        Self {
            id,
            database_id,
            title,
            description: Value::Array(Vec::new()),
            in_trash: false,
            icon: Value::Null,
            created_time: now.to_owned(),
            last_edited_time: now.to_owned(),
            schema: SharedSchema::new(schema),
            rows: BTreeMap::new(),
        }
    }

    /// The rows in default order: `created_time`, then id. Trashed rows included.
    pub fn rows(&self) -> impl DoubleEndedIterator<Item = &SharedPage> + ExactSizeIterator {
        self.rows.values()
    }

    /// The rows in default order starting at row key `anchor` (included), or from the first
    /// (last, when `descending`) row.
    pub fn rows_from<'a>(
        &'a self,
        anchor: Option<&str>,
        descending: bool,
    ) -> Box<dyn Iterator<Item = &'a SharedPage> + 'a> {
        let anchor = anchor.map(str::to_owned);
        match (anchor, descending) {
            (None, false) => Box::new(self.rows.values()),
            (None, true) => Box::new(self.rows.values().rev()),
            (Some(key), false) => Box::new(self.rows.range(key..).map(|(_, page)| page)),
            (Some(key), true) => Box::new(self.rows.range(..=key).rev().map(|(_, page)| page)),
        }
    }

    /// A row's key in the default order.
    pub fn row_key(page: &Page) -> String {
        format!("{} {}", page.created_time, page.id)
    }

    /// Replaces the schema and brings stored values in line with it.
    pub fn set_schema(&mut self, schema: Schema, changes: &SchemaChanges) {
        if !changes.is_empty() {
            for row in self.rows.values_mut() {
                let touched = changes
                    .dropped
                    .iter()
                    .chain(&changes.options_changed)
                    .any(|id| row.values.contains_key(id));
                if touched {
                    conform_values(Arc::make_mut(&mut row.0), &schema, changes);
                }
            }
        }
        self.schema = SharedSchema::new(schema);
    }
}

fn conform_values(page: &mut Page, schema: &Schema, changes: &SchemaChanges) {
    for id in &changes.dropped {
        page.values.remove(id);
    }
    for id in &changes.options_changed {
        let Some(property) = schema.by_id(id) else {
            continue;
        };
        let options = property.config.options().unwrap_or(&[]);
        let current = |choice: &Value| {
            let id = choice.get("id").and_then(Value::as_str)?;
            let option = options.iter().find(|o| o.id == id)?;
            Some(serde_json::json!({ "id": option.id, "name": option.name, "color": option.color }))
        };
        let Some(value) = page.values.get_mut(id) else {
            continue;
        };
        *value = match (&property.config, &*value) {
            (PropertyConfig::MultiSelect { .. }, Value::Array(items)) => {
                Value::Array(items.iter().filter_map(current).collect())
            }
            (_, choice) => current(choice).unwrap_or(Value::Null),
        };
    }
}

/// A page: a data source row, or a page below a page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Page {
    /// Id.
    pub id: String,
    /// Where the page lives.
    pub parent: PageParent,
    /// Creation time (wire format, minute precision).
    pub created_time: String,
    /// Last edit time (wire format, minute precision).
    pub last_edited_time: String,
    /// In the trash.
    pub in_trash: bool,
    /// Locked against edits in the UI.
    pub is_locked: bool,
    /// Icon object or `null`.
    pub icon: Value,
    /// Cover object or `null`.
    pub cover: Value,
    /// `https://www.notion.so/<Title>-<id>`.
    pub url: String,
    /// Property values by property id, as responses carry them under the type key.
    pub values: BTreeMap<String, Value>,
}

impl Page {
    /// The id of the data source the page is a row of.
    pub fn data_source_id(&self) -> Option<&str> {
        match &self.parent {
            PageParent::DataSource { data_source_id, .. } => Some(data_source_id),
            _ => None,
        }
    }
}

/// Where a page lives.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PageParent {
    /// A row of a data source.
    DataSource {
        /// The data source.
        data_source_id: String,
        /// Its database.
        database_id: String,
    },
    /// A page below a page.
    Page {
        /// The parent page.
        page_id: String,
    },
    /// A top-level page.
    Workspace,
}

/// A page shared between the store and responses being rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedPage(pub Arc<Page>);

impl std::ops::Deref for SharedPage {
    type Target = Page;

    fn deref(&self) -> &Page {
        &self.0
    }
}

impl Serialize for SharedPage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SharedPage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Page::deserialize(deserializer).map(|page| Self(Arc::new(page)))
    }
}

impl Workspace {
    /// The workspace at start: the parent page and the four empty databases.
    pub fn seeded(now: DateTime<Utc>) -> Self {
        seeded(now)
    }

    /// A database by id.
    pub fn database(&self, id: &str) -> Option<&Database> {
        self.databases.get(id)
    }

    /// A database by id, to change.
    pub fn database_mut(&mut self, id: &str) -> Option<&mut Database> {
        self.databases.get_mut(id)
    }

    /// Every database.
    pub fn databases(&self) -> impl Iterator<Item = &Database> {
        self.databases.values()
    }

    /// A data source by id.
    pub fn data_source(&self, id: &str) -> Option<&DataSource> {
        self.data_sources.get(id)
    }

    /// A data source by id, to change.
    pub fn data_source_mut(&mut self, id: &str) -> Option<&mut DataSource> {
        self.data_sources.get_mut(id)
    }

    /// Every data source.
    pub fn data_sources(&self) -> impl Iterator<Item = &DataSource> {
        self.data_sources.values()
    }

    /// The first data source of a database (the simulator's databases have exactly one).
    pub fn primary_data_source(&self, database_id: &str) -> Option<&DataSource> {
        let database = self.databases.get(database_id)?;
        database
            .data_source_ids
            .first()
            .and_then(|id| self.data_sources.get(id))
    }

    /// Adds a database with its data sources.
    pub fn insert_database(&mut self, database: Database, data_sources: Vec<DataSource>) {
        for data_source in data_sources {
            self.data_sources
                .insert(data_source.id.clone(), data_source);
        }
        self.databases.insert(database.id.clone(), database);
    }

    /// A page by id, wherever it lives.
    pub fn page(&self, id: &str) -> Option<&SharedPage> {
        match self.rows.get(id) {
            Some(home) => self
                .data_sources
                .get(&home.data_source_id)
                .and_then(|ds| ds.rows.get(&home.key)),
            None => self.pages.get(id),
        }
    }

    /// Whether `page_id` is a row of `data_source_id`.
    pub fn is_row_of(&self, page_id: &str, data_source_id: &str) -> bool {
        self.rows
            .get(page_id)
            .is_some_and(|home| home.data_source_id == data_source_id)
    }

    /// A page by id, to change (copied first if a response still holds it).
    pub fn page_mut(&mut self, id: &str) -> Option<&mut Page> {
        let shared = match self.rows.get(id) {
            Some(home) => self
                .data_sources
                .get_mut(&home.data_source_id)
                .and_then(|ds| ds.rows.get_mut(&home.key)),
            None => self.pages.get_mut(id),
        }?;
        Some(Arc::make_mut(&mut shared.0))
    }

    /// Every page: the ones outside data sources, then each data source's rows.
    pub fn all_pages(&self) -> impl Iterator<Item = &SharedPage> {
        self.pages
            .values()
            .chain(self.data_sources.values().flat_map(|ds| ds.rows.values()))
    }

    /// Adds a page where its parent says. The caller has checked that the parent exists.
    pub fn insert_page(&mut self, page: Page) -> SharedPage {
        let shared = SharedPage(Arc::new(page));
        match &shared.parent {
            PageParent::DataSource { data_source_id, .. } => {
                let key = DataSource::row_key(&shared);
                if let Some(data_source) = self.data_sources.get_mut(data_source_id) {
                    data_source.rows.insert(key.clone(), shared.clone());
                    let home = RowHome {
                        data_source_id: data_source_id.clone(),
                        key,
                    };
                    self.rows.insert(shared.id.clone(), home);
                }
            }
            PageParent::Page { .. } | PageParent::Workspace => {
                self.pages.insert(shared.id.clone(), shared.clone());
            }
        }
        shared
    }
}
