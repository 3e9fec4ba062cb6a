//! The `mock-apis` binary: start-up output, flags, and one workspace shared by two processes
//! through `--state-dir`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

/// A `mock-apis serve` process, killed when dropped.
struct Served {
    child: Child,
    summary: Value,
}

impl Served {
    fn start(extra: &[&str]) -> Self {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin!("mock-apis"))
            .args(["serve", "--port", "0", "--vault-port", "0", "--json"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("mock-apis starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("summary line");
        let summary = serde_json::from_str(&line).unwrap_or_else(|err| panic!("{err}: {line}"));
        Self { child, summary }
    }

    fn control(&self) -> String {
        self.summary["urls"]["control"]
            .as_str()
            .expect("control URL")
            .to_owned()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn get(url: String) -> Value {
    reqwest::get(url)
        .await
        .expect("answers")
        .json()
        .await
        .expect("json")
}

async fn post(url: String, body: Value) -> Value {
    let response = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("answers");
    assert!(response.status().is_success(), "{}", response.status());
    response.json().await.expect("json")
}

#[tokio::test]
async fn serve_prints_urls_credentials_and_databases() {
    let served = Served::start(&["--seed", "7", "--sites", "12"]);
    let summary = &served.summary;
    for api in ["notion", "unifi", "ninjaone", "control", "vault"] {
        assert!(
            summary["urls"][api].as_str().is_some_and(|u| !u.is_empty()),
            "{api} URL"
        );
    }
    assert!(
        summary["credentials"]["notion_token"]
            .as_str()
            .unwrap()
            .starts_with("ntn_")
    );
    assert_eq!(summary["fleet"]["seed"], 7);
    assert_eq!(summary["fleet"]["sites"], 12);
    let databases = summary["notion"]["databases"].as_array().unwrap();
    let keys: Vec<&str> = databases
        .iter()
        .map(|db| db["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "customer_status",
            "daily_health",
            "config_changes",
            "alerts"
        ]
    );

    let info = get(format!("{}/info", served.control())).await;
    assert_eq!(
        info["urls"], summary["urls"],
        "the control API reports the same URLs"
    );
}

#[tokio::test]
async fn text_summary_names_each_api_and_the_databases() {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("mock-apis"))
        .args(["serve", "--port", "0", "--vault-port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lines: Vec<String> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .take(15)
        .map(Result::unwrap)
        .collect();
    let _ = child.kill();
    let _ = child.wait();
    let text = lines.join("\n");
    for needle in [
        "notion",
        "unifi",
        "ninjaone",
        "control",
        "vault",
        "NOTION_TOKEN=",
        "daily_health",
    ] {
        assert!(text.contains(needle), "summary mentions {needle}:\n{text}");
    }
}

#[tokio::test]
async fn two_processes_share_one_state_directory() {
    let dir = tempfile::tempdir().unwrap();
    let state_dir = dir.path().to_str().unwrap();
    let first = Served::start(&["--state-dir", state_dir, "--no-limits"]);
    let second = Served::start(&["--state-dir", state_dir]);
    assert_eq!(
        first.summary["credentials"], second.summary["credentials"],
        "both processes accept the same credentials"
    );

    post(
        format!("{}/tick", first.control()),
        json!({ "duration": "3h" }),
    )
    .await;
    let clock = get(format!("{}/clock", second.control())).await;
    assert_eq!(
        clock["offset_ms"],
        3 * 3600 * 1000,
        "the second process sees the first's tick"
    );

    // Both processes add faults at the same time; none is lost and ids stay unique.
    let add = |control: String| async move {
        for _ in 0..20 {
            let spec = json!({ "api": "unifi", "kind": "conflict", "path": "/never" });
            post(format!("{control}/faults"), spec).await;
        }
    };
    tokio::join!(add(first.control()), add(second.control()));
    let faults = get(format!("{}/faults", first.control())).await;
    let mut ids: Vec<u64> = faults["faults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_u64().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(
        ids.len(),
        40,
        "every fault from both processes is kept once"
    );

    // The state files are whole JSON documents after the concurrent writes.
    for part in ["control", "fleet", "notion", "vault"] {
        let text = std::fs::read_to_string(dir.path().join(format!("{part}.json"))).unwrap();
        serde_json::from_str::<Value>(&text).unwrap_or_else(|err| panic!("{part}.json: {err}"));
    }
}

#[test]
fn bad_fault_flag_is_refused_with_a_message() {
    let output = Command::new(assert_cmd::cargo::cargo_bin!("mock-apis"))
        .args([
            "serve",
            "--port",
            "0",
            "--vault-port",
            "0",
            "--fault",
            "{\"api\":\"notion\"}",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("invalid --fault"), "{stderr}");
}

#[test]
fn help_explains_the_flags() {
    let output = Command::new(assert_cmd::cargo::cargo_bin!("mock-apis"))
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--state-dir",
        "--seed",
        "--sites",
        "--no-limits",
        "--latency-ms",
        "--fault",
    ] {
        assert!(help.contains(flag), "help lists {flag}");
    }
}

fn mock_apis(args: &[&str]) -> std::process::Output {
    Command::new(assert_cmd::cargo::cargo_bin!("mock-apis"))
        .args(args)
        .env_remove("DR_TEST_URL")
        .env_remove("DR_TEST_STATE_DIR")
        .output()
        .expect("mock-apis runs")
}

#[tokio::test]
async fn control_commands_work_on_a_state_directory_and_on_a_running_simulator() {
    let dir = tempfile::tempdir().unwrap();
    let state_dir = dir.path().to_str().unwrap();
    drop(Served::start(&["--state-dir", state_dir]));

    // No server is running: the commands change the directory in place.
    let fault = r#"{"api":"notion","kind":"outage"}"#;
    let added = mock_apis(&["fault", fault, "--state-dir", state_dir]);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    assert!(
        mock_apis(&["tick", "90m", "--state-dir", state_dir])
            .status
            .success()
    );

    let served = Served::start(&["--state-dir", state_dir]);
    let faults = get(format!("{}/faults", served.control())).await;
    assert_eq!(
        faults["faults"][0]["kind"], "outage",
        "the server sees the injected fault"
    );
    let clock = get(format!("{}/clock", served.control())).await;
    assert_eq!(clock["offset_ms"], 90 * 60 * 1000);

    // Against the running server by URL.
    let base = served.control().trim_end_matches("/_sim").to_owned();
    assert!(
        mock_apis(&["clear-faults", "--url", &base])
            .status
            .success()
    );
    let faults = get(format!("{}/faults", served.control())).await;
    assert_eq!(faults["faults"], json!([]));
    let refused = mock_apis(&[
        "fault",
        r#"{"api":"notion","kind":"unreachable"}"#,
        "--url",
        &base,
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("does not apply to notion"));
}

#[test]
fn control_command_on_an_empty_directory_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let output = mock_apis(&["info", "--state-dir", dir.path().to_str().unwrap()]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("holds no simulator state"), "{stderr}");
}
