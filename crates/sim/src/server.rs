//! The listeners and the request pipeline every simulated API shares.
//!
//! Each API router is wrapped in one gate that, in order: waits the configured latency,
//! applies an injected fault, spends a rate-limit token, runs the handler, empties a list's
//! answer under an `empty` fault and counts the answer. The API modules supply the error bodies
//! and the empty lists, so a fault looks exactly like that service's own.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::faults::{FaultKind, FaultTarget};
use crate::limits::{self, Bucket};
use crate::persist::PersistError;
use crate::rng::Rng;
use crate::{Api, SimConfig, control, ninjaone, notion, unifi, vault};

pub use crate::state::{Listening, Sim};

/// Where each simulated API answers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Urls {
    /// Notion base URL (clients append `/v1/...`).
    pub notion: String,
    /// UniFi Site Manager base URL (clients append `/v1/...` or `/ea/...`).
    pub unifi: String,
    /// NinjaOne base URL (clients append `/v2/...` and `/ws/oauth/token`).
    pub ninjaone: String,
    /// Control API base URL (`/_sim`).
    pub control: String,
    /// Key Vault URL as clients configure it (`AZURE_KEY_VAULT_URL`). Its host name must be
    /// resolved to [`Urls::vault_addr`]; the certificate is valid for it.
    pub vault: String,
    /// Address of the HTTPS listener.
    pub vault_addr: SocketAddr,
    /// Entra authority host (`AZURE_AUTHORITY_HOST`), on the HTTPS listener.
    pub authority: String,
    /// Managed-identity endpoint (`IDENTITY_ENDPOINT`), on the HTTPS listener.
    pub identity_endpoint: String,
}

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A listen address was taken or not allowed.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The state directory could not be read or written.
    #[error(transparent)]
    State(#[from] PersistError),
    /// The vault's certificate authority could not be created or loaded.
    #[error("vault TLS: {0}")]
    Tls(String),
}

/// A running simulator. Dropping it does not stop the listeners; call [`RunningSim::shutdown`].
#[derive(Debug)]
pub struct RunningSim {
    /// The shared state, for in-process inspection.
    pub sim: Arc<Sim>,
    http_addr: SocketAddr,
    vault_addr: SocketAddr,
    ca_pem: String,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningSim {
    /// Where each API answers.
    pub fn urls(&self) -> Urls {
        urls_for(self.http_addr, self.vault_addr)
    }

    /// Address of the HTTP listener.
    pub fn http_addr(&self) -> SocketAddr {
        self.http_addr
    }

    /// PEM of the CA that signed the vault's certificate.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// Stops both listeners and waits for them.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// The URLs of a simulator listening on these addresses.
pub fn urls_for(http: SocketAddr, vault_addr: SocketAddr) -> Urls {
    let base = format!("http://{http}");
    let port = vault_addr.port();
    Urls {
        notion: format!("{base}/notion"),
        unifi: format!("{base}/unifi"),
        ninjaone: format!("{base}/ninjaone"),
        control: format!("{base}/_sim"),
        vault: format!("https://{}:{port}/", vault::VAULT_HOST),
        vault_addr,
        authority: format!("https://{}:{port}/", vault::AUTHORITY_HOST),
        identity_endpoint: format!("https://{}:{port}/msi/token", vault::AUTHORITY_HOST),
    }
}

/// Opens (or generates) the state and starts both listeners.
pub async fn start(config: SimConfig) -> Result<RunningSim, StartError> {
    let tls = vault::Tls::load_or_create(config.state_dir.as_deref()).map_err(StartError::Tls)?;
    let sim = Sim::open(config.clone())?;
    let http = bind(config.http_addr).await?;
    let vault_listener = bind(config.vault_addr).await?;
    let http_addr = local_addr(&http, config.http_addr)?;
    let vault_addr = local_addr(&vault_listener, config.vault_addr)?;
    let (stop, stopped) = watch::channel(false);

    let app = router(sim.clone());
    let mut http_stopped = stopped.clone();
    let http_task = tokio::spawn(async move {
        let shutdown = async move {
            let _ = http_stopped.wait_for(|stop| *stop).await;
        };
        if let Err(err) = axum::serve(http, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %err, "HTTP listener failed");
        }
    });
    let ca_pem = tls.ca_pem().to_owned();
    let listening = Listening {
        urls: urls_for(http_addr, vault_addr),
        ca_pem: ca_pem.clone(),
    };
    // The state was created just above, so nothing can have set it before.
    let _ = sim.listening.set(listening);
    let vault_task = tokio::spawn(vault::serve(sim.clone(), vault_listener, tls, stopped));

    Ok(RunningSim {
        sim,
        http_addr,
        vault_addr,
        ca_pem,
        stop,
        tasks: vec![http_task, vault_task],
    })
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, StartError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })
}

fn local_addr(listener: &TcpListener, addr: SocketAddr) -> Result<SocketAddr, StartError> {
    listener
        .local_addr()
        .map_err(|source| StartError::Bind { addr, source })
}

/// The HTTP application: the three APIs and the control API.
pub fn router(sim: Arc<Sim>) -> Router {
    Router::new()
        .nest("/notion", gated(notion::router(), &sim, Api::Notion))
        .nest("/unifi", gated(unifi::router(), &sim, Api::Unifi))
        .nest("/ninjaone", gated(ninjaone::router(), &sim, Api::Ninjaone))
        .nest("/_sim", control::router())
        .with_state(sim)
}

