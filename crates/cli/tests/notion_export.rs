//! `notion-export` end to end: the real binary in DR test mode against the simulator,
//! populated by the syncs, with the backup files, the manifest and the restored databases
//! read back as an operator would.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Days, NaiveDate};
use mock_apis::notion::{DATABASES, PARENT_PAGE_ID};
use oberaconnect::app::notion_export::sha256_hex;
use oberaconnect::notion::{DataSourceId, PageId, PropertyValue};
use serde_json::{Map, Value, json};
use support::{ALERTS, CONFIG_CHANGES, CUSTOMER_STATUS, World, by_key, stderr, text, value};
use tokio::task::JoinSet;

const BIN: &str = "notion-export";
/// Daily Health Summaries.
const DAILY_HEALTH: &str = "00000000-0000-4000-8000-00000000d502";
const SYNCS: [&str; 4] = [
    "customer-status-sync",
    "alert-sync",
    "daily-health-sync",
    "config-change-sync",
];

fn populate(world: &World) {
    for sync in SYNCS {
        world.run_json(sync, &[], 0);
    }
}

fn out_dir(world: &World) -> PathBuf {
    world.dir.path().join("backups")
}

/// Runs an export into [`out_dir`] and returns its JSON summary.
fn export(world: &World, args: &[&str], code: i32) -> Value {
    let dir = out_dir(world);
    let mut all = vec!["--out-dir", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    world.run_json(BIN, &all, code)
}

fn read_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap()
}

fn manifest(world: &World) -> Value {
    read_json(&out_dir(world).join("manifest.json"))
}

fn entry<'a>(manifest: &'a Value, name: &str) -> &'a Value {
    manifest["databases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {manifest}"))
}

fn backup(world: &World, manifest: &Value, name: &str) -> Value {
    let file = entry(manifest, name)["file"].as_str().unwrap();
    read_json(&out_dir(world).join(file))
}

fn ids(pages: impl IntoIterator<Item = String>) -> BTreeSet<String> {
    pages.into_iter().collect()
}

