//! The order of the sources and what each vault outcome leads to
//! (`api/AZURE_KEY_VAULT.md` 5.4): the vault first when configured, then the
//! process environment, then `.env`.
//!
//! | vault outcome                    | without strict                      |
//! |----------------------------------|-------------------------------------|
//! | 200                              | the vault value                     |
//! | 404 `SecretNotFound`             | that secret falls back (info)       |
//! | timeout, connection, TLS, outage | all fall back, one warning,         |
//! |                                  | vault degraded                      |
//! | 401, 403, token failure          | warning with the code; the fallback |
//! |                                  | if there is one, else an error      |
//!
//! With the strict setting every vault failure is an error.

use std::collections::BTreeMap;
use std::path::PathBuf;

use secrecy::SecretString;

use super::dotenv_file::{self, DotEnv};
use super::options::{Environment, SecretsOptions};
use super::vault::{VaultFailure, VaultReader};
use super::{SecretError, SecretName, SecretSource, VaultStatus};

/// The sources of one process, set up once.
#[derive(Debug)]
pub(crate) struct Chain {
    vault: Option<VaultReader>,
    strict: bool,
    dotenv_path: Option<PathBuf>,
    environment: Environment,
}

/// What a read of some secrets came to.
pub(crate) struct Outcome {
    /// Each secret with its value and source.
    pub found: Vec<(SecretName, SecretString, SecretSource)>,
    /// The vault's state after the read; `None` when it was not asked.
    pub vault_status: Option<VaultStatus>,
}

/// The fallback sources, read once per load.
struct Fallback<'a> {
    environment: &'a Environment,
    dotenv: DotEnv,
}

impl Fallback<'_> {
    fn get(&self, name: SecretName) -> Option<(SecretString, SecretSource)> {
        if let Some(value) = self.environment.get(name.env_name()) {
            return Some((SecretString::from(value), SecretSource::Env));
        }
        let value = self.dotenv.values.get(&name)?;
        Some((value.clone(), SecretSource::DotEnv))
    }
}

impl Chain {
    /// Sets up the sources; builds the vault client when a vault is configured.
    pub fn new(options: SecretsOptions) -> Result<Self, SecretError> {
        let vault = options.vault.as_ref().map(VaultReader::new).transpose()?;
        Ok(Self {
            vault,
            strict: options.strict,
            dotenv_path: options.dotenv_path,
            environment: options.environment,
        })
    }

    /// Whether a vault is configured.
    pub fn has_vault(&self) -> bool {
        self.vault.is_some()
    }

    /// Reads `names` from the chain. `check_dotenv_mode` warns about a loose
    /// `.env` (once per load, not on every re-read).
    pub async fn read(
        &self,
        names: &[SecretName],
        check_dotenv_mode: bool,
    ) -> Result<Outcome, SecretError> {
        let fallback = self.fallback(check_dotenv_mode)?;
        let Some(vault) = &self.vault else {
            let found = names
                .iter()
                .map(|&name| {
                    let (value, source) =
                        fallback.get(name).ok_or(SecretError::Missing { name })?;
                    Ok((name, value, source))
                })
                .collect::<Result<_, SecretError>>()?;
            return Ok(Outcome {
                found,
                vault_status: None,
            });
        };

        let answers = read_vault(vault, names).await;
        let status = vault_status(&answers);
        if let VaultStatus::Degraded { reason } = &status
            && !self.strict
            && answers
                .values()
                .any(|answer| matches!(answer, Err(VaultFailure::Unreachable { .. })))
        {
            let falling_back: Vec<&str> = answers
                .iter()
                .filter(|(_, answer)| answer.is_err())
                .map(|(name, _)| name.env_name())
                .collect();
            tracing::warn!(
                vault = %vault.url,
                %reason,
                secrets = %falling_back.join(","),
                "key vault unreachable; falling back to the environment and .env"
            );
        }

        let mut found = Vec::with_capacity(names.len());
        for (name, answer) in answers {
            let (value, source) = self.settle(name, answer, &fallback)?;
            found.push((name, value, source));
        }
        Ok(Outcome {
            found,
            vault_status: Some(status),
        })
    }

