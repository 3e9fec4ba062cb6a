//! The runbook's database-corruption scenario end to end, with the real binaries in DR test
//! mode against the simulator: databases created by `setup-databases`, filled by the four
//! syncs, backed up by `notion-export`; then pages trashed, a property renamed and a duplicate
//! added, found by every check the runbook names; then rebuilt, once from the backups into
//! fresh databases (`notion-export --restore DIR`) and once by the syncs into fresh
//! databases, each ending with validation clean.

mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;

use oberaconnect::config::Dataset;
use oberaconnect::notion::{DataSourceId, Page, PropertyValue};
use serde_json::{Value, json};
use support::{World, by_key, text};

/// The datasets of [`SYNCS`], in the same order.
const ORDER: [Dataset; 4] = [
    Dataset::CustomerStatus,
    Dataset::DailyHealth,
    Dataset::ConfigChanges,
    Dataset::Alerts,
];
const SYNCS: [&str; 4] = [
    "customer-status-sync",
    "daily-health-sync",
    "config-change-sync",
    "alert-sync",
];

/// The four databases `setup-databases --create-all` made: dataset key to database id and
/// data source id.
struct Created(BTreeMap<String, (String, String)>);

impl Created {
    fn database(&self, dataset: Dataset) -> &str {
        &self.0[dataset.key()].0
    }

    fn source(&self, dataset: Dataset) -> &str {
        &self.0[dataset.key()].1
    }
}

/// Runs `bin --json -q args` and returns its exit code and report.
fn json_run(world: &World, bin: &str, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["--json", "-q"];
    all.extend_from_slice(args);
    let output = world.run(bin, &all);
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{bin} {args:?} printed no JSON ({e}):\n{}", text(&output)));
    (output.status.code().unwrap(), report)
}

fn expect(world: &World, bin: &str, args: &[&str], code: i32) -> Value {
    let (got, report) = json_run(world, bin, args);
    assert_eq!(got, code, "{bin} {args:?}: {report:#}");
    report
}

/// `setup-databases --create-all --write-config`: four new databases, their ids in
/// config.json.
fn create_all(world: &World) -> Created {
    let report = expect(
        world,
        "setup-databases",
        &["--create-all", "--write-config"],
        0,
    );
    let mut created = BTreeMap::new();
    for dataset in Dataset::ALL {
        let entry = &report["databases"][dataset.key()];
        let id = |field: &str| entry[field].as_str().unwrap().to_owned();
        created.insert(
            dataset.key().to_owned(),
            (id("database_id"), id("data_source_id")),
        );
    }
    let config = std::fs::read_to_string(world.dir.path().join("config.json")).unwrap();
    for (database, _) in created.values() {
        assert!(config.contains(database.as_str()), "{database} in {config}");
    }
    Created(created)
}

fn sync_all(world: &World, args: &[&str]) {
    for sync in SYNCS {
        expect(world, sync, args, 0);
    }
}

fn validate(world: &World) -> (i32, Value) {
    json_run(world, "health-check", &["--validate"])
}

fn backups(world: &World) -> PathBuf {
    world.dir.path().join("backups")
}

/// The backup file of each dataset, from the manifest.
fn backup_files(world: &World) -> BTreeMap<String, PathBuf> {
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(backups(world).join("manifest.json")).unwrap())
            .unwrap();
    manifest["databases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            let file = entry["file"].as_str().unwrap();
            (
                entry["name"].as_str().unwrap().to_owned(),
                backups(world).join(file),
            )
        })
        .collect()
}

fn sync_key(page: &Page) -> String {
    page.text("Sync Key").unwrap_or_default().to_owned()
}

fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value
        .as_array()
        .unwrap_or_else(|| panic!("a list of keys: {value}"))
        .iter()
        .map(|k| k.as_str().unwrap().to_owned())
        .collect();
    keys.sort();
    keys
}

