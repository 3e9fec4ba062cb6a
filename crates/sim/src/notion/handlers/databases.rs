//! `POST /v1/databases`, `GET /v1/databases/{id}` and `PATCH /v1/databases/{id}` (NOTION.md
//! sections 4.2 to 4.4). From `2025-09-03` a database is a container and the schema comes in
//! `initial_data_source.properties`; with `2022-06-28` the schema is the database's own
//! `properties`, in requests and responses alike.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::{cover_or_icon, record_write};
use crate::Sim;
use crate::notion::body;
use crate::notion::errors::{NotionError, Outcome};
use crate::notion::ids;
use crate::notion::render::containers;
use crate::notion::render::json_response;
use crate::notion::request::{Ctx, path_id};
use crate::notion::schema::parse::ConfigContext;
use crate::notion::schema::update;
use crate::notion::store::{DataSource, Database, Workspace};
use crate::notion::values::rich_text;

/// `POST /v1/databases`.
pub async fn create(State(sim): State<Arc<Sim>>, ctx: Ctx, bytes: Bytes) -> Outcome<Response> {
    ctx.only_query(&[])?;
    let fields = body::parse(&bytes, false)?;
    let legacy = !ctx.version.has_data_sources();
    let schema_key = if legacy {
        "properties"
    } else {
        "initial_data_source"
    };
    body::only_keys(
        &fields,
        &[
            "parent",
            "title",
            "description",
            "is_inline",
            "icon",
            "cover",
            schema_key,
        ],
        "body",
    )?;
    let parent_page_id = parent_page(body::required(&fields, "parent", "body")?)?;
    let title = rich_text_member(&fields, "title")?;
    let description = rich_text_member(&fields, "description")?;
    let is_inline = flag(&fields, "is_inline")?.unwrap_or(false);
    let icon = cover_or_icon(&fields, "icon")?.unwrap_or(Value::Null);
    let cover = cover_or_icon(&fields, "cover")?.unwrap_or(Value::Null);
    let (properties, properties_path) = schema_request(&fields, legacy)?;
    let stamp = ctx.stamp();
    let rendered = sim.notion.update(|workspace| -> Outcome<Value> {
        workspace
            .page(&parent_page_id)
            .ok_or_else(|| NotionError::not_found("page", &parent_page_id))?;
        let (database_id, data_source_id) = (ids::new_uuid(), ids::new_uuid());
        let resolve = |id: &str| resolve_relation(workspace, id);
        let context = ConfigContext {
            data_source_id: &data_source_id,
            resolve_relation: &resolve,
        };
        let schema = update::build(&properties, &properties_path, &context)?;
        let database = Database {
            id: database_id.clone(),
            title: title.clone(),
            description: description.clone(),
            parent_page_id: Some(parent_page_id.clone()),
            is_inline,
            in_trash: false,
            is_locked: false,
            created_time: stamp.clone(),
            last_edited_time: stamp.clone(),
            icon: icon.clone(),
            cover: cover.clone(),
            data_source_ids: vec![data_source_id.clone()],
        };
        let source = DataSource::new(
            data_source_id,
            database_id.clone(),
            title.clone(),
            schema,
            &stamp,
        );
        workspace.insert_database(database, vec![source]);
        render(workspace, &database_id, &ctx)
    })??;
    record_write(&sim);
    Ok(json_response(&rendered))
}