fn backup_ids(backup: &Value) -> BTreeSet<String> {
    ids(backup["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned()))
}

async fn live_ids(world: &World, data_source: &str) -> BTreeSet<String> {
    ids(world
        .pages(data_source)
        .await
        .into_iter()
        .map(|p| p.id.to_string()))
}

/// The simulator's date in the business time zone (the config's default, Chicago).
fn run_date(world: &World) -> NaiveDate {
    let now = world.running.sim.now().unwrap();
    now.with_timezone(&chrono_tz::America::Chicago).date_naive()
}

/// Creates `count` pages titled `{prefix} {n}` in `data_source`, a few at a time.
async fn create_pages(world: &World, data_source: &str, count: usize, prefix: &str) {
    let source = DataSourceId::parse(data_source).unwrap();
    let title = world
        .notion()
        .data_source(&source)
        .await
        .unwrap()
        .title_property()
        .unwrap()
        .to_owned();
    let notion = Arc::new(world.notion().clone());
    let mut tasks = JoinSet::new();
    for n in 0..count {
        if tasks.len() >= 16 {
            tasks.join_next().await.unwrap().unwrap();
        }
        let (notion, source, title) = (notion.clone(), source.clone(), title.clone());
        let name = PropertyValue::Title(format!("{prefix} {n}"));
        tasks.spawn(async move {
            notion
                .create_page(&source, [(title.as_str(), &name)])
                .await
                .unwrap();
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
}

/// A new database under the dashboards page with the properties a manifest recorded
/// (option ids dropped: they belong to the source's schema); returns its id.
async fn fresh_database(world: &World, properties: &Map<String, Value>, title: &str) -> String {
    let mut schema = Map::new();
    for (name, property) in properties {
        let kind = property["type"].as_str().unwrap();
        let mut config = property[kind].clone();
        if let Some(options) = config.get_mut("options").and_then(Value::as_array_mut) {
            for option in options {
                option.as_object_mut().unwrap().remove("id");
            }
        }
        schema.insert(name.clone(), json!({ kind: config }));
    }
    let parent = PageId::parse(PARENT_PAGE_ID).unwrap();
    let database = world
        .notion()
        .create_database(&parent, title, Value::Object(schema))
        .await
        .unwrap();
    database.id.to_string()
}

async fn data_source_of(world: &World, database: &str) -> String {
    let id = oberaconnect::notion::DatabaseId::parse(database).unwrap();
    world
        .notion()
        .data_source_of(&id)
        .await
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_writes_every_database_and_a_manifest_that_matches_notion() {
    let world = World::start().await;
    populate(&world);

    let summary = export(&world, &[], 0);
    let date = run_date(&world);
    assert_eq!(summary["date"], date.to_string(), "{summary}");
    assert_eq!(summary["databases"].as_array().unwrap().len(), 4);
    let manifest = manifest(&world);
    assert_eq!(manifest["notion_version"], "2026-03-11");
    assert_eq!(manifest["date"], date.to_string());
    let stamp = date.format("%Y%m%d").to_string();
    let dated = read_json(&out_dir(&world).join(format!("manifest_{stamp}.json")));
    assert_eq!(dated, manifest, "the dated manifest is the same");

    let sources = [
        ("customer_status", CUSTOMER_STATUS),
        ("daily_health", DAILY_HEALTH),
        ("config_changes", CONFIG_CHANGES),
        ("alerts", ALERTS),
    ];
    for (name, data_source) in sources {
        let entry = entry(&manifest, name);
        let file = format!("backup_{name}_{stamp}.json");
        assert_eq!(entry["file"], file.as_str());
        assert_eq!(entry["data_source_id"], data_source);
        let bytes = std::fs::read(out_dir(&world).join(&file)).unwrap();
        assert_eq!(entry["sha256"], sha256_hex(&bytes).as_str(), "{name}");

        let live = live_ids(&world, data_source).await;
        let backup = backup(&world, &manifest, name);
        assert!(
            !live.is_empty() || name == "config_changes",
            "{name} was populated"
        );
        assert_eq!(entry["page_count"], live.len(), "{name}");
        assert_eq!(backup_ids(&backup), live, "{name}: the same pages");
        assert_eq!(backup["database"], name);
        let sync_key = &entry["properties"]["Sync Key"];
        assert_eq!(sync_key["type"], "rich_text", "{name}: {sync_key}");
        assert!(sync_key["id"].is_string());
        let page = &backup["pages"][0];
        if !page.is_null() {
            assert_eq!(page["in_trash"], false);
            assert!(page["created_time"].is_string() && page["last_edited_time"].is_string());
            assert!(
                page["properties"]["Sync Key"]["rich_text"][0]["annotations"].is_object(),
                "values are kept as Notion returned them: {page}"
            );
        }
    }

    let customers = backup(&world, &manifest, "customer_status");
    let pages = world.pages(CUSTOMER_STATUS).await;
    let page = &pages[0];
    let saved = customers["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == page.id.as_str())
        .unwrap();
    assert_eq!(
        saved["properties"]["Health Score"]["number"]
            .as_f64()
            .map(|n| n.to_string()),
        Some(value(page, "Health Score")),
    );

    let output = world.run(BIN, &["--out-dir", out_dir(&world).to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Exported 4 of 4 databases"), "{stdout}");
    assert!(stdout.contains("manifest:"), "{stdout}");
    assert!(
        !stderr(&output).contains("pages read"),
        "no progress when stderr is not a terminal: {}",
        stderr(&output)
    );
    let credentials = world.running.sim.credentials().unwrap();
    let mut everything = text(&output);
    for file in std::fs::read_dir(out_dir(&world)).unwrap() {
        everything.push_str(&std::fs::read_to_string(file.unwrap().path()).unwrap());
    }
    assert!(!everything.contains(&credentials.notion_token));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_backups_hold_display_text_and_verify_clean() {
    let world = World::start().await;
    world.run_json("customer-status-sync", &[], 0);

    let summary = export(
        &world,
        &["--database", "customer_status", "--format", "csv"],
        0,
    );
    let file = summary["databases"][0]["file"].as_str().unwrap();
    assert!(file.starts_with("backup_customer_status_") && file.ends_with(".csv"));
    let csv = std::fs::read_to_string(out_dir(&world).join(file)).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("page_id,Site Name,"), "{}", lines[0]);
    assert!(lines[0].contains("Sync Key") && lines[0].contains("Health Score"));
    let pages = world.pages(CUSTOMER_STATUS).await;
    assert_eq!(
        lines.len(),
        pages.len() + 1,
        "a header and one line per page"
    );
    let header: Vec<&str> = lines[0].split(',').collect();
    let score = header.iter().position(|h| *h == "Health Score").unwrap();
    let (page, line) = pages
        .iter()
        .find_map(|page| {
            let line = lines.iter().find(|l| l.starts_with(page.id.as_str()))?;
            (!line.contains('"')).then_some((page, line))
        })
        .expect("some site's line needs no quoting");
    let cells: Vec<&str> = line.split(',').collect();
    assert_eq!(cells[1], value(page, "Site Name"));
    assert_eq!(cells[score], value(page, "Health Score"));
    assert_eq!(entry(&manifest(&world), "customer_status")["format"], "csv");

    let dir = out_dir(&world);
    let verify = world.run_json(BIN, &["--verify", dir.to_str().unwrap()], 0);
    assert_eq!(
        verify["databases"]["customer_status"]["equal"], true,
        "{verify}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_past_the_ten_thousand_row_cap_is_exported_whole() {
    let world = World::start().await;
    // Two batches minutes apart: rows sharing one created_time minute beyond the cap cannot
    // be split (the next test), as in Notion.
    create_pages(&world, ALERTS, 6_000, "first").await;
    world.tick("5m");
    create_pages(&world, ALERTS, 4_050, "second").await;

    let summary = export(&world, &["--database", "alerts"], 0);
    let exported = &summary["databases"][0];
    assert_eq!(exported["pages"], 10_050, "{summary}");
    assert!(
        exported["extra_windows"].as_u64().unwrap() >= 1,
        "{summary}"
    );
    let backup = backup(&world, &manifest(&world), "alerts");
    assert_eq!(backup["pages"].as_array().unwrap().len(), 10_050);
    assert_eq!(backup_ids(&backup).len(), 10_050, "no page twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_beyond_the_cap_in_one_minute_are_an_error_not_a_short_backup() {
    let world = World::start().await;
    world.settings(json!({ "notion_row_cap": 20 }));
    create_pages(&world, CONFIG_CHANGES, 45, "burst").await;

    let dir = out_dir(&world);
    let output = world.run(
        BIN,
        &[
            "--database",
            "config_changes",
            "--out-dir",
            dir.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let err = stderr(&output);
    assert!(
        err.contains("config_changes") && err.contains("row cap"),
        "{err}"
    );
    assert!(!dir.join("manifest.json").exists());
    let written: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert!(written.is_empty(), "no partial backup: {written:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relations_past_twenty_five_references_are_kept_whole() {
    let world = World::start().await;
    world.run_json("customer-status-sync", &[], 0);
    let customers: Vec<PageId> = world
        .pages(CUSTOMER_STATUS)
        .await
        .into_iter()
        .take(30)
        .map(|p| p.id)
        .collect();
    let daily = DataSourceId::parse(DAILY_HEALTH).unwrap();
    let title = PropertyValue::Title("2026-12-03".into());
    let sites = PropertyValue::Relation(customers.clone());
    let key = PropertyValue::RichText("many-sites".into());
    let page = world
        .notion()
        .create_page(
            &daily,
            [("Date", &title), ("Site", &sites), ("Sync Key", &key)],
        )
        .await
        .unwrap();
    assert!(
        page.truncated.contains("Site"),
        "Notion cuts the value at 25"
    );

    let summary = export(&world, &["--database", "daily_health"], 0);
    assert_eq!(
        summary["databases"][0]["relations_completed"], 1,
        "{summary}"
    );
    let backup = backup(&world, &manifest(&world), "daily_health");
    let saved = backup["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == page.id.as_str())
        .unwrap();
    let site = &saved["properties"]["Site"];
    assert_eq!(site["has_more"], false);
    let kept: Vec<&str> = site["relation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = customers.iter().map(PageId::as_str).collect();
    assert_eq!(kept, expected, "all 30, in order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_is_clean_after_an_export_and_names_what_changed_since() {
    let world = World::start().await;
    world.run_json("customer-status-sync", &[], 0);
    world.run_json("alert-sync", &[], 0);
    export(&world, &[], 0);
    let dir = out_dir(&world);
    let dir = dir.to_str().unwrap();

    let clean = world.run_json(BIN, &["--verify", dir], 0);
    assert_eq!(clean["status"], "ok", "{clean}");
    for name in ["customer_status", "alerts"] {
        assert_eq!(clean["databases"][name]["equal"], true, "{clean}");
    }

    let pages = world.pages(CUSTOMER_STATUS).await;
    let (trashed, edited) = (&pages[0], &pages[1]);
    world.notion().set_trashed(&trashed.id, true).await.unwrap();
    let notes = PropertyValue::RichText("changed by hand".into());
    world
        .notion()
        .update_page(&edited.id, [("Notes", &notes)])
        .await
        .unwrap();
    let source = DataSourceId::parse(CUSTOMER_STATUS).unwrap();
    let name = PropertyValue::Title("Added by hand".into());
    let added = world
        .notion()
        .create_page(&source, [("Site Name", &name)])
        .await
        .unwrap();
    world
        .notion()
        .update_data_source(&source, json!({ "Region": { "rich_text": {} } }))
        .await
        .unwrap();

    let found = world.run_json(BIN, &["--verify", dir], 9);
    assert_eq!(found["status"], "mismatch");
    assert_eq!(found["databases"]["alerts"]["equal"], true, "{found}");
    let customers = &found["databases"]["customer_status"];
    assert_eq!(customers["equal"], false);
    assert_eq!(customers["missing"]["count"], 1, "{customers}");
    assert_eq!(
        customers["missing"]["examples"][0]["id"],
        trashed.id.as_str()
    );
    assert_eq!(customers["extra"]["count"], 1);
    assert_eq!(customers["extra"]["examples"][0]["id"], added.id.as_str());
    assert_eq!(customers["changed"]["count"], 1);
    assert_eq!(
        customers["changed"]["examples"][0]["id"],
        edited.id.as_str()
    );
    assert_eq!(
        customers["changed"]["examples"][0]["properties"],
        json!(["Notes"])
    );
    assert_eq!(
        customers["schema"],
        json!(["`Region` (rich_text) was added live"])
    );

    let table = world.run(BIN, &["--verify", dir]);
    assert_eq!(table.status.code(), Some(9), "{}", text(&table));
    let stdout = String::from_utf8_lossy(&table.stdout);
    assert!(
        stdout.contains("1 missing live, 1 extra live, 1 changed, 1 schema difference"),
        "{stdout}"
    );
    assert!(stdout.contains(trashed.id.as_str()) && stdout.contains("Added by hand"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_or_unreadable_backups_are_clear_errors_naming_the_file() {
    let world = World::start().await;
    world.run_json("alert-sync", &[], 0);
    export(&world, &["--database", "alerts"], 0);
    let dir = out_dir(&world);
    let file = entry(&manifest(&world), "alerts")["file"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = dir.join(&file);
    let original = std::fs::read(&path).unwrap();
    let verify = |world: &World| world.run(BIN, &["--verify", dir.to_str().unwrap()]);

    let mut damaged = original.clone();
    let at = damaged.len() / 2;
    damaged[at] = if damaged[at] == b'x' { b'y' } else { b'x' };
    std::fs::write(&path, &damaged).unwrap();
    let output = verify(&world);
    assert_eq!(output.status.code(), Some(9), "{}", text(&output));
    let err = stderr(&output);
    assert!(err.contains(&file) && err.contains("SHA-256"), "{err}");
    let restore_alerts = |file: &Path| {
        let file = file.to_str().unwrap();
        world.run(
            BIN,
            &["--restore", file, "--database-id", DATABASES[3].database_id],
        )
    };
    let restore = restore_alerts(&path);
    assert_eq!(
        restore.status.code(),
        Some(9),
        "no restore of a damaged backup"
    );
    assert!(stderr(&restore).contains(&file));

    std::fs::remove_file(&path).unwrap();
    let output = verify(&world);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(stderr(&output).contains(&file), "{}", text(&output));

    std::fs::write(&path, &original).unwrap();
    std::fs::write(dir.join("manifest.json"), "{ not json").unwrap();
    let output = verify(&world);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        stderr(&output).contains("manifest.json"),
        "{}",
        text(&output)
    );

    let stray = world.dir.path().join("copied-by-hand.json");
    std::fs::write(&stray, b"[1, 2, 3]").unwrap();
    let restore = restore_alerts(&stray);
    assert_eq!(restore.status.code(), Some(2), "{}", text(&restore));
    let err = stderr(&restore);
    assert!(
        err.contains("copied-by-hand.json") && err.contains("not a readable"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_recreates_every_page_and_a_second_restore_creates_nothing() {
    let world = World::start().await;
    world.run_json("customer-status-sync", &[], 0);
    let source = DataSourceId::parse(CUSTOMER_STATUS).unwrap();
    let name = PropertyValue::Title("Typed in by hand".into());
    let notes = PropertyValue::RichText("no Sync Key on this row".into());
    world
        .notion()
        .create_page(&source, [("Site Name", &name), ("Notes", &notes)])
        .await
        .unwrap();
    export(&world, &["--database", "customer_status"], 0);
    let manifest = manifest(&world);
    let entry = entry(&manifest, "customer_status");
    let file = out_dir(&world).join(entry["file"].as_str().unwrap());
    let properties = entry["properties"].as_object().unwrap();
    let database = fresh_database(&world, properties, "Customer Status Board (restored)").await;
    let restored = data_source_of(&world, &database).await;
    let args = [
        "--restore",
        file.to_str().unwrap(),
        "--database-id",
        database.as_str(),
    ];

    let writes = world.writes();
    let mut dry = args.to_vec();
    dry.push("--dry-run");
    let plan = world.run_json(BIN, &dry, 0);
    assert_eq!(plan["would_create"].as_array().unwrap().len(), 99, "{plan}");
    assert_eq!(world.writes(), writes, "a dry run writes nothing");
    let listing = world.run(BIN, &dry);
    assert!(String::from_utf8_lossy(&listing.stdout).contains("+ Typed in by hand"));

    let first = world.run_json(BIN, &args, 0);
    assert_eq!(first["created"], 99, "{first}");
    assert_eq!(first["present"], 0);
    let original = world.pages(CUSTOMER_STATUS).await;
    let copies = world.pages(&restored).await;
    assert_eq!(copies.len(), 99);
    let (keyed, by_hand): (Vec<_>, Vec<_>) = copies
        .iter()
        .cloned()
        .partition(|p| p.text("Sync Key").is_some_and(|k| !k.is_empty()));
    assert_eq!(by_hand.len(), 1);
    assert_eq!(value(&by_hand[0], "Notes"), "no Sync Key on this row");
    let before = by_key(
        &original
            .iter()
            .filter(|p| p.text("Sync Key").is_some_and(|k| !k.is_empty()))
            .cloned()
            .collect::<Vec<_>>(),
    )
    .into_iter()
    .map(|(k, p)| (k, display_values(p)))
    .collect::<BTreeMap<_, _>>();
    let after = by_key(&keyed)
        .into_iter()
        .map(|(k, p)| (k, display_values(p)))
        .collect::<BTreeMap<_, _>>();
    assert_eq!(before, after, "every property of every page");

    let writes = world.writes();
    let second = world.run_json(BIN, &args, 0);
    assert_eq!(second["created"], 0, "{second}");
    assert_eq!(second["present"], 99);
    assert_eq!(world.writes(), writes, "a second restore writes nothing");
    assert_eq!(world.pages(&restored).await.len(), 99);
}

fn display_values(page: &oberaconnect::notion::Page) -> BTreeMap<String, String> {
    page.properties
        .iter()
        .map(|(name, v)| (name.clone(), v.display()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_drops_relations_to_pages_gone_and_a_lost_answer_duplicates_nothing() {
    let world = World::start().await;
    world.run_json("customer-status-sync", &[], 0);
    world.run_json("daily-health-sync", &[], 0);
    export(&world, &["--database", "daily_health"], 0);
    let manifest = manifest(&world);
    let entry = entry(&manifest, "daily_health");
    let file = out_dir(&world).join(entry["file"].as_str().unwrap());
    let days = world.pages(DAILY_HEALTH).await;
    let day = days
        .iter()
        .find(|p| {
            matches!(p.properties.get("Site"), Some(PropertyValue::Relation(r)) if r.len() == 1)
        })
        .unwrap();
    let Some(PropertyValue::Relation(site)) = day.properties.get("Site") else {
        unreachable!()
    };
    world.notion().set_trashed(&site[0], true).await.unwrap();
    let properties = entry["properties"].as_object().unwrap();
    let database = fresh_database(&world, properties, "Daily Health (restored)").await;
    let restored = data_source_of(&world, &database).await;

    world.fault(
        json!({ "api": "notion", "kind": "lost_response", "method": "POST",
                        "path": "/v1/pages", "after": 3, "count": 2 }),
    );
    let args = [
        "--restore",
        file.to_str().unwrap(),
        "--database-id",
        database.as_str(),
    ];
    let run = world.run_json(BIN, &args, 0);
    world.clear_faults();
    assert_eq!(run["created"], days.len(), "{run}");
    let found = world
        .audit()
        .into_iter()
        .filter(|l| l["action"] == "restore_create" && l["found_by_lookup"] == true)
        .count();
    assert_eq!(found, 2, "both lost answers were settled by a lookup");
    let notes = run["notes"].to_string();
    assert!(
        notes.contains("`Site`: 1 reference(s) to pages that no longer exist"),
        "{notes}"
    );
    let copies = world.pages(&restored).await;
    assert_eq!(copies.len(), days.len(), "no duplicate after lost answers");
    let keyed = by_key(&copies);
    let copy = keyed[day.text("Sync Key").unwrap()];
    assert_eq!(
        value(copy, "Site"),
        "",
        "the reference to the trashed site is dropped"
    );
    assert_eq!(value(copy, "Health Score"), value(day, "Health Score"));

    let again = world.run_json(BIN, &args, 0);
    assert_eq!(again["created"], 0, "{again}");
}

#[test]
fn an_unknown_database_or_mixed_modes_are_usage_errors() {
    let world = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(World::start());
    let output = world.run(BIN, &["--database", "unknown"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    let err = stderr(&output);
    assert!(err.contains("`unknown` is not a dataset"), "{err}");
    assert!(
        err.contains("customer_status, daily_health, config_changes, alerts"),
        "{err}"
    );

    let output = world.run(BIN, &["--verify", "backups", "--restore", "x.json"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    let output = world.run(BIN, &["--restore", "x.json"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(stderr(&output).contains("--restore FILE needs --database-id"));
    let dir = world.dir.path().to_str().unwrap();
    let output = world.run(BIN, &["--restore", dir, "--database-id", PARENT_PAGE_ID]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        stderr(&output).contains("add --database NAME"),
        "{}",
        text(&output)
    );
    let output = world.run(
        BIN,
        &[
            "--restore",
            "x.json",
            "--database",
            "alerts",
            "--database-id",
            PARENT_PAGE_ID,
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(stderr(&output).contains("applies to --restore DIR"));
    let output = world.run(
        BIN,
        &["--restore", "x.csv", "--database-id", PARENT_PAGE_ID],
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(stderr(&output).contains("cannot be restored"));
    let help = world.run(BIN, &["--help"]);
    assert!(String::from_utf8_lossy(&help.stdout).contains("9  mismatch"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_removes_only_old_backups() {
    let world = World::start().await;
    let dir = out_dir(&world);
    std::fs::create_dir_all(&dir).unwrap();
    let today = run_date(&world);
    let day = |days: u64| {
        today
            .checked_sub_days(Days::new(days))
            .unwrap()
            .format("%Y%m%d")
            .to_string()
    };
    let (old, recent) = (day(40), day(10));
    let expired = [
        format!("backup_alerts_{old}.json"),
        format!("backup_customer_status_{old}.csv"),
        format!("manifest_{old}.json"),
    ];
    let kept = [
        format!("backup_alerts_{recent}.json"),
        format!("manifest_{recent}.json"),
        format!("notes_{old}.json"),
        format!("backup_other_{old}.json"),
        format!("backup_alerts_{old}.json.orig"),
        "README.txt".to_owned(),
    ];
    for name in expired.iter().chain(&kept) {
        std::fs::write(dir.join(name), "kept by the operator").unwrap();
    }

    let summary = export(
        &world,
        &["--database", "alerts", "--retention-days", "30"],
        0,
    );
    let mut removed: Vec<String> = summary["retention"]["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_owned())
        .collect();
    removed.sort();
    let mut expected = expired.to_vec();
    expected.sort();
    assert_eq!(removed, expected, "{summary}");
    for name in &expired {
        assert!(!dir.join(name).exists(), "{name} removed");
    }
    for name in &kept {
        assert!(dir.join(name).exists(), "{name} kept");
    }
    assert!(dir.join(format!("backup_alerts_{}.json", day(0))).exists());

    let output = world.run(
        BIN,
        &[
            "--database",
            "alerts",
            "--retention-days",
            "5",
            "--out-dir",
            dir.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!(
            "removed 2 file(s): backup_alerts_{recent}.json, manifest_{recent}.json"
        )),
        "{stdout}"
    );
}
