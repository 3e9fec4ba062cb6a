//! [`SecretsOptions`]: how the secret chain is set up, filled by the binaries
//! from the environment ([`SecretsOptions::from_env`]) or, in DR test mode,
//! from the simulator ([`SecretsOptions::for_dr_test`]).
//!
//! The credential is chosen as `api/AZURE_KEY_VAULT.md` section 4 says, in
//! this order: a service principal (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`,
//! `AZURE_CLIENT_SECRET`, authority from `AZURE_AUTHORITY_HOST`), the App
//! Service managed identity (`IDENTITY_ENDPOINT`), the VM managed identity
//! (IMDS) only with `AZURE_KEY_VAULT_USE_IMDS=true` because on a machine that
//! is not an Azure VM it blocks for over a minute, else the developer tools
//! (`az`, `azd`).
//!
//! Limitation: workload identity (`AZURE_FEDERATED_TOKEN_FILE`) is not offered;
//! a Kubernetes deployment must use a service principal for now.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use azure_core::http::Url;
use secrecy::SecretString;

use super::{SecretError, SecretName};
use crate::dr_test::DrTest;

/// How long the whole vault load (token included) may take before the vault
/// counts as unreachable.
pub const DEFAULT_VAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where `.env` is looked for, relative to the working directory.
pub const DEFAULT_DOTENV_PATH: &str = "./.env";

/// Environment variables the options read (besides the secrets themselves).
pub mod vars {
    /// The vault URL; unset or empty means no vault.
    pub const VAULT_URL: &str = "AZURE_KEY_VAULT_URL";
    /// Seconds the vault load may take (default 10).
    pub const VAULT_TIMEOUT: &str = "AZURE_KEY_VAULT_TIMEOUT_SECS";
    /// `true`: any vault failure is fatal instead of a fallback.
    pub const VAULT_STRICT: &str = "AZURE_KEY_VAULT_STRICT";
    /// `true`: use the VM managed identity (IMDS) when no other credential is
    /// configured.
    pub const VAULT_USE_IMDS: &str = "AZURE_KEY_VAULT_USE_IMDS";
    /// Path of the `.env` file (default `./.env`).
    pub const DOTENV_PATH: &str = "OBERACONNECT_DOTENV";
    /// Entra tenant of the service principal.
    pub const TENANT_ID: &str = "AZURE_TENANT_ID";
    /// Client id of the service principal or of a user-assigned identity.
    pub const CLIENT_ID: &str = "AZURE_CLIENT_ID";
    /// Client secret of the service principal.
    pub const CLIENT_SECRET: &str = "AZURE_CLIENT_SECRET";
    /// Entra authority host, e.g. `https://login.microsoftonline.us`.
    pub const AUTHORITY_HOST: &str = "AZURE_AUTHORITY_HOST";
    /// App Service managed-identity endpoint.
    pub const IDENTITY_ENDPOINT: &str = "IDENTITY_ENDPOINT";
}

/// How the secret chain is set up.
#[derive(Debug, Clone)]
pub struct SecretsOptions {
    /// The vault to read first; `None` reads the environment and `.env` only.
    pub vault: Option<VaultOptions>,
    /// Any vault failure (and a `.env` readable by others) is fatal instead of
    /// a warning and a fallback.
    pub strict: bool,
    /// The `.env` file; `None` reads none. A path that does not exist is no
    /// error.
    pub dotenv_path: Option<PathBuf>,
    /// Where environment values come from (the process environment, or a
    /// stand-in in tests and DR test mode).
    pub environment: Environment,
}

/// The vault part of [`SecretsOptions`].
#[derive(Debug, Clone)]
pub struct VaultOptions {
    /// The vault URL, https, ending in `/`.
    pub url: VaultUrl,
    /// How long the whole vault load, token included, may take.
    pub timeout: Duration,
    /// How to authenticate to the vault.
    pub credential: VaultCredential,
    /// Extra trust and name resolution for the HTTP client (DR test mode).
    pub transport: VaultTransport,
}

/// A validated vault URL: it parses, uses https and ends with `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultUrl(String);

