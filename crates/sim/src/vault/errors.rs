//! Key Vault's error body (`{error: {code, message}}`) and the answers to injected faults.

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde_json::json;

use crate::faults::FaultKind;

/// A Key Vault error answer.
pub fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({ "error": { "code": code, "message": message } });
    (status, Json(body)).into_response()
}

/// 429 with `Retry-After`.
pub fn rate_limited(retry_after_secs: u64) -> Response {
    let mut response = error(
        StatusCode::TOO_MANY_REQUESTS,
        "Throttled",
        "Request was not processed because too many requests were received.",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
}

/// The vault's answer to an injected fault.
pub fn fault_response(kind: &FaultKind, _path: &str) -> Response {
    match kind {
        FaultKind::Outage => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "The service is temporarily unavailable.",
        ),
        FaultKind::Status { status, .. } => {
            let code = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            error(
                code,
                "InternalServerError",
                "The service encountered an internal error.",
            )
        }
        FaultKind::RateLimit { retry_after_secs } => rate_limited(*retry_after_secs),
        FaultKind::Revoked => error(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "Caller is not authorized to perform action on resource.",
        ),
        FaultKind::Conflict => error(StatusCode::CONFLICT, "Conflict", "Conflict."),
        FaultKind::LostResponse
        | FaultKind::HtmlThrottle
        | FaultKind::InvalidCursor
        | FaultKind::Unreachable
        | FaultKind::ExpiredTokens => error(
            StatusCode::GATEWAY_TIMEOUT,
            "GatewayTimeout",
            "The operation timed out.",
        ),
    }
}
