//! The simulated Key Vault and identity endpoints, over real HTTPS: the
//! challenge → token → secret flow, versions, errors, faults on the listener,
//! the CA kept in a state directory, and rotation reaching the vault.

mod common;

use std::time::{Duration, Instant};

use mock_apis::config::Settings;
use mock_apis::vault::{AUTHORITY_HOST, VAULT_HOST};
use mock_apis::{RunningSim, SimConfig};
use serde_json::{Value, json};

use common::{client, control_get, control_post, start_sim, start_sim_with};

const API_VERSION: &str = "api-version=2025-07-01";
const VAULT_SCOPE: &str = "https://vault.azure.net/.default";

/// A client that trusts only the simulator's CA and resolves both hosts to its
/// listener.
fn vault_client(running: &RunningSim) -> reqwest::Client {
    vault_client_trusting(running, running.ca_pem())
}

fn vault_client_trusting(running: &RunningSim, ca_pem: &str) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("CA parses");
    let addr = running.urls().vault_addr;
    reqwest::Client::builder()
        .tls_certs_only([ca])
        .resolve(VAULT_HOST, addr)
        .resolve(AUTHORITY_HOST, addr)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .build()
        .expect("client builds")
}

fn secret_url(running: &RunningSim, path: &str) -> String {
    format!("{}secrets/{path}?{API_VERSION}", running.urls().vault)
}

fn token_url(running: &RunningSim, tenant: &str) -> String {
    format!("{}{tenant}/oauth2/v2.0/token", running.urls().authority)
}

/// POSTs a client-credentials form and returns the status and JSON.
async fn request_token(
    running: &RunningSim,
    https: &reqwest::Client,
    tenant: &str,
    secret: &str,
) -> (u16, Value) {
    let credentials = running.sim.credentials().unwrap();
    let form = [
        ("client_id", credentials.azure_client_id.as_str()),
        ("client_secret", secret),
        ("grant_type", "client_credentials"),
        ("scope", VAULT_SCOPE),
    ];
    let response = https
        .post(token_url(running, tenant))
        .form(&form)
        .send()
        .await
        .expect("token endpoint answers");
    let status = response.status().as_u16();
    (status, response.json().await.expect("json"))
}

