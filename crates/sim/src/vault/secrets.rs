//! Key Vault's secret routes: the bearer-token check with its 401 challenge,
//! the `api-version` check, and get (latest or one version), set and list.
//!
//! | route                               | answer                                         |
//! |-------------------------------------|------------------------------------------------|
//! | `GET /secrets/{name}` or `.../`     | the latest version's bundle                    |
//! | `GET /secrets/{name}/{version}`     | that version's bundle                          |
//! | `PUT /secrets/{name}`               | stores a new version, returns its bundle       |
//! | `GET /secrets`                      | the secrets' properties, `maxresults` per page |
//!
//! Every route needs `api-version` and `Authorization: Bearer <token>` from the
//! simulated identity endpoints; a request without one gets the challenge that
//! tells the SDK where to get a token. The vault URL in identifiers is the one
//! the client used (its `Host`).

#![expect(
    clippy::result_large_err,
    reason = "a refused request is answered by the error response itself, built once per request"
)]

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode, header};
use serde::Deserialize;
use serde_json::{Value, json};

use super::errors;
use super::store::{Found, NewVersion, valid_name};
use super::token::{Rejection, TokenKey, VAULT_RESOURCE};
use super::{Answer, VAULT_HOST, internal};
use crate::{Api, Sim};

/// API versions the simulated vault answers; all return the same secret bundle.
const API_VERSIONS: &[&str] = &[
    "2016-10-01",
    "7.0",
    "7.1",
    "7.2",
    "7.3",
    "7.4",
    "7.5",
    "7.6",
    "2025-07-01",
];

/// The newest version, named in the error for an unknown one.
const LATEST_API_VERSION: &str = "2025-07-01";

/// Most items one list page may hold (Key Vault's limit for `maxresults`).
const MAX_RESULTS: usize = 25;

