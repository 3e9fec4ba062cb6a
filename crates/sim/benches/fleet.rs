//! Fleet generation and evolution figures: wall time, peak memory and record counts.
//!
//! Run with `cargo bench -p mock-apis --bench fleet`. It generates the default fleet (98 sites)
//! and a 10,000-site fleet, then advances each by one simulated day, and prints one line per
//! run. Peak memory is the process's `VmHWM` from `/proc/self/status`, reset before each run
//! through `/proc/self/clear_refs` so each figure is that run's own peak (Linux only; elsewhere
//! the memory columns are empty).

use std::hint::black_box;
use std::time::Instant;

use chrono::{DateTime, Duration, TimeZone, Utc};
use mock_apis::FleetConfig;
use mock_apis::fleet::{Fleet, generate};

fn main() {
    let now = Utc
        .with_ymd_and_hms(2026, 12, 3, 14, 7, 31)
        .single()
        .expect("valid date");
    println!(
        "{:<28} {:>9} {:>9} {:>9}  records",
        "run", "wall ms", "peak MB", "rss MB"
    );
    for (name, config) in [
        ("generate 98 sites", FleetConfig::default()),
        ("generate 10,000 sites", FleetConfig::scaled(42, 10_000)),
    ] {
        let fleet = measure(name, || generate(&config, now));
        let day = measure(
            &format!("  advance 1 day ({} sites)", config.sites),
            move || {
                let mut fleet = fleet;
                fleet.advance(now + Duration::days(1));
                fleet
            },
        );
        report_growth(&day, now);
    }
}

/// Runs `work`, prints its wall time, peak and current memory and the records it produced.
fn measure(name: &str, work: impl FnOnce() -> Fleet) -> Fleet {
    reset_peak();
    let started = Instant::now();
    let fleet = black_box(work());
    let elapsed = started.elapsed();
    let memory = |key| memory_mb(key).map_or_else(String::new, |mb| format!("{mb:.1}"));
    println!(
        "{name:<28} {:>9.1} {:>9} {:>9}  {}",
        elapsed.as_secs_f64() * 1000.0,
        memory("VmHWM:"),
        memory("VmRSS:"),
        records(&fleet)
    );
    fleet
}

fn records(fleet: &Fleet) -> String {
    format!(
        "{} hosts, {} sites, {} UniFi devices, {} organizations, {} devices, {} alerts, {} activities",
        fleet.hosts.len(),
        fleet.sites.len(),
        fleet.unifi_devices.len(),
        fleet.organizations.len(),
        fleet.devices.len(),
        fleet.alerts.len(),
        fleet.activities.len()
    )
}

/// What one simulated day added to the activity log.
fn report_growth(fleet: &Fleet, generated: DateTime<Utc>) {
    let since = generated.timestamp() as f64;
    let new = fleet
        .activities
        .iter()
        .filter(|a| a.activity_time > since)
        .count();
    let offline = fleet.devices.iter().filter(|d| d.offline).count();
    println!(
        "{:<28} {new} new activities, {offline} devices offline now",
        ""
    );
}

/// Resets the process's peak resident set size (`VmHWM`) to the current one.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// A `kB` figure of `/proc/self/status`, in MB.
fn memory_mb(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
