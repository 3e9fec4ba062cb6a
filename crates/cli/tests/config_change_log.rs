//! `config-change-sync log|recent|report` end to end: the real binary in DR
//! test mode against the simulator, reading the Config Changes Log back through
//! the Notion API.

mod support;

use std::process::Output;

use serde_json::{Value, json};
use support::{CONFIG_CHANGES, World, stderr, text, value};

const BIN: &str = "config-change-sync";

/// A site of the simulator's fleet whose display name is its own and unique:
/// (id, name).
fn named_site(world: &World) -> (String, String) {
    let sites: Vec<(String, String)> = world
        .running
        .sim
        .fleet
        .read(|f| {
            f.sites
                .iter()
                .map(|s| (s.site_id.clone(), s.desc.clone()))
                .collect()
        })
        .unwrap();
    sites
        .iter()
        .find(|(_, desc)| {
            !desc.trim().is_empty()
                && !desc.eq_ignore_ascii_case("default")
                && sites.iter().filter(|(_, d)| d == desc).count() == 1
        })
        .cloned()
        .expect("the fleet has a uniquely named site")
}

/// Runs `config-change-sync` with `args` as the engineer `jane.doe`.
fn run(world: &World, args: &[&str]) -> Output {
    world
        .command(BIN)
        .env("OBERACONNECT_ENGINEER", "jane.doe")
        .env("USER", "someone-else")
        .args(args)
        .output()
        .unwrap()
}

/// Runs `config-change-sync log -q` with `flags` (name and value) and then
/// `switches`.
fn log_change(world: &World, flags: &[(&str, &str)], switches: &[&str]) -> Output {
    let mut args = vec!["log", "-q"];
    for (name, value) in flags {
        args.extend([*name, *value]);
    }
    args.extend_from_slice(switches);
    run(world, &args)
}