impl VaultUrl {
    /// Validates `text` and normalises it to end with `/`.
    pub fn parse(text: &str) -> Result<Self, SecretError> {
        let text = text.trim();
        let invalid = |reason: &str| SecretError::InvalidVaultUrl {
            url: text.to_owned(),
            reason: reason.to_owned(),
        };
        let url = Url::parse(text).map_err(|err| invalid(&format!("not a URL ({err})")))?;
        if url.scheme() != "https" {
            return Err(invalid(
                "it must use https (the Azure SDK refuses tokens over plain http)",
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid("it has no host"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("it must not have a query or a fragment"));
        }
        let mut normalised = url.to_string();
        if !normalised.ends_with('/') {
            normalised.push('/');
        }
        Ok(Self(normalised))
    }

    /// The URL, ending in `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for VaultUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The Azure credential the vault client authenticates with.
#[derive(Debug, Clone)]
pub enum VaultCredential {
    /// A service principal with a client secret.
    ClientSecret {
        /// Entra tenant id.
        tenant_id: String,
        /// Application (client) id.
        client_id: String,
        /// The client secret.
        client_secret: SecretString,
        /// Authority host (https); `None` is the public cloud.
        authority_host: Option<String>,
    },
    /// A managed identity. The SDK itself reads `IDENTITY_ENDPOINT` and
    /// `IDENTITY_HEADER` from the process environment (App Service); without
    /// them it asks IMDS, the VM flavour.
    ManagedIdentity {
        /// Client id of a user-assigned identity; `None` is the system one.
        client_id: Option<String>,
    },
    /// An engineer's `az login` or `azd auth login`.
    DeveloperTools,
}

impl VaultCredential {
    /// A short name for logs and errors, never a secret.
    pub fn kind(&self) -> &'static str {
        match self {
            VaultCredential::ClientSecret { .. } => "client secret",
            VaultCredential::ManagedIdentity { .. } => "managed identity",
            VaultCredential::DeveloperTools => "developer tools",
        }
    }
}

/// Extra settings of the vault's HTTP client, for DR test mode and tests: the
/// simulator's vault has a real-looking `*.vault.azure.net` name that must
/// resolve to loopback, and a certificate from a CA of its own.
#[derive(Clone, Default)]
pub struct VaultTransport {
    /// PEM of a CA to trust. When set, it is the only root the client trusts.
    pub extra_ca_pem: Option<String>,
    /// Host names to resolve to fixed addresses (the port of the URL wins).
    pub resolve: Vec<(String, SocketAddr)>,
}

impl fmt::Debug for VaultTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VaultTransport")
            .field("extra_ca", &self.extra_ca_pem.is_some())
            .field("resolve", &self.resolve)
            .finish()
    }
}

/// Looks an environment variable up by name.
type Lookup = dyn Fn(&str) -> Option<String> + Send + Sync;

/// A source of environment values: the process environment, or a stand-in.
#[derive(Clone)]
pub struct Environment(Arc<Lookup>);

impl Environment {
    /// The process environment.
    pub fn process() -> Self {
        Self::from_fn(|name| std::env::var(name).ok())
    }

    /// Values given by `lookup`.
    pub fn from_fn(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self(Arc::new(lookup))
    }

    /// Fixed values.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let pairs: Vec<(String, String)> = pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Self::from_fn(move |name| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        })
    }

    /// The value of `name`; an empty or blank value counts as unset.
    pub fn get(&self, name: &str) -> Option<String> {
        (self.0)(name).filter(|value| !value.trim().is_empty())
    }
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Environment(..)")
    }
}

