//! `setup-databases` end to end: the real binary in DR test mode against the simulator,
//! creating databases, checking them, repairing them, and writing their ids into
//! config.json, with what an operator would see read back through the Notion API.

mod support;

use std::process::Output;

use oberaconnect::config::Dataset;
use oberaconnect::model::schemas;
use oberaconnect::notion::{DataSourceId, DatabaseId, PropertyValue};
use serde_json::{Value, json};
use support::{CUSTOMER_STATUS, World, by_key, report, stderr, text};

const BIN: &str = "setup-databases";
/// The seeded Daily Health Summaries data source.
const DAILY_HEALTH: &str = "00000000-0000-4000-8000-00000000d502";

/// Runs `setup-databases` with `args`, checks the exit code, and that no credential the
/// simulator accepts shows in what it printed.
fn run(world: &World, args: &[&str], code: i32) -> Output {
    let output = world.run(BIN, args);
    assert_eq!(output.status.code(), Some(code), "{}", text(&output));
    let credentials = world.running.sim.credentials().unwrap();
    let printed = text(&output);
    for secret in [
        &credentials.notion_token,
        &credentials.unifi_api_key,
        &credentials.ninjaone_client_secret,
        &credentials.azure_client_secret,
    ] {
        assert!(!printed.contains(secret.as_str()), "a secret was printed");
    }
    output
}

/// Runs it with `--json -q` and returns the report.
fn run_json(world: &World, args: &[&str], code: i32) -> Value {
    let mut all = vec!["--json", "-q"];
    all.extend_from_slice(args);
    report(&run(world, &all, code))
}

/// The findings of one database in a `--verify` or `--migrate` report, as
/// `(kind, property)` pairs.
fn findings(report: &Value, dataset: &str) -> Vec<(String, String)> {
    report["databases"][dataset]["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings for {dataset}: {report}"))
        .iter()
        .map(|f| {
            let property = f["property"].as_str().or(f["live_name"].as_str());
            (
                f["kind"].as_str().unwrap().to_owned(),
                property.unwrap().to_owned(),
            )
        })
        .collect()
}

