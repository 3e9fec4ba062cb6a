//! The workspace the simulator starts with: the page "OberaConnect Dashboards" and, below it,
//! the four databases of `shared/api/ORIGINAL_SYSTEM.md` section 2, empty, with their
//! properties, types, options and colours, plus a `Sync Key` rich text property in each (the
//! external key the create guard looks rows up by, NOTION.md section 11).
//!
//! The product's schemas are `oberaconnect::model::schemas` (this crate cannot depend on
//! it); `crates/cli/tests/setup_databases.rs` fails when the two differ.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::{DataSource, Database, Page, PageParent, Workspace};
use crate::notion::schema::Schema;
use crate::notion::schema::parse::ConfigContext;
use crate::notion::schema::update::build;
use crate::notion::time::minute_stamp;
use crate::notion::values::rich_text;
use crate::notion::{DATABASES, PARENT_PAGE_ID, SeedDatabase, ids};

/// Title of the parent page.
pub const PARENT_PAGE_TITLE: &str = "OberaConnect Dashboards";

/// The workspace at start.
pub fn seeded(now: DateTime<Utc>) -> Workspace {
    let stamp = minute_stamp(now);
    let mut workspace = Workspace::default();
    workspace.insert_page(parent_page(&stamp));
    for seed in DATABASES {
        let schema = schema_of(&seed);
        let title = rich_text::from_plain(seed.title);
        let database = Database {
            id: seed.database_id.to_owned(),
            title: title.clone(),
            description: Value::Array(Vec::new()),
            parent_page_id: Some(PARENT_PAGE_ID.to_owned()),
            is_inline: false,
            in_trash: false,
            is_locked: false,
            created_time: stamp.clone(),
            last_edited_time: stamp.clone(),
            icon: Value::Null,
            cover: Value::Null,
            data_source_ids: vec![seed.data_source_id.to_owned()],
        };
        let data_source = DataSource::new(
            seed.data_source_id.to_owned(),
            seed.database_id.to_owned(),
            title,
            schema,
            &stamp,
        );
        workspace.insert_database(database, vec![data_source]);
    }
    workspace
}

fn parent_page(stamp: &str) -> Page {
    let mut values = BTreeMap::new();
    values.insert("title".to_owned(), rich_text::from_plain(PARENT_PAGE_TITLE));
    Page {
        id: PARENT_PAGE_ID.to_owned(),
        parent: PageParent::Workspace,
        created_time: stamp.to_owned(),
        last_edited_time: stamp.to_owned(),
        in_trash: false,
        is_locked: false,
        icon: Value::Null,
        cover: Value::Null,
        url: ids::notion_url(PARENT_PAGE_TITLE, PARENT_PAGE_ID),
        values,
        rendered: Default::default(),
    }
}

fn schema_of(seed: &SeedDatabase) -> Schema {
    let properties: Vec<(String, Value)> = match seed.key {
        "customer_status" => customer_status(),
        "daily_health" => daily_health(),
        "config_changes" => config_changes(),
        _ => device_issues(),
    }
    .into_iter()
    .map(|(name, config)| (name.to_owned(), config))
    .chain([("Sync Key".to_owned(), json!({ "rich_text": {} }))])
    .collect();
    let customers = DATABASES[0];
    let resolve = |id: &str| {
        (id == customers.data_source_id).then(|| {
            (
                customers.data_source_id.to_owned(),
                customers.database_id.to_owned(),
            )
        })
    };
    let context = ConfigContext {
        data_source_id: seed.data_source_id,
        resolve_relation: &resolve,
    };
    let entries = properties.iter().map(|(name, config)| (name, config));
    // The seed configurations are constants of this file; a failure is a bug in them.
    build(entries, "seed", &context).unwrap_or_else(|err| {
        panic!(
            "seed schema of `{}` is invalid: {}",
            seed.key,
            err.message()
        )
    })
}

fn select(options: &[(&str, &str)]) -> Value {
    let options: Vec<Value> = options
        .iter()
        .map(|(name, color)| json!({ "name": name, "color": color }))
        .collect();
    json!({ "select": { "options": options } })
}

fn plain_select(names: &[&str]) -> Value {
    let options: Vec<(&str, &str)> = names.iter().map(|name| (*name, "default")).collect();
    select(&options)
}

fn number(format: &str) -> Value {
    json!({ "number": { "format": format } })
}

fn text() -> Value {
    json!({ "rich_text": {} })
}

fn date() -> Value {
    json!({ "date": {} })
}

fn customer_status() -> Vec<(&'static str, Value)> {
    let states = [
        ("Alabama", "red"),
        ("Arkansas", "orange"),
        ("Florida", "yellow"),
        ("Georgia", "green"),
        ("Kentucky", "blue"),
        ("Louisiana", "purple"),
        ("Mississippi", "pink"),
        ("Missouri", "red"),
        ("North Carolina", "orange"),
        ("Oklahoma", "yellow"),
        ("South Carolina", "green"),
        ("Tennessee", "blue"),
        ("Texas", "purple"),
        ("Virginia", "pink"),
    ];
    let stacks = [
        ("Ubiquiti", "blue"),
        ("MikroTik", "orange"),
        ("SonicWall", "red"),
        ("Azure", "purple"),
    ];
    let stack_options: Vec<Value> = stacks
        .iter()
        .map(|(name, color)| json!({ "name": name, "color": color }))
        .collect();
    vec![
        ("Site Name", json!({ "title": {} })),
        ("Customer ID", text()),
        ("State", select(&states)),
        ("Device Count", number("number")),
        (
            "Stack Type",
            json!({ "multi_select": { "options": stack_options } }),
        ),
        (
            "Deployment Status",
            select(&[
                ("onboarding", "yellow"),
                ("active", "green"),
                ("maintenance", "blue"),
                ("needs attention", "red"),
                ("offboarding", "gray"),
            ]),
        ),
        ("Health Score", number("number")),
        ("Last Health Check", date()),
        ("Open Tickets", number("number")),
        ("Contract Renewal", date()),
        ("Primary Contact", text()),
        ("Notes", text()),
    ]
}

