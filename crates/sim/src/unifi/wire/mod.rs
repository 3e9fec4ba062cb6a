//! Wire shapes of the Site Manager API, rendered from the fleet's domain
//! records.
//!
//! The records carry the service's quirks as data (an absent or `""` date, a
//! `null` `reportedState`, missing `counts`); rendering maps them one to one
//! and adds only what the model does not hold and no client relies on (`uidb`,
//! `userData`, firmware-update blocks). Sub-objects whose shape varies in the
//! real service (`reportedState`, `userData`, `meta`, `statistics` parts) are
//! built as JSON values; the records themselves are typed.

mod devices;
mod hosts;
mod metrics;
mod sdwan;
mod sites;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub use devices::device_group;
pub use hosts::host;
pub use metrics::{MetricSeries, metric_series};
pub use sdwan::{config as sdwan_config, status as sdwan_status, summary as sdwan_summary};
pub use sites::site;

/// RFC 3339 in whole seconds, as devices and sites show times
/// (`2024-06-19T13:41:43Z`).
fn seconds(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// RFC 3339 with milliseconds, as hosts show connection changes
/// (`…T02:52:54.193Z`).
fn millis(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A number as the service writes it: `100` when whole, `99.86` otherwise.
fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        Value::from(value as i64)
    } else {
        Value::from(value)
    }
}

/// `n` lower-case hex characters derived from `parts`, for stable invented ids.
fn derived_hex(parts: &[&str], n: usize) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    hex[..n.min(hex.len())].to_owned()
}

/// A UUID derived from `parts`.
fn derived_uuid(parts: &[&str]) -> String {
    let hex = derived_hex(parts, 32);
    let mut bytes = [0u8; 16];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap_or(0);
    }
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}
