//! The HTTPS listener: a hand-written accept loop (TLS by tokio-rustls,
//! HTTP/1.1 by hyper) in front of the vault's axum router.
//!
//! It is hand-written rather than `axum::serve` for two reasons: axum has no
//! TLS, and the `Unreachable` fault must act on connections, not answers. While
//! that fault is in force the loop closes every new TCP connection at once and
//! every request on a kept-alive connection ends its connection without an
//! answer, so a client sees a connection error, as it would for a vault it
//! cannot reach, and fails in milliseconds rather than after a timeout.
//!
//! Each connection runs in its own task (the SDK keeps connections alive and
//! sends the token request and the vault request on separate ones), and
//! keep-alive is on.

use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use super::Tls;
use crate::faults::FaultKind;
use crate::{Api, Sim};

/// Longest a client may take to complete the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest a client may take to send a request's headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// Pause after a failed `accept` (e.g. out of file descriptors) before trying
/// again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Longest `serve` waits, once stopped, for open connections to finish their
/// requests.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Serves the vault and identity endpoints over TLS until `stop` turns true.
pub async fn serve(
    sim: Arc<Sim>,
    listener: TcpListener,
    tls: Tls,
    mut stop: watch::Receiver<bool>,
) {
    let acceptor = TlsAcceptor::from(tls.server_config());
    let router = super::router(&sim);
    let mut connections = JoinSet::new();

    loop {
        let accepted = tokio::select! {
            () = stopped(&mut stop) => break,
            accepted = listener.accept() => accepted,
        };
        while connections.try_join_next().is_some() {}
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(err) => {
                tracing::warn!(error = %err, "vault listener cannot accept a connection");
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            }
        };
        if unreachable(&sim) {
            drop(stream);
            continue;
        }
        let connection = serve_connection(
            sim.clone(),
            stream,
            acceptor.clone(),
            router.clone(),
            stop.clone(),
        );
        connections.spawn(connection);
    }

    let drained = tokio::time::timeout(DRAIN_TIMEOUT, async {
        while connections.join_next().await.is_some() {}
    });
    if drained.await.is_err() {
        connections.abort_all();
    }
}

/// Resolves once `stop` turns true (or its sender is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is not `Send`; it is dropped here, before
    // any other await.
    let _ = stop.wait_for(|stop| *stop).await;
}

/// Whether the `Unreachable` fault is in force. A state directory that cannot
/// be read counts as no fault: the request that follows will report the error.
fn unreachable(sim: &Sim) -> bool {
    sim.fault_active(Api::Vault, |kind| matches!(kind, FaultKind::Unreachable))
        .unwrap_or(false)
}

/// One connection: the TLS handshake, then HTTP/1.1 requests until the client
/// closes it, the listener stops, or the vault becomes unreachable.
async fn serve_connection(
    sim: Arc<Sim>,
    stream: TcpStream,
    acceptor: TlsAcceptor,
    router: axum::Router,
    mut stop: watch::Receiver<bool>,
) {
    let stream = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(err)) => {
            tracing::debug!(error = %err, "vault TLS handshake failed");
            return;
        }
        Err(_) => {
            tracing::debug!("vault TLS handshake timed out");
            return;
        }
    };

    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let sim = sim.clone();
        let router = router.clone();
        async move {
            if unreachable(&sim) {
                // An error from the service makes hyper close the connection
                // unanswered.
                return Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "the vault is unreachable (injected fault)",
                ));
            }
            let response = match router.oneshot(request.map(axum::body::Body::new)).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            Ok(response)
        }
    });

    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .keep_alive(true);
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);

    let outcome = tokio::select! {
        outcome = connection.as_mut() => outcome,
        () = stopped(&mut stop) => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(err) = outcome {
        tracing::debug!(error = %err, "vault connection ended with an error");
    }
}
