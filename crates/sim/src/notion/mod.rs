//! The Notion API: databases, data sources, pages, queries and search, as in
//! `shared/api/NOTION.md`.

pub mod errors;

use std::sync::Arc;

use axum::Router;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Sim;

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

/// Every database, data source and page of the simulated workspace.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Workspace {}

impl Workspace {
    /// The workspace at start: the parent page and the four empty databases.
    pub fn seeded(now: DateTime<Utc>) -> Self {
        let _ = now;
        Self {}
    }
}

/// The Notion routes, below `/notion`.
pub fn router() -> Router<Arc<Sim>> {
    Router::new()
}
