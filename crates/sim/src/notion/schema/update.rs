//! Building a schema from `initial_data_source.properties` and changing one with
//! `PATCH /v1/data_sources/{id}` (add, rename, retype, delete; an option list replaces the
//! old one, NOTION.md section 4.6).

use serde_json::{Map, Value};

use super::parse::{ConfigContext, parse_property};
use super::{Property, PropertyConfig, Schema};
use crate::notion::body;
use crate::notion::errors::{NotionError, Outcome};

/// What a schema change does to the values already stored in pages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchemaChanges {
    /// Properties deleted, or whose type changed: their values are dropped.
    pub dropped: Vec<String>,
    /// Select, multi-select and status properties whose options changed: values are
    /// re-read against the new options (removed options disappear from pages).
    pub options_changed: Vec<String>,
}

impl SchemaChanges {
    /// Whether page values need no attention.
    pub fn is_empty(&self) -> bool {
        self.dropped.is_empty() && self.options_changed.is_empty()
    }
}

/// The schema of a new data source, from property names and configurations in order.
pub fn build<'a>(
    properties: impl IntoIterator<Item = (&'a String, &'a Value)>,
    path: &str,
    context: &ConfigContext<'_>,
) -> Outcome<Schema> {
    let mut schema = Schema::default();
    for (name, value) in properties {
        let property_path = body::member(path, name);
        let request = parse_property(value, &property_path, name, None, context)?;
        let config = request.config.ok_or_else(|| {
            NotionError::validation(format!(
                "body failed validation: {property_path} should define a property type."
            ))
        })?;
        let name = request.name.unwrap_or_else(|| name.to_owned());
        add(
            &mut schema,
            name,
            request.description.flatten(),
            config,
            context,
        )?;
    }
    if schema.title().is_none() {
        return Err(NotionError::validation(
            "Title property is missing: exactly one property must be of type `title`.",
        ));
    }
    Ok(schema)
}

/// `schema` changed as a data source update's `properties` says (keys are names or ids).
pub fn apply(
    schema: &Schema,
    changes: &Map<String, Value>,
    path: &str,
    context: &ConfigContext<'_>,
) -> Outcome<(Schema, SchemaChanges)> {
    let mut next = schema.clone();
    let mut effects = SchemaChanges::default();
    for (key, value) in changes {
        let property_path = body::member(path, key);
        let existing = next.find(key).map(|p| p.id.clone());
        match (existing, value) {
            (None, Value::Null) => return Err(unknown_property(key)),
            (Some(id), Value::Null) => delete(&mut next, &id, &mut effects)?,
            (Some(id), _) => change(&mut next, &id, value, &property_path, context, &mut effects)?,
            (None, _) => {
                let request = parse_property(value, &property_path, key, None, context)?;
                let config = request.config.ok_or_else(|| unknown_property(key))?;
                let name = request.name.unwrap_or_else(|| key.clone());
                add(
                    &mut next,
                    name,
                    request.description.flatten(),
                    config,
                    context,
                )?;
            }
        }
    }
    Ok((next, effects))
}

fn add(
    schema: &mut Schema,
    name: String,
    description: Option<String>,
    config: PropertyConfig,
    context: &ConfigContext<'_>,
) -> Outcome<()> {
    check_name(schema, &name, None)?;
    let is_title = matches!(config, PropertyConfig::Title);
    if is_title && schema.title().is_some() {
        return Err(NotionError::validation(format!(
            "Cannot add title property `{name}`: a data source has exactly one title property."
        )));
    }
    let id = if is_title {
        "title".to_owned()
    } else {
        schema.new_property_id(context.data_source_id, &name)
    };
    schema.properties.push(Property {
        id,
        name,
        description,
        config,
    });
    Ok(())
}

fn delete(schema: &mut Schema, id: &str, effects: &mut SchemaChanges) -> Outcome<()> {
    if id == "title" {
        return Err(NotionError::validation("Cannot delete the title property."));
    }
    schema.properties.retain(|p| p.id != id);
    effects.dropped.push(id.to_owned());
    Ok(())
}

