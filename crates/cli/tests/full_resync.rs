//! `scripts/full_resync.sh` in DR test mode: every step runs in order and Notion ends
//! validated; the first failing step stops the script with its code.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;
use support::{CUSTOMER_STATUS, World, by_key};

fn script(world: &World, log: &Path) -> Command {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let bins = assert_cmd::cargo::cargo_bin("health-check")
        .parent()
        .unwrap()
        .to_path_buf();
    let mut command = Command::new(root.join("scripts/full_resync.sh"));
    command
        .current_dir(world.dir.path())
        .env("DR_TEST_MODE", "true")
        .env(
            "DR_TEST_URL",
            format!("http://{}", world.running.http_addr()),
        )
        .env("DR_TEST_STATE_DIR", world.state_dir())
        .env("OBERACONNECT_BIN_DIR", bins)
        .env("OBERACONNECT_SERVICE", "oberaconnect-sync-test-absent")
        .env_remove("RUST_LOG")
        .env_remove("OBERACONNECT_CONFIG")
        .args(["--log".as_ref(), log.as_os_str()]);
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_resync_runs_every_step_and_ends_validated() {
    let world = World::start().await;
    // A state store with checkpoints for the resync to clear.
    world.run_json("customer-status-sync", &[], 0);
    let log = world.dir.path().join("logs/resync.log");
    let output = script(&world, &log).output().unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(output.status.code(), Some(0), "{text}");
    let order = [
        "ok: health check",
        "ok: clear cached sync state",
        "ok: customer-status-sync",
        "ok: daily-health-sync",
        "ok: config-change-sync",
        "ok: alert-sync",
        "ok: validate Notion against the sources",
        "full resync complete",
    ];
    let mut at = 0;
    for line in order {
        let found = text[at..]
            .find(line)
            .unwrap_or_else(|| panic!("{line} in order:\n{text}"));
        at += found + line.len();
    }
    assert!(text.contains("customer_status: cleared"), "{text}");
    assert_eq!(by_key(&world.pages(CUSTOMER_STATUS).await).len(), 98);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_failing_step_stops_the_resync_with_its_code() {
    let world = World::start().await;
    world.fault(json!({ "api": "notion", "kind": "outage" }));
    let log = world.dir.path().join("resync.log");
    let output = script(&world, &log).output().unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(output.status.code(), Some(5), "{text}");
    assert!(text.contains("FAILED: health check (exit 5)"), "{text}");
    assert!(
        !text.contains("== customer-status-sync"),
        "nothing after it ran: {text}"
    );
    assert_eq!(world.writes(), 0);
}
