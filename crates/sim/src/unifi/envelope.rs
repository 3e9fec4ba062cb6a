//! The success envelope every operation answers with: `{data, httpStatusCode,
//! traceId}`, plus `nextToken` on the three paginated lists.

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

use super::errors::trace_id;
use crate::server::EmptyList;

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

/// A 200 with a whole, unpaged list.
pub fn list(items: impl Serialize) -> Response {
    as_list(respond(items, None))
}

/// A 200 page of a list; `next_token` is `""` on the last page.
pub fn page(items: impl Serialize, next_token: String) -> Response {
    as_list(respond(items, Some(next_token)))
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

/// Marks a list for the `empty` fault. An empty list, as the service sends it when
/// it misbehaves, has no `nextToken` at all.
fn as_list(response: Response) -> Response {
    let empty = json!({ "data": [], "httpStatusCode": 200, "traceId": trace_id() });
    EmptyList(empty).mark(response)
}