fn change(
    schema: &mut Schema,
    id: &str,
    value: &Value,
    path: &str,
    context: &ConfigContext<'_>,
    effects: &mut SchemaChanges,
) -> Outcome<()> {
    let Some(current) = schema.by_id(id).cloned() else {
        return Err(unknown_property(id));
    };
    let request = parse_property(value, path, &current.name, Some(&current.config), context)?;
    if let Some(name) = &request.name {
        check_name(schema, name, Some(id))?;
    }
    if let Some(config) = &request.config {
        check_retype(&current, config)?;
        if config.type_name() != current.config.type_name() {
            effects.dropped.push(id.to_owned());
        } else if config.options() != current.config.options() {
            effects.options_changed.push(id.to_owned());
        }
    }
    let Some(property) = schema.properties.iter_mut().find(|p| p.id == id) else {
        return Err(unknown_property(id));
    };
    if let Some(name) = request.name {
        property.name = name;
    }
    if let Some(description) = request.description {
        property.description = description;
    }
    if let Some(config) = request.config {
        property.config = config;
    }
    Ok(())
}

fn check_retype(current: &Property, config: &PropertyConfig) -> Outcome<()> {
    let was_title = matches!(current.config, PropertyConfig::Title);
    let is_title = matches!(config, PropertyConfig::Title);
    if was_title && !is_title {
        return Err(NotionError::validation(
            "Cannot change the type of the title property.",
        ));
    }
    if is_title && !was_title {
        return Err(NotionError::validation(format!(
            "Cannot change `{}` to a title property: a data source has exactly one.",
            current.name
        )));
    }
    Ok(())
}

fn check_name(schema: &Schema, name: &str, own_id: Option<&str>) -> Outcome<()> {
    if name.trim().is_empty() {
        return Err(NotionError::validation("Property names must not be empty."));
    }
    let taken = schema
        .properties
        .iter()
        .any(|p| p.name == name && Some(p.id.as_str()) != own_id);
    if taken {
        return Err(NotionError::validation(format!(
            "A property named `{name}` already exists."
        )));
    }
    Ok(())
}

/// The message for a property name or id the schema does not have.
pub fn unknown_property(key: &str) -> NotionError {
    NotionError::validation(format!("Could not find property with name or id: {key}"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn context<'a>(none: &'a dyn Fn(&str) -> Option<(String, String)>) -> ConfigContext<'a> {
        ConfigContext {
            data_source_id: "ds",
            resolve_relation: none,
        }
    }

    fn schema() -> Schema {
        let none = |_: &str| None;
        let properties = json!({
            "Name": { "title": {} },
            "Count": { "number": { "format": "number" } },
            "Old": { "rich_text": {} },
        });
        build(
            properties.as_object().unwrap(),
            "body.properties",
            &context(&none),
        )
        .unwrap()
    }

    #[test]
    fn build_needs_a_title_and_gives_it_the_title_id() {
        let built = schema();
        assert_eq!(built.find("Name").unwrap().id, "title");
        let none = |_: &str| None;
        let err = build(
            json!({ "Count": { "number": {} } }).as_object().unwrap(),
            "body.properties",
            &context(&none),
        )
        .unwrap_err();
        assert!(err.message().contains("title"), "{}", err.message());
    }

    #[test]
    fn rename_retype_delete_and_add() {
        let none = |_: &str| None;
        let before = schema();
        let count_id = before.find("Count").unwrap().id.clone();
        let old_id = before.find("Old").unwrap().id.clone();
        let changes = json!({
            "Count": { "name": "Devices" },
            "Old": null,
            "Sync Key": { "rich_text": {} },
            "Name": { "name": "Site Name" },
        });
        let (after, effects) = apply(
            &before,
            changes.as_object().unwrap(),
            "body.properties",
            &context(&none),
        )
        .unwrap();
        assert_eq!(after.find("Devices").unwrap().id, count_id);
        assert!(after.find("Old").is_none());
        assert!(after.find("Sync Key").is_some());
        assert_eq!(after.find("Site Name").unwrap().id, "title");
        assert_eq!(effects.dropped, vec![old_id]);
    }

    #[test]
    fn the_title_type_is_fixed() {
        let none = |_: &str| None;
        let err = apply(
            &schema(),
            json!({ "Name": { "rich_text": {} } }).as_object().unwrap(),
            "body.properties",
            &context(&none),
        )
        .unwrap_err();
        assert_eq!(
            err.message(),
            "Cannot change the type of the title property."
        );
    }
}
