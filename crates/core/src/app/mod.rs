//! What the binaries run: [`context::Context`] (configuration, DR test mode, secrets and
//! clients, loaded once) and one module per binary with the function its `main` calls.

pub mod alert_sync;
pub mod config_change_log;
pub mod config_changes;
pub mod context;
pub mod customer_status;
pub mod daily_health;
mod error;
pub mod health_check;
pub mod notion_export;
pub mod setup_databases;
pub mod sync_command;
pub mod sync_state;
pub mod unifi_fleet;
pub mod validate;

pub use error::StartupError;