fn daily_health() -> Vec<(&'static str, Value)> {
    let customers = DATABASES[0];
    vec![
        ("Date", json!({ "title": {} })),
        (
            "Site",
            json!({ "relation": {
                "data_source_id": customers.data_source_id,
                "type": "single_property",
                "single_property": {}
            } }),
        ),
        ("Devices Online", number("number")),
        ("Devices Offline", number("number")),
        ("Devices Total", number("number")),
        ("Availability Percentage", number("percent")),
        ("WiFi Clients", number("number")),
        ("Signal Warnings", number("number")),
        ("Active Alerts", number("number")),
        ("Alert Summary", text()),
        ("Config Drift Detected", json!({ "checkbox": {} })),
        (
            "Backup Status",
            select(&[
                ("success", "green"),
                ("partial", "yellow"),
                ("failed", "red"),
                ("unknown", "gray"),
            ]),
        ),
        ("Health Score", number("number")),
        ("Notes", text()),
        // Added by this toolkit: the day's ISP figures (UniFi 1-hour metrics).
        ("WAN Uptime", number("percent")),
        ("Latency (ms)", number("number")),
        ("Packet Loss", number("percent")),
    ]
}

fn config_changes() -> Vec<(&'static str, Value)> {
    vec![
        ("Change ID", json!({ "title": {} })),
        ("Site Name", text()),
        (
            "Tool",
            select(&[
                ("mikrotik-config-builder", "orange"),
                ("sonicwall-scripts", "red"),
                ("unifi-deploy", "blue"),
                ("azure-automation", "purple"),
                ("network-troubleshooter", "green"),
                ("manual", "gray"),
                // Found by the sync itself: NinjaOne activities, UniFi snapshot differences.
                ("ninjaone", "brown"),
                ("unifi-site-manager", "blue"),
            ]),
        ),
        (
            "Vendor",
            select(&[
                ("MikroTik", "orange"),
                ("SonicWall", "red"),
                ("Ubiquiti", "blue"),
                ("Azure", "purple"),
                ("Multi", "green"),
                ("Manual", "gray"),
                ("NinjaOne", "brown"),
            ]),
        ),
        (
            "Category",
            select(&[
                ("network", "blue"),
                ("security", "red"),
                ("cloud", "purple"),
                ("assessment", "green"),
                ("manual", "gray"),
                ("other", "default"),
            ]),
        ),
        (
            "Action",
            select(&[
                ("deploy", "green"),
                ("update", "blue"),
                ("rollback", "orange"),
                ("backup", "purple"),
                ("restore", "yellow"),
                ("delete", "red"),
                ("create", "green"),
                ("modify", "blue"),
                ("assessment", "gray"),
            ]),
        ),
        ("Summary", text()),
        ("Details", text()),
        ("Engineer", text()),
        ("Timestamp", date()),
        (
            "Risk Level",
            select(&[
                ("low", "green"),
                ("medium", "yellow"),
                ("high", "orange"),
                ("critical", "red"),
            ]),
        ),
        ("Ticket ID", text()),
        ("Rollback Plan", text()),
        ("Notes", text()),
    ]
}

/// Device Issues options had no colours in the earlier system; they get `default`.
fn device_issues() -> Vec<(&'static str, Value)> {
    vec![
        ("Device Name", json!({ "title": {} })),
        ("Organization", text()),
        (
            "Issue Type",
            plain_select(&[
                "disk_space",
                "memory",
                "disk_io",
                "offline",
                "backup_failed",
                "cpu",
                "service_down",
            ]),
        ),
        ("Severity", plain_select(&["critical", "warning", "info"])),
        ("Details", text()),
        (
            "Status",
            plain_select(&[
                "new",
                "acknowledged",
                "scheduled",
                "in_progress",
                "resolved",
            ]),
        ),
        ("Device ID", number("number")),
        (
            "Scheduled Action",
            plain_select(&[
                "disk_cleanup",
                "restart_service",
                "reboot",
                "manual",
                "none",
            ]),
        ),
        ("Scheduled Time", date()),
        ("Alert UID", text()),
        ("Created", date()),
        ("Last Seen", date()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notion::schema::PropertyConfig;

    #[test]
    fn the_four_databases_exist_with_their_schemas() {
        let workspace = seeded(Utc::now());
        for seed in DATABASES {
            let source = workspace.data_source(seed.data_source_id).unwrap();
            assert_eq!(source.database_id, seed.database_id);
            assert!(source.schema.find("Sync Key").is_some(), "{}", seed.key);
            assert_eq!(source.schema.title().unwrap().id, "title");
        }
        let daily = workspace.data_source(DATABASES[1].data_source_id).unwrap();
        assert_eq!(
            daily.schema.find("Site").unwrap().config,
            PropertyConfig::Relation {
                data_source_id: DATABASES[0].data_source_id.to_owned(),
                database_id: DATABASES[0].database_id.to_owned(),
            }
        );
        let customers = workspace.data_source(DATABASES[0].data_source_id).unwrap();
        let states = customers
            .schema
            .find("State")
            .unwrap()
            .config
            .options()
            .unwrap();
        assert_eq!(states.len(), 14);
        assert_eq!(states[13].name, "Virginia");
        assert_eq!(states[13].color, "pink");
        assert_eq!(customers.schema.properties.len(), 13);
    }
}
