//! Property configurations in requests (`initial_data_source.properties`, data source updates,
//! legacy database bodies): `{"<type>": {<configuration>}, "name"?, "description"?, "type"?}`.

use serde_json::{Map, Value};

use super::{PropertyConfig, SELECT_COLORS, SelectOption, StatusGroup};
use crate::notion::body;
use crate::notion::errors::{NotionError, Outcome};
use crate::notion::ids;

/// Most options a select, multi-select or status property may have.
pub const MAX_OPTIONS: usize = 100;
/// Most characters in an option name.
pub const MAX_OPTION_NAME: usize = 100;

/// Property types the simulator stores, in the order the validator lists them.
pub const SUPPORTED_TYPES: [&str; 15] = [
    "title",
    "rich_text",
    "number",
    "select",
    "multi_select",
    "status",
    "date",
    "checkbox",
    "url",
    "email",
    "phone_number",
    "people",
    "relation",
    "created_time",
    "last_edited_time",
];

/// Real property types the simulator does not model; configuring one is refused plainly.
const UNSUPPORTED_TYPES: [&str; 11] = [
    "formula",
    "rollup",
    "files",
    "created_by",
    "last_edited_by",
    "unique_id",
    "button",
    "location",
    "verification",
    "place",
    "last_visited_time",
];

/// What a request says about one property.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyRequest {
    /// A new name (`name`).
    pub name: Option<String>,
    /// A new description (`description`; `Some(None)` clears it).
    pub description: Option<Option<String>>,
    /// A new type or configuration, when the request has a type key.
    pub config: Option<PropertyConfig>,
}

/// Where a configuration is read: ids for new options and the targets of relations.
pub struct ConfigContext<'a> {
    /// The data source the property belongs to (option ids derive from it).
    pub data_source_id: &'a str,
    /// A database or data source id to `(data_source_id, database_id)`, if it exists.
    pub resolve_relation: &'a dyn Fn(&str) -> Option<(String, String)>,
}

/// Reads one property's request object. `existing` is the property's configuration when it
/// already exists, so that option lists keep the ids of the options they keep.
pub fn parse_property(
    value: &Value,
    path: &str,
    property_name: &str,
    existing: Option<&PropertyConfig>,
    context: &ConfigContext<'_>,
) -> Outcome<PropertyRequest> {
    let fields = body::object(value, path)?;
    let name = match fields.get("name") {
        None => None,
        Some(name) => Some(body::string(name, &body::member(path, "name"))?.to_owned()),
    };
    let description = match fields.get("description") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(text) => Some(Some(
            body::string(text, &body::member(path, "description"))?.to_owned(),
        )),
    };
    let type_key = type_key(fields, path)?;
    let config = match type_key {
        None => None,
        Some(kind) => {
            let kind_path = body::member(path, kind);
            let options_name = name.as_deref().unwrap_or(property_name);
            let target = Target {
                path: &kind_path,
                property_name: options_name,
                existing,
                context,
            };
            Some(parse_config(kind, &fields[kind], &target)?)
        }
    };
    Ok(PropertyRequest {
        name,
        description,
        config,
    })
}

/// The one type key of a property object, checking `type` agrees with it.
fn type_key<'a>(fields: &'a Map<String, Value>, path: &str) -> Outcome<Option<&'a str>> {
    let mut found: Option<&str> = None;
    for (key, value) in fields {
        match key.as_str() {
            "name" | "description" | "type" => {}
            known if SUPPORTED_TYPES.contains(&known) => {
                if found.is_some() {
                    return Err(body::invalid(
                        value,
                        &body::member(path, known),
                        "should be not present",
                    ));
                }
                found = Some(known);
            }
            unsupported if UNSUPPORTED_TYPES.contains(&unsupported) => {
                return Err(NotionError::validation(format!(
                    "The simulator does not support `{unsupported}` properties ({path})."
                )));
            }
            _ => {
                return Err(body::invalid(
                    value,
                    &body::member(path, key),
                    "should be not present",
                ));
            }
        }
    }
    if let Some(declared) = fields.get("type") {
        let declared_name = body::string(declared, &body::member(path, "type"))?;
        if found.is_some_and(|key| key != declared_name) || found.is_none() {
            let expected = found.unwrap_or(declared_name);
            if found.is_none() && SUPPORTED_TYPES.contains(&declared_name) {
                return Err(NotionError::validation(
                    crate::notion::errors::undefined_message(&body::member(path, expected)),
                ));
            }
            return Err(body::invalid(
                declared,
                &body::member(path, "type"),
                &format!("should be `\"{expected}\"`"),
            ));
        }
    }
    Ok(found)
}

struct Target<'a> {
    path: &'a str,
    property_name: &'a str,
    existing: Option<&'a PropertyConfig>,
    context: &'a ConfigContext<'a>,
}

