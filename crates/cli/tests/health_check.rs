//! `health-check` end to end: the real binary against the simulator, in DR test mode, with
//! each runbook failure injected, checking what an operator sees (the table, the JSON, the
//! exit code) and that no credential ever appears in its output.

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use mock_apis::config::Settings;
use mock_apis::{RunningSim, SimConfig};
use serde_json::{Value, json};

const COMPONENTS: [&str; 6] = [
    "disk_space",
    "key_vault",
    "ninjaone_api",
    "notion_api",
    "state_store",
    "unifi_api",
];

async fn sim() -> RunningSim {
    mock_apis::start(SimConfig {
        settings: Settings::unlimited(),
        ..SimConfig::ephemeral()
    })
    .await
    .expect("simulator starts")
}

async fn fault(running: &RunningSim, spec: Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/faults", running.urls().control))
        .json(&spec)
        .send()
        .await
        .expect("control answers");
    assert!(
        response.status().is_success(),
        "fault {spec}: {}",
        response.status()
    );
}

/// A config.json with short retry and vault bounds, so failures show within seconds, and no
/// free-space floor, so that the machine's disk does not decide the results.
fn write_config(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("config.json");
    let config = json!({
        "settings": {
            "health": { "min_free_disk_percent": 0 },
            "retry": { "max_attempts": 2, "max_elapsed_secs": 5 },
            "key_vault": { "timeout_secs": 2 }
        }
    });
    std::fs::write(&path, config.to_string()).unwrap();
    path
}

/// Runs `health-check` in DR test mode against `running` with `args`.
fn run_against(running: &RunningSim, dir: &Path, args: &[&str]) -> Output {
    let url = format!("http://{}", running.http_addr());
    Command::cargo_bin("health-check")
        .unwrap()
        .current_dir(dir)
        .env("DR_TEST_MODE", "true")
        .env("DR_TEST_URL", url)
        .env("DR_TEST_STATE_DIR", dir.join("dr-state"))
        .env_remove("RUST_LOG")
        .arg("--config")
        .arg(write_config(dir))
        .args(args)
        .output()
        .unwrap()
}

