//! Reading every page of a data source as Notion returned it, for a backup or a
//! comparison.
//!
//! [`NotionClient::query`] decodes pages into typed values, which a backup
//! cannot use: it keeps rich text formatting, option colours, people and every
//! type the sync does not know. So this reads the raw page objects, with the
//! same defences as that query (NOTION.md sections 7.2 and 7.3): sorted by
//! `created_time`, a window cut by the 10,000-row cap
//! (`request_status.incomplete`) is followed by one starting at the last
//! `created_time` seen (`on_or_after`, times being rounded to the minute) with
//! rows already seen dropped by id, and a refused cursor restarts the current
//! window.
//!
//! Limitation: when more rows than one query returns share one `created_time`
//! minute (a bulk import), no window can get past them; the read then fails
//! with an error that says so, never returning part of the rows. Sorting on a
//! property instead would not help: Notion offers no ordering filter on text,
//! and numbers and dates need not be unique.
//!
//! Relations that Notion cut at 25 references (`has_more`, section 13) are read
//! whole from the page property item endpoint and written back into the page
//! object.

use std::collections::HashSet;

use chrono::{DateTime, SecondsFormat, Utc};
use indicatif::ProgressBar;
use reqwest::Method;
use serde_json::{Value, json};

use crate::http::{Replay, Request};
use crate::notion::{DataSourceId, NotionClient, NotionError, PageId};

/// Restarts allowed after refused cursors, per read.
const CURSOR_RESTARTS: u32 = 5;

/// What a read returned besides the pages.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct ReadStats {
    /// Queries after the first that a row cap made necessary.
    pub extra_windows: usize,
    /// Relation values read whole from the property item endpoint.
    pub relations_completed: usize,
}

/// Every page of `source` (trash excluded), oldest first, with `properties`
/// (ids) asked for by `filter_properties`, and relations read whole.
pub(super) async fn read_pages(
    notion: &NotionClient,
    source: &DataSourceId,
    properties: &[String],
    bar: &ProgressBar,
) -> Result<(Vec<Value>, ReadStats), NotionError> {
    let mut reader = Reader {
        notion,
        source,
        properties,
        bar,
        pages: Vec::new(),
        seen: HashSet::new(),
    };
    let mut stats = ReadStats::default();
    let mut since = None;
    let mut restarts = 0;
    loop {
        match reader.window(since).await? {
            Window::Done => break,
            Window::Cut { last, new_rows: 0 } => {
                return Err(short_read(
                    source,
                    format!(
                        "the 10,000-row cap was reached with no rows created after {}: more \
                         rows than one query returns share that created_time minute, and \
                         no other order can split them",
                        stamp(last)
                    ),
                ));
            }
            Window::Cut { last, .. } => {
                tracing::debug!(%source, since = %stamp(last), "row cap reached; next window");
                stats.extra_windows += 1;
                since = Some(last);
            }
            Window::CursorRefused { last } => {
                restarts += 1;
                if restarts > CURSOR_RESTARTS {
                    let reason = format!("Notion refused {restarts} cursors in a row");
                    return Err(short_read(source, reason));
                }
                since = last.or(since);
            }
        }
    }
    let mut pages = reader.pages;
    stats.relations_completed = complete_relations(notion, &mut pages).await?;
    Ok((pages, stats))
}

/// The state of one read across its windows.
struct Reader<'a> {
    notion: &'a NotionClient,
    source: &'a DataSourceId,
    properties: &'a [String],
    bar: &'a ProgressBar,
    pages: Vec<Value>,
    seen: HashSet<String>,
}

/// How one window ended.
enum Window {
    /// Every row was read.
    Done,
    /// The row cap cut it; `last` is the newest `created_time` seen.
    Cut {
        last: DateTime<Utc>,
        new_rows: usize,
    },
    /// Notion refused a cursor; restart from `last`.
    CursorRefused { last: Option<DateTime<Utc>> },
}

