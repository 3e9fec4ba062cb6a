//! Response bodies: objects shaped for the request's `Notion-Version`, lists with their
//! pagination fields, and the JSON answer itself.

pub mod cache;
pub mod containers;
pub mod page;

use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Value, json};

use super::BOT_USER_ID;
use super::schema::SharedSchema;
use super::store::SharedPage;
use super::version::ApiVersion;
use page::PageView;

/// A 200 answer with `value` as its JSON body.
pub fn json_response(value: &impl Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => bytes_response(bytes),
        Err(err) => internal_error(&err),
    }
}

/// `{"object": "user", "id": <bot>}`: who created and edited everything.
pub struct UserRef;

impl Serialize for UserRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("object", "user")?;
        map.serialize_entry("id", BOT_USER_ID)?;
        map.end()
    }
}

/// [`UserRef`] as a JSON value.
pub fn user_ref() -> Value {
    json!({ "object": "user", "id": BOT_USER_ID })
}

/// `{}`.
pub struct Empty;

impl Serialize for Empty {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_map(Some(0))?.end()
    }
}

/// The integration's bot user (`GET /v1/users/me`).
pub fn bot_user() -> Value {
    json!({
        "object": "user",
        "id": BOT_USER_ID,
        "name": "OberaConnect Sync (simulated)",
        "avatar_url": null,
        "type": "bot",
        "bot": {
            "owner": { "type": "workspace", "workspace": true },
            "workspace_name": "OberaConnect (simulated)",
            "workspace_id": "00000000-0000-4000-8000-00000000c001",
            "workspace_limits": { "max_file_upload_size_in_bytes": 5_368_709_120u64 }
        }
    })
}

/// One result of a list: a page rendered on the way out, or an object rendered already.
pub enum ListItem {
    /// A page and its schema.
    Page(SharedPage, SharedSchema),
    /// A database or data source object.
    Object(Value),
}

/// A list answer: `{object: "list", results, next_cursor, has_more, type, <type>: {}}`, and
/// `request_status` when a query stopped at the row cap.
pub struct ListView<'a> {
    /// The results.
    pub items: &'a [ListItem],
    /// Cursor of the next page, when there is one.
    pub next_cursor: Option<String>,
    /// The request's version.
    pub version: ApiVersion,
    /// Property ids to show on pages (`filter_properties`).
    pub only: Option<&'a [String]>,
    /// Whether the query stopped at the row cap (`request_status.incomplete`).
    pub incomplete: bool,
}

impl ListView<'_> {
    /// The answer. Pages shown whole come from their render cache.
    pub fn response(&self) -> Response {
        match self.to_json() {
            Ok(bytes) => bytes_response(bytes),
            Err(err) => internal_error(&err),
        }
    }

    /// The answer's body.
    pub fn to_json(&self) -> serde_json::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(256 + self.items.len() * 2048);
        out.extend_from_slice(br#"{"object":"list","results":["#);
        for (index, item) in self.items.iter().enumerate() {
            if index > 0 {
                out.push(b',');
            }
            match item {
                ListItem::Page(page, schema) => {
                    out.extend_from_slice(&page_json(page, schema, self.version, self.only)?);
                }
                ListItem::Object(value) => serde_json::to_writer(&mut out, value)?,
            }
        }
        out.extend_from_slice(br#"],"next_cursor":"#);
        serde_json::to_writer(&mut out, &self.next_cursor)?;
        out.extend_from_slice(br#","has_more":"#);
        serde_json::to_writer(&mut out, &self.next_cursor.is_some())?;
        let kind = self.version.list_type();
        out.extend_from_slice(format!(r#","type":"{kind}","{kind}":{{}}"#).as_bytes());
        if self.incomplete {
            out.extend_from_slice(
                br#","request_status":{"type":"incomplete","incomplete_reason":"query_result_limit_reached"}"#,
            );
        }
        out.push(b'}');
        Ok(out)
    }
}

/// A page's JSON: from its render cache when shown whole, rendered afresh when trimmed by
/// `filter_properties`.
pub fn page_json(
    page: &SharedPage,
    schema: &SharedSchema,
    version: ApiVersion,
    only: Option<&[String]>,
) -> serde_json::Result<Arc<[u8]>> {
    let view = PageView {
        page,
        schema,
        version,
        only,
    };
    if only.is_some() {
        return serde_json::to_vec(&view).map(Arc::from);
    }
    page.rendered
        .get_or_render(schema.revision(), version, || serde_json::to_vec(&view))
}

/// A page answer.
pub fn page_response(
    page: &SharedPage,
    schema: &SharedSchema,
    version: ApiVersion,
    only: Option<&[String]>,
) -> Response {
    match page_json(page, schema, version, only) {
        Ok(json) => bytes_response(json.to_vec()),
        Err(err) => internal_error(&err),
    }
}

fn bytes_response(bytes: Vec<u8>) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

fn internal_error(err: &serde_json::Error) -> Response {
    super::errors::error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_server_error",
        format!("Unexpected error occurred. ({err})"),
    )
}
