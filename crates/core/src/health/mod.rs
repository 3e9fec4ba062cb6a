//! Health: component checks (`notion_api`, `unifi_api`, `ninjaone_api`, `key_vault`,
//! `state_store`, `disk_space`), the report they make (JSON, table, Prometheus text, exit
//! code), and the server behind `health-check --serve` and the daemon
//! (`shared/DESIGN.md` section 10).
//!
//! It does not build clients or read configuration: the caller hands it the checks.

mod checks;
pub mod components;
mod report;
mod server;

pub use checks::{CachedChecks, Check, CheckFuture, Checks};
pub use report::{Component, Report, Status};
pub use server::{ServeError, router, serve};
