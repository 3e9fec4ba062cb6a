//! The adjustments made to the vendors' documents before validating against them. Each one
//! cites the caveat of `shared/specs/README.md` it answers, or says why it is needed.
//!
//! Each adjustment only loosens a schema where the vendor's own examples, fixtures or
//! reference show real answers that the schema refuses; nothing is dropped wholesale.

use std::collections::{BTreeSet, HashMap, HashSet};

use jsonschema::Draft;
use serde_json::{Value, json};

use super::escape;

/// Applies every adjustment that concerns a document of this draft.
pub fn document(document: &mut Value, draft: Draft) {
    if draft == Draft::Draft4 {
        // UniFi README caveat: "Nine enums are nested one level too deep
        // (`"enum": [["a", "b"]]`), an upstream bug kept as is."
        walk_schemas(document, &mut flatten_nested_enum);
        if document.pointer("/info/title") == Some(&json!("UniFi Site Manager API")) {
            walk_schemas(document, &mut unifi_example_deviations);
        }
        walk_schemas(document, &mut nullable_as_type);
    }
    notion_errors(document);
    notion_relation_has_more(document);
    notion_date_times(document);
    all_of_sibling_properties(document);
}

/// Calls `fix` on every object of the document, children first.
fn walk_schemas(value: &mut Value, fix: &mut dyn FnMut(&mut Value)) {
    match value {
        Value::Object(map) => map.values_mut().for_each(|child| walk_schemas(child, fix)),
        Value::Array(items) => items.iter_mut().for_each(|child| walk_schemas(child, fix)),
        _ => return,
    }
    fix(value);
}

/// OpenAPI 3.0 `nullable: true` (UniFi, NinjaOne) is JSON Schema's `null` type: it is
/// added to `type` (and to `enum`, which would otherwise still refuse `null`).
fn nullable_as_type(schema: &mut Value) {
    if schema.get("nullable") != Some(&Value::Bool(true)) {
        return;
    }
    if let Some(Value::Array(options)) = schema.get_mut("enum")
        && !options.contains(&Value::Null)
    {
        options.push(Value::Null);
    }
    match schema.get("type").cloned() {
        Some(Value::String(kind)) => schema["type"] = json!([kind, "null"]),
        Some(Value::Array(mut kinds)) => {
            kinds.push(json!("null"));
            schema["type"] = Value::Array(kinds);
        }
        _ => *schema = json!({ "anyOf": [{ "type": "null" }, schema.take()] }),
    }
}

/// Not in the README: some schemas contradict the document's own examples, which match
/// the real responses in `unifi-fixtures/`:
/// - a host's `registrationTime` and `latestBackupTime` are `""` when unknown (examples of
///   `GET /v1/hosts/{id}`), yet typed `format: date-time`: they also accept `""`;
/// - SD-WAN `hubsPriority` ("Non-null for distributed topology and
///   spokeToHubRouting=custom") and `internetIssues` are `null` where they do not apply,
///   yet typed as plain arrays: they are made nullable;
/// - SD-WAN `applyStatus` is `"OK"` where its enum lists only lower-case values: it also
///   accepts the upper-case forms.
fn unifi_example_deviations(schema: &mut Value) {
    let Some(Value::Object(properties)) = schema.get_mut("properties") else {
        return;
    };
    for name in ["registrationTime", "latestBackupTime"] {
        if let Some(property) = properties.get_mut(name) {
            // Draft 4 has no `const`.
            *property = json!({ "anyOf": [{ "enum": [""] }, property.take()] });
        }
    }
    for name in ["hubsPriority", "internetIssues"] {
        if let Some(Value::Object(property)) = properties.get_mut(name) {
            property.insert("nullable".into(), Value::Bool(true));
        }
    }
    let options = properties
        .get_mut("applyStatus")
        .and_then(|p| p.get_mut("enum"));
    if let Some(Value::Array(options)) = options {
        let upper: Vec<Value> = options
            .iter()
            .filter_map(Value::as_str)
            .map(|option| json!(option.to_ascii_uppercase()))
            .filter(|option| !options.contains(option))
            .collect();
        options.extend(upper);
    }
}

/// `"enum": [["a", "b"]]` on a string schema becomes `"enum": ["a", "b"]`.
fn flatten_nested_enum(schema: &mut Value) {
    let Some(Value::Array(options)) = schema.get("enum") else {
        return;
    };
    let nested = !options.is_empty() && options.iter().all(Value::is_array);
    if nested && schema.get("type") == Some(&json!("string")) {
        let flat: Vec<Value> = options
            .iter()
            .filter_map(Value::as_array)
            .flatten()
            .cloned()
            .collect();
        schema["enum"] = Value::Array(flat);
    }
}

/// Notion README caveat: "Error schemas are stricter than real error responses. Each
/// error is `allOf` a common part and a branch with `additionalProperties: false`, so a
/// strict validator rejects real bodies (which also carry `request_id` and sometimes
/// `additional_data`)." The branches lose `additionalProperties: false`; an error body
/// must still be an object with `object: "error"`, `status` (the declared one), `code`
/// (one of the declared codes) and `message`, and may carry other keys.
fn notion_errors(document: &mut Value) {
    let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let errors = schemas
        .iter_mut()
        .filter(|(name, _)| name.starts_with("error_"));
    for (_, schema) in errors {
        let branches = schema.get_mut("allOf").and_then(Value::as_array_mut);
        for branch in branches.into_iter().flatten() {
            if let Some(branch) = branch.as_object_mut() {
                branch.remove("additionalProperties");
            }
        }
    }
}

