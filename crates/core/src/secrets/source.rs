//! Where a secret came from, how the vault is doing, and the trail of reads
//! that the audit log records. None of these types holds a value.

use std::fmt;

use super::SecretName;

/// The source a secret was read from: what the audit log and the logs record
/// instead of the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretSource {
    /// Azure Key Vault.
    Vault,
    /// The process environment.
    Env,
    /// The `.env` file.
    DotEnv,
    /// Given to [`Secrets::from_values`](super::Secrets::from_values) by the
    /// caller (tests, fixed values).
    Provided,
    /// No source holds it.
    Missing,
}

impl SecretSource {
    /// The name used in logs and the audit log: `vault`, `env`, `.env`,
    /// `provided` or `missing`.
    pub fn as_str(self) -> &'static str {
        match self {
            SecretSource::Vault => "vault",
            SecretSource::Env => "env",
            SecretSource::DotEnv => ".env",
            SecretSource::Provided => "provided",
            SecretSource::Missing => "missing",
        }
    }
}

impl fmt::Display for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The state of Key Vault as the health check reports it (component
/// `key_vault`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VaultStatus {
    /// `AZURE_KEY_VAULT_URL` is not set: secrets come from the environment.
    NotConfigured,
    /// The last vault read was answered (a secret absent from the vault
    /// counts as an answer).
    Healthy,
    /// The last vault read failed and secrets fell back to the environment
    /// or `.env`.
    Degraded {
        /// What failed, e.g. `unreachable: connection refused`; never a value.
        reason: String,
    },
}

impl VaultStatus {
    /// Whether the vault is configured but failing.
    pub fn is_degraded(&self) -> bool {
        matches!(self, VaultStatus::Degraded { .. })
    }
}

/// One read of one secret, for the audit log: which secret, from which source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretRead {
    /// The secret.
    pub name: SecretName,
    /// Where its value came from.
    pub source: SecretSource,
}
