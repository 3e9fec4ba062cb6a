//! Page property values in requests (`POST /v1/pages`, `PATCH /v1/pages/{id}`): checked
//! against the schema and the limits of NOTION.md sections 5.3 and 8, and turned into the
//! wire form the store keeps (the value responses carry under the type key).
//!
//! Writing a select or multi-select option name that the schema does not have adds the option,
//! as the Notion UI does; its colour is picked from the name, so it is stable. Status options
//! are not added this way: an unknown status name is refused.

pub mod rich_text;

use serde_json::{Map, Value, json};

use super::body;
use super::errors::{NotionError, Outcome};
use super::ids;
use super::schema::parse::{SUPPORTED_TYPES, option_id, option_name, select_color};
use super::schema::{Property, PropertyConfig, SELECT_COLORS, Schema, SelectOption};
use super::store::Workspace;
use super::time;

/// Most items in a multi-select, relation or people value.
pub const MAX_ITEMS: usize = 100;
/// Most characters in a URL.
pub const MAX_URL: usize = 2_000;
/// Most characters in an e-mail address or phone number.
pub const MAX_CONTACT: usize = 200;

/// What a request writes to a page's properties.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PropertyWrites {
    /// New values by property id, in wire form.
    pub values: Vec<(String, Value)>,
    /// Select options to add to the schema, by property id.
    pub new_options: Vec<(String, SelectOption)>,
}

/// What a value may refer to outside itself.
pub struct WriteContext<'a> {
    /// The page's schema.
    pub schema: &'a Schema,
    /// Its data source (new option ids derive from it); empty for pages below pages.
    pub data_source_id: &'a str,
    /// The workspace, to check relation targets.
    pub workspace: &'a Workspace,
}

/// Reads a request's `properties` object.
pub fn parse(
    properties: &Value,
    path: &str,
    context: &WriteContext<'_>,
) -> Outcome<PropertyWrites> {
    let fields = body::object(properties, path)?;
    let mut writes = PropertyWrites::default();
    for (key, value) in fields {
        let property = context.schema.find(key).ok_or_else(|| {
            NotionError::validation(format!("{key} is not a property that exists."))
        })?;
        let value_path = body::member(path, key);
        let stored = parse_value(property, key, value, &value_path, context, &mut writes)?;
        writes.values.retain(|(id, _)| id != &property.id);
        writes.values.push((property.id.clone(), stored));
    }
    Ok(writes)
}

fn parse_value(
    property: &Property,
    key: &str,
    value: &Value,
    path: &str,
    context: &WriteContext<'_>,
    writes: &mut PropertyWrites,
) -> Outcome<Value> {
    let kind = property.config.type_name();
    if matches!(
        property.config,
        PropertyConfig::CreatedTime | PropertyConfig::LastEditedTime
    ) {
        return Err(NotionError::validation(format!(
            "{key} is a read-only property and cannot be written."
        )));
    }
    let fields = body::object(value, path)?;
    let Some(inner) = fields.get(kind) else {
        let other = fields
            .keys()
            .find(|k| SUPPORTED_TYPES.contains(&k.as_str()));
        return Err(match other {
            Some(_) => NotionError::validation(format!("{key} is expected to be {kind}.")),
            None => {
                NotionError::validation(super::errors::undefined_message(&body::member(path, kind)))
            }
        });
    };
    body::only_keys(fields, &[kind, "type", "id", "has_more"], path)?;
    if let Some(declared) = fields.get("type")
        && declared.as_str() != Some(kind)
    {
        return Err(NotionError::validation(format!(
            "{key} is expected to be {kind}."
        )));
    }
    let inner_path = body::member(path, kind);
    let target = Target {
        property,
        path: &inner_path,
        context,
    };
    target.parse(inner, writes)
}

struct Target<'a> {
    property: &'a Property,
    path: &'a str,
    context: &'a WriteContext<'a>,
}

