//! Key Vault through the official SDK (`azure_security_keyvault_secrets`
//! 1.x): the client with its credential, bounded retries and transport, one
//! read, and the sorting of the SDK's errors into the outcomes the chain acts
//! on.
//!
//! The vault client is built once per [`Secrets`](super::Secrets) so that the
//! SDK's token cache and the challenge scope survive between reads. Bounding
//! the time a read takes is the caller's job (`tokio::time::timeout` around
//! the whole load); the retry options here only keep the SDK from spending
//! a minute on retries inside that bound.

use std::sync::Arc;
use std::time::Duration;

use azure_core::cloud::CustomConfiguration;
use azure_core::credentials::{Secret, TokenCredential};
use azure_core::error::ErrorKind;
use azure_core::http::{ClientOptions, ExponentialRetryOptions, RetryOptions, Transport};
use azure_identity::{
    ClientSecretCredential, ClientSecretCredentialOptions, DeveloperToolsCredential,
    ManagedIdentityCredential, ManagedIdentityCredentialOptions, UserAssignedId,
};
use azure_security_keyvault_secrets::{SecretClient, SecretClientOptions};
use secrecy::{ExposeSecret, SecretString};

use super::error::cause_chain;
use super::options::{VaultCredential, VaultOptions, VaultTransport, VaultUrl};
use super::{SecretError, SecretName};

/// Retries the SDK may make per request (`api/AZURE_KEY_VAULT.md` 5.2).
const MAX_RETRIES: u32 = 2;

/// Longest the HTTP client waits for a TCP connection and TLS handshake.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A vault read that did not give a value, sorted by what the chain does next.
#[derive(Debug, Clone)]
pub(crate) enum VaultFailure {
    /// 404 `SecretNotFound`: that secret falls back.
    NotFound,
    /// Timeout, connection, DNS or TLS error, throttling or an outage: every
    /// secret falls back and the vault is degraded.
    Unreachable {
        /// What failed.
        cause: String,
    },
    /// 401, 403 or a token failure: the secret falls back if it can.
    Denied {
        /// `Forbidden`, `Unauthorized`, `AADSTS7000215`...
        code: String,
        /// What failed.
        cause: String,
    },
    /// Anything else (a challenge for another resource, an empty value).
    Failed {
        /// What failed.
        cause: String,
    },
}

impl VaultFailure {
    /// A short description for the vault status and logs.
    pub fn reason(&self) -> String {
        match self {
            VaultFailure::NotFound => "secret not found".to_owned(),
            VaultFailure::Unreachable { cause } => format!("unreachable: {cause}"),
            VaultFailure::Denied { code, cause } => format!("refused ({code}): {cause}"),
            VaultFailure::Failed { cause } => cause.clone(),
        }
    }

    /// The error for `name` when no fallback is allowed or possible.
    pub fn into_error(self, name: SecretName) -> SecretError {
        let vault_name = name.vault_name();
        match self {
            VaultFailure::NotFound => SecretError::VaultNotFound { name, vault_name },
            VaultFailure::Unreachable { cause } => SecretError::VaultUnreachable {
                name,
                vault_name,
                cause,
            },
            VaultFailure::Denied { code, cause } => SecretError::VaultDenied {
                name,
                vault_name,
                code,
                cause,
            },
            VaultFailure::Failed { cause } => SecretError::VaultFailed {
                name,
                vault_name,
                cause,
            },
        }
    }
}

/// The vault client of one process.
pub(crate) struct VaultReader {
    client: SecretClient,
    /// The vault URL, for logs.
    pub url: VaultUrl,
    /// The bound on a whole load.
    pub timeout: Duration,
}

impl std::fmt::Debug for VaultReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultReader")
            .field("url", &self.url)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl VaultReader {
    /// Builds the client; no request is sent yet.
    pub fn new(options: &VaultOptions) -> Result<Self, SecretError> {
        let kind = options.credential.kind();
        let client_error = |cause: String| SecretError::Client {
            credential: kind,
            cause,
        };
        let http = http_client(&options.transport).map_err(&client_error)?;
        let client_options = ClientOptions {
            retry: retry_options(),
            transport: Some(Transport::new(Arc::new(http))),
            ..ClientOptions::default()
        };
        let credential = credential(&options.credential, &client_options)
            .map_err(|err| client_error(cause_chain(&err)))?;
        let secret_options = SecretClientOptions {
            client_options,
            ..SecretClientOptions::default()
        };
        let client = SecretClient::new(options.url.as_str(), credential, Some(secret_options))
            .map_err(|err| client_error(cause_chain(&err)))?;
        tracing::info!(vault = %options.url, credential = kind, "key vault configured");
        Ok(Self {
            client,
            url: options.url.clone(),
            timeout: options.timeout,
        })
    }

    /// The latest version of `name`.
    pub async fn read(&self, name: SecretName) -> Result<SecretString, VaultFailure> {
        let response = self
            .client
            .get_secret(name.vault_name(), None)
            .await
            .map_err(|err| classify(&err))?;
        let secret = response.into_model().map_err(|err| VaultFailure::Failed {
            cause: format!("unreadable answer: {}", cause_chain(&err)),
        })?;
        // The model is dropped here; only the SecretString lives on.
        match secret.value {
            Some(value) if !value.is_empty() => Ok(SecretString::from(value)),
            _ => Err(VaultFailure::Failed {
                cause: "the answer holds no value".to_owned(),
            }),
        }
    }
}

