//! `GET /v1/pages/{page_id}/properties/{property_id}` (NOTION.md section 4.11): the whole value
//! of one property. Title, rich text, relation and people values come as a paginated list of
//! property items (this is how a client reads a relation past the 25 references a page object
//! shows); other types as one property item.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Value, json};

use super::pages::find;
use super::paging;
use crate::Sim;
use crate::notion::errors::{NotionError, Outcome};
use crate::notion::query::cursor::Cursor;
use crate::notion::render::json_response;
use crate::notion::render::page::ValueView;
use crate::notion::request::{Ctx, path_id};
use crate::notion::schema::PropertyConfig;

/// Where `next_url` points, as in real responses; clients should page with `next_cursor`.
const API_BASE: &str = "https://api.notion.com";

/// `GET /v1/pages/{page_id}/properties/{property_id}`.
pub async fn retrieve(
    State(sim): State<Arc<Sim>>,
    ctx: Ctx,
    Path((page_id, property_key)): Path<(String, String)>,
) -> Outcome<Response> {
    ctx.only_query(&["page_size", "start_cursor"])?;
    let page_id = path_id("page_id", &page_id)?;
    let page_size = paging::query_page_size(&ctx)?;
    let start = paging::query_cursor(&sim, &ctx)?;
    let (page, schema) = sim.notion.read(|workspace| find(workspace, &page_id))??;
    let property = schema.find(&property_key).ok_or_else(|| {
        NotionError::validation(format!("{property_key} is not a property that exists."))
    })?;
    let kind = property.config.type_name();
    let paginated = matches!(
        property.config,
        PropertyConfig::Title
            | PropertyConfig::RichText
            | PropertyConfig::Relation { .. }
            | PropertyConfig::People
    );
    if !paginated {
        let value = serde_json::to_value(ValueView {
            property,
            page: &page,
        })
        .unwrap_or(Value::Null);
        let mut item = json!({ "object": "property_item", "id": property.id, "type": kind });
        item[kind] = value[kind].clone();
        return Ok(json_response(&item));
    }
    let all: &[Value] = page
        .values
        .get(&property.id)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    let first = start.map_or(0, |cursor| cursor.offset.min(all.len()));
    let end = (first + page_size).min(all.len());
    let results: Vec<Value> = all[first..end]
        .iter()
        .map(|entry| json!({ "object": "property_item", "id": property.id, "type": kind, kind: entry }))
        .collect();
    let next_cursor = (end < all.len()).then(|| {
        Cursor {
            offset: end,
            anchor: String::new(),
        }
        .encode()
    });
    let next_url = next_cursor.as_ref().map(|cursor| {
        format!(
            "{API_BASE}/v1/pages/{page_id}/properties/{}?start_cursor={cursor}",
            property.id
        )
    });
    Ok(json_response(&json!({
        "object": "list",
        "results": results,
        "next_cursor": next_cursor,
        "has_more": next_cursor.is_some(),
        "type": "property_item",
        "property_item": { "id": property.id, "next_url": next_url, "type": kind, kind: {} },
    })))
}