/// `GET /secrets/{name}` and `GET /secrets/{name}/`: the latest version.
pub async fn get_latest(
    State(sim): State<Arc<Sim>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Answer {
    admit(&sim, &headers, query.as_deref())?;
    check_name(&name)?;
    let base = vault_url(&headers);
    let answer = sim
        .vault
        .read(|vault| vault.latest(&name).map(|found| readable(&base, found)))
        .map_err(internal)?;
    answer.unwrap_or_else(|| Err(errors::secret_not_found(&name)))
}

/// `GET /secrets/{name}/{version}`: one version.
pub async fn get_version(
    State(sim): State<Arc<Sim>>,
    Path((name, version)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Answer {
    admit(&sim, &headers, query.as_deref())?;
    check_name(&name)?;
    let base = vault_url(&headers);
    let answer = sim
        .vault
        .read(|vault| {
            vault
                .version(&name, &version)
                .map(|found| readable(&base, found))
        })
        .map_err(internal)?;
    answer.unwrap_or_else(|| Err(errors::secret_not_found(&format!("{name}/{version}"))))
}

/// The body of `PUT /secrets/{name}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SetSecret {
    value: Option<String>,
    content_type: Option<String>,
    #[serde(default)]
    attributes: SetAttributes,
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
struct SetAttributes {
    enabled: Option<bool>,
    nbf: Option<i64>,
    exp: Option<i64>,
}

/// `PUT /secrets/{name}`: stores a new version.
pub async fn set(
    State(sim): State<Arc<Sim>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Answer {
    admit(&sim, &headers, query.as_deref())?;
    check_name(&name)?;
    let new = parse_set(&body)?;
    let now = sim.now().map_err(internal)?;
    let base = vault_url(&headers);
    let bundle = sim
        .vault
        .mutate(|vault| bundle(&base, vault.set(&name, new, now)))
        .map_err(internal)?;
    sim.stats.record_write(Api::Vault);
    Ok(Json(bundle).into_response())
}

fn parse_set(body: &[u8]) -> Result<NewVersion, Response> {
    let request: SetSecret = serde_json::from_slice(body)
        .map_err(|err| errors::bad_parameter(&format!("The request body is not valid: {err}")))?;
    let value = request
        .value
        .ok_or_else(|| errors::bad_parameter("The secret value is missing."))?;
    Ok(NewVersion {
        value,
        content_type: request.content_type,
        enabled: request.attributes.enabled,
        not_before: request.attributes.nbf,
        expires: request.attributes.exp,
        tags: request.tags,
    })
}

/// `GET /secrets`: the latest version's properties of every secret, without
/// values.
pub async fn list(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Answer {
    let pairs = admit(&sim, &headers, query.as_deref())?;
    let page_size = page_size(&pairs)?;
    let skip = match param(&pairs, "$skiptoken") {
        None => 0,
        Some(token) => token
            .parse::<usize>()
            .map_err(|_| errors::bad_parameter("The $skiptoken is not valid."))?,
    };
    let base = vault_url(&headers);
    let (items, total) = sim
        .vault
        .read(|vault| {
            let items: Vec<Value> = vault
                .list()
                .skip(skip)
                .take(page_size)
                .map(|found| properties(&base, found))
                .collect();
            (items, vault.list().count())
        })
        .map_err(internal)?;
    let next = skip + page_size;
    let next_link = (next < total).then(|| {
        format!(
            "{base}secrets?api-version={LATEST_API_VERSION}&$skiptoken={next}\
             &maxresults={page_size}"
        )
    });
    Ok(Json(json!({ "value": items, "nextLink": next_link })).into_response())
}

fn page_size(pairs: &[(String, String)]) -> Result<usize, Response> {
    let Some(text) = param(pairs, "maxresults") else {
        return Ok(MAX_RESULTS);
    };
    match text.parse::<usize>() {
        Ok(n) if (1..=MAX_RESULTS).contains(&n) => Ok(n),
        _ => Err(errors::bad_parameter(&format!(
            "The value of maxresults must be between 1 and {MAX_RESULTS}."
        ))),
    }
}

/// Lets a request in: it must carry a valid token (else the 401 challenge) and
/// a known `api-version`. Returns the query pairs.
fn admit(
    sim: &Sim,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Result<Vec<(String, String)>, Response> {
    // The token comes first: the SDK's first request carries none (and no body)
    // on purpose, to learn from the challenge where to get one.
    authenticate(sim, headers)?;
    let pairs: Vec<(String, String)> = query
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    match param(&pairs, "api-version") {
        None => Err(errors::bad_parameter(
            "The api-version query parameter is missing.",
        )),
        Some(version) if API_VERSIONS.contains(&version) => Ok(pairs),
        Some(version) => Err(errors::bad_parameter(&format!(
            "The specified version ({version}) is not recognized. Consider using the latest \
             supported version ({LATEST_API_VERSION})."
        ))),
    }
}

fn authenticate(sim: &Sim, headers: &HeaderMap) -> Result<(), Response> {
    let (tenant, seed) = sim
        .control
        .read(|c| (c.credentials.azure_tenant_id.clone(), c.fleet.seed))
        .map_err(internal)?;
    let Some(token) = bearer(headers) else {
        return Err(errors::challenge(
            &tenant,
            "AKV10000: Request is missing a Bearer or PoP token.",
        ));
    };
    let now = sim.now().map_err(internal)?;
    TokenKey::for_seed(seed)
        .verify(token, &tenant, now)
        .map(drop)
        .map_err(|rejection| errors::challenge(&tenant, &rejection_message(rejection, &tenant)))
}

/// The 401 message for a refused token. AKV10022 and AKV10032 are Key Vault's
/// codes for a wrong audience and issuer; the texts for an expired or
/// unreadable token are modelled.
fn rejection_message(rejection: Rejection, tenant: &str) -> String {
    match rejection {
        Rejection::Invalid => "Invalid bearer token: it cannot be read or its signature does \
                               not match."
            .to_owned(),
        Rejection::Expired => "Invalid bearer token: the token is expired.".to_owned(),
        Rejection::Audience(found) => {
            format!("AKV10022: Invalid audience. Expected {VAULT_RESOURCE}, found: {found}.")
        }
        Rejection::Tenant(found) => format!(
            "AKV10032: Invalid issuer. Expected one of https://sts.windows.net/{tenant}/, \
             found: https://sts.windows.net/{found}/."
        ),
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn check_name(name: &str) -> Result<(), Response> {
    if valid_name(name) {
        Ok(())
    } else {
        Err(errors::bad_parameter(&format!(
            "The request URI contains an invalid name: {name}"
        )))
    }
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// The vault URL as the client addressed it, ending in `/`.
fn vault_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        })
        .unwrap_or(VAULT_HOST);
    format!("https://{host}/")
}

/// The bundle of a version a client may read; a disabled one is refused.
fn readable(base: &str, found: Found<'_>) -> Answer {
    if !found.version.enabled {
        let body = json!({ "error": {
            "code": "Forbidden",
            "message": "Operation get is not allowed on a disabled secret.",
            "innererror": { "code": "SecretDisabled" },
        }});
        return Err((StatusCode::FORBIDDEN, Json(body)).into_response());
    }
    Ok(Json(bundle(base, found)).into_response())
}

/// The secret bundle of Get/Set Secret.
fn bundle(base: &str, found: Found<'_>) -> Value {
    let mut body = properties(base, found);
    body["id"] = json!(format!(
        "{base}secrets/{}/{}",
        found.name, found.version.version
    ));
    body["value"] = json!(found.version.value);
    body
}

/// The properties of a secret as a list item: identifier without version, no
/// value.
fn properties(base: &str, found: Found<'_>) -> Value {
    let version = found.version;
    let mut attributes = json!({
        "enabled": version.enabled,
        "created": version.created,
        "updated": version.updated,
        "recoveryLevel": "Recoverable+Purgeable",
        "recoverableDays": 90,
    });
    if let Some(nbf) = version.not_before {
        attributes["nbf"] = json!(nbf);
    }
    if let Some(exp) = version.expires {
        attributes["exp"] = json!(exp);
    }
    let mut body = json!({
        "id": format!("{base}secrets/{}", found.name),
        "attributes": attributes,
    });
    if let Some(content_type) = &version.content_type {
        body["contentType"] = json!(content_type);
    }
    if let Some(tags) = &version.tags {
        body["tags"] = json!(tags);
    }
    body
}
