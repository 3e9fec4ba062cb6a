//! Property configurations as responses show them: `{id, name, description, type, <type>}`
//! keyed by name, shaped for the request's version (the legacy shape has no `description` and
//! relations without `data_source_id`).

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::{Property, PropertyConfig, Schema, SelectOption, StatusGroup};
use crate::notion::version::ApiVersion;

/// A schema's `properties` object.
pub struct PropertiesView<'a> {
    /// The schema.
    pub schema: &'a Schema,
    /// The request's version.
    pub version: ApiVersion,
}

impl Serialize for PropertiesView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.schema.properties.len()))?;
        for property in &self.schema.properties {
            let view = PropertyView {
                property,
                version: self.version,
            };
            map.serialize_entry(&property.name, &view)?;
        }
        map.end()
    }
}

struct PropertyView<'a> {
    property: &'a Property,
    version: ApiVersion,
}

impl Serialize for PropertyView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let property = self.property;
        let legacy = !self.version.has_data_sources();
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &property.id)?;
        map.serialize_entry("name", &property.name)?;
        if !legacy {
            map.serialize_entry("description", &property.description)?;
        }
        let kind = property.config.type_name();
        map.serialize_entry("type", kind)?;
        let config = ConfigView {
            config: &property.config,
            legacy,
        };
        map.serialize_entry(kind, &config)?;
        map.end()
    }
}

struct ConfigView<'a> {
    config: &'a PropertyConfig,
    legacy: bool,
}

impl Serialize for ConfigView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        let options = |options| OptionsView {
            options,
            legacy: self.legacy,
        };
        match self.config {
            PropertyConfig::Number { format } => map.serialize_entry("format", format)?,
            PropertyConfig::Select { options: list }
            | PropertyConfig::MultiSelect { options: list } => {
                map.serialize_entry("options", &options(list))?;
            }
            PropertyConfig::Status {
                options: list,
                groups,
            } => {
                map.serialize_entry("options", &options(list))?;
                map.serialize_entry("groups", &GroupsView(groups))?;
            }
            PropertyConfig::Relation {
                data_source_id,
                database_id,
            } => {
                map.serialize_entry("database_id", database_id)?;
                if !self.legacy {
                    map.serialize_entry("data_source_id", data_source_id)?;
                }
                map.serialize_entry("type", "single_property")?;
                map.serialize_entry("single_property", &Empty)?;
            }
            _ => {}
        }
        map.end()
    }
}

struct OptionsView<'a> {
    options: &'a [SelectOption],
    legacy: bool,
}

impl Serialize for OptionsView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.options.iter().map(|option| OptionView {
            option,
            legacy: self.legacy,
        }))
    }
}

struct OptionView<'a> {
    option: &'a SelectOption,
    legacy: bool,
}

impl Serialize for OptionView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &self.option.id)?;
        map.serialize_entry("name", &self.option.name)?;
        map.serialize_entry("color", &self.option.color)?;
        if !self.legacy {
            map.serialize_entry("description", &self.option.description)?;
        }
        map.end()
    }
}

struct GroupsView<'a>(&'a [StatusGroup]);

impl Serialize for GroupsView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|group| {
            serde_json::json!({
                "id": group.id,
                "name": group.name,
                "color": group.color,
                "option_ids": group.option_ids,
            })
        }))
    }
}

/// `{}`.
pub struct Empty;

impl Serialize for Empty {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_map(Some(0))?.end()
    }
}
