//! The HTTP layer the Notion, UniFi and NinjaOne clients share: one `reqwest` client per API
//! with timeouts and a `User-Agent`, a rate limiter, a cap on requests in flight, retries with
//! backoff and `Retry-After`, request counters, and a debug log line per request (method, path,
//! status, duration; never headers, which carry credentials).
//!
//! It knows statuses, not vendors: each API client decides what a body means and maps failures
//! to its own error type. The one vendor hook is [`ClientSettings::throttle_page`], because
//! NinjaOne signals throttling with an HTML page under a 200.

mod client;
mod error;
mod limiter;
mod retry;
pub mod retry_after;

pub use client::{ApiClient, Body, ClientSettings, Counters, Request, Response};
pub use error::{FailureClass, HttpError, chain};
pub use limiter::RateLimiter;
pub use retry::{Replay, RetryPolicy, Verdict};

/// `User-Agent` of every request: the product and its version.
pub const USER_AGENT: &str = concat!("oberaconnect-sync/", env!("CARGO_PKG_VERSION"));
