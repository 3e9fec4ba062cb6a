//! `POST /v1/pages`, `GET /v1/pages/{id}` and `PATCH /v1/pages/{id}` (NOTION.md sections
//! 4.8 to 4.10): rows of data sources and pages below pages.
//!
//! Page content (`children`, `content`, `markdown`) is accepted and not kept: the simulator
//! models properties only.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Map, Value};

use super::{cover_or_icon, record_write};
use crate::Sim;
use crate::notion::body;
use crate::notion::errors::{NotionError, Outcome, undefined_message};
use crate::notion::ids;
use crate::notion::render::json_response;
use crate::notion::render::page::{PageView, page_title_schema};
use crate::notion::request::{Ctx, path_id};
use crate::notion::schema::{SelectOption, SharedSchema};
use crate::notion::store::{Page, PageParent, SharedPage, Workspace};
use crate::notion::values::{self, PropertyWrites, WriteContext};

const CREATE_KEYS: [&str; 9] = [
    "parent",
    "properties",
    "icon",
    "cover",
    "children",
    "content",
    "markdown",
    "template",
    "position",
];
const QUERY_KEYS: [&str; 2] = ["filter_properties", "filter_properties[]"];

/// The message for editing a page in the trash.
const TRASHED: &str =
    "Can't edit block that is archived. You must unarchive the block before editing.";

/// `POST /v1/pages`.
pub async fn create(State(sim): State<Arc<Sim>>, ctx: Ctx, bytes: Bytes) -> Outcome<Response> {
    ctx.only_query(&QUERY_KEYS)?;
    let fields = body::parse(&bytes, false)?;
    body::only_keys(&fields, &CREATE_KEYS, "body")?;
    let parent = RequestedParent::parse(body::required(&fields, "parent", "body")?, &ctx)?;
    let icon = cover_or_icon(&fields, "icon")?;
    let cover = cover_or_icon(&fields, "cover")?;
    let empty = Value::Object(Map::new());
    let properties = fields.get("properties").unwrap_or(&empty);
    let stamp = ctx.stamp();
    let (page, schema) =
        sim.notion
            .update(|workspace| -> Outcome<(SharedPage, SharedSchema)> {
                let (page_parent, schema) = parent.resolve(workspace)?;
                let data_source_id = data_source_of(&page_parent).to_owned();
                let writes = values::parse(
                    properties,
                    "body.properties",
                    &WriteContext {
                        schema: &schema,
                        data_source_id: &data_source_id,
                        workspace,
                    },
                )?;
                let schema =
                    add_options(workspace, &data_source_id, &writes.new_options).unwrap_or(schema);
                let id = ids::new_uuid();
                let values: BTreeMap<String, Value> = writes.values.into_iter().collect();
                let page = Page {
                    url: ids::notion_url(&values::title_text(&schema, &values), &id),
                    id,
                    parent: page_parent,
                    created_time: stamp.clone(),
                    last_edited_time: stamp.clone(),
                    in_trash: false,
                    is_locked: false,
                    icon: icon.clone().unwrap_or(Value::Null),
                    cover: cover.clone().unwrap_or(Value::Null),
                    values,
                };
                Ok((workspace.insert_page(page), schema))
            })??;
    record_write(&sim);
    Ok(render(&ctx, &page, &schema))
}

