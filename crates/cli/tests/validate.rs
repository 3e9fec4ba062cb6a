//! `health-check --validate` end to end: after the four syncs Notion matches the sources;
//! trashed and duplicated pages are found, and the syncs' `--full-sync` repairs them.

mod support;

use serde_json::Value;
use support::{CUSTOMER_STATUS, World, text};

const BIN: &str = "health-check";
const SYNCS: [&str; 4] = [
    "customer-status-sync",
    "daily-health-sync",
    "config-change-sync",
    "alert-sync",
];

fn validate(world: &World, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["--validate", "--json", "-q"];
    all.extend_from_slice(args);
    let output = world.run(BIN, &all);
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|err| panic!("one JSON object ({err}): {}", text(&output)));
    (output.status.code().unwrap_or(-1), report)
}

fn sync_all(world: &World) {
    for bin in SYNCS {
        world.run_json(bin, &[], 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_four_syncs_notion_matches_the_sources() {
    let world = World::start().await;
    sync_all(&world);
    let (code, report) = validate(&world, &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["status"], "ok");
    let customers = &report["databases"]["customer_status"];
    assert_eq!(customers["source_count"], 98);
    assert_eq!(customers["notion_count"], 98);
    for name in ["daily_health", "config_changes", "alerts"] {
        let database = &report["databases"][name];
        assert_eq!(database["ok"], true, "{name}: {database}");
        assert!(database["source_count"].as_u64().unwrap() > 0, "{name}");
    }
    let table = world.run(BIN, &["--validate"]);
    assert_eq!(table.status.code(), Some(0), "{}", text(&table));
    assert!(String::from_utf8_lossy(&table.stdout).contains("customer_status"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trashed_and_duplicated_pages_are_reported_and_a_full_sync_repairs_them() {
    let world = World::start().await;
    world.run_json("customer-status-sync", &[], 0);
    let pages = world.pages(CUSTOMER_STATUS).await;
    let trashed = &pages[0];
    let copied = &pages[1];
    world.notion().set_trashed(&trashed.id, true).await.unwrap();
    world.copy_page(CUSTOMER_STATUS, copied).await;

    let (code, report) = validate(&world, &["--database", "customer_status"]);
    assert_eq!(code, 9, "{report}");
    let found = &report["databases"]["customer_status"];
    let key = |page: &oberaconnect::notion::Page| page.text("Sync Key").unwrap().to_owned();
    assert_eq!(
        found["missing"],
        serde_json::json!([key(trashed)]),
        "{found}"
    );
    assert_eq!(
        found["duplicated"],
        serde_json::json!([key(copied)]),
        "{found}"
    );
    assert!(
        report["databases"].get("alerts").is_none(),
        "only the database asked for"
    );
    let table = world.run(BIN, &["--validate", "--database", "customer_status"]);
    assert!(String::from_utf8_lossy(&table.stdout).contains("--full-sync"));

    world.run_json("customer-status-sync", &["--full-sync", "--force"], 0);
    let (code, report) = validate(&world, &["--database", "customer_status"]);
    assert_eq!(code, 0, "repaired: {report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_never_synced_shows_what_is_missing() {
    let world = World::start().await;
    let (code, report) = validate(&world, &["--database", "alerts"]);
    assert_eq!(code, 9, "{report}");
    let alerts = &report["databases"]["alerts"];
    assert_eq!(alerts["notion_count"], 0);
    assert_eq!(
        alerts["missing"].as_array().unwrap().len() as u64,
        alerts["source_count"].as_u64().unwrap()
    );
    let bad = world.run(BIN, &["--validate", "--database", "nope"]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
}
