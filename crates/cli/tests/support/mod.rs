//! What the sync end-to-end tests share: a simulator on loopback, a working directory with
//! a config.json, the binaries run in DR test mode against both, and a Notion client to read
//! back what an operator would see.

#![allow(
    dead_code,
    reason = "each test file uses a different part of this module"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use mock_apis::config::Settings;
use mock_apis::control::{Operation, perform};
use mock_apis::{Api, RunningSim, SimConfig};
use oberaconnect::notion::{
    DataSourceId, NotionClient, NotionSettings, Page, PropertyValue, Query,
};
use oberaconnect::secrets::{SecretName, SecretString, Secrets};
use serde_json::{Value, json};

/// Data source ids of the simulator's four databases.
pub const CUSTOMER_STATUS: &str = "00000000-0000-4000-8000-00000000d501";
/// Config Changes Log.
pub const CONFIG_CHANGES: &str = "00000000-0000-4000-8000-00000000d503";
/// Device Issues.
pub const ALERTS: &str = "00000000-0000-4000-8000-00000000d504";

/// A simulator and a working directory for the binaries.
pub struct World {
    /// The simulator.
    pub running: RunningSim,
    /// Working directory: config.json, the DR test state (state store, audit log).
    pub dir: tempfile::TempDir,
    notion: NotionClient,
}

impl World {
    /// A fresh simulator (no rate limits) and directory, with [`World::config`] written.
    pub async fn start() -> Self {
        let running = mock_apis::start(SimConfig {
            settings: Settings::unlimited(),
            ..SimConfig::ephemeral()
        })
        .await
        .expect("simulator starts");
        let token = running.sim.credentials().unwrap().notion_token;
        let secrets = Secrets::from_values([(SecretName::NotionToken, SecretString::from(token))]);
        let notion = NotionClient::new(
            NotionSettings {
                base_url: running.urls().notion,
                requests_per_second: None,
                ..NotionSettings::default()
            },
            secrets,
        )
        .unwrap();
        let world = Self {
            running,
            dir: tempfile::tempdir().unwrap(),
            notion,
        };
        world.config(json!({}));
        world
    }

    /// Writes config.json: fast Notion pace, short retries and vault bounds, then `extra`
    /// merged over `settings`.
    pub fn config(&self, extra: Value) -> PathBuf {
        let mut settings = json!({
            "notion": { "requests_per_second": 200.0, "burst": 20, "in_flight": 4 },
            "retry": { "max_attempts": 3, "max_elapsed_secs": 4 },
            "key_vault": { "timeout_secs": 5 }
        });
        if let (Some(base), Some(extra)) = (settings.as_object_mut(), extra.as_object()) {
            for (key, value) in extra {
                base.insert(key.clone(), value.clone());
            }
        }
        let path = self.dir.path().join("config.json");
        std::fs::write(&path, json!({ "settings": settings }).to_string()).unwrap();
        path
    }

    /// The DR test state directory of the binaries.
    pub fn state_dir(&self) -> PathBuf {
        self.dir.path().join("dr-state")
    }

    /// A command for binary `bin` in DR test mode against this simulator.
    pub fn command(&self, bin: &str) -> Command {
        let mut command = Command::cargo_bin(bin).unwrap();
        command
            .current_dir(self.dir.path())
            .env("DR_TEST_MODE", "true")
            .env(
                "DR_TEST_URL",
                format!("http://{}", self.running.http_addr()),
            )
            .env("DR_TEST_STATE_DIR", self.state_dir())
            .env_remove("RUST_LOG")
            .env_remove("OBERACONNECT_CONFIG");
        command
    }

