//! `alert-sync` end to end: the real binary in DR test mode against the
//! simulator, checking what a user sees in Device Issues (one page per active
//! alert, keyed by its uid), the exit codes and messages, and that no
//! credential ever appears in what the binary prints.
//!
//! The simulator's fleet is changed directly where a scenario needs one alert
//! to clear or return; `tick` plays out a day of the fleet's own alerts
//! raising and clearing.

mod support;

use std::collections::BTreeSet;
use std::process::Output;

use chrono::{DateTime, NaiveDate, Utc};
use mock_apis::fleet::{Alert, Fleet};
use oberaconnect::notion::{DataSourceId, DateValue, Page, PropertyValue};
use serde_json::{Value, json};
use support::{ALERTS, World, by_key, changed_keys, snapshot, text, value};

const BIN: &str = "alert-sync";

// --------------------------------------------------------------------------
// Helpers

/// Runs `alert-sync` with `args` and checks that no credential of the
/// simulator appears in anything it printed.
fn sync(world: &World, args: &[&str]) -> Output {
    let output = world.run(BIN, args);
    assert_no_secrets(world, &output);
    output
}

/// Runs `alert-sync --json -q` with `args`, checks its exit code, returns
/// its report.
fn sync_json(world: &World, args: &[&str], code: i32) -> Value {
    let mut all = vec!["--json", "-q"];
    all.extend_from_slice(args);
    let output = sync(world, &all);
    assert_eq!(output.status.code(), Some(code), "{}", text(&output));
    support::report(&output)
}

fn assert_no_secrets(world: &World, output: &Output) {
    let credentials = world.running.sim.credentials().unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    for (name, secret) in [
        ("notion token", &credentials.notion_token),
        ("unifi api key", &credentials.unifi_api_key),
        (
            "ninjaone client secret",
            &credentials.ninjaone_client_secret,
        ),
        ("azure client secret", &credentials.azure_client_secret),
        ("identity header", &credentials.identity_header),
    ] {
        assert!(
            !secret.is_empty() && !printed.contains(secret.as_str()),
            "the {name} appears in the output:\n{}",
            text(output)
        );
    }
}

/// The simulator's active alerts now.
fn fleet_alerts(world: &World) -> Vec<Alert> {
    world.running.sim.fleet.read(|f| f.alerts.clone()).unwrap()
}

fn uids(alerts: &[Alert]) -> BTreeSet<String> {
    alerts.iter().map(|a| a.uid.clone()).collect()
}

fn fleet(world: &World, change: impl FnOnce(&mut Fleet)) {
    world.running.sim.fleet.mutate(change).unwrap();
}

/// Takes the alert `uid` out of NinjaOne's active list (it clears) and
/// returns it.
fn clear_alert(world: &World, uid: &str) -> Alert {
    let mut cleared = None;
    fleet(world, |f| {
        let at = f
            .alerts
            .iter()
            .position(|a| a.uid == uid)
            .expect("alert active");
        cleared = Some(f.alerts.remove(at));
    });
    cleared.unwrap()
}

/// The calendar date of `epoch_secs` in the business time zone (the default
/// of config.json, which these tests leave unset).
fn business_date(epoch_secs: f64) -> NaiveDate {
    let zone = oberaconnect::config::Settings::default().business_time_zone;
    assert_eq!(zone.name(), "America/Chicago");
    let secs = epoch_secs.floor() as i64;
    let time = DateTime::<Utc>::from_timestamp(secs, 0).unwrap();
    time.with_timezone(&zone).date_naive()
}

/// The simulator's date today in the business time zone.
fn business_today(world: &World) -> NaiveDate {
    business_date(world.running.sim.now().unwrap().timestamp() as f64)
}

fn keys(pages: &[Page]) -> BTreeSet<String> {
    by_key(pages).into_keys().collect()
}