impl Reader<'_> {
    /// Reads the rows created at or after `since` until the end or the row cap.
    async fn window(&mut self, since: Option<DateTime<Utc>>) -> Result<Window, NotionError> {
        let mut cursor: Option<String> = None;
        let mut last = since;
        let mut new_rows = 0;
        loop {
            let list = match self
                .notion
                .call(self.request(since, &cursor), Replay::Safe)
                .await
            {
                Err(err) if cursor.is_some() && is_refused_cursor(&err) => {
                    return Ok(Window::CursorRefused { last });
                }
                other => other?,
            };
            for page in list["results"].as_array().into_iter().flatten() {
                let (id, created) = identity(page)?;
                last = Some(last.map_or(created, |t| t.max(created)));
                if self.seen.insert(id) {
                    new_rows += 1;
                    self.pages.push(page.clone());
                    self.bar.inc(1);
                }
            }
            if list["request_status"]["type"].as_str() == Some("incomplete") {
                let Some(last) = last else {
                    let reason = "the row cap was reached on an empty page".to_owned();
                    return Err(short_read(self.source, reason));
                };
                return Ok(Window::Cut { last, new_rows });
            }
            match next_cursor(&list, self.source)? {
                Some(next) => cursor = Some(next),
                None => return Ok(Window::Done),
            }
        }
    }

    fn request(&self, since: Option<DateTime<Utc>>, cursor: &Option<String>) -> Request {
        let mut body = json!({
            "sorts": [{ "timestamp": "created_time", "direction": "ascending" }],
            "page_size": 100,
        });
        if let Some(since) = since {
            body["filter"] = json!({
                "timestamp": "created_time",
                "created_time": { "on_or_after": stamp(since) },
            });
        }
        if let Some(cursor) = cursor {
            body["start_cursor"] = json!(cursor);
        }
        let path = format!("/v1/data_sources/{}/query", self.source);
        let mut request = Request::new(Method::POST, path).json(body);
        for property in self.properties {
            request = request.query("filter_properties", property.clone());
        }
        request
    }
}

/// A page's id and `created_time`.
fn identity(page: &Value) -> Result<(String, DateTime<Utc>), NotionError> {
    let undecodable = |what: &str| NotionError::Decode {
        what: "page".to_owned(),
        reason: format!("no valid `{what}`"),
    };
    let id = page["id"]
        .as_str()
        .and_then(|id| PageId::parse(id).ok())
        .ok_or_else(|| undecodable("id"))?;
    let created = page["created_time"]
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .ok_or_else(|| undecodable("created_time"))?;
    Ok((id.to_string(), created.with_timezone(&Utc)))
}

/// Reads whole every relation Notion cut at 25 references; returns how many
/// there were.
async fn complete_relations(
    notion: &NotionClient,
    pages: &mut [Value],
) -> Result<usize, NotionError> {
    let mut completed = 0;
    for page in pages.iter_mut() {
        let Ok(id) = PageId::parse(page["id"].as_str().unwrap_or_default()) else {
            continue;
        };
        let Some(properties) = page["properties"].as_object_mut() else {
            continue;
        };
        for value in properties.values_mut() {
            let cut = value["type"] == "relation" && value["has_more"] == true;
            let Some(property_id) = value["id"].as_str().filter(|_| cut) else {
                continue;
            };
            let related = notion.relation(&id, property_id).await?;
            let related: Vec<Value> = related
                .iter()
                .map(|page| json!({ "id": page.as_str() }))
                .collect();
            value["relation"] = Value::Array(related);
            value["has_more"] = json!(false);
            completed += 1;
        }
    }
    Ok(completed)
}

fn is_refused_cursor(err: &NotionError) -> bool {
    matches!(err, NotionError::Refused { code, message, .. }
        if code == "validation_error" && message.contains("start_cursor"))
}

/// The `next_cursor` of a list, `None` at the end.
fn next_cursor(list: &Value, source: &DataSourceId) -> Result<Option<String>, NotionError> {
    if list["has_more"].as_bool() != Some(true) {
        return Ok(None);
    }
    match list["next_cursor"].as_str() {
        Some(cursor) if !cursor.is_empty() => Ok(Some(cursor.to_owned())),
        _ => Err(short_read(
            source,
            "`has_more` is true but there is no `next_cursor`".to_owned(),
        )),
    }
}

fn short_read(source: &DataSourceId, reason: String) -> NotionError {
    NotionError::ShortRead {
        what: format!("data source {source}"),
        reason,
    }
}

fn stamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}