fn parse_config(kind: &str, value: &Value, target: &Target<'_>) -> Outcome<PropertyConfig> {
    let path = target.path;
    let fields = body::object(value, path)?;
    let config = match kind {
        "number" => {
            body::only_keys(fields, &["format"], path)?;
            let format = match fields.get("format") {
                None => "number",
                Some(format) => body::string(format, &body::member(path, "format"))?,
            };
            PropertyConfig::Number {
                format: format.to_owned(),
            }
        }
        "select" => PropertyConfig::Select {
            options: parse_option_list(fields, target)?,
        },
        "multi_select" => PropertyConfig::MultiSelect {
            options: parse_option_list(fields, target)?,
        },
        "status" => {
            body::only_keys(fields, &[], path)?;
            match target.existing {
                Some(existing @ PropertyConfig::Status { .. }) => existing.clone(),
                _ => default_status(target.context.data_source_id, target.property_name),
            }
        }
        "relation" => parse_relation(fields, target)?,
        simple => {
            body::only_keys(fields, &[], path)?;
            simple_config(simple)
        }
    };
    Ok(config)
}

fn simple_config(kind: &str) -> PropertyConfig {
    match kind {
        "title" => PropertyConfig::Title,
        "date" => PropertyConfig::Date,
        "checkbox" => PropertyConfig::Checkbox,
        "url" => PropertyConfig::Url,
        "email" => PropertyConfig::Email,
        "phone_number" => PropertyConfig::PhoneNumber,
        "people" => PropertyConfig::People,
        "created_time" => PropertyConfig::CreatedTime,
        "last_edited_time" => PropertyConfig::LastEditedTime,
        _ => PropertyConfig::RichText,
    }
}

fn parse_option_list(
    fields: &Map<String, Value>,
    target: &Target<'_>,
) -> Outcome<Vec<SelectOption>> {
    body::only_keys(fields, &["options"], target.path)?;
    let existing: &[SelectOption] = target
        .existing
        .and_then(PropertyConfig::options)
        .unwrap_or(&[]);
    let Some(list) = fields.get("options") else {
        return Ok(existing.to_vec());
    };
    let list_path = body::member(target.path, "options");
    let items = body::array(list, &list_path, MAX_OPTIONS)?;
    let mut options: Vec<SelectOption> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let option = parse_option(item, &body::item(&list_path, index), existing, target)?;
        if !options.iter().any(|o| o.name == option.name) {
            options.push(option);
        }
    }
    Ok(options)
}

fn parse_option(
    item: &Value,
    path: &str,
    existing: &[SelectOption],
    target: &Target<'_>,
) -> Outcome<SelectOption> {
    let fields = body::object(item, path)?;
    body::only_keys(fields, &["name", "id", "color", "description"], path)?;
    let known = match fields.get("id") {
        Some(id) => {
            let id = body::string(id, &body::member(path, "id"))?;
            Some(existing.iter().find(|o| o.id == id).ok_or_else(|| {
                NotionError::validation(format!("Select option with id `{id}` does not exist."))
            })?)
        }
        None => None,
    };
    let name = match (fields.get("name"), known) {
        (Some(name), _) => option_name(name, &body::member(path, "name"))?.to_owned(),
        (None, Some(option)) => option.name.clone(),
        (None, None) => {
            return Err(NotionError::validation(
                crate::notion::errors::undefined_message(&body::member(path, "name")),
            ));
        }
    };
    let known = known.or_else(|| existing.iter().find(|o| o.name == name));
    let color = match fields.get("color") {
        Some(color) => select_color(color, &body::member(path, "color"))?.to_owned(),
        None => known.map_or_else(|| "default".to_owned(), |o| o.color.clone()),
    };
    let description = match fields.get("description") {
        None => known.and_then(|o| o.description.clone()),
        Some(Value::Null) => None,
        Some(text) => Some(body::string(text, &body::member(path, "description"))?.to_owned()),
    };
    let id = known.map_or_else(
        || option_id(target.context.data_source_id, target.property_name, &name),
        |o| o.id.clone(),
    );
    Ok(SelectOption {
        id,
        name,
        color,
        description,
    })
}

/// An option name: a string of at most 100 characters without commas.
pub fn option_name<'a>(value: &'a Value, path: &str) -> Outcome<&'a str> {
    let name = body::bounded_string(value, path, MAX_OPTION_NAME)?;
    if name.contains(',') {
        return Err(NotionError::validation(format!(
            "Invalid select option, commas not allowed: {name}"
        )));
    }
    if name.trim().is_empty() {
        return Err(body::invalid(value, path, "should be a non-empty string"));
    }
    Ok(name)
}

/// One of the ten select colours.
pub fn select_color<'a>(value: &'a Value, path: &str) -> Outcome<&'a str> {
    let color = body::string(value, path)?;
    if SELECT_COLORS.contains(&color) {
        Ok(color)
    } else {
        Err(body::invalid(value, path, "should be a valid select color"))
    }
}

