//! NinjaOne's three error families (auth layer, application layer with `incidentId`, HTML) and
//! the answers to injected faults.

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

/// The token endpoint refusing a client secret.
pub fn invalid_client() -> Response {
    let body = json!({ "error": "invalid_client" });
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

/// An incident id in NinjaOne's form: `WEB_MGMT_SERVICE-<hex>-<epoch>-<8 letters>`.
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
        FaultKind::InvalidCursor | FaultKind::Unreachable | FaultKind::ExpiredTokens => app_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "FAILURE",
            "NullPointerException",
        ),
    }
}
