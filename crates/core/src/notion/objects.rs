//! The Notion objects the sync reads: pages (rows), databases and data sources (schemas), and
//! the bot user. Decoding is tolerant: unknown fields are ignored, unknown property types kept
//! as [`PropertyValue::Other`].

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::error::NotionError;
use super::ids::{DataSourceId, DatabaseId, PageId};
use super::values::PropertyValue;

/// A page (a row of a data source).
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Its id.
    pub id: PageId,
    /// When it was created (Notion rounds it to the minute).
    pub created_time: DateTime<Utc>,
    /// When it was last edited (rounded to the minute).
    pub last_edited_time: DateTime<Utc>,
    /// Whether it is in the trash.
    pub in_trash: bool,
    /// Its properties, by name.
    pub properties: BTreeMap<String, PropertyValue>,
    /// Relation properties that Notion cut at 25 references (read them whole with
    /// [`super::NotionClient::relation`]).
    pub truncated: BTreeSet<String>,
}

impl Page {
    /// Decodes a page object.
    pub fn from_json(value: &Value) -> Result<Self, NotionError> {
        let id = value["id"]
            .as_str()
            .and_then(|id| PageId::parse(id).ok())
            .ok_or_else(|| NotionError::decode("page", "no `id`"))?;
        let time = |field: &str| {
            value[field]
                .as_str()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&Utc))
                .ok_or_else(|| NotionError::decode("page", format!("no valid `{field}`")))
        };
        let mut properties = BTreeMap::new();
        let mut truncated = BTreeSet::new();
        for (name, property) in value["properties"].as_object().into_iter().flatten() {
            let (parsed, cut) = PropertyValue::from_json(property);
            if cut {
                truncated.insert(name.clone());
            }
            properties.insert(name.clone(), parsed);
        }
        Ok(Self {
            id,
            created_time: time("created_time")?,
            last_edited_time: time("last_edited_time")?,
            in_trash: value["in_trash"].as_bool().unwrap_or(false),
            properties,
            truncated,
        })
    }

    /// The plain text of the page's title property.
    pub fn title(&self) -> Option<&str> {
        self.properties.values().find_map(|value| match value {
            PropertyValue::Title(text) => Some(text.as_str()),
            _ => None,
        })
    }

    /// The plain text of a title or rich text property, if the page has it.
    pub fn text(&self, property: &str) -> Option<&str> {
        match self.properties.get(property)? {
            PropertyValue::Title(text) | PropertyValue::RichText(text) => Some(text),
            _ => None,
        }
    }
}

/// A database: the container, with its data sources.
#[derive(Debug, Clone, PartialEq)]
pub struct Database {
    /// Its id.
    pub id: DatabaseId,
    /// Its title, as plain text.
    pub title: String,
    /// Its data sources: id and name.
    pub data_sources: Vec<(DataSourceId, String)>,
    /// Whether it is in the trash.
    pub in_trash: bool,
}

impl Database {
    /// Decodes a database object.
    pub fn from_json(value: &Value) -> Result<Self, NotionError> {
        let id = value["id"]
            .as_str()
            .and_then(|id| DatabaseId::parse(id).ok())
            .ok_or_else(|| NotionError::decode("database", "no `id`"))?;
        let data_sources = value["data_sources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|source| {
                let id = DataSourceId::parse(source["id"].as_str()?).ok()?;
                Some((id, source["name"].as_str().unwrap_or_default().to_owned()))
            })
            .collect();
        Ok(Self {
            id,
            title: plain(&value["title"]),
            data_sources,
            in_trash: value["in_trash"].as_bool().unwrap_or(false),
        })
    }
}

/// One property of a data source's schema.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertySchema {
    /// Stable id (survives renames); `title` for the title property.
    pub id: String,
    /// Current name.
    pub name: String,
    /// Type name (`title`, `rich_text`, `number`, `select`, ...).
    pub kind: String,
    /// Option names of a select, multi-select or status property.
    pub options: Vec<String>,
    /// Number format of a number property.
    pub number_format: Option<String>,
    /// Target data source of a relation property.
    pub relation_target: Option<String>,
    /// The configuration object as Notion returned it.
    pub raw: Value,
}

/// A data source: its schema.
#[derive(Debug, Clone, PartialEq)]
pub struct DataSource {
    /// Its id.
    pub id: DataSourceId,
    /// The database it belongs to, when Notion says.
    pub database_id: Option<DatabaseId>,
    /// Its title, as plain text.
    pub title: String,
    /// Its properties, by name.
    pub properties: BTreeMap<String, PropertySchema>,
}

impl DataSource {
    /// Decodes a data source object.
    pub fn from_json(value: &Value) -> Result<Self, NotionError> {
        let id = value["id"]
            .as_str()
            .and_then(|id| DataSourceId::parse(id).ok())
            .ok_or_else(|| NotionError::decode("data source", "no `id`"))?;
        let properties = value["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, config)| (name.clone(), property_schema(name, config)))
            .collect();
        Ok(Self {
            id,
            database_id: value["parent"]["database_id"]
                .as_str()
                .and_then(|id| DatabaseId::parse(id).ok()),
            title: plain(&value["title"]),
            properties,
        })
    }

    /// The name of the title property.
    pub fn title_property(&self) -> Option<&str> {
        self.properties
            .values()
            .find(|p| p.kind == "title")
            .map(|p| p.name.as_str())
    }
}

fn property_schema(name: &str, config: &Value) -> PropertySchema {
    let kind = config["type"].as_str().unwrap_or_default().to_owned();
    let inner = &config[kind.as_str()];
    PropertySchema {
        id: config["id"].as_str().unwrap_or_default().to_owned(),
        name: config["name"].as_str().unwrap_or(name).to_owned(),
        options: inner["options"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o["name"].as_str().map(str::to_owned))
            .collect(),
        number_format: inner["format"].as_str().map(str::to_owned),
        relation_target: inner["data_source_id"].as_str().map(str::to_owned),
        raw: config.clone(),
        kind,
    }
}

/// The integration's own user (`GET /v1/users/me`).
#[derive(Debug, Clone, PartialEq)]
pub struct BotUser {
    /// User id.
    pub id: String,
    /// Name (may be missing on newer API versions).
    pub name: Option<String>,
    /// `bot` for integrations.
    pub kind: String,
    /// Workspace name, when the token is a bot's.
    pub workspace_name: Option<String>,
}

impl BotUser {
    /// Decodes a user object.
    pub fn from_json(value: &Value) -> Self {
        Self {
            id: value["id"].as_str().unwrap_or_default().to_owned(),
            name: value["name"].as_str().map(str::to_owned),
            kind: value["type"].as_str().unwrap_or_default().to_owned(),
            workspace_name: value["bot"]["workspace_name"].as_str().map(str::to_owned),
        }
    }
}

fn plain(items: &Value) -> String {
    items
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| item["plain_text"].as_str())
        .collect()
}
