//! Reading every row of a data source that matches a filter, to the end.
//!
//! One query returns at most 10,000 rows across all its pages (NOTION.md section 7.3): the
//! answer then says `request_status: incomplete` instead of going on. So every query is sorted
//! by `created_time` ascending, and when a window is cut, the next one starts at the last
//! `created_time` seen (`on_or_after`, because times are rounded to the minute) and rows
//! already seen are dropped by id. A cursor Notion refuses mid-loop (section 7.2) restarts the
//! current window the same way. A window that makes no progress is an error, never a silent
//! end.
//!
//! Limitation: more rows than the cap created within one minute cannot be read by windows
//! of `created_time`, the only order Notion offers that new rows cannot disturb; such a query
//! fails with [`NotionError::ShortRead`] rather than return part of the rows.

use std::collections::HashSet;

use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use super::client::{NotionClient, next_cursor};
use super::error::NotionError;
use super::ids::{DataSourceId, PageId};
use super::objects::Page;
use crate::http::{Replay, Request};

/// Restarts allowed after refused cursors, per query.
const CURSOR_RESTARTS: u32 = 5;

/// What to read from a data source.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// A Notion filter object, or every row.
    pub filter: Option<Value>,
    /// Properties to return (names or ids); empty means all. Sent as `filter_properties`.
    pub properties: Vec<String>,
}

impl Query {
    /// Every row, every property.
    pub fn all() -> Self {
        Self::default()
    }

    /// Rows whose rich text property `property` equals `text`.
    pub fn text_equals(property: &str, text: &str) -> Self {
        Self {
            filter: Some(json!({ "property": property, "rich_text": { "equals": text } })),
            properties: Vec::new(),
        }
    }
}

impl NotionClient {
    /// Every row of `data_source` that `query` selects, oldest first, past the page size and
    /// past the 10,000-row cap.
    pub async fn query(
        &self,
        data_source: &DataSourceId,
        query: &Query,
    ) -> Result<Vec<Page>, NotionError> {
        let mut rows = Vec::new();
        self.query_each(data_source, query, |raw| {
            rows.push(Page::from_json(raw)?);
            Ok(())
        })
        .await?;
        Ok(rows)
    }

    /// Hands every row of `data_source` that `query` selects to `each`, as Notion returned
    /// it (for readers that keep what [`Page`] does not: formatting, colours, people), oldest
    /// first, each row once, past the page size and the 10,000-row cap. Returns how many
    /// windows the cap made necessary after the first.
    pub async fn query_each(
        &self,
        data_source: &DataSourceId,
        query: &Query,
        mut each: impl FnMut(&Value) -> Result<(), NotionError>,
    ) -> Result<usize, NotionError> {
        let mut read = WindowedRead {
            data_source,
            query,
            seen: HashSet::new(),
            each: &mut each,
        };
        let mut since: Option<DateTime<Utc>> = None;
        let mut restarts = 0;
        let mut extra_windows = 0;
        loop {
            match read.window(self, since).await? {
                Window::Done => return Ok(extra_windows),
                Window::Cut { last, new_rows } => {
                    if new_rows == 0 {
                        return Err(short_read(
                            data_source,
                            format!(
                                "the row cap was reached with no rows newer than {}; more \
                                 rows than one query returns share one created_time minute",
                                stamp(last)
                            ),
                        ));
                    }
                    tracing::debug!(%data_source, since = %stamp(last),
                        "row cap reached; next window");
                    extra_windows += 1;
                    since = Some(last);
                }
                Window::CursorRefused { last } => {
                    restarts += 1;
                    if restarts > CURSOR_RESTARTS {
                        let reason = format!("Notion refused {restarts} cursors in a row");
                        return Err(short_read(data_source, reason));
                    }
                    tracing::debug!(%data_source, "cursor refused; restarting the window");
                    since = last.or(since);
                }
            }
        }
    }
}

/// One read across its windows.
struct WindowedRead<'a, F> {
    data_source: &'a DataSourceId,
    query: &'a Query,
    /// Ids of the rows handed on, so that overlapping windows hand each on once.
    seen: HashSet<String>,
    each: &'a mut F,
}

