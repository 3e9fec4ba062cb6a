//! The Notion client against the simulator on loopback: every endpoint it wraps, paging past
//! one page and past the row cap, refused cursors, each retryable status, `Retry-After`,
//! creates that are never replayed blindly, long text, and the token read again after a 401.

use std::time::{Duration, Instant};

use mock_apis::config::Settings;
use mock_apis::{RunningSim, SimConfig};
use oberaconnect::http::{FailureClass, RetryPolicy};
use oberaconnect::notion::{
    DataSourceId, DatabaseId, NotionClient, NotionError, NotionSettings, PageId, PropertyValue,
    Query,
};
use oberaconnect::secrets::{SecretName, SecretString, Secrets};
use serde_json::{Value, json};

const CUSTOMERS_DB: &str = "00000000-0000-4000-8000-00000000db01";
const CUSTOMERS: &str = "00000000-0000-4000-8000-00000000d501";

async fn sim() -> RunningSim {
    mock_apis::start(SimConfig {
        settings: Settings::unlimited(),
        ..SimConfig::ephemeral()
    })
    .await
    .expect("simulator starts")
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(100),
        max_elapsed: Duration::from_secs(10),
    }
}

fn client_with_token(running: &RunningSim, token: &str) -> NotionClient {
    let secrets = Secrets::from_values([(SecretName::NotionToken, SecretString::from(token))]);
    let settings = NotionSettings {
        base_url: running.urls().notion,
        requests_per_second: None,
        retry: quick_retries(),
        ..NotionSettings::default()
    };
    NotionClient::new(settings, secrets).expect("client builds")
}

fn client(running: &RunningSim) -> NotionClient {
    let token = running.sim.credentials().expect("credentials").notion_token;
    client_with_token(running, &token)
}

fn customers() -> DataSourceId {
    DataSourceId::parse(CUSTOMERS).unwrap()
}

async fn control(running: &RunningSim, route: &str, body: Value) {
    let response = reqwest::Client::new()
        .post(format!("{}{route}", running.urls().control))
        .json(&body)
        .send()
        .await
        .expect("control answers");
    assert!(
        response.status().is_success(),
        "{route}: {}",
        response.status()
    );
}

/// Answers the simulator counted for Notion endpoints whose key contains `endpoint`.
async fn answers(running: &RunningSim, endpoint: &str) -> u64 {
    let stats: Value = reqwest::get(format!("{}/stats", running.urls().control))
        .await
        .expect("stats")
        .json()
        .await
        .expect("json");
    stats["apis"]["notion"]["endpoints"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(key, _)| key.contains(endpoint))
        .flat_map(|(_, by_status)| by_status.as_object().unwrap().values())
        .map(|n| n.as_u64().unwrap())
        .sum()
}

fn row(key: &str, name: &str) -> Vec<(&'static str, PropertyValue)> {
    vec![
        ("Site Name", PropertyValue::Title(name.to_owned())),
        ("Sync Key", PropertyValue::RichText(key.to_owned())),
        ("Device Count", PropertyValue::Number(Some(12.0))),
        (
            "Deployment Status",
            PropertyValue::Select(Some("active".into())),
        ),
    ]
}

async fn create(client: &NotionClient, key: &str) -> oberaconnect::notion::Page {
    let properties = row(key, &format!("Site {key}"));
    client
        .create_page(&customers(), properties.iter().map(|(n, v)| (*n, v)))
        .await
        .expect("page created")
}

#[tokio::test]
async fn me_database_and_schema() {
    let running = sim().await;
    let client = client(&running);
    let me = client.me().await.unwrap();
    assert_eq!(me.kind, "bot");

    let database = DatabaseId::parse(CUSTOMERS_DB).unwrap();
    assert_eq!(client.data_source_of(&database).await.unwrap(), customers());
    let schema = client.data_source(&customers()).await.unwrap();
    assert_eq!(schema.title_property(), Some("Site Name"));
    assert_eq!(schema.properties["Deployment Status"].kind, "select");
    assert!(
        schema.properties["Deployment Status"]
            .options
            .contains(&"offboarding".to_owned())
    );

    let missing = DatabaseId::parse("11111111-2222-4333-8444-555555555555").unwrap();
    let err = client.database(&missing).await.unwrap_err();
    assert!(matches!(err, NotionError::NotFound { .. }), "{err}");
    assert!(err.to_string().contains("share the page"), "{err}");
}

