//! Notion's error object (`{object: "error", status, code, message, request_id}`), the
//! validation messages the handlers share, and the answers to injected faults. Codes and
//! messages follow Notion's status-code reference and `shared/api/NOTION.md` (sections 8, 10).
//!
//! Validation messages imitate the real validator:
//! ``body failed validation: <path> <rule>, instead was `<value>`.`` with the path written
//! `body.properties.Name.rich_text[0]...`.

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde_json::{Value, json};

use crate::faults::FaultKind;
use crate::persist::PersistError;

/// Header Notion puts on every response.
pub const REQUEST_ID_HEADER: &str = "x-notion-request-id";

/// A Notion error answer.
pub fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    error_with(status, code, message, None)
}

/// A Notion error answer with `additional_data`.
pub fn error_with(
    status: StatusCode,
    code: &str,
    message: impl Into<String>,
    additional_data: Option<Value>,
) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let mut body = json!({
        "object": "error",
        "status": status.as_u16(),
        "code": code,
        "message": message.into(),
        "request_id": request_id,
    });
    if let Some(data) = additional_data {
        body["additional_data"] = data;
    }
    let mut response = (status, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

/// 400 `validation_error` with Notion's message.
pub fn validation(message: impl Into<String>) -> Response {
    error(StatusCode::BAD_REQUEST, "validation_error", message)
}

/// 401 for a missing, wrong or revoked token.
pub fn unauthorized() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "API token is invalid.",
    )
}

/// 404 for an object that does not exist or is not shared with the integration.
pub fn not_found(kind: &str, id: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "object_not_found",
        format!(
            "Could not find {kind} with ID: {id}. Make sure the relevant pages and databases \
             are shared with your integration."
        ),
    )
}

/// 400 `missing_version`, with the real message.
pub fn missing_version() -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "missing_version",
        "Notion-Version header failed validation: Notion-Version header should be defined, \
         instead was undefined.",
    )
}

/// 400 `validation_error` for a `Notion-Version` the API does not know.
// The wording follows the missing-version message; the live text for an unknown version
// was not captured.
pub fn unknown_version(version: &str) -> Response {
    validation(format!(
        "Notion-Version header failed validation: Notion-Version header should be a valid \
         version, instead was `{}`.",
        shown(&Value::String(version.to_owned()))
    ))
}

/// 400 `invalid_json` for a body that does not parse.
pub fn invalid_json() -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "invalid_json",
        "Error parsing JSON body.",
    )
}

/// 400 `validation_error` for a refused `start_cursor` (expired or not one we issued).
pub fn invalid_cursor(cursor: &str) -> Response {
    validation(format!("The start_cursor provided is invalid: {cursor}"))
}

/// ``body failed validation: <path> <rule>, instead was `<value>`.``
pub fn body_message(path: &str, rule: &str, actual: &Value) -> String {
    format!(
        "body failed validation: {path} {rule}, instead was `{}`.",
        shown(actual)
    )
}

/// ``<part> failed validation: <path> should be not present, instead was `<value>`.``
pub fn not_present_message(part: &str, path: &str, actual: &Value) -> String {
    format!(
        "{part} failed validation: {path} should be not present, instead was `{}`.",
        shown(actual)
    )
}

/// ``body failed validation: <path>.length should be ≤ `<limit>`, instead was `<actual>`.``
pub fn too_long_message(path: &str, limit: usize, actual: usize) -> String {
    format!("body failed validation: {path}.length should be ≤ `{limit}`, instead was `{actual}`.")
}

/// ``body failed validation: <path> should be defined, instead was `undefined`.``
pub fn undefined_message(path: &str) -> String {
    format!("body failed validation: {path} should be defined, instead was `undefined`.")
}

/// A value as the validator quotes it: compact JSON, long values cut to 55 characters.
pub fn shown(value: &Value) -> String {
    const SHOWN: usize = 55;
    let text = value.to_string();
    if text.chars().count() <= SHOWN + 3 {
        return text;
    }
    let cut: String = text.chars().take(SHOWN).collect();
    format!("{cut}...")
}

/// An error answer on its way out of a handler; `?` turns state failures into one too.
#[derive(Debug)]
pub enum NotionError {
    /// A Notion error object still to be rendered.
    Api {
        /// HTTP status.
        status: StatusCode,
        /// Notion's `code`.
        code: &'static str,
        /// Notion's `message`.
        message: String,
    },
    /// A finished answer (a state failure, or an answer built elsewhere), boxed to keep
    /// `Result`s small.
    Ready(Box<Response>),
}

