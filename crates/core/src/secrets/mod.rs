//! The secret chain: Azure Key Vault, then the process environment, then
//! `.env`; and the redaction of every value on the way.
//!
//! A binary builds [`SecretsOptions`] (from the environment, or from the
//! simulator in DR test mode), calls [`Secrets::load`] with the secrets it
//! needs, and hands the [`Secrets`] to its API clients, which call
//! [`Secrets::get`] and, after a 401, [`Secrets::reread`] once. The health
//! check reads [`Secrets::vault_status`] or calls [`Secrets::probe_vault`];
//! the audit log writes [`Secrets::audit_trail`].
//!
//! Values are held as [`SecretString`] and never logged, printed or
//! serialised: `Debug` of every type here shows sources, never values, and
//! errors name the secret and the source only.
//!
//! | file             | owns                                                     |
//! |------------------|----------------------------------------------------------|
//! | `options.rs`     | [`SecretsOptions`]: vault URL, credential, timeout, ...  |
//! | `chain.rs`       | source order and what each vault outcome leads to        |
//! | `vault.rs`       | the SDK client and the sorting of its errors             |
//! | `dotenv_file.rs` | `.env` into a map, and its permission check              |
//! | `source.rs`      | [`SecretSource`], [`VaultStatus`], [`SecretRead`]        |
//! | `error.rs`       | [`SecretError`]                                          |
//!
//! This module does not decide when to re-read (the API clients do, after a
//! 401) and does not write the audit log (the `audit` module does).
//!
//! Limitation: values are cached for the life of the process; a long-running
//! daemon sees a rotated secret only through [`Secrets::reread`].

mod chain;
mod dotenv_file;
mod error;
mod options;
mod source;
mod vault;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub use secrecy::{ExposeSecret, SecretString};

use chain::Chain;
pub use error::SecretError;
pub use options::{
    DEFAULT_DOTENV_PATH, DEFAULT_VAULT_TIMEOUT, Environment, SecretsOptions, VaultCredential,
    VaultOptions, VaultTransport, VaultUrl, vars,
};
pub use source::{SecretRead, SecretSource, VaultStatus};

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

/// The secrets of one process, read once and cached; [`Secrets::reread`]
/// refreshes one. Cloning shares the cache.
#[derive(Clone)]
pub struct Secrets {
    inner: Arc<Inner>,
}

struct Inner {
    /// The sources; `None` for fixed values.
    chain: Option<Chain>,
    /// The cache, the vault status and the audit trail. Never held across an
    /// await.
    state: Mutex<State>,
}

struct State {
    values: BTreeMap<SecretName, Cached>,
    vault_status: VaultStatus,
    audit: Vec<SecretRead>,
}

struct Cached {
    value: SecretString,
    source: SecretSource,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.state();
        let sources: BTreeMap<SecretName, SecretSource> = state
            .values
            .iter()
            .map(|(name, cached)| (*name, cached.source))
            .collect();
        f.debug_struct("Secrets")
            .field("sources", &sources)
            .field("vault", &state.vault_status)
            .finish_non_exhaustive()
    }
}

impl Secrets {
    /// Secrets with fixed values (DR test mode, tests); their source is
    /// [`SecretSource::Provided`] and a re-read returns the same value.
    pub fn from_values(values: impl IntoIterator<Item = (SecretName, SecretString)>) -> Self {
        let values: BTreeMap<SecretName, Cached> = values
            .into_iter()
            .map(|(name, value)| {
                let source = SecretSource::Provided;
                (name, Cached { value, source })
            })
            .collect();
        let audit = values
            .iter()
            .map(|(name, cached)| SecretRead {
                name: *name,
                source: cached.source,
            })
            .collect();
        Self::with_state(
            None,
            State {
                values,
                vault_status: VaultStatus::NotConfigured,
                audit,
            },
        )
    }

