//! The certificate authority of the HTTPS listener and the server certificate
//! it signs.
//!
//! The official Azure SDK refuses plain http, so the vault is served over TLS
//! with a leaf certificate for [`VAULT_HOST`], `*.vault.azure.net`,
//! [`AUTHORITY_HOST`], `localhost` and `127.0.0.1`, signed by a CA the
//! simulator creates. Clients trust that CA (`ca.pem`).
//!
//! With a state directory the CA and the leaf are kept there, so that every
//! process sharing the directory serves the same CA and an operator trusts it
//! once:
//!
//! | file             | content                                    |
//! |------------------|--------------------------------------------|
//! | `ca.pem`         | the CA certificate, for clients to trust   |
//! | `ca-key.pem`     | the CA private key (mode 0600)             |
//! | `vault-cert.pem` | the leaf certificate followed by the CA's  |
//! | `vault-key.pem`  | the leaf private key (mode 0600)           |
//!
//! Creation happens under an exclusive lock on `tls.lock` and every file is
//! written to a temporary name and renamed, so two processes starting at once
//! agree on one CA. Without a state directory a new CA is made at every start.
//!
//! Limitation: a leaf found on disk is served as it is. If the host names below
//! change, delete `vault-cert.pem` (the CA can stay) to get a leaf for them.
//!
//! This module owns certificates only; the accept loop lives in `listener.rs`.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use chrono::Datelike;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::{AUTHORITY_HOST, VAULT_HOST};

const CA_CERT: &str = "ca.pem";
const CA_KEY: &str = "ca-key.pem";
const LEAF_CERT: &str = "vault-cert.pem";
const LEAF_KEY: &str = "vault-key.pem";
const LOCK: &str = "tls.lock";

/// Common name of the simulator's CA. The leaf's issuer name is rebuilt from it
/// when a leaf is signed by a CA loaded from disk, so it must never change.
const CA_NAME: &str = "mock-apis simulator CA (not a real authority)";

/// Years a new certificate stays valid.
const VALID_YEARS: i32 = 20;

/// The CA and the server certificate of the HTTPS listener.
#[derive(Debug, Clone)]
pub struct Tls {
    /// PEM of the CA certificate, as clients must trust it.
    ca_pem: String,
    /// The rustls configuration serving the leaf certificate.
    server: Arc<ServerConfig>,
}

/// The PEM texts one start needs: the CA certificate, the leaf chain and the
/// leaf key.
struct Material {
    ca_pem: String,
    chain_pem: String,
    key_pem: String,
}

/// A CA able to sign a leaf.
struct Authority {
    cert_pem: String,
    key: KeyPair,
}

impl Tls {
    /// Loads the CA from `state_dir`, or creates one (and writes it there when
    /// given).
    pub fn load_or_create(state_dir: Option<&Path>) -> Result<Self, String> {
        let material = match state_dir {
            None => in_memory()?,
            Some(dir) => in_dir(dir)?,
        };
        let server = server_config(&material)?;
        Ok(Self {
            ca_pem: material.ca_pem,
            server,
        })
    }

    /// PEM of the CA certificate clients must trust.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The rustls configuration of the listener.
    pub(crate) fn server_config(&self) -> Arc<ServerConfig> {
        self.server.clone()
    }
}

fn in_memory() -> Result<Material, String> {
    let authority = new_authority()?;
    let (chain_pem, key_pem) = new_leaf(&authority)?;
    Ok(Material {
        ca_pem: authority.cert_pem,
        chain_pem,
        key_pem,
    })
}

/// Reads the state directory's CA and leaf, creating what is missing under the
/// lock.
fn in_dir(dir: &Path) -> Result<Material, String> {
    fs::create_dir_all(dir).map_err(|err| io_message(dir, &err))?;
    let _lock = lock(&dir.join(LOCK))?;

    let authority = match (
        read_optional(&dir.join(CA_CERT))?,
        read_optional(&dir.join(CA_KEY))?,
    ) {
        (Some(cert_pem), Some(key_pem)) => Authority {
            key: KeyPair::from_pem(&key_pem)
                .map_err(|err| format!("{}: {err}", dir.join(CA_KEY).display()))?,
            cert_pem,
        },
        (None, _) => {
            let authority = new_authority()?;
            // The key first: a `ca.pem` on disk always has its key next to it.
            write_atomically(&dir.join(CA_KEY), &authority.key.serialize_pem(), true)?;
            write_atomically(&dir.join(CA_CERT), &authority.cert_pem, false)?;
            authority
        }
        (Some(_), None) => {
            return Err(format!(
                "{} exists without {CA_KEY}; remove it to let the simulator create a new CA",
                dir.join(CA_CERT).display()
            ));
        }
    };

    let leaf = (
        read_optional(&dir.join(LEAF_CERT))?,
        read_optional(&dir.join(LEAF_KEY))?,
    );
    let (chain_pem, key_pem) = match leaf {
        (Some(chain_pem), Some(key_pem)) => (chain_pem, key_pem),
        _ => {
            let (chain_pem, key_pem) = new_leaf(&authority)?;
            write_atomically(&dir.join(LEAF_KEY), &key_pem, true)?;
            write_atomically(&dir.join(LEAF_CERT), &chain_pem, false)?;
            (chain_pem, key_pem)
        }
    };
    Ok(Material {
        ca_pem: authority.cert_pem,
        chain_pem,
        key_pem,
    })
}

fn ca_params() -> Result<CertificateParams, String> {
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(tls_message)?;
    params.distinguished_name.push(DnType::CommonName, CA_NAME);
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    set_validity(&mut params);
    Ok(params)
}

