//! The simulated Notion API's refusals over real HTTP: each with the status, `code` and
//! message of the real API (NOTION.md sections 8 and 10), and `x-notion-request-id` matching
//! the body's `request_id`.

mod common;
mod notion_support;

use notion_support::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn the_version_header_is_required_and_checked() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let missing = notion.with_version(None).get("/v1/users/me").await;
    assert_eq!(
        missing.error(400, "missing_version"),
        "Notion-Version header failed validation: Notion-Version header should be defined, \
         instead was undefined."
    );
    let unknown = notion
        .with_version(Some("2020-01-01"))
        .get("/v1/users/me")
        .await;
    let message = unknown.error(400, "validation_error");
    assert!(
        message.starts_with("Notion-Version header failed validation"),
        "{message}"
    );
    assert!(message.contains("2020-01-01"), "{message}");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_missing_or_wrong_token_is_unauthorized() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    for client in [
        notion.with_token(None),
        notion.with_token(Some("ntn_wrong")),
    ] {
        let answer = client.get("/v1/users/me").await;
        assert_eq!(answer.error(401, "unauthorized"), "API token is invalid.");
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn data_source_paths_need_a_2025_version_and_database_query_an_old_one() {
    let sim = common::start_sim().await;
    let legacy = Notion::new(&sim, V2022);
    let source = customers().data_source_id;
    for answer in [
        legacy.get(&format!("/v1/data_sources/{source}")).await,
        legacy.query(source, json!({})).await,
    ] {
        assert_eq!(
            answer.error(400, "invalid_request_url"),
            "Invalid request URL."
        );
    }
    let old_query = Notion::new(&sim, V2026)
        .post(
            &format!("/v1/databases/{}/query", customers().database_id),
            json!({}),
        )
        .await;
    old_query.error(400, "invalid_request_url");
    let works = legacy
        .post(
            &format!("/v1/databases/{}/query", customers().database_id),
            json!({}),
        )
        .await;
    assert_eq!(works.ok()["type"], "page_or_database");
    sim.shutdown().await;
}

#[tokio::test]
async fn unknown_paths_and_methods_are_invalid_request_urls() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    for answer in [
        notion.get("/v1/nothing-here").await,
        notion.get("/v2/users/me").await,
        notion.send(Method::DELETE, "/v1/users/me", None).await,
    ] {
        assert_eq!(
            answer.error(400, "invalid_request_url"),
            "Invalid request URL."
        );
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn unknown_ids_are_not_found_and_malformed_ids_fail_validation() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let id = "6f825874-8fb8-4d32-8e42-3dbfff883005";
    for (path, kind) in [
        (format!("/v1/pages/{id}"), "page"),
        (format!("/v1/databases/{id}"), "database"),
        (format!("/v1/data_sources/{id}"), "data_source"),
        (
            format!("/v1/databases/{}", customers().data_source_id),
            "database",
        ),
    ] {
        let answer = notion.get(&path).await;
        let message = answer.error(404, "object_not_found");
        assert!(
            message.starts_with(&format!("Could not find {kind} with ID: ")),
            "{message}"
        );
    }
    let compact = notion
        .get(&format!(
            "/v1/databases/{}",
            customers().database_id.replace('-', "")
        ))
        .await;
    assert_eq!(
        compact.ok()["id"],
        customers().database_id,
        "ids work without dashes"
    );
    let malformed = notion.get("/v1/pages/not-an-id").await;
    assert_eq!(
        malformed.error(400, "validation_error"),
        "path failed validation: path.page_id should be a valid uuid, instead was `\"not-an-id\"`."
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn bodies_must_be_json_with_known_keys() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let broken = notion
        .send_raw(Method::POST, "/v1/pages", Some("{\"parent\": "))
        .await;
    assert_eq!(
        broken.error(400, "invalid_json"),
        "Error parsing JSON body."
    );
    let unknown = notion
        .query(customers().data_source_id, json!({ "in_trash": false }))
        .await;
    assert_eq!(
        unknown.error(400, "validation_error"),
        "body failed validation: body.in_trash should be not present, instead was `false`."
    );
    let cursor_in_query = notion
        .post(
            &format!(
                "/v1/data_sources/{}/query?start_cursor=abc",
                customers().data_source_id
            ),
            json!({}),
        )
        .await;
    assert_eq!(
        cursor_in_query.error(400, "validation_error"),
        "query failed validation: query.start_cursor should be not present, instead was `\"abc\"`."
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn property_names_and_value_types_are_checked() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let parent = json!({ "type": "data_source_id", "data_source_id": customers().data_source_id });
    let create = |properties| json!({ "parent": parent, "properties": properties });

    let unknown = notion
        .post("/v1/pages", create(json!({ "Nope": { "number": 1 } })))
        .await;
    assert_eq!(
        unknown.error(400, "validation_error"),
        "Nope is not a property that exists."
    );
    let wrong = notion
        .post(
            "/v1/pages",
            create(json!({ "Device Count": { "rich_text": text("12") } })),
        )
        .await;
    assert_eq!(
        wrong.error(400, "validation_error"),
        "Device Count is expected to be number."
    );
    let wrong_json = notion
        .post(
            "/v1/pages",
            create(json!({ "Device Count": { "number": "12" } })),
        )
        .await;
    assert_eq!(
        wrong_json.error(400, "validation_error"),
        "body failed validation: body.properties.Device Count.number should be a number or \
         `null`, instead was `\"12\"`."
    );
    let status = notion
        .post(
            "/v1/pages",
            create(json!({ "Deployment Status": { "select": { "name": "a,b" } } })),
        )
        .await;
    assert_eq!(
        status.error(400, "validation_error"),
        "Invalid select option, commas not allowed: a,b"
    );
    let filter = notion
        .query(
            customers().data_source_id,
            json!({ "filter": { "property": "Missing", "rich_text": { "equals": "x" } } }),
        )
        .await;
    assert_eq!(
        filter.error(400, "validation_error"),
        "Could not find property with name or id: Missing"
    );
    let sort = notion
        .query(
            customers().data_source_id,
            json!({ "sorts": [{ "property": "Missing", "direction": "ascending" }] }),
        )
        .await;
    assert_eq!(
        sort.error(400, "validation_error"),
        "Could not find sort property with name or id: Missing"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn size_limits_name_the_field() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let parent = json!({ "data_source_id": customers().data_source_id });

    let long = "x".repeat(2001);
    let text_answer = notion
        .post(
            "/v1/pages",
            json!({ "parent": parent, "properties": { "Notes": { "rich_text": text(&long) } } }),
        )
        .await;
    assert_eq!(
        text_answer.error(400, "validation_error"),
        "body failed validation: body.properties.Notes.rich_text[0].text.content.length should \
         be ≤ `2000`, instead was `2001`."
    );
    let exactly = "é".repeat(2000);
    let fits = notion
        .post(
            "/v1/pages",
            json!({ "parent": parent, "properties": { "Notes": { "rich_text": text(&exactly) } } }),
        )
        .await;
    fits.ok();

    let items: Vec<_> = (0..101)
        .map(|n| json!({ "text": { "content": n.to_string() } }))
        .collect();
    let many = notion
        .post(
            "/v1/pages",
            json!({ "parent": parent, "properties": { "Notes": { "rich_text": items } } }),
        )
        .await;
    assert_eq!(
        many.error(400, "validation_error"),
        "body failed validation: body.properties.Notes.rich_text.length should be ≤ `100`, \
         instead was `101`."
    );

    for (size, message) in [
        (
            101,
            "body failed validation: body.page_size should be ≤ `100`, instead was `101`.",
        ),
        (
            0,
            "body failed validation: body.page_size should be ≥ `1`, instead was `0`.",
        ),
    ] {
        let answer = notion
            .query(customers().data_source_id, json!({ "page_size": size }))
            .await;
        assert_eq!(answer.error(400, "validation_error"), message);
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn empty_strings_are_refused_for_urls_emails_and_phone_numbers() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let added = notion
        .patch(
            &format!("/v1/data_sources/{}", customers().data_source_id),
            json!({ "properties": { "Portal": { "url": {} }, "Contact Email": { "email": {} } } }),
        )
        .await;
    added.ok();
    let parent = json!({ "data_source_id": customers().data_source_id });
    for (name, kind) in [("Portal", "url"), ("Contact Email", "email")] {
        let answer = notion
            .post(
                "/v1/pages",
                json!({ "parent": parent, "properties": { name: { kind: "" } } }),
            )
            .await;
        assert_eq!(
            answer.error(400, "validation_error"),
            format!(
                "body failed validation: body.properties.{name}.{kind}.length should be ≥ `1`, instead was `0`."
            )
        );
    }
    let cleared = notion
        .post(
            "/v1/pages",
            json!({ "parent": parent, "properties": { "Portal": { "url": null } } }),
        )
        .await;
    assert_eq!(
        cleared.ok()["properties"]["Portal"]["url"],
        serde_json::Value::Null
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let answers = [
        notion.get("/v1/users/me").await,
        notion.query(customers().data_source_id, json!({})).await,
        notion.get("/v1/nope").await,
        notion.with_token(None).get("/v1/users/me").await,
    ];
    let ids: Vec<_> = answers
        .iter()
        .map(|a| a.request_id.clone().expect("request id"))
        .collect();
    let distinct: std::collections::BTreeSet<_> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len(), "request ids are unique");
    sim.shutdown().await;
}
