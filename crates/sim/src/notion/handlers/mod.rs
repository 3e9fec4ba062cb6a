//! The Notion endpoints, one file per resource, and what they share.

pub mod data_sources;
pub mod databases;
pub mod pages;
pub mod paging;
pub mod property_items;
pub mod query;
pub mod search;

use serde_json::{Map, Value};

use crate::notion::body;
use crate::notion::errors::{self, NotionError, Outcome};
use crate::notion::render::{bot_user, json_response};
use crate::notion::request::Ctx;
use crate::{Api, Sim};

/// `GET /v1/users/me`: the integration's bot user.
pub async fn me(_ctx: Ctx) -> axum::response::Response {
    json_response(&bot_user())
}

/// Any other path or method: 400 `invalid_request_url`.
pub async fn unknown_route() -> axum::response::Response {
    errors::invalid_request_url()
}

/// Counts one applied write in the control API's statistics.
pub fn record_write(sim: &Sim) {
    sim.stats.record_write(Api::Notion);
}

/// An `icon` or `cover` member: absent, `null`, or an object kept as given (emoji, external
/// file, uploaded file; the simulator does not check the file exists).
pub fn cover_or_icon(fields: &Map<String, Value>, key: &str) -> Outcome<Option<Value>> {
    match fields.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(Value::Null)),
        Some(value) => {
            let path = body::member("body", key);
            let object = body::object(value, &path)?;
            let kind = body::string(
                body::required(object, "type", &path)?,
                &body::member(&path, "type"),
            )?;
            if !object.contains_key(kind) {
                return Err(NotionError::validation(errors::undefined_message(
                    &body::member(&path, kind),
                )));
            }
            Ok(Some(value.clone()))
        }
    }
}
