//! The secret chain against the simulator's Key Vault over real HTTPS, with
//! the real SDK and challenge verification on: vault values, a secret the
//! vault lacks, an unreachable, black-holed, revoked or failing vault, the
//! strict setting, and rotation. Every test checks that no credential value
//! reaches a log line, an error or a `Debug` text.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mock_apis::config::Settings;
use mock_apis::{Credentials, RunningSim, SimConfig};
use oberaconnect::dr_test::DrTest;
use oberaconnect::secrets::{
    Environment, ExposeSecret, SecretError, SecretName, SecretRead, SecretSource, Secrets,
    SecretsOptions, VaultStatus, VaultUrl,
};
use serde_json::{Value, json};

/// The values the environment fallback holds in these tests, distinct from
/// the vault's.
const ENV_VALUES: [(&str, &str); 4] = [
    ("NOTION_TOKEN", "env-notion-token-value"),
    ("UNIFI_API_TOKEN", "env-unifi-token-value"),
    ("NINJAONE_CLIENT_ID", "env-ninjaone-id-value"),
    ("NINJAONE_CLIENT_SECRET", "env-ninjaone-secret-value"),
];

/// Log lines written while a test runs (every target, debug and up).
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    fn warnings(&self) -> Vec<String> {
        self.text()
            .lines()
            .filter(|line| line.contains(" WARN ") && line.contains("oberaconnect"))
            .map(str::to_owned)
            .collect()
    }
}

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures the logs of this thread (the tests run on one-thread runtimes,
/// so the simulator's and the SDK's tasks log here too).
fn capture_logs() -> (Logs, tracing::subscriber::DefaultGuard) {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("debug")
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    (logs, guard)
}

async fn start_sim() -> RunningSim {
    let config = SimConfig {
        settings: Settings::unlimited(),
        ..SimConfig::ephemeral()
    };
    mock_apis::start(config).await.expect("simulator starts")
}

fn dr_test(running: &RunningSim) -> DrTest {
    DrTest {
        urls: running.urls(),
        credentials: running.sim.credentials().expect("credentials"),
        ca_pem: running.ca_pem().to_owned(),
        in_process: None,
        site_map: Vec::new(),
        clock_offset: chrono::Duration::zero(),
    }
}

/// DR test options for `running`, with [`ENV_VALUES`] (or `env`) as the
/// environment fallback.
fn options(running: &RunningSim, env: &[(&'static str, &'static str)]) -> SecretsOptions {
    let mut options = SecretsOptions::for_dr_test(&dr_test(running)).expect("options");
    options.environment = Environment::from_pairs(env.iter().copied());
    options
}

fn with_timeout(mut options: SecretsOptions, timeout: Duration) -> SecretsOptions {
    if let Some(vault) = options.vault.as_mut() {
        vault.timeout = timeout;
    }
    options
}

fn vault_value(credentials: &Credentials, name: SecretName) -> &str {
    match name {
        SecretName::NotionToken => &credentials.notion_token,
        SecretName::UnifiApiToken => &credentials.unifi_api_key,
        SecretName::NinjaoneClientId => &credentials.ninjaone_client_id,
        SecretName::NinjaoneClientSecret => &credentials.ninjaone_client_secret,
    }
}

fn env_value(name: SecretName) -> &'static str {
    ENV_VALUES
        .iter()
        .find(|(key, _)| *key == name.env_name())
        .map(|(_, value)| *value)
        .expect("an env value for every secret")
}

/// Fails if any credential of the simulator or any environment value appears
/// in `texts`.
fn assert_no_values(credentials: &Credentials, texts: &[&str]) {
    let mut values: Vec<&str> = ENV_VALUES.iter().map(|(_, value)| *value).collect();
    values.extend([
        credentials.notion_token.as_str(),
        credentials.unifi_api_key.as_str(),
        credentials.ninjaone_client_id.as_str(),
        credentials.ninjaone_client_secret.as_str(),
        credentials.azure_client_secret.as_str(),
        credentials.identity_header.as_str(),
    ]);
    for text in texts {
        for value in &values {
            assert!(!value.is_empty());
            // The value itself is not printed: the message says which one.
            assert!(
                !text.contains(value),
                "a credential value ({} characters) leaked into the output",
                value.len()
            );
        }
    }
}

async fn set_fault(running: &RunningSim, kind: &str) {
    let response = reqwest::Client::new()
        .post(format!("{}/faults", running.urls().control))
        .json(&json!({ "api": "vault", "kind": kind }))
        .send()
        .await
        .expect("control answers");
    assert_eq!(response.status(), 200);
}