/// What an accident and a careless edit do to a database: two pages trashed, a third
/// copied by hand, and `Health Score` renamed. Returns the trashed and the copied keys.
async fn corrupt_customer_status(world: &World, source: &str) -> (Vec<String>, String) {
    let id = DataSourceId::parse(source).unwrap();
    let pages = world.pages(source).await;
    let mut trashed = Vec::new();
    for page in &pages[..2] {
        world.notion().set_trashed(&page.id, true).await.unwrap();
        trashed.push(sync_key(page));
    }
    trashed.sort();
    let copied = &pages[2];
    world.copy_page(source, copied).await;
    world
        .notion()
        .update_data_source(&id, json!({ "Health Score": { "name": "Score" } }))
        .await
        .unwrap();
    (trashed, sync_key(copied))
}

/// Every check of the runbook's first step names what was done to Customer Status and to
/// Device Issues, and exits 9.
async fn corruption_is_found(world: &World, trashed: &[String], copied: &str, alert: &str) {
    let schema = expect(world, "setup-databases", &["--verify"], 9);
    let findings = &schema["databases"]["customer_status"]["findings"];
    assert_eq!(findings[0]["kind"], "renamed", "{schema:#}");
    assert_eq!(findings[0]["property"], "Health Score");
    assert_eq!(findings[0]["live_name"], "Score");
    for other in ["daily_health", "config_changes", "alerts"] {
        assert_eq!(schema["databases"][other]["status"], "ok", "{other}");
    }

    let (code, rows) = validate(world);
    assert_eq!(code, 9, "{rows:#}");
    let customers = &rows["databases"]["customer_status"];
    assert_eq!(keys(&customers["missing"]), trashed, "{customers}");
    assert_eq!(keys(&customers["duplicated"]), vec![copied.to_owned()]);
    assert_eq!(keys(&rows["databases"]["alerts"]["missing"]), vec![alert]);

    let dir = backups(world);
    let against = expect(
        world,
        "notion-export",
        &["--verify", dir.to_str().unwrap()],
        9,
    );
    let customers = &against["databases"]["customer_status"];
    assert_eq!(customers["missing"]["count"], 2, "{customers:#}");
    assert_eq!(customers["extra"]["count"], 1);
    assert!(
        customers["schema"].to_string().contains("Score"),
        "the rename shows against the backup: {customers}"
    );
    assert_eq!(against["databases"]["alerts"]["missing"]["count"], 1);
    assert_eq!(against["databases"]["daily_health"]["equal"], true);
}

/// Creates the databases, fills them, validates, backs them up, then damages Customer
/// Status and Device Issues and checks that every check finds it.
async fn a_damaged_world() -> (World, Created) {
    let world = World::start().await;
    let created = create_all(&world);
    expect(&world, "setup-databases", &["--verify"], 0);
    sync_all(&world, &[]);
    let (code, report) = validate(&world);
    assert_eq!(code, 0, "{report:#}");
    let dir = backups(&world);
    expect(
        &world,
        "notion-export",
        &["--out-dir", dir.to_str().unwrap()],
        0,
    );
    assert_eq!(backup_files(&world).len(), 4);

    let customers = created.source(Dataset::CustomerStatus);
    assert_eq!(world.pages(customers).await.len(), 98);
    let (trashed, copied) = corrupt_customer_status(&world, customers).await;
    let alert = world.pages(created.source(Dataset::Alerts)).await[0].clone();
    world.notion().set_trashed(&alert.id, true).await.unwrap();
    corruption_is_found(&world, &trashed, &copied, &sync_key(&alert)).await;
    (world, created)
}