fn retry_options() -> RetryOptions {
    RetryOptions::exponential(ExponentialRetryOptions {
        initial_delay: azure_core::time::Duration::milliseconds(200),
        max_retries: MAX_RETRIES,
        max_total_elapsed: azure_core::time::Duration::seconds(5),
        max_delay: azure_core::time::Duration::seconds(2),
    })
}

/// The HTTP client the SDK sends through: redirects off (as the SDK's own
/// client), a short connect timeout, and the extra trust and resolution of
/// `transport`.
fn http_client(transport: &VaultTransport) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(CONNECT_TIMEOUT);
    if let Some(pem) = &transport.extra_ca_pem {
        let certs = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
            .map_err(|err| format!("the extra CA is not PEM: {}", cause_chain(&err)))?;
        builder = builder.tls_certs_only(certs);
    }
    for (host, addr) in &transport.resolve {
        builder = builder.resolve(host, *addr);
    }
    builder
        .build()
        .map_err(|err| format!("cannot build the HTTP client: {}", cause_chain(&err)))
}

fn credential(
    choice: &VaultCredential,
    client_options: &ClientOptions,
) -> azure_core::Result<Arc<dyn TokenCredential>> {
    match choice {
        VaultCredential::ClientSecret {
            tenant_id,
            client_id,
            client_secret,
            authority_host,
        } => {
            let mut client_options = client_options.clone();
            if let Some(host) = authority_host {
                let mut custom = CustomConfiguration::default();
                custom.authority_host = host.clone();
                client_options.cloud = Some(Arc::new(custom.into()));
            }
            // The SDK's own secret type (redacted in Debug) only at its boundary.
            let secret = Secret::new(client_secret.expose_secret().to_owned());
            let options = ClientSecretCredentialOptions { client_options };
            let credential =
                ClientSecretCredential::new(tenant_id, client_id.clone(), secret, Some(options))?;
            Ok(credential)
        }
        VaultCredential::ManagedIdentity { client_id } => {
            let options = ManagedIdentityCredentialOptions {
                user_assigned_id: client_id.clone().map(UserAssignedId::ClientId),
                client_options: client_options.clone(),
            };
            Ok(ManagedIdentityCredential::new(Some(options))?)
        }
        VaultCredential::DeveloperTools => Ok(DeveloperToolsCredential::new(None)?),
    }
}

/// Sorts an SDK error by walking its chain: a transport failure anywhere
/// means unreachable; otherwise the first HTTP answer decides.
fn classify(err: &azure_core::Error) -> VaultFailure {
    let cause = cause_chain(err);
    let token_failure = matches!(err.kind(), ErrorKind::Credential);
    let mut answer = None;
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(current) = next {
        if transport_failure(current) {
            return VaultFailure::Unreachable { cause };
        }
        if answer.is_none()
            && let Some(sdk) = current.downcast_ref::<azure_core::Error>()
            && let ErrorKind::HttpResponse {
                status, error_code, ..
            } = sdk.kind()
        {
            answer = Some((u16::from(*status), error_code.clone()));
        }
        next = current.source();
    }

    match answer {
        Some((status, code)) if token_failure => VaultFailure::Denied {
            code: entra_code(code.as_deref(), status),
            cause,
        },
        Some((404, _)) => VaultFailure::NotFound,
        Some((status @ (401 | 403), code)) => VaultFailure::Denied {
            code: code.unwrap_or_else(|| status.to_string()),
            cause,
        },
        Some((429 | 500..=599, _)) => VaultFailure::Unreachable { cause },
        _ if token_failure => VaultFailure::Denied {
            code: "credential".to_owned(),
            cause,
        },
        _ => VaultFailure::Failed { cause },
    }
}

/// Whether `err` is a failure to reach the server at all.
fn transport_failure(err: &(dyn std::error::Error + 'static)) -> bool {
    if let Some(sdk) = err.downcast_ref::<azure_core::Error>() {
        return matches!(sdk.kind(), ErrorKind::Connection | ErrorKind::Io);
    }
    if let Some(http) = err.downcast_ref::<reqwest::Error>() {
        return http.is_connect() || http.is_timeout() || http.is_request();
    }
    err.is::<std::io::Error>()
}

/// Entra ID reports numeric codes (`7000215`); operators search for
/// `AADSTS7000215`.
fn entra_code(code: Option<&str>, status: u16) -> String {
    match code {
        Some(code)
            if code
                .split(',')
                .all(|c| c.bytes().all(|b| b.is_ascii_digit())) =>
        {
            code.split(',')
                .map(|c| format!("AADSTS{c}"))
                .collect::<Vec<_>>()
                .join(",")
        }
        Some(code) => code.to_owned(),
        None => status.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entra_codes_get_their_prefix() {
        assert_eq!(entra_code(Some("7000215"), 401), "AADSTS7000215");
        assert_eq!(entra_code(Some("1,2"), 400), "AADSTS1,AADSTS2");
        assert_eq!(entra_code(Some("Forbidden"), 403), "Forbidden");
        assert_eq!(entra_code(None, 401), "401");
    }

    #[test]
    fn a_connection_error_deep_in_the_chain_is_unreachable() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let err = azure_core::Error::with_error(ErrorKind::Other, io, "request failed");
        assert!(matches!(classify(&err), VaultFailure::Unreachable { .. }));
        let credential = azure_core::Error::with_error(
            ErrorKind::Credential,
            azure_core::Error::with_message(ErrorKind::Connection, "no route"),
            "token failed",
        );
        match classify(&credential) {
            VaultFailure::Unreachable { cause } => {
                assert!(cause.contains("no route"), "{cause}");
            }
            other => panic!("expected unreachable, got {other:?}"),
        }
    }
}