/// Removes `vault_name` from the simulator's vault (its API has no delete).
fn remove_from_vault(running: &RunningSim, vault_name: &str) {
    let mut store: Value = running
        .sim
        .vault
        .read(|store| serde_json::to_value(store).expect("store serialises"))
        .expect("vault state");
    let removed = store["secrets"]
        .as_object_mut()
        .expect("secrets by name")
        .remove(vault_name);
    assert!(removed.is_some(), "{vault_name} was in the vault");
    let store = serde_json::from_value(store).expect("store deserialises");
    running.sim.vault.replace(store).expect("vault replaced");
}

#[tokio::test]
async fn the_vault_gives_every_secret_with_source_vault() {
    let (logs, _guard) = capture_logs();
    let running = start_sim().await;
    let credentials = running.sim.credentials().unwrap();

    let options = options(&running, &ENV_VALUES);
    let options_debug = format!("{options:?}");
    let secrets = Secrets::load(options, &SecretName::ALL)
        .await
        .expect("secrets load");

    for name in SecretName::ALL {
        let value = secrets.get(name).await.unwrap();
        assert!(
            value.expose_secret() == vault_value(&credentials, name),
            "{name}"
        );
        assert_eq!(secrets.source(name), SecretSource::Vault, "{name}");
    }
    assert_eq!(secrets.vault_status(), VaultStatus::Healthy);
    let trail = secrets.audit_trail();
    assert_eq!(trail.len(), 4);
    assert!(trail.iter().all(|read| read.source == SecretSource::Vault));
    assert!(logs.warnings().is_empty(), "{:?}", logs.warnings());
    assert!(
        logs.text().contains("NOTION_TOKEN=vault"),
        "the sources are logged"
    );

    let elapsed = secrets.probe_vault().await.expect("the probe is answered");
    assert!(elapsed < Duration::from_secs(5));
    assert_eq!(secrets.vault_status(), VaultStatus::Healthy);

    let debug = format!("{secrets:?}");
    assert_no_values(&credentials, &[&logs.text(), &debug, &options_debug]);
    running.shutdown().await;
}

#[tokio::test]
async fn only_the_needed_secrets_are_read_and_others_on_first_use() {
    let (logs, _guard) = capture_logs();
    let running = start_sim().await;
    let credentials = running.sim.credentials().unwrap();

    let secrets = Secrets::load(options(&running, &[]), &[SecretName::UnifiApiToken])
        .await
        .unwrap();
    assert_eq!(
        secrets.source(SecretName::UnifiApiToken),
        SecretSource::Vault
    );
    assert_eq!(
        secrets.source(SecretName::NotionToken),
        SecretSource::Missing
    );

    let notion = secrets.get(SecretName::NotionToken).await.unwrap();
    assert!(notion.expose_secret() == credentials.notion_token);
    assert_eq!(secrets.source(SecretName::NotionToken), SecretSource::Vault);
    assert_no_values(&credentials, &[&logs.text()]);
    running.shutdown().await;
}

#[tokio::test]
async fn a_secret_the_vault_lacks_falls_back_alone() {
    let (logs, _guard) = capture_logs();
    let running = start_sim().await;
    let credentials = running.sim.credentials().unwrap();
    remove_from_vault(&running, "notion-token");

    let needed = [SecretName::NotionToken, SecretName::UnifiApiToken];
    let secrets = Secrets::load(options(&running, &ENV_VALUES), &needed)
        .await
        .unwrap();

    let notion = secrets.get(SecretName::NotionToken).await.unwrap();
    assert!(notion.expose_secret() == env_value(SecretName::NotionToken));
    assert_eq!(secrets.source(SecretName::NotionToken), SecretSource::Env);
    let unifi = secrets.get(SecretName::UnifiApiToken).await.unwrap();
    assert!(unifi.expose_secret() == credentials.unifi_api_key);
    assert_eq!(
        secrets.source(SecretName::UnifiApiToken),
        SecretSource::Vault
    );
    assert_eq!(secrets.vault_status(), VaultStatus::Healthy);
    assert!(logs.warnings().is_empty(), "{:?}", logs.warnings());
    let text = logs.text();
    assert!(
        text.lines().any(|l| l.contains(" INFO ")
            && l.contains("secret not in key vault")
            && l.contains("NOTION_TOKEN")),
        "an info line names the secret"
    );

    // Not in the vault and not in the environment: missing, with a hint.
    let err = Secrets::load(options(&running, &[]), &needed)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            SecretError::Missing {
                name: SecretName::NotionToken
            }
        ),
        "{err}"
    );

    let mut strict = options(&running, &ENV_VALUES);
    strict.strict = true;
    let err = Secrets::load(strict, &needed).await.unwrap_err();
    assert!(matches!(err, SecretError::VaultNotFound { .. }), "{err}");
    assert!(err.to_string().contains("`notion-token`"), "{err}");

    assert_no_values(&credentials, &[&logs.text(), &format!("{err} {err:?}")]);
    running.shutdown().await;
}