fn new_authority() -> Result<Authority, String> {
    let key = KeyPair::generate().map_err(tls_message)?;
    let cert = ca_params()?.self_signed(&key).map_err(tls_message)?;
    Ok(Authority {
        cert_pem: cert.pem(),
        key,
    })
}

/// A leaf for the vault and authority hosts signed by `authority`: its chain
/// and key, as PEM.
fn new_leaf(authority: &Authority) -> Result<(String, String), String> {
    let names = [
        VAULT_HOST,
        "*.vault.azure.net",
        AUTHORITY_HOST,
        "localhost",
        "127.0.0.1",
    ]
    .map(String::from);
    let mut params = CertificateParams::new(names.to_vec()).map_err(tls_message)?;
    params
        .distinguished_name
        .push(DnType::CommonName, VAULT_HOST);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    set_validity(&mut params);

    // The issuer is rebuilt from the fixed CA parameters and the CA's key: the
    // name and key identifier it puts in the leaf are those of the CA
    // certificate on disk.
    let issuer = Issuer::new(ca_params()?, &authority.key);
    let key = KeyPair::generate().map_err(tls_message)?;
    let cert = params.signed_by(&key, &issuer).map_err(tls_message)?;
    let chain = format!("{}{}", cert.pem(), authority.cert_pem);
    Ok((chain, key.serialize_pem()))
}

fn set_validity(params: &mut CertificateParams) {
    let year = chrono::Utc::now().year();
    params.not_before = rcgen::date_time_ymd(year - 1, 1, 1);
    params.not_after = rcgen::date_time_ymd(year + VALID_YEARS, 1, 1);
}

fn server_config(material: &Material) -> Result<Arc<ServerConfig>, String> {
    let chain = CertificateDer::pem_slice_iter(material.chain_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| format!("server certificate: {err}"))?;
    let key = PrivateKeyDer::from_pem_slice(material.key_pem.as_bytes())
        .map_err(|err| format!("server key: {err}"))?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_message)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(tls_message)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

fn lock(path: &Path) -> Result<File, String> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|err| io_message(path, &err))?;
    file.lock().map_err(|err| io_message(path, &err))?;
    Ok(file)
}

fn read_optional(path: &Path) -> Result<Option<String>, String> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(io_message(path, &err)),
    }
}

fn write_atomically(path: &Path, text: &str, private: bool) -> Result<(), String> {
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options
        .open(&temporary)
        .map_err(|err| io_message(&temporary, &err))?;
    file.write_all(text.as_bytes())
        .map_err(|err| io_message(&temporary, &err))?;
    drop(file);
    fs::rename(&temporary, path).map_err(|err| io_message(path, &err))
}

fn io_message(path: &Path, err: &io::Error) -> String {
    format!("{}: {err}", path.display())
}

fn tls_message(err: impl std::fmt::Display) -> String {
    err.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_dir_keeps_one_ca_and_a_lost_leaf_is_signed_again_by_it() {
        let dir = tempfile::tempdir().unwrap();
        let first = Tls::load_or_create(Some(dir.path())).unwrap();
        let on_disk = fs::read_to_string(dir.path().join(CA_CERT)).unwrap();
        assert_eq!(first.ca_pem(), on_disk);

        fs::remove_file(dir.path().join(LEAF_CERT)).unwrap();
        let second = Tls::load_or_create(Some(dir.path())).unwrap();
        assert_eq!(second.ca_pem(), first.ca_pem());
        let chain = fs::read_to_string(dir.path().join(LEAF_CERT)).unwrap();
        assert_leaf_verifies(&chain, first.ca_pem(), VAULT_HOST);
        assert_leaf_verifies(&chain, first.ca_pem(), "127.0.0.1");
    }

    /// Checks the chain's leaf as a client trusting only `ca_pem` would.
    fn assert_leaf_verifies(chain_pem: &str, ca_pem: &str, host: &str) {
        use rustls::client::WebPkiServerVerifier;
        use rustls::client::danger::ServerCertVerifier;
        use rustls::pki_types::{ServerName, UnixTime};

        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(CertificateDer::from_pem_slice(ca_pem.as_bytes()).unwrap())
            .unwrap();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .unwrap();
        let chain: Vec<CertificateDer<'_>> = CertificateDer::pem_slice_iter(chain_pem.as_bytes())
            .collect::<Result<_, _>>()
            .unwrap();
        let name = ServerName::try_from(host.to_owned()).unwrap();
        verifier
            .verify_server_cert(&chain[0], &chain[1..], &name, &[], UnixTime::now())
            .unwrap();
    }

    #[test]
    fn two_starts_at_once_agree_on_one_ca() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_path_buf();
        let starts: Vec<_> = (0..2)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || Tls::load_or_create(Some(&path)).unwrap())
            })
            .collect();
        let cas: Vec<String> = starts
            .into_iter()
            .map(|start| start.join().unwrap().ca_pem().to_owned())
            .collect();
        assert_eq!(cas[0], cas[1]);
        assert_eq!(cas[0], fs::read_to_string(path.join(CA_CERT)).unwrap());
    }

    #[test]
    fn a_ca_without_its_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        Tls::load_or_create(Some(dir.path())).unwrap();
        fs::remove_file(dir.path().join(CA_KEY)).unwrap();
        let err = Tls::load_or_create(Some(dir.path())).unwrap_err();
        assert!(err.contains("ca-key.pem"), "{err}");
    }

    #[test]
    fn memory_mode_makes_a_new_ca_each_time() {
        let a = Tls::load_or_create(None).unwrap();
        let b = Tls::load_or_create(None).unwrap();
        assert!(a.ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));
        assert_ne!(a.ca_pem(), b.ca_pem());
    }
}
