//! `customer-status-sync` end to end: the real binary in DR test mode against the simulator,
//! reading the Customer Status Board back through the Notion API, with each runbook failure
//! injected.

mod support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use mock_apis::notion::PARENT_PAGE_ID;
use oberaconnect::config::Dataset;
use oberaconnect::notion::{DatabaseId, PageId, PropertyValue};
use oberaconnect::state::StateStore;
use serde_json::{Value, json};
use support::{CUSTOMER_STATUS, World, by_key, changed_keys, snapshot, stderr, text, value};

const BIN: &str = "customer-status-sync";

/// Site ids of the simulator's fleet, with their display labels (`desc`).
fn fleet_sites(world: &World) -> Vec<(String, String)> {
    world
        .running
        .sim
        .fleet
        .read(|f| {
            f.sites
                .iter()
                .map(|s| (s.site_id.clone(), s.desc.clone()))
                .collect()
        })
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cold_sync_creates_one_page_per_site_and_a_rerun_writes_nothing() {
    let world = World::start().await;
    let sites = fleet_sites(&world);

    let cold = world.run_json(BIN, &[], 0);
    assert_eq!(cold["counts"]["created"], 98, "{cold}");
    assert_eq!(world.writes(), 98);
    let pages = world.pages(CUSTOMER_STATUS).await;
    let keyed = by_key(&pages);
    let expected: Vec<&String> = sites.iter().map(|(id, _)| id).collect();
    assert_eq!(keyed.keys().collect::<Vec<_>>(), {
        let mut ids = expected.clone();
        ids.sort();
        ids
    });
    let (id, desc) = sites
        .iter()
        .find(|(_, desc)| !desc.eq_ignore_ascii_case("default"))
        .unwrap();
    let page = keyed[id.as_str()];
    assert_eq!(value(page, "Site Name"), *desc);
    assert_eq!(value(page, "Customer ID"), *id);
    assert_eq!(value(page, "Stack Type"), "Ubiquiti");
    let state = world
        .running
        .sim
        .fleet
        .read(|f| {
            f.sites
                .iter()
                .find(|s| &s.site_id == id)
                .unwrap()
                .state
                .clone()
        })
        .unwrap();
    assert_eq!(value(page, "State"), state, "State comes from the site map");
    let score: f64 = value(page, "Health Score").parse().unwrap();
    assert!((0.0..=100.0).contains(&score));
    assert!(
        ["active", "maintenance", "needs attention"]
            .contains(&value(page, "Deployment Status").as_str())
    );
    assert_eq!(
        cold["api_calls"]["notion"], 100,
        "one database lookup, one query, 98 creates"
    );

    let again = world.run_json(BIN, &[], 0);
    assert_eq!(world.writes(), 98, "a re-run with no change writes nothing");
    assert_eq!(again["counts"]["unchanged"], 98);
    assert_eq!(again["counts"]["created"], 0);
    assert_eq!(
        again["api_calls"]["notion"], 1,
        "one query; the data source id is cached: {again}"
    );

    let audit = world.audit();
    let creates = audit
        .iter()
        .filter(|line| line["event"] == "write" && line["action"] == "create")
        .count();
    assert_eq!(creates, 98, "one audit line per write");
    assert_eq!(audit.iter().filter(|l| l["event"] == "run_end").count(), 2);
    let credentials = world.running.sim.credentials().unwrap();
    let log = std::fs::read_to_string(world.state_dir().join("audit.jsonl")).unwrap();
    assert!(!log.contains(&credentials.notion_token));
    assert!(!log.contains(&credentials.unifi_api_key));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_time_passes_only_changed_rows_are_written() {
    let world = World::start().await;
    world.run_json(BIN, &[], 0);
    let before = snapshot(&world.pages(CUSTOMER_STATUS).await);
    let writes = world.writes();

    world.tick("1d");
    let run = world.run_json(BIN, &[], 0);
    let after = snapshot(&world.pages(CUSTOMER_STATUS).await);
    let changed = changed_keys(&before, &after);
    assert!(
        changed > 0,
        "three hours of fleet evolution change some site"
    );
    assert_eq!(
        world.writes() - writes,
        changed as u64,
        "one write per changed row, none for the others: {run}"
    );
    assert_eq!(run["counts"]["updated"], changed);
    assert_eq!(run["counts"]["unchanged"], 98 - changed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notion_outage_mid_run_exits_unavailable_and_the_next_run_completes() {
    let world = World::start().await;
    world.fault(json!({ "api": "notion", "kind": "outage", "after": 40 }));
    let output = world.run(BIN, &[]);
    assert_eq!(output.status.code(), Some(5), "{}", text(&output));
    assert!(
        stderr(&output).contains("Notion is unavailable"),
        "{}",
        text(&output)
    );
    world.clear_faults();
    let partial = world.pages(CUSTOMER_STATUS).await.len();
    assert!(
        partial > 0 && partial < 98,
        "the outage cut the run: {partial} pages"
    );

    let next = world.run_json(BIN, &[], 0);
    assert_eq!(next["counts"]["created"], 98 - partial);
    let pages = world.pages(CUSTOMER_STATUS).await;
    assert_eq!(by_key(&pages).len(), 98, "every site once, none twice");
    let check = world.run_json(BIN, &["--dry-run"], 0);
    assert_eq!(check["counts"]["unchanged"], 98, "Notion equals the source");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_run_is_completed_by_the_next_without_duplicates() {
    let world = World::start().await;
    world.settings(json!({ "api": "notion", "latency_ms": 150 }));
    let mut child = world
        .process(BIN)
        .args(["-q"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let created = world.pages(CUSTOMER_STATUS).await.len();
        if created >= 20 {
            break;
        }
        assert!(Instant::now() < deadline, "the run never got going");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended too soon"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let cut = world.pages(CUSTOMER_STATUS).await.len();
    assert!(cut < 98, "killed mid-run: {cut} pages");

    world.settings(json!({ "api": "notion", "latency_ms": 0 }));
    let next = world.run_json(BIN, &[], 0);
    let pages = world.pages(CUSTOMER_STATUS).await;
    assert_eq!(by_key(&pages).len(), 98, "{next}");
    assert_eq!(pages.len(), 98, "no duplicate page");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_create_answers_are_looked_up_not_repeated() {
    let world = World::start().await;
    world.fault(
        json!({ "api": "notion", "kind": "lost_response", "method": "POST",
                        "path": "/v1/pages", "count": 3 }),
    );
    let run = world.run_json(BIN, &[], 0);
    assert_eq!(run["counts"]["created"], 98, "{run}");
    let pages = world.pages(CUSTOMER_STATUS).await;
    assert_eq!(pages.len(), 98);
    let found: Vec<Value> = world
        .audit()
        .into_iter()
        .filter(|l| l["action"] == "create" && l["found_by_lookup"] == true)
        .collect();
    assert_eq!(
        found.len(),
        3,
        "the three lost answers were confirmed by a lookup"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renamed_site_keeps_its_row() {
    let world = World::start().await;
    world.run_json(BIN, &[], 0);
    let (id, _) = fleet_sites(&world)
        .into_iter()
        .find(|(_, desc)| !desc.eq_ignore_ascii_case("default"))
        .unwrap();
    let page_before = by_key(&world.pages(CUSTOMER_STATUS).await)[id.as_str()]
        .id
        .clone();
    world
        .running
        .sim
        .fleet
        .mutate(|f| {
            let site = f.sites.iter_mut().find(|s| s.site_id == id).unwrap();
            site.desc = "Renamed Family Clinic - Texas".into();
        })
        .unwrap();

    let run = world.run_json(BIN, &[], 0);
    assert_eq!(run["counts"]["updated"], 1, "{run}");
    let pages = world.pages(CUSTOMER_STATUS).await;
    assert_eq!(pages.len(), 98, "a rename creates no page");
    let page = by_key(&pages)[id.as_str()];
    assert_eq!(page.id, page_before);
    assert_eq!(value(page, "Site Name"), "Renamed Family Clinic - Texas");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ninjaone_outage_writes_no_zeros() {
    let world = World::start().await;
    world.run_json(BIN, &[], 0);
    let before = snapshot(&world.pages(CUSTOMER_STATUS).await);
    let writes = world.writes();

    world.fault(json!({ "api": "ninjaone", "kind": "outage" }));
    world.tick("6h");
    let output = world.run(BIN, &[]);
    assert_eq!(output.status.code(), Some(5), "{}", text(&output));
    assert!(stderr(&output).contains("NinjaOne could not be read, so nothing was written"));
    assert_eq!(
        world.writes(),
        writes,
        "nothing written during a NinjaOne outage"
    );
    assert_eq!(snapshot(&world.pages(CUSTOMER_STATUS).await), before);

    // With keep_columns the UniFi columns are written and the NinjaOne ones left alone.
    world.config(json!({ "ninjaone_outage": "keep_columns" }));
    let run = world.run_json(BIN, &["--force"], 0);
    let notes = run["notes"].to_string();
    assert!(notes.contains("NinjaOne could not be read"), "{run}");
    let after = world.pages(CUSTOMER_STATUS).await;
    for page in &after {
        let key = page.text("Sync Key").unwrap();
        for column in ["Health Score", "Deployment Status", "Last Health Check"] {
            assert_eq!(
                before[key].get(column).cloned().unwrap_or_default(),
                value(page, column),
                "{column} of {key} left as it was"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_is_waited_out() {
    let world = World::start().await;
    // Every request waits out as many 429s as come, within the retry bounds.
    world.config(json!({ "retry": { "max_attempts": 8, "max_elapsed_secs": 30 } }));
    world.fault(
        json!({ "api": "notion", "kind": "rate_limit", "retry_after_secs": 1,
                        "count": 4 }),
    );
    let run = world.run_json(BIN, &[], 0);
    assert!(
        run["api_calls"]["notion_throttled"].as_u64().unwrap() >= 4,
        "{run}"
    );
    assert_eq!(by_key(&world.pages(CUSTOMER_STATUS).await).len(), 98);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_credentials_exit_with_the_auth_code_and_name_the_credential() {
    let world = World::start().await;
    world.fault(json!({ "api": "unifi", "kind": "revoked" }));
    let output = world.run(BIN, &[]);
    assert_eq!(output.status.code(), Some(4), "{}", text(&output));
    assert!(
        stderr(&output).contains("unifi-api-token"),
        "{}",
        text(&output)
    );
    world.clear_faults();

    world.fault(json!({ "api": "notion", "kind": "revoked" }));
    let output = world.run(BIN, &[]);
    assert_eq!(output.status.code(), Some(4), "{}", text(&output));
    assert!(
        stderr(&output).contains("notion-token"),
        "{}",
        text(&output)
    );
    assert_eq!(world.writes(), 0);
    let credentials = world.running.sim.credentials().unwrap();
    let all = text(&output);
    for secret in [&credentials.notion_token, &credentials.unifi_api_key] {
        assert!(!all.contains(secret.as_str()), "a credential leaked");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_unifi_answer_trips_the_guard_before_any_write() {
    let world = World::start().await;
    world.run_json(BIN, &[], 0);
    let writes = world.writes();
    world.fault(json!({ "api": "unifi", "kind": "empty", "path": "/v1/sites" }));

    let output = world.run(BIN, &[]);
    assert_eq!(output.status.code(), Some(6), "{}", text(&output));
    let err = stderr(&output);
    assert!(
        err.contains("error: guard: the source returned 0 UniFi sites")
            && err.contains("of the 98 of the last good run")
            && err.contains("hint:"),
        "{err}"
    );
    assert_eq!(world.writes(), writes, "nothing written");

    let forced = world.run_json(BIN, &["--force"], 0);
    assert_eq!(forced["counts"]["waiting"], 98, "{forced}");
    assert_eq!(
        world.writes(),
        writes,
        "absences are counted before anything is retired"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_dataset_exits_at_once_with_the_locked_code() {
    let world = World::start().await;
    world.run_json(BIN, &[], 0);
    let store = StateStore::open(&world.state_dir().join("toolkit-state.sqlite3")).unwrap();
    let lease = store.lock_dataset(Dataset::CustomerStatus).unwrap();

    let started = Instant::now();
    let output = world.run(BIN, &[]);
    assert_eq!(output.status.code(), Some(7), "{}", text(&output));
    assert!(
        stderr(&output).contains("another customer_status run holds the lock"),
        "{}",
        text(&output)
    );
    assert!(started.elapsed() < Duration::from_secs(20));

    store.unlock(&lease).unwrap();
    world.run_json(BIN, &[], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_flags_dates_and_config_get_clear_errors() {
    let world = World::start().await;
    let output = world.run(BIN, &["--start-date", "2026-12-01"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(stderr(&output).contains("--start-date/--end-date has no meaning here"));

    let output = world.run(BIN, &["--start-date", "2026-13-01"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(stderr(&output).contains("YYYY-MM-DD"), "{}", text(&output));

    let output = world.run(BIN, &["--site", "No Such Site"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(stderr(&output).contains("no site is named `No Such Site`"));

    world.config(json!({ "guards": { "max_change_ratio": 2 } }));
    let output = world.run(BIN, &[]);
    assert_eq!(output.status.code(), Some(3), "{}", text(&output));
    assert!(stderr(&output).contains("settings.guards.max_change_ratio"));
    assert_eq!(world.writes(), 0);

    let help = world.run(BIN, &["--help"]);
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    for text in ["--dry-run", "--database-id", "Exit codes:", "7  locked"] {
        assert!(help.contains(text), "--help lists {text}");
    }
}

/// A property configuration as a create request takes it: no ids or names of its own or of
/// its options.
fn strip_ids(config: &mut Value) {
    match config {
        Value::Object(map) => {
            map.remove("id");
            // Options keep their names; properties are named by their key.
            if !map.contains_key("color") {
                map.remove("name");
            }
            map.values_mut().for_each(strip_ids);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_ids),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_id_writes_into_another_database() {
    let world = World::start().await;
    let notion = world.notion();
    let schema = notion
        .data_source(&oberaconnect::notion::DataSourceId::parse(CUSTOMER_STATUS).unwrap())
        .await
        .unwrap();
    let properties: serde_json::Map<String, Value> = schema
        .properties
        .values()
        .map(|p| {
            let mut config = p.raw.clone();
            strip_ids(&mut config);
            (p.name.clone(), config)
        })
        .collect();
    let rebuilt = notion
        .create_database(
            &PageId::parse(PARENT_PAGE_ID).unwrap(),
            "Customer Status Board (rebuilt)",
            Value::Object(properties),
        )
        .await
        .unwrap();

    let id = rebuilt.id.to_string();
    let run = world.run_json(BIN, &["--target", &id], 0);
    assert_eq!(run["counts"]["created"], 98, "{run}");
    let target = notion
        .data_source_of(&DatabaseId::parse(&id).unwrap())
        .await
        .unwrap();
    let rows = notion
        .query(&target, &oberaconnect::notion::Query::all())
        .await
        .unwrap();
    assert_eq!(by_key(&rows).len(), 98);
    assert!(
        world.pages(CUSTOMER_STATUS).await.is_empty(),
        "the configured one is untouched"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_prints_field_changes_and_writes_nothing() {
    let world = World::start().await;
    let output = world.run(BIN, &["--dry-run", "-q"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Plan (98 writes):"), "{stdout}");
    assert!(stdout.contains("  create  "));
    assert!(stdout.contains("Site Name"));
    assert!(stdout.contains("(dry run: nothing written)"));
    assert_eq!(world.writes(), 0);
    assert!(world.pages(CUSTOMER_STATUS).await.is_empty());

    world.run_json(BIN, &[], 0);
    let (id, _) = fleet_sites(&world)[0].clone();
    world
        .running
        .sim
        .fleet
        .mutate(|f| {
            f.sites.iter_mut().find(|s| s.site_id == id).unwrap().desc = "Dry Run Dental".into()
        })
        .unwrap();
    let writes = world.writes();
    let plan = world.run_json(BIN, &["--dry-run"], 0);
    assert_eq!(world.writes(), writes);
    let updates = plan["plan"]["writes"]["updates"].as_array().unwrap();
    assert_eq!(updates.len(), 1, "{plan}");
    let change = &updates[0]["changes"][0];
    assert_eq!(change["property"], "Site Name");
    assert_eq!(change["after"], "Dry Run Dental");
    assert!(
        change["before"]
            .as_str()
            .is_some_and(|b| b != "Dry Run Dental")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_gone_is_offboarded_after_the_configured_absences_and_comes_back() {
    let world = World::start().await;
    world.run_json(BIN, &[], 0);
    let removed = world
        .running
        .sim
        .fleet
        .mutate(|f| f.sites.remove(5))
        .unwrap();
    let id = removed.site_id.clone();
    let status = |pages: &[oberaconnect::notion::Page]| {
        value(by_key(pages)[id.as_str()], "Deployment Status")
    };

    for run in 1..=2 {
        let report = world.run_json(BIN, &[], 0);
        assert_eq!(report["counts"]["waiting"], 1, "run {run}: {report}");
        assert_ne!(status(&world.pages(CUSTOMER_STATUS).await), "offboarding");
    }
    let third = world.run_json(BIN, &[], 0);
    assert_eq!(third["counts"]["retired"], 1, "{third}");
    assert_eq!(status(&world.pages(CUSTOMER_STATUS).await), "offboarding");
    let quiet = world.run_json(BIN, &[], 0);
    assert_eq!(
        quiet["counts"]["retired"], 0,
        "a retired row is not retired again"
    );

    world
        .running
        .sim
        .fleet
        .mutate(|f| f.sites.insert(5, removed))
        .unwrap();
    world.run_json(BIN, &[], 0);
    let back = status(&world.pages(CUSTOMER_STATUS).await);
    assert!(
        ["active", "maintenance", "needs attention"].contains(&back.as_str()),
        "{back}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn site_limits_the_run_to_one_site_by_id_or_name() {
    let world = World::start().await;
    let (id, desc) = fleet_sites(&world)
        .into_iter()
        .find(|(_, desc)| !desc.eq_ignore_ascii_case("default"))
        .unwrap();
    let run = world.run_json(BIN, &["--site", &desc], 0);
    assert_eq!(run["counts"]["created"], 1, "{run}");
    let pages = world.pages(CUSTOMER_STATUS).await;
    assert_eq!(by_key(&pages).keys().collect::<Vec<_>>(), [&id]);

    let by_id = world.run_json(BIN, &["--site", &id], 0);
    assert_eq!(by_id["counts"]["unchanged"], 1);
    let people = world
        .notion()
        .update_page(
            &pages[0].id,
            [(
                "Notes",
                &PropertyValue::RichText("call before visiting".into()),
            )],
        )
        .await
        .unwrap();
    assert_eq!(value(&people, "Notes"), "call before visiting");
    world.run_json(BIN, &[], 0);
    let page = world
        .pages(CUSTOMER_STATUS)
        .await
        .into_iter()
        .find(|p| p.text("Sync Key") == Some(id.as_str()))
        .unwrap();
    assert_eq!(
        value(&page, "Notes"),
        "call before visiting",
        "Notes belong to people"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renaming_most_sites_at_once_trips_the_change_guard() {
    let world = World::start().await;
    world.run_json(BIN, &[], 0);
    let writes = world.writes();
    // The UniFi quirk: single-site gateways all called `Default`, then named by host.
    world
        .running
        .sim
        .fleet
        .mutate(|f| {
            for site in f.sites.iter_mut().take(40) {
                site.desc = format!("Renamed {}", site.site_id);
            }
        })
        .unwrap();

    let output = world.run(BIN, &[]);
    assert_eq!(output.status.code(), Some(6), "{}", text(&output));
    assert!(
        stderr(&output).contains("guard: the plan changes or retires 40 of 98 rows"),
        "{}",
        text(&output)
    );
    assert_eq!(world.writes(), writes);

    let dry = world.run(BIN, &["--dry-run"]);
    assert_eq!(
        dry.status.code(),
        Some(6),
        "a dry run says the guard would trip"
    );
    let plan = String::from_utf8_lossy(&dry.stdout);
    assert!(
        plan.contains("Plan (40 writes):"),
        "and still shows the plan: {plan}"
    );

    let forced = world.run_json(BIN, &["--force"], 0);
    assert_eq!(forced["counts"]["updated"], 40, "{forced}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_are_reported_and_trashed_on_a_full_sync() {
    let world = World::start().await;
    world.run_json(BIN, &[], 0);
    let pages = world.pages(CUSTOMER_STATUS).await;
    let original = &pages[0];
    let key = original.text("Sync Key").unwrap().to_owned();
    // An older tool (or a person) adds a second page with the same key.
    let data_source = oberaconnect::notion::DataSourceId::parse(CUSTOMER_STATUS).unwrap();
    let copy = world
        .notion()
        .create_page(
            &data_source,
            [
                ("Site Name", &PropertyValue::Title("copy".into())),
                ("Sync Key", &PropertyValue::RichText(key.clone())),
            ],
        )
        .await
        .unwrap();

    let run = world.run_json(BIN, &[], 0);
    assert_eq!(run["counts"]["duplicates"], 1, "{run}");
    assert!(
        run["notes"].to_string().contains("run with --full-sync"),
        "{run}"
    );
    assert_eq!(
        world.pages(CUSTOMER_STATUS).await.len(),
        99,
        "reported, not touched"
    );

    let full = world.run_json(BIN, &["--full-sync"], 0);
    assert_eq!(full["counts"]["trashed"], 1, "{full}");
    let pages = world.pages(CUSTOMER_STATUS).await;
    assert_eq!(by_key(&pages).len(), 98);
    assert!(
        pages.iter().all(|p| p.id != copy.id),
        "the newer copy went to the trash"
    );
    assert!(
        pages.iter().any(|p| p.id == original.id),
        "the original stays"
    );
    let audit = world.audit();
    let sources = audit
        .iter()
        .find(|l| l["event"] == "secret_sources")
        .unwrap();
    assert_eq!(sources["sources"]["NOTION_TOKEN"], "vault", "{sources}");
}
