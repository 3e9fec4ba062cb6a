//! Error answers of the vault (`{error: {code, message}}`), of Entra ID
//! (`{error, error_description, error_codes, ...}`) and of the managed-identity
//! endpoint, including the answers to injected faults, which take the shape of
//! whichever service the path belongs to.

use axum::Json;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use http::{HeaderValue, StatusCode, header};
use serde_json::json;

use super::AUTHORITY_HOST;
use super::token::VAULT_RESOURCE;
use crate::faults::FaultKind;

/// A Key Vault error answer.
pub fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({ "error": { "code": code, "message": message } });
    (status, Json(body)).into_response()
}

/// 401 with the `WWW-Authenticate` challenge that tells a client where to get a
/// token.
pub fn challenge(tenant: &str, message: &str) -> Response {
    let mut response = error(StatusCode::UNAUTHORIZED, "Unauthorized", message);
    let value = format!(
        "Bearer authorization=\"https://{AUTHORITY_HOST}/{tenant}\", resource=\"{VAULT_RESOURCE}\""
    );
    if let Ok(value) = HeaderValue::from_str(&value) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// 404 for a secret (or one version of it) the vault does not hold, with Key
/// Vault's text.
pub fn secret_not_found(name_or_id: &str) -> Response {
    let message = format!(
        "A secret with (name/id) {name_or_id} was not found in this key vault. If you recently \
         deleted this secret you may be able to recover it using the correct recovery command. \
         For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182"
    );
    error(StatusCode::NOT_FOUND, "SecretNotFound", &message)
}

/// 400 `BadParameter`.
pub fn bad_parameter(message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "BadParameter", message)
}

/// 404 for a path no service serves.
pub async fn no_route() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "NotFound",
        "The requested resource was not found.",
    )
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

/// An Entra ID token-endpoint error. The SDK reports the joined `error_codes`
/// as the error code and `error_description` as the message.
pub fn entra(
    status: StatusCode,
    error: &str,
    code: u32,
    description: &str,
    now: DateTime<Utc>,
) -> Response {
    let trace_id = uuid::Uuid::new_v4();
    let correlation_id = uuid::Uuid::new_v4();
    let timestamp = now.format("%Y-%m-%d %H:%M:%SZ").to_string();
    let body = json!({
        "error": error,
        "error_description": format!(
            "AADSTS{code}: {description} Trace ID: {trace_id} Correlation ID: {correlation_id} \
             Timestamp: {timestamp}"
        ),
        "error_codes": [code],
        "timestamp": timestamp,
        "trace_id": trace_id,
        "correlation_id": correlation_id,
        "error_uri": format!("https://{AUTHORITY_HOST}/error?code={code}"),
    });
    (status, Json(body)).into_response()
}

/// An error of the managed-identity endpoint. Modelled: App Service's exact
/// bodies are not documented; the SDK only looks at the status (400 means
/// "identity not assigned").
pub fn managed_identity(status: StatusCode, message: &str) -> Response {
    let body = json!({ "statusCode": status.as_u16(), "message": message });
    (status, Json(body)).into_response()
}

/// The answer to an injected fault, in the shape of the service `path` belongs
/// to.
pub fn fault_response(kind: &FaultKind, path: &str) -> Response {
    if path.ends_with("/oauth2/v2.0/token") {
        entra_fault(kind)
    } else if path.starts_with("/msi/") {
        managed_identity_fault(kind)
    } else {
        vault_fault(kind)
    }
}

fn vault_fault(kind: &FaultKind) -> Response {
    match kind {
        FaultKind::Outage => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "The service is temporarily unavailable.",
        ),
        FaultKind::Status { status, .. } => error(
            status_or_500(*status),
            "InternalServerError",
            "The service encountered an internal error.",
        ),
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
        | FaultKind::ExpiredTokens
        | FaultKind::Empty => error(
            StatusCode::GATEWAY_TIMEOUT,
            "GatewayTimeout",
            "The operation timed out.",
        ),
    }
}

/// Entra ID under a fault. A revoked credential is a client secret Entra no
/// longer accepts.
fn entra_fault(kind: &FaultKind) -> Response {
    let now = Utc::now();
    let unavailable = |status| {
        entra(
            status,
            "temporarily_unavailable",
            90_033,
            "The Microsoft Online Directory Service is not available.",
            now,
        )
    };
    match kind {
        FaultKind::Revoked => entra(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7_000_222,
            "The provided client secret keys for app are expired.",
            now,
        ),
        FaultKind::RateLimit { retry_after_secs } => {
            let mut response = unavailable(StatusCode::TOO_MANY_REQUESTS);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            response
        }
        FaultKind::Outage => unavailable(StatusCode::SERVICE_UNAVAILABLE),
        FaultKind::Status { status, .. } => unavailable(status_or_500(*status)),
        _ => unavailable(StatusCode::GATEWAY_TIMEOUT),
    }
}

fn managed_identity_fault(kind: &FaultKind) -> Response {
    match kind {
        FaultKind::Revoked => managed_identity(
            StatusCode::BAD_REQUEST,
            "No managed identity is assigned to this resource.",
        ),
        FaultKind::RateLimit { retry_after_secs } => {
            let mut response =
                managed_identity(StatusCode::TOO_MANY_REQUESTS, "Too many requests.");
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            response
        }
        FaultKind::Outage => {
            managed_identity(StatusCode::SERVICE_UNAVAILABLE, "Service unavailable.")
        }
        FaultKind::Status { status, .. } => {
            managed_identity(status_or_500(*status), "The request failed.")
        }
        _ => managed_identity(StatusCode::GATEWAY_TIMEOUT, "The request timed out."),
    }
}

fn status_or_500(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}