impl<F: FnMut(&Value) -> Result<(), NotionError>> WindowedRead<'_, F> {
    /// Reads one `created_time` window, from `since`, to its end or the row cap.
    async fn window(
        &mut self,
        notion: &NotionClient,
        since: Option<DateTime<Utc>>,
    ) -> Result<Window, NotionError> {
        let filter = window_filter(self.query.filter.as_ref(), since);
        let mut cursor: Option<String> = None;
        let mut last = since;
        let mut new_rows = 0;
        loop {
            let request = self.request(filter.as_ref(), cursor.as_deref());
            let list = match notion.call(request, Replay::Safe).await {
                Err(err) if cursor.is_some() && is_refused_cursor(&err) => {
                    return Ok(Window::CursorRefused { last });
                }
                other => other?,
            };
            for raw in list["results"].as_array().into_iter().flatten() {
                let (id, created) = identity(raw)?;
                last = Some(last.map_or(created, |t| t.max(created)));
                if self.seen.insert(id) {
                    new_rows += 1;
                    (self.each)(raw)?;
                }
            }
            if list["request_status"]["type"].as_str() == Some("incomplete") {
                let Some(last) = last else {
                    let reason = "the row cap was reached on an empty page".to_owned();
                    return Err(short_read(self.data_source, reason));
                };
                return Ok(Window::Cut { last, new_rows });
            }
            match next_cursor(&list, &format!("data source {}", self.data_source))? {
                Some(next) => cursor = Some(next),
                None => return Ok(Window::Done),
            }
        }
    }

    fn request(&self, filter: Option<&Value>, cursor: Option<&str>) -> Request {
        let mut body = json!({
            "sorts": [{ "timestamp": "created_time", "direction": "ascending" }],
            "page_size": 100,
        });
        if let Some(filter) = filter {
            body["filter"] = filter.clone();
        }
        if let Some(cursor) = cursor {
            body["start_cursor"] = json!(cursor);
        }
        let path = format!("/v1/data_sources/{}/query", self.data_source);
        let mut request = Request::new(Method::POST, path).json(body);
        for property in &self.query.properties {
            request = request.query("filter_properties", property.clone());
        }
        request
    }
}

/// A raw page's id and `created_time`.
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

fn short_read(data_source: &DataSourceId, reason: String) -> NotionError {
    NotionError::ShortRead {
        what: format!("data source {data_source}"),
        reason,
    }
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

fn is_refused_cursor(err: &NotionError) -> bool {
    matches!(err, NotionError::Refused { code, message, .. }
        if code == "validation_error" && message.contains("start_cursor"))
}

/// The caller's filter and the window's `created_time` bound, combined without nesting deeper
/// than Notion allows.
fn window_filter(filter: Option<&Value>, since: Option<DateTime<Utc>>) -> Option<Value> {
    let Some(since) = since else {
        return filter.cloned();
    };
    let bound = json!({
        "timestamp": "created_time",
        "created_time": { "on_or_after": stamp(since) },
    });
    match filter {
        None => Some(bound),
        Some(filter) => match filter.get("and").and_then(Value::as_array) {
            Some(conditions) => {
                let mut conditions = conditions.clone();
                conditions.push(bound);
                Some(json!({ "and": conditions }))
            }
            None => Some(json!({ "and": [filter, bound] })),
        },
    }
}

fn stamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_bounds_join_the_callers_filter_at_its_own_level() {
        let since = DateTime::parse_from_rfc3339("2026-12-03T06:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let and = json!({ "and": [{ "property": "A", "checkbox": { "equals": true } }] });
        let combined = window_filter(Some(&and), Some(since)).unwrap();
        assert_eq!(combined["and"].as_array().unwrap().len(), 2);
        assert_eq!(
            combined["and"][1]["created_time"]["on_or_after"],
            "2026-12-03T06:00:00.000Z"
        );
        let single = json!({ "property": "A", "checkbox": { "equals": true } });
        let combined = window_filter(Some(&single), Some(since)).unwrap();
        assert_eq!(combined["and"][0], single);
        assert_eq!(window_filter(Some(&single), None).unwrap(), single);
    }
}