    /// The same command as a plain process, to start in the background and kill.
    pub fn process(&self, bin: &str) -> std::process::Command {
        let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin(bin));
        command
            .current_dir(self.dir.path())
            .env("DR_TEST_MODE", "true")
            .env(
                "DR_TEST_URL",
                format!("http://{}", self.running.http_addr()),
            )
            .env("DR_TEST_STATE_DIR", self.state_dir())
            .env_remove("RUST_LOG")
            .env_remove("OBERACONNECT_CONFIG");
        command
    }

    /// Runs `bin` with `args` and returns what it printed and its exit code.
    pub fn run(&self, bin: &str, args: &[&str]) -> Output {
        self.command(bin).args(args).output().unwrap()
    }

    /// Runs `bin --json` and returns its report, checking that the exit code is `code`.
    pub fn run_json(&self, bin: &str, args: &[&str], code: i32) -> Value {
        let mut all = vec!["--json", "-q"];
        all.extend_from_slice(args);
        let output = self.run(bin, &all);
        assert_eq!(output.status.code(), Some(code), "{}", text(&output));
        report(&output)
    }

    /// Creates a copy of `page` in `data_source` by hand, as a person pasting a row would:
    /// every writable property, the Sync Key included.
    pub async fn copy_page(&self, data_source: &str, page: &Page) -> Page {
        let id = DataSourceId::parse(data_source).unwrap();
        let copy: Vec<(&str, &PropertyValue)> = page
            .properties
            .iter()
            .filter(|(_, v)| !matches!(v, PropertyValue::Other(_)))
            .map(|(k, v)| (k.as_str(), v))
            .collect();
        self.notion.create_page(&id, copy).await.unwrap()
    }

    /// Every page of a data source, trash excluded, oldest first.
    pub async fn pages(&self, data_source: &str) -> Vec<Page> {
        let id = DataSourceId::parse(data_source).unwrap();
        self.notion.query(&id, &Query::all()).await.unwrap()
    }

    /// The Notion client the test reads and edits with.
    pub fn notion(&self) -> &NotionClient {
        &self.notion
    }

    /// Notion writes the simulator applied so far.
    pub fn writes(&self) -> u64 {
        self.running.sim.stats.snapshot()[&Api::Notion].writes
    }

    /// Injects a fault (the control API's JSON).
    pub fn fault(&self, spec: Value) {
        perform(&self.running.sim, Operation::AddFault(spec)).expect("fault accepted");
    }

    /// Clears every fault.
    pub fn clear_faults(&self) {
        perform(&self.running.sim, Operation::ClearFaults).unwrap();
    }

    /// Advances simulated time.
    pub fn tick(&self, duration: &str) {
        perform(
            &self.running.sim,
            Operation::Tick(json!({ "duration": duration })),
        )
        .expect("tick accepted");
    }

    /// Changes the simulator's settings (the control API's JSON).
    pub fn settings(&self, change: Value) {
        perform(&self.running.sim, Operation::ChangeSettings(change)).expect("settings");
    }

    /// The lines of the audit log.
    pub fn audit(&self) -> Vec<Value> {
        let text =
            std::fs::read_to_string(self.state_dir().join("audit.jsonl")).unwrap_or_default();
        text.lines()
            .map(|line| serde_json::from_str(line).expect("audit lines are JSON"))
            .collect()
    }
}

/// Stdout and stderr together, for assertion messages.
pub fn text(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Stderr alone.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Stdout parsed as the one JSON report.
pub fn report(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|err| panic!("stdout is one JSON report ({err}):\n{}", text(output)))
}

/// Pages by `Sync Key`; panics on a duplicate key.
pub fn by_key(pages: &[Page]) -> BTreeMap<String, &Page> {
    let mut keyed = BTreeMap::new();
    for page in pages {
        let key = page.text("Sync Key").unwrap_or_default().to_owned();
        assert!(!key.is_empty(), "page {} has no Sync Key", page.id);
        let previous = keyed.insert(key.clone(), page);
        assert!(previous.is_none(), "two pages share the key {key}");
    }
    keyed
}

/// A property of a page as text.
pub fn value(page: &Page, property: &str) -> String {
    page.properties
        .get(property)
        .map(PropertyValue::display)
        .unwrap_or_default()
}

/// A page's properties as text, to compare two reads of a data source.
pub fn snapshot(pages: &[Page]) -> BTreeMap<String, BTreeMap<String, String>> {
    by_key(pages)
        .into_iter()
        .map(|(key, page)| {
            let values = page
                .properties
                .iter()
                .map(|(name, v)| (name.clone(), v.display()))
                .collect();
            (key, values)
        })
        .collect()
}

/// Keys whose properties differ between two snapshots, or that only one has.
pub fn changed_keys(
    before: &BTreeMap<String, BTreeMap<String, String>>,
    after: &BTreeMap<String, BTreeMap<String, String>>,
) -> usize {
    let keys: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .count()
}

/// Whether the file at `path` exists.
pub fn exists(path: &Path) -> bool {
    path.exists()
}
