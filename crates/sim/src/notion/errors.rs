//! Notion's error object (`{object: "error", status, code, message, request_id}`) and the
//! answers to injected faults. Codes and messages follow Notion's status-code reference.

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde_json::{Value, json};

use crate::faults::FaultKind;

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
        FaultKind::HtmlThrottle | FaultKind::Unreachable | FaultKind::ExpiredTokens => {
            status_fault(500, false, path)
        }
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
