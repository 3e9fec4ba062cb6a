//! Response bodies: objects shaped for the request's `Notion-Version`, lists with their
//! pagination fields, and the JSON answer itself.

pub mod containers;
pub mod page;

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
        Ok(bytes) => {
            let mut response = (StatusCode::OK, bytes).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            );
            response
        }
        Err(err) => super::errors::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_server_error",
            format!("Unexpected error occurred. ({err})"),
        ),
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

/// A list answer: `{object: "list", results, next_cursor, has_more, type, <type>: {}}`.
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

impl Serialize for ListView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("object", "list")?;
        map.serialize_entry("results", &Results(self))?;
        map.serialize_entry("next_cursor", &self.next_cursor)?;
        map.serialize_entry("has_more", &self.next_cursor.is_some())?;
        let kind = self.version.list_type();
        map.serialize_entry("type", kind)?;
        map.serialize_entry(kind, &Empty)?;
        if self.incomplete {
            map.serialize_entry(
                "request_status",
                &json!({ "type": "incomplete", "incomplete_reason": "query_result_limit_reached" }),
            )?;
        }
        map.end()
    }
}

struct Results<'a>(&'a ListView<'a>);

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let list = self.0;
        serializer.collect_seq(list.items.iter().map(|item| ItemView { item, list }))
    }
}

struct ItemView<'a> {
    item: &'a ListItem,
    list: &'a ListView<'a>,
}

impl Serialize for ItemView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.item {
            ListItem::Page(page, schema) => PageView {
                page,
                schema,
                version: self.list.version,
                only: self.list.only,
            }
            .serialize(serializer),
            ListItem::Object(value) => value.serialize(serializer),
        }
    }
}