/// Each rebuilt database holds each source key once.
async fn one_page_per_key(world: &World, rebuilt: &Created) {
    for dataset in Dataset::ALL {
        let pages = world.pages(rebuilt.source(dataset)).await;
        let keyed = by_key(&pages);
        assert_eq!(keyed.len(), pages.len(), "{}: no key twice", dataset.key());
    }
    assert_eq!(
        world
            .pages(rebuilt.source(Dataset::CustomerStatus))
            .await
            .len(),
        98
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupted_set_is_rebuilt_from_the_backups_and_validates_clean() {
    let (world, damaged) = a_damaged_world().await;

    let rebuilt = create_all(&world);
    for dataset in Dataset::ALL {
        assert_ne!(rebuilt.database(dataset), damaged.database(dataset));
    }
    expect(&world, "setup-databases", &["--verify"], 0);
    // The whole set into the databases config.json now names, Customer Status first, so
    // that Daily Health's `Site` references follow its rows by key.
    let dir = backups(&world);
    let set = ["--restore", dir.to_str().unwrap()];
    let writes = world.writes();
    let plan = expect(
        &world,
        "notion-export",
        &[&set[..], &["--dry-run"]].concat(),
        0,
    );
    assert_eq!(world.writes(), writes, "a dry run writes nothing");
    let report = expect(&world, "notion-export", &set, 0);
    assert_eq!(report["status"], "ok", "{report:#}");
    let mut restored = BTreeMap::new();
    for dataset in Dataset::ALL {
        let done = &report["databases"][dataset.key()];
        assert_eq!(done["database_id"], rebuilt.database(dataset), "{done:#}");
        let count = world.pages(rebuilt.source(dataset)).await.len();
        assert_eq!(done["created"], count, "{}: {done:#}", dataset.key());
        let planned = &plan["databases"][dataset.key()]["would_create"];
        assert_eq!(planned.as_array().unwrap().len(), count);
        restored.insert(dataset.key(), (count, done.clone()));
    }
    let again = expect(&world, "notion-export", &set, 0);
    for dataset in Dataset::ALL {
        let done = &again["databases"][dataset.key()];
        assert_eq!(
            done["created"], 0,
            "a repeated restore creates nothing: {done:#}"
        );
    }
    let (daily, report) = &restored["daily_health"];
    assert!(
        report["notes"].to_string().contains(&format!(
            "`Site`: {daily} reference(s) now point to the restored pages"
        )),
        "{report:#}"
    );
    let site =
        world.pages(rebuilt.source(Dataset::DailyHealth)).await[0].properties["Site"].clone();
    let PropertyValue::Relation(ids) = site else {
        panic!("Site is a relation: {site:?}");
    };
    let customers = world.pages(rebuilt.source(Dataset::CustomerStatus)).await;
    assert!(
        customers.iter().any(|p| p.id == ids[0]),
        "{ids:?} is a restored page"
    );
    let (code, report) = validate(&world);
    assert_eq!(code, 0, "the backups restored are the sources: {report:#}");

    // The syncs adopt the restored rows as they are: nothing duplicated, nothing to update;
    // only the days before the first run, which a full daily-health sync publishes too.
    for (sync, dataset) in SYNCS.iter().zip(ORDER) {
        let report = expect(&world, sync, &["--full-sync"], 0);
        let counts = &report["counts"];
        assert_eq!(counts["updated"], 0, "{sync}: {counts}");
        assert_eq!(counts["duplicates"], 0, "{sync}: {counts}");
        let (count, _) = &restored[dataset.key()];
        assert_eq!(counts["unchanged"], *count as u64, "{sync}: {counts}");
        if dataset != Dataset::DailyHealth {
            assert_eq!(counts["created"], 0, "{sync}: {counts}");
        }
    }
    let (code, report) = validate(&world);
    assert_eq!(code, 0, "{report:#}");
    one_page_per_key(&world, &rebuilt).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupted_set_is_rebuilt_by_full_syncs_into_new_databases() {
    let (world, damaged) = a_damaged_world().await;

    let rebuilt = create_all(&world);
    for (sync, dataset) in SYNCS.iter().zip(ORDER) {
        let database = rebuilt.database(dataset);
        expect(&world, sync, &["--full-sync", "--database-id", database], 0);
    }
    let (code, report) = validate(&world);
    assert_eq!(code, 0, "{report:#}");
    one_page_per_key(&world, &rebuilt).await;
    let old = world.pages(damaged.source(Dataset::CustomerStatus)).await;
    assert_eq!(
        old.len(),
        97,
        "the damaged database is left as it was, for study"
    );
}