/// `GET /v1/pages/{page_id}`.
pub async fn retrieve(
    State(sim): State<Arc<Sim>>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Outcome<Response> {
    ctx.only_query(&QUERY_KEYS)?;
    let id = path_id("page_id", &id)?;
    let (page, schema) = sim.notion.read(|workspace| find(workspace, &id))??;
    Ok(render(&ctx, &page, &schema))
}

/// `PATCH /v1/pages/{page_id}`: properties, trash and restore, icon, cover, lock.
pub async fn update(
    State(sim): State<Arc<Sim>>,
    ctx: Ctx,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Outcome<Response> {
    ctx.only_query(&[])?;
    let id = path_id("page_id", &id)?;
    let fields = body::parse(&bytes, true)?;
    let change = PageChange::parse(&fields, &ctx)?;
    let stamp = ctx.stamp();
    let (page, schema) =
        sim.notion
            .update(|workspace| -> Outcome<(SharedPage, SharedSchema)> {
                let (current, schema) = find(workspace, &id)?;
                if current.in_trash && change.in_trash != Some(false) && change.edits_content() {
                    return Err(NotionError::validation(TRASHED));
                }
                let data_source_id = current.data_source_id().unwrap_or_default().to_owned();
                let writes = match &change.properties {
                    None => PropertyWrites::default(),
                    Some(properties) => values::parse(
                        properties,
                        "body.properties",
                        &WriteContext {
                            schema: &schema,
                            data_source_id: &data_source_id,
                            workspace,
                        },
                    )?,
                };
                let schema =
                    add_options(workspace, &data_source_id, &writes.new_options).unwrap_or(schema);
                let page = workspace
                    .page_mut(&id)
                    .ok_or_else(|| NotionError::not_found("page", &id))?;
                change.apply(page, writes, &schema, &stamp);
                let page = workspace
                    .page(&id)
                    .cloned()
                    .ok_or_else(|| NotionError::not_found("page", &id))?;
                Ok((page, schema))
            })??;
    record_write(&sim);
    Ok(render(&ctx, &page, &schema))
}

fn render(ctx: &Ctx, page: &Page, schema: &SharedSchema) -> Response {
    let only = ctx.filter_properties(schema);
    json_response(&PageView {
        page,
        schema,
        version: ctx.version,
        only: only.as_deref(),
    })
}

/// A page and the schema its properties follow.
pub fn find(workspace: &Workspace, id: &str) -> Outcome<(SharedPage, SharedSchema)> {
    let page = workspace
        .page(id)
        .cloned()
        .ok_or_else(|| NotionError::not_found("page", id))?;
    let schema = schema_of(workspace, &page);
    Ok((page, schema))
}

/// The schema of a page: its data source's, or the title-only schema of other pages.
pub fn schema_of(workspace: &Workspace, page: &Page) -> SharedSchema {
    page.data_source_id()
        .and_then(|id| workspace.data_source(id))
        .map_or_else(page_title_schema, |source| source.schema.clone())
}

fn data_source_of(parent: &PageParent) -> &str {
    match parent {
        PageParent::DataSource { data_source_id, .. } => data_source_id,
        _ => "",
    }
}

/// Adds options created by writing new names; returns the data source's new schema.
fn add_options(
    workspace: &mut Workspace,
    data_source_id: &str,
    new_options: &[(String, SelectOption)],
) -> Option<SharedSchema> {
    if new_options.is_empty() {
        return None;
    }
    let source = workspace.data_source_mut(data_source_id)?;
    let schema = Arc::make_mut(&mut source.schema.0);
    for (property_id, option) in new_options {
        let options = schema
            .properties
            .iter_mut()
            .find(|p| &p.id == property_id)
            .and_then(|p| p.config.options_mut());
        if let Some(options) = options
            && !options.iter().any(|o| o.id == option.id)
        {
            options.push(option.clone());
        }
    }
    Some(source.schema.clone())
}

/// The parent a create request names.
enum RequestedParent {
    DataSource(String),
    Database(String),
    Page(String),
}

impl RequestedParent {
    fn parse(value: &Value, ctx: &Ctx) -> Outcome<Self> {
        let path = "body.parent";
        let fields = body::object(value, path)?;
        let mut allowed = vec!["type", "database_id", "page_id", "workspace"];
        if ctx.version.has_data_sources() {
            allowed.push("data_source_id");
        }
        body::only_keys(fields, &allowed, path)?;
        let kind = match fields.get("type") {
            Some(kind) => body::string(kind, &body::member(path, "type"))?,
            None => ["data_source_id", "database_id", "page_id", "workspace"]
                .into_iter()
                .find(|key| fields.contains_key(*key))
                .ok_or_else(|| NotionError::validation(undefined_message("body.parent.page_id")))?,
        };
        if kind == "workspace" {
            return Err(NotionError::validation(
                "Pages cannot be created at the workspace level by an internal integration; \
                 give a page_id, database_id or data_source_id parent.",
            ));
        }
        if !allowed.contains(&kind) || kind == "type" {
            return Err(body::invalid(
                &fields["type"],
                &body::member(path, "type"),
                "should be `\"page_id\"`, `\"database_id\"` or `\"data_source_id\"`",
            ));
        }
        let raw = body::required(fields, kind, path)?;
        let id_path = body::member(path, kind);
        let text = body::string(raw, &id_path)?;
        let id = ids::normalize_uuid(text)
            .ok_or_else(|| body::invalid(raw, &id_path, "should be a valid uuid"))?;
        Ok(match kind {
            "data_source_id" => Self::DataSource(id),
            "database_id" => Self::Database(id),
            _ => Self::Page(id),
        })
    }

    fn resolve(&self, workspace: &Workspace) -> Outcome<(PageParent, SharedSchema)> {
        match self {
            Self::DataSource(id) => {
                let source = workspace
                    .data_source(id)
                    .ok_or_else(|| NotionError::not_found("data_source", id))?;
                Ok((row_parent(source), source.schema.clone()))
            }
            Self::Database(id) => {
                let source = workspace
                    .primary_data_source(id)
                    .ok_or_else(|| NotionError::not_found("database", id))?;
                Ok((row_parent(source), source.schema.clone()))
            }
            Self::Page(id) => {
                workspace
                    .page(id)
                    .ok_or_else(|| NotionError::not_found("page", id))?;
                let parent = PageParent::Page {
                    page_id: id.clone(),
                };
                Ok((parent, page_title_schema()))
            }
        }
    }
}

fn row_parent(source: &crate::notion::store::DataSource) -> PageParent {
    PageParent::DataSource {
        data_source_id: source.id.clone(),
        database_id: source.database_id.clone(),
    }
}

/// What a `PATCH /v1/pages/{id}` body asks for.
struct PageChange {
    properties: Option<Value>,
    in_trash: Option<bool>,
    icon: Option<Value>,
    cover: Option<Value>,
    is_locked: Option<bool>,
}

impl PageChange {
    fn parse(fields: &Map<String, Value>, ctx: &Ctx) -> Outcome<Self> {
        let mut allowed = vec![
            "properties",
            "in_trash",
            "icon",
            "cover",
            "is_locked",
            "template",
            "erase_content",
        ];
        if ctx.version.knows_archived() {
            allowed.push("archived");
        }
        body::only_keys(fields, &allowed, "body")?;
        let flag = |key: &str| -> Outcome<Option<bool>> {
            fields
                .get(key)
                .map(|value| body::boolean(value, &body::member("body", key)))
                .transpose()
        };
        let in_trash = flag("in_trash")?.or(flag("archived")?);
        Ok(Self {
            properties: fields.get("properties").cloned(),
            in_trash,
            icon: cover_or_icon(fields, "icon")?,
            cover: cover_or_icon(fields, "cover")?,
            is_locked: flag("is_locked")?,
        })
    }

    /// Whether the request changes more than the trash flag.
    fn edits_content(&self) -> bool {
        self.properties.is_some()
            || self.icon.is_some()
            || self.cover.is_some()
            || self.is_locked.is_some()
    }

    fn apply(&self, page: &mut Page, writes: PropertyWrites, schema: &SharedSchema, stamp: &str) {
        let retitled = schema
            .title()
            .is_some_and(|title| writes.values.iter().any(|(id, _)| id == &title.id));
        page.values.extend(writes.values);
        if retitled {
            page.url = ids::notion_url(&values::title_text(schema, &page.values), &page.id);
        }
        if let Some(in_trash) = self.in_trash {
            page.in_trash = in_trash;
        }
        if let Some(icon) = &self.icon {
            page.icon = icon.clone();
        }
        if let Some(cover) = &self.cover {
            page.cover = cover.clone();
        }
        if let Some(is_locked) = self.is_locked {
            page.is_locked = is_locked;
        }
        page.last_edited_time = stamp.to_owned();
    }
}
