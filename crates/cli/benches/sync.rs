//! How close the syncs come to the least Notion work and to Notion's pace, and how much
//! memory they take: the real binaries against an in-process simulator.
//!
//! Run: `cargo bench -p oberaconnect-cli --bench sync` (about two minutes). Scenarios:
//! - 98 sites cold and unchanged, and the 43 alerts of the same fleet, with Notion limited
//!   to 3 requests/s and 300 ms latency (simulator and client both pacing at 3/s);
//! - 10,000 sites cold and unchanged with every limit off;
//! - a 15-day daily-health backfill of the 98 sites at the paced settings (about nine
//!   minutes on its own: 1,470 rows at 3 requests/s).
//!
//! `-- daily` runs only the backfill; `-- engine` only the others.
//!
//! For each it prints the Notion calls made against the least possible (ceil(rows/100)
//! queries plus one write per changed row, rows being those in Notion after the run), the
//! sync's wall time against calls/3 s (paced scenarios only), the 429s received, and the
//! sync process's peak resident memory (`VmHWM`, from its own report).
//!
//! Targets: calls at most 2 % over the least, unchanged 98 sites in at most 3 calls, wall
//! time within 10 % of calls/3 s, 10,000 sites under 150 MB (issue 4); the backfill at most
//! 2 % over the least and within 10 % of calls/3 s (issue 5).

use std::path::Path;
use std::process::Command;

use mock_apis::config::Settings;
use mock_apis::{FleetConfig, RunningSim, SimConfig};
use serde_json::{Value, json};

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "{:<34} {:>6} {:>6} {:>6} {:>8} {:>9} {:>6} {:>5} {:>8}",
        "scenario", "calls", "least", "over", "wall s", "calls/3 s", "ratio", "429s", "peak MB"
    );
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wants = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    if wants("engine") {
        runtime.block_on(paced());
        runtime.block_on(unlimited());
    }
    if wants("daily") {
        runtime.block_on(backfill());
    }
}

async fn backfill() {
    let mut settings = Settings::real();
    settings.notion.latency_ms = 300;
    let running = start(settings, FleetConfig::default()).await;
    let dir = tempfile::tempdir().expect("temp dir");
    write_config(
        dir.path(),
        json!({ "requests_per_second": 3.0, "burst": 3, "in_flight": 4 }),
    );
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::America::Chicago)
        .date_naive();
    let start = (today - chrono::Duration::days(15)).to_string();
    let end = (today - chrono::Duration::days(1)).to_string();
    let range = ["--start-date", start.as_str(), "--end-date", end.as_str()];
    let report = run(&running, dir.path(), "daily-health-sync", &range);
    print_row("daily health, 15-day backfill", &report, true);
}

async fn paced() {
    let mut settings = Settings::real();
    settings.notion.latency_ms = 300;
    let running = start(settings, FleetConfig::default()).await;
    let dir = tempfile::tempdir().expect("temp dir");
    write_config(
        dir.path(),
        json!({ "requests_per_second": 3.0, "burst": 3, "in_flight": 4 }),
    );
    for (name, bin) in [
        ("customer status, 98 sites cold", "customer-status-sync"),
        ("customer status, 98 unchanged", "customer-status-sync"),
        ("alerts, cold", "alert-sync"),
        ("alerts, unchanged", "alert-sync"),
    ] {
        let report = run(&running, dir.path(), bin, &[]);
        print_row(name, &report, true);
    }
}

async fn unlimited() {
    let running = start(Settings::unlimited(), FleetConfig::scaled(42, 10_000)).await;
    let dir = tempfile::tempdir().expect("temp dir");
    write_config(
        dir.path(),
        json!({ "requests_per_second": 100000.0, "burst": 100, "in_flight": 8 }),
    );
    for name in [
        "customer status, 10,000 sites cold",
        "customer status, 10,000 unchanged",
    ] {
        let report = run(&running, dir.path(), "customer-status-sync", &[]);
        print_row(name, &report, false);
    }
}

async fn start(settings: Settings, fleet: FleetConfig) -> RunningSim {
    mock_apis::start(SimConfig {
        settings,
        fleet,
        ..SimConfig::ephemeral()
    })
    .await
    .expect("simulator starts")
}

fn write_config(dir: &Path, notion: Value) {
    let config = json!({ "settings": {
        "notion": notion,
        // The benchmark measures the sync, not the guards: a 10,000-site cold run is fine.
        "guards": { "max_change_ratio": 1.0 }
    } });
    std::fs::write(dir.join("config.json"), config.to_string()).expect("config written");
}

/// Runs `bin --json args` against `running` and returns its report.
fn run(running: &RunningSim, dir: &Path, bin: &str, args: &[&str]) -> Value {
    let exe = match bin {
        "customer-status-sync" => env!("CARGO_BIN_EXE_customer-status-sync"),
        "daily-health-sync" => env!("CARGO_BIN_EXE_daily-health-sync"),
        _ => env!("CARGO_BIN_EXE_alert-sync"),
    };
    let output = Command::new(exe)
        .current_dir(dir)
        .env("DR_TEST_MODE", "true")
        .env("DR_TEST_URL", format!("http://{}", running.http_addr()))
        .env("DR_TEST_STATE_DIR", dir.join("dr-state"))
        .args(["--json", "-q"])
        .args(args)
        .output()
        .expect("the sync runs");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "{bin} printed no report ({err}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    assert_eq!(report["exit_code"], 0, "{bin}: {report}");
    report
}

fn print_row(name: &str, report: &Value, paced: bool) {
    let counts = &report["counts"];
    let number = |v: &Value| v.as_u64().unwrap_or(0);
    let rows =
        number(&counts["created"]) + number(&counts["updated"]) + number(&counts["unchanged"]);
    let changed =
        number(&counts["created"]) + number(&counts["updated"]) + number(&counts["retired"]);
    let least = rows.div_ceil(100) + changed;
    let calls = number(&report["api_calls"]["notion"]);
    let over = (calls as f64 / least as f64 - 1.0) * 100.0;
    let wall = report["duration_secs"].as_f64().unwrap_or(0.0);
    let (ideal, ratio) = if paced {
        let ideal = calls as f64 / 3.0;
        (format!("{ideal:.1}"), format!("{:.2}", wall / ideal))
    } else {
        ("-".to_owned(), "-".to_owned())
    };
    println!(
        "{name:<34} {calls:>6} {least:>6} {over:>5.1}% {wall:>8.1} {ideal:>9} {ratio:>6} {:>5} {:>8}",
        number(&report["api_calls"]["notion_throttled"]),
        report["peak_rss_mb"]
            .as_f64()
            .map_or("-".into(), |m| format!("{m:.1}")),
    );
}
