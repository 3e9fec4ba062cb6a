//! The secret chain without a vault: the process environment (a stand-in
//! here) before `.env`, a `.env` edited between reads, and the warning for a
//! `.env` that group or others can read.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use oberaconnect::secrets::{
    ExposeSecret, SecretError, SecretName, SecretSource, Secrets, SecretsOptions, VaultStatus,
};

const VALUES: [&str; 3] = ["ntn_env_value", "ntn_file_value", "unifi_file_value"];

#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    fn warnings(&self) -> Vec<String> {
        let text = self.text();
        text.lines()
            .filter(|line| line.contains(" WARN "))
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

fn capture_logs() -> (Logs, tracing::subscriber::DefaultGuard) {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("debug")
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (logs, tracing::subscriber::set_default(subscriber))
}

fn assert_no_values(texts: &[&str]) {
    for text in texts {
        for value in VALUES {
            assert!(!text.contains(value), "a value leaked into the output");
        }
    }
}

/// Options from variables (as `from_env` reads them), `.env` at `path`.
fn options(path: &Path, pairs: &[(&'static str, &'static str)]) -> SecretsOptions {
    let dotenv = path.to_string_lossy().into_owned();
    let mut pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    pairs.push(("OBERACONNECT_DOTENV".to_owned(), dotenv));
    let options = SecretsOptions::from_env(move |name| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    })
    .expect("options");
    assert!(options.vault.is_none());
    options
}

fn write_dotenv(path: &Path, text: &str, mode: u32) {
    std::fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

#[tokio::test]
async fn the_environment_wins_over_dotenv_and_a_reread_sees_an_edited_file() {
    let (logs, _guard) = capture_logs();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    write_dotenv(
        &path,
        "NOTION_TOKEN=ntn_file_value\nUNIFI_API_TOKEN=unifi_file_value\n",
        0o600,
    );

    let options = options(&path, &[("NOTION_TOKEN", "ntn_env_value")]);
    let needed = [SecretName::NotionToken, SecretName::UnifiApiToken];
    let secrets = Secrets::load(options, &needed).await.unwrap();

    let notion = secrets.get(SecretName::NotionToken).await.unwrap();
    assert_eq!(notion.expose_secret(), "ntn_env_value");
    assert_eq!(secrets.source(SecretName::NotionToken), SecretSource::Env);
    let unifi = secrets.get(SecretName::UnifiApiToken).await.unwrap();
    assert_eq!(unifi.expose_secret(), "unifi_file_value");
    assert_eq!(
        secrets.source(SecretName::UnifiApiToken),
        SecretSource::DotEnv
    );
    assert_eq!(secrets.vault_status(), VaultStatus::NotConfigured);
    assert!(logs.warnings().is_empty(), "{:?}", logs.warnings());

    // The file is edited (a rotated key): a re-read picks it up.
    write_dotenv(&path, "UNIFI_API_TOKEN=unifi_rotated\n", 0o600);
    let rotated = secrets.reread(SecretName::UnifiApiToken).await.unwrap();
    assert_eq!(rotated.expose_secret(), "unifi_rotated");

    // Removed from the file: the re-read fails and names the variable.
    write_dotenv(&path, "# emptied\n", 0o600);
    let err = secrets.reread(SecretName::UnifiApiToken).await.unwrap_err();
    assert!(matches!(err, SecretError::Missing { .. }), "{err}");
    assert!(err.to_string().contains("UNIFI_API_TOKEN"), "{err}");
    assert_eq!(
        secrets.source(SecretName::UnifiApiToken),
        SecretSource::Missing
    );

    assert_no_values(&[&logs.text(), &format!("{secrets:?} {err:?}")]);
}

#[cfg(unix)]
#[tokio::test]
async fn a_dotenv_others_can_read_is_one_warning_or_an_error_when_strict() {
    let (logs, _guard) = capture_logs();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    write_dotenv(&path, "NOTION_TOKEN=ntn_file_value\n", 0o644);

    let secrets = Secrets::load(options(&path, &[]), &[SecretName::NotionToken])
        .await
        .expect("a warning, not an error");
    assert_eq!(
        secrets.source(SecretName::NotionToken),
        SecretSource::DotEnv
    );
    let warnings = logs.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(warnings[0].contains("mode 0644"), "{}", warnings[0]);
    assert!(warnings[0].contains("chmod 600"), "{}", warnings[0]);

    // A re-read does not repeat the warning.
    secrets.reread(SecretName::NotionToken).await.unwrap();
    assert_eq!(logs.warnings().len(), 1);

    let strict = options(&path, &[("AZURE_KEY_VAULT_STRICT", "true")]);
    let err = Secrets::load(strict, &[SecretName::NotionToken])
        .await
        .unwrap_err();
    assert!(
        matches!(err, SecretError::DotEnvPermissions { mode: 0o644, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("hint: run `chmod 600"), "{err}");

    assert_no_values(&[&logs.text(), &format!("{err} {err:?}")]);
}