/// A token for the vault from the client-credentials endpoint.
async fn vault_token(running: &RunningSim, https: &reqwest::Client) -> String {
    let credentials = running.sim.credentials().unwrap();
    let (status, body) = request_token(
        running,
        https,
        &credentials.azure_tenant_id,
        &credentials.azure_client_secret,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

/// GETs a vault path with a token and returns the status and JSON.
async fn get_secret(https: &reqwest::Client, url: &str, token: &str) -> (u16, Value) {
    let response = https
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("vault answers");
    let status = response.status().as_u16();
    (status, response.json().await.expect("json"))
}

async fn put_secret(https: &reqwest::Client, url: &str, token: &str, body: Value) -> Value {
    let response = https
        .put(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("vault answers");
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

/// The version at the end of a secret identifier.
fn version_of(bundle: &Value) -> String {
    let id = bundle["id"].as_str().expect("id");
    id.rsplit('/').next().expect("version").to_owned()
}

async fn clear_faults(running: &RunningSim) {
    let url = format!("{}/faults", running.urls().control);
    let response = client().delete(url).send().await.expect("control answers");
    assert_eq!(response.status(), 200);
}

fn unlimited_in(dir: &std::path::Path) -> SimConfig {
    SimConfig {
        settings: Settings::unlimited(),
        state_dir: Some(dir.to_path_buf()),
        ..SimConfig::ephemeral()
    }
}

#[tokio::test]
async fn a_request_without_token_is_challenged_then_the_token_reads_the_secret() {
    let running = start_sim().await;
    let https = vault_client(&running);
    let credentials = running.sim.credentials().unwrap();
    let url = secret_url(&running, "notion-token/");

    let response = https.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 401);
    let challenge = response.headers()["www-authenticate"].to_str().unwrap();
    assert_eq!(
        challenge,
        format!(
            "Bearer authorization=\"https://login.microsoftonline.com/{}\", \
             resource=\"https://vault.azure.net\"",
            credentials.azure_tenant_id
        )
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "Unauthorized");
    assert_eq!(
        body["error"]["message"],
        "AKV10000: Request is missing a Bearer or PoP token."
    );

    let (status, token) = request_token(
        &running,
        &https,
        &credentials.azure_tenant_id,
        &credentials.azure_client_secret,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 3599);
    assert_eq!(token["ext_expires_in"], 3599);
    let token = token["access_token"].as_str().unwrap();

    let (status, secret) = get_secret(&https, &url, token).await;
    assert_eq!(status, 200, "{secret}");
    assert_eq!(secret["value"], credentials.notion_token.as_str());
    let prefix = format!("{}secrets/notion-token/", running.urls().vault);
    let id = secret["id"].as_str().unwrap();
    let version = id.strip_prefix(&prefix).expect("id under the vault URL");
    assert_eq!(version.len(), 32);
    assert!(version.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(secret["attributes"]["enabled"], true);
    assert!(secret["attributes"]["created"].as_i64().unwrap() > 1_700_000_000);
    assert_eq!(
        secret["attributes"]["recoveryLevel"],
        "Recoverable+Purgeable"
    );

    // Names are case-insensitive; the latest version answers without the
    // trailing slash too.
    let (status, again) = get_secret(&https, &secret_url(&running, "NOTION-TOKEN"), token).await;
    assert_eq!(status, 200);
    assert_eq!(again["value"], secret["value"]);
    running.shutdown().await;
}

#[tokio::test]
async fn bad_or_expired_tokens_are_challenged_again() {
    let running = start_sim().await;
    let https = vault_client(&running);
    let url = secret_url(&running, "unifi-api-token/");

    let response = https.get(&url).bearer_auth("forged").send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert!(response.headers().contains_key("www-authenticate"));

    let token = vault_token(&running, &https).await;
    assert_eq!(get_secret(&https, &url, &token).await.0, 200);
    let (status, _) = control_post(&running, "/tick", json!({ "duration": "2h" })).await;
    assert_eq!(status, 200);
    let response = https.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert!(response.headers().contains_key("www-authenticate"));
    let body: Value = response.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("expired")
    );

    let fresh = vault_token(&running, &https).await;
    assert_eq!(get_secret(&https, &url, &fresh).await.0, 200);
    running.shutdown().await;
}

#[tokio::test]
async fn an_unknown_secret_is_404_and_a_request_without_api_version_is_400() {
    let running = start_sim().await;
    let https = vault_client(&running);
    let token = vault_token(&running, &https).await;

    let (status, body) = get_secret(&https, &secret_url(&running, "no-such-secret/"), &token).await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "SecretNotFound");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message
            .starts_with("A secret with (name/id) no-such-secret was not found in this key vault."),
        "{message}"
    );

    let unversioned = format!("{}secrets/notion-token/", running.urls().vault);
    let (status, body) = get_secret(&https, &unversioned, &token).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "BadParameter");
    running.shutdown().await;
}

#[tokio::test]
async fn a_put_adds_a_version_that_becomes_the_latest() {
    let running = start_sim().await;
    let https = vault_client(&running);
    let token = vault_token(&running, &https).await;
    let url = secret_url(&running, "Drill-Secret");

    // The SDK's first request carries neither token nor body.
    let probe = https.put(&url).send().await.unwrap();
    assert_eq!(probe.status(), 401);

    let first = put_secret(&https, &url, &token, json!({ "value": "first" })).await;
    let second = put_secret(
        &https,
        &url,
        &token,
        json!({ "value": "second", "contentType": "text/plain", "tags": { "drill": "yes" } }),
    )
    .await;
    assert_eq!(second["value"], "second");
    assert_eq!(second["contentType"], "text/plain");
    assert_ne!(version_of(&first), version_of(&second));

    let (status, latest) = get_secret(&https, &secret_url(&running, "drill-secret/"), &token).await;
    assert_eq!(status, 200);
    assert_eq!(latest["value"], "second");
    assert_eq!(latest["id"], second["id"]);
    assert_eq!(latest["tags"]["drill"], "yes");

    let old_url = secret_url(&running, &format!("drill-secret/{}", version_of(&first)));
    let (status, old) = get_secret(&https, &old_url, &token).await;
    assert_eq!(status, 200);
    assert_eq!(old["value"], "first");

    let stats = control_get(&running, "/stats").await;
    assert_eq!(stats["apis"]["vault"]["writes"], 2);
    running.shutdown().await;
}

