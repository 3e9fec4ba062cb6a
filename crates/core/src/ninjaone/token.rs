//! The OAuth2 client-credentials token: fetched from `POST /ws/oauth/token`, cached, renewed
//! before it runs out, shared by every caller. There is no refresh token; renewal is the same
//! request again.
//!
//! The cache sits behind one async mutex held across the token request, so that callers
//! arriving while a token is fetched wait for that one instead of fetching their own. The
//! token value is never logged.

use std::time::Duration;

use reqwest::Method;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::client::summarize;
use super::error::NinjaoneError;
use super::wire::TokenAnswer;
use crate::http::{ApiClient, Replay, Request, Response};
use crate::secrets::{ExposeSecret, SecretName, SecretString, Secrets};

/// Path of the token endpoint below the base URL.
pub const TOKEN_PATH: &str = "/ws/oauth/token";

/// The only scope the sync needs.
const SCOPE: &str = "monitoring";

/// Lifetime assumed when the answer has no `expires_in`.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// A token in use: its value and its generation (to tell a stale 401 from a fresh one).
#[derive(Clone)]
pub(super) struct Bearer {
    pub header: SecretString,
    pub generation: u64,
}

struct Cached {
    bearer: Bearer,
    renew_at: Instant,
}

/// The token cache of one client.
pub(super) struct TokenCache {
    slot: Mutex<Option<Cached>>,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache").finish_non_exhaustive()
    }
}

/// When to renew a token that lives `lifetime`: 60–300 s before it runs out (a tenth of its
/// life within those bounds), and never later than half-way for very short test lifetimes.
pub(super) fn renew_margin(lifetime: Duration) -> Duration {
    let tenth = (lifetime / 10).clamp(Duration::from_secs(60), Duration::from_secs(300));
    tenth.min(lifetime / 2)
}

impl TokenCache {
    pub(super) fn new() -> Self {
        Self {
            slot: Mutex::new(None),
        }
    }

    /// A valid token: the cached one, or a new one fetched by exactly one caller.
    pub(super) async fn bearer(
        &self,
        http: &ApiClient,
        secrets: &Secrets,
    ) -> Result<Bearer, NinjaoneError> {
        let mut slot = self.slot.lock().await;
        if let Some(cached) = slot.as_ref().filter(|c| Instant::now() < c.renew_at) {
            return Ok(cached.bearer.clone());
        }
        let generation = slot.as_ref().map_or(1, |c| c.bearer.generation + 1);
        let (header, lifetime) = fetch(http, secrets).await?;
        let bearer = Bearer { header, generation };
        *slot = Some(Cached {
            bearer: bearer.clone(),
            renew_at: Instant::now() + lifetime - renew_margin(lifetime),
        });
        tracing::debug!(
            api = "ninjaone",
            generation,
            lifetime_s = lifetime.as_secs(),
            "new token"
        );
        Ok(bearer)
    }

    /// Drops the token of `generation` after the API refused it; a newer one is kept (another
    /// caller already renewed it).
    pub(super) async fn invalidate(&self, generation: u64) {
        let mut slot = self.slot.lock().await;
        if let Some(cached) = slot.as_mut().filter(|c| c.bearer.generation == generation) {
            cached.renew_at = Instant::now();
        }
    }
}

/// Requests a token; on a 4xx re-reads the client id and secret once (rotation) and asks
/// again, then fails with an error naming the credential.
async fn fetch(
    http: &ApiClient,
    secrets: &Secrets,
) -> Result<(SecretString, Duration), NinjaoneError> {
    let id = read(secrets, SecretName::NinjaoneClientId, false).await?;
    let secret = read(secrets, SecretName::NinjaoneClientSecret, false).await?;
    let mut response = request(http, &id, &secret).await?;
    if response.status.is_client_error() {
        tracing::debug!(
            api = "ninjaone",
            status = response.status.as_u16(),
            "token request refused; re-reading the client id and secret"
        );
        let id = read(secrets, SecretName::NinjaoneClientId, true).await?;
        let secret = read(secrets, SecretName::NinjaoneClientSecret, true).await?;
        response = request(http, &id, &secret).await?;
    }
    let status = response.status.as_u16();
    match status {
        200..=299 => decode(&response),
        404 => Err(NinjaoneError::UnknownClient {
            detail: summarize(&response),
        }),
        400..=499 => Err(NinjaoneError::ClientRefused {
            status,
            detail: summarize(&response),
        }),
        _ => Err(NinjaoneError::Unavailable {
            endpoint: format!("POST {TOKEN_PATH}"),
            status,
            attempts: response.attempts,
            detail: summarize(&response),
        }),
    }
}

async fn read(
    secrets: &Secrets,
    name: SecretName,
    again: bool,
) -> Result<SecretString, NinjaoneError> {
    let value = if again {
        secrets.reread(name).await
    } else {
        secrets.get(name).await
    };
    value.map_err(|source| NinjaoneError::Secret { name, source })
}

async fn request(
    http: &ApiClient,
    id: &SecretString,
    secret: &SecretString,
) -> Result<Response, NinjaoneError> {
    let form = vec![
        ("grant_type".to_owned(), "client_credentials".to_owned()),
        ("client_id".to_owned(), id.expose_secret().to_owned()),
        (
            "client_secret".to_owned(),
            secret.expose_secret().to_owned(),
        ),
        ("scope".to_owned(), SCOPE.to_owned()),
    ];
    let request = Request::new(Method::POST, TOKEN_PATH)
        .header(reqwest::header::ACCEPT, "application/json")
        .form(form);
    // Asking for a token twice does no harm: 5xx and connection errors are retried.
    http.send(&request, Replay::Safe)
        .await
        .map_err(NinjaoneError::Transport)
}

fn decode(response: &Response) -> Result<(SecretString, Duration), NinjaoneError> {
    let failed = |reason: &str| NinjaoneError::Decode {
        endpoint: format!("POST {TOKEN_PATH}"),
        reason: reason.to_owned(),
    };
    let answer: TokenAnswer =
        serde_json::from_slice(&response.body).map_err(|_| failed("not a JSON token answer"))?;
    let token = answer
        .access_token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| failed("no `access_token` in the answer"))?;
    let scheme = answer
        .token_type
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "Bearer".to_owned());
    let lifetime = answer
        .expires_in
        .filter(|s| *s > 0)
        .map_or(DEFAULT_LIFETIME, |s| Duration::from_secs(s as u64));
    Ok((SecretString::from(format!("{scheme} {token}")), lifetime))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renewal_comes_60_to_300_seconds_early() {
        assert_eq!(
            renew_margin(Duration::from_secs(3600)),
            Duration::from_secs(300)
        );
        assert_eq!(
            renew_margin(Duration::from_secs(1200)),
            Duration::from_secs(120)
        );
        assert_eq!(
            renew_margin(Duration::from_secs(300)),
            Duration::from_secs(60)
        );
        assert_eq!(renew_margin(Duration::from_secs(4)), Duration::from_secs(2));
    }
}
