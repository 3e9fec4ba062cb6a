//! What the binaries run: [`context::Context`] (configuration, DR test mode, secrets and
//! clients, loaded once) and one module per binary with the function its `main` calls.

pub mod context;
mod error;
pub mod health_check;

pub use error::StartupError;
