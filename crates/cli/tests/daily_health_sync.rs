//! daily-health-sync end to end: the binary in DR test mode against the simulator, Notion
//! read back as an operator would see it.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};
use mock_apis::control::{Operation, perform};
use serde_json::{Value, json};
use support::{World, by_key, stderr, text, value};

const BIN: &str = "daily-health-sync";
const DAILY_HEALTH: &str = "00000000-0000-4000-8000-00000000d502";
const SITES: usize = 98;

/// The business date today, as the binary computes it (the simulator's clock, Chicago).
fn today(world: &World) -> NaiveDate {
    let clock: Value = perform(&world.running.sim, Operation::Clock).expect("the clock answers");
    let now = clock["now"]
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .expect("the simulator tells its time");
    now.with_timezone(&chrono_tz::America::Chicago).date_naive()
}

/// Dates of the rows by site id.
fn dates_by_site(pages: &[oberaconnect::notion::Page]) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (key, page) in by_key(pages) {
        let (site, date) = key.rsplit_once(':').expect("keys are {site}:{date}");
        assert_eq!(value(page, "Date"), date, "the title is the key's date");
        out.entry(site.to_owned())
            .or_default()
            .insert(date.to_owned());
    }
    out
}

fn date_arg(date: NaiveDate) -> String {
    date.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifteen_day_backfill_creates_fifteen_rows_per_site_and_a_rerun_writes_nothing() {
    let world = World::start().await;
    let today = today(&world);
    let start = date_arg(today - Duration::days(15));
    let end = date_arg(today - Duration::days(1));
    let run = world.run_json(BIN, &["--start-date", &start, "--end-date", &end], 0);
    assert_eq!(run["counts"]["created"], SITES * 15, "{run}");
    let pages = world.pages(DAILY_HEALTH).await;
    let dates = dates_by_site(&pages);
    assert_eq!(dates.len(), SITES);
    assert!(dates.values().all(|d| d.len() == 15), "15 days per site");
    let notes = run["notes"].to_string();
    assert!(
        notes.contains("partial days"),
        "history-only days are named: {notes}"
    );
    // History days carry the ISP figures and leave what only a snapshot knows empty.
    let page = pages.first().unwrap();
    assert!(
        !value(page, "WAN Uptime").is_empty(),
        "{:?}",
        page.properties
    );
    assert!(value(page, "Health Score").is_empty());

    let writes = world.writes();
    let again = world.run_json(BIN, &["--start-date", &start, "--end-date", &end], 0);
    assert_eq!(world.writes(), writes, "a re-run writes nothing: {again}");
    assert_eq!(again["counts"]["unchanged"], SITES * 15);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_range_across_a_daylight_saving_change_has_one_row_per_day() {
    let world = World::start().await;
    // To 2027-03-20: US clocks went forward on 2027-03-14.
    let today = today(&world);
    let target = NaiveDate::from_ymd_opt(2027, 3, 20).unwrap();
    world.tick(&format!("{}d", (target - today).num_days()));
    let run = world.run_json(
        BIN,
        &["--start-date", "2027-03-10", "--end-date", "2027-03-17"],
        0,
    );
    assert_eq!(run["counts"]["created"], SITES * 8, "{run}");
    let dates = dates_by_site(&world.pages(DAILY_HEALTH).await);
    let expected: BTreeSet<String> = (10..=17).map(|d| format!("2027-03-{d:02}")).collect();
    for (site, days) in &dates {
        assert_eq!(days, &expected, "site {site}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_missed_days_are_published_by_the_next_run() {
    let world = World::start().await;
    let first = world.run_json(BIN, &[], 0);
    assert_eq!(first["counts"]["created"], SITES, "{first}");
    world.tick("3d");
    let next = world.run_json(BIN, &[], 0);
    // The three days since, each once (the last published day is looked at again).
    assert_eq!(next["counts"]["created"], SITES * 3, "{next}");
    let dates = dates_by_site(&world.pages(DAILY_HEALTH).await);
    assert!(dates.values().all(|d| d.len() == 4), "{dates:?}");
    let writes = world.writes();
    world.run_json(BIN, &[], 0);
    assert_eq!(world.writes(), writes, "nothing left to catch up");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notion_outage_mid_run_then_a_rerun_leaves_every_row_once() {
    let world = World::start().await;
    let today = today(&world);
    let start = date_arg(today - Duration::days(3));
    let end = date_arg(today - Duration::days(1));
    world.fault(json!({ "api": "notion", "kind": "outage", "after": 60 }));
    let output = world.run(BIN, &["--start-date", &start, "--end-date", &end]);
    assert_eq!(output.status.code(), Some(5), "{}", text(&output));
    world.clear_faults();
    let cut = world.pages(DAILY_HEALTH).await.len();
    assert!(cut < SITES * 3, "the outage cut the run: {cut}");
    world.run_json(BIN, &["--start-date", &start, "--end-date", &end], 0);
    let pages = world.pages(DAILY_HEALTH).await;
    assert_eq!(by_key(&pages).len(), SITES * 3);
    assert_eq!(pages.len(), SITES * 3, "no duplicate page");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_is_a_change_no_manual_entry_covers() {
    let world = World::start().await;
    world.run_json(BIN, &[], 0);
    world.tick("5d");
    let preview = world.run_json(BIN, &["--dry-run"], 0);
    let drifted: Vec<String> = preview["review"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| {
            item["reasons"]
                .to_string()
                .contains("Config drift detected")
        })
        .map(|item| item["key"].as_str().unwrap().to_owned())
        .collect();
    assert!(drifted.len() >= 2, "five days change some sites: {preview}");
    let (logged_site, logged_day) = drifted[0].rsplit_once(':').unwrap();
    let log = world.run(
        "config-change-sync",
        &[
            "log",
            "--tool",
            "unifi-deploy",
            "--site",
            logged_site,
            "--action",
            "update",
            "--summary",
            "Firmware rollout",
        ],
    );
    assert_eq!(log.status.code(), Some(0), "{}", text(&log));

    world.run_json(BIN, &[], 0);
    let pages = world.pages(DAILY_HEALTH).await;
    let rows = by_key(&pages);
    let covered = rows[&format!("{logged_site}:{logged_day}")];
    assert_eq!(
        value(covered, "Config Drift Detected"),
        "false",
        "the entry covers it"
    );
    let other = rows[drifted[1].as_str()];
    assert_eq!(value(other, "Config Drift Detected"), "true");
    assert!(value(other, "Health Score").parse::<u32>().unwrap() <= 85);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_ranges_get_clear_errors_or_a_partial_report() {
    let world = World::start().await;
    let today = today(&world);
    let cases: [(&[&str], &str); 3] = [
        (
            &["--start-date", "2026-12-03", "--end-date", "2026-12-01"],
            "is after --end-date",
        ),
        (&["--start-date", "2026-13-01"], "YYYY-MM-DD"),
        (&["--end-date", "2099-01-01"], "in the future"),
    ];
    for (args, message) in cases {
        let output = world.run(BIN, args);
        assert_eq!(output.status.code(), Some(2), "{}", text(&output));
        assert!(stderr(&output).contains(message), "{}", text(&output));
    }
    assert_eq!(world.writes(), 0);

    let start = date_arg(today - Duration::days(60));
    let end = date_arg(today - Duration::days(45));
    let run = world.run_json(BIN, &["--start-date", &start, "--end-date", &end], 0);
    assert_eq!(run["counts"]["created"], 0, "nothing is invented: {run}");
    let notes = run["notes"].to_string();
    assert!(notes.contains("missing days"), "{notes}");
    assert!(notes.contains(&start), "{notes}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_link_to_their_customer_status_page() {
    let world = World::start().await;
    world.run_json("customer-status-sync", &[], 0);
    world.run_json(BIN, &[], 0);
    let pages = world.pages(DAILY_HEALTH).await;
    assert_eq!(pages.len(), SITES);
    let customers = world.pages(support::CUSTOMER_STATUS).await;
    let ids: BTreeSet<String> = customers.iter().map(|p| p.id.to_string()).collect();
    for page in &pages {
        let site = value(page, "Site");
        assert!(ids.contains(&site), "row {} links to {site}", page.id);
        // Today has a snapshot: a score wherever UniFi gave device counts.
        let counted = !value(page, "Devices Total").is_empty();
        assert_eq!(
            !value(page, "Health Score").is_empty(),
            counted,
            "{:?}",
            page.properties
        );
    }
    let scored = pages
        .iter()
        .filter(|p| !value(p, "Health Score").is_empty())
        .count();
    assert!(scored > SITES * 9 / 10, "{scored} of {SITES} scored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ninjaone_outage_writes_no_zeros() {
    let world = World::start().await;
    world.fault(json!({ "api": "ninjaone", "kind": "outage" }));
    let output = world.run(BIN, &[]);
    assert_eq!(output.status.code(), Some(5), "{}", text(&output));
    assert_eq!(world.writes(), 0, "no row with made-up alert counts");
    world.clear_faults();
    let run = world.run_json(BIN, &[], 0);
    assert_eq!(run["counts"]["created"], SITES);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_site_by_name_and_a_dry_run_that_keeps_nothing() {
    let world = World::start().await;
    let preview = world.run_json(BIN, &["--dry-run"], 0);
    assert_eq!(preview["counts"]["created"], SITES);
    assert_eq!(world.writes(), 0);
    let creates = preview["plan"]["writes"]["creates"]
        .as_array()
        .unwrap()
        .clone();
    let labels: Vec<&str> = creates
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    let name = labels
        .iter()
        .find(|l| labels.iter().filter(|m| m == l).count() == 1)
        .expect("a site with a name of its own")
        .to_string();
    let run = world.run_json(BIN, &["--site", &name], 0);
    assert_eq!(run["counts"]["created"], 1, "{run}");
    let pages = world.pages(DAILY_HEALTH).await;
    assert_eq!(pages.len(), 1);
    // The dry run stored no snapshot: the site's history starts with the real run.
    world.tick("1d");
    let next = world.run_json(BIN, &["--site", &name], 0);
    assert_eq!(next["counts"]["created"], 1, "the new day only: {next}");
}
