//! The Notion API: databases, data sources, pages, queries and search, as in
//! `shared/api/NOTION.md` (section 15 lists what must be reproduced).
//!
//! | route                                              | handler                          |
//! |----------------------------------------------------|----------------------------------|
//! | `GET /v1/users/me`                                 | [`handlers::me`]                 |
//! | `POST /v1/databases`, `GET/PATCH .../{id}`         | [`handlers::databases`]          |
//! | `POST /v1/databases/{id}/query` (2022-06-28)       | [`handlers::query`]              |
//! | `GET/PATCH /v1/data_sources/{id}`                  | [`handlers::data_sources`]       |
//! | `POST /v1/data_sources/{id}/query`                 | [`handlers::query`]              |
//! | `POST /v1/pages`, `GET/PATCH /v1/pages/{id}`       | [`handlers::pages`]              |
//! | `GET /v1/pages/{id}/properties/{property_id}`      | [`handlers::property_items`]     |
//! | `POST /v1/search`                                  | [`handlers::search`]             |
//!
//! Every other path answers 400 `invalid_request_url`. Every answer carries
//! `x-notion-request-id`. The shared gate (server.rs) applies latency, rate limits and most
//! faults before a handler runs; the invalid-cursor fault is applied by the list handlers.
//!
//! Layout: [`request`] (version, token, URL parts), [`body`] (request validation),
//! [`schema`] (properties), [`values`] (property values), [`store`] (the workspace),
//! [`query`] (filters, sorts, cursors), [`render`] (response bodies), [`handlers`].

pub mod body;
pub mod errors;
pub mod handlers;
pub mod ids;
pub mod query;
pub mod render;
pub mod request;
pub mod schema;
pub mod store;
pub mod time;
pub mod values;
pub mod version;

use std::sync::Arc;

use axum::Router;
use axum::middleware;
use axum::response::Response;
use axum::routing::{get, post};
use http::HeaderValue;
use serde::Serialize;

use crate::Sim;

pub use store::Workspace;

/// One of the four databases that exist when the simulator starts.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct SeedDatabase {
    /// The sync's key for the dataset (`customer_status`, ...).
    pub key: &'static str,
    /// Notion title.
    pub title: &'static str,
    /// Database (container) id.
    pub database_id: &'static str,
    /// Id of its one data source.
    pub data_source_id: &'static str,
}

/// The page the four databases live under, shared with the integration.
pub const PARENT_PAGE_ID: &str = "00000000-0000-4000-8000-00000000a001";

/// The integration's bot user.
pub const BOT_USER_ID: &str = "00000000-0000-4000-8000-00000000b001";

/// The four databases of the design, empty at start, with fixed ids.
pub const DATABASES: [SeedDatabase; 4] = [
    SeedDatabase {
        key: "customer_status",
        title: "Customer Status Board",
        database_id: "00000000-0000-4000-8000-00000000db01",
        data_source_id: "00000000-0000-4000-8000-00000000d501",
    },
    SeedDatabase {
        key: "daily_health",
        title: "Daily Health Summaries",
        database_id: "00000000-0000-4000-8000-00000000db02",
        data_source_id: "00000000-0000-4000-8000-00000000d502",
    },
    SeedDatabase {
        key: "config_changes",
        title: "Config Changes Log",
        database_id: "00000000-0000-4000-8000-00000000db03",
        data_source_id: "00000000-0000-4000-8000-00000000d503",
    },
    SeedDatabase {
        key: "alerts",
        title: "Device Issues",
        database_id: "00000000-0000-4000-8000-00000000db04",
        data_source_id: "00000000-0000-4000-8000-00000000d504",
    },
];

/// The Notion routes, below `/notion`.
pub fn router() -> Router<Arc<Sim>> {
    use handlers::{data_sources, databases, pages, property_items, query, search};
    Router::new()
        .route("/v1/users/me", get(handlers::me))
        .route("/v1/databases", post(databases::create))
        .route(
            "/v1/databases/{database_id}",
            get(databases::retrieve).patch(databases::update),
        )
        .route(
            "/v1/databases/{database_id}/query",
            post(query::legacy_database),
        )
        .route(
            "/v1/data_sources/{data_source_id}",
            get(data_sources::retrieve).patch(data_sources::update),
        )
        .route(
            "/v1/data_sources/{data_source_id}/query",
            post(query::data_source),
        )
        .route("/v1/pages", post(pages::create))
        .route(
            "/v1/pages/{page_id}",
            get(pages::retrieve).patch(pages::update),
        )
        .route(
            "/v1/pages/{page_id}/properties/{property_id}",
            get(property_items::retrieve),
        )
        .route("/v1/search", post(search::search))
        .fallback(handlers::unknown_route)
        .method_not_allowed_fallback(handlers::unknown_route)
        .layer(middleware::map_response(with_request_id))
}

/// Gives an answer an `x-notion-request-id` when it has none (errors carry theirs already,
/// matching the `request_id` of their body).
async fn with_request_id(mut response: Response) -> Response {
    if !response.headers().contains_key(errors::REQUEST_ID_HEADER)
        && let Ok(value) = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string())
    {
        response
            .headers_mut()
            .insert(errors::REQUEST_ID_HEADER, value);
    }
    response
}
