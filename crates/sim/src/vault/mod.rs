//! Azure Key Vault secrets and the Microsoft identity endpoints, served over
//! HTTPS with a certificate from a CA the simulator generates (the official SDK
//! refuses plain http).
//!
//! One listener serves both hosts; clients resolve [`VAULT_HOST`] and
//! [`AUTHORITY_HOST`] to its address and trust the CA of [`Tls::ca_pem`]. A
//! client built on `azure_security_keyvault_secrets` 1.x and `azure_identity`
//! 1.x runs its normal flow against it: a first request without a token, the
//! 401 challenge naming the vault resource, a token from the client-credentials
//! or managed-identity endpoint, and the request again with it.
//!
//! | file          | owns                                                        |
//! |---------------|-------------------------------------------------------------|
//! | `tls.rs`      | the CA and the server certificate, kept in the state dir    |
//! | `listener.rs` | the TLS accept loop and the `Unreachable` fault             |
//! | `store.rs`    | secrets and their versions (persisted state)                |
//! | `secrets.rs`  | `/secrets` routes, bearer-token check and challenge         |
//! | `identity.rs` | `/{tenant}/oauth2/v2.0/token` and `/msi/token`              |
//! | `token.rs`    | self-validating access tokens                               |
//! | `errors.rs`   | error bodies and fault answers of each service              |
//!
//! Limitation: only secrets are served (no keys or certificates), and of the
//! secret operations only get, set and list; delete, recover, backup, the
//! versions list and property updates answer 404 or 405.

pub mod errors;
mod identity;
mod listener;
mod secrets;
mod store;
mod tls;
mod token;

use std::sync::Arc;

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::HeaderValue;

pub use listener::serve;
pub use store::{Found, NewVersion, SecretRecord, SecretVersion, VaultStore, valid_name};
pub use tls::Tls;
pub use token::VAULT_RESOURCE;

use crate::persist::PersistError;
use crate::{Api, Sim};

/// Host name of the simulated vault; the certificate is valid for it.
pub const VAULT_HOST: &str = "oberaconnect-sim.vault.azure.net";

/// Host name of the simulated Entra authority and managed-identity endpoint.
pub const AUTHORITY_HOST: &str = "login.microsoftonline.com";

/// What a handler answers: the response, or an error response of the same
/// service.
type Answer = Result<Response, Response>;

/// The HTTPS application: vault and identity routes behind the shared gate.
pub fn router(sim: &Arc<Sim>) -> Router {
    let routes = Router::new()
        .route("/secrets", get(secrets::list))
        .route(
            "/secrets/{name}",
            get(secrets::get_latest).put(secrets::set),
        )
        .route("/secrets/{name}/", get(secrets::get_latest))
        .route("/secrets/{name}/{version}", get(secrets::get_version))
        .route(
            "/{tenant}/oauth2/v2.0/token",
            post(identity::client_credentials),
        )
        .route("/msi/token", get(identity::managed_identity))
        .fallback(errors::no_route);
    crate::server::gated(routes, sim, Api::Vault)
        .layer(axum::middleware::map_response(with_request_id))
        .with_state(sim.clone())
}

/// Adds the `x-ms-request-id` every Azure answer carries (clients log it).
async fn with_request_id(mut response: Response) -> Response {
    let id = uuid::Uuid::new_v4().to_string();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-ms-request-id", value);
    }
    response
}

/// The answer when the state directory fails.
fn internal(err: PersistError) -> Response {
    err.into_response()
}