impl SecretsOptions {
    /// Options from environment variables (see [`vars`]) given by `lookup`,
    /// which is also where environment values of the secrets come from.
    pub fn from_env(
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Result<Self, SecretError> {
        let environment = Environment::from_fn(lookup);
        let strict = flag(&environment, vars::VAULT_STRICT)?;
        let dotenv_path = environment
            .get(vars::DOTENV_PATH)
            .map_or_else(|| PathBuf::from(DEFAULT_DOTENV_PATH), PathBuf::from);
        let vault = match environment.get(vars::VAULT_URL) {
            None => None,
            Some(url) => Some(VaultOptions {
                url: VaultUrl::parse(&url)?,
                timeout: timeout(&environment)?,
                credential: credential(&environment)?,
                transport: VaultTransport::default(),
            }),
        };
        Ok(Self {
            vault,
            strict,
            dotenv_path: Some(dotenv_path),
            environment,
        })
    }

    /// Options from the process environment.
    pub fn from_process_env() -> Result<Self, SecretError> {
        Self::from_env(|name| std::env::var(name).ok())
    }

    /// DR test mode: the simulator's vault, reached with the real SDK through
    /// a client-secret credential and the simulator's authority, its CA
    /// trusted and its host names resolved to its listener (challenge
    /// verification stays on). The environment fallback holds the
    /// simulator's credentials; no `.env` is read.
    pub fn for_dr_test(dr: &DrTest) -> Result<Self, SecretError> {
        let credentials = &dr.credentials;
        let url = VaultUrl::parse(&dr.urls.vault)?;
        let addr = dr.urls.vault_addr;
        let resolve = [dr.urls.vault.as_str(), dr.urls.authority.as_str()]
            .into_iter()
            .filter_map(|url| Url::parse(url).ok()?.host_str().map(str::to_owned))
            .map(|host| (host, addr))
            .collect();
        let environment = Environment::from_pairs([
            (
                SecretName::NotionToken.env_name(),
                &credentials.notion_token,
            ),
            (
                SecretName::UnifiApiToken.env_name(),
                &credentials.unifi_api_key,
            ),
            (
                SecretName::NinjaoneClientId.env_name(),
                &credentials.ninjaone_client_id,
            ),
            (
                SecretName::NinjaoneClientSecret.env_name(),
                &credentials.ninjaone_client_secret,
            ),
        ]);
        Ok(Self {
            vault: Some(VaultOptions {
                url,
                timeout: DEFAULT_VAULT_TIMEOUT,
                credential: VaultCredential::ClientSecret {
                    tenant_id: credentials.azure_tenant_id.clone(),
                    client_id: credentials.azure_client_id.clone(),
                    client_secret: SecretString::from(credentials.azure_client_secret.clone()),
                    authority_host: Some(dr.urls.authority.clone()),
                },
                transport: VaultTransport {
                    extra_ca_pem: Some(dr.ca_pem.clone()),
                    resolve,
                },
            }),
            strict: false,
            dotenv_path: None,
            environment,
        })
    }
}

fn flag(environment: &Environment, variable: &'static str) -> Result<bool, SecretError> {
    let Some(value) = environment.get(variable) else {
        return Ok(false);
    };
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(SecretError::InvalidSetting {
            variable,
            reason: format!("`{value}` is not true or false"),
        }),
    }
}

fn timeout(environment: &Environment) -> Result<Duration, SecretError> {
    let Some(value) = environment.get(vars::VAULT_TIMEOUT) else {
        return Ok(DEFAULT_VAULT_TIMEOUT);
    };
    let invalid = || SecretError::InvalidSetting {
        variable: vars::VAULT_TIMEOUT,
        reason: format!("`{value}` is not a number of seconds between 0.1 and 600"),
    };
    let seconds: f64 = value.trim().parse().map_err(|_| invalid())?;
    if !(0.1..=600.0).contains(&seconds) {
        return Err(invalid());
    }
    Ok(Duration::from_secs_f64(seconds))
}

