//! A data source's property schema: the properties, their ids, types and configuration
//! (select options, number formats, relation targets), how requests describe them
//! ([`parse`], [`update`]) and how responses show them ([`render`]).

pub mod parse;
pub mod render;
pub mod update;

use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ids;

/// The properties of one data source, in the order they were created.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Schema {
    /// Every property; exactly one is of type `title`.
    pub properties: Vec<Property>,
}

impl Schema {
    /// The schema of a page whose parent is a page or the workspace: its title only.
    pub fn page_title() -> Self {
        Self {
            properties: vec![Property {
                id: "title".to_owned(),
                name: "title".to_owned(),
                description: None,
                config: PropertyConfig::Title,
            }],
        }
    }

    /// The property a request names, by name, by id, or by id as given URL-encoded once
    /// more or decoded once (clients do both with ids such as `%3ClH%5B`).
    pub fn find(&self, key: &str) -> Option<&Property> {
        self.properties
            .iter()
            .find(|p| p.name == key)
            .or_else(|| self.properties.iter().find(|p| p.id == key))
            .or_else(|| {
                let decoded = ids::percent_decode(key);
                self.properties
                    .iter()
                    .find(|p| p.id == decoded || ids::percent_decode(&p.id) == key)
            })
    }

    /// The property with this id.
    pub fn by_id(&self, id: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.id == id)
    }

    /// The title property.
    pub fn title(&self) -> Option<&Property> {
        self.properties
            .iter()
            .find(|p| matches!(p.config, PropertyConfig::Title))
    }

    /// A fresh property id for a property named `name` in data source `data_source_id`.
    pub fn new_property_id(&self, data_source_id: &str, name: &str) -> String {
        (0..)
            .map(|attempt| ids::property_id(data_source_id, name, attempt))
            .find(|id| id != "title" && self.by_id(id).is_none())
            .unwrap_or_else(ids::new_uuid)
    }
}

/// One property of a data source.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Property {
    /// Stable id (`title` for the title property); survives renames.
    pub id: String,
    /// Name, unique within the data source; page property maps are keyed by it.
    pub name: String,
    /// Description shown in the UI.
    pub description: Option<String>,
    /// Type and configuration.
    pub config: PropertyConfig,
}

/// A property's type and its configuration.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PropertyConfig {
    /// The page title.
    Title,
    /// Rich text.
    RichText,
    /// A number shown in `format` (`number`, `percent`, ...).
    Number {
        /// Display format.
        format: String,
    },
    /// One option of a list.
    Select {
        /// The options, in display order.
        options: Vec<SelectOption>,
    },
    /// Several options of a list.
    MultiSelect {
        /// The options, in display order.
        options: Vec<SelectOption>,
    },
    /// A workflow status.
    Status {
        /// The options.
        options: Vec<SelectOption>,
        /// The groups the options fall in.
        groups: Vec<StatusGroup>,
    },
    /// A date or date range.
    Date,
    /// A checkbox.
    Checkbox,
    /// A URL.
    Url,
    /// An e-mail address.
    Email,
    /// A phone number.
    PhoneNumber,
    /// Users.
    People,
    /// Pages of another (or the same) data source, `single_property`.
    Relation {
        /// The related data source.
        data_source_id: String,
        /// Its database.
        database_id: String,
    },
    /// When the page was created (read-only).
    CreatedTime,
    /// When the page was last edited (read-only).
    LastEditedTime,
}

impl PropertyConfig {
    /// The type name used as the key of values, filters and configurations.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::RichText => "rich_text",
            Self::Number { .. } => "number",
            Self::Select { .. } => "select",
            Self::MultiSelect { .. } => "multi_select",
            Self::Status { .. } => "status",
            Self::Date => "date",
            Self::Checkbox => "checkbox",
            Self::Url => "url",
            Self::Email => "email",
            Self::PhoneNumber => "phone_number",
            Self::People => "people",
            Self::Relation { .. } => "relation",
            Self::CreatedTime => "created_time",
            Self::LastEditedTime => "last_edited_time",
        }
    }

    /// The option list of a select, multi-select or status property.
    pub fn options(&self) -> Option<&[SelectOption]> {
        match self {
            Self::Select { options } | Self::MultiSelect { options } => Some(options),
            Self::Status { options, .. } => Some(options),
            _ => None,
        }
    }

    /// The option list, to change.
    pub fn options_mut(&mut self) -> Option<&mut Vec<SelectOption>> {
        match self {
            Self::Select { options } | Self::MultiSelect { options } => Some(options),
            Self::Status { options, .. } => Some(options),
            _ => None,
        }
    }
}

/// An option of a select, multi-select or status property.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SelectOption {
    /// Stable id.
    pub id: String,
    /// Name, unique within the property.
    pub name: String,
    /// One of Notion's ten select colours.
    pub color: String,
    /// Optional description.
    pub description: Option<String>,
}

/// A group of status options.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StatusGroup {
    /// Stable id.
    pub id: String,
    /// Name (`To-do`, `In progress`, `Complete`).
    pub name: String,
    /// Colour.
    pub color: String,
    /// The options in the group.
    pub option_ids: Vec<String>,
}

/// The colours a select option may have.
pub const SELECT_COLORS: [&str; 10] = [
    "default", "gray", "brown", "orange", "yellow", "green", "blue", "purple", "pink", "red",
];

/// A schema shared between the stored data source and the responses being rendered from it,
/// so that rendering happens outside the workspace lock without copying the schema.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SharedSchema(pub Arc<Schema>);

impl SharedSchema {
    /// Wraps a schema.
    pub fn new(schema: Schema) -> Self {
        Self(Arc::new(schema))
    }
}

impl std::ops::Deref for SharedSchema {
    type Target = Schema;

    fn deref(&self) -> &Schema {
        &self.0
    }
}

impl Serialize for SharedSchema {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SharedSchema {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Schema::deserialize(deserializer).map(Self::new)
    }
}