#[tokio::test]
async fn an_unreachable_vault_falls_back_fast_with_one_warning() {
    let (logs, _guard) = capture_logs();
    let running = start_sim().await;
    let credentials = running.sim.credentials().unwrap();
    set_fault(&running, "unreachable").await;

    let options = with_timeout(options(&running, &ENV_VALUES), Duration::from_secs(2));
    let started = Instant::now();
    let secrets = Secrets::load(options.clone(), &SecretName::ALL)
        .await
        .expect("the environment stands in");
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");

    for name in SecretName::ALL {
        let value = secrets.get(name).await.unwrap();
        assert!(value.expose_secret() == env_value(name), "{name}");
        assert_eq!(secrets.source(name), SecretSource::Env);
    }
    let status = secrets.vault_status();
    assert!(
        matches!(&status, VaultStatus::Degraded { reason } if reason.starts_with("unreachable")),
        "{status:?}"
    );
    let warnings = logs.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].contains("falling back to the environment"),
        "{}",
        warnings[0]
    );
    assert!(warnings[0].contains("NOTION_TOKEN"), "{}", warnings[0]);

    let probe = secrets.probe_vault().await.unwrap_err();
    assert!(
        matches!(probe, SecretError::VaultUnreachable { .. }),
        "{probe}"
    );

    let mut strict = options;
    strict.strict = true;
    let err = Secrets::load(strict, &SecretName::ALL).await.unwrap_err();
    assert!(matches!(err, SecretError::VaultUnreachable { .. }), "{err}");
    assert!(err.to_string().contains("hint:"), "{err}");

    let texts = [logs.text(), format!("{err} {err:?} {probe:?} {secrets:?}")];
    assert_no_values(&credentials, &[&texts[0], &texts[1]]);
    running.shutdown().await;
}

#[tokio::test]
async fn a_vault_that_never_answers_is_cut_off_by_the_timeout() {
    let (logs, _guard) = capture_logs();
    let running = start_sim().await;
    let credentials = running.sim.credentials().unwrap();
    // A listener that accepts connections (the kernel does) and never answers.
    let black_hole = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent = black_hole.local_addr().unwrap();
    let mut options = with_timeout(options(&running, &ENV_VALUES), Duration::from_secs(1));
    let vault = options.vault.as_mut().unwrap();
    // The URL's port wins over the resolved address's, so both move.
    let url = format!(
        "https://{}:{}/",
        mock_apis::vault::VAULT_HOST,
        silent.port()
    );
    vault.url = VaultUrl::parse(&url).unwrap();
    for (_, addr) in &mut vault.transport.resolve {
        *addr = silent;
    }

    let started = Instant::now();
    let secrets = Secrets::load(options, &[SecretName::NotionToken])
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(900), "took {elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
    assert_eq!(secrets.source(SecretName::NotionToken), SecretSource::Env);
    let status = secrets.vault_status();
    assert!(
        matches!(&status, VaultStatus::Degraded { reason } if reason.contains("no answer within")),
        "{status:?}"
    );
    assert_eq!(logs.warnings().len(), 1, "{:#?}", logs.warnings());
    assert_no_values(&credentials, &[&logs.text()]);
    drop(black_hole);
    running.shutdown().await;
}

#[tokio::test]
async fn an_outage_counts_as_unreachable() {
    let (logs, _guard) = capture_logs();
    let running = start_sim().await;
    let credentials = running.sim.credentials().unwrap();
    set_fault(&running, "outage").await;

    let options = with_timeout(options(&running, &ENV_VALUES), Duration::from_secs(8));
    let secrets = Secrets::load(
        options,
        &[SecretName::NotionToken, SecretName::UnifiApiToken],
    )
    .await
    .unwrap();
    assert_eq!(secrets.source(SecretName::NotionToken), SecretSource::Env);
    assert_eq!(secrets.source(SecretName::UnifiApiToken), SecretSource::Env);
    assert!(secrets.vault_status().is_degraded());
    assert_eq!(logs.warnings().len(), 1, "{:#?}", logs.warnings());
    assert_no_values(&credentials, &[&logs.text()]);
    running.shutdown().await;
}

