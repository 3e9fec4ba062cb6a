//! Pagination of the three lists (hosts, sites, devices): `pageSize` arrives as
//! a string and `nextToken` is opaque.
//!
//! A token names the first item of the next page rather than an offset, so a
//! page boundary stays put when the fleet changes between two requests. Host
//! and device pages use the next host's id as token (the host-id-like form seen
//! from the real service, which contains `:` and must be URL-encoded); site
//! pages use a UUID derived from the next site's id (the other form seen). The
//! last page carries `"nextToken": ""`.

use sha2::{Digest, Sha256};

use super::errors::{self, ApiError};
use super::params::Params;

/// Items per page when the request names no `pageSize`. The service documents
/// no default.
pub const DEFAULT_PAGE_SIZE: usize = 100;

/// The page a request asks for.
#[derive(Debug, Clone)]
pub struct PageRequest {
    size: usize,
    token: Option<String>,
}

impl PageRequest {
    /// Reads `pageSize` and `nextToken`; a non-numeric or non-positive size is
    /// refused with 400 `parameter_invalid`. An empty `nextToken` means the
    /// first page.
    pub fn from_params(params: &Params) -> Result<Self, ApiError> {
        let size = match params.get("pageSize") {
            None => DEFAULT_PAGE_SIZE,
            Some(text) => match text.trim().parse::<usize>() {
                Ok(size) if size >= 1 => size,
                _ => {
                    return Err(errors::parameter_invalid(format!(
                        "invalid pageSize: {text}"
                    )));
                }
            },
        };
        let token = params
            .get("nextToken")
            .filter(|token| !token.is_empty())
            .map(str::to_owned);
        Ok(Self { size, token })
    }

    /// The requested page of `items` and the token of the page after it (`""`
    /// when none); `token_of` gives the token that leads to an item. An unknown
    /// token is refused with 400.
    pub fn slice<'a, T>(
        &self,
        items: &'a [T],
        token_of: impl Fn(&T) -> String,
    ) -> Result<(&'a [T], String), ApiError> {
        let start = match &self.token {
            None => 0,
            Some(token) => items
                .iter()
                .position(|item| token_of(item) == *token)
                .ok_or_else(|| errors::parameter_invalid(format!("invalid nextToken: {token}")))?,
        };
        let end = start.saturating_add(self.size).min(items.len());
        let next = items.get(end).map(&token_of).unwrap_or_default();
        Ok((&items[start..end], next))
    }
}

/// A UUID-shaped token derived from an item id, for lists whose ids should not
/// show.
pub fn uuid_token(kind: &str, id: &str) -> String {
    let digest = Sha256::new()
        .chain_update(kind.as_bytes())
        .chain_update([0])
        .chain_update(id.as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}