fn report(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is one JSON report ({err}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn all_output(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn assert_no_credentials(running: &RunningSim, text: &str) {
    let credentials = running.sim.credentials().unwrap();
    for secret in [
        &credentials.notion_token,
        &credentials.unifi_api_key,
        &credentials.ninjaone_client_secret,
        &credentials.azure_client_secret,
    ] {
        assert!(
            !text.contains(secret.as_str()),
            "a credential leaked into the output"
        );
    }
}

#[test]
fn the_drill_command_works_on_a_fresh_machine_with_no_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::cargo_bin("health-check")
        .unwrap()
        .current_dir(dir.path())
        .env_clear()
        .env("DR_TEST_MODE", "true")
        .env("DR_TEST_FAST", "true")
        .arg("--check")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    // With no config.json the defaults apply, including the 10 % free-space floor: on a
    // nearly full disk that one component fails, and the exit code says partial.
    let disk_low = stdout
        .lines()
        .any(|l| l.contains("[FAIL]") && l.contains("disk_space"));
    let expected = if disk_low { 1 } else { 0 };
    assert_eq!(
        output.status.code(),
        Some(expected),
        "{}",
        all_output(&output)
    );
    for component in COMPONENTS.iter().filter(|c| **c != "disk_space") {
        assert!(
            stdout
                .lines()
                .any(|l| l.contains("[ok  ]") && l.contains(component)),
            "{component} healthy:\n{stdout}"
        );
    }
    assert!(
        dir.path()
            .join("dr-test-state/toolkit-state.sqlite3")
            .exists(),
        "the drill keeps its state in the DR test state directory"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_report_has_the_documented_shape() {
    let running = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let output = run_against(&running, dir.path(), &["--check", "--json", "-vv"]);
    assert_eq!(output.status.code(), Some(0), "{}", all_output(&output));
    let report = report(&output);
    assert_eq!(report["status"], "healthy");
    assert!(report["timestamp"].as_str().unwrap().ends_with('Z'));
    assert_eq!(report["version"], env!("CARGO_PKG_VERSION"));
    let components = report["components"].as_object().unwrap();
    let names: Vec<&str> = components.keys().map(String::as_str).collect();
    assert_eq!(names, COMPONENTS);
    for (name, component) in components {
        assert_eq!(component["healthy"], true, "{name}");
        assert!(component["latency_ms"].is_number(), "{name}");
        assert!(component["error"].is_null(), "{name}");
        assert!(component["details"].is_object(), "{name}");
    }
    assert_eq!(
        report["components"]["notion_api"]["details"]["user_type"],
        "bot"
    );
    assert_no_credentials(&running, &all_output(&output));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notion_outage_makes_notion_unhealthy_and_exits_unavailable() {
    let running = sim().await;
    fault(
        &running,
        json!({ "api": "notion", "kind": "outage", "duration_secs": 600 }),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let output = run_against(&running, dir.path(), &["--check", "--json"]);
    assert_eq!(output.status.code(), Some(5), "{}", all_output(&output));
    let report = report(&output);
    assert_eq!(report["status"], "unhealthy");
    let notion = &report["components"]["notion_api"];
    assert_eq!(notion["healthy"], false);
    let error = notion["error"].as_str().unwrap();
    assert!(
        error.contains("unavailable") && error.contains("503"),
        "{error}"
    );
    for other in ["unifi_api", "ninjaone_api", "key_vault", "state_store"] {
        assert_eq!(report["components"][other]["healthy"], true, "{other}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_ninjaone_credentials_name_the_credential_and_the_fix() {
    let running = sim().await;
    fault(&running, json!({ "api": "ninjaone", "kind": "revoked" })).await;
    let dir = tempfile::tempdir().unwrap();
    let output = run_against(&running, dir.path(), &["--check"]);
    assert_eq!(output.status.code(), Some(4), "{}", all_output(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Health Status: UNHEALTHY"), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("[FAIL]") && l.contains("ninjaone_api")),
        "{stdout}"
    );
    assert!(
        stdout.contains("NINJAONE_CLIENT_SECRET"),
        "names the credential:\n{stdout}"
    );
    assert!(stdout.contains("hint:"), "says what to do:\n{stdout}");
    assert_no_credentials(&running, &all_output(&output));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_vault_falls_back_to_the_environment_and_shows_degraded() {
    let running = sim().await;
    fault(&running, json!({ "api": "vault", "kind": "unreachable" })).await;
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let output = run_against(&running, dir.path(), &["--check", "--json"]);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the vault wait is bounded"
    );
    assert_eq!(output.status.code(), Some(1), "{}", all_output(&output));
    let report = report(&output);
    assert_eq!(report["status"], "degraded");
    let vault = &report["components"]["key_vault"];
    assert_eq!(vault["status"], "degraded");
    assert!(
        vault["error"].as_str().unwrap().contains("environment"),
        "{vault}"
    );
    for api in ["notion_api", "unifi_api", "ninjaone_api"] {
        assert_eq!(
            report["components"][api]["healthy"], true,
            "{api} works on env secrets"
        );
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let warnings = stderr.lines().filter(|l| l.contains("WARN")).count();
    assert_eq!(warnings, 1, "one warning naming the fallback:\n{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_config_is_a_configuration_error_naming_the_field() {
    let running = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(&path, r#"{ "settings": { "retyr": {} } }"#).unwrap();
    let output = Command::cargo_bin("health-check")
        .unwrap()
        .current_dir(dir.path())
        .env("DR_TEST_MODE", "true")
        .env("DR_TEST_URL", format!("http://{}", running.http_addr()))
        .args(["--check", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", all_output(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.json") && stderr.contains("retyr"),
        "{stderr}"
    );
    assert!(stderr.contains("hint:"), "{stderr}");
}

#[test]
fn missing_credentials_outside_dr_test_mode_are_an_authentication_failure() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path());
    let output = Command::cargo_bin("health-check")
        .unwrap()
        .current_dir(dir.path())
        .env_clear()
        .arg("--check")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{}", all_output(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("NOTION_TOKEN") && stderr.contains("hint:"),
        "{stderr}"
    );
}

#[test]
fn usage_errors_and_help() {
    let output = Command::cargo_bin("health-check")
        .unwrap()
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "neither --check nor --serve");
    let help = Command::cargo_bin("health-check")
        .unwrap()
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(
        text.contains("Exit codes:") && text.contains("5  upstream unavailable"),
        "{text}"
    );
}

struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn serve(running: &RunningSim, dir: &Path) -> (Server, String) {
    let port = free_port();
    let binary = assert_cmd::cargo::cargo_bin("health-check");
    let child = std::process::Command::new(binary)
        .current_dir(dir)
        .env("DR_TEST_MODE", "true")
        .env("DR_TEST_URL", format!("http://{}", running.http_addr()))
        .arg("--config")
        .arg(write_config(dir))
        .args(["--serve", "--port", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let server = Server(child);
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::get(format!("{base}/health")).await.is_err() {
        assert!(Instant::now() < deadline, "the health server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (server, base)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_answers_health_ready_and_metrics() {
    let running = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let (_server, base) = serve(&running, dir.path()).await;
    let health = reqwest::get(format!("{base}/health")).await.unwrap();
    assert_eq!(health.status(), 200);
    let body: Value = health.json().await.unwrap();
    assert_eq!(body["status"], "healthy");
    assert!(body["uptime_seconds"].is_number());
    let ready = reqwest::get(format!("{base}/ready")).await.unwrap();
    assert_eq!(ready.status(), 200);
    let metrics = reqwest::get(format!("{base}/metrics")).await.unwrap();
    let text = metrics.text().await.unwrap();
    assert!(text.contains("oberaconnect_healthy 1"), "{text}");
    assert!(text.contains("oberaconnect_component_healthy{component=\"notion_api\"} 1"));
    let other = reqwest::get(format!("{base}/nothing")).await.unwrap();
    assert_eq!(other.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn during_an_outage_liveness_stays_up_and_readiness_goes_down() {
    let running = sim().await;
    fault(
        &running,
        json!({ "api": "notion", "kind": "outage", "duration_secs": 600 }),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (_server, base) = serve(&running, dir.path()).await;
    let health = reqwest::get(format!("{base}/health")).await.unwrap();
    assert_eq!(
        health.status(),
        200,
        "liveness does not depend on upstreams"
    );
    let body: Value = health.json().await.unwrap();
    assert_eq!(body["status"], "unhealthy");
    let ready = reqwest::get(format!("{base}/ready")).await.unwrap();
    assert_eq!(ready.status(), 503);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["components"]["notion_api"], false);
    let metrics = reqwest::get(format!("{base}/metrics")).await.unwrap();
    let text = metrics.text().await.unwrap();
    assert!(text.contains("oberaconnect_component_healthy{component=\"notion_api\"} 0"));
}