    /// Reads the `needed` secrets through the chain `options` describe. Fails
    /// when a needed secret is in no source, when the vault refuses one that
    /// no other source holds, or, with the strict setting, on any vault
    /// failure.
    pub async fn load(options: SecretsOptions, needed: &[SecretName]) -> Result<Self, SecretError> {
        let chain = Chain::new(options)?;
        let vault_status = if chain.has_vault() {
            VaultStatus::Healthy
        } else {
            VaultStatus::NotConfigured
        };
        let outcome = chain.read(needed, true).await?;

        let mut state = State {
            values: BTreeMap::new(),
            vault_status: outcome.vault_status.unwrap_or(vault_status),
            audit: Vec::new(),
        };
        for (name, value, source) in outcome.found {
            state.audit.push(SecretRead { name, source });
            state.values.insert(name, Cached { value, source });
        }
        let summary: Vec<String> = state
            .values
            .iter()
            .map(|(name, cached)| format!("{name}={}", cached.source))
            .collect();
        tracing::info!(sources = %summary.join(" "), "secrets loaded");
        Ok(Self::with_state(Some(chain), state))
    }

    fn with_state(chain: Option<Chain>, state: State) -> Self {
        Self {
            inner: Arc::new(Inner {
                chain,
                state: Mutex::new(state),
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while the lock was held cannot leave the maps half-written
        // (each update is one insert), so a poisoned lock is still usable.
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current value of `name`: the cached one, or, for a secret not
    /// loaded yet, one read through the chain now.
    pub async fn get(&self, name: SecretName) -> Result<SecretString, SecretError> {
        if let Some(cached) = self.state().values.get(&name) {
            return Ok(cached.value.clone());
        }
        match &self.inner.chain {
            Some(_) => self.reread(name).await,
            None => Err(SecretError::Missing { name }),
        }
    }

    /// Reads `name` again from its sources, once (after a 401: the secret may
    /// have been rotated). The cached value is dropped first, so a failed
    /// re-read leaves the secret missing rather than stale.
    pub async fn reread(&self, name: SecretName) -> Result<SecretString, SecretError> {
        let Some(chain) = &self.inner.chain else {
            let state = self.state();
            let cached = state.values.get(&name);
            return cached
                .map(|cached| cached.value.clone())
                .ok_or(SecretError::Missing { name });
        };
        self.state().values.remove(&name);

        let outcome = chain.read(&[name], false).await;
        let mut state = self.state();
        let found = match outcome {
            Ok(outcome) => {
                if let Some(status) = outcome.vault_status {
                    state.vault_status = status;
                }
                outcome
                    .found
                    .into_iter()
                    .find(|(found, _, _)| *found == name)
            }
            Err(err) => {
                state.audit.push(SecretRead {
                    name,
                    source: SecretSource::Missing,
                });
                return Err(err);
            }
        };
        let Some((_, value, source)) = found else {
            return Err(SecretError::Missing { name });
        };
        tracing::info!(secret = name.env_name(), %source, "secret re-read");
        state.audit.push(SecretRead { name, source });
        let cached = Cached {
            value: value.clone(),
            source,
        };
        state.values.insert(name, cached);
        Ok(value)
    }

    /// Where the cached value of `name` came from; [`SecretSource::Missing`]
    /// when none is cached.
    pub fn source(&self, name: SecretName) -> SecretSource {
        self.state()
            .values
            .get(&name)
            .map_or(SecretSource::Missing, |cached| cached.source)
    }

    /// The source of every cached secret.
    pub fn sources(&self) -> BTreeMap<SecretName, SecretSource> {
        let state = self.state();
        state
            .values
            .iter()
            .map(|(name, cached)| (*name, cached.source))
            .collect()
    }

    /// The vault's state after the last read, for the health check.
    pub fn vault_status(&self) -> VaultStatus {
        self.state().vault_status.clone()
    }

    /// Asks the vault once now, within the configured timeout, and returns
    /// how long it took to answer. A secret absent from the vault counts as
    /// an answer. Updates [`Secrets::vault_status`].
    pub async fn probe_vault(&self) -> Result<Duration, SecretError> {
        let chain = self
            .inner
            .chain
            .as_ref()
            .filter(|chain| chain.has_vault())
            .ok_or(SecretError::VaultNotConfigured)?;
        let name = self
            .state()
            .values
            .keys()
            .next()
            .copied()
            .unwrap_or(SecretName::NotionToken);
        let started = Instant::now();
        let result = chain.probe(name).await;
        let elapsed = started.elapsed();
        self.state().vault_status = match &result {
            Ok(status) => status.clone(),
            Err(err) => VaultStatus::Degraded {
                reason: err
                    .to_string()
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            },
        };
        result.map(|_| elapsed)
    }

    /// Every read so far, in order: which secret, from which source. For the
    /// audit log; it holds no value.
    pub fn audit_trail(&self) -> Vec<SecretRead> {
        self.state().audit.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_traits<T: Clone + Send + Sync + std::fmt::Debug>() {}

    #[test]
    fn secrets_can_be_shared_between_tasks() {
        assert_traits::<Secrets>();
        assert_traits::<SecretsOptions>();
    }

    #[tokio::test]
    async fn fixed_values_are_provided_and_never_shown() {
        let secrets = Secrets::from_values([(
            SecretName::NotionToken,
            SecretString::from("ntn_fixed_value"),
        )]);
        let value = secrets.get(SecretName::NotionToken).await.unwrap();
        assert_eq!(value.expose_secret(), "ntn_fixed_value");
        assert_eq!(
            secrets.source(SecretName::NotionToken),
            SecretSource::Provided
        );
        assert_eq!(secrets.vault_status(), VaultStatus::NotConfigured);
        let again = secrets.reread(SecretName::NotionToken).await.unwrap();
        assert_eq!(again.expose_secret(), "ntn_fixed_value");
        let missing = secrets.get(SecretName::UnifiApiToken).await.unwrap_err();
        assert!(matches!(missing, SecretError::Missing { .. }));
        assert!(matches!(
            secrets.probe_vault().await,
            Err(SecretError::VaultNotConfigured)
        ));
        let debug = format!("{secrets:?}");
        assert!(!debug.contains("ntn_fixed_value"), "{debug}");
        assert!(debug.contains("Provided"), "{debug}");
    }

    #[tokio::test]
    async fn without_a_vault_the_environment_wins_over_dotenv() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(
            &path,
            "NOTION_TOKEN=from_file\nUNIFI_API_TOKEN=unifi_from_file\n",
        )
        .unwrap();
        let options = SecretsOptions {
            vault: None,
            strict: false,
            dotenv_path: Some(path),
            environment: Environment::from_pairs([("NOTION_TOKEN", "from_env")]),
        };
        let needed = [SecretName::NotionToken, SecretName::UnifiApiToken];
        let secrets = Secrets::load(options.clone(), &needed).await.unwrap();
        let notion = secrets.get(SecretName::NotionToken).await.unwrap();
        assert_eq!(notion.expose_secret(), "from_env");
        assert_eq!(secrets.source(SecretName::NotionToken), SecretSource::Env);
        assert_eq!(
            secrets.source(SecretName::UnifiApiToken),
            SecretSource::DotEnv
        );
        assert_eq!(
            secrets.source(SecretName::NinjaoneClientId),
            SecretSource::Missing
        );
        assert_eq!(
            secrets.audit_trail(),
            [
                SecretRead {
                    name: SecretName::NotionToken,
                    source: SecretSource::Env
                },
                SecretRead {
                    name: SecretName::UnifiApiToken,
                    source: SecretSource::DotEnv
                },
            ]
        );

        let err = Secrets::load(options, &[SecretName::NinjaoneClientSecret])
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("NINJAONE_CLIENT_SECRET"), "{text}");
        assert!(text.contains("hint:"), "{text}");
    }
}