/// The id of a new option `name` of property `property_name`.
pub fn option_id(data_source_id: &str, property_name: &str, name: &str) -> String {
    ids::stable_uuid(&[data_source_id, property_name, name])
}

fn parse_relation(fields: &Map<String, Value>, target: &Target<'_>) -> Outcome<PropertyConfig> {
    let path = target.path;
    body::only_keys(
        fields,
        &[
            "data_source_id",
            "database_id",
            "type",
            "single_property",
            "dual_property",
        ],
        path,
    )?;
    if fields.contains_key("dual_property")
        || fields.get("type").and_then(Value::as_str) == Some("dual_property")
    {
        return Err(NotionError::validation(format!(
            "The simulator supports only `single_property` relations ({path})."
        )));
    }
    let key = if fields.contains_key("data_source_id") {
        "data_source_id"
    } else if fields.contains_key("database_id") {
        "database_id"
    } else {
        return Err(NotionError::validation(
            crate::notion::errors::undefined_message(&body::member(path, "data_source_id")),
        ));
    };
    let raw = body::string(&fields[key], &body::member(path, key))?;
    let id = ids::normalize_uuid(raw).ok_or_else(|| {
        body::invalid(
            &fields[key],
            &body::member(path, key),
            "should be a valid uuid",
        )
    })?;
    let (data_source_id, database_id) =
        (target.context.resolve_relation)(&id).ok_or_else(|| {
            let kind = if key == "database_id" {
                "database"
            } else {
                "data_source"
            };
            NotionError::not_found(kind, &id)
        })?;
    Ok(PropertyConfig::Relation {
        data_source_id,
        database_id,
    })
}

/// The options and groups Notion gives a new status property.
fn default_status(data_source_id: &str, property_name: &str) -> PropertyConfig {
    let option = |name: &str, color: &str| SelectOption {
        id: option_id(data_source_id, property_name, name),
        name: name.to_owned(),
        color: color.to_owned(),
        description: None,
    };
    let options = vec![
        option("Not started", "default"),
        option("In progress", "blue"),
        option("Done", "green"),
    ];
    let group = |name: &str, color: &str, member: &SelectOption| StatusGroup {
        id: ids::stable_uuid(&[data_source_id, property_name, "group", name]),
        name: name.to_owned(),
        color: color.to_owned(),
        option_ids: vec![member.id.clone()],
    };
    let groups = vec![
        group("To-do", "gray", &options[0]),
        group("In progress", "blue", &options[1]),
        group("Complete", "green", &options[2]),
    ];
    PropertyConfig::Status { options, groups }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn context<'a>(resolve: &'a dyn Fn(&str) -> Option<(String, String)>) -> ConfigContext<'a> {
        ConfigContext {
            data_source_id: "ds",
            resolve_relation: resolve,
        }
    }

    #[test]
    fn options_keep_ids_of_kept_names_and_drop_the_rest() {
        let none = |_: &str| None;
        let first = parse_property(
            &json!({ "select": { "options": [{ "name": "a", "color": "red" }, { "name": "b" }] } }),
            "body.properties.S",
            "S",
            None,
            &context(&none),
        )
        .unwrap()
        .config
        .unwrap();
        let second = parse_property(
            &json!({ "select": { "options": [{ "name": "b", "color": "blue" }, { "name": "c" }] } }),
            "body.properties.S",
            "S",
            Some(&first),
            &context(&none),
        )
        .unwrap()
        .config
        .unwrap();
        let (first, second) = (first.options().unwrap(), second.options().unwrap());
        assert_eq!(second.len(), 2);
        assert_eq!(second[0].id, first[1].id);
        assert_eq!(second[0].color, "blue");
        assert_eq!(second[1].name, "c");
    }

    #[test]
    fn a_type_key_is_required_when_type_is_given() {
        let none = |_: &str| None;
        let err = parse_property(
            &json!({ "type": "number" }),
            "body.properties.N",
            "N",
            None,
            &context(&none),
        )
        .unwrap_err();
        assert_eq!(
            err.message(),
            "body failed validation: body.properties.N.number should be defined, instead was \
             `undefined`."
        );
    }

    #[test]
    fn relations_resolve_their_target() {
        let resolve = |id: &str| {
            Some((
                id.to_owned(),
                "00000000-0000-4000-8000-00000000db01".to_owned(),
            ))
        };
        let config = parse_property(
            &json!({ "relation": {
                "data_source_id": "00000000000040008000 00000000d501".replace(' ', ""),
                "single_property": {}
            } }),
            "body.properties.Site",
            "Site",
            None,
            &context(&resolve),
        )
        .unwrap()
        .config
        .unwrap();
        assert_eq!(
            config,
            PropertyConfig::Relation {
                data_source_id: "00000000-0000-4000-8000-00000000d501".to_owned(),
                database_id: "00000000-0000-4000-8000-00000000db01".to_owned(),
            }
        );
    }
}