#[tokio::test]
async fn a_revoked_credential_warns_with_the_code_and_uses_the_environment() {
    let (logs, _guard) = capture_logs();
    let running = start_sim().await;
    let credentials = running.sim.credentials().unwrap();
    set_fault(&running, "revoked").await;

    let needed = [SecretName::NotionToken];
    let secrets = Secrets::load(options(&running, &ENV_VALUES), &needed)
        .await
        .expect("the environment stands in");
    let notion = secrets.get(SecretName::NotionToken).await.unwrap();
    assert!(notion.expose_secret() == env_value(SecretName::NotionToken));
    assert_eq!(secrets.source(SecretName::NotionToken), SecretSource::Env);
    assert!(secrets.vault_status().is_degraded());
    let warnings = logs.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(warnings[0].contains("Forbidden"), "{}", warnings[0]);

    // Nothing to fall back to: the refusal is the error.
    let err = Secrets::load(options(&running, &[]), &needed)
        .await
        .unwrap_err();
    match &err {
        SecretError::VaultDenied { code, .. } => assert_eq!(code, "Forbidden"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("hint: set NOTION_TOKEN or grant the vault access policy"),
        "{text}"
    );

    let mut strict = options(&running, &ENV_VALUES);
    strict.strict = true;
    let strict_err = Secrets::load(strict, &needed).await.unwrap_err();
    assert!(
        matches!(strict_err, SecretError::VaultDenied { .. }),
        "{strict_err}"
    );

    assert_no_values(
        &credentials,
        &[&logs.text(), &format!("{err:?} {strict_err:?}")],
    );
    running.shutdown().await;
}

#[tokio::test]
async fn a_wrong_client_secret_is_an_entra_refusal() {
    let (logs, _guard) = capture_logs();
    let running = start_sim().await;
    let credentials = running.sim.credentials().unwrap();
    let mut options = options(&running, &[]);
    if let Some(vault) = options.vault.as_mut()
        && let oberaconnect::secrets::VaultCredential::ClientSecret { client_secret, .. } =
            &mut vault.credential
    {
        *client_secret = "not-the-client-secret".into();
    }

    let err = Secrets::load(options, &[SecretName::NotionToken])
        .await
        .unwrap_err();
    match &err {
        SecretError::VaultDenied { code, cause, .. } => {
            assert_eq!(code, "AADSTS7000215", "{cause}");
            assert!(cause.contains("Invalid client secret"), "{cause}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_no_values(&credentials, &[&logs.text(), &format!("{err} {err:?}")]);
    running.shutdown().await;
}

#[tokio::test]
async fn a_reread_after_rotation_returns_the_new_value() {
    let (logs, _guard) = capture_logs();
    let running = start_sim().await;
    let before = running.sim.credentials().unwrap();
    let secrets = Secrets::load(options(&running, &ENV_VALUES), &[SecretName::NotionToken])
        .await
        .unwrap();
    let first = secrets.get(SecretName::NotionToken).await.unwrap();
    assert!(first.expose_secret() == before.notion_token);

    let response = reqwest::Client::new()
        .post(format!("{}/credentials/rotate", running.urls().control))
        .json(&json!({ "api": "notion" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let after = running.sim.credentials().unwrap();
    assert_ne!(after.notion_token, before.notion_token);

    let cached = secrets.get(SecretName::NotionToken).await.unwrap();
    assert!(
        cached.expose_secret() == before.notion_token,
        "cached until re-read"
    );
    let fresh = secrets.reread(SecretName::NotionToken).await.unwrap();
    assert!(fresh.expose_secret() == after.notion_token);
    let shared = secrets.clone().get(SecretName::NotionToken).await.unwrap();
    assert!(
        shared.expose_secret() == after.notion_token,
        "clones share the cache"
    );
    assert_eq!(
        secrets.audit_trail(),
        [SecretRead {
            name: SecretName::NotionToken,
            source: SecretSource::Vault
        }; 2]
    );

    // Revoked after the load: the cached token now meets a 403, and the
    // re-read falls back to the environment.
    set_fault(&running, "revoked").await;
    let fallback = secrets.reread(SecretName::NotionToken).await.unwrap();
    assert!(fallback.expose_secret() == env_value(SecretName::NotionToken));
    assert_eq!(secrets.source(SecretName::NotionToken), SecretSource::Env);
    assert!(secrets.vault_status().is_degraded());

    assert_no_values(&before, &[&logs.text()]);
    assert_no_values(&after, &[&logs.text()]);
    running.shutdown().await;
}