/// Notion README caveat: "The relation property value schema has no `has_more`, which
/// real page responses include."
fn notion_relation_has_more(document: &mut Value) {
    let pointer = "/components/schemas/relationArrayBasedPropertyValueResponse/properties";
    if let Some(Value::Object(properties)) = document.pointer_mut(pointer) {
        properties.insert("has_more".into(), json!({ "type": "boolean" }));
    }
}

/// Not in the README: a date value's `start` and `end` are typed `format: date`, yet they
/// hold a date-time whenever the value has a time (`2026-12-03T06:00:00.000Z`; see
/// `shared/api/NOTION.md` section 5.3 and Notion's property value reference). They accept
/// either format.
fn notion_date_times(document: &mut Value) {
    let date_or_time = json!({
        "type": "string",
        "anyOf": [{ "format": "date" }, { "format": "date-time" }],
    });
    let fields = [
        "/components/schemas/dateResponse/properties/start",
        "/components/schemas/dateResponse/properties/end/oneOf/0",
    ];
    for pointer in fields {
        if let Some(field) = document.pointer_mut(pointer) {
            *field = date_or_time.clone();
        }
    }
}

/// Not among the README's caveats, but the same defect as its error schemas: an `allOf`
/// whose branch (or a union below it) has `additionalProperties: false` refuses the
/// properties its sibling branches declare, so no instance can satisfy it. Notion's
/// `pagePropertyValueWithIdResponse` is `allOf [{id}, oneOf [<24 property values, each
/// closed>]]`, which refuses every page property, as every one carries `id`. The closed
/// schemas are opened to the siblings' property names (and only to those); they stay
/// closed to anything else. (The SDK's TypeScript types read the `allOf` as an
/// intersection, which is what this restores.)
fn all_of_sibling_properties(document: &mut Value) {
    let mut openings: HashMap<String, BTreeSet<String>> = HashMap::new();
    collect_openings(document, document, String::new(), &mut openings);
    for (pointer, names) in openings {
        let Some(schema) = document.pointer_mut(&pointer) else {
            continue;
        };
        let properties = schema
            .as_object_mut()
            .map(|s| s.entry("properties").or_insert_with(|| json!({})));
        if let Some(Value::Object(properties)) = properties {
            for name in names {
                properties.entry(name).or_insert_with(|| json!({}));
            }
        }
    }
}

fn collect_openings(
    document: &Value,
    value: &Value,
    pointer: String,
    openings: &mut HashMap<String, BTreeSet<String>>,
) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(branches)) = map.get("allOf") {
                open_all_of(document, branches, &format!("{pointer}/allOf"), openings);
            }
            for (key, child) in map {
                collect_openings(
                    document,
                    child,
                    format!("{pointer}/{}", escape(key)),
                    openings,
                );
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                collect_openings(document, child, format!("{pointer}/{index}"), openings);
            }
        }
        _ => {}
    }
}

fn open_all_of(
    document: &Value,
    branches: &[Value],
    pointer: &str,
    openings: &mut HashMap<String, BTreeSet<String>>,
) {
    let declared: Vec<BTreeSet<String>> = branches
        .iter()
        .map(|branch| declared_properties(document, branch, 0))
        .collect();
    for index in 0..branches.len() {
        let siblings: BTreeSet<String> = declared
            .iter()
            .enumerate()
            .filter(|(other, _)| *other != index)
            .flat_map(|(_, names)| names.iter().cloned())
            .collect();
        if siblings.is_empty() {
            continue;
        }
        let mut closed = Vec::new();
        closed_schemas(
            document,
            format!("{pointer}/{index}"),
            &mut HashSet::new(),
            &mut closed,
        );
        for schema in closed {
            openings
                .entry(schema)
                .or_default()
                .extend(siblings.iter().cloned());
        }
    }
}

/// Property names a schema declares at its top level, through `$ref` and its `allOf`,
/// `anyOf` and `oneOf` branches (a union's names are all legitimate siblings).
fn declared_properties(document: &Value, schema: &Value, depth: usize) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    if depth > 16 {
        return names;
    }
    if let Some(target) = reference_target(document, schema) {
        return declared_properties(document, target, depth + 1);
    }
    if let Some(Value::Object(properties)) = schema.get("properties") {
        names.extend(properties.keys().cloned());
    }
    for keyword in ["allOf", "anyOf", "oneOf"] {
        let branches = schema.get(keyword).and_then(Value::as_array);
        for branch in branches.into_iter().flatten() {
            names.extend(declared_properties(document, branch, depth + 1));
        }
    }
    names
}

/// Pointers of the closed schemas (`additionalProperties: false`) an instance validated
/// against `pointer` is also validated against, through `$ref`, `allOf`, `anyOf`, `oneOf`.
fn closed_schemas(
    document: &Value,
    pointer: String,
    seen: &mut HashSet<String>,
    closed: &mut Vec<String>,
) {
    if !seen.insert(pointer.clone()) {
        return;
    }
    let Some(schema) = document.pointer(&pointer) else {
        return;
    };
    if let Some(Value::String(reference)) = schema.get("$ref") {
        if let Some(target) = reference.strip_prefix('#') {
            closed_schemas(document, target.to_owned(), seen, closed);
        }
        return;
    }
    if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
        closed.push(pointer.clone());
    }
    for keyword in ["allOf", "anyOf", "oneOf"] {
        let count = schema
            .get(keyword)
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for index in 0..count {
            closed_schemas(
                document,
                format!("{pointer}/{keyword}/{index}"),
                seen,
                closed,
            );
        }
    }
}

fn reference_target<'a>(document: &'a Value, schema: &Value) -> Option<&'a Value> {
    let reference = schema.get("$ref")?.as_str()?;
    document.pointer(reference.strip_prefix('#')?)
}
