//! Rotation without restart: each API's credential is replaced in the simulator (and so in
//! its vault) while clients hold the old one; the next call gets a 401, reads the secret
//! again through the real chain, and succeeds, with no new process.

use mock_apis::config::Settings;
use mock_apis::{RunningSim, SimConfig};
use oberaconnect::dr_test::{DrTest, DrTestSettings};
use oberaconnect::ninjaone::NinjaoneClient;
use oberaconnect::notion::{NotionClient, NotionSettings};
use oberaconnect::secrets::{ExposeSecret, SecretName, SecretSource, Secrets, SecretsOptions};
use oberaconnect::unifi::UnifiClient;
use serde_json::json;

async fn sim() -> RunningSim {
    mock_apis::start(SimConfig {
        settings: Settings::unlimited(),
        ..SimConfig::ephemeral()
    })
    .await
    .expect("simulator starts")
}

async fn rotate(running: &RunningSim, api: &str) {
    let response = reqwest::Client::new()
        .post(format!("{}/credentials/rotate", running.urls().control))
        .json(&json!({ "api": api }))
        .send()
        .await
        .expect("control answers");
    assert!(response.status().is_success());
}

async fn secrets_from_vault(running: &RunningSim) -> Secrets {
    let settings = DrTestSettings {
        url: Some(format!("http://{}", running.http_addr())),
        state_dir: std::env::temp_dir(),
        fast: true,
        sites: None,
    };
    let dr = DrTest::start(&settings).await.expect("simulator found");
    let options = SecretsOptions::for_dr_test(&dr).expect("options");
    let secrets = Secrets::load(options, &SecretName::ALL)
        .await
        .expect("secrets");
    for name in SecretName::ALL {
        assert_eq!(secrets.source(name), SecretSource::Vault, "{name}");
    }
    secrets
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_credential_is_read_again_after_one_401() {
    let running = sim().await;
    let secrets = secrets_from_vault(&running).await;
    let notion = NotionClient::new(
        NotionSettings {
            base_url: running.urls().notion,
            requests_per_second: None,
            ..NotionSettings::default()
        },
        secrets.clone(),
    )
    .unwrap();
    let unifi =
        UnifiClient::new(UnifiClient::settings(running.urls().unifi), secrets.clone()).unwrap();
    let ninjaone = NinjaoneClient::new(
        NinjaoneClient::settings(running.urls().ninjaone),
        secrets.clone(),
    )
    .unwrap();
    notion.me().await.unwrap();
    unifi.probe().await.unwrap();
    ninjaone.probe().await.unwrap();

    for api in ["notion", "unifi", "ninjaone"] {
        rotate(&running, api).await;
    }
    notion
        .me()
        .await
        .expect("Notion: new token read from the vault");
    unifi
        .probe()
        .await
        .expect("UniFi: new key read from the vault");
    // NinjaOne's cached bearer token stays valid until it expires; expire it so the client
    // must ask for a new one with the rotated secret.
    reqwest::Client::new()
        .post(format!("{}/faults", running.urls().control))
        .json(&json!({ "api": "ninjaone", "kind": "expired_tokens" }))
        .send()
        .await
        .unwrap();
    ninjaone
        .probe()
        .await
        .expect("NinjaOne: new secret read from the vault");

    let fresh = running.sim.credentials().unwrap();
    let token = secrets.get(SecretName::NotionToken).await.unwrap();
    assert!(
        token.expose_secret() == fresh.notion_token,
        "the cache holds the new token"
    );
}
