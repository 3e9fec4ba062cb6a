//! `GET /v1/data_sources/{id}` and `PATCH /v1/data_sources/{id}` (NOTION.md sections 4.5 and
//! 4.6): the schema, and changes to it. With `2022-06-28` these paths do not exist.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::Value;

use super::databases::resolve_relation;
use super::{cover_or_icon, record_write};
use crate::Sim;
use crate::notion::body;
use crate::notion::errors::{self, NotionError, Outcome};
use crate::notion::render::{containers, json_response};
use crate::notion::request::{Ctx, path_id};
use crate::notion::schema::parse::ConfigContext;
use crate::notion::schema::update;
use crate::notion::store::Workspace;
use crate::notion::values::rich_text;

/// `GET /v1/data_sources/{data_source_id}`.
pub async fn retrieve(
    State(sim): State<Arc<Sim>>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Outcome<Response> {
    let id = checked_id(&ctx, &id)?;
    ctx.only_query(&[])?;
    let rendered = sim
        .notion
        .read(|workspace| render(workspace, &id, &ctx))??;
    Ok(json_response(&rendered))
}

/// `PATCH /v1/data_sources/{data_source_id}`: title, icon, trash, and the schema.
pub async fn update(
    State(sim): State<Arc<Sim>>,
    ctx: Ctx,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Outcome<Response> {
    let id = checked_id(&ctx, &id)?;
    ctx.only_query(&[])?;
    let fields = body::parse(&bytes, true)?;
    let mut allowed = vec!["title", "icon", "properties", "in_trash", "parent"];
    if ctx.version.knows_archived() {
        allowed.push("archived");
    }
    body::only_keys(&fields, &allowed, "body")?;
    if fields.contains_key("parent") {
        return Err(NotionError::validation(
            "The simulator does not move data sources between databases (body.parent).",
        ));
    }
    let title = fields
        .get("title")
        .map(|value| rich_text::parse(value, "body.title"))
        .transpose()?;
    let icon = cover_or_icon(&fields, "icon")?;
    let trash = |key: &str| {
        fields
            .get(key)
            .map(|value| body::boolean(value, &body::member("body", key)))
            .transpose()
    };
    let in_trash = trash("in_trash")?.or(trash("archived")?);
    let properties = fields
        .get("properties")
        .map(|value| body::object(value, "body.properties"))
        .transpose()?;
    let stamp = ctx.stamp();
    let rendered = sim.notion.update(|workspace| -> Outcome<Value> {
        let source = workspace
            .data_source(&id)
            .ok_or_else(|| NotionError::not_found("data_source", &id))?;
        let new_schema = match properties {
            None => None,
            Some(changes) => {
                let resolve = |target: &str| resolve_relation(workspace, target);
                let context = ConfigContext {
                    data_source_id: &id,
                    resolve_relation: &resolve,
                };
                Some(update::apply(
                    &source.schema,
                    changes,
                    "body.properties",
                    &context,
                )?)
            }
        };
        let source = workspace
            .data_source_mut(&id)
            .ok_or_else(|| NotionError::not_found("data_source", &id))?;
        if let Some((schema, effects)) = new_schema {
            source.set_schema(schema, &effects);
        }
        if let Some(title) = &title {
            source.title = title.clone();
        }
        if let Some(icon) = &icon {
            source.icon = icon.clone();
        }
        if let Some(in_trash) = in_trash {
            source.in_trash = in_trash;
        }
        source.last_edited_time = stamp.clone();
        render(workspace, &id, &ctx)
    })??;
    record_write(&sim);
    Ok(json_response(&rendered))
}

/// The path's data source id; `invalid_request_url` before `2025-09-03`.
fn checked_id(ctx: &Ctx, raw: &str) -> Outcome<String> {
    if !ctx.version.has_data_sources() {
        return Err(errors::invalid_request_url().into());
    }
    path_id("data_source_id", raw)
}

fn render(workspace: &Workspace, id: &str, ctx: &Ctx) -> Outcome<Value> {
    let source = workspace
        .data_source(id)
        .ok_or_else(|| NotionError::not_found("data_source", id))?;
    Ok(containers::data_source(workspace, source, ctx.version))
}