fn database_ids(report: &Value) -> Vec<String> {
    Dataset::ALL
        .iter()
        .map(|d| {
            report["databases"][d.key()]["database_id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

async fn rename_property(world: &World, data_source: &str, from: &str, to: &str) {
    let id = DataSourceId::parse(data_source).unwrap();
    world
        .notion()
        .update_data_source(&id, json!({ from: { "name": to } }))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulators_seeded_schemas_are_the_expected_ones() {
    let world = World::start().await;
    let verified = run_json(&world, &["--verify"], 0);
    assert_eq!(verified["status"], "ok", "{verified}");
    for dataset in Dataset::ALL {
        // Not even an extra property or another title: the seed is the schema.
        assert_eq!(findings(&verified, dataset.key()), vec![], "{dataset}");
        assert_eq!(verified["databases"][dataset.key()]["status"], "ok");
    }
    let seeded: Vec<&str> = mock_apis::notion::DATABASES
        .iter()
        .map(|d| d.database_id)
        .collect();
    assert_eq!(database_ids(&verified), seeded);

    let table = run(&world, &["--verify"], 0);
    let stdout = String::from_utf8_lossy(&table.stdout);
    assert!(
        stdout.contains("All 4 databases match the expected schema."),
        "{stdout}"
    );
    assert_eq!(world.writes(), 0, "--verify writes nothing to Notion");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_all_makes_four_databases_that_verify_clean_and_take_a_sync() {
    let world = World::start().await;
    let created = run_json(&world, &["--create-all", "--write-config"], 0);
    assert_eq!(created["status"], "created", "{created}");
    assert_eq!(world.writes(), 4, "one create per database");

    let notion = world.notion();
    let mut sources = Vec::new();
    for dataset in Dataset::ALL {
        let entry = &created["databases"][dataset.key()];
        let database = DatabaseId::parse(entry["database_id"].as_str().unwrap()).unwrap();
        let container = notion.database(&database).await.unwrap();
        assert_eq!(container.title, dataset.title());
        let source = notion.data_source_of(&database).await.unwrap();
        assert_eq!(entry["data_source_id"], source.as_str());
        let schema = notion.data_source(&source).await.unwrap();
        assert_eq!(
            schema.properties.len(),
            schemas::schema(dataset).properties.len()
        );
        sources.push(source);
    }
    let site = &notion.data_source(&sources[1]).await.unwrap().properties["Site"];
    assert_eq!(
        site.relation_target.as_deref(),
        Some(sources[0].as_str()),
        "Daily Health's Site points at the new Customer Status data source"
    );

    let verified = run_json(&world, &["--verify"], 0);
    assert_eq!(verified["status"], "ok", "{verified}");
    let new_ids: Vec<String> = Dataset::ALL
        .iter()
        .map(|d| {
            created["databases"][d.key()]["database_id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        database_ids(&verified),
        new_ids,
        "--verify reads the written ids"
    );

    let sync = world.run_json("customer-status-sync", &["--database-id", &new_ids[0]], 0);
    assert_eq!(sync["counts"]["created"], 98, "{sync}");
    let rows = world.pages(sources[0].as_str()).await;
    assert_eq!(by_key(&rows).len(), 98);
    assert!(
        world.pages(CUSTOMER_STATUS).await.is_empty(),
        "the seeded one is untouched"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_config_changes_only_the_ids_and_verify_uses_them() {
    let world = World::start().await;
    // An operator's file: its own spacing, the earlier `device_issues` key, a null id, a
    // missing key, and settings the binaries need in tests.
    let before = r#"{
    "databases": {
        "customer_status":   "00000000-0000-4000-8000-00000000db01",
        "daily_health": null,
        "device_issues": "0000000000004000800000000000db04"
    },
    "site_map": {},
    "settings": {
        "notion": { "requests_per_second": 200.0, "burst": 20, "in_flight": 4 },
        "retry": { "max_attempts": 3, "max_elapsed_secs": 4 },
        "key_vault": { "timeout_secs": 5 }
    },
    "audit_log": "logs/audit.jsonl"
}
"#;
    let path = world.dir.path().join("config.json");
    std::fs::write(&path, before).unwrap();

    let created = run_json(&world, &["--create-all", "--write-config"], 0);
    assert_eq!(created["config_written"], "config.json", "{created}");
    let id = |dataset: Dataset| {
        created["databases"][dataset.key()]["database_id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let after = std::fs::read_to_string(&path).unwrap();
    let expected = before
        .replace(
            "\"00000000-0000-4000-8000-00000000db01\"",
            &format!("\"{}\"", id(Dataset::CustomerStatus)),
        )
        .replace(
            "\"daily_health\": null",
            &format!("\"daily_health\": \"{}\"", id(Dataset::DailyHealth)),
        )
        .replace(
            "\"0000000000004000800000000000db04\"",
            &format!(
                "\"{}\",\n        \"config_changes\": \"{}\"",
                id(Dataset::Alerts),
                id(Dataset::ConfigChanges)
            ),
        );
    assert_eq!(after, expected, "every other byte is kept");

    let verified = run_json(&world, &["--verify"], 0);
    let ids: Vec<String> = Dataset::ALL.into_iter().map(id).collect();
    assert_eq!(database_ids(&verified), ids);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_prints_the_schemas_and_creates_nothing() {
    let world = World::start().await;
    let config_before = std::fs::read_to_string(world.dir.path().join("config.json")).unwrap();

    let output = run(
        &world,
        &["--create-all", "--dry-run", "--write-config", "-q"],
        0,
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in [
        "Dry run: nothing was created.",
        "Daily Health Summaries (daily_health)",
        "WAN Uptime               number (percent)",
        "Site                     relation to Customer Status Board (one-way)",
        "Tool                     select: mikrotik-config-builder,",
        "config.json is not changed in a dry run.",
    ] {
        assert!(stdout.contains(line), "{line}\n{stdout}");
    }

    let plan = run_json(&world, &["--create-all", "--dry-run"], 0);
    assert_eq!(plan["status"], "dry_run");
    for dataset in Dataset::ALL {
        let properties = plan["databases"][dataset.key()]["properties"]
            .as_array()
            .unwrap();
        assert_eq!(properties.len(), schemas::schema(dataset).properties.len());
        assert!(properties.iter().any(|p| p["name"] == "Sync Key"));
    }
    assert_eq!(world.writes(), 0);
    let config_after = std::fs::read_to_string(world.dir.path().join("config.json")).unwrap();
    assert_eq!(config_after, config_before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_is_reported_and_migrate_repairs_all_but_the_rename() {
    let world = World::start().await;
    let daily = DataSourceId::parse(DAILY_HEALTH).unwrap();
    let notion = world.notion();
    // A row people rely on, to see that nothing is lost.
    let row = notion
        .create_page(
            &daily,
            [
                ("Date", &PropertyValue::Title("2026-12-01".into())),
                (
                    "Backup Status",
                    &PropertyValue::Select(Some("success".into())),
                ),
            ],
        )
        .await
        .unwrap();
    let kept = notion.data_source(&daily).await.unwrap().properties["Backup Status"].raw["select"]
        ["options"]
        .clone();
    let three: Vec<&Value> = kept
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["name"] != "unknown")
        .collect();
    notion
        .update_data_source(
            &daily,
            json!({
                "Devices Total": { "name": "Device Total" },
                "Notes": null,
                "Backup Status": { "select": { "options": three } },
            }),
        )
        .await
        .unwrap();

    let verified = run_json(&world, &["--verify"], 9);
    assert_eq!(verified["status"], "mismatch");
    assert_eq!(
        findings(&verified, "daily_health"),
        vec![
            ("renamed".to_owned(), "Devices Total".to_owned()),
            ("missing_options".to_owned(), "Backup Status".to_owned()),
            ("missing".to_owned(), "Notes".to_owned()),
        ]
    );
    for dataset in ["customer_status", "config_changes", "alerts"] {
        assert_eq!(verified["databases"][dataset]["status"], "ok");
    }
    let table = run(&world, &["--verify"], 9);
    let stdout = String::from_utf8_lossy(&table.stdout);
    for line in [
        "`Devices Total` is now named `Device Total`",
        "fix: rename `Device Total` back to `Devices Total` in Notion",
        "`Notes` (rich_text) is missing",
        "`Backup Status` lacks option(s) unknown",
        "fix: run `setup-databases --migrate`",
        "3 difference(s) in 1 database(s); `setup-databases --migrate` fixes 2 of them.",
    ] {
        assert!(stdout.contains(line), "{line}\n{stdout}");
    }

    let writes = world.writes();
    let dry = run_json(&world, &["--migrate", "--dry-run"], 9);
    assert_eq!(
        dry["databases"]["daily_health"]["migration"]["applied"],
        false
    );
    assert_eq!(world.writes(), writes, "a dry run changes nothing");

    let migrated = run_json(&world, &["--migrate"], 9);
    let migration = &migrated["databases"]["daily_health"]["migration"];
    assert_eq!(migration["applied"], true, "{migrated}");
    assert_eq!(migration["added_properties"], json!(["Notes"]));
    assert_eq!(
        migration["added_options"],
        json!({ "Backup Status": ["unknown"] })
    );
    assert_eq!(world.writes(), writes + 1, "one schema update");

    let after = run_json(&world, &["--verify"], 9);
    assert_eq!(
        findings(&after, "daily_health"),
        vec![("renamed".to_owned(), "Devices Total".to_owned())],
        "only the rename is left for a person"
    );
    let schema = notion.data_source(&daily).await.unwrap();
    assert!(schema.properties.contains_key("Device Total"));
    assert!(
        !schema.properties.contains_key("Devices Total"),
        "nothing renamed or added"
    );
    let options = &schema.properties["Backup Status"].raw["select"]["options"];
    for option in &three {
        assert!(
            options.as_array().unwrap().contains(option),
            "{option} kept with its id and colour"
        );
    }
    let page = notion.page(&row.id).await.unwrap();
    assert_eq!(
        page.properties["Backup Status"],
        PropertyValue::Select(Some("success".into()))
    );

    rename_property(&world, DAILY_HEALTH, "Device Total", "Devices Total").await;
    run_json(&world, &["--verify"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rename_is_recognised_by_the_recorded_property_id() {
    let world = World::start().await;
    run_json(&world, &["--verify"], 0);
    // A full resync's clear keeps the recorded ids.
    let cleared = world.run("sync-state", &["clear", "--all"]);
    assert_eq!(cleared.status.code(), Some(0), "{}", text(&cleared));
    // Two rich text columns renamed at once: only their ids tell which is which.
    rename_property(&world, CUSTOMER_STATUS, "Notes", "Remarks").await;
    rename_property(&world, CUSTOMER_STATUS, "Primary Contact", "Contact").await;

    let verified = run_json(&world, &["--verify"], 9);
    assert_eq!(
        findings(&verified, "customer_status"),
        vec![
            ("renamed".to_owned(), "Primary Contact".to_owned()),
            ("renamed".to_owned(), "Notes".to_owned()),
        ]
    );
    let renamed = &verified["databases"]["customer_status"]["findings"][0];
    assert_eq!(renamed["live_name"], "Contact");
    assert!(
        renamed["detail"]
            .as_str()
            .unwrap()
            .contains("same property id"),
        "{renamed}"
    );

    let writes = world.writes();
    let migrated = run_json(&world, &["--migrate"], 9);
    assert_eq!(
        migrated["databases"]["customer_status"]["migration"]["added_properties"],
        json!([])
    );
    assert_eq!(world.writes(), writes, "a rename is not migrated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_create_answer_stops_and_says_where_to_look() {
    let world = World::start().await;
    world.fault(
        json!({ "api": "notion", "kind": "lost_response", "method": "POST",
                        "path": "/v1/databases", "count": 2, "after": 1 }),
    );
    let output = run(&world, &["--create-all"], 5);
    let (stdout, message) = (String::from_utf8_lossy(&output.stdout), stderr(&output));
    assert!(stdout.contains("Created before the failure"), "{stdout}");
    assert!(stdout.contains("Customer Status Board"), "{stdout}");
    assert!(
        message.contains("create Daily Health Summaries (its answer was lost")
            && message.contains("look under the parent page"),
        "{message}"
    );
    assert_eq!(
        world.writes(),
        2,
        "one database answered, one lost, nothing sent again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_the_integration_cannot_see_gets_a_clear_error() {
    let world = World::start().await;
    let hidden = "5d3b2a10-6c4e-4f8a-9b1d-7e2c0a9f4b61";
    let output = run(&world, &["--create-all", "--parent-page", hidden], 3);
    let message = stderr(&output);
    assert!(
        message.contains(&format!(
            "the parent page {hidden} is not visible to the integration"
        )),
        "{message}"
    );
    assert!(
        message.contains("hint: share the page with the integration"),
        "{message}"
    );
    assert_eq!(world.writes(), 0);

    let failed = run_json(&world, &["--create-all", "--parent-page", hidden], 3);
    assert_eq!(failed["status"], "config");

    let output = run(&world, &["--create-all", "--parent-page", "Dashboards"], 2);
    assert!(stderr(&output).contains("not a Notion page id or page URL"));
    let output = run(&world, &["--write-config"], 2);
    assert!(
        stderr(&output).contains("--create-all"),
        "{}",
        text(&output)
    );

    let help = run(&world, &["--help"], 0);
    let help = String::from_utf8_lossy(&help.stdout);
    for line in ["--create-all", "--migrate", "Exit codes:", "9  mismatch"] {
        assert!(help.contains(line), "--help lists {line}");
    }
}
