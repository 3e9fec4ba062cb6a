//! The success envelope every operation answers with: `{data, httpStatusCode,
//! traceId}`, plus `nextToken` on the three paginated lists.

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::errors::trace_id;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Envelope<T> {
    data: T,
    http_status_code: u16,
    trace_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// A 200 with `data` (an object or an array).
pub fn data(data: impl Serialize) -> Response {
    respond(data, None)
}

/// A 200 page of a list; `next_token` is `""` on the last page.
pub fn page(data: impl Serialize, next_token: String) -> Response {
    respond(data, Some(next_token))
}

fn respond(data: impl Serialize, next_token: Option<String>) -> Response {
    let body = Envelope {
        data,
        http_status_code: 200,
        trace_id: trace_id(),
        next_token,
    };
    Json(body).into_response()
}
