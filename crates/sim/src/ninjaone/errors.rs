//! NinjaOne's three error families (auth layer, application layer with
//! `incidentId`, HTML) and the answers to injected faults.

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde_json::json;

use crate::faults::FaultKind;

/// Path of the OAuth token endpoint, below the API prefix.
pub const TOKEN_PATH: &str = "/ws/oauth/token";

/// An auth-layer error: `{error, error_description, error_code}`.
pub fn auth_error(status: StatusCode, error: &str, description: &str, code: u32) -> Response {
    let body = json!({ "error": error, "error_description": description, "error_code": code });
    (status, Json(body)).into_response()
}

/// 401 `not_authenticated`: a token that is invalid, expired or revoked.
pub fn not_authenticated() -> Response {
    auth_error(
        StatusCode::UNAUTHORIZED,
        "not_authenticated",
        "Invalid credentials",
        10,
    )
}

/// 400 `missing_header`: an API call without `Authorization`.
pub fn missing_header() -> Response {
    auth_error(
        StatusCode::BAD_REQUEST,
        "missing_header",
        "Missing required header",
        2,
    )
}

/// 400 `invalid_header`: an `Authorization` header that is not `Bearer
/// <token>`.
pub fn invalid_header() -> Response {
    auth_error(
        StatusCode::BAD_REQUEST,
        "invalid_header",
        "Invalid 'Authorization' header",
        1,
    )
}

/// 401 `insufficient_privileges`: a valid token without the `monitoring` scope.
/// Only the error name and status are known from real responses; description
/// and code are invented.
pub fn insufficient_privileges() -> Response {
    auth_error(
        StatusCode::UNAUTHORIZED,
        "insufficient_privileges",
        "Insufficient privileges",
        3,
    )
}

/// The token endpoint refusing a client secret.
pub fn invalid_client() -> Response {
    oauth_error(StatusCode::BAD_REQUEST, "invalid_client")
}

/// An OAuth error of the token endpoint: `{"error": "<code>"}`.
pub fn oauth_error(status: StatusCode, error: &str) -> Response {
    let body = json!({ "error": error });
    (status, Json(body)).into_response()
}

/// 404 from the token endpoint for a client id that does not exist on this
/// instance (also what a wrong region gives).
pub fn client_app_not_exist() -> Response {
    let body = json!({ "resultCode": "Client app not exist", "incidentId": incident_id() });
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}

/// An application-layer error a handler answers with, before it is rendered
/// (with a fresh incident id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppError {
    status: StatusCode,
    result_code: &'static str,
    message: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        app_error(self.status, self.result_code, &self.message)
    }
}

/// 404 as the API framework answers an unknown path, an unknown id, or a path
/// or query parameter that does not convert to its declared type (JAX-RS turns
/// those into 404s).
pub fn not_found() -> AppError {
    AppError {
        status: StatusCode::NOT_FOUND,
        result_code: "FAILURE",
        message: "HTTP 404 Not Found".to_owned(),
    }
}

/// 400 for a parameter the service reads but cannot use (a malformed `df`, a
/// non-numeric date, an expired cursor). The wording is the simulator's own;
/// real texts are not documented.
pub fn bad_request(message: impl Into<String>) -> AppError {
    AppError {
        status: StatusCode::BAD_REQUEST,
        result_code: "FAILURE",
        message: message.into(),
    }
}

/// An incident id in NinjaOne's form: `WEB_MGMT_SERVICE-<hex>-<epoch>-<8
/// letters>`.
pub fn incident_id() -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let letters: String = id
        .bytes()
        .take(8)
        .map(|b| (b'A' + b % 26) as char)
        .collect();
    let epoch = chrono::Utc::now().timestamp();
    format!("WEB_MGMT_SERVICE-{}-{epoch}-{letters}", &id[..2])
}

/// An application-layer error: `{resultCode, errorMessage, incidentId}`.
pub fn app_error(status: StatusCode, result_code: &str, message: &str) -> Response {
    let body = json!({
        "resultCode": result_code,
        "errorMessage": message,
        "incidentId": incident_id(),
    });
    (status, Json(body)).into_response()
}

/// 429 with `Retry-After`.
pub fn rate_limited(retry_after_secs: u64, _path: &str) -> Response {
    let mut response = app_error(
        StatusCode::TOO_MANY_REQUESTS,
        "TOO_MANY_REQUESTS",
        "Too many requests",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
}

/// The throttling page NinjaOne sends instead of a 429, with a 200 status.
pub fn html_throttle() -> Response {
    html(
        StatusCode::OK,
        "Too Many Requests",
        "Rate limit exceeded. Too many requests.",
    )
}

fn html(status: StatusCode, title: &str, text: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html>\n<html><head><title>{title}</title></head><body><h1>{title}</h1>\
         <p>{text}</p></body></html>\n"
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/html;charset=utf-8")],
        page,
    )
        .into_response()
}

/// The service's answer to an injected fault.
pub fn fault_response(kind: &FaultKind, path: &str) -> Response {
    match kind {
        FaultKind::Outage => html(
            StatusCode::SERVICE_UNAVAILABLE,
            "503 Service Unavailable",
            "The server is temporarily unable to service your request.",
        ),
        FaultKind::Status { status, html: true } => {
            let code = StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_GATEWAY);
            let title = format!(
                "{} {}",
                code.as_u16(),
                code.canonical_reason().unwrap_or("")
            );
            html(
                code,
                &title,
                "The proxy server received an invalid response.",
            )
        }
        FaultKind::Status {
            status,
            html: false,
        } => {
            let code = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            app_error(code, "FAILURE", "IllegalStateException")
        }
        FaultKind::RateLimit { retry_after_secs } => rate_limited(*retry_after_secs, path),
        FaultKind::Conflict => app_error(StatusCode::CONFLICT, "FAILURE", "Conflict"),
        FaultKind::Revoked if path == TOKEN_PATH => invalid_client(),
        FaultKind::Revoked => not_authenticated(),
        FaultKind::HtmlThrottle => html_throttle(),
        FaultKind::LostResponse => html(
            StatusCode::GATEWAY_TIMEOUT,
            "504 Gateway Time-out",
            "The gateway timed out.",
        ),
        FaultKind::InvalidCursor
        | FaultKind::Unreachable
        | FaultKind::ExpiredTokens
        | FaultKind::Empty => app_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "FAILURE",
            "NullPointerException",
        ),
    }
}
