//! `POST /ws/oauth/token`: the OAuth 2 client-credentials grant.
//!
//! The client authenticates with `client_id` and `client_secret` in the form
//! body, or with HTTP Basic. Answers, in the order they are checked:
//!
//! - a client id this instance does not know → 404 `{"resultCode": "Client app
//!   not exist"}` (what a wrong region gives too);
//! - a wrong secret → 400 `{"error": "invalid_client"}` (401 when Basic was
//!   used). The simulator's rotation replaces both id and secret; NinjaOne
//!   keeps the id when a secret is regenerated, so an id of an earlier rotation
//!   counts as that app with a stale secret;
//! - a `grant_type` other than `client_credentials` → 400
//!   `unsupported_grant_type` (missing: `invalid_request`); a scope outside
//!   `monitoring management control` → 400 `invalid_scope`;
//! - otherwise `{access_token, token_type: "Bearer", expires_in, scope}`,
//!   without a refresh token. No `scope` grants every scope of the app.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response, Result};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::Serialize;

use super::errors;
use super::token::{self, Claims};
use crate::{Api, Credentials, Sim};

/// The scopes the simulated API app is configured with.
pub const APP_SCOPES: [&str; 3] = ["monitoring", "management", "control"];

#[derive(Serialize)]
struct TokenAnswer {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
    scope: String,
}

/// How the client presented its credentials.
struct ClientAuth {
    id: Option<String>,
    secret: Option<String>,
    basic: bool,
}

/// Issues an access token.
pub async fn token(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let field = |name: &str| {
        form.iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let client = client_auth(&headers, field("client_id"), field("client_secret"));
    let (credentials, seed) = sim
        .control
        .read(|c| (c.credentials.clone(), c.fleet.seed))?;
    let check = authenticate(&client, &credentials, seed);
    if check != ClientCheck::Accepted {
        return Err(refusal(check, client.basic).into());
    }

    let scope = granted_scope(field("grant_type"), field("scope"))
        .map_err(|error| errors::oauth_error(StatusCode::BAD_REQUEST, error))?;

    let lifetime = sim.settings()?.ninjaone_token_lifetime_secs;
    let lifetime_ms = i64::try_from(lifetime.saturating_mul(1000)).unwrap_or(i64::MAX);
    let issued = sim.now()?.timestamp_millis();
    let claims = Claims {
        issued_ms: issued,
        expires_ms: issued.saturating_add(lifetime_ms),
        scope,
        rotation: credentials.rotations[Api::Ninjaone as usize],
        nonce: uuid::Uuid::new_v4().simple().to_string(),
    };
    Ok(answer(token::issue(seed, &claims), lifetime, claims.scope))
}

/// The token response, marked as not to be cached.
fn answer(access_token: String, lifetime: u64, scope: String) -> Response {
    let answer = TokenAnswer {
        access_token,
        token_type: "Bearer",
        expires_in: lifetime,
        scope,
    };
    let mut response = Json(answer).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// Form fields win over HTTP Basic when both are present.
fn client_auth(headers: &HeaderMap, id: Option<&str>, secret: Option<&str>) -> ClientAuth {
    if id.is_some() {
        return ClientAuth {
            id: id.map(str::to_owned),
            secret: secret.map(str::to_owned),
            basic: false,
        };
    }
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .and_then(|(_, encoded)| STANDARD.decode(encoded.trim()).ok())
        .and_then(|decoded| String::from_utf8(decoded).ok())
        .and_then(|pair| {
            pair.split_once(':')
                .map(|(id, secret)| (id.to_owned(), secret.to_owned()))
        });
    match basic {
        Some((id, secret)) => ClientAuth {
            id: Some(id),
            secret: Some(secret),
            basic: true,
        },
        None => ClientAuth {
            id: None,
            secret: secret.map(str::to_owned),
            basic: false,
        },
    }
}

/// What the token endpoint makes of the client's credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClientCheck {
    Accepted,
    MissingId,
    UnknownClient,
    WrongSecret,
}

fn authenticate(client: &ClientAuth, current: &Credentials, seed: u64) -> ClientCheck {
    let Some(id) = client.id.as_deref() else {
        return ClientCheck::MissingId;
    };
    if id == current.ninjaone_client_id {
        return if client.secret.as_deref() == Some(current.ninjaone_client_secret.as_str()) {
            ClientCheck::Accepted
        } else {
            ClientCheck::WrongSecret
        };
    }
    if earlier_client_ids(current, seed).any(|earlier| earlier == id) {
        return ClientCheck::WrongSecret;
    }
    ClientCheck::UnknownClient
}

/// The answer to credentials that were not accepted.
fn refusal(check: ClientCheck, basic: bool) -> Response {
    match check {
        ClientCheck::MissingId => errors::oauth_error(StatusCode::BAD_REQUEST, "invalid_request"),
        ClientCheck::UnknownClient => errors::client_app_not_exist(),
        ClientCheck::WrongSecret if basic => {
            let mut response = errors::oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"oauth\""),
            );
            response
        }
        ClientCheck::WrongSecret | ClientCheck::Accepted => errors::invalid_client(),
    }
}

/// The client ids of the NinjaOne credential before each rotation so far.
fn earlier_client_ids(current: &Credentials, seed: u64) -> impl Iterator<Item = String> {
    let rotations = current.rotations[Api::Ninjaone as usize];
    let mut replay = Credentials::for_seed(seed);
    (0..rotations).map(move |_| {
        let id = replay.ninjaone_client_id.clone();
        replay.rotate(seed, Api::Ninjaone);
        id
    })
}

/// The scopes to grant for a client-credentials request, or the OAuth error code
/// that refuses it: the grant type must be `client_credentials` and every scope
/// asked for must be one of the app's. No scope grants all of them.
fn granted_scope(
    grant_type: Option<&str>,
    requested: Option<&str>,
) -> Result<String, &'static str> {
    match grant_type {
        Some("client_credentials") => {}
        Some(_) => return Err("unsupported_grant_type"),
        None => return Err("invalid_request"),
    }
    let requested: Vec<&str> = requested.unwrap_or_default().split_whitespace().collect();
    if requested.is_empty() {
        return Ok(APP_SCOPES.join(" "));
    }
    if requested.iter().all(|scope| APP_SCOPES.contains(scope)) {
        Ok(requested.join(" "))
    } else {
        Err("invalid_scope")
    }
}
