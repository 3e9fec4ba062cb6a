//! The page object (NOTION.md section 5.1): the 14 fields of `2026-03-11`, plus `archived` on
//! older versions, with property values keyed by name.
//!
//! Relation values show at most 25 references with `has_more` (section 13); the property item
//! endpoint reads the rest.

use std::sync::LazyLock;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::Value;

use super::{Empty, UserRef};
use crate::notion::schema::{Property, PropertyConfig, Schema, SharedSchema};
use crate::notion::store::{Page, PageParent};
use crate::notion::version::ApiVersion;

/// References a page object shows per relation, people or mention list.
pub const REFERENCE_CAP: usize = 25;

static PAGE_TITLE: LazyLock<SharedSchema> =
    LazyLock::new(|| SharedSchema::new(Schema::page_title()));

/// The schema of a page that is not a data source row.
pub fn page_title_schema() -> SharedSchema {
    PAGE_TITLE.clone()
}

/// A page as the API returns it.
pub struct PageView<'a> {
    /// The page.
    pub page: &'a Page,
    /// Its schema (its data source's, or [`page_title_schema`]).
    pub schema: &'a Schema,
    /// The request's version.
    pub version: ApiVersion,
    /// Property ids to show (`filter_properties`); `None` shows all.
    pub only: Option<&'a [String]>,
}

impl Serialize for PageView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let page = self.page;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("object", "page")?;
        map.serialize_entry("id", &page.id)?;
        map.serialize_entry("created_time", &page.created_time)?;
        map.serialize_entry("last_edited_time", &page.last_edited_time)?;
        map.serialize_entry("created_by", &UserRef)?;
        map.serialize_entry("last_edited_by", &UserRef)?;
        map.serialize_entry("cover", &page.cover)?;
        map.serialize_entry("icon", &page.icon)?;
        map.serialize_entry("parent", &ParentView(&page.parent, self.version))?;
        if self.version.knows_archived() {
            map.serialize_entry("archived", &page.in_trash)?;
        }
        map.serialize_entry("in_trash", &page.in_trash)?;
        map.serialize_entry("is_locked", &page.is_locked)?;
        map.serialize_entry("properties", &PropertiesView(self))?;
        map.serialize_entry("url", &page.url)?;
        map.serialize_entry("public_url", &Value::Null)?;
        map.end()
    }
}

struct ParentView<'a>(&'a PageParent, ApiVersion);

impl Serialize for ParentView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match self.0 {
            PageParent::DataSource {
                data_source_id,
                database_id,
            } if self.1.has_data_sources() => {
                map.serialize_entry("type", "data_source_id")?;
                map.serialize_entry("data_source_id", data_source_id)?;
                map.serialize_entry("database_id", database_id)?;
            }
            PageParent::DataSource { database_id, .. } => {
                map.serialize_entry("type", "database_id")?;
                map.serialize_entry("database_id", database_id)?;
            }
            PageParent::Page { page_id } => {
                map.serialize_entry("type", "page_id")?;
                map.serialize_entry("page_id", page_id)?;
            }
            PageParent::Workspace => {
                map.serialize_entry("type", "workspace")?;
                map.serialize_entry("workspace", &true)?;
            }
        }
        map.end()
    }
}

struct PropertiesView<'a>(&'a PageView<'a>);

impl Serialize for PropertiesView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let view = self.0;
        let mut map = serializer.serialize_map(None)?;
        let shown = view
            .schema
            .properties
            .iter()
            .filter(|p| view.only.is_none_or(|only| only.contains(&p.id)));
        for property in shown {
            map.serialize_entry(
                &property.name,
                &ValueView {
                    property,
                    page: view.page,
                },
            )?;
        }
        map.end()
    }
}

/// One property value: `{id, type, <type>: value}`.
pub struct ValueView<'a> {
    /// The property.
    pub property: &'a Property,
    /// The page holding the value.
    pub page: &'a Page,
}

impl Serialize for ValueView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let property = self.property;
        let kind = property.config.type_name();
        let stored = self.page.values.get(&property.id);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &property.id)?;
        map.serialize_entry("type", kind)?;
        match (&property.config, stored) {
            (PropertyConfig::Relation { .. }, stored) => {
                let all = stored
                    .and_then(Value::as_array)
                    .map_or(&[][..], Vec::as_slice);
                map.serialize_entry(kind, &all[..all.len().min(REFERENCE_CAP)])?;
                map.serialize_entry("has_more", &(all.len() > REFERENCE_CAP))?;
            }
            (PropertyConfig::CreatedTime, _) => {
                map.serialize_entry(kind, &self.page.created_time)?;
            }
            (PropertyConfig::LastEditedTime, _) => {
                map.serialize_entry(kind, &self.page.last_edited_time)?;
            }
            (_, Some(value)) => map.serialize_entry(kind, value)?,
            (config, None) => map.serialize_entry(kind, &EmptyValue(config))?,
        }
        map.end()
    }
}

/// The value of a property a page has never been given.
struct EmptyValue<'a>(&'a PropertyConfig);

impl Serialize for EmptyValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            PropertyConfig::Title
            | PropertyConfig::RichText
            | PropertyConfig::MultiSelect { .. }
            | PropertyConfig::People
            | PropertyConfig::Relation { .. } => {
                serializer.collect_seq(std::iter::empty::<Empty>())
            }
            PropertyConfig::Checkbox => serializer.serialize_bool(false),
            _ => serializer.serialize_unit(),
        }
    }
}
