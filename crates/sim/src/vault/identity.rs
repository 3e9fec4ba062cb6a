//! The Microsoft identity endpoints the vault's clients get tokens from.
//!
//! | route                              | stands in for                          |
//! |------------------------------------|----------------------------------------|
//! | `POST /{tenant}/oauth2/v2.0/token` | Entra ID client credentials            |
//! | `GET /msi/token`                   | App Service managed identity           |
//!
//! `azure_identity` 1.x's `ClientSecretCredential` posts straight to the token
//! endpoint of its authority host: no instance discovery and no OpenID
//! metadata, so nothing else is served. Both endpoints accept only the
//! simulator's credentials (`GET /_sim/credentials`) and issue tokens for the
//! vault only (see `token.rs`).

#![expect(
    clippy::result_large_err,
    reason = "a refused request is answered by the error response itself, built once per request"
)]

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use http::{HeaderMap, StatusCode};
use serde_json::json;

use super::errors;
use super::token::{Claims, LIFETIME_SECS, TokenKey, VAULT_RESOURCE};
use super::{Answer, internal};
use crate::{Credentials, Sim};

/// The only API version of the App Service managed-identity protocol the SDK
/// speaks.
const MSI_API_VERSION: &str = "2019-08-01";

/// `POST /{tenant}/oauth2/v2.0/token` with a client-credentials form.
pub async fn client_credentials(
    State(sim): State<Arc<Sim>>,
    Path(tenant): Path<String>,
    body: Bytes,
) -> Answer {
    let credentials = sim.credentials().map_err(internal)?;
    let seed = sim.control.read(|c| c.fleet.seed).map_err(internal)?;
    let now = sim.now().map_err(internal)?;
    let form: HashMap<String, String> = serde_urlencoded::from_bytes(&body).unwrap_or_default();

    check_client(&credentials, &tenant, &form, now)?;
    let resource = scope_resource(&tenant, form.get("scope").map(String::as_str), now)?;

    let tenant = &credentials.azure_tenant_id;
    let claims = Claims::new(tenant, &credentials.azure_client_id, resource, now);
    let body = json!({
        "token_type": "Bearer",
        "expires_in": LIFETIME_SECS,
        "ext_expires_in": LIFETIME_SECS,
        "access_token": TokenKey::for_seed(seed).issue(&claims),
    });
    Ok(Json(body).into_response())
}

/// Checks tenant, grant type, client id and secret, in the order Entra reports
/// them.
fn check_client(
    credentials: &Credentials,
    tenant: &str,
    form: &HashMap<String, String>,
    now: DateTime<Utc>,
) -> Result<(), Response> {
    if !tenant.eq_ignore_ascii_case(&credentials.azure_tenant_id) {
        let description = format!(
            "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and \
             are signing into the correct cloud."
        );
        return Err(entra_bad_request(
            "invalid_request",
            90_002,
            &description,
            now,
        ));
    }
    let grant_type = required(form, "grant_type", now)?;
    if grant_type != "client_credentials" {
        let description = format!("The app requested an unsupported grant type '{grant_type}'.");
        return Err(entra_bad_request(
            "unsupported_grant_type",
            70_003,
            &description,
            now,
        ));
    }
    let client_id = required(form, "client_id", now)?;
    if !client_id.eq_ignore_ascii_case(&credentials.azure_client_id) {
        let description = format!(
            "Application with identifier '{client_id}' was not found in the directory \
             '{tenant}'. This can happen if the application has not been installed by the \
             administrator of the tenant or consented to by any user in the tenant. You may \
             have sent your authentication request to the wrong tenant."
        );
        return Err(entra_bad_request(
            "unauthorized_client",
            700_016,
            &description,
            now,
        ));
    }
    match form.get("client_secret") {
        Some(secret) if *secret == credentials.azure_client_secret => Ok(()),
        Some(_) => {
            let description = format!(
                "Invalid client secret provided. Ensure the secret being sent in the request is \
                 the client secret value, not the client secret ID, for a secret added to app \
                 '{client_id}'."
            );
            Err(invalid_client(7_000_215, &description, now))
        }
        None => Err(invalid_client(
            7_000_218,
            "The request body must contain the following parameter: 'client_assertion' or \
             'client_secret'.",
            now,
        )),
    }
}

