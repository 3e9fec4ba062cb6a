//! The simulated Notion API's objects over real HTTP: the bot user, databases, data sources
//! and pages on `2026-03-11`, `2025-09-03` and `2022-06-28`, schema changes, trash, relations
//! past 25 references, search, timestamps and write counting.

mod common;
mod notion_support;

use std::collections::BTreeSet;

use mock_apis::notion::{BOT_USER_ID, PARENT_PAGE_ID};
use notion_support::*;
use serde_json::{Value, json};

fn keys(object: &Value) -> BTreeSet<&str> {
    object
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect()
}

fn key_set(names: &[&'static str]) -> BTreeSet<&'static str> {
    names.iter().copied().collect()
}

const PAGE_FIELDS: [&str; 14] = [
    "object",
    "id",
    "created_time",
    "last_edited_time",
    "created_by",
    "last_edited_by",
    "cover",
    "icon",
    "parent",
    "in_trash",
    "is_locked",
    "properties",
    "url",
    "public_url",
];

const DATABASE_FIELDS: [&str; 15] = [
    "object",
    "id",
    "title",
    "description",
    "parent",
    "is_inline",
    "in_trash",
    "is_locked",
    "created_time",
    "last_edited_time",
    "data_sources",
    "icon",
    "cover",
    "url",
    "public_url",
];

const DATA_SOURCE_FIELDS: [&str; 17] = [
    "object",
    "id",
    "title",
    "description",
    "parent",
    "database_parent",
    "is_inline",
    "in_trash",
    "created_time",
    "last_edited_time",
    "created_by",
    "last_edited_by",
    "properties",
    "icon",
    "cover",
    "url",
    "public_url",
];

fn with_archived<const N: usize>(fields: [&'static str; N]) -> BTreeSet<&'static str> {
    let mut set = key_set(&fields);
    set.insert("archived");
    set
}

#[tokio::test]
async fn users_me_is_the_bot_user() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let answer = notion.get("/v1/users/me").await;
    let user = answer.ok();
    assert_eq!(user["object"], "user");
    assert_eq!(user["id"], BOT_USER_ID);
    assert_eq!(user["type"], "bot");
    assert_eq!(user["bot"]["owner"]["type"], "workspace");
    sim.shutdown().await;
}

#[tokio::test]
async fn databases_show_data_sources_from_2025_and_properties_before() {
    let sim = common::start_sim().await;
    let seed = customers();
    let path = format!("/v1/databases/{}", seed.database_id);

    let current = Notion::new(&sim, V2026).get(&path).await;
    let database = current.ok();
    assert_eq!(keys(database), key_set(&DATABASE_FIELDS));
    assert_eq!(
        database["data_sources"],
        json!([{ "id": seed.data_source_id, "name": seed.title }])
    );
    assert_eq!(
        database["parent"],
        json!({ "type": "page_id", "page_id": PARENT_PAGE_ID })
    );
    assert_eq!(database["title"][0]["plain_text"], seed.title);

    let older = Notion::new(&sim, V2025).get(&path).await;
    assert_eq!(keys(older.ok()), with_archived(DATABASE_FIELDS));
    assert_eq!(older.ok()["archived"], false);

    let legacy = Notion::new(&sim, V2022).get(&path).await;
    let database = legacy.ok();
    assert!(database.get("data_sources").is_none());
    assert_eq!(database["properties"]["Site Name"]["id"], "title");
    assert_eq!(database["properties"]["Sync Key"]["type"], "rich_text");
    sim.shutdown().await;
}

#[tokio::test]
async fn data_sources_carry_the_seeded_schemas() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let answer = notion
        .get(&format!(
            "/v1/data_sources/{}",
            daily_health().data_source_id
        ))
        .await;
    let source = answer.ok();
    assert_eq!(keys(source), key_set(&DATA_SOURCE_FIELDS));
    assert_eq!(
        source["parent"],
        json!({ "type": "database_id", "database_id": daily_health().database_id })
    );
    let properties = &source["properties"];
    // The earlier 14 columns, `Sync Key`, and the three ISP columns this toolkit adds.
    assert_eq!(properties.as_object().unwrap().len(), 18);
    assert_eq!(properties["Date"]["id"], "title");
    assert_eq!(properties["WAN Uptime"]["number"]["format"], "percent");
    assert_eq!(
        properties["Availability Percentage"]["number"]["format"],
        "percent"
    );
    assert_eq!(
        properties["Site"]["relation"],
        json!({
            "database_id": customers().database_id,
            "data_source_id": customers().data_source_id,
            "type": "single_property",
            "single_property": {}
        })
    );
    let backup = properties["Backup Status"]["select"]["options"]
        .as_array()
        .unwrap();
    let named: Vec<(&str, &str)> = backup
        .iter()
        .map(|o| (o["name"].as_str().unwrap(), o["color"].as_str().unwrap()))
        .collect();
    assert_eq!(
        named,
        [
            ("success", "green"),
            ("partial", "yellow"),
            ("failed", "red"),
            ("unknown", "gray")
        ]
    );

    let older = Notion::new(&sim, V2025)
        .get(&format!("/v1/data_sources/{}", customers().data_source_id))
        .await;
    assert_eq!(keys(older.ok()), with_archived(DATA_SOURCE_FIELDS));
    let states = older.ok()["properties"]["State"]["select"]["options"].clone();
    assert_eq!(states.as_array().unwrap().len(), 14);
    sim.shutdown().await;
}

#[tokio::test]
async fn databases_are_created_with_either_schema_shape() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let created = notion
        .post(
            "/v1/databases",
            json!({
                "parent": { "type": "page_id", "page_id": PARENT_PAGE_ID },
                "title": text("Inventory"),
                "initial_data_source": { "properties": {
                    "Item": { "title": {} },
                    "Count": { "number": { "format": "number_with_commas" } },
                    "Kind": { "select": { "options": [{ "name": "switch", "color": "blue" }] } },
                    "Site": { "relation": {
                        "data_source_id": customers().data_source_id, "single_property": {}
                    } }
                } }
            }),
        )
        .await;
    let database = created.ok();
    assert_eq!(keys(database), key_set(&DATABASE_FIELDS));
    let source_id = database["data_sources"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(database["data_sources"][0]["name"], "Inventory");
    let source = notion.get(&format!("/v1/data_sources/{source_id}")).await;
    let properties = &source.ok()["properties"];
    assert_eq!(properties["Item"]["id"], "title");
    assert_eq!(
        properties["Count"]["number"]["format"],
        "number_with_commas"
    );
    assert_eq!(properties["Kind"]["select"]["options"][0]["color"], "blue");
    assert_eq!(
        properties["Site"]["relation"]["database_id"],
        customers().database_id
    );

    let legacy = Notion::new(&sim, V2022)
        .post(
            "/v1/databases",
            json!({
                "parent": { "type": "page_id", "page_id": PARENT_PAGE_ID },
                "title": text("Old style"),
                "properties": { "Name": { "title": {} }, "Notes": { "rich_text": {} } }
            }),
        )
        .await;
    let database = legacy.ok();
    assert_eq!(database["properties"]["Notes"]["type"], "rich_text");
    assert!(database.get("data_sources").is_none());
    sim.shutdown().await;
}

#[tokio::test]
async fn database_updates_change_the_container() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let path = format!("/v1/databases/{}", alerts().database_id);
    let updated = notion
        .patch(
            &path,
            json!({
                "description": text("Maintained by the sync; do not rename."),
                "is_locked": true
            }),
        )
        .await;
    let database = updated.ok();
    assert_eq!(database["is_locked"], true);
    assert_eq!(
        database["description"][0]["plain_text"],
        "Maintained by the sync; do not rename."
    );
    let refused = notion
        .patch(&path, json!({ "properties": { "X": { "rich_text": {} } } }))
        .await;
    assert!(
        refused
            .error(400, "validation_error")
            .contains("body.properties should be not present")
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn data_source_updates_add_rename_retype_and_delete_properties() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let source = customers().data_source_id;
    let path = format!("/v1/data_sources/{source}");
    let row = notion
        .create_row(
            source,
            json!({
                "Site Name": { "title": text("Acme") },
                "Deployment Status": { "select": { "name": "maintenance" } },
                "Notes": { "rich_text": text("keep") },
            }),
        )
        .await;
    let before = notion.get(&path).await.ok().clone();
    let notes_id = before["properties"]["Notes"]["id"].clone();

    let changed = notion
        .patch(
            &path,
            json!({ "properties": {
                "Region": { "rich_text": {} },
                "Notes": { "name": "Remarks" },
                "Open Tickets": { "rich_text": {} },
                "Primary Contact": null,
                "Deployment Status": { "select": { "options": [
                    { "name": "active", "color": "green" },
                    { "name": "retired", "color": "brown" }
                ] } }
            } }),
        )
        .await;
    let properties = &changed.ok()["properties"];
    assert_eq!(properties["Region"]["type"], "rich_text");
    assert_eq!(
        properties["Remarks"]["id"], notes_id,
        "a rename keeps the id"
    );
    assert!(properties.get("Notes").is_none());
    assert_eq!(properties["Open Tickets"]["type"], "rich_text");
    assert!(properties.get("Primary Contact").is_none());
    let options: Vec<&str> = properties["Deployment Status"]["select"]["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        options,
        ["active", "retired"],
        "the list sent replaces the options"
    );

    let page = notion
        .get(&format!("/v1/pages/{}", row["id"].as_str().unwrap()))
        .await;
    let page = page.ok();
    assert_eq!(plain(page, "Remarks"), "keep");
    assert_eq!(
        page["properties"]["Deployment Status"]["select"],
        Value::Null,
        "a removed option disappears from pages"
    );

    let title = notion
        .patch(
            &path,
            json!({ "properties": { "Site Name": { "number": {} } } }),
        )
        .await;
    assert_eq!(
        title.error(400, "validation_error"),
        "Cannot change the type of the title property."
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn pages_round_trip_every_property_type() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let alerts = alerts();
    let properties = json!({
        "Device Name": { "title": text("FW-01") },
        "Organization": { "rich_text": text("Acme Dental") },
        "Issue Type": { "select": { "name": "offline" } },
        "Device ID": { "number": 42 },
        "Created": { "date": { "start": "2026-12-03" } },
        "Scheduled Time": { "date": { "start": "2026-12-03T06:00:00Z" } },
        "Alert UID": { "rich_text": text("uid-1") },
    });
    let page = notion.create_row(alerts.data_source_id, properties).await;
    assert_eq!(keys(&page), key_set(&PAGE_FIELDS));
    assert_eq!(
        page["parent"],
        json!({
            "type": "data_source_id",
            "data_source_id": alerts.data_source_id,
            "database_id": alerts.database_id
        })
    );
    let values = &page["properties"];
    assert_eq!(values["Device Name"]["id"], "title");
    assert_eq!(plain(&page, "Organization"), "Acme Dental");
    assert_eq!(values["Issue Type"]["select"]["name"], "offline");
    assert_eq!(values["Device ID"]["number"], 42);
    assert_eq!(
        values["Created"]["date"],
        json!({ "start": "2026-12-03", "end": null, "time_zone": null })
    );
    assert_eq!(
        values["Scheduled Time"]["date"]["start"],
        "2026-12-03T06:00:00.000+00:00"
    );
    assert_eq!(
        values["Last Seen"]["date"],
        Value::Null,
        "unset values are present and empty"
    );
    assert_eq!(values["Details"]["rich_text"], json!([]));
    assert_eq!(
        page["created_by"],
        json!({ "object": "user", "id": BOT_USER_ID })
    );
    assert!(
        page["url"]
            .as_str()
            .unwrap()
            .starts_with("https://www.notion.so/FW-01-")
    );

    let id = page["id"].as_str().unwrap();
    let older = Notion::new(&sim, V2025)
        .get(&format!("/v1/pages/{id}"))
        .await;
    assert_eq!(keys(older.ok()), with_archived(PAGE_FIELDS));

    let updated = notion
        .patch(
            &format!("/v1/pages/{id}"),
            json!({ "properties": { "Device ID": { "number": null }, "Issue Type": { "select": null } } }),
        )
        .await;
    let values = &updated.ok()["properties"];
    assert_eq!(values["Device ID"]["number"], Value::Null);
    assert_eq!(values["Issue Type"]["select"], Value::Null);
    assert_eq!(
        plain(updated.ok(), "Organization"),
        "Acme Dental",
        "others untouched"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn filter_properties_trims_pages_in_both_forms() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let source = customers().data_source_id;
    let page = notion.create_row(source, customer("Acme", "k1", 3)).await;
    let id = page["id"].as_str().unwrap();
    let device_count_id = page["properties"]["Device Count"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let encoded: String = url_encode(&device_count_id);

    let repeated = notion
        .get(&format!(
            "/v1/pages/{id}?filter_properties=title&filter_properties={encoded}"
        ))
        .await;
    assert_eq!(
        keys(&repeated.ok()["properties"]),
        key_set(&["Site Name", "Device Count"])
    );
    let bracketed = notion
        .post(
            &format!("/v1/data_sources/{source}/query?filter_properties[]=Sync%20Key"),
            json!({}),
        )
        .await;
    let row = &bracketed.ok()["results"][0];
    assert_eq!(keys(&row["properties"]), key_set(&["Sync Key"]));
    sim.shutdown().await;
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn pages_go_to_the_trash_and_come_back() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let source = customers().data_source_id;
    let page = notion.create_row(source, customer("Acme", "k1", 3)).await;
    let path = format!("/v1/pages/{}", page["id"].as_str().unwrap());

    let trashed = notion.patch(&path, json!({ "in_trash": true })).await;
    assert_eq!(trashed.ok()["in_trash"], true);
    let listed = notion.query(source, json!({})).await;
    assert_eq!(
        listed.ok()["results"],
        json!([]),
        "trashed pages are not queried"
    );
    let edit = notion
        .patch(
            &path,
            json!({ "properties": { "Device Count": { "number": 4 } } }),
        )
        .await;
    assert_eq!(
        edit.error(400, "validation_error"),
        "Can't edit block that is archived. You must unarchive the block before editing."
    );
    assert_eq!(notion.get(&path).await.ok()["in_trash"], true);

    let restored = notion.patch(&path, json!({ "in_trash": false })).await;
    assert_eq!(restored.ok()["in_trash"], false);
    assert_eq!(
        notion.query(source, json!({})).await.ok()["results"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let older = Notion::new(&sim, V2025);
    let archived = older.patch(&path, json!({ "archived": true })).await;
    assert_eq!(archived.ok()["archived"], true);
    assert_eq!(archived.ok()["in_trash"], true);
    let refused = notion.patch(&path, json!({ "archived": false })).await;
    assert_eq!(
        refused.error(400, "validation_error"),
        "body failed validation: body.archived should be not present, instead was `false`."
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn relations_show_25_references_and_the_property_item_endpoint_reads_all() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let mut customer_ids = Vec::new();
    for n in 0..30 {
        let page = notion
            .create_row(
                customers().data_source_id,
                customer(&format!("Site {n}"), &format!("k{n}"), n),
            )
            .await;
        customer_ids.push(page["id"].as_str().unwrap().to_owned());
    }
    let relation: Vec<Value> = customer_ids.iter().map(|id| json!({ "id": id })).collect();
    let daily = notion
        .create_row(
            daily_health().data_source_id,
            json!({ "Date": { "title": text("2026-12-03") }, "Site": { "relation": relation } }),
        )
        .await;
    let site = &daily["properties"]["Site"];
    assert_eq!(site["relation"].as_array().unwrap().len(), 25);
    assert_eq!(site["has_more"], true);

    let page_id = daily["id"].as_str().unwrap();
    let property_id = url_encode(site["id"].as_str().unwrap());
    let mut read = Vec::new();
    let mut cursor: Option<String> = None;
    let mut requests = 0;
    loop {
        let mut path = format!("/v1/pages/{page_id}/properties/{property_id}?page_size=10");
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&start_cursor={cursor}"));
        }
        let answer = notion.get(&path).await;
        let list = answer.ok();
        requests += 1;
        assert_eq!(list["object"], "list");
        assert_eq!(list["type"], "property_item");
        assert_eq!(list["property_item"]["type"], "relation");
        for item in list["results"].as_array().unwrap() {
            assert_eq!(item["object"], "property_item");
            read.push(item["relation"]["id"].as_str().unwrap().to_owned());
        }
        if list["has_more"] == false {
            assert!(list["next_cursor"].is_null());
            assert!(list["property_item"]["next_url"].is_null());
            break;
        }
        cursor = list["next_cursor"].as_str().map(str::to_owned);
    }
    assert_eq!(requests, 3);
    assert_eq!(read, customer_ids);

    let single = notion
        .get(&format!("/v1/pages/{}/properties/title", customer_ids[0]))
        .await;
    assert_eq!(single.ok()["results"][0]["title"]["plain_text"], "Site 0");
    let count_id = url_encode(
        notion
            .get(&format!("/v1/pages/{}", customer_ids[7]))
            .await
            .ok()["properties"]["Device Count"]["id"]
            .as_str()
            .unwrap(),
    );
    let number = notion
        .get(&format!(
            "/v1/pages/{}/properties/{count_id}",
            customer_ids[7]
        ))
        .await;
    assert_eq!(number.ok()["object"], "property_item");
    assert_eq!(number.ok()["number"], 7);
    sim.shutdown().await;
}

#[tokio::test]
async fn timestamps_are_rounded_down_to_the_minute_in_simulated_time() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let (status, _) = common::control_post(&sim, "/tick", json!({ "duration": "1d" })).await;
    assert_eq!(status, 200);
    let before = sim.sim.now().unwrap();
    let page = notion
        .create_row(customers().data_source_id, customer("Acme", "k", 1))
        .await;
    let after = sim.sim.now().unwrap();
    let created = page["created_time"].as_str().unwrap();
    assert!(created.ends_with(":00.000Z"), "{created}");
    assert_eq!(page["last_edited_time"], created);
    let stamp = chrono::DateTime::parse_from_rfc3339(created).unwrap();
    let floor = |t: chrono::DateTime<chrono::Utc>| t.timestamp() - t.timestamp() % 60;
    assert!(
        (floor(before)..=floor(after)).contains(&stamp.timestamp()),
        "created_time follows the simulated clock (a day ahead)"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn writes_are_counted_and_reads_are_not() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let writes = |stats: &Value| stats["apis"]["notion"]["writes"].as_u64().unwrap();
    let start = writes(&common::control_get(&sim, "/stats").await);

    let page = notion
        .create_row(customers().data_source_id, customer("Acme", "k", 1))
        .await;
    let id = page["id"].as_str().unwrap();
    notion
        .patch(&format!("/v1/pages/{id}"), json!({ "in_trash": true }))
        .await
        .ok();
    notion
        .patch(
            &format!("/v1/data_sources/{}", alerts().data_source_id),
            json!({ "properties": { "Extra": { "checkbox": {} } } }),
        )
        .await
        .ok();
    notion
        .patch(
            &format!("/v1/databases/{}", alerts().database_id),
            json!({ "is_locked": true }),
        )
        .await
        .ok();
    notion.get(&format!("/v1/pages/{id}")).await.ok();
    notion
        .query(customers().data_source_id, json!({}))
        .await
        .ok();
    let refused = notion
        .post("/v1/pages", json!({ "parent": { "page_id": "nope" } }))
        .await;
    assert_eq!(refused.status, 400);

    let end = writes(&common::control_get(&sim, "/stats").await);
    assert_eq!(end - start, 4);
    sim.shutdown().await;
}

#[tokio::test]
async fn search_finds_pages_and_data_sources_by_title() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let found = notion
        .post(
            "/v1/search",
            json!({
                "query": "customer status",
                "filter": { "property": "object", "value": "data_source" },
                "sort": { "timestamp": "last_edited_time", "direction": "descending" },
                "page_size": 10
            }),
        )
        .await;
    let list = found.ok();
    assert_eq!(list["type"], "page_or_data_source");
    assert_eq!(list["results"].as_array().unwrap().len(), 1);
    assert_eq!(list["results"][0]["object"], "data_source");
    assert_eq!(list["results"][0]["id"], customers().data_source_id);

    let pages = notion
        .post(
            "/v1/search",
            json!({ "query": "Dashboards", "filter": { "property": "object", "value": "page" } }),
        )
        .await;
    assert_eq!(pages.ok()["results"][0]["id"], PARENT_PAGE_ID);

    let legacy = Notion::new(&sim, V2022)
        .post(
            "/v1/search",
            json!({ "filter": { "property": "object", "value": "database" } }),
        )
        .await;
    let list = legacy.ok();
    assert_eq!(list["type"], "page_or_database");
    assert_eq!(list["results"].as_array().unwrap().len(), 4);
    let refused = notion
        .post(
            "/v1/search",
            json!({ "filter": { "property": "object", "value": "database" } }),
        )
        .await;
    assert!(
        refused
            .error(400, "validation_error")
            .contains("body.filter.value")
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn writing_a_new_option_name_adds_the_option() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let source = customers().data_source_id;
    let page = notion
        .create_row(source, json!({ "Stack Type": { "multi_select": [{ "name": "Ubiquiti" }, { "name": "Cisco" }] } }))
        .await;
    let chosen = page["properties"]["Stack Type"]["multi_select"]
        .as_array()
        .unwrap();
    assert_eq!(chosen.len(), 2);
    assert_eq!(chosen[0]["color"], "blue");
    let schema = notion.get(&format!("/v1/data_sources/{source}")).await;
    let options = schema.ok()["properties"]["Stack Type"]["multi_select"]["options"].clone();
    let cisco = options
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "Cisco")
        .cloned();
    assert_eq!(cisco.unwrap()["id"], chosen[1]["id"]);
    sim.shutdown().await;
}

#[tokio::test]
async fn pages_below_pages_have_a_title_only() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let created = notion
        .post(
            "/v1/pages",
            json!({
                "parent": { "page_id": PARENT_PAGE_ID },
                "properties": { "title": { "title": text("Runbook") } },
                "children": []
            }),
        )
        .await;
    let page = created.ok();
    assert_eq!(
        page["parent"],
        json!({ "type": "page_id", "page_id": PARENT_PAGE_ID })
    );
    assert_eq!(plain(page, "title"), "Runbook");
    let refused = notion
        .post(
            "/v1/pages",
            json!({ "parent": { "page_id": PARENT_PAGE_ID }, "properties": { "Notes": { "rich_text": [] } } }),
        )
        .await;
    assert_eq!(
        refused.error(400, "validation_error"),
        "Notes is not a property that exists."
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn the_2022_version_reads_and_writes_databases_as_the_earlier_scripts_did() {
    let sim = common::start_sim().await;
    let legacy = Notion::new(&sim, V2022);
    let seed = config_changes();
    let path = format!("/v1/databases/{}", seed.database_id);
    let changed = legacy
        .patch(
            &path,
            json!({ "properties": { "Site": { "relation": {
            "database_id": customers().database_id, "single_property": {}
        } } } }),
        )
        .await;
    let relation = &changed.ok()["properties"]["Site"]["relation"];
    assert_eq!(
        relation,
        &json!({ "database_id": customers().database_id, "type": "single_property", "single_property": {} })
    );

    let created = legacy
        .post(
            "/v1/pages",
            json!({
                "parent": { "database_id": seed.database_id },
                "properties": { "Change ID": { "title": text("acme-20261203-101200") } }
            }),
        )
        .await;
    let page = created.ok();
    assert_eq!(
        page["parent"],
        json!({ "type": "database_id", "database_id": seed.database_id })
    );
    assert_eq!(page["archived"], false);
    let refused = legacy
        .post(
            "/v1/pages",
            json!({ "parent": { "data_source_id": seed.data_source_id }, "properties": {} }),
        )
        .await;
    assert!(
        refused
            .error(400, "validation_error")
            .contains("body.parent.data_source_id")
    );

    let current = Notion::new(&sim, V2026)
        .get(&format!("/v1/pages/{}", page["id"].as_str().unwrap()))
        .await;
    assert_eq!(
        current.ok()["parent"],
        json!({ "type": "data_source_id", "data_source_id": seed.data_source_id, "database_id": seed.database_id }),
        "the same page seen through 2026-03-11 has a data source parent"
    );
    sim.shutdown().await;
}