#[tokio::test]
async fn create_update_trash_round_trip_with_long_text() {
    let running = sim().await;
    let client = client(&running);
    let page = create(&client, "site-1").await;
    assert_eq!(page.text("Sync Key"), Some("site-1"));

    let notes = "ü".repeat(4_321);
    let update = [("Notes", PropertyValue::RichText(notes.clone()))];
    let updated = client
        .update_page(&page.id, update.iter().map(|(n, v)| (*n, v)))
        .await
        .unwrap();
    assert_eq!(updated.text("Notes"), Some(notes.as_str()));
    assert_eq!(
        updated.text("Site Name"),
        Some("Site site-1"),
        "others untouched"
    );

    let trashed = client.set_trashed(&page.id, true).await.unwrap();
    assert!(trashed.in_trash);
    let rows = client.query(&customers(), &Query::all()).await.unwrap();
    assert!(rows.is_empty(), "trashed pages are not listed");
    client.set_trashed(&page.id, false).await.unwrap();
    let again = client.page(&page.id).await.unwrap();
    assert!(!again.in_trash);
}

#[tokio::test]
async fn queries_read_past_one_page_and_past_the_row_cap() {
    let running = sim().await;
    control(&running, "/settings", json!({ "notion_row_cap": 120 })).await;
    let client = client(&running);
    // Notion's created_time has minute precision: spread the rows over three minutes so
    // that windows by created_time can make progress.
    for i in 0..260 {
        if i == 100 || i == 200 {
            control(&running, "/tick", json!({ "duration": "1m" })).await;
        }
        create(&client, &format!("site-{i:03}")).await;
    }
    let rows = client.query(&customers(), &Query::all()).await.unwrap();
    assert_eq!(rows.len(), 260);
    let mut keys: Vec<&str> = rows.iter().filter_map(|r| r.text("Sync Key")).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), 260, "no row twice");

    let one = client
        .query(&customers(), &Query::text_equals("Sync Key", "site-042"))
        .await
        .unwrap();
    assert_eq!(one.len(), 1);
    let trimmed = Query {
        properties: vec!["Sync Key".into()],
        ..Query::all()
    };
    let rows = client.query(&customers(), &trimmed).await.unwrap();
    assert_eq!(rows.len(), 260);
    assert!(
        rows.iter()
            .all(|r| !r.properties.contains_key("Device Count"))
    );
}

#[tokio::test]
async fn more_rows_in_one_minute_than_the_cap_is_an_error_not_a_truncation() {
    let running = sim().await;
    control(&running, "/settings", json!({ "notion_row_cap": 50 })).await;
    let client = client(&running);
    for i in 0..120 {
        create(&client, &format!("site-{i:03}")).await;
    }
    let err = client.query(&customers(), &Query::all()).await.unwrap_err();
    assert!(matches!(err, NotionError::ShortRead { .. }), "{err}");
}

#[tokio::test]
async fn a_refused_cursor_restarts_the_window_without_losing_or_doubling_rows() {
    let running = sim().await;
    let client = client(&running);
    for i in 0..230 {
        create(&client, &format!("site-{i:03}")).await;
    }
    control(
        &running,
        "/faults",
        json!({ "api": "notion", "kind": "invalid_cursor", "count": 1 }),
    )
    .await;
    let rows = client.query(&customers(), &Query::all()).await.unwrap();
    assert_eq!(rows.len(), 230);
}

#[tokio::test]
async fn each_retryable_status_is_retried_until_it_clears() {
    let running = sim().await;
    let client = client(&running);
    for (status, html) in [
        (500, false),
        (502, true),
        (503, false),
        (504, false),
        (529, false),
    ] {
        control(
            &running,
            "/faults",
            json!({ "api": "notion", "kind": "status", "status": status, "html": html,
                    "count": 2, "path": "/v1/users/me" }),
        )
        .await;
        let before = client.counters().calls;
        client
            .me()
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(
            client.counters().calls - before,
            3,
            "{status}: two failures, then ok"
        );
    }
    control(
        &running,
        "/faults",
        json!({ "api": "notion", "kind": "conflict", "count": 1 }),
    )
    .await;
    create(&client, "after-conflict").await;
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let running = sim().await;
    let client = client(&running);
    control(
        &running,
        "/faults",
        json!({ "api": "notion", "kind": "rate_limit", "retry_after_secs": 1, "count": 1 }),
    )
    .await;
    let started = Instant::now();
    client.me().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited for Retry-After"
    );
    assert_eq!(client.counters().throttled, 1);
}

