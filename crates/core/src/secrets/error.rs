//! [`SecretError`]: why a secret, or the secret chain itself, could not be
//! had. Messages name the secret and the source, read as fragments that fit
//! after "failed to", and end with a `hint:` line where the fix is known.
//! They never contain a value.

use std::path::PathBuf;

use super::SecretName;

/// Why a secret could not be had.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// No source holds it.
    #[error("secret `{name}` is not set\nhint: set {name} in the environment or in .env")]
    Missing {
        /// The secret.
        name: SecretName,
    },

    /// The vault refused the secret or the credential (401, 403, a token
    /// failure) and no other source holds it, or the strict setting is on.
    #[error(
        "read secret `{vault_name}` ({name}) from key vault: refused ({code}): {cause}\n\
         hint: set {name} or grant the vault access policy (secret get) to the credential"
    )]
    VaultDenied {
        /// The secret.
        name: SecretName,
        /// Its name in the vault.
        vault_name: &'static str,
        /// The service's code: `Forbidden`, `Unauthorized`, `AADSTS7000215`...
        code: String,
        /// The real cause, from the SDK's error chain.
        cause: String,
    },

    /// The vault could not be reached in time and the strict setting forbids
    /// falling back.
    #[error(
        "read secret `{vault_name}` ({name}) from key vault: unreachable: {cause}\n\
         hint: check AZURE_KEY_VAULT_URL and the network, or turn off \
         AZURE_KEY_VAULT_STRICT to fall back to {name} in the environment"
    )]
    VaultUnreachable {
        /// The secret.
        name: SecretName,
        /// Its name in the vault.
        vault_name: &'static str,
        /// What failed: a timeout, a connection or TLS error, an outage.
        cause: String,
    },

    /// The vault does not hold the secret and the strict setting forbids
    /// falling back.
    #[error(
        "read secret `{vault_name}` ({name}) from key vault: not found (SecretNotFound)\n\
         hint: add `{vault_name}` to the vault, or turn off AZURE_KEY_VAULT_STRICT to use {name}"
    )]
    VaultNotFound {
        /// The secret.
        name: SecretName,
        /// Its name in the vault.
        vault_name: &'static str,
    },

    /// The vault answered with something else (an unexpected status, a
    /// challenge for another resource, a body without a value).
    #[error("read secret `{vault_name}` ({name}) from key vault: {cause}")]
    VaultFailed {
        /// The secret.
        name: SecretName,
        /// Its name in the vault.
        vault_name: &'static str,
        /// The real cause, from the SDK's error chain.
        cause: String,
    },

    /// A health probe was asked of a vault that is not configured.
    #[error("probe key vault: not configured\nhint: set AZURE_KEY_VAULT_URL")]
    VaultNotConfigured,

    /// `AZURE_KEY_VAULT_URL` is not a usable vault URL.
    #[error(
        "use AZURE_KEY_VAULT_URL `{url}`: {reason}\n\
         hint: the URL looks like https://<vault-name>.vault.azure.net/"
    )]
    InvalidVaultUrl {
        /// The URL as given (a URL, not a secret).
        url: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A setting of the secret chain has a value that cannot be used.
    #[error("read setting {variable}: {reason}")]
    InvalidSetting {
        /// The environment variable.
        variable: &'static str,
        /// What is wrong with it (never the value of a secret).
        reason: String,
    },

    /// The Azure credential or the vault client could not be built.
    #[error("set up the key vault client ({credential}): {cause}")]
    Client {
        /// Which credential was chosen, e.g. `client secret`.
        credential: &'static str,
        /// The real cause.
        cause: String,
    },

    /// `.env` exists but cannot be read or parsed.
    #[error("read `{}`: {reason}", path.display())]
    DotEnv {
        /// The file.
        path: PathBuf,
        /// What failed; a parse error gives the position, never the line.
        reason: String,
    },

    /// `.env` is readable by group or others and the strict setting is on.
    #[error(
        "use `{}`: it is readable by group or others (mode {mode:04o})\n\
         hint: run `chmod 600 {}`",
        path.display(),
        path.display()
    )]
    DotEnvPermissions {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
}

/// The messages of `err` and of every error below it, joined with `: `, each
/// once. The SDK's top-level errors are vague ("failed to execute `reqwest`
/// request"); the cause that says what happened sits further down.
pub(crate) fn cause_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(current) = next {
        let text = current.to_string();
        let text = text.trim();
        if !text.is_empty() && !parts.iter().any(|part| part.contains(text)) {
            parts.push(text.to_owned());
        }
        next = current.source();
    }
    parts.join(": ")
}

impl SecretError {
    /// The exit code for this failure: a missing or refused credential is an authentication
    /// failure, an unreachable vault (strict mode) an unavailable service, a bad setting or
    /// `.env` a configuration error.
    pub fn outcome(&self) -> crate::exit::Outcome {
        use crate::exit::Outcome;
        match self {
            SecretError::Missing { .. }
            | SecretError::VaultDenied { .. }
            | SecretError::VaultNotFound { .. } => Outcome::Auth,
            SecretError::VaultUnreachable { .. } | SecretError::VaultFailed { .. } => {
                Outcome::Unavailable
            }
            SecretError::VaultNotConfigured
            | SecretError::InvalidVaultUrl { .. }
            | SecretError::InvalidSetting { .. }
            | SecretError::Client { .. }
            | SecretError::DotEnv { .. }
            | SecretError::DotEnvPermissions { .. } => Outcome::Config,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer failure")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn the_cause_chain_names_the_real_cause_once() {
        let inner = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let chain = cause_chain(&Outer(inner));
        assert_eq!(chain, "outer failure: refused");
    }

    #[test]
    fn errors_name_the_secret_and_end_with_a_hint() {
        let err = SecretError::VaultDenied {
            name: SecretName::NotionToken,
            vault_name: SecretName::NotionToken.vault_name(),
            code: "Forbidden".into(),
            cause: "caller is not authorized".into(),
        };
        let text = err.to_string();
        assert!(text.contains("`notion-token` (NOTION_TOKEN)"), "{text}");
        assert!(text.contains("(Forbidden)"), "{text}");
        let hint = text.lines().last().unwrap_or_default();
        assert!(
            hint.starts_with("hint: set NOTION_TOKEN or grant"),
            "{text}"
        );
    }
}
