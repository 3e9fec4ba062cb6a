//! Database and data source objects (NOTION.md sections 4.3 and 4.5), shaped for the version:
//! `2026-03-11` has exactly the fields of the official document, `2025-09-03` adds
//! `archived`, and `2022-06-28` shows the database with its schema and no data sources.
//!
//! They are rendered while the workspace is locked (they are small and rarely asked for), so
//! they come out as JSON values.

use serde_json::{Map, Value, json};

use crate::notion::ids;
use crate::notion::schema::render::PropertiesView;
use crate::notion::store::{DataSource, Database, Workspace};
use crate::notion::values::rich_text;
use crate::notion::version::ApiVersion;

/// A database object.
pub fn database(workspace: &Workspace, database: &Database, version: ApiVersion) -> Value {
    if !version.has_data_sources() {
        return legacy_database(workspace, database);
    }
    let data_sources: Vec<Value> = database
        .data_source_ids
        .iter()
        .filter_map(|id| workspace.data_source(id))
        .map(|source| json!({ "id": source.id, "name": rich_text::plain_text(&source.title) }))
        .collect();
    let mut object = Map::new();
    object.insert("object".into(), json!("database"));
    object.insert("id".into(), json!(database.id));
    object.insert("title".into(), database.title.clone());
    object.insert("description".into(), database.description.clone());
    object.insert("parent".into(), database_parent(database));
    object.insert("is_inline".into(), json!(database.is_inline));
    if version.knows_archived() {
        object.insert("archived".into(), json!(database.in_trash));
    }
    object.insert("in_trash".into(), json!(database.in_trash));
    object.insert("is_locked".into(), json!(database.is_locked));
    object.insert("created_time".into(), json!(database.created_time));
    object.insert("last_edited_time".into(), json!(database.last_edited_time));
    object.insert("data_sources".into(), Value::Array(data_sources));
    object.insert("icon".into(), database.icon.clone());
    object.insert("cover".into(), database.cover.clone());
    object.insert("url".into(), json!(database_url(database)));
    object.insert("public_url".into(), Value::Null);
    Value::Object(object)
}

/// The `2022-06-28` database: the container and its (single) data source's schema in one.
fn legacy_database(workspace: &Workspace, database: &Database) -> Value {
    let properties =
        workspace
            .primary_data_source(&database.id)
            .map_or(Value::Object(Map::new()), |source| {
                let view = PropertiesView {
                    schema: &source.schema,
                    version: ApiVersion::Legacy,
                };
                serde_json::to_value(view).unwrap_or(Value::Null)
            });
    json!({
        "object": "database",
        "id": database.id,
        "cover": database.cover,
        "icon": database.icon,
        "created_time": database.created_time,
        "created_by": super::user_ref(),
        "last_edited_by": super::user_ref(),
        "last_edited_time": database.last_edited_time,
        "title": database.title,
        "description": database.description,
        "is_inline": database.is_inline,
        "properties": properties,
        "parent": database_parent(database),
        "url": database_url(database),
        "public_url": null,
        "archived": database.in_trash,
        "in_trash": database.in_trash,
        "is_locked": database.is_locked,
    })
}

/// A data source object.
pub fn data_source(workspace: &Workspace, source: &DataSource, version: ApiVersion) -> Value {
    let database = workspace.database(&source.database_id);
    let properties = PropertiesView {
        schema: &source.schema,
        version,
    };
    let mut object = Map::new();
    object.insert("object".into(), json!("data_source"));
    object.insert("id".into(), json!(source.id));
    object.insert("title".into(), source.title.clone());
    object.insert("description".into(), source.description.clone());
    object.insert(
        "parent".into(),
        json!({ "type": "database_id", "database_id": source.database_id }),
    );
    object.insert(
        "database_parent".into(),
        database.map_or(Value::Null, database_parent),
    );
    object.insert(
        "is_inline".into(),
        json!(database.is_some_and(|d| d.is_inline)),
    );
    if version.knows_archived() {
        object.insert("archived".into(), json!(source.in_trash));
    }
    object.insert("in_trash".into(), json!(source.in_trash));
    object.insert("created_time".into(), json!(source.created_time));
    object.insert("last_edited_time".into(), json!(source.last_edited_time));
    object.insert("created_by".into(), super::user_ref());
    object.insert("last_edited_by".into(), super::user_ref());
    object.insert(
        "properties".into(),
        serde_json::to_value(properties).unwrap_or(Value::Null),
    );
    object.insert("icon".into(), source.icon.clone());
    object.insert("cover".into(), Value::Null);
    object.insert(
        "url".into(),
        json!(ids::notion_url(
            &rich_text::plain_text(&source.title),
            &source.id
        )),
    );
    object.insert("public_url".into(), Value::Null);
    Value::Object(object)
}

fn database_parent(database: &Database) -> Value {
    match &database.parent_page_id {
        Some(page_id) => json!({ "type": "page_id", "page_id": page_id }),
        None => json!({ "type": "workspace", "workspace": true }),
    }
}

fn database_url(database: &Database) -> String {
    ids::notion_url(&rich_text::plain_text(&database.title), &database.id)
}