/// Wraps an API's routes, and its fallback, in the shared gate (latency, faults, rate limit,
/// counters): a request to an unknown path is counted and can be faulted like any other.
pub fn gated(routes: Router<Arc<Sim>>, sim: &Arc<Sim>, api: Api) -> Router<Arc<Sim>> {
    routes.layer(middleware::from_fn_with_state((sim.clone(), api), gate))
}

async fn gate(State((sim, api)): State<(Arc<Sim>, Api)>, request: Request, next: Next) -> Response {
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let endpoint = endpoint_name(
        api,
        &method,
        request.extensions().get::<MatchedPath>(),
        &path,
    );

    let response = match pass_gate(&sim, api, &method, &path, request, next).await {
        Ok(response) => response,
        Err(err) => err.into_response(),
    };
    sim.stats.record(api, &endpoint, response.status().as_u16());
    response
}

async fn pass_gate(
    sim: &Sim,
    api: Api,
    method: &str,
    path: &str,
    request: Request,
    next: Next,
) -> Result<Response, PersistError> {
    let settings = sim.api_settings(api)?;
    sleep_latency(settings.latency_ms, settings.jitter_ms).await;

    let target = FaultTarget { api, method, path };
    match sim.take_fault(&target, |kind| !kind.applied_by_handler())? {
        None => {}
        Some(kind) if kind.after_handler() => {
            let response = next.run(request).await;
            return Ok(if response.status().is_success() {
                fault_response(api, &kind, path)
            } else {
                response
            });
        }
        Some(kind) => return Ok(fault_response(api, &kind, path)),
    }

    if let Err(wait) = sim.limiter.acquire(bucket(api, path), &settings) {
        return Ok(rate_limited(api, limits::retry_after_secs(wait), path));
    }
    let response = next.run(request).await;
    emptied(sim, &target, response)
}

/// The answer a list endpoint gives when it has no items, in that API's envelope. A list
/// handler attaches it to its successful answer; the gate swaps it in for the body when an
/// `empty` fault applies. Answers without it (one object, a token, an error) are never emptied,
/// so only the handler has to know whether it serves a list.
#[derive(Debug, Clone)]
pub struct EmptyList(pub serde_json::Value);

impl EmptyList {
    /// `response`, marked as a list whose empty form is `self`.
    pub fn mark(self, mut response: Response) -> Response {
        response.extensions_mut().insert(self);
        response
    }
}

/// `response` with its items removed if it is a list and an `empty` fault applies; the status
/// and headers stay. Only such answers count against the fault's `after` and `count`.
fn emptied(
    sim: &Sim,
    target: &FaultTarget<'_>,
    response: Response,
) -> Result<Response, PersistError> {
    let Some(EmptyList(empty)) = response.extensions().get::<EmptyList>().cloned() else {
        return Ok(response);
    };
    if sim
        .take_fault(target, |kind| *kind == FaultKind::Empty)?
        .is_none()
    {
        return Ok(response);
    }
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(http::header::CONTENT_LENGTH);
    Ok(Response::from_parts(parts, Body::from(empty.to_string())))
}

fn endpoint_name(api: Api, method: &str, matched: Option<&MatchedPath>, path: &str) -> String {
    let route = matched.map_or(path, |m| m.as_str());
    let prefix = format!("/{}", api.name());
    let route = route.strip_prefix(&prefix).unwrap_or(route);
    format!("{method} {route}")
}

fn bucket(api: Api, path: &str) -> Bucket {
    match api {
        Api::Notion => Bucket::Notion,
        Api::Unifi if path.starts_with("/ea/") => Bucket::UnifiEa,
        Api::Unifi => Bucket::UnifiV1,
        Api::Ninjaone => Bucket::Ninjaone,
        Api::Vault => Bucket::Vault,
    }
}

async fn sleep_latency(latency_ms: u64, jitter_ms: u64) {
    if latency_ms == 0 && jitter_ms == 0 {
        return;
    }
    let jitter = if jitter_ms == 0 {
        0
    } else {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Rng::new(seed).below(jitter_ms + 1)
    };
    tokio::time::sleep(Duration::from_millis(latency_ms + jitter)).await;
}

/// The API's own answer to an injected fault.
pub fn fault_response(api: Api, kind: &FaultKind, path: &str) -> Response {
    match api {
        Api::Notion => notion::errors::fault_response(kind, path),
        Api::Unifi => unifi::errors::fault_response(kind, path),
        Api::Ninjaone => ninjaone::errors::fault_response(kind, path),
        Api::Vault => vault::errors::fault_response(kind, path),
    }
}

/// The API's own 429.
pub fn rate_limited(api: Api, retry_after_secs: u64, path: &str) -> Response {
    match api {
        Api::Notion => notion::errors::rate_limited(retry_after_secs),
        Api::Unifi => unifi::errors::rate_limited(retry_after_secs),
        Api::Ninjaone => ninjaone::errors::rate_limited(retry_after_secs, path),
        Api::Vault => vault::errors::rate_limited(retry_after_secs),
    }
}

impl IntoResponse for PersistError {
    fn into_response(self) -> Response {
        tracing::error!(error = %self, "simulator state unavailable");
        let body = serde_json::json!({ "simulator_error": self.to_string() });
        (http::StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response()
    }
}