#[tokio::test]
async fn an_outage_past_the_retry_budget_is_unavailable() {
    let running = sim().await;
    let client = client(&running);
    control(
        &running,
        "/faults",
        json!({ "api": "notion", "kind": "outage", "duration_secs": 60 }),
    )
    .await;
    let err = client.me().await.unwrap_err();
    assert_eq!(err.class(), FailureClass::Unavailable, "{err}");
    let text = err.to_string();
    assert!(
        text.contains("503") && text.contains("4 attempt(s)"),
        "{text}"
    );
}

#[tokio::test]
async fn a_create_that_may_have_been_applied_is_not_sent_again() {
    let running = sim().await;
    let client = client(&running);
    control(
        &running,
        "/faults",
        json!({ "api": "notion", "kind": "lost_response", "method": "POST",
                "path": "/v1/pages", "count": 1 }),
    )
    .await;
    let properties = row("lost", "Lost");
    let err = client
        .create_page(&customers(), properties.iter().map(|(n, v)| (*n, v)))
        .await
        .unwrap_err();
    assert!(err.maybe_applied(), "{err}");
    assert_eq!(answers(&running, "POST /v1/pages").await, 1, "sent once");
    let found = client
        .query(&customers(), &Query::text_equals("Sync Key", "lost"))
        .await
        .unwrap();
    assert_eq!(
        found.len(),
        1,
        "the simulator applied it: a blind retry would duplicate"
    );
}

#[tokio::test]
async fn a_refused_token_is_read_again_once_then_named() {
    let running = sim().await;
    let client = client_with_token(&running, "ntn_wrong");
    let err = client.me().await.unwrap_err();
    assert_eq!(err.class(), FailureClass::Auth);
    let text = err.to_string();
    assert!(
        text.contains("NOTION_TOKEN") && text.contains("hint:"),
        "{text}"
    );
    assert!(
        !text.contains("ntn_wrong"),
        "the token never appears: {text}"
    );
    assert_eq!(
        answers(&running, "/v1/users/me").await,
        2,
        "one re-read, one retry"
    );
}

#[tokio::test]
async fn relation_values_are_read_whole_past_25_references() {
    let running = sim().await;
    let client = client(&running);
    let mut targets = Vec::new();
    for i in 0..30 {
        targets.push(create(&client, &format!("target-{i}")).await.id);
    }
    let daily = DataSourceId::parse("00000000-0000-4000-8000-00000000d502").unwrap();
    let properties = [
        ("Date", PropertyValue::Title("2026-12-03".into())),
        ("Site", PropertyValue::Relation(targets.clone())),
    ];
    let page = client
        .create_page(&daily, properties.iter().map(|(n, v)| (*n, v)))
        .await
        .unwrap();
    let read = client.page(&page.id).await.unwrap();
    assert!(
        read.truncated.contains("Site"),
        "a page object carries 25 at most"
    );
    let schema = client.data_source(&daily).await.unwrap();
    let ids: Vec<PageId> = client
        .relation(&page.id, &schema.properties["Site"].id)
        .await
        .unwrap();
    assert_eq!(ids, targets);
}

#[tokio::test]
async fn the_pace_keeps_under_the_simulated_limit() {
    let running = mock_apis::start(SimConfig::ephemeral()).await.unwrap();
    let token = running.sim.credentials().unwrap().notion_token;
    let secrets = Secrets::from_values([(SecretName::NotionToken, SecretString::from(token))]);
    let client = NotionClient::new(
        NotionSettings {
            base_url: running.urls().notion,
            ..NotionSettings::default()
        },
        secrets,
    )
    .unwrap();
    let tasks: Vec<_> = (0..15)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.me().await })
        })
        .collect();
    for task in tasks {
        task.await.expect("task").unwrap();
    }
    assert_eq!(client.counters().throttled, 0, "no 429 at 3 requests/s");
}
