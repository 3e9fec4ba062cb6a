//! `POST /v1/data_sources/{id}/query` and, for `2022-06-28`, `POST /v1/databases/{id}/query`
//! (NOTION.md section 4.7): a body that may be absent or `{}`, `filter_properties` in the query
//! string, `start_cursor` in the body only.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Map, Value};

use super::paging;
use crate::Sim;
use crate::notion::body;
use crate::notion::errors::{self, NotionError, Outcome};
use crate::notion::query::cursor::Cursor;
use crate::notion::query::{self, Plan, Window, filter, sort};
use crate::notion::render::{ListItem, ListView, json_response};
use crate::notion::request::{Ctx, path_id};
use crate::notion::schema::SharedSchema;
use crate::notion::store::{DataSource, Workspace};

const BODY_KEYS: [&str; 5] = [
    "filter",
    "sorts",
    "start_cursor",
    "page_size",
    "result_type",
];
const QUERY_KEYS: [&str; 2] = ["filter_properties", "filter_properties[]"];

/// `POST /v1/data_sources/{data_source_id}/query`.
pub async fn data_source(
    State(sim): State<Arc<Sim>>,
    ctx: Ctx,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Outcome<Response> {
    if !ctx.version.has_data_sources() {
        return Err(errors::invalid_request_url().into());
    }
    let id = path_id("data_source_id", &id)?;
    answer(&sim, &ctx, &bytes, |workspace| {
        workspace
            .data_source(&id)
            .ok_or_else(|| NotionError::not_found("data_source", &id))
    })
}

/// `POST /v1/databases/{database_id}/query`, the `2022-06-28` form; newer versions answer
/// `invalid_request_url` (NOTION.md section 2).
pub async fn legacy_database(
    State(sim): State<Arc<Sim>>,
    ctx: Ctx,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Outcome<Response> {
    if ctx.version.has_data_sources() {
        return Err(errors::invalid_request_url().into());
    }
    let id = path_id("database_id", &id)?;
    answer(&sim, &ctx, &bytes, |workspace| {
        workspace
            .primary_data_source(&id)
            .ok_or_else(|| NotionError::not_found("database", &id))
    })
}

fn answer(
    sim: &Sim,
    ctx: &Ctx,
    bytes: &[u8],
    source_of: impl FnOnce(&Workspace) -> Outcome<&DataSource>,
) -> Outcome<Response> {
    ctx.only_query(&QUERY_KEYS)?;
    let fields = body::parse(bytes, true)?;
    body::only_keys(&fields, &BODY_KEYS, "body")?;
    let page_size = paging::body_page_size(&fields)?;
    let pages_wanted = result_type_wants_pages(&fields)?;
    let start = paging::body_cursor(sim, ctx, &fields)?;
    let (window, schema) = sim
        .notion
        .read(|workspace| -> Outcome<(Window, SharedSchema)> {
            let source = source_of(workspace)?;
            let plan = plan(&fields, source, ctx, page_size, start)?;
            let window = if pages_wanted {
                query::run(source, &plan, ctx.row_cap)
            } else {
                Window {
                    rows: Vec::new(),
                    next: None,
                    incomplete: false,
                }
            };
            Ok((window, source.schema.clone()))
        })??;
    let only = ctx.filter_properties(&schema);
    let items: Vec<ListItem> = window
        .rows
        .into_iter()
        .map(|page| ListItem::Page(page, schema.clone()))
        .collect();
    Ok(json_response(&ListView {
        items: &items,
        next_cursor: window.next.as_ref().map(Cursor::encode),
        version: ctx.version,
        only: only.as_deref(),
        incomplete: window.incomplete,
    }))
}

fn plan(
    fields: &Map<String, Value>,
    source: &DataSource,
    ctx: &Ctx,
    page_size: usize,
    start: Option<Cursor>,
) -> Outcome<Plan> {
    let filter = fields
        .get("filter")
        .map(|value| filter::compile(value, &source.schema, ctx.today()))
        .transpose()?;
    let order = match fields.get("sorts") {
        None => sort::Order::Natural { descending: false },
        Some(sorts) => sort::compile(sorts, &source.schema)?,
    };
    Ok(Plan {
        filter,
        order,
        page_size,
        start,
    })
}

/// `result_type`: `"page"` or `"data_source"` (only wikis have data source children, and the
/// simulator has no wikis, so `"data_source"` finds nothing).
fn result_type_wants_pages(fields: &Map<String, Value>) -> Outcome<bool> {
    match fields.get("result_type") {
        None => Ok(true),
        Some(value) => match value.as_str() {
            Some("page") => Ok(true),
            Some("data_source") => Ok(false),
            _ => Err(body::invalid(
                value,
                "body.result_type",
                "should be `\"page\"` or `\"data_source\"`",
            )),
        },
    }
}
