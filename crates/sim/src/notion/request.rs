//! What every Notion request carries: the `Notion-Version` header (checked first, as missing
//! it is the one error every endpoint shares), the bearer token, and the parts of the URL the
//! handlers read (path ids, `filter_properties`, paging parameters of GET endpoints).

use std::sync::Arc;

use axum::extract::FromRequestParts;
use chrono::{DateTime, NaiveDate, Utc};
use http::request::Parts;
use serde_json::Value;

use super::errors::{self, NotionError, Outcome, not_present_message};
use super::ids;
use super::schema::Schema;
use super::time::minute_stamp;
use super::version::ApiVersion;
use crate::Sim;

/// A request that passed the version and token checks.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The `Notion-Version` it asked for.
    pub version: ApiVersion,
    /// Simulated time when it arrived.
    pub now: DateTime<Utc>,
    /// The per-query row cap in force.
    pub row_cap: usize,
    /// HTTP method.
    pub method: String,
    /// Path below `/notion`.
    pub path: String,
    /// The query string's pairs, decoded.
    pub query: Vec<(String, String)>,
}

impl Ctx {
    /// `created_time` / `last_edited_time` for a write made now.
    pub fn stamp(&self) -> String {
        minute_stamp(self.now)
    }

    /// Today (UTC), for relative date filters.
    pub fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }

    /// Refuses every query parameter but `allowed` (`<part> failed validation: query.<key>
    /// should be not present`): POST endpoints take their paging parameters in the body.
    pub fn only_query(&self, allowed: &[&str]) -> Outcome<()> {
        match self
            .query
            .iter()
            .find(|(key, _)| !allowed.contains(&key.as_str()))
        {
            None => Ok(()),
            Some((key, value)) => Err(NotionError::validation(not_present_message(
                "query",
                &format!("query.{key}"),
                &Value::String(value.clone()),
            ))),
        }
    }

    /// The last value of query parameter `key`.
    pub fn query_value(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// `filter_properties` (repeated, with or without `[]`) as property ids of `schema`.
    /// Names and ids both work; entries the schema does not have are ignored.
    pub fn filter_properties(&self, schema: &Schema) -> Option<Vec<String>> {
        let wanted: Vec<&str> = self
            .query
            .iter()
            .filter(|(key, _)| key == "filter_properties" || key == "filter_properties[]")
            .map(|(_, value)| value.as_str())
            .collect();
        if wanted.is_empty() {
            return None;
        }
        Some(
            wanted
                .into_iter()
                .filter_map(|key| schema.find(key.trim()))
                .map(|property| property.id.clone())
                .collect(),
        )
    }
}

impl FromRequestParts<Arc<Sim>> for Ctx {
    type Rejection = NotionError;

    async fn from_request_parts(parts: &mut Parts, sim: &Arc<Sim>) -> Result<Self, NotionError> {
        let version = match parts.headers.get("notion-version") {
            None => return Err(errors::missing_version().into()),
            Some(header) => {
                let text = header.to_str().unwrap_or_default();
                ApiVersion::parse(text).ok_or_else(|| errors::unknown_version(text))?
            }
        };
        let token = parts
            .headers
            .get(http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| {
                value
                    .strip_prefix("Bearer ")
                    .or_else(|| value.strip_prefix("bearer "))
            })
            .map(str::trim)
            .unwrap_or_default();
        let (valid, offset_ms, row_cap) = sim.control.read(|c| {
            let valid = !token.is_empty() && c.credentials.notion_token == token;
            (valid, c.clock_offset_ms, c.settings.notion_row_cap)
        })?;
        if !valid {
            return Err(errors::unauthorized().into());
        }
        let query = parts
            .uri
            .query()
            .map(|text| {
                serde_urlencoded::from_str::<Vec<(String, String)>>(text).unwrap_or_default()
            })
            .unwrap_or_default();
        Ok(Self {
            version,
            now: Utc::now() + chrono::Duration::milliseconds(offset_ms),
            row_cap,
            method: parts.method.as_str().to_owned(),
            path: parts.uri.path().to_owned(),
            query,
        })
    }
}

/// A UUID path parameter, dashed; anything else fails like Notion's path validation.
pub fn path_id(name: &str, raw: &str) -> Outcome<String> {
    ids::normalize_uuid(raw).ok_or_else(|| {
        NotionError::validation(format!(
            "path failed validation: path.{name} should be a valid uuid, instead was `{}`.",
            errors::shown(&Value::String(raw.to_owned()))
        ))
    })
}
