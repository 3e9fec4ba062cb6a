//! Typed client of the UniFi Site Manager API (`api.ui.com`), as described in
//! `shared/api/UNIFI_SITE_MANAGER.md`: hosts, sites, devices, ISP metrics and SD-WAN
//! configurations, read-only.
//!
//! - Every call carries `X-API-Key` from [`SecretName::UnifiApiToken`]; a 401 makes the client
//!   re-read the key once (rotation) and try once more, then fail with
//!   [`UnifiError::Unauthorized`], which names the secret and the fix.
//! - Calls go to `/v1`; an ISP-metrics or SD-WAN call that answers 404 is tried once under
//!   `/ea`, and when that works the client stays on `/ea` for that family.
//! - The three lists page with `pageSize` (100) and `nextToken`, to the end (absent or `""`),
//!   and stop with [`UnifiError::PagingLoop`] if a token repeats.
//! - Answers are decoded tolerantly: every field optional, numbers as `f64`, `""` dates
//!   unknown, unknown fields ignored, unreadable list items skipped.
//! - Retries (429 with `Retry-After`, 5xx, connection errors) are the shared
//!   [`crate::http`] layer's; what is left after them becomes [`UnifiError::Unavailable`].
//!
//! It does not own the mapping of sites to Notion rows or to NinjaOne organizations.
//!
//! [`SecretName::UnifiApiToken`]: crate::secrets::SecretName::UnifiApiToken

mod client;
mod de;
mod error;
mod operations;
mod types;
mod wire;

pub use client::{DEFAULT_BASE_URL, DEFAULT_PAGE_SIZE, Probe, UnifiClient};
pub use error::UnifiError;
pub use types::{
    Controller, Counts, Device, Host, InternetIssue, MetricPeriod, MetricQueryResult,
    MetricQuerySite, MetricType, MetricWindow, SdwanConfig, SdwanMember, SdwanMemberStatus,
    SdwanStatus, SdwanSummary, SdwanTunnel, Site, SiteMetrics, Wan, display_name,
};
