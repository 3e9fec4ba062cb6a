//! Data source queries of the simulated Notion API over real HTTP: filters of each kind,
//! sorts, paging to the end, the row cap, the invalid-cursor fault, and the bodies SDKs send.

mod common;
mod notion_support;

use notion_support::*;
use reqwest::Method;
use serde_json::{Value, json};

fn titles(list: &Value) -> Vec<String> {
    list["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|page| {
            let key = if page["properties"].get("Site Name").is_some() {
                "Site Name"
            } else {
                "Date"
            };
            plain(page, key)
        })
        .collect()
}

/// Three customers with different values in every filtered property.
async fn three_customers(notion: &Notion) -> Vec<String> {
    let rows = [
        json!({
            "Site Name": { "title": text("Acme Dental") },
            "Sync Key": { "rich_text": text("k1") },
            "Device Count": { "number": 5 },
            "State": { "select": { "name": "Texas" } },
            "Stack Type": { "multi_select": [{ "name": "Ubiquiti" }] },
            "Last Health Check": { "date": { "start": "2026-12-01" } },
        }),
        json!({
            "Site Name": { "title": text("Beta Corp") },
            "Sync Key": { "rich_text": text("k2") },
            "Device Count": { "number": 12 },
            "State": { "select": { "name": "Georgia" } },
            "Stack Type": { "multi_select": [{ "name": "Ubiquiti" }, { "name": "Azure" }] },
            "Last Health Check": { "date": { "start": "2026-12-03T06:00:00Z" } },
        }),
        json!({
            "Site Name": { "title": text("Gamma LLC") },
            "Sync Key": { "rich_text": text("k3") },
        }),
    ];
    let mut ids = Vec::new();
    for row in rows {
        let page = notion.create_row(customers().data_source_id, row).await;
        ids.push(page["id"].as_str().unwrap().to_owned());
    }
    ids
}

async fn matching(notion: &Notion, filter: Value) -> Vec<String> {
    let answer = notion
        .query(customers().data_source_id, json!({ "filter": filter }))
        .await;
    let mut names = titles(answer.ok());
    names.sort();
    names
}

#[tokio::test]
async fn property_filters_of_each_kind() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    three_customers(&notion).await;
    let cases = [
        (
            json!({ "property": "Sync Key", "rich_text": { "equals": "k2" } }),
            vec!["Beta Corp"],
        ),
        (
            json!({ "property": "title", "title": { "contains": "CORP" } }),
            vec!["Beta Corp"],
        ),
        (
            json!({ "property": "Site Name", "title": { "starts_with": "ac" } }),
            vec!["Acme Dental"],
        ),
        (
            json!({ "property": "Site Name", "title": { "ends_with": "llc" } }),
            vec!["Gamma LLC"],
        ),
        (
            json!({ "property": "Site Name", "title": { "does_not_contain": "ME D" } }),
            vec!["Beta Corp", "Gamma LLC"],
        ),
        (
            json!({ "property": "Sync Key", "rich_text": { "does_not_equal": "k1" } }),
            vec!["Beta Corp", "Gamma LLC"],
        ),
        (
            json!({ "property": "Notes", "rich_text": { "is_empty": true } }),
            vec!["Acme Dental", "Beta Corp", "Gamma LLC"],
        ),
        (
            json!({ "property": "Device Count", "number": { "greater_than": 5 } }),
            vec!["Beta Corp"],
        ),
        (
            json!({ "property": "Device Count", "number": { "less_than_or_equal_to": 5 } }),
            vec!["Acme Dental"],
        ),
        (
            json!({ "property": "Device Count", "number": { "is_empty": true } }),
            vec!["Gamma LLC"],
        ),
        (
            json!({ "property": "State", "select": { "equals": "Texas" } }),
            vec!["Acme Dental"],
        ),
        (
            json!({ "property": "State", "select": { "does_not_equal": "Texas" } }),
            vec!["Beta Corp", "Gamma LLC"],
        ),
        (
            json!({ "property": "State", "select": { "is_not_empty": true } }),
            vec!["Acme Dental", "Beta Corp"],
        ),
        (
            json!({ "property": "Stack Type", "multi_select": { "contains": "Azure" } }),
            vec!["Beta Corp"],
        ),
        (
            json!({ "property": "Stack Type", "multi_select": { "is_empty": true } }),
            vec!["Gamma LLC"],
        ),
        (
            json!({ "property": "Last Health Check", "date": { "equals": "2026-12-03" } }),
            vec!["Beta Corp"],
        ),
        (
            json!({ "property": "Last Health Check", "date": { "before": "2026-12-02" } }),
            vec!["Acme Dental"],
        ),
        (
            json!({ "property": "Last Health Check", "date": { "on_or_after": "2026-12-01" } }),
            vec!["Acme Dental", "Beta Corp"],
        ),
        (
            json!({ "property": "Last Health Check", "date": { "after": "2026-12-03T05:00:00Z" } }),
            vec!["Beta Corp"],
        ),
        (
            json!({ "property": "Last Health Check", "date": { "is_empty": true } }),
            vec!["Gamma LLC"],
        ),
    ];
    for (filter, expected) in cases {
        assert_eq!(
            matching(&notion, filter.clone()).await,
            expected,
            "filter {filter}"
        );
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn compound_and_timestamp_filters() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    three_customers(&notion).await;
    let nested = json!({ "and": [
        { "property": "Device Count", "number": { "greater_than_or_equal_to": 5 } },
        { "or": [
            { "property": "State", "select": { "equals": "Texas" } },
            { "property": "State", "select": { "equals": "Georgia" } }
        ] }
    ] });
    assert_eq!(
        matching(&notion, nested).await,
        ["Acme Dental", "Beta Corp"]
    );
    let either = json!({ "or": [
        { "property": "Sync Key", "rich_text": { "equals": "k1" } },
        { "property": "Sync Key", "rich_text": { "equals": "k3" } }
    ] });
    assert_eq!(
        matching(&notion, either).await,
        ["Acme Dental", "Gamma LLC"]
    );

    let today = sim.sim.now().unwrap().format("%Y-%m-%d").to_string();
    let created_today =
        json!({ "timestamp": "created_time", "created_time": { "on_or_after": today } });
    assert_eq!(matching(&notion, created_today).await.len(), 3);
    let old = json!({ "timestamp": "last_edited_time", "last_edited_time": { "before": "2000-01-01T00:00:00Z" } });
    assert!(matching(&notion, old).await.is_empty());
    let this_week = json!({ "timestamp": "created_time", "created_time": { "past_week": {} } });
    assert_eq!(matching(&notion, this_week).await.len(), 3);
    sim.shutdown().await;
}

