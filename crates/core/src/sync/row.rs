//! [`DesiredRow`]: what a dataset wants one Notion page to say.

use std::collections::BTreeMap;

use crate::notion::PropertyValue;

/// The Notion property every synced row carries its stable key in.
pub const SYNC_KEY: &str = "Sync Key";

/// One row as the sources say it should be: its key and the values of the properties the
/// sync owns. Properties not listed are left as people wrote them.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredRow {
    /// The stable key (`Sync Key`): a UniFi site id, `{site id}:{date}`, an alert uid, ...
    pub key: String,
    /// A human label for reports and dry runs (the site or device name).
    pub label: String,
    /// Owned property values by property name, the title and `Sync Key` included.
    pub properties: BTreeMap<String, PropertyValue>,
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
        }
    }

    /// Sets one owned property.
    pub fn set(mut self, property: &str, value: PropertyValue) -> Self {
        self.properties.insert(property.to_owned(), value);
        self
    }
}