#[tokio::test]
async fn the_list_pages_through_every_secret_without_values() {
    let running = start_sim().await;
    let https = vault_client(&running);
    let token = vault_token(&running, &https).await;

    let url = format!("{}secrets?{API_VERSION}&maxresults=3", running.urls().vault);
    let (status, page) = get_secret(&https, &url, &token).await;
    assert_eq!(status, 200);
    let mut names: Vec<String> = Vec::new();
    let items = page["value"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert!(items.iter().all(|item| item.get("value").is_none()));
    names.extend(items.iter().map(|i| i["id"].as_str().unwrap().to_owned()));

    let next = page["nextLink"].as_str().expect("a second page");
    let (status, page) = get_secret(&https, next, &token).await;
    assert_eq!(status, 200);
    let items = page["value"].as_array().unwrap();
    names.extend(items.iter().map(|i| i["id"].as_str().unwrap().to_owned()));
    assert!(page["nextLink"].is_null());

    let base = format!("{}secrets/", running.urls().vault);
    let names: Vec<&str> = names.iter().filter_map(|n| n.strip_prefix(&base)).collect();
    assert_eq!(
        names,
        [
            "ninjaone-client-id",
            "ninjaone-client-secret",
            "notion-token",
            "unifi-api-token"
        ]
    );
    running.shutdown().await;
}

#[tokio::test]
async fn the_token_endpoint_refuses_a_wrong_secret_and_an_unknown_tenant() {
    let running = start_sim().await;
    let https = vault_client(&running);
    let credentials = running.sim.credentials().unwrap();

    let (status, body) =
        request_token(&running, &https, &credentials.azure_tenant_id, "wrong").await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "invalid_client");
    assert_eq!(body["error_codes"], json!([7_000_215]));
    let description = body["error_description"].as_str().unwrap();
    assert!(description.starts_with("AADSTS7000215: Invalid client secret provided."));
    assert!(body.get("access_token").is_none());

    let unknown = "00000000-0000-0000-0000-000000000000";
    let (status, body) =
        request_token(&running, &https, unknown, &credentials.azure_client_secret).await;
    assert_eq!(status, 400);
    assert_eq!(body["error_codes"], json!([90_002]));
    running.shutdown().await;
}

