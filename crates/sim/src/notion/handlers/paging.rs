//! `page_size` and `start_cursor` as the list endpoints read them, and the injected
//! invalid-cursor fault, which only a handler can apply (it needs the cursor).

use serde_json::{Map, Value};

use crate::Sim;
use crate::faults::{FaultKind, FaultTarget};
use crate::notion::body;
use crate::notion::errors::{self, NotionError, Outcome};
use crate::notion::query::cursor::Cursor;
use crate::notion::request::Ctx;
use crate::{Api, notion};

/// Largest and default page size.
pub const MAX_PAGE_SIZE: usize = 100;

/// `body.page_size`: 1 to 100, default 100.
pub fn body_page_size(fields: &Map<String, Value>) -> Outcome<usize> {
    let Some(value) = fields.get("page_size") else {
        return Ok(MAX_PAGE_SIZE);
    };
    let path = "body.page_size";
    let number = value
        .as_f64()
        .ok_or_else(|| body::invalid(value, path, "should be a number"))?;
    check_page_size(number, &value.to_string(), path, "body")
}

/// `page_size` in the query string of a GET endpoint.
pub fn query_page_size(ctx: &Ctx) -> Outcome<usize> {
    let Some(text) = ctx.query_value("page_size") else {
        return Ok(MAX_PAGE_SIZE);
    };
    let number: f64 = text.parse().map_err(|_| {
        NotionError::validation(format!(
            "query failed validation: query.page_size should be a number, instead was `\"{text}\"`."
        ))
    })?;
    check_page_size(number, text, "query.page_size", "query")
}

fn check_page_size(number: f64, shown: &str, path: &str, part: &str) -> Outcome<usize> {
    if number.fract() != 0.0 {
        return Err(NotionError::validation(format!(
            "{part} failed validation: {path} should be an integer, instead was `{shown}`."
        )));
    }
    if number > MAX_PAGE_SIZE as f64 {
        return Err(NotionError::validation(format!(
            "{part} failed validation: {path} should be ≤ `{MAX_PAGE_SIZE}`, instead was `{shown}`."
        )));
    }
    if number < 1.0 {
        return Err(NotionError::validation(format!(
            "{part} failed validation: {path} should be ≥ `1`, instead was `{shown}`."
        )));
    }
    Ok(number as usize)
}

/// `body.start_cursor` (a missing or `null` cursor starts at the beginning). A cursor we did
/// not issue, or one an `invalid_cursor` fault hits, is refused as expired.
pub fn body_cursor(sim: &Sim, ctx: &Ctx, fields: &Map<String, Value>) -> Outcome<Option<Cursor>> {
    match fields.get("start_cursor") {
        None | Some(Value::Null) => Ok(None),
        Some(value) => {
            let text = body::string(value, "body.start_cursor")?;
            cursor(sim, ctx, text).map(Some)
        }
    }
}

/// `start_cursor` in the query string of a GET endpoint.
pub fn query_cursor(sim: &Sim, ctx: &Ctx) -> Outcome<Option<Cursor>> {
    ctx.query_value("start_cursor")
        .map(|text| cursor(sim, ctx, text))
        .transpose()
}

fn cursor(sim: &Sim, ctx: &Ctx, text: &str) -> Outcome<Cursor> {
    let target = FaultTarget {
        api: Api::Notion,
        method: &ctx.method,
        path: &ctx.path,
    };
    if sim
        .take_fault(&target, |kind| matches!(kind, FaultKind::InvalidCursor))?
        .is_some()
    {
        return Err(errors::invalid_cursor(text).into());
    }
    Cursor::decode(text).ok_or_else(|| notion::errors::invalid_cursor(text).into())
}
