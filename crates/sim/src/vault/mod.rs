//! Azure Key Vault secrets and the Microsoft identity endpoints, served over HTTPS with a
//! certificate from a CA the simulator generates (the official SDK refuses plain http).

pub mod errors;

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::{Credentials, Sim};

/// Host name of the simulated vault; the certificate is valid for it.
pub const VAULT_HOST: &str = "oberaconnect-sim.vault.azure.net";

/// Host name of the simulated Entra authority and managed-identity endpoint.
pub const AUTHORITY_HOST: &str = "login.microsoftonline.com";

/// The vault's secrets, with their versions.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct VaultStore {}

impl VaultStore {
    /// A vault holding the simulator's own credentials.
    pub fn seeded(credentials: &Credentials, now: DateTime<Utc>) -> Self {
        let _ = (credentials, now);
        Self {}
    }

    /// Stores new versions of the secrets whose credential changed.
    pub fn credentials_rotated(&mut self, credentials: &Credentials, now: DateTime<Utc>) {
        let _ = (credentials, now);
    }
}

/// The CA and the server certificate of the HTTPS listener.
#[derive(Debug, Clone)]
pub struct Tls {
    ca_pem: String,
}

impl Tls {
    /// Loads the CA from `state_dir`, or creates one (and writes it there when given).
    pub fn load_or_create(state_dir: Option<&Path>) -> Result<Self, String> {
        let _ = state_dir;
        Ok(Self {
            ca_pem: String::new(),
        })
    }

    /// PEM of the CA certificate clients must trust.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }
}

/// Serves the vault and identity endpoints over TLS until `stop` turns true.
pub async fn serve(
    sim: Arc<Sim>,
    listener: TcpListener,
    tls: Tls,
    mut stop: watch::Receiver<bool>,
) {
    let _ = (sim, listener, tls);
    let _ = stop.wait_for(|stop| *stop).await;
}