#[tokio::test]
async fn managed_identity_issues_a_vault_token_only_with_the_identity_header() {
    let running = start_sim().await;
    let https = vault_client(&running);
    let credentials = running.sim.credentials().unwrap();
    let url = format!(
        "{}?api-version=2019-08-01&resource=https://vault.azure.net",
        running.urls().identity_endpoint
    );

    let response = https
        .get(&url)
        .header("X-IDENTITY-HEADER", &credentials.identity_header)
        .header("Metadata", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["resource"], "https://vault.azure.net");
    let expires_on: i64 = body["expires_on"]
        .as_str()
        .expect("a string")
        .parse()
        .unwrap();
    assert!(expires_on > chrono::Utc::now().timestamp());
    let token = body["access_token"].as_str().unwrap();
    let (status, secret) =
        get_secret(&https, &secret_url(&running, "ninjaone-client-id/"), token).await;
    assert_eq!(status, 200);
    assert_eq!(secret["value"], credentials.ninjaone_client_id.as_str());

    for header in [None, Some("not-the-header")] {
        let mut request = https.get(&url);
        if let Some(value) = header {
            request = request.header("X-IDENTITY-HEADER", value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401);
        let body: Value = response.json().await.unwrap();
        assert!(body.get("access_token").is_none());
    }
    running.shutdown().await;
}

#[tokio::test]
async fn a_client_that_does_not_trust_the_ca_cannot_connect() {
    let running = start_sim().await;
    let addr = running.urls().vault_addr;
    let untrusting = reqwest::Client::builder()
        .resolve(VAULT_HOST, addr)
        .build()
        .unwrap();

    let err = untrusting
        .get(secret_url(&running, "notion-token/"))
        .send()
        .await
        .expect_err("the certificate is not trusted");
    let chain = format!("{err:?}");
    assert!(chain.contains("UnknownIssuer"), "{chain}");
    running.shutdown().await;
}

#[tokio::test]
async fn the_unreachable_fault_fails_connections_fast_until_cleared() {
    let running = start_sim().await;
    let https = vault_client(&running);
    let token = vault_token(&running, &https).await;
    let url = secret_url(&running, "notion-token/");
    assert_eq!(get_secret(&https, &url, &token).await.0, 200);

    let fault = json!({ "api": "vault", "kind": "unreachable" });
    let (status, _) = control_post(&running, "/faults", fault).await;
    assert_eq!(status, 200);

    // The kept-alive connection of `https` and a new client's connection both
    // fail.
    for client in [https.clone(), vault_client(&running)] {
        let started = Instant::now();
        let err = client
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .expect_err("the vault is unreachable");
        assert!(started.elapsed() < Duration::from_secs(2), "{err:?}");
        assert!(err.status().is_none());
    }

    clear_faults(&running).await;
    assert_eq!(get_secret(&https, &url, &token).await.0, 200);
    running.shutdown().await;
}

#[tokio::test]
async fn the_revoked_fault_forbids_the_vault_and_refuses_the_client_secret() {
    let running = start_sim().await;
    let https = vault_client(&running);
    let credentials = running.sim.credentials().unwrap();
    let token = vault_token(&running, &https).await;

    let fault = json!({ "api": "vault", "kind": "revoked" });
    let (status, _) = control_post(&running, "/faults", fault).await;
    assert_eq!(status, 200);

    let (status, body) = get_secret(&https, &secret_url(&running, "notion-token/"), &token).await;
    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], "Forbidden");

    let (status, body) = request_token(
        &running,
        &https,
        &credentials.azure_tenant_id,
        &credentials.azure_client_secret,
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "invalid_client");
    running.shutdown().await;
}

#[tokio::test]
async fn a_state_dir_keeps_one_ca_and_its_processes_accept_each_others_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let first = start_sim_with(unlimited_in(dir.path())).await;
    let ca_on_disk = std::fs::read_to_string(dir.path().join("ca.pem")).expect("ca.pem written");
    assert_eq!(ca_on_disk, first.ca_pem());

    let second = start_sim_with(unlimited_in(dir.path())).await;
    assert_eq!(second.ca_pem(), first.ca_pem());

    let token = vault_token(&first, &vault_client(&first)).await;
    let to_second = vault_client_trusting(&second, &ca_on_disk);
    let (status, secret) =
        get_secret(&to_second, &secret_url(&second, "notion-token/"), &token).await;
    assert_eq!(status, 200);
    assert_eq!(
        secret["value"],
        first.sim.credentials().unwrap().notion_token.as_str()
    );
    first.shutdown().await;
    second.shutdown().await;
}

#[tokio::test]
async fn a_rotated_credential_becomes_the_latest_version_of_its_secret() {
    let running = start_sim().await;
    let https = vault_client(&running);
    let token = vault_token(&running, &https).await;
    let url = secret_url(&running, "notion-token/");
    let (_, before) = get_secret(&https, &url, &token).await;

    let (status, _) =
        control_post(&running, "/credentials/rotate", json!({ "api": "notion" })).await;
    assert_eq!(status, 200);

    let rotated = running.sim.credentials().unwrap().notion_token;
    let (status, after) = get_secret(&https, &url, &token).await;
    assert_eq!(status, 200);
    assert_eq!(after["value"], rotated.as_str());
    assert_ne!(after["value"], before["value"]);
    assert_ne!(version_of(&after), version_of(&before));

    let (_, unchanged) =
        get_secret(&https, &secret_url(&running, "unifi-api-token/"), &token).await;
    assert_eq!(
        unchanged["value"],
        running.sim.credentials().unwrap().unifi_api_key.as_str()
    );
    running.shutdown().await;
}