/// `GET /v1/databases/{database_id}`.
pub async fn retrieve(
    State(sim): State<Arc<Sim>>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Outcome<Response> {
    ctx.only_query(&[])?;
    let id = path_id("database_id", &id)?;
    let rendered = sim
        .notion
        .read(|workspace| render(workspace, &id, &ctx))??;
    Ok(json_response(&rendered))
}

/// `PATCH /v1/databases/{database_id}`: the container's title, description, parent, flags;
/// with `2022-06-28` also the schema (`properties`).
pub async fn update(
    State(sim): State<Arc<Sim>>,
    ctx: Ctx,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Outcome<Response> {
    ctx.only_query(&[])?;
    let id = path_id("database_id", &id)?;
    let fields = body::parse(&bytes, true)?;
    let mut allowed = vec![
        "parent",
        "title",
        "description",
        "is_inline",
        "icon",
        "cover",
        "in_trash",
        "is_locked",
    ];
    if ctx.version.knows_archived() {
        allowed.push("archived");
    }
    if !ctx.version.has_data_sources() {
        allowed.push("properties");
    }
    body::only_keys(&fields, &allowed, "body")?;
    let change = ContainerChange::parse(&fields)?;
    let stamp = ctx.stamp();
    let rendered = sim.notion.update(|workspace| -> Outcome<Value> {
        workspace
            .database(&id)
            .ok_or_else(|| NotionError::not_found("database", &id))?;
        if let Some(page_id) = &change.parent_page_id {
            workspace
                .page(page_id)
                .ok_or_else(|| NotionError::not_found("page", page_id))?;
        }
        if let Some(properties) = fields.get("properties") {
            legacy_schema_change(workspace, &id, properties, &stamp)?;
        }
        let database = workspace
            .database_mut(&id)
            .ok_or_else(|| NotionError::not_found("database", &id))?;
        change.apply(database, &stamp);
        let trashed = database.in_trash;
        let sources = database.data_source_ids.clone();
        if change.in_trash.is_some() {
            for source_id in sources {
                if let Some(source) = workspace.data_source_mut(&source_id) {
                    source.in_trash = trashed;
                }
            }
        }
        render(workspace, &id, &ctx)
    })??;
    record_write(&sim);
    Ok(json_response(&rendered))
}

fn render(workspace: &Workspace, id: &str, ctx: &Ctx) -> Outcome<Value> {
    let database = workspace
        .database(id)
        .ok_or_else(|| NotionError::not_found("database", id))?;
    Ok(containers::database(workspace, database, ctx.version))
}

/// The schema of a new database: `initial_data_source.properties`, or `properties` with
/// `2022-06-28`. Without one, a database gets a `Name` title property, as in Notion.
fn schema_request(
    fields: &Map<String, Value>,
    legacy: bool,
) -> Outcome<(Map<String, Value>, String)> {
    let default = || {
        let mut properties = Map::new();
        properties.insert("Name".to_owned(), json!({ "title": {} }));
        properties
    };
    if legacy {
        let properties = body::required(fields, "properties", "body")?;
        return Ok((
            body::object(properties, "body.properties")?.clone(),
            "body.properties".into(),
        ));
    }
    let Some(initial) = fields.get("initial_data_source") else {
        return Ok((default(), "body.initial_data_source.properties".into()));
    };
    let path = "body.initial_data_source";
    let initial = body::object(initial, path)?;
    body::only_keys(initial, &["properties"], path)?;
    let properties_path = body::member(path, "properties");
    match initial.get("properties") {
        None => Ok((default(), properties_path)),
        Some(properties) => Ok((
            body::object(properties, &properties_path)?.clone(),
            properties_path,
        )),
    }
}

/// A relation target: a data source id, or a database id standing for its data source.
pub fn resolve_relation(workspace: &Workspace, id: &str) -> Option<(String, String)> {
    let source = workspace
        .data_source(id)
        .or_else(|| workspace.primary_data_source(id))?;
    Some((source.id.clone(), source.database_id.clone()))
}

fn legacy_schema_change(
    workspace: &mut Workspace,
    database_id: &str,
    properties: &Value,
    stamp: &str,
) -> Outcome<()> {
    let changes = body::object(properties, "body.properties")?;
    let source = workspace
        .primary_data_source(database_id)
        .ok_or_else(|| NotionError::not_found("database", database_id))?;
    let source_id = source.id.clone();
    let resolve = |id: &str| resolve_relation(workspace, id);
    let context = ConfigContext {
        data_source_id: &source_id,
        resolve_relation: &resolve,
    };
    let (schema, effects) = update::apply(&source.schema, changes, "body.properties", &context)?;
    if let Some(source) = workspace.data_source_mut(&source_id) {
        source.set_schema(schema, &effects);
        source.last_edited_time = stamp.to_owned();
    }
    Ok(())
}

/// `parent` of a database: a page (`{"type": "page_id", "page_id": ...}`).
fn parent_page(value: &Value) -> Outcome<String> {
    let path = "body.parent";
    let fields = body::object(value, path)?;
    body::only_keys(fields, &["type", "page_id", "workspace"], path)?;
    if fields.contains_key("workspace")
        || fields.get("type").and_then(Value::as_str) == Some("workspace")
    {
        return Err(NotionError::validation(
            "Databases cannot be created at the workspace level by an internal integration; \
             give a page_id parent.",
        ));
    }
    let raw = body::required(fields, "page_id", path)?;
    let text = body::string(raw, "body.parent.page_id")?;
    ids::normalize_uuid(text)
        .ok_or_else(|| body::invalid(raw, "body.parent.page_id", "should be a valid uuid"))
}

fn rich_text_member(fields: &Map<String, Value>, key: &str) -> Outcome<Value> {
    match fields.get(key) {
        None => Ok(Value::Array(Vec::new())),
        Some(value) => rich_text::parse(value, &body::member("body", key)),
    }
}

fn flag(fields: &Map<String, Value>, key: &str) -> Outcome<Option<bool>> {
    fields
        .get(key)
        .map(|value| body::boolean(value, &body::member("body", key)))
        .transpose()
}

/// What a database update changes on the container.
struct ContainerChange {
    title: Option<Value>,
    description: Option<Value>,
    parent_page_id: Option<String>,
    is_inline: Option<bool>,
    in_trash: Option<bool>,
    is_locked: Option<bool>,
    icon: Option<Value>,
    cover: Option<Value>,
}

impl ContainerChange {
    fn parse(fields: &Map<String, Value>) -> Outcome<Self> {
        let rich = |key: &str| -> Outcome<Option<Value>> {
            fields
                .get(key)
                .map(|value| rich_text::parse(value, &body::member("body", key)))
                .transpose()
        };
        Ok(Self {
            title: rich("title")?,
            description: rich("description")?,
            parent_page_id: fields.get("parent").map(parent_page).transpose()?,
            is_inline: flag(fields, "is_inline")?,
            in_trash: flag(fields, "in_trash")?.or(flag(fields, "archived")?),
            is_locked: flag(fields, "is_locked")?,
            icon: cover_or_icon(fields, "icon")?,
            cover: cover_or_icon(fields, "cover")?,
        })
    }

    fn apply(&self, database: &mut Database, stamp: &str) {
        if let Some(title) = &self.title {
            database.title = title.clone();
        }
        if let Some(description) = &self.description {
            database.description = description.clone();
        }
        if let Some(page_id) = &self.parent_page_id {
            database.parent_page_id = Some(page_id.clone());
        }
        if let Some(is_inline) = self.is_inline {
            database.is_inline = is_inline;
        }
        if let Some(in_trash) = self.in_trash {
            database.in_trash = in_trash;
        }
        if let Some(is_locked) = self.is_locked {
            database.is_locked = is_locked;
        }
        if let Some(icon) = &self.icon {
            database.icon = icon.clone();
        }
        if let Some(cover) = &self.cover {
            database.cover = cover.clone();
        }
        database.last_edited_time = stamp.to_owned();
    }
}