impl Target<'_> {
    fn parse(&self, value: &Value, writes: &mut PropertyWrites) -> Outcome<Value> {
        let path = self.path;
        match &self.property.config {
            PropertyConfig::Title | PropertyConfig::RichText => rich_text::parse(value, path),
            PropertyConfig::Number { .. } => match value {
                Value::Null | Value::Number(_) => Ok(value.clone()),
                _ => Err(body::invalid(value, path, "should be a number or `null`")),
            },
            PropertyConfig::Checkbox => Ok(Value::Bool(body::boolean(value, path)?)),
            PropertyConfig::Url => contact(value, path, MAX_URL),
            PropertyConfig::Email | PropertyConfig::PhoneNumber => {
                contact(value, path, MAX_CONTACT)
            }
            PropertyConfig::Date => date(value, path),
            PropertyConfig::Select { .. } | PropertyConfig::Status { .. } => {
                if value.is_null() {
                    return Ok(Value::Null);
                }
                self.choice(value, path, writes)
            }
            PropertyConfig::MultiSelect { .. } => {
                let items = body::array(value, path, MAX_ITEMS)?;
                let mut chosen: Vec<Value> = Vec::with_capacity(items.len());
                for (index, item) in items.iter().enumerate() {
                    let choice = self.choice(item, &body::item(path, index), writes)?;
                    if !chosen.iter().any(|c| c["id"] == choice["id"]) {
                        chosen.push(choice);
                    }
                }
                Ok(Value::Array(chosen))
            }
            PropertyConfig::Relation { data_source_id, .. } => self.relation(value, data_source_id),
            PropertyConfig::People => people(value, path),
            PropertyConfig::CreatedTime | PropertyConfig::LastEditedTime => Ok(Value::Null),
        }
    }

    /// One select, multi-select or status choice: `{name}` or `{id}`, resolved to an option.
    fn choice(&self, value: &Value, path: &str, writes: &mut PropertyWrites) -> Outcome<Value> {
        let fields = body::object(value, path)?;
        body::only_keys(fields, &["name", "id", "color", "description"], path)?;
        let property = self.property;
        let options = property.config.options().unwrap_or(&[]);
        let pending = writes
            .new_options
            .iter()
            .filter(|(id, _)| id == &property.id)
            .map(|(_, option)| option);
        let mut known = options.iter().chain(pending);
        if let Some(id) = fields.get("id") {
            let id = body::string(id, &body::member(path, "id"))?;
            let option = known.find(|o| o.id == id).ok_or_else(|| {
                NotionError::validation(format!(
                    "Select option with id `{id}` does not exist for property {}.",
                    property.name
                ))
            })?;
            return Ok(choice_value(option));
        }
        let name_value = body::required(fields, "name", path)?;
        let name = option_name(name_value, &body::member(path, "name"))?;
        if let Some(option) = known.find(|o| o.name == name) {
            return Ok(choice_value(option));
        }
        if matches!(property.config, PropertyConfig::Status { .. }) {
            return Err(NotionError::validation(format!(
                "Invalid status option. Status option \"{name}\" does not exist for property {}.",
                property.name
            )));
        }
        let color = match fields.get("color") {
            Some(color) => select_color(color, &body::member(path, "color"))?.to_owned(),
            None => color_for(name).to_owned(),
        };
        let option = SelectOption {
            id: option_id(self.context.data_source_id, &property.name, name),
            name: name.to_owned(),
            color,
            description: None,
        };
        let value = choice_value(&option);
        writes.new_options.push((property.id.clone(), option));
        Ok(value)
    }

    fn relation(&self, value: &Value, related: &str) -> Outcome<Value> {
        let path = self.path;
        let items = body::array(value, path, MAX_ITEMS)?;
        let mut ids: Vec<Value> = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let item_path = body::item(path, index);
            let fields = body::object(item, &item_path)?;
            body::only_keys(fields, &["id"], &item_path)?;
            let id = uuid_member(fields, "id", &item_path)?;
            if !self.context.workspace.is_row_of(&id, related) {
                return Err(NotionError::validation(format!(
                    "Relation property {} cannot point to page {id}: it is not a page of data \
                     source {related}.",
                    self.property.name
                )));
            }
            let entry = json!({ "id": id });
            if !ids.contains(&entry) {
                ids.push(entry);
            }
        }
        Ok(Value::Array(ids))
    }
}

fn choice_value(option: &SelectOption) -> Value {
    json!({ "id": option.id, "name": option.name, "color": option.color })
}

/// The colour given to an option created by writing its name: stable for a name.
fn color_for(name: &str) -> &'static str {
    let hash = name.bytes().fold(0usize, |hash, byte| {
        hash.wrapping_mul(31).wrapping_add(usize::from(byte))
    });
    SELECT_COLORS[hash % SELECT_COLORS.len()]
}

/// A URL, e-mail address or phone number: a non-empty string or `null`.
fn contact(value: &Value, path: &str, max: usize) -> Outcome<Value> {
    if value.is_null() {
        return Ok(Value::Null);
    }
    let text = body::bounded_string(value, path, max)?;
    if text.is_empty() {
        return Err(NotionError::validation(format!(
            "body failed validation: {path}.length should be ≥ `1`, instead was `0`."
        )));
    }
    Ok(value.clone())
}