/// What the Notion handlers return.
pub type Outcome<T> = Result<T, NotionError>;

impl NotionError {
    /// 400 `validation_error`.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::Api {
            status: StatusCode::BAD_REQUEST,
            code: "validation_error",
            message: message.into(),
        }
    }

    /// 404 `object_not_found` for `kind` (`page`, `database`, `data_source`).
    pub fn not_found(kind: &str, id: &str) -> Self {
        Self::Ready(Box::new(not_found(kind, id)))
    }

    /// The message of a Notion error object (empty for finished answers).
    pub fn message(&self) -> &str {
        match self {
            Self::Api { message, .. } => message,
            Self::Ready(_) => "",
        }
    }
}

impl From<Response> for NotionError {
    fn from(response: Response) -> Self {
        Self::Ready(Box::new(response))
    }
}

impl From<PersistError> for NotionError {
    fn from(err: PersistError) -> Self {
        Self::Ready(Box::new(err.into_response()))
    }
}

impl IntoResponse for NotionError {
    fn into_response(self) -> Response {
        match self {
            Self::Api {
                status,
                code,
                message,
            } => error(status, code, message),
            Self::Ready(response) => *response,
        }
    }
}

/// 400 `invalid_request_url`.
pub fn invalid_request_url() -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "invalid_request_url",
        "Invalid request URL.",
    )
}

/// 429 `rate_limited` with `Retry-After`.
pub fn rate_limited(retry_after_secs: u64) -> Response {
    let mut response = error_with(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        "You have been rate limited. Please try again in a few minutes.",
        Some(json!({ "rate_limit_reason": "public_api_request_rate_limit" })),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
}

/// Notion's answer to an injected fault.
pub fn fault_response(kind: &FaultKind, path: &str) -> Response {
    match kind {
        FaultKind::Outage => outage(path),
        FaultKind::Status { status, html } => status_fault(*status, *html, path),
        FaultKind::RateLimit { retry_after_secs } => rate_limited(*retry_after_secs),
        FaultKind::Conflict => error(
            StatusCode::CONFLICT,
            "conflict_error",
            "Conflict occurred while saving. Please try again.",
        ),
        FaultKind::Revoked => unauthorized(),
        FaultKind::LostResponse => status_fault(504, false, path),
        FaultKind::InvalidCursor => validation("The start_cursor provided is invalid."),
        FaultKind::HtmlThrottle
        | FaultKind::Unreachable
        | FaultKind::ExpiredTokens
        | FaultKind::Empty => status_fault(500, false, path),
    }
}

fn outage(path: &str) -> Response {
    if path.ends_with("/query") {
        return error_with(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            "Public API data source query is temporarily unavailable due to backend database \
             timeouts. Please retry with backoff.",
            Some(json!({
                "endpoint_name": "public_queryDataSource",
                "notion_error_name": "PgPoolWaitConnectionTimeout",
                "retry_guidance": [
                    "Use exponential backoff with jitter",
                    "Reduce page_size",
                    "Narrow query filters/sorts"
                ]
            })),
        );
    }
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "service_unavailable",
        "Notion is unavailable. Please try again later.",
    )
}

fn status_fault(status: u16, html: bool, path: &str) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if html {
        return html_error(code);
    }
    match status {
        500 => error(code, "internal_server_error", "Unexpected error occurred."),
        502 => error(code, "bad_gateway", "Bad gateway."),
        503 => outage(path),
        504 => error(code, "gateway_timeout", "Gateway timeout."),
        529 => {
            let mut response = error(code, "service_overload", "Notion is overloaded.");
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(1u64));
            response
        }
        _ => error(code, "internal_server_error", "Unexpected error occurred."),
    }
}

/// The HTML page an edge proxy answers with (no JSON, only a `cf-ray` header).
fn html_error(status: StatusCode) -> Response {
    let reason = status.canonical_reason().unwrap_or("Error");
    let page = format!(
        "<!DOCTYPE html>\n<html><head><title>{code} {reason}</title></head>\
         <body><center><h1>{code} {reason}</h1></center><hr><center>cloudflare</center>\
         </body></html>\n",
        code = status.as_u16()
    );
    let mut response = (status, [(header::CONTENT_TYPE, "text/html")], page).into_response();
    response
        .headers_mut()
        .insert("cf-ray", HeaderValue::from_static("8f1c2e3d4a5b6c7d-IAD"));
    response
}