#[tokio::test]
async fn relation_and_checkbox_filters() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let ids = three_customers(&notion).await;
    let source = daily_health().data_source_id;
    for (day, site, drift) in [
        ("2026-12-01", &ids[0], true),
        ("2026-12-02", &ids[1], false),
    ] {
        notion
            .create_row(
                source,
                json!({
                    "Date": { "title": text(day) },
                    "Site": { "relation": [{ "id": site }] },
                    "Config Drift Detected": { "checkbox": drift },
                }),
            )
            .await;
    }
    let by_site = notion
        .query(
            source,
            json!({ "filter": { "property": "Site", "relation": { "contains": ids[1] } } }),
        )
        .await;
    assert_eq!(titles(by_site.ok()), ["2026-12-02"]);
    let drifted = notion
        .query(
            source,
            json!({ "filter": { "property": "Config Drift Detected", "checkbox": { "equals": true } } }),
        )
        .await;
    assert_eq!(titles(drifted.ok()), ["2026-12-01"]);
    sim.shutdown().await;
}

#[tokio::test]
async fn sorts_by_property_and_timestamp() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    three_customers(&notion).await;
    let source = customers().data_source_id;
    let sorted = |sorts: Value| {
        let notion = notion.clone();
        async move { titles(notion.query(source, json!({ "sorts": sorts })).await.ok()) }
    };
    assert_eq!(
        sorted(json!([{ "property": "Device Count", "direction": "descending" }])).await,
        ["Beta Corp", "Acme Dental", "Gamma LLC"],
        "empty values last"
    );
    assert_eq!(
        sorted(json!([{ "property": "State", "direction": "ascending" }])).await,
        ["Beta Corp", "Acme Dental", "Gamma LLC"],
        "selects sort by option order (Georgia before Texas)"
    );
    assert_eq!(
        sorted(json!([{ "property": "Site Name", "direction": "descending" }])).await,
        ["Gamma LLC", "Beta Corp", "Acme Dental"]
    );
    assert_eq!(
        sorted(json!([{ "timestamp": "created_time", "direction": "ascending" }])).await,
        sorted(json!([])).await,
        "the default order is created_time ascending"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn queries_accept_no_body_and_an_empty_body() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    three_customers(&notion).await;
    let path = format!("/v1/data_sources/{}/query", customers().data_source_id);
    let bodiless = notion.send_raw(Method::POST, &path, None).await;
    let empty = notion.post(&path, json!({})).await;
    for answer in [&bodiless, &empty] {
        let list = answer.ok();
        assert_eq!(list["object"], "list");
        assert_eq!(list["type"], "page_or_data_source");
        assert_eq!(list["page_or_data_source"], json!({}));
        assert_eq!(list["results"].as_array().unwrap().len(), 3);
        assert_eq!(list["has_more"], false);
        assert_eq!(list["next_cursor"], Value::Null);
        assert!(list.get("request_status").is_none());
    }
    let legacy = Notion::new(&sim, V2022)
        .send_raw(
            Method::POST,
            &format!("/v1/databases/{}/query", customers().database_id),
            None,
        )
        .await;
    let page = &legacy.ok()["results"][0];
    assert_eq!(
        page["parent"],
        json!({ "type": "database_id", "database_id": customers().database_id })
    );
    assert_eq!(page["archived"], false);
    sim.shutdown().await;
}

