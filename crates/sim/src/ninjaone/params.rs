//! Query and path parameters of `/v2` calls, converted the way NinjaOne's
//! framework (JAX-RS) converts them: a value that does not parse as its
//! declared integer type makes the whole request a 404, and parameters nobody
//! declared are silently ignored.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use http::request::Parts;

use super::df::DeviceFilter;
use super::errors::{self, AppError};

/// The decoded query parameters of a request.
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// An `int64` parameter.
    pub fn int64(&self, name: &str) -> Result<Option<i64>, AppError> {
        self.get(name).map(integer).transpose()
    }

    /// An `int32` parameter (ids of organizations, locations and devices).
    pub fn int32(&self, name: &str) -> Result<Option<i64>, AppError> {
        self.get(name).map(int32).transpose()
    }

    /// The device filter `df`; a malformed one is refused with 400.
    pub fn device_filter(&self) -> Result<DeviceFilter, AppError> {
        DeviceFilter::optional(self.get("df"))
            .map_err(|err| errors::bad_request(format!("Invalid device filter: {err}")))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        let pairs = parts
            .uri
            .query()
            .and_then(|raw| serde_urlencoded::from_str(raw).ok())
            .unwrap_or_default();
        Ok(Self(pairs))
    }
}

fn integer(text: &str) -> Result<i64, AppError> {
    text.trim().parse().map_err(|_| errors::not_found())
}

/// An `int32` path or query value.
pub fn int32(text: &str) -> Result<i64, AppError> {
    let value = integer(text)?;
    i32::try_from(value)
        .map(i64::from)
        .map_err(|_| errors::not_found())
}

/// `pageSize` and `after` of the entity lists: ascending ids after `after`, at
/// most `pageSize` of them. No `pageSize` (or one below 1) returns the rest in
/// one page.
#[derive(Debug, Clone, Copy, Default)]
pub struct EntityPage {
    size: Option<usize>,
    after: Option<i64>,
}

impl EntityPage {
    /// Reads `pageSize` and `after`.
    pub fn from_params(params: &Params) -> Result<Self, AppError> {
        let size = params
            .int32("pageSize")?
            .filter(|&size| size >= 1)
            .and_then(|size| usize::try_from(size).ok());
        let after = params.int32("after")?;
        Ok(Self { size, after })
    }

    /// The page of `items` (already in ascending id order).
    pub fn take<T>(&self, items: impl Iterator<Item = T>, id: impl Fn(&T) -> i64) -> Vec<T> {
        let after = self.after;
        let items = items.filter(|item| after.is_none_or(|after| id(item) > after));
        match self.size {
            Some(size) => items.take(size).collect(),
            None => items.collect(),
        }
    }
}
