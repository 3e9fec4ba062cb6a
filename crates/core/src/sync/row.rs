//! [`DesiredRow`]: what a dataset wants one Notion page to say.

use std::collections::BTreeMap;

use crate::notion::PropertyValue;

/// The Notion property every synced row carries its stable key in.
pub const SYNC_KEY: &str = "Sync Key";

/// One row as the sources say it should be: its key, the values of the properties the sync
/// owns, and the values written only when the page is created (suggestions people may then
/// change, such as an alert's `Status` and `Scheduled Action`). Properties listed in neither
/// are left as people wrote them.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredRow {
    /// The stable key (`Sync Key`): a UniFi site id, `{site id}:{date}`, an alert uid, ...
    pub key: String,
    /// A human label for reports and dry runs (the site or device name).
    pub label: String,
    /// Owned property values by property name, the title and `Sync Key` included.
    pub properties: BTreeMap<String, PropertyValue>,
    /// Values written at creation only, by property name.
    pub on_create: BTreeMap<String, PropertyValue>,
}

impl DesiredRow {
    /// A row keyed `key`, labelled `label`, with `Sync Key` already set.
    pub fn new(key: impl Into<String>, label: impl Into<String>) -> Self {
        let key = key.into();
        let mut properties = BTreeMap::new();
        properties.insert(SYNC_KEY.to_owned(), PropertyValue::RichText(key.clone()));
        Self {
            key,
            label: label.into(),
            properties,
            on_create: BTreeMap::new(),
        }
    }

    /// Sets one owned property.
    pub fn set(mut self, property: &str, value: PropertyValue) -> Self {
        self.properties.insert(property.to_owned(), value);
        self
    }

    /// Sets one owned property when `value` is known; leaves it to people otherwise.
    pub fn set_known(self, property: &str, value: Option<PropertyValue>) -> Self {
        match value {
            Some(value) => self.set(property, value),
            None => self,
        }
    }

    /// Sets a value written only when the page is created.
    pub fn on_create(mut self, property: &str, value: PropertyValue) -> Self {
        self.on_create.insert(property.to_owned(), value);
        self
    }

    /// Every value a create writes: the owned ones, then the creation-only ones.
    pub fn create_properties(&self) -> impl Iterator<Item = (&str, &PropertyValue)> {
        self.on_create
            .iter()
            .filter(|(name, _)| !self.properties.contains_key(*name))
            .chain(&self.properties)
            .map(|(name, value)| (name.as_str(), value))
    }
}