async fn many_rows(notion: &Notion, count: usize) {
    for n in 0..count {
        notion
            .create_row(
                alerts().data_source_id,
                json!({
                    "Device Name": { "title": text(&format!("device {n:03}")) },
                    "Device ID": { "number": n },
                }),
            )
            .await;
    }
}

#[tokio::test]
async fn paging_reaches_the_end_and_the_row_cap_stops_a_query() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    many_rows(&notion, 230).await;
    let source = alerts().data_source_id;

    let (rows, pages) = notion.query_all(source, json!({ "page_size": 100 })).await;
    assert_eq!(pages, 3);
    let ids: std::collections::BTreeSet<_> = rows.iter().map(|r| r["id"].to_string()).collect();
    assert_eq!(ids.len(), 230, "every row once");

    let (small, small_pages) = notion
        .query_all(
            source,
            json!({
                "page_size": 40,
                "sorts": [{ "property": "Device ID", "direction": "descending" }],
                "filter": { "property": "Device ID", "number": { "less_than": 100 } }
            }),
        )
        .await;
    assert_eq!(small_pages, 3);
    let numbers: Vec<i64> = small
        .iter()
        .map(|r| r["properties"]["Device ID"]["number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, (0..100).rev().collect::<Vec<_>>());

    let (status, _) =
        common::control_post(&sim, "/settings", json!({ "notion_row_cap": 150 })).await;
    assert_eq!(status, 200);
    let first = notion.query(source, json!({ "page_size": 100 })).await;
    let first = first.ok().clone();
    assert_eq!(first["has_more"], true);
    assert!(first.get("request_status").is_none());
    let second = notion
        .query(
            source,
            json!({ "page_size": 100, "start_cursor": first["next_cursor"] }),
        )
        .await;
    let second = second.ok();
    assert_eq!(second["results"].as_array().unwrap().len(), 50);
    assert_eq!(second["has_more"], false);
    assert_eq!(second["next_cursor"], Value::Null);
    assert_eq!(
        second["request_status"],
        json!({ "type": "incomplete", "incomplete_reason": "query_result_limit_reached" })
    );
    let narrow = notion
        .query(
            source,
            json!({ "filter": { "property": "Device ID", "number": { "less_than": 150 } } }),
        )
        .await;
    assert!(
        narrow.ok().get("request_status").is_none(),
        "a filtered query under the cap is complete"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn the_invalid_cursor_fault_refuses_a_cursor_once() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    many_rows(&notion, 3).await;
    let source = alerts().data_source_id;
    let (status, _) = common::control_post(
        &sim,
        "/faults",
        json!({ "api": "notion", "kind": "invalid_cursor", "count": 1 }),
    )
    .await;
    assert_eq!(status, 200);
    let first = notion.query(source, json!({ "page_size": 2 })).await;
    let cursor = first.ok()["next_cursor"].as_str().unwrap().to_owned();
    let refused = notion
        .query(source, json!({ "page_size": 2, "start_cursor": cursor }))
        .await;
    assert_eq!(
        refused.error(400, "validation_error"),
        format!("The start_cursor provided is invalid: {cursor}")
    );
    let retried = notion
        .query(source, json!({ "page_size": 2, "start_cursor": cursor }))
        .await;
    assert_eq!(retried.ok()["results"].as_array().unwrap().len(), 1);
    let garbage = notion
        .query(source, json!({ "start_cursor": "nonsense" }))
        .await;
    assert_eq!(
        garbage.error(400, "validation_error"),
        "The start_cursor provided is invalid: nonsense"
    );
    sim.shutdown().await;
}