    /// One secret's vault answer, with the fallback where the rules allow it.
    fn settle(
        &self,
        name: SecretName,
        answer: Result<SecretString, VaultFailure>,
        fallback: &Fallback<'_>,
    ) -> Result<(SecretString, SecretSource), SecretError> {
        let failure = match answer {
            Ok(value) => return Ok((value, SecretSource::Vault)),
            Err(failure) if self.strict => return Err(failure.into_error(name)),
            Err(failure) => failure,
        };
        match &failure {
            VaultFailure::NotFound => tracing::info!(
                secret = name.env_name(),
                vault_name = name.vault_name(),
                "secret not in key vault; falling back to the environment and .env"
            ),
            // Logged once for all secrets by the caller.
            VaultFailure::Unreachable { .. } => {}
            VaultFailure::Denied { code, cause } => tracing::warn!(
                secret = name.env_name(),
                vault_name = name.vault_name(),
                %code,
                %cause,
                "key vault refused the secret ({code}); falling back to the environment and .env"
            ),
            VaultFailure::Failed { cause } => tracing::warn!(
                secret = name.env_name(),
                vault_name = name.vault_name(),
                %cause,
                "key vault read failed; falling back to the environment and .env"
            ),
        }
        match fallback.get(name) {
            Some(found) => Ok(found),
            None if matches!(
                failure,
                VaultFailure::NotFound | VaultFailure::Unreachable { .. }
            ) =>
            {
                Err(SecretError::Missing { name })
            }
            None => Err(failure.into_error(name)),
        }
    }

    fn fallback(&self, check_dotenv_mode: bool) -> Result<Fallback<'_>, SecretError> {
        let dotenv = match &self.dotenv_path {
            None => DotEnv::default(),
            Some(path) => {
                let dotenv = DotEnv::read(path)?;
                if check_dotenv_mode || self.strict {
                    dotenv_file::check_mode(path, &dotenv, self.strict)?;
                }
                dotenv
            }
        };
        Ok(Fallback {
            environment: &self.environment,
            dotenv,
        })
    }

    /// Asks the vault once for `name`, within the timeout: the health probe.
    pub async fn probe(&self, name: SecretName) -> Result<VaultStatus, SecretError> {
        let vault = self.vault.as_ref().ok_or(SecretError::VaultNotConfigured)?;
        let answers = read_vault(vault, &[name]).await;
        let status = vault_status(&answers);
        match answers.into_values().next() {
            Some(Ok(_)) | Some(Err(VaultFailure::NotFound)) => Ok(status),
            Some(Err(failure)) => Err(failure.into_error(name)),
            None => Ok(status),
        }
    }
}

/// Reads `names` in turn within the vault's timeout. After the first
/// unreachable answer (or the timeout) the rest are not asked: they would fail
/// the same way, each after its retries.
async fn read_vault(
    vault: &VaultReader,
    names: &[SecretName],
) -> BTreeMap<SecretName, Result<SecretString, VaultFailure>> {
    let answers = tokio::sync::Mutex::new(BTreeMap::new());
    let reads = async {
        for &name in names {
            let answer = vault.read(name).await;
            let unreachable = matches!(answer, Err(VaultFailure::Unreachable { .. }));
            answers.lock().await.insert(name, answer);
            if unreachable {
                break;
            }
        }
    };
    let timed_out = tokio::time::timeout(vault.timeout, reads).await.is_err();
    let mut answers = answers.into_inner();

    let first_cause = answers.values().find_map(|answer| match answer {
        Err(VaultFailure::Unreachable { cause }) => Some(cause.clone()),
        _ => None,
    });
    let cause = if timed_out {
        format!("no answer within {:?}", vault.timeout)
    } else {
        first_cause.unwrap_or_default()
    };
    for &name in names {
        answers.entry(name).or_insert_with(|| {
            Err(VaultFailure::Unreachable {
                cause: cause.clone(),
            })
        });
    }
    answers
}

/// Healthy when every answer came from the vault (a 404 is an answer),
/// degraded with the first failure otherwise.
fn vault_status(answers: &BTreeMap<SecretName, Result<SecretString, VaultFailure>>) -> VaultStatus {
    let failure = answers.values().find_map(|answer| match answer {
        Err(VaultFailure::NotFound) | Ok(_) => None,
        Err(failure) => Some(failure),
    });
    match failure {
        None => VaultStatus::Healthy,
        Some(failure) => VaultStatus::Degraded {
            reason: failure.reason(),
        },
    }
}
