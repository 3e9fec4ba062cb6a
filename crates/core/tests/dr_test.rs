//! DR test mode against a real simulator on loopback: in process with a state directory, and
//! through `DR_TEST_URL` against one that is already running.

use oberaconnect::dr_test::{DrTest, DrTestError, DrTestSettings};
use serde_json::Value;

fn settings(state_dir: &std::path::Path, url: Option<String>) -> DrTestSettings {
    DrTestSettings {
        url,
        state_dir: state_dir.to_path_buf(),
        fast: true,
        sites: None,
    }
}

async fn get_json(url: String) -> Value {
    reqwest::get(url)
        .await
        .expect("simulator answers")
        .json()
        .await
        .expect("json")
}

#[tokio::test]
async fn in_process_simulator_keeps_its_state_in_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let state_dir = dir.path().join("dr-state");

    let first = DrTest::start(&settings(&state_dir, None)).await.unwrap();
    let info = get_json(format!("{}/info", first.urls.control)).await;
    assert_eq!(info["urls"]["notion"], first.urls.notion.as_str());
    assert!(!first.credentials.notion_token.is_empty());
    for part in ["control.json", "fleet.json", "notion.json", "vault.json"] {
        assert!(
            state_dir.join(part).exists(),
            "{part} written to the state directory"
        );
    }
    let tick = reqwest::Client::new()
        .post(format!("{}/tick", first.urls.control))
        .json(&serde_json::json!({ "duration": "2h" }))
        .send()
        .await
        .unwrap();
    assert_eq!(tick.status(), 200);
    let token = first.credentials.notion_token.clone();
    first.in_process.unwrap().shutdown().await;

    let second = DrTest::start(&settings(&state_dir, None)).await.unwrap();
    let clock = get_json(format!("{}/clock", second.urls.control)).await;
    assert_eq!(
        clock["offset_ms"], 7_200_000,
        "the second process sees the first one's clock"
    );
    assert_eq!(
        second.credentials.notion_token, token,
        "and the same credentials"
    );
}

#[tokio::test]
async fn dr_test_url_uses_the_running_simulator() {
    let dir = tempfile::tempdir().unwrap();
    let running = mock_apis::start(mock_apis::SimConfig::ephemeral())
        .await
        .unwrap();
    let base = format!("http://{}", running.http_addr());

    let remote = DrTest::start(&settings(dir.path(), Some(base)))
        .await
        .unwrap();
    assert!(remote.in_process.is_none());
    assert_eq!(remote.urls, running.urls());
    assert_eq!(remote.credentials, running.sim.credentials().unwrap());
    assert_eq!(remote.ca_pem, running.ca_pem());
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "no local state written"
    );
}

#[tokio::test]
async fn dr_test_url_that_does_not_answer_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    // Port 9 (discard) on loopback has nothing listening here.
    let err = DrTest::start(&settings(dir.path(), Some("http://127.0.0.1:9".into())))
        .await
        .unwrap_err();
    assert!(matches!(err, DrTestError::Remote { .. }));
    let message = err.to_string();
    assert!(
        message.contains("DR_TEST_URL `http://127.0.0.1:9`"),
        "{message}"
    );
    assert!(message.contains("mock-apis serve"), "{message}");
}
