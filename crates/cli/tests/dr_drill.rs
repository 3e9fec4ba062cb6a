//! `scripts/dr_drill.sh`, the runbook's quarterly drill, end to end: the real script and
//! binaries with an in-process simulator in a fresh state directory, as an operator runs
//! it, on a 12-site fleet (`DR_TEST_SITES`) so that it takes seconds in a debug build.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn the_quarterly_drill_passes_every_step_against_the_simulator() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let bins = assert_cmd::cargo::cargo_bin("health-check")
        .parent()
        .unwrap()
        .to_path_buf();
    let dir = tempfile::tempdir().unwrap();
    // The defaults but the free-space floor, so that a full disk on this machine does not
    // fail the drill's health checks.
    let config = r#"{ "settings": { "health": { "min_free_disk_percent": 0 } } }"#;
    std::fs::write(dir.path().join("config.json"), config).unwrap();
    let state = dir.path().join("drill-state");
    let log = dir.path().join("drill.log");
    let output = Command::new(root.join("scripts/dr_drill.sh"))
        .current_dir(dir.path())
        .env("OBERACONNECT_BIN_DIR", bins)
        .env("OBERACONNECT_SERVICE", "oberaconnect-sync-test-absent")
        .env("DR_TEST_SITES", "12")
        .env_remove("DR_TEST_URL")
        .env_remove("OBERACONNECT_CONFIG")
        .env_remove("RUST_LOG")
        .args(["--state-dir".as_ref(), state.as_os_str()])
        .args(["--log".as_ref(), log.as_os_str()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let detail = std::fs::read_to_string(&log).unwrap_or_default();
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{detail}");
    let steps = [
        ("health check", 0),
        ("schema verifies", 0),
        ("customer-status-sync", 0),
        ("daily-health-sync", 0),
        ("config-change-sync", 0),
        ("alert-sync", 0),
        ("validation", 0),
        ("backup", 0),
        ("backup verifies", 0),
        ("Notion outage: the sync stops", 5),
        ("Notion back: the sync completes", 0),
        ("NinjaOne credentials revoked: health check names them", 4),
        ("Key Vault unreachable: secrets fall back, degraded", 1),
        ("full resync", 0),
        ("validation after the resync", 0),
    ];
    let lines: Vec<&str> = stdout.lines().filter(|l| l.starts_with("  ")).collect();
    assert_eq!(lines.len(), steps.len(), "{stdout}");
    for (line, (name, code)) in lines.iter().zip(steps) {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[0], "ok", "{line}\n{detail}");
        assert!(line.contains(name), "{line} is step {name}");
        assert!(line.ends_with(&format!("exit {code}")), "{line}");
    }
    assert!(stdout.contains("0 step(s) failed"), "{stdout}");
    let fleet: serde_json::Value =
        serde_json::from_slice(&std::fs::read(state.join("fleet.json")).unwrap()).unwrap();
    assert_eq!(
        fleet["sites"].as_array().unwrap().len(),
        12,
        "DR_TEST_SITES"
    );
    let backups = std::fs::read_dir(state.join("backups")).unwrap().count();
    assert!(backups >= 5, "four backups and a manifest");
}
