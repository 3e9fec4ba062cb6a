//! Site Manager error bodies (`{code, httpStatusCode, message, traceId}`) and
//! the answers to injected faults, with the per-operation 500 messages the
//! service uses.

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde_json::json;

use crate::faults::FaultKind;

/// A new 32-hex-character trace id.
pub fn trace_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// A Site Manager error answer.
pub fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let body = json!({
        "code": code,
        "httpStatusCode": status.as_u16(),
        "message": message.into(),
        "traceId": trace_id(),
    });
    (status, Json(body)).into_response()
}

/// An error an operation answers with, before it is rendered (with a fresh
/// trace id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    /// An error with the service's `code` and `message`.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        error(self.status, self.code, self.message)
    }
}

/// 401 for a missing or wrong `X-API-Key`.
pub fn unauthorized() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "unauthorized")
}

/// 400 `parameter_invalid`.
pub fn parameter_invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "parameter_invalid", message)
}

/// 404 for a host id the account cannot see (the hosts operation's own code and
/// message).
pub fn host_not_found(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        format!("thing not found: {id}"),
    )
}

/// 404 for an SD-WAN configuration id that does not exist.
pub fn config_not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "config not found")
}

/// 404 for a path that is no operation of the API.
pub fn route_not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", "route not found")
}

/// 502 `bad_gateway`, also the answer to an ISP-metrics query that reaches no
/// site.
pub fn bad_gateway() -> ApiError {
    ApiError::new(StatusCode::BAD_GATEWAY, "bad_gateway", "bad gateway")
}

/// 429 with `Retry-After` and the service's message.
pub fn rate_limited(retry_after_secs: u64) -> Response {
    let mut response = error(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limit",
        format!("rate limit exceeded, retry after {retry_after_secs}.000000000s"),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
}

/// The 500 message of the operation at `path`.
pub fn failure_message(path: &str) -> &'static str {
    let rest = path.trim_start_matches("/v1").trim_start_matches("/ea");
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        ["hosts"] => "failed to list hosts",
        ["hosts", _] => "failed to get host",
        ["sites"] => "failed to list sites",
        ["devices"] => "failed to list devices",
        ["isp-metrics", _, "query"] => "failed to query ISP metrics",
        ["isp-metrics", ..] => "failed to get ISP metrics",
        ["sd-wan-configs"] => "failed to list network cloud SD-WAN configs",
        ["sd-wan-configs", _, "status"] => "failed to get network cloud SD-WAN config status",
        ["sd-wan-configs", _] => "failed to get network cloud SD-WAN config",
        _ => "internal server error",
    }
}

/// The service's answer to an injected fault.
pub fn fault_response(kind: &FaultKind, path: &str) -> Response {
    match kind {
        FaultKind::Outage => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            "service unavailable",
        ),
        FaultKind::Status { status, html: true } => html_error(*status),
        FaultKind::Status {
            status,
            html: false,
        } => status_fault(*status, path),
        FaultKind::RateLimit { retry_after_secs } => rate_limited(*retry_after_secs),
        FaultKind::Conflict => error(StatusCode::CONFLICT, "conflict", "conflict"),
        FaultKind::Revoked => unauthorized().into_response(),
        FaultKind::LostResponse => status_fault(504, path),
        FaultKind::HtmlThrottle
        | FaultKind::InvalidCursor
        | FaultKind::Unreachable
        | FaultKind::ExpiredTokens
        | FaultKind::Empty => status_fault(500, path),
    }
}

fn status_fault(status: u16, path: &str) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match status {
        502 => bad_gateway().into_response(),
        503 => error(code, "service_unavailable", "service unavailable"),
        504 => error(code, "gateway_timeout", "gateway timeout"),
        _ => error(code, "server_error", failure_message(path)),
    }
}

fn html_error(status: u16) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    let reason = code.canonical_reason().unwrap_or("Error");
    let page = format!(
        "<html><head><title>{status} {reason}</title></head><body><h1>{status} {reason}</h1>\
         </body></html>"
    );
    (code, [(header::CONTENT_TYPE, "text/html")], page).into_response()
}