fn credential(environment: &Environment) -> Result<VaultCredential, SecretError> {
    let tenant = environment.get(vars::TENANT_ID);
    let client_id = environment.get(vars::CLIENT_ID);
    let secret = environment.get(vars::CLIENT_SECRET);
    if let (Some(tenant_id), Some(client_id), Some(secret)) = (tenant, client_id.clone(), secret) {
        return Ok(VaultCredential::ClientSecret {
            tenant_id,
            client_id,
            client_secret: SecretString::from(secret),
            authority_host: environment.get(vars::AUTHORITY_HOST),
        });
    }
    if environment.get(vars::IDENTITY_ENDPOINT).is_some()
        || flag(environment, vars::VAULT_USE_IMDS)?
    {
        return Ok(VaultCredential::ManagedIdentity { client_id });
    }
    Ok(VaultCredential::DeveloperTools)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(pairs: &[(&'static str, &'static str)]) -> Result<SecretsOptions, SecretError> {
        let pairs = pairs.to_vec();
        SecretsOptions::from_env(move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn vault_urls_must_be_https_and_end_with_a_slash() {
        let url = VaultUrl::parse("https://msp-kv.vault.azure.net").unwrap();
        assert_eq!(url.as_str(), "https://msp-kv.vault.azure.net/");
        let kept = VaultUrl::parse(" https://msp-kv.vault.azure.net/ ").unwrap();
        assert_eq!(kept.as_str(), "https://msp-kv.vault.azure.net/");

        for bad in [
            "http://msp-kv.vault.azure.net/",
            "msp-kv",
            "https://",
            "ftp://x/",
        ] {
            let err = VaultUrl::parse(bad).unwrap_err();
            assert!(matches!(err, SecretError::InvalidVaultUrl { .. }), "{bad}");
            assert!(err.to_string().contains("hint:"), "{err}");
        }
        let err = VaultUrl::parse("http://msp-kv.vault.azure.net/").unwrap_err();
        assert!(err.to_string().contains("https"), "{err}");
    }

    #[test]
    fn no_vault_url_means_no_vault_and_the_default_dotenv() {
        let options = options(&[("AZURE_KEY_VAULT_URL", "  ")]).unwrap();
        assert!(options.vault.is_none());
        assert!(!options.strict);
        assert_eq!(options.dotenv_path, Some(PathBuf::from("./.env")));
    }

    #[test]
    fn a_service_principal_comes_first() {
        let options = options(&[
            ("AZURE_KEY_VAULT_URL", "https://msp-kv.vault.azure.net"),
            ("AZURE_TENANT_ID", "tenant"),
            ("AZURE_CLIENT_ID", "client"),
            ("AZURE_CLIENT_SECRET", "sp-secret-value"),
            ("AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us"),
            ("IDENTITY_ENDPOINT", "http://127.0.0.1:1/msi/token"),
            ("AZURE_KEY_VAULT_TIMEOUT_SECS", "2.5"),
            ("AZURE_KEY_VAULT_STRICT", "true"),
            ("OBERACONNECT_DOTENV", "/etc/oberaconnect/env"),
        ])
        .unwrap();
        assert!(options.strict);
        assert_eq!(
            options.dotenv_path,
            Some(PathBuf::from("/etc/oberaconnect/env"))
        );
        let vault = options.vault.as_ref().unwrap();
        assert_eq!(vault.timeout, Duration::from_millis(2500));
        match &vault.credential {
            VaultCredential::ClientSecret {
                tenant_id,
                authority_host,
                ..
            } => {
                assert_eq!(tenant_id, "tenant");
                assert_eq!(
                    authority_host.as_deref(),
                    Some("https://login.microsoftonline.us")
                );
            }
            other => panic!("expected a client secret, got {other:?}"),
        }
        let debug = format!("{options:?}");
        assert!(!debug.contains("sp-secret-value"), "{debug}");
    }

    #[test]
    fn managed_identity_needs_its_endpoint_or_the_imds_opt_in() {
        let vault = |pairs: &[(&'static str, &'static str)]| {
            let mut all = vec![("AZURE_KEY_VAULT_URL", "https://msp-kv.vault.azure.net/")];
            all.extend_from_slice(pairs);
            options(&all).unwrap().vault.unwrap().credential
        };
        assert!(matches!(
            vault(&[("IDENTITY_ENDPOINT", "http://127.0.0.1:1/msi/token")]),
            VaultCredential::ManagedIdentity { client_id: None }
        ));
        assert!(matches!(
            vault(&[("AZURE_KEY_VAULT_USE_IMDS", "yes"), ("AZURE_CLIENT_ID", "uai")]),
            VaultCredential::ManagedIdentity { client_id: Some(id) } if id == "uai"
        ));
        // A partial service principal is not one, and IMDS is never a default.
        assert!(matches!(
            vault(&[("AZURE_TENANT_ID", "t"), ("AZURE_CLIENT_ID", "c")]),
            VaultCredential::DeveloperTools
        ));
    }

    #[test]
    fn bad_settings_name_their_variable() {
        let err = options(&[
            ("AZURE_KEY_VAULT_URL", "https://msp-kv.vault.azure.net/"),
            ("AZURE_KEY_VAULT_TIMEOUT_SECS", "soon"),
        ])
        .unwrap_err();
        assert!(
            err.to_string().contains("AZURE_KEY_VAULT_TIMEOUT_SECS"),
            "{err}"
        );
        let err = options(&[("AZURE_KEY_VAULT_STRICT", "maybe")]).unwrap_err();
        assert!(err.to_string().contains("AZURE_KEY_VAULT_STRICT"), "{err}");
    }
}