/// The resource of a client-credentials scope; only
/// `https://vault.azure.net/.default` is served.
fn scope_resource<'a>(
    tenant: &str,
    scope: Option<&'a str>,
    now: DateTime<Utc>,
) -> Result<&'a str, Response> {
    let Some(scope) = scope.filter(|s| !s.is_empty()) else {
        return Err(missing_parameter("scope", now));
    };
    let Some(resource) = scope.strip_suffix("/.default") else {
        let description = format!(
            "The provided value for scope {scope} is not valid. Client credential flows must \
             have a scope value with /.default suffixed to the resource identifier \
             (application ID URI)."
        );
        return Err(entra_bad_request(
            "invalid_scope",
            1_002_012,
            &description,
            now,
        ));
    };
    if resource.trim_end_matches('/') != VAULT_RESOURCE {
        return Err(entra_bad_request(
            "invalid_resource",
            500_011,
            &resource_not_found(resource, tenant),
            now,
        ));
    }
    Ok(resource)
}

fn required<'a>(
    form: &'a HashMap<String, String>,
    name: &str,
    now: DateTime<Utc>,
) -> Result<&'a str, Response> {
    form.get(name)
        .map(String::as_str)
        .filter(|value| !value.is_empty())
        .ok_or_else(|| missing_parameter(name, now))
}

fn missing_parameter(name: &str, now: DateTime<Utc>) -> Response {
    let description = format!("The request body must contain the following parameter: '{name}'.");
    entra_bad_request("invalid_request", 900_144, &description, now)
}

fn entra_bad_request(error: &str, code: u32, description: &str, now: DateTime<Utc>) -> Response {
    errors::entra(StatusCode::BAD_REQUEST, error, code, description, now)
}

fn invalid_client(code: u32, description: &str, now: DateTime<Utc>) -> Response {
    errors::entra(
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        code,
        description,
        now,
    )
}

fn resource_not_found(resource: &str, tenant: &str) -> String {
    format!(
        "The resource principal named {resource} was not found in the tenant named {tenant}. \
         This can happen if the application has not been installed by the administrator of the \
         tenant or consented to by any user in the tenant. You might have sent your \
         authentication request to the wrong tenant."
    )
}

/// `GET /msi/token?api-version=2019-08-01&resource=https://vault.azure.net`
/// with `X-IDENTITY-HEADER`: the App Service managed-identity protocol.
///
/// The simulated app has one system-assigned identity whose client id is
/// `azure_client_id`. Limitation: a user-assigned identity asked for by object
/// id or resource id is refused (400), as an identity not assigned to the app
/// would be.
pub async fn managed_identity(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Answer {
    let credentials = sim.credentials().map_err(internal)?;
    let presented = headers
        .get("x-identity-header")
        .and_then(|value| value.to_str().ok());
    if presented != Some(credentials.identity_header.as_str()) {
        return Err(errors::managed_identity(
            StatusCode::UNAUTHORIZED,
            "The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.",
        ));
    }

    let query: HashMap<String, String> = query
        .and_then(|q| serde_urlencoded::from_str(&q).ok())
        .unwrap_or_default();
    let resource = check_msi_query(&credentials, &query)?;

    let seed = sim.control.read(|c| c.fleet.seed).map_err(internal)?;
    let now = sim.now().map_err(internal)?;
    let tenant = &credentials.azure_tenant_id;
    let claims = Claims::new(tenant, &credentials.azure_client_id, resource, now);
    let body = json!({
        "access_token": TokenKey::for_seed(seed).issue(&claims),
        "expires_on": claims.exp.to_string(),
        "resource": resource,
        "token_type": "Bearer",
        "client_id": credentials.azure_client_id,
    });
    Ok(Json(body).into_response())
}

/// Checks the managed-identity query and returns the resource asked for.
fn check_msi_query<'a>(
    credentials: &Credentials,
    query: &'a HashMap<String, String>,
) -> Result<&'a str, Response> {
    let bad_request = |message: &str| errors::managed_identity(StatusCode::BAD_REQUEST, message);
    match query.get("api-version").map(String::as_str) {
        Some(MSI_API_VERSION) => {}
        _ => return Err(bad_request("api-version must be 2019-08-01.")),
    }
    let Some(resource) = query.get("resource").filter(|r| !r.is_empty()) else {
        return Err(bad_request("The resource query parameter is required."));
    };
    if resource.trim_end_matches('/') != VAULT_RESOURCE {
        let message = resource_not_found(resource, &credentials.azure_tenant_id);
        return Err(bad_request(&format!("AADSTS500011: {message}")));
    }
    if let Some(client_id) = query.get("client_id")
        && !client_id.eq_ignore_ascii_case(&credentials.azure_client_id)
    {
        return Err(bad_request(&format!(
            "No managed identity with client id {client_id} is assigned to this resource."
        )));
    }
    let other_ids = ["object_id", "principal_id", "msi_res_id", "mi_res_id"];
    if other_ids.iter().any(|key| query.contains_key(*key)) {
        return Err(bad_request(
            "No user-assigned managed identity with that id is assigned to this resource.",
        ));
    }
    Ok(resource)
}