/// [`log_change`], checking that it succeeded.
fn log(world: &World, flags: &[(&str, &str)], switches: &[&str]) -> Output {
    let output = log_change(world, flags, switches);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The Change ID a `Logged: <id> (risk: <level>)` line names.
fn logged_id(output: &Output) -> String {
    let out = stdout(output);
    let rest = out
        .trim()
        .strip_prefix("Logged: ")
        .unwrap_or_else(|| panic!("{out}"));
    rest.split(' ').next().unwrap().to_owned()
}

/// Asserts that no secret of the simulator appears in `outputs`.
fn assert_no_secrets(world: &World, outputs: &[&Output]) {
    let credentials = world.running.sim.credentials().unwrap();
    let secrets = [
        credentials.notion_token,
        credentials.unifi_api_key,
        credentials.ninjaone_client_secret,
        credentials.azure_client_secret,
    ];
    let audit = std::fs::read_to_string(world.state_dir().join("audit.jsonl")).unwrap_or_default();
    for secret in &secrets {
        assert!(
            !audit.contains(secret.as_str()),
            "a secret in the audit log"
        );
        for output in outputs {
            assert!(!text(output).contains(secret.as_str()), "a secret printed");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_writes_one_row_with_every_column() {
    let world = World::start().await;
    let (site_id, site_name) = named_site(&world);

    let output = log(
        &world,
        &[
            ("--tool", "unifi-deploy"),
            ("--site", &site_id),
            ("--action", "deploy"),
            ("--summary", "New AP in the lobby"),
            ("--details", "U6 Pro on PoE port 4"),
            ("--ticket", "T-1042"),
        ],
        &[],
    );

    let id = logged_id(&output);
    assert_eq!(stdout(&output), format!("Logged: {id} (risk: medium)\n"));
    let prefix = format!("manual:{site_id}:");
    let unique = id.strip_prefix(&prefix).unwrap_or_else(|| panic!("{id}"));
    assert!(
        unique.len() == 8 && unique.chars().all(|c| c.is_ascii_hexdigit()),
        "{id}"
    );
    let pages = world.pages(CONFIG_CHANGES).await;
    assert_eq!(pages.len(), 1, "exactly one row");
    let page = &pages[0];
    let expected = [
        ("Change ID", id.as_str()),
        ("Sync Key", id.as_str()),
        ("Site Name", site_name.as_str()),
        ("Tool", "unifi-deploy"),
        ("Vendor", "Ubiquiti"),
        ("Category", "network"),
        ("Action", "deploy"),
        ("Risk Level", "medium"),
        ("Summary", "New AP in the lobby"),
        ("Details", "U6 Pro on PoE port 4"),
        ("Engineer", "jane.doe"),
        ("Ticket ID", "T-1042"),
        ("Rollback Plan", ""),
        ("Notes", ""),
    ];
    for (property, want) in expected {
        assert_eq!(value(page, property), want, "{property}");
    }
    let stamp = value(page, "Timestamp");
    assert!(
        chrono::DateTime::parse_from_rfc3339(&stamp).is_ok(),
        "Timestamp is a date-time: {stamp}"
    );
    let audit = world.audit();
    assert!(
        audit
            .iter()
            .any(|l| l["event"] == "write" && l["action"] == "create" && l["key"] == id),
        "the write is audited"
    );

    // By exact name, with --json: the same site id, and a second row.
    let output = log(
        &world,
        &[
            ("--tool", "manual"),
            ("--site", &site_name),
            ("--action", "backup"),
            ("--summary", "Config backup"),
        ],
        &["--json"],
    );
    let logged: Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    assert_eq!(logged["site_id"], json!(site_id));
    assert_eq!(logged["site_name"], json!(site_name));
    assert_eq!(logged["risk"], "medium");
    assert!(
        logged["change_id"].as_str().unwrap().starts_with(&prefix),
        "{logged}"
    );
    assert_eq!(world.pages(CONFIG_CHANGES).await.len(), 2);
    assert_no_secrets(&world, &[&output]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn risk_comes_from_the_rules_unless_given() {
    let world = World::start().await;
    let (site_id, _) = named_site(&world);
    let change = |summary| {
        [
            ("--tool", "manual"),
            ("--site", site_id.as_str()),
            ("--action", "update"),
            ("--summary", summary),
        ]
    };

    let by_rule = log(
        &world,
        &[
            &change("Open Firewall port 443")[..],
            &[("--rollback", "Close port 443 again")],
        ]
        .concat(),
        &[],
    );
    assert!(
        stdout(&by_rule).ends_with("(risk: high)\n"),
        "{}",
        text(&by_rule)
    );
    let explicit = log(
        &world,
        &[
            &change("Open firewall port 8443 for the lab")[..],
            &[("--risk", "low")],
        ]
        .concat(),
        &[],
    );
    assert!(
        stdout(&explicit).ends_with("(risk: low)\n"),
        "{}",
        text(&explicit)
    );

    let pages = world.pages(CONFIG_CHANGES).await;
    let risk_of = |id: &str| {
        let page = pages.iter().find(|p| value(p, "Sync Key") == id).unwrap();
        (value(page, "Risk Level"), value(page, "Rollback Plan"))
    };
    assert_eq!(
        risk_of(&logged_id(&by_rule)),
        ("high".to_owned(), "Close port 443 again".to_owned())
    );
    assert_eq!(
        risk_of(&logged_id(&explicit)),
        ("low".to_owned(), String::new())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_high_risk_change_without_a_rollback_plan_is_refused_unless_forced() {
    let world = World::start().await;
    let (site_id, _) = named_site(&world);
    let change = [
        ("--tool", "sonicwall-scripts"),
        ("--site", &site_id),
        ("--action", "modify"),
        ("--summary", "Tighten NAT rules"),
    ];

    let refused = log_change(&world, &change, &[]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    let err = stderr(&refused);
    assert!(
        err.contains("high risk change needs a rollback plan"),
        "{err}"
    );
    assert!(
        err.contains("--rollback \"<how to undo>\"") && err.contains("--force"),
        "{err}"
    );
    assert!(stdout(&refused).is_empty());
    assert_eq!(world.writes(), 0, "nothing written");
    assert!(world.pages(CONFIG_CHANGES).await.is_empty());

    let forced = log(&world, &change, &["--force"]);
    assert!(stderr(&forced).contains("warning:"), "{}", text(&forced));
    let pages = world.pages(CONFIG_CHANGES).await;
    assert_eq!(pages.len(), 1);
    assert_eq!(value(&pages[0], "Risk Level"), "high");
    assert_eq!(value(&pages[0], "Rollback Plan"), "");
    assert!(
        world
            .audit()
            .iter()
            .any(|l| l["event"] == "manual_change" && l["without_rollback_plan"] == true),
        "the forced entry is marked in the audit log"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_tools_actions_and_summaries_are_usage_errors() {
    let world = World::start().await;
    let (site_id, _) = named_site(&world);
    let with = |tool, action, summary| {
        let flags = [
            ("--tool", tool),
            ("--site", site_id.as_str()),
            ("--action", action),
            ("--summary", summary),
        ];
        log_change(&world, &flags, &[])
    };

    for (output, why) in [
        (with("hammer", "update", "x"), "invalid value 'hammer'"),
        (with("manual", "explode", "x"), "invalid value 'explode'"),
        (with("ninjaone", "update", "x"), "the sync's own"),
        (with("unifi-site-manager", "update", "x"), "the sync's own"),
        (with("manual", "update", "  "), "--summary is empty"),
    ] {
        assert_eq!(output.status.code(), Some(2), "{}", text(&output));
        assert!(stderr(&output).contains(why), "{}", text(&output));
    }
    assert_eq!(world.writes(), 0, "nothing written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_unifi_does_not_know_is_logged_as_given() {
    let world = World::start().await;

    let output = log(
        &world,
        &[
            ("--tool", "mikrotik-config-builder"),
            ("--site", "Corner Shop - Ohio"),
            ("--action", "deploy"),
            ("--summary", "New hAP ax3"),
        ],
        &[],
    );

    assert!(
        stderr(&output).contains("note: the site is logged as given"),
        "{}",
        text(&output)
    );
    let id = logged_id(&output);
    assert!(id.starts_with("manual:corner-shop-ohio:"), "{id}");
    let pages = world.pages(CONFIG_CHANGES).await;
    assert_eq!(pages.len(), 1);
    assert_eq!(value(&pages[0], "Site Name"), "Corner Shop - Ohio");
    assert_eq!(value(&pages[0], "Vendor"), "MikroTik");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notion_outage_fails_with_the_unavailable_code_and_writes_nothing() {
    let world = World::start().await;
    let (site_id, _) = named_site(&world);
    world.fault(json!({ "api": "notion", "kind": "outage" }));

    let output = log_change(
        &world,
        &[
            ("--tool", "manual"),
            ("--site", &site_id),
            ("--action", "update"),
            ("--summary", "Rename SSID"),
        ],
        &[],
    );

    assert_eq!(output.status.code(), Some(5), "{}", text(&output));
    assert!(stderr(&output).starts_with("error:"), "{}", text(&output));
    assert!(stdout(&output).is_empty(), "{}", text(&output));
    world.clear_faults();
    assert!(
        world.pages(CONFIG_CHANGES).await.is_empty(),
        "no row written"
    );
    assert_no_secrets(&world, &[&output]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recent_and_report_show_the_changes_of_their_window() {
    let world = World::start().await;
    world.config(json!({ "business_time_zone": "UTC" }));
    let (site_id, site_name) = named_site(&world);
    let summary = "Öffne Firewall-Port 443 für den neuen VPN-Konzentrator in Zürich";
    let change = |tool, site, action, summary| {
        [
            ("--tool", tool),
            ("--site", site),
            ("--action", action),
            ("--summary", summary),
        ]
    };
    let old = change("manual", &site_id, "backup", "Old backup, outside the week");
    log(&world, &old, &[]);
    world.tick("10d");
    let risky = change("sonicwall-scripts", &site_id, "update", summary);
    log(
        &world,
        &[&risky[..], &[("--rollback", "Close the port")]].concat(),
        &[],
    );
    world.tick("1h");
    log(
        &world,
        &change("manual", "Corner Shop", "modify", "Rename guest SSID"),
        &[],
    );

    let pages = world.pages(CONFIG_CHANGES).await;
    let date_of = |tool: &str| {
        let page = pages.iter().find(|p| value(p, "Tool") == tool).unwrap();
        value(page, "Timestamp")[..10].to_owned()
    };
    let cut40: String = summary.chars().take(40).collect();
    let cut50: String = summary.chars().take(50).collect();

    let recent = run(&world, &["recent", "-q"]);
    assert_eq!(recent.status.code(), Some(0), "{}", text(&recent));
    let newest = pages.iter().max_by_key(|p| value(p, "Timestamp")).unwrap();
    assert_eq!(value(newest, "Site Name"), "Corner Shop");
    assert_eq!(
        stdout(&recent),
        format!(
            "Recent Changes (last 7 days):\n  \
             [*] {} | Corner Shop | manual | Rename guest SSID\n  \
             [!] {} | {site_name} | sonicwall-scripts | {cut40}\n\
             Total: 2\n",
            &value(newest, "Timestamp")[..10],
            date_of("sonicwall-scripts"),
        )
    );
    let by_site = run(
        &world,
        &["recent", "-q", "--days", "30", "--site", &site_id],
    );
    let listed = stdout(&by_site);
    assert!(listed.ends_with("Total: 2\n"), "{listed}");
    assert!(
        listed.contains("Old backup") && !listed.contains("Corner Shop"),
        "{listed}"
    );
    let as_json = run(&world, &["recent", "-q", "--json", "--tool", "manual"]);
    let json: Value = serde_json::from_slice(&as_json.stdout).expect("one JSON object");
    assert_eq!(json["total"], 1, "{json}");
    assert_eq!(json["changes"][0]["site_name"], "Corner Shop");

    let report = run(&world, &["report", "-q"]);
    assert_eq!(report.status.code(), Some(0), "{}", text(&report));
    let report_text = stdout(&report);
    for line in [
        "Configuration Change Report",
        "Scope: all sites",
        "  Total Changes: 3",
        "  Sites Affected: 2",
        "    high: 1",
        "    medium: 2",
        "    manual: 2",
        "    sonicwall-scripts: 1",
        &format!("{site_name} (2):"),
        &format!("  [!] update via sonicwall-scripts - {cut50}"),
        "  [*] backup via manual - Old backup, outside the week",
        "  [*] modify via manual - Rename guest SSID",
    ] {
        assert!(
            report_text.lines().any(|l| l == line),
            "no line `{line}` in:\n{report_text}"
        );
    }
    let narrow = run(
        &world,
        &["report", "-q", "--days", "7", "--site", &site_name],
    );
    let narrow_text = stdout(&narrow);
    assert!(
        narrow_text.contains(&format!("Scope: site {site_name}\n")),
        "{narrow_text}"
    );
    assert!(
        narrow_text.contains("  Total Changes: 1\n"),
        "{narrow_text}"
    );
    assert_no_secrets(&world, &[&recent, &by_site, &as_json, &report, &narrow]);
}
