//! `POST /v1/search` (NOTION.md section 4.12): pages and data sources (databases with
//! `2022-06-28`) whose title contains `query`, ignoring case. Trashed objects are left out.
//!
//! The real search is eventually consistent and ranks by relevance; the simulator's is
//! immediate and orders by `last_edited_time` (newest first unless `sort` says otherwise),
//! then id. Clients must not rely on either for duplicate checks.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use serde_json::{Map, Value};

use super::pages::schema_of;
use super::paging;
use crate::Sim;
use crate::notion::body;
use crate::notion::errors::Outcome;
use crate::notion::query::cursor::Cursor;
use crate::notion::render::{ListItem, ListView, containers, json_response};
use crate::notion::request::Ctx;
use crate::notion::store::{DataSource, Database, SharedPage, Workspace};
use crate::notion::values::{self, rich_text};

/// `POST /v1/search`.
pub async fn search(State(sim): State<Arc<Sim>>, ctx: Ctx, bytes: Bytes) -> Outcome<Response> {
    ctx.only_query(&[])?;
    let fields = body::parse(&bytes, true)?;
    body::only_keys(
        &fields,
        &["query", "filter", "sort", "start_cursor", "page_size"],
        "body",
    )?;
    let request = SearchRequest::parse(&fields, &ctx)?;
    let page_size = paging::body_page_size(&fields)?;
    let start = paging::body_cursor(&sim, &ctx, &fields)?;
    let (items, next) = sim.notion.read(|workspace| {
        let mut found = candidates(workspace, &request, &ctx);
        found.sort_by(|a, b| {
            let order = a.last_edited().cmp(b.last_edited());
            let order = if request.ascending {
                order
            } else {
                order.reverse()
            };
            order.then_with(|| a.id().cmp(b.id()))
        });
        let first = start.as_ref().map_or(0, |cursor| {
            found
                .iter()
                .position(|hit| hit.id() == cursor.anchor)
                .unwrap_or(cursor.offset.min(found.len()))
        });
        let end = (first + page_size).min(found.len());
        let next = found.get(end).map(|hit| Cursor {
            offset: end,
            anchor: hit.id().to_owned(),
        });
        let items: Vec<ListItem> = found[first..end]
            .iter()
            .map(|hit| hit.render(workspace, &ctx))
            .collect();
        (items, next)
    })?;
    Ok(json_response(&ListView {
        items: &items,
        next_cursor: next.as_ref().map(Cursor::encode),
        version: ctx.version,
        only: None,
        incomplete: false,
    }))
}

struct SearchRequest {
    query: String,
    pages: bool,
    containers: bool,
    ascending: bool,
}

impl SearchRequest {
    fn parse(fields: &Map<String, Value>, ctx: &Ctx) -> Outcome<Self> {
        let query = match fields.get("query") {
            None | Some(Value::Null) => String::new(),
            Some(value) => body::string(value, "body.query")?.to_lowercase(),
        };
        let container = if ctx.version.has_data_sources() {
            "data_source"
        } else {
            "database"
        };
        let (pages, containers) = match fields.get("filter") {
            None => (true, true),
            Some(filter) => {
                let path = "body.filter";
                let filter = body::object(filter, path)?;
                body::only_keys(filter, &["property", "value"], path)?;
                let property = body::required(filter, "property", path)?;
                if property.as_str() != Some("object") {
                    return Err(body::invalid(
                        property,
                        "body.filter.property",
                        "should be `\"object\"`",
                    ));
                }
                let value = body::required(filter, "value", path)?;
                match value.as_str() {
                    Some("page") => (true, false),
                    Some(kind) if kind == container => (false, true),
                    _ => {
                        return Err(body::invalid(
                            value,
                            "body.filter.value",
                            &format!("should be `\"page\"` or `\"{container}\"`"),
                        ));
                    }
                }
            }
        };
        let ascending = match fields.get("sort") {
            None => false,
            Some(sort) => parse_sort(sort)?,
        };
        Ok(Self {
            query,
            pages,
            containers,
            ascending,
        })
    }

    fn matches(&self, title: &str) -> bool {
        self.query.is_empty() || title.to_lowercase().contains(&self.query)
    }
}

/// `sort`: `{"timestamp": "last_edited_time", "direction": ...}`; true for ascending.
fn parse_sort(sort: &Value) -> Outcome<bool> {
    let path = "body.sort";
    let fields = body::object(sort, path)?;
    body::only_keys(fields, &["timestamp", "direction"], path)?;
    let timestamp = body::required(fields, "timestamp", path)?;
    if timestamp.as_str() != Some("last_edited_time") {
        return Err(body::invalid(
            timestamp,
            "body.sort.timestamp",
            "should be `\"last_edited_time\"`",
        ));
    }
    let direction = body::required(fields, "direction", path)?;
    match direction.as_str() {
        Some("ascending") => Ok(true),
        Some("descending") => Ok(false),
        _ => Err(body::invalid(
            direction,
            "body.sort.direction",
            "should be `\"ascending\"` or `\"descending\"`",
        )),
    }
}

enum Hit<'a> {
    Page(&'a SharedPage),
    DataSource(&'a DataSource),
    Database(&'a Database),
}

impl Hit<'_> {
    fn id(&self) -> &str {
        match self {
            Self::Page(page) => &page.id,
            Self::DataSource(source) => &source.id,
            Self::Database(database) => &database.id,
        }
    }

    fn last_edited(&self) -> &str {
        match self {
            Self::Page(page) => &page.last_edited_time,
            Self::DataSource(source) => &source.last_edited_time,
            Self::Database(database) => &database.last_edited_time,
        }
    }

    fn render(&self, workspace: &Workspace, ctx: &Ctx) -> ListItem {
        match self {
            Self::Page(page) => ListItem::Page((*page).clone(), schema_of(workspace, page)),
            Self::DataSource(source) => {
                ListItem::Object(containers::data_source(workspace, source, ctx.version))
            }
            Self::Database(database) => {
                ListItem::Object(containers::database(workspace, database, ctx.version))
            }
        }
    }
}

fn candidates<'a>(workspace: &'a Workspace, request: &SearchRequest, ctx: &Ctx) -> Vec<Hit<'a>> {
    let mut found = Vec::new();
    if request.pages {
        for page in workspace.all_pages().filter(|page| !page.in_trash) {
            let schema = schema_of(workspace, page);
            if request.matches(&values::title_text(&schema, &page.values)) {
                found.push(Hit::Page(page));
            }
        }
    }
    if request.containers && ctx.version.has_data_sources() {
        let sources = workspace.data_sources().filter(|source| {
            !source.in_trash && request.matches(&rich_text::plain_text(&source.title))
        });
        found.extend(sources.map(Hit::DataSource));
    } else if request.containers {
        let databases = workspace.databases().filter(|database| {
            !database.in_trash && request.matches(&rich_text::plain_text(&database.title))
        });
        found.extend(databases.map(Hit::Database));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_accepts_only_last_edited_time() {
        assert!(
            parse_sort(
                &serde_json::json!({ "timestamp": "last_edited_time", "direction": "ascending" })
            )
            .unwrap()
        );
        assert!(
            parse_sort(
                &serde_json::json!({ "timestamp": "created_time", "direction": "ascending" })
            )
            .is_err()
        );
    }
}
