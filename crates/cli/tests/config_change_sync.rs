//! config-change-sync (the sync) end to end: NinjaOne configuration changes and UniFi
//! differences land in the Config Changes Log once, across repeated and interrupted runs.

mod support;

use std::collections::BTreeMap;

use mock_apis::control::{Operation, perform};
use serde_json::{Value, json};
use support::{World, by_key, text, value};

const BIN: &str = "config-change-sync";
const CONFIG_CHANGES: &str = "00000000-0000-4000-8000-00000000d503";

/// Row counts by the source part of their key (`ninjaone`, `unifi`, `manual`).
fn by_source(pages: &[oberaconnect::notion::Page]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for key in by_key(pages).keys() {
        let source = key.split(':').next().unwrap().to_owned();
        *out.entry(source).or_default() += 1;
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_source_lands_once_and_a_rerun_writes_nothing() {
    let world = World::start().await;
    let logged = world.run(
        BIN,
        &[
            "log",
            "--tool",
            "mikrotik-config-builder",
            "--site",
            "Branch office",
            "--action",
            "deploy",
            "--summary",
            "New VLAN for cameras",
        ],
    );
    assert_eq!(logged.status.code(), Some(0), "{}", text(&logged));
    let first = world.run_json(BIN, &[], 0);
    let pages = world.pages(CONFIG_CHANGES).await;
    let counts = by_source(&pages);
    assert!(
        counts["ninjaone"] > 0,
        "the activity history has changes: {first}"
    );
    assert!(
        !counts.contains_key("unifi"),
        "a first reading has nothing to compare"
    );
    let notes = first["notes"].to_string();
    assert!(notes.contains("first UniFi reading"), "{notes}");
    let page = pages
        .iter()
        .find(|p| value(p, "Sync Key").starts_with("ninjaone:"))
        .unwrap();
    assert_eq!(value(page, "Tool"), "ninjaone");
    assert_eq!(value(page, "Vendor"), "NinjaOne");
    assert_eq!(value(page, "Change ID"), value(page, "Sync Key"));
    assert!(!value(page, "Timestamp").is_empty());

    let writes = world.writes();
    let again = world.run_json(BIN, &[], 0);
    assert_eq!(
        world.writes(),
        writes,
        "nothing new, nothing written: {again}"
    );

    world.tick("5d");
    let later = world.run_json(BIN, &[], 0);
    let counts_later = by_source(&world.pages(CONFIG_CHANGES).await);
    assert!(
        counts_later["ninjaone"] > counts["ninjaone"],
        "new activities: {later}"
    );
    assert!(
        counts_later.get("unifi").copied().unwrap_or(0) > 0,
        "five days change devices"
    );
    let writes = world.writes();
    world.run_json(BIN, &[], 0);
    assert_eq!(world.writes(), writes, "each change once");
    assert_eq!(
        counts_later["manual"], 1,
        "the sync leaves manual entries alone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_run_loses_nothing_and_duplicates_nothing() {
    let world = World::start().await;
    world.run_json(BIN, &[], 0);
    world.tick("5d");
    // Cut the run half way through its creates.
    let preview = world.run_json(BIN, &["--dry-run"], 0);
    let reads = preview["api_calls"]["notion"].as_u64().unwrap();
    let creates = preview["counts"]["created"].as_u64().unwrap();
    assert!(creates >= 10, "five days bring changes: {preview}");
    let before = world.pages(CONFIG_CHANGES).await.len() as u64;
    world.fault(json!({ "api": "notion", "kind": "outage", "after": reads + creates / 2 }));
    let output = world.run(BIN, &[]);
    assert_eq!(output.status.code(), Some(5), "{}", text(&output));
    world.clear_faults();
    let cut = world.pages(CONFIG_CHANGES).await.len() as u64;
    assert!(
        cut > before && cut < before + creates,
        "cut mid-run: {before} < {cut}"
    );
    world.run_json(BIN, &[], 0);
    let pages = world.pages(CONFIG_CHANGES).await;
    assert_eq!(by_key(&pages).len(), pages.len(), "no duplicate page");
    // A full re-read of the history finds every change already there.
    let full = world.run_json(BIN, &["--full-sync"], 0);
    assert_eq!(full["counts"]["created"], 0, "nothing was skipped: {full}");
    assert_eq!(world.pages(CONFIG_CHANGES).await.len(), pages.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_date_range_selects_changes_by_time_and_keeps_the_checkpoint() {
    let world = World::start().await;
    let clock: Value = perform(&world.running.sim, Operation::Clock).unwrap();
    let now = chrono::DateTime::parse_from_rfc3339(clock["now"].as_str().unwrap()).unwrap();
    let today = now.with_timezone(&chrono_tz::America::Chicago).date_naive();
    let start = (today - chrono::Duration::days(4)).to_string();
    let end = (today - chrono::Duration::days(3)).to_string();
    let after = (today - chrono::Duration::days(2)).to_string();
    let run = world.run_json(BIN, &["--start-date", &start, "--end-date", &end], 0);
    let pages = world.pages(CONFIG_CHANGES).await;
    for page in &pages {
        let day = &value(page, "Timestamp")[..10];
        // Chicago days: a UTC time up to 06:00 the next day still belongs to the range.
        assert!(
            (start.as_str()..=after.as_str()).contains(&day),
            "{day}: {run}"
        );
    }
    assert!(
        run["notes"].to_string().contains("checkpoint stays"),
        "{run}"
    );
    // The next plain run reads the whole history, the range's rows included once.
    world.run_json(BIN, &[], 0);
    let all = world.pages(CONFIG_CHANGES).await;
    assert_eq!(by_key(&all).len(), all.len());
    assert!(all.len() > pages.len());
}
