//! The query string of a Site Manager request and the checks its values go
//! through.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use chrono::{DateTime, Utc};
use http::request::Parts;

use super::errors::{self, ApiError};

/// The decoded query parameters of a request, in order, repeated keys kept.
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Decodes a raw query string; undecodable input counts as no parameters.
    pub fn parse(raw: Option<&str>) -> Self {
        let pairs = raw
            .and_then(|raw| serde_urlencoded::from_str(raw).ok())
            .unwrap_or_default();
        Self(pairs)
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Every value given under any of `names`, in order.
    pub fn all<'a>(&'a self, names: &'a [&str]) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(|(key, _)| names.contains(&key.as_str()))
            .map(|(_, value)| value.as_str())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(Self::parse(parts.uri.query()))
    }
}

/// Parses an RFC 3339 date-time with a zone, as the service requires of `time`,
/// `beginTimestamp` and `endTimestamp`; refuses anything else with the
/// service's message (`invalid time format: 2024-04-24`).
pub fn timestamp(name: &str, value: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| errors::parameter_invalid(format!("invalid {name} format: {value}")))
}

/// The optional timestamp parameter `name`.
pub fn optional_timestamp(params: &Params, name: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    params.get(name).map(|v| timestamp(name, v)).transpose()
}