fn status(pages: &[Page], key: &str) -> String {
    let keyed = by_key(pages);
    let page = keyed
        .get(key)
        .unwrap_or_else(|| panic!("no page keyed {key}"));
    value(page, "Status")
}

fn page_id(pages: &[Page], key: &str) -> String {
    by_key(pages)[key].id.to_string()
}

fn gone_page_id(pages: &[Page], key: &str) -> oberaconnect::notion::PageId {
    by_key(pages)[key].id.clone()
}

fn select(name: &str) -> PropertyValue {
    PropertyValue::Select(Some(name.to_owned()))
}

// --------------------------------------------------------------------------
// 1. Cold sync, then a run with nothing to do

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cold_sync_writes_one_new_page_per_active_alert_then_nothing() {
    let world = World::start().await;
    let alerts = fleet_alerts(&world);
    assert!(
        alerts.len() >= 10,
        "the simulator has few alerts: {}",
        alerts.len()
    );

    let report = sync_json(&world, &[], 0);
    assert_eq!(report["counts"]["created"], alerts.len());
    assert_eq!(report["counts"]["failed"], 0);

    let pages = world.pages(ALERTS).await;
    assert_eq!(pages.len(), alerts.len());
    assert_eq!(keys(&pages), uids(&alerts));
    let keyed = by_key(&pages);
    let today = business_today(&world).to_string();
    let (devices, organizations) = world
        .running
        .sim
        .fleet
        .read(|f| (f.devices.clone(), f.organizations.clone()))
        .unwrap();
    for alert in &alerts {
        let page = keyed[alert.uid.as_str()];
        let device = devices.iter().find(|d| d.id == alert.device_id).unwrap();
        let organization = organizations
            .iter()
            .find(|o| o.id == device.organization_id)
            .unwrap();
        let names = [&device.system_name, &device.display_name, &device.dns_name];
        assert_eq!(value(page, "Status"), "new", "{}", alert.uid);
        assert!(
            names.iter().any(|n| **n == value(page, "Device Name")),
            "Device Name {:?} is none of {names:?}",
            value(page, "Device Name")
        );
        assert_eq!(value(page, "Organization"), organization.name);
        assert!(
            ["critical", "warning"].contains(&value(page, "Severity").as_str()),
            "Severity {:?}",
            value(page, "Severity")
        );
        assert_eq!(value(page, "Alert UID"), alert.uid);
        assert_eq!(value(page, "Device ID"), alert.device_id.to_string());
        assert_eq!(value(page, "Details"), alert.message);
        assert_eq!(
            value(page, "Created"),
            business_date(alert.create_time).to_string(),
            "Created is the creation date in America/Chicago"
        );
        assert_eq!(value(page, "Last Seen"), today);
    }

    let writes = world.writes();
    let report = sync_json(&world, &[], 0);
    assert_eq!(world.writes(), writes, "a second run wrote to Notion");
    assert_eq!(report["counts"]["created"], 0);
    assert_eq!(report["counts"]["updated"], 0);
    assert_eq!(report["counts"]["retired"], 0);
    assert_eq!(report["counts"]["unchanged"], alerts.len());
    assert_eq!(world.pages(ALERTS).await.len(), alerts.len());

    // The most verbose logging, with every request, still shows no credential
    // (`sync` checks), and the report says what happened.
    let output = sync(&world, &["-vv"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("alert-sync: success (exit 0)"), "{stdout}");
    assert!(support::stderr(&output).contains("DEBUG"), "no debug log");
    assert_eq!(world.writes(), writes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unlisted_devices_and_organizations_are_named_as_such() {
    let world = World::start().await;
    let (stray, moved) = world
        .running
        .sim
        .fleet
        .mutate(|f| {
            // An alert on a device NinjaOne no longer lists, and a device whose
            // organization it does not list.
            let mut stray = f.alerts[0].clone();
            stray.uid = "00000000-0000-4000-8000-000000000001".into();
            stray.device_id = 999_999;
            f.alerts.push(stray.clone());
            let moved = f.alerts[1].clone();
            let device = f.devices.iter_mut().find(|d| d.id == moved.device_id);
            device.unwrap().organization_id = 424_242;
            (stray.uid, moved.uid)
        })
        .unwrap();

    sync_json(&world, &[], 0);
    let pages = world.pages(ALERTS).await;
    let keyed = by_key(&pages);
    assert_eq!(
        value(keyed[stray.as_str()], "Device Name"),
        "Unknown Device"
    );
    assert_eq!(value(keyed[stray.as_str()], "Organization"), "Unknown");
    assert_eq!(value(keyed[stray.as_str()], "Device ID"), "999999");
    assert_eq!(value(keyed[moved.as_str()], "Organization"), "Org 424242");
}

// --------------------------------------------------------------------------
// 2. A day later

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_later_creates_new_alerts_resolves_cleared_ones_and_writes_only_changes() {
    let world = World::start().await;
    let first = uids(&fleet_alerts(&world));
    sync_json(&world, &[], 0);
    let before = snapshot(&world.pages(ALERTS).await);
    let writes_before = world.writes();

    world.tick("1d");
    let now = uids(&fleet_alerts(&world));
    let raised: BTreeSet<_> = now.difference(&first).cloned().collect();
    let cleared: BTreeSet<_> = first.difference(&now).cloned().collect();
    assert!(
        !raised.is_empty() && !cleared.is_empty(),
        "a simulated day should raise and clear alerts ({} raised, {} cleared)",
        raised.len(),
        cleared.len()
    );

    // A dry run shows the same plan and writes nothing.
    let plan = sync_json(&world, &["--dry-run"], 0);
    assert_eq!(plan["counts"]["created"], raised.len(), "{plan}");
    assert_eq!(plan["counts"]["retired"], cleared.len(), "{plan}");
    assert_eq!(world.writes(), writes_before, "a dry run wrote to Notion");

    // No --force: a normal day (alerts clear, Last Seen moves) must not trip
    // the change guard. Retirements are routine for alerts and Last Seen is a
    // routine property (crates/core/src/sync/guards.rs), so only other changes
    // count.
    let report = sync_json(&world, &[], 0);
    let pages = world.pages(ALERTS).await;
    let after = snapshot(&pages);

    assert_eq!(report["counts"]["created"], raised.len());
    assert_eq!(report["counts"]["retired"], cleared.len());
    let expected_keys: BTreeSet<_> = first.union(&now).cloned().collect();
    assert_eq!(keys(&pages), expected_keys, "one page per alert ever seen");
    for key in &raised {
        assert_eq!(status(&pages, key), "new", "{key}");
    }
    for key in &cleared {
        assert_eq!(status(&pages, key), "resolved", "{key}");
    }
    for key in now.intersection(&first) {
        assert_eq!(status(&pages, key), "new", "{key}");
        assert_eq!(
            after[key]["Last Seen"],
            business_today(&world).to_string(),
            "{key}"
        );
    }

    let writes = world.writes() - writes_before;
    let changed = changed_keys(&before, &after) as u64;
    assert_eq!(writes, changed, "Notion writes against rows that changed");
    let counts = &report["counts"];
    let reported = ["created", "updated", "retired"]
        .iter()
        .map(|c| counts[c].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(reported, writes, "{report}");
}

// --------------------------------------------------------------------------
// 3. People's columns

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peoples_status_action_time_and_notes_survive_an_update() {
    let world = World::start().await;
    sync_json(&world, &[], 0);
    let alert = fleet_alerts(&world).remove(0);

    // A person adds a Notes column (the template has none) and triages one row.
    let source = DataSourceId::parse(ALERTS).unwrap();
    world
        .notion()
        .update_data_source(&source, json!({ "Notes": { "rich_text": {} } }))
        .await
        .unwrap();
    let pages = world.pages(ALERTS).await;
    let page = by_key(&pages)[alert.uid.as_str()].id.clone();
    let notes = PropertyValue::RichText("called the client, reboot tonight".into());
    let time = PropertyValue::Date(Some(DateValue::on("2026-12-20")));
    let edits = [
        ("Status", select("acknowledged")),
        ("Scheduled Action", select("reboot")),
        ("Scheduled Time", time),
        ("Notes", notes),
    ];
    world
        .notion()
        .update_page(&page, edits.iter().map(|(n, v)| (*n, v)))
        .await
        .unwrap();

    // The alert's message changes in NinjaOne, so the run must write to that
    // very row.
    let message = format!("{} (still failing)", alert.message);
    fleet(&world, |f| {
        let active = f.alerts.iter_mut().find(|a| a.uid == alert.uid).unwrap();
        active.message = message.clone();
    });
    let writes = world.writes();
    let report = sync_json(&world, &[], 0);
    assert_eq!(report["counts"]["updated"], 1, "{report}");
    assert_eq!(world.writes(), writes + 1);

    let pages = world.pages(ALERTS).await;
    let row = by_key(&pages)[alert.uid.as_str()];
    assert_eq!(value(row, "Details"), message);
    assert_eq!(value(row, "Status"), "acknowledged");
    assert_eq!(value(row, "Scheduled Action"), "reboot");
    assert_eq!(value(row, "Scheduled Time"), "2026-12-20");
    assert_eq!(value(row, "Notes"), "called the client, reboot tonight");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_written_before_sync_key_is_adopted_not_duplicated() {
    let world = World::start().await;
    let alerts = fleet_alerts(&world);
    let old = &alerts[0];

    // A row an older tool wrote: keyed by Alert UID only, already triaged.
    let source = DataSourceId::parse(ALERTS).unwrap();
    let properties = [
        ("Device Name", PropertyValue::Title("old name".into())),
        ("Alert UID", PropertyValue::RichText(old.uid.clone())),
        ("Status", select("scheduled")),
    ];
    let legacy = world
        .notion()
        .create_page(&source, properties.iter().map(|(n, v)| (*n, v)))
        .await
        .unwrap();

    let report = sync_json(&world, &[], 0);
    assert_eq!(report["counts"]["created"], alerts.len() - 1, "{report}");
    assert_eq!(report["counts"]["updated"], 1, "{report}");
    let pages = world.pages(ALERTS).await;
    assert_eq!(pages.len(), alerts.len());
    let row = by_key(&pages)[old.uid.as_str()];
    assert_eq!(row.id, legacy.id, "the old row keeps the alert");
    assert_eq!(value(row, "Sync Key"), old.uid);
    assert_eq!(value(row, "Status"), "scheduled");
    assert_ne!(value(row, "Device Name"), "old name");
}

// --------------------------------------------------------------------------
// 4. Resolve and reopen

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cleared_alert_is_resolved_and_reopened_on_the_same_page() {
    let world = World::start().await;
    let alerts = fleet_alerts(&world);
    sync_json(&world, &[], 0);
    let pages = world.pages(ALERTS).await;
    let (gone, wrongly_resolved) = (alerts[0].uid.clone(), alerts[1].uid.clone());
    let gone_page = page_id(&pages, &gone);

    // Alert 0 clears; a person marks alert 1 resolved although NinjaOne
    // still has it.
    let cleared = clear_alert(&world, &gone);
    let page = by_key(&pages)[wrongly_resolved.as_str()].id.clone();
    world
        .notion()
        .update_page(&page, [("Status", &select("resolved"))])
        .await
        .unwrap();

    let report = sync_json(&world, &[], 0);
    assert_eq!(report["counts"]["retired"], 1, "{report}");
    assert_eq!(report["counts"]["updated"], 1, "{report}");
    let pages = world.pages(ALERTS).await;
    assert_eq!(pages.len(), alerts.len(), "no page is added or removed");
    assert_eq!(status(&pages, &gone), "resolved");
    assert_eq!(page_id(&pages, &gone), gone_page);
    assert_eq!(
        status(&pages, &wrongly_resolved),
        "new",
        "an active alert reopens"
    );

    // A resolved row stays resolved while its alert stays away.
    let writes = world.writes();
    sync_json(&world, &[], 0);
    assert_eq!(world.writes(), writes);

    // The alert returns: the same page is new again.
    fleet(&world, |f| f.alerts.push(cleared));
    let report = sync_json(&world, &[], 0);
    assert_eq!(report["counts"]["created"], 0, "{report}");
    assert_eq!(report["counts"]["updated"], 1, "{report}");
    let pages = world.pages(ALERTS).await;
    assert_eq!(
        pages.len(),
        alerts.len(),
        "no second page for a returning alert"
    );
    assert_eq!(status(&pages, &gone), "new");
    assert_eq!(page_id(&pages, &gone), gone_page);

    // It clears again and is resolved again. The sync resolves a cleared alert once; a person who then takes the row up again
    // (follow-up work) keeps it as they set it while the alert stays away.
    let cleared = clear_alert(&world, &gone);
    sync_json(&world, &[], 0);
    assert_eq!(status(&world.pages(ALERTS).await, &gone), "resolved");
    world
        .notion()
        .update_page(
            &gone_page_id(&pages, &gone),
            [("Status", &select("in_progress"))],
        )
        .await
        .unwrap();
    sync_json(&world, &[], 0);
    sync_json(&world, &[], 0);
    assert_eq!(status(&world.pages(ALERTS).await, &gone), "in_progress");
    // And when it returns, the person's status is not resolved, so it stays.
    fleet(&world, |f| f.alerts.push(cleared));
    sync_json(&world, &[], 0);
    assert_eq!(status(&world.pages(ALERTS).await, &gone), "in_progress");
}

// --------------------------------------------------------------------------
// 5. Date range and refused flags

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_date_range_syncs_only_alerts_created_in_it() {
    let world = World::start().await;
    let alerts = fleet_alerts(&world);
    let dates: BTreeSet<NaiveDate> = alerts
        .iter()
        .map(|a| business_date(a.create_time))
        .collect();
    assert!(dates.len() >= 3, "alerts span too few days: {dates:?}");
    let dates: Vec<NaiveDate> = dates.into_iter().collect();
    // Leave out the first and the last day the alerts were created on.
    let (start, end) = (dates[1], dates[dates.len() - 2]);
    let in_range = |a: &&Alert| (start..=end).contains(&business_date(a.create_time));
    let inside: Vec<&Alert> = alerts.iter().filter(in_range).collect();
    let outside: Vec<&Alert> = alerts.iter().filter(|a| !in_range(a)).collect();
    assert!(!inside.is_empty() && !outside.is_empty());

    let (start, end) = (start.to_string(), end.to_string());
    let range = ["--start-date", start.as_str(), "--end-date", end.as_str()];
    let report = sync_json(&world, &range, 0);
    assert_eq!(report["counts"]["created"], inside.len(), "{report}");
    let pages = world.pages(ALERTS).await;
    let expected: BTreeSet<String> = inside.iter().map(|a| a.uid.clone()).collect();
    assert_eq!(keys(&pages), expected);
    for page in &pages {
        let created = value(page, "Created");
        assert!(start <= created && created <= end, "Created {created}");
    }

    // The rest come with a run without a range.
    let report = sync_json(&world, &[], 0);
    assert_eq!(report["counts"]["created"], outside.len(), "{report}");

    // A ranged run resolves only the rows in its range: an alert outside it
    // that cleared is left for a run that covers it.
    let (inner, outer) = (inside[0].uid.clone(), outside[0].uid.clone());
    clear_alert(&world, &inner);
    clear_alert(&world, &outer);
    let report = sync_json(&world, &range, 0);
    assert_eq!(report["counts"]["retired"], 1, "{report}");
    let pages = world.pages(ALERTS).await;
    assert_eq!(status(&pages, &inner), "resolved");
    assert_eq!(status(&pages, &outer), "new");
    sync_json(&world, &[], 0);
    assert_eq!(status(&world.pages(ALERTS).await, &outer), "resolved");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_dates_and_fail_on_review_are_usage_errors() {
    let world = World::start().await;
    let today = business_today(&world);
    let yesterday = (today - chrono::Days::new(1)).to_string();
    let future = (today + chrono::Days::new(2)).to_string();
    let today = today.to_string();

    let reversed = sync(&world, &["--start-date", &today, "--end-date", &yesterday]);
    assert_eq!(reversed.status.code(), Some(2), "{}", text(&reversed));
    let stderr = support::stderr(&reversed);
    assert!(
        stderr.contains("--start-date") && stderr.contains("after"),
        "{stderr}"
    );

    let malformed = sync(&world, &["--start-date", "2026-13-01"]);
    assert_eq!(malformed.status.code(), Some(2), "{}", text(&malformed));
    assert!(
        support::stderr(&malformed).contains("2026-13-01"),
        "{}",
        text(&malformed)
    );

    let ahead = sync(&world, &["--end-date", &future]);
    assert_eq!(ahead.status.code(), Some(2), "{}", text(&ahead));
    let stderr = support::stderr(&ahead);
    assert!(
        stderr.contains("--end-date") && stderr.contains("future"),
        "{stderr}"
    );

    let review = sync(&world, &["--fail-on-review"]);
    assert_eq!(review.status.code(), Some(2), "{}", text(&review));
    let stderr = support::stderr(&review);
    assert!(
        stderr.contains("--fail-on-review has no meaning here")
            && stderr.contains("alerts are not reviewed"),
        "{stderr}"
    );

    assert_eq!(world.writes(), 0, "a usage error wrote to Notion");
    assert!(world.pages(ALERTS).await.is_empty());
}

// --------------------------------------------------------------------------
// --site

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn site_limits_the_run_to_its_organizations_alerts() {
    let world = World::start().await;
    let alerts = fleet_alerts(&world);
    let (sites, hosts, devices) = world
        .running
        .sim
        .fleet
        .read(|f| (f.sites.clone(), f.hosts.clone(), f.devices.clone()))
        .unwrap();
    let organization_of = |alert: &Alert| {
        devices
            .iter()
            .find(|d| d.id == alert.device_id)
            .map(|d| d.organization_id)
    };
    let alerts_of = |organization: i64| -> BTreeSet<String> {
        alerts
            .iter()
            .filter(|a| organization_of(a) == Some(organization))
            .map(|a| a.uid.clone())
            .collect()
    };
    // The name UniFi's console shows: the site's description, or its console's
    // name for a console's one `Default` site.
    let shown = |site: &mock_apis::fleet::Site| {
        if site.desc.eq_ignore_ascii_case("default") {
            let host = hosts.iter().find(|h| h.id == site.host_id).unwrap();
            host.name.clone()
        } else {
            site.desc.clone()
        }
    };
    let named_once = |name: &str| sites.iter().filter(|s| shown(s) == name).count() == 1;
    // The site with the most alerts among those with a name of their own.
    let site = sites
        .iter()
        .filter(|s| named_once(&shown(s)))
        .max_by_key(|s| alerts_of(s.organization_id).len())
        .expect("a site with a name of its own");
    let name = shown(site);
    let expected = alerts_of(site.organization_id);
    assert!(!expected.is_empty() && expected.len() < alerts.len());

    let report = sync_json(&world, &["--site", &site.site_id], 0);
    assert_eq!(report["counts"]["created"], expected.len(), "{report}");
    assert_eq!(keys(&world.pages(ALERTS).await), expected);

    // The same site by its name: the same rows, nothing to write.
    let report = sync_json(&world, &["--site", &name], 0);
    assert_eq!(report["counts"]["created"], 0, "{report}");
    assert_eq!(report["counts"]["unchanged"], expected.len(), "{report}");

    // A site run resolves only its own rows.
    sync_json(&world, &[], 0);
    let inner = expected.iter().next().unwrap().clone();
    let outer = alerts
        .iter()
        .find(|a| !expected.contains(&a.uid))
        .unwrap()
        .uid
        .clone();
    clear_alert(&world, &inner);
    clear_alert(&world, &outer);
    let report = sync_json(&world, &["--site", &name], 0);
    assert_eq!(report["counts"]["retired"], 1, "{report}");
    let pages = world.pages(ALERTS).await;
    assert_eq!(status(&pages, &inner), "resolved");
    assert_eq!(status(&pages, &outer), "new");

    let unknown = sync(&world, &["--site", "No Such Customer"]);
    assert_eq!(unknown.status.code(), Some(2), "{}", text(&unknown));
    let stderr = support::stderr(&unknown);
    assert!(stderr.contains("--site: no site is named"), "{stderr}");
}

// --------------------------------------------------------------------------
// 6-8. Faults

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_create_answers_do_not_duplicate_pages() {
    let world = World::start().await;
    let alerts = fleet_alerts(&world);
    world.fault(json!({
        "api": "notion", "kind": "lost_response",
        "method": "POST", "path": "/v1/pages", "count": 3
    }));

    let report = sync_json(&world, &[], 0);
    assert_eq!(report["counts"]["created"], alerts.len(), "{report}");
    assert_eq!(report["counts"]["failed"], 0, "{report}");
    let pages = world.pages(ALERTS).await;
    assert_eq!(
        pages.len(),
        alerts.len(),
        "a lost answer led to a second page"
    );
    assert_eq!(keys(&pages), uids(&alerts));

    let found = world
        .audit()
        .iter()
        .filter(|line| line["event"] == "write" && line["found_by_lookup"] == true)
        .count();
    assert_eq!(found, 3, "creates confirmed by a lookup in the audit log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_ninjaone_secret_is_an_auth_failure_and_writes_nothing() {
    let world = World::start().await;
    world.fault(json!({ "api": "ninjaone", "kind": "revoked" }));

    let output = sync(&world, &[]);
    assert_eq!(output.status.code(), Some(4), "{}", text(&output));
    let stderr = support::stderr(&output);
    assert!(
        stderr.contains("NINJAONE_CLIENT_SECRET") || stderr.contains("ninjaone-client-secret"),
        "{stderr}"
    );
    assert_eq!(world.writes(), 0);
    assert!(world.pages(ALERTS).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alert_list_that_cannot_be_read_resolves_nothing() {
    let world = World::start().await;
    sync_json(&world, &[], 0);
    let writes = world.writes();

    // Devices and organizations answer; the alert list does not.
    world.fault(json!({ "api": "ninjaone", "kind": "outage", "path": "/v2/alerts" }));
    let output = sync(&world, &["-q"]);
    assert_eq!(output.status.code(), Some(5), "{}", text(&output));
    let stderr = support::stderr(&output);
    assert!(
        stderr.starts_with("error:") && stderr.contains("NinjaOne"),
        "{stderr}"
    );
    assert_eq!(world.writes(), writes, "an unreadable source led to writes");
    let pages = world.pages(ALERTS).await;
    assert!(pages.iter().all(|p| value(p, "Status") == "new"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_alert_list_trips_the_source_guard_until_forced() {
    let world = World::start().await;
    let alerts = fleet_alerts(&world);
    assert!(
        alerts.len() >= 10,
        "too few alerts to guard: {}",
        alerts.len()
    );
    sync_json(&world, &[], 0);
    let writes = world.writes();

    world.fault(json!({ "api": "ninjaone", "kind": "empty", "path": "/v2/alerts" }));
    // -q: only warnings and errors on stderr, so the error comes first.
    let output = sync(&world, &["-q"]);
    assert_eq!(output.status.code(), Some(6), "{}", text(&output));
    let stderr = support::stderr(&output);
    assert!(stderr.starts_with("error: guard:"), "{stderr}");
    assert!(stderr.contains("NinjaOne active alerts"), "{stderr}");
    assert_eq!(world.writes(), writes, "a tripped guard wrote to Notion");
    let pages = world.pages(ALERTS).await;
    assert!(
        pages.iter().all(|p| value(p, "Status") == "new"),
        "a row was resolved"
    );

    // Forced, the run believes the empty list: every alert cleared.
    let report = sync_json(&world, &["--force"], 0);
    assert_eq!(report["counts"]["retired"], alerts.len(), "{report}");
    let pages = world.pages(ALERTS).await;
    assert!(pages.iter().all(|p| value(p, "Status") == "resolved"));
}

// --------------------------------------------------------------------------
// The earlier script's defects (ORIGINAL_SYSTEM.md section 9, items 11, 12)

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_read_of_existing_rows_aborts_instead_of_duplicating() {
    let world = World::start().await;
    let alerts = fleet_alerts(&world);
    sync_json(&world, &[], 0);
    let writes = world.writes();

    // Notion cannot answer queries: the run must not take "no rows" for an
    // answer and create every alert again.
    world.fault(json!({
        "api": "notion", "kind": "outage", "method": "POST", "path": "/v1/data_sources"
    }));
    let output = sync(&world, &["-q"]);
    assert_eq!(output.status.code(), Some(5), "{}", text(&output));
    assert!(
        support::stderr(&output).contains("error:"),
        "{}",
        text(&output)
    );
    assert_eq!(world.writes(), writes, "a run that could not read wrote");

    world.clear_faults();
    let report = sync_json(&world, &[], 0);
    assert_eq!(report["counts"]["created"], 0, "{report}");
    assert_eq!(world.pages(ALERTS).await.len(), alerts.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_create_is_a_partial_failure_and_the_next_run_completes() {
    let world = World::start().await;
    let alerts = fleet_alerts(&world);
    world.fault(json!({
        "api": "notion", "kind": "status", "status": 400,
        "method": "POST", "path": "/v1/pages", "count": 1
    }));

    let report = sync_json(&world, &[], 1);
    assert_eq!(report["outcome"], "partial", "{report}");
    assert_eq!(report["counts"]["failed"], 1, "{report}");
    assert_eq!(report["counts"]["created"], alerts.len() - 1, "{report}");
    assert_eq!(report["failures"][0]["action"], "create", "{report}");
    assert_eq!(world.pages(ALERTS).await.len(), alerts.len() - 1);

    let report = sync_json(&world, &[], 0);
    assert_eq!(report["counts"]["created"], 1, "{report}");
    let pages = world.pages(ALERTS).await;
    assert_eq!(keys(&pages), uids(&alerts));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundreds_of_alerts_are_read_back_across_notion_pages() {
    let world = World::start().await;
    fleet(&world, |f| {
        let template = f.alerts[0].clone();
        for n in 0..250 {
            let mut alert = template.clone();
            alert.uid = format!("00000000-0000-4000-8000-{n:012}");
            f.alerts.push(alert);
        }
    });
    let alerts = fleet_alerts(&world);
    assert!(alerts.len() > 250);

    let report = sync_json(&world, &[], 0);
    assert_eq!(report["counts"]["created"], alerts.len(), "{report}");
    let writes = world.writes();
    // Notion answers a query 100 pages at a time: a run that read only the
    // first answer would create the others again.
    let report = sync_json(&world, &[], 0);
    assert_eq!(report["counts"]["unchanged"], alerts.len(), "{report}");
    assert_eq!(world.writes(), writes);
    assert_eq!(keys(&world.pages(ALERTS).await), uids(&alerts));
}