fn date(value: &Value, path: &str) -> Outcome<Value> {
    if value.is_null() {
        return Ok(Value::Null);
    }
    let fields = body::object(value, path)?;
    body::only_keys(fields, &["start", "end", "time_zone"], path)?;
    let start = body::required(fields, "start", path)?;
    let start = date_text(start, &body::member(path, "start"))?;
    let end = match fields.get("end") {
        None | Some(Value::Null) => Value::Null,
        Some(end) => Value::String(date_text(end, &body::member(path, "end"))?),
    };
    let time_zone = match fields.get("time_zone") {
        None | Some(Value::Null) => Value::Null,
        Some(zone) => {
            let zone_path = body::member(path, "time_zone");
            let name = body::string(zone, &zone_path)?;
            if name.parse::<chrono_tz::Tz>().is_err() {
                return Err(body::invalid(
                    zone,
                    &zone_path,
                    "should be a valid IANA time zone",
                ));
            }
            zone.clone()
        }
    };
    Ok(json!({ "start": start, "end": end, "time_zone": time_zone }))
}

fn date_text(value: &Value, path: &str) -> Outcome<String> {
    let text = body::string(value, path)?;
    time::normalize_date(text)
        .ok_or_else(|| body::invalid(value, path, "should be a valid ISO 8601 date string"))
}

fn people(value: &Value, path: &str) -> Outcome<Value> {
    let items = body::array(value, path, MAX_ITEMS)?;
    let mut users: Vec<Value> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let item_path = body::item(path, index);
        let fields = body::object(item, &item_path)?;
        let id = uuid_member(fields, "id", &item_path)?;
        let user = json!({ "object": "user", "id": id });
        if !users.contains(&user) {
            users.push(user);
        }
    }
    Ok(Value::Array(users))
}

fn uuid_member(fields: &Map<String, Value>, key: &str, path: &str) -> Outcome<String> {
    let value = body::required(fields, key, path)?;
    let member_path = body::member(path, key);
    let text = body::string(value, &member_path)?;
    ids::normalize_uuid(text)
        .ok_or_else(|| body::invalid(value, &member_path, "should be a valid uuid"))
}

/// The title of a page as plain text, from its stored values.
pub fn title_text(schema: &Schema, values: &std::collections::BTreeMap<String, Value>) -> String {
    schema
        .title()
        .and_then(|title| values.get(&title.id))
        .map(|items| rich_text::plain_text(items).into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notion::DATABASES;

    fn parse_for(database: usize, properties: Value) -> Outcome<PropertyWrites> {
        let workspace = Workspace::seeded(chrono::Utc::now());
        let seed = DATABASES[database];
        let source = workspace.data_source(seed.data_source_id).unwrap();
        let context = WriteContext {
            schema: &source.schema,
            data_source_id: seed.data_source_id,
            workspace: &workspace,
        };
        parse(&properties, "body.properties", &context)
    }

    #[test]
    fn values_are_stored_in_wire_form() {
        let writes = parse_for(
            0,
            json!({
                "Site Name": { "title": [{ "text": { "content": "Acme" } }] },
                "Device Count": { "number": 12 },
                "Deployment Status": { "select": { "name": "active" } },
                "Last Health Check": { "date": { "start": "2026-12-03" } },
            }),
        )
        .unwrap();
        let status = writes
            .values
            .iter()
            .find(|(_, v)| v.get("name").is_some())
            .unwrap();
        assert_eq!(status.1["color"], "green");
        assert!(writes.new_options.is_empty());
    }

    #[test]
    fn unknown_option_names_become_options() {
        let writes = parse_for(
            0,
            json!({ "Stack Type": { "multi_select": [{ "name": "Cisco" }] } }),
        )
        .unwrap();
        assert_eq!(writes.new_options.len(), 1);
        assert_eq!(writes.new_options[0].1.name, "Cisco");
    }

    #[test]
    fn wrong_types_and_unknown_names_are_refused_with_notions_messages() {
        let err = parse_for(0, json!({ "Device Count": { "rich_text": [] } })).unwrap_err();
        assert_eq!(err.message(), "Device Count is expected to be number.");
        let err = parse_for(0, json!({ "Nope": { "number": 1 } })).unwrap_err();
        assert_eq!(err.message(), "Nope is not a property that exists.");
        let err = parse_for(0, json!({ "Device Count": { "number": "12" } })).unwrap_err();
        assert_eq!(
            err.message(),
            "body failed validation: body.properties.Device Count.number should be a number or \
             `null`, instead was `\"12\"`."
        );
    }
}
