//! The secret chain: Azure Key Vault, then the environment, then `.env`.
//!
//! Interface stub: the API clients depend on [`Secrets::get`] and [`Secrets::reread`]; the
//! vault, environment and `.env` sources fill it in.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

pub use secrecy::{ExposeSecret, SecretString};

/// One of the four secrets the toolkit reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SecretName {
    /// Notion integration token (`NOTION_TOKEN`, vault `notion-token`).
    NotionToken,
    /// UniFi Site Manager API key (`UNIFI_API_TOKEN`, vault `unifi-api-token`).
    UnifiApiToken,
    /// NinjaOne OAuth client id (`NINJAONE_CLIENT_ID`, vault `ninjaone-client-id`).
    NinjaoneClientId,
    /// NinjaOne OAuth client secret (`NINJAONE_CLIENT_SECRET`, vault `ninjaone-client-secret`).
    NinjaoneClientSecret,
}

impl SecretName {
    /// Every secret, in a fixed order.
    pub const ALL: [SecretName; 4] = [
        SecretName::NotionToken,
        SecretName::UnifiApiToken,
        SecretName::NinjaoneClientId,
        SecretName::NinjaoneClientSecret,
    ];

    /// The environment variable (and `.env` key) that holds it.
    pub fn env_name(self) -> &'static str {
        match self {
            SecretName::NotionToken => "NOTION_TOKEN",
            SecretName::UnifiApiToken => "UNIFI_API_TOKEN",
            SecretName::NinjaoneClientId => "NINJAONE_CLIENT_ID",
            SecretName::NinjaoneClientSecret => "NINJAONE_CLIENT_SECRET",
        }
    }

    /// The Key Vault secret name.
    pub fn vault_name(self) -> &'static str {
        match self {
            SecretName::NotionToken => "notion-token",
            SecretName::UnifiApiToken => "unifi-api-token",
            SecretName::NinjaoneClientId => "ninjaone-client-id",
            SecretName::NinjaoneClientSecret => "ninjaone-client-secret",
        }
    }
}

impl std::fmt::Display for SecretName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.env_name())
    }
}

/// Why a secret could not be had.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// No source holds it.
    #[error("secret `{name}` is not set\nhint: set {name} in the environment or in .env")]
    Missing {
        /// The secret.
        name: SecretName,
    },
}

/// The secrets of one process, read once and cached; [`Secrets::reread`] refreshes one.
#[derive(Clone)]
pub struct Secrets {
    values: Arc<Mutex<BTreeMap<SecretName, SecretString>>>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secrets").finish_non_exhaustive()
    }
}

impl Secrets {
    /// Secrets with fixed values (DR test mode, tests).
    pub fn from_values(values: impl IntoIterator<Item = (SecretName, SecretString)>) -> Self {
        Self {
            values: Arc::new(Mutex::new(values.into_iter().collect())),
        }
    }

    /// The current value of `name`.
    pub async fn get(&self, name: SecretName) -> Result<SecretString, SecretError> {
        let values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        values
            .get(&name)
            .cloned()
            .ok_or(SecretError::Missing { name })
    }

    /// Reads `name` again from its source (after a 401: the secret may have been rotated).
    pub async fn reread(&self, name: SecretName) -> Result<SecretString, SecretError> {
        self.get(name).await
    }
}
