//! The simulated Notion API against Notion's OpenAPI document (Notion-Version `2026-03-11`):
//! every route the simulator serves, called with the requests the sync makes on the four
//! seeded databases, each answer validated against its operation's schema. Pages, databases
//! and data sources are also validated against their full object schemas, since the
//! operations' unions would accept a partial object. `2025-09-03` answers must equal the
//! `2026-03-11` ones but for `archived`; error answers must have the (relaxed) error shape.

mod common;

use common::openapi;
use http::Method;
use mock_apis::RunningSim;
use mock_apis::notion::{DATABASES, PARENT_PAGE_ID, SeedDatabase};
use serde_json::{Value, json};

const V2026: &str = "2026-03-11";
const V2025: &str = "2025-09-03";

/// A simulator and a client with the integration's token.
struct Notion {
    running: RunningSim,
    http: reqwest::Client,
    token: String,
}

impl Notion {
    async fn start() -> Self {
        let running = common::start_sim().await;
        let token = running.sim.credentials().expect("credentials").notion_token;
        Self {
            running,
            http: common::client(),
            token,
        }
    }

    /// Sends a request with the token and `version`; returns the status and JSON body.
    async fn send(
        &self,
        version: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let url = format!("{}{path}", self.running.urls().notion);
        let mut request = self
            .http
            .request(method, url)
            .bearer_auth(&self.token)
            .header("Notion-Version", version);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("the simulator answers");
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        let body = serde_json::from_str(&text).unwrap_or_else(|err| panic!("JSON ({err}): {text}"));
        (status, body)
    }

    /// Sends a `2026-03-11` request, expects 200 and validates the answer against the
    /// operation `template`.
    async fn ok(&self, method: Method, path: &str, template: &str, body: Option<&Value>) -> Value {
        let (status, answer) = self.send(V2026, method.clone(), path, body).await;
        assert_eq!(status, 200, "{method} {path}: {answer}");
        openapi::notion().assert_response(method.as_str(), template, 200, &answer);
        answer
    }

    /// Sends a `2026-03-11` request, expects the error `status` with `code` and validates the
    /// answer against the operation's (relaxed) error schema.
    async fn error(
        &self,
        method: Method,
        path: &str,
        template: &str,
        body: Option<&Value>,
        status: u16,
        code: &str,
    ) -> Value {
        let (got, answer) = self.send(V2026, method.clone(), path, body).await;
        assert_eq!(
            (got, &answer["code"]),
            (status, &json!(code)),
            "{method} {path}: {answer}"
        );
        openapi::notion().assert_response(method.as_str(), template, status, &answer);
        answer
    }

    async fn create_page(&self, body: &Value) -> Value {
        let page = self
            .ok(Method::POST, "/v1/pages", "/v1/pages", Some(body))
            .await;
        openapi::notion().assert_schema("pageObjectResponse", &page);
        page
    }
}

fn database(key: &str) -> SeedDatabase {
    DATABASES
        .into_iter()
        .find(|d| d.key == key)
        .expect("a seeded database")
}

fn text(content: &str) -> Value {
    json!([{ "type": "text", "text": { "content": content } }])
}

fn customer_row(name: &str, site_id: &str) -> Value {
    let customers = database("customer_status");
    json!({
        "parent": { "type": "data_source_id", "data_source_id": customers.data_source_id },
        "properties": {
            "Site Name": { "title": text(name) },
            "Customer ID": { "rich_text": text("CUST-0042") },
            "State": { "select": { "name": "Alabama" } },
            "Device Count": { "number": 12 },
            "Stack Type": { "multi_select": [{ "name": "Ubiquiti" }, { "name": "Azure" }] },
            "Deployment Status": { "select": { "name": "active" } },
            "Health Score": { "number": 97.5 },
            "Last Health Check": { "date": { "start": "2026-12-03T10:15:00.000Z" } },
            "Open Tickets": { "number": 0 },
            "Contract Renewal": { "date": { "start": "2027-06-30" } },
            "Primary Contact": { "rich_text": text("Dana Reyes") },
            "Notes": { "rich_text": [] },
            "Sync Key": { "rich_text": text(site_id) },
        }
    })
}

fn health_row(date: &str, customer_page: &str) -> Value {
    let health = database("daily_health");
    json!({
        "parent": { "type": "data_source_id", "data_source_id": health.data_source_id },
        "properties": {
            "Date": { "title": text(date) },
            "Site": { "relation": [{ "id": customer_page }] },
            "Devices Online": { "number": 11 },
            "Devices Offline": { "number": 1 },
            "Devices Total": { "number": 12 },
            "Availability Percentage": { "number": 0.9167 },
            "WiFi Clients": { "number": 48 },
            "Signal Warnings": { "number": 0 },
            "Active Alerts": { "number": 1 },
            "Alert Summary": { "rich_text": text("1 device offline") },
            "Config Drift Detected": { "checkbox": false },
            "Backup Status": { "select": { "name": "success" } },
            "Health Score": { "number": 92 },
            "Sync Key": { "rich_text": text(&format!("{customer_page}:{date}")) },
        }
    })
}

fn change_row(change_id: &str) -> Value {
    let changes = database("config_changes");
    json!({
        "parent": { "type": "data_source_id", "data_source_id": changes.data_source_id },
        "properties": {
            "Change ID": { "title": text(change_id) },
            "Site Name": { "rich_text": text("Acme Dental - Alabama") },
            "Tool": { "select": { "name": "unifi-deploy" } },
            "Vendor": { "select": { "name": "Ubiquiti" } },
            "Category": { "select": { "name": "network" } },
            "Action": { "select": { "name": "update" } },
            "Summary": { "rich_text": text("Policy 'Workstations' updated") },
            "Engineer": { "rich_text": text("Jane Tech") },
            "Timestamp": { "date": { "start": "2026-12-03T09:30:00.000Z" } },
            "Risk Level": { "select": { "name": "low" } },
            "Sync Key": { "rich_text": text(change_id) },
        }
    })
}

/// Creates one customer row and one daily-health row pointing at it; returns both pages.
async fn seed_rows(notion: &Notion) -> (Value, Value) {
    let customer = notion
        .create_page(&customer_row("Acme Dental", "661de833b6b2463f0c20b319"))
        .await;
    let customer_id = customer["id"].as_str().expect("a page id").to_owned();
    let health = notion
        .create_page(&health_row("2026-12-03", &customer_id))
        .await;
    (customer, health)
}

#[tokio::test]
async fn users_me_matches_the_document() {
    let notion = Notion::start().await;

    let me = notion
        .ok(Method::GET, "/v1/users/me", "/v1/users/me", None)
        .await;

    assert_eq!(me["type"], "bot", "{me}");
}

#[tokio::test]
async fn seeded_databases_and_data_sources_match_the_document() {
    let notion = Notion::start().await;

    for seed in DATABASES {
        let path = format!("/v1/databases/{}", seed.database_id);
        let database = notion
            .ok(Method::GET, &path, "/v1/databases/{database_id}", None)
            .await;
        openapi::notion().assert_schema("databaseObjectResponse", &database);
        assert_eq!(
            database["data_sources"][0]["id"], seed.data_source_id,
            "{database}"
        );
        assert_eq!(database["parent"]["page_id"], PARENT_PAGE_ID, "{database}");

        let path = format!("/v1/data_sources/{}", seed.data_source_id);
        let template = "/v1/data_sources/{data_source_id}";
        let source = notion.ok(Method::GET, &path, template, None).await;
        openapi::notion().assert_schema("dataSourceObjectResponse", &source);
        assert!(source["properties"]["Sync Key"].is_object(), "{source}");
    }
}

#[tokio::test]
async fn rows_of_every_seeded_database_match_the_document() {
    let notion = Notion::start().await;
    let (customer, health) = seed_rows(&notion).await;
    notion.create_page(&change_row("CHG-2026-12-03-001")).await;
    let issues = database("alerts");
    let (_, source) = notion
        .send(
            V2026,
            Method::GET,
            &format!("/v1/data_sources/{}", issues.data_source_id),
            None,
        )
        .await;
    let title = source["properties"]
        .as_object()
        .and_then(|p| p.iter().find(|(_, c)| c["type"] == "title"))
        .map(|(name, _)| name.clone())
        .expect("a title property");
    notion
        .create_page(&json!({
            "parent": { "type": "data_source_id", "data_source_id": issues.data_source_id },
            "properties": { title: { "title": text("ACME-FD-01: CPU above 90%") } },
        }))
        .await;

    let relation = &health["properties"]["Site"];
    assert_eq!(relation["relation"][0]["id"], customer["id"], "{health}");

    for page in [&customer, &health] {
        let id = page["id"].as_str().expect("a page id");
        let fetched = notion
            .ok(
                Method::GET,
                &format!("/v1/pages/{id}"),
                "/v1/pages/{page_id}",
                None,
            )
            .await;
        openapi::notion().assert_schema("pageObjectResponse", &fetched);
        assert_eq!(&fetched, page, "a fetched page equals the created one");
    }
}

#[tokio::test]
async fn page_updates_trash_and_restore_match_the_document() {
    let notion = Notion::start().await;
    let (customer, _) = seed_rows(&notion).await;
    let path = format!("/v1/pages/{}", customer["id"].as_str().expect("id"));
    let template = "/v1/pages/{page_id}";

    let update = json!({ "properties": {
        "Device Count": { "number": 13 },
        "Deployment Status": { "select": { "name": "needs attention" } },
        "Last Health Check": { "date": { "start": "2026-12-04" } },
        "Notes": { "rich_text": text("Gateway replaced") },
    } });
    let updated = notion
        .ok(Method::PATCH, &path, template, Some(&update))
        .await;
    openapi::notion().assert_schema("pageObjectResponse", &updated);
    assert_eq!(updated["properties"]["Device Count"]["number"], 13);

    let trashed = notion
        .ok(
            Method::PATCH,
            &path,
            template,
            Some(&json!({ "in_trash": true })),
        )
        .await;
    assert_eq!(trashed["in_trash"], true);
    openapi::notion().assert_schema("pageObjectResponse", &trashed);
    let restored = notion
        .ok(
            Method::PATCH,
            &path,
            template,
            Some(&json!({ "in_trash": false })),
        )
        .await;
    assert_eq!(restored["in_trash"], false);
}

#[tokio::test]
async fn queries_match_the_document_page_by_page() {
    let notion = Notion::start().await;
    let customers = database("customer_status");
    for n in 0..5 {
        notion
            .create_page(&customer_row(&format!("Site {n}"), &format!("site-{n}")))
            .await;
    }
    let path = format!("/v1/data_sources/{}/query", customers.data_source_id);
    let template = "/v1/data_sources/{data_source_id}/query";

    let mut cursor = Value::Null;
    let mut seen = 0;
    loop {
        let mut body = json!({
            "filter": { "and": [
                { "property": "Deployment Status", "select": { "equals": "active" } },
                { "property": "Device Count", "number": { "greater_than": 0 } },
            ] },
            "sorts": [{ "timestamp": "created_time", "direction": "ascending" }],
            "page_size": 2,
        });
        if !cursor.is_null() {
            body["start_cursor"] = cursor.clone();
        }
        let page = notion.ok(Method::POST, &path, template, Some(&body)).await;
        for row in page["results"].as_array().expect("results") {
            openapi::notion().assert_schema("pageObjectResponse", row);
            seen += 1;
        }
        cursor = page["next_cursor"].clone();
        if page["has_more"] != true {
            assert!(cursor.is_null(), "{page}");
            break;
        }
    }
    assert_eq!(seen, 5);

    let lookup =
        json!({ "filter": { "property": "Sync Key", "rich_text": { "equals": "site-3" } } });
    let trimmed = format!("{path}?filter_properties=title&filter_properties[]=Sync%20Key");
    let found = notion
        .ok(Method::POST, &trimmed, template, Some(&lookup))
        .await;
    assert_eq!(
        found["results"].as_array().map(Vec::len),
        Some(1),
        "{found}"
    );
    openapi::notion().assert_schema("pageObjectResponse", &found["results"][0]);
    notion.ok(Method::POST, &path, template, None).await;
}

#[tokio::test]
async fn property_items_match_the_document() {
    let notion = Notion::start().await;
    let (customer, health) = seed_rows(&notion).await;
    let template = "/v1/pages/{page_id}/properties/{property_id}";

    let checks = [
        (&customer, "Site Name"),
        (&customer, "Device Count"),
        (&health, "Site"),
        (&customer, "Stack Type"),
    ];
    for (page, name) in checks {
        let page_id = page["id"].as_str().expect("id");
        let property_id = page["properties"][name]["id"]
            .as_str()
            .expect("a property id");
        let encoded = property_id.replace('%', "%25");
        let path = format!("/v1/pages/{page_id}/properties/{encoded}");
        let item = notion.ok(Method::GET, &path, template, None).await;
        assert!(
            item["object"] == "property_item" || item["object"] == "list",
            "{name}: {item}"
        );
    }
}

#[tokio::test]
async fn search_matches_the_document() {
    let notion = Notion::start().await;
    seed_rows(&notion).await;

    let sources = json!({
        "query": "Customer Status Board",
        "filter": { "property": "object", "value": "data_source" },
        "sort": { "timestamp": "last_edited_time", "direction": "descending" },
        "page_size": 10,
    });
    let found = notion
        .ok(Method::POST, "/v1/search", "/v1/search", Some(&sources))
        .await;
    let results = found["results"].as_array().expect("results");
    assert!(!results.is_empty(), "{found}");
    for source in results {
        openapi::notion().assert_schema("dataSourceObjectResponse", source);
    }

    let pages = json!({ "filter": { "property": "object", "value": "page" }, "page_size": 100 });
    let found = notion
        .ok(Method::POST, "/v1/search", "/v1/search", Some(&pages))
        .await;
    for page in found["results"].as_array().expect("results") {
        openapi::notion().assert_schema("pageObjectResponse", page);
    }
}

#[tokio::test]
async fn creating_and_changing_databases_and_schemas_match_the_document() {
    let notion = Notion::start().await;
    let create = json!({
        "parent": { "type": "page_id", "page_id": PARENT_PAGE_ID },
        "title": text("Customer Status Board (DR copy)"),
        "initial_data_source": { "properties": {
            "Site Name": { "title": {} },
            "Customer ID": { "rich_text": {} },
            "Device Count": { "number": { "format": "number" } },
            "Deployment Status": { "select": { "options": [
                { "name": "active", "color": "green" },
                { "name": "needs attention", "color": "red" },
            ] } },
            "Last Health Check": { "date": {} },
            "Reviewed": { "checkbox": {} },
            "Portal": { "url": {} },
        } },
    });
    let database = notion
        .ok(
            Method::POST,
            "/v1/databases",
            "/v1/databases",
            Some(&create),
        )
        .await;
    openapi::notion().assert_schema("databaseObjectResponse", &database);
    let database_id = database["id"].as_str().expect("id");
    let source_id = database["data_sources"][0]["id"]
        .as_str()
        .expect("a data source");

    let path = format!("/v1/databases/{database_id}");
    let change =
        json!({ "description": text("Maintained by the sync; do not rename."), "is_locked": true });
    let changed = notion
        .ok(
            Method::PATCH,
            &path,
            "/v1/databases/{database_id}",
            Some(&change),
        )
        .await;
    openapi::notion().assert_schema("databaseObjectResponse", &changed);

    let path = format!("/v1/data_sources/{source_id}");
    let schema_change = json!({ "properties": {
        "Sync Key": { "rich_text": {} },
        "Customer ID": { "name": "Customer Number" },
        "Deployment Status": { "select": { "options": [
            { "name": "onboarding", "color": "yellow" }, { "name": "active", "color": "green" },
        ] } },
        "Portal": null,
    } });
    let template = "/v1/data_sources/{data_source_id}";
    let source = notion
        .ok(Method::PATCH, &path, template, Some(&schema_change))
        .await;
    openapi::notion().assert_schema("dataSourceObjectResponse", &source);
    assert!(
        source["properties"]["Customer Number"].is_object(),
        "{source}"
    );
    assert!(source["properties"].get("Portal").is_none(), "{source}");
}

/// `body` without `archived` (recursively), after checking every `archived` equals the
/// `in_trash` beside it.
fn without_archived(body: &Value) -> Value {
    match body {
        Value::Object(map) => {
            if let Some(archived) = map.get("archived") {
                assert_eq!(
                    Some(archived),
                    map.get("in_trash"),
                    "archived mirrors in_trash: {body}"
                );
            }
            map.iter()
                .filter(|(key, _)| key.as_str() != "archived")
                .map(|(key, value)| (key.clone(), without_archived(value)))
                .collect()
        }
        Value::Array(items) => items.iter().map(without_archived).collect(),
        other => other.clone(),
    }
}

fn count_archived(body: &Value) -> usize {
    match body {
        Value::Object(map) => {
            usize::from(map.contains_key("archived"))
                + map.values().map(count_archived).sum::<usize>()
        }
        Value::Array(items) => items.iter().map(count_archived).sum(),
        _ => 0,
    }
}

#[tokio::test]
async fn version_2025_09_03_differs_only_by_archived() {
    let notion = Notion::start().await;
    let (customer, _) = seed_rows(&notion).await;
    let customers = database("customer_status");
    let page = format!("/v1/pages/{}", customer["id"].as_str().expect("id"));
    let query = format!("/v1/data_sources/{}/query", customers.data_source_id);
    let reads = [
        (Method::GET, page.clone(), None, 1),
        (
            Method::GET,
            format!("/v1/databases/{}", customers.database_id),
            None,
            1,
        ),
        (
            Method::GET,
            format!("/v1/data_sources/{}", customers.data_source_id),
            None,
            1,
        ),
        (Method::POST, query, Some(json!({ "page_size": 10 })), 1),
        (
            Method::PATCH,
            page,
            Some(json!({ "properties": { "Open Tickets": { "number": 2 } } })),
            1,
        ),
    ];

    for (method, path, body, archived_at_least) in reads {
        let (status, new) = notion
            .send(V2026, method.clone(), &path, body.as_ref())
            .await;
        assert_eq!(status, 200, "{new}");
        let (status, old) = notion
            .send(V2025, method.clone(), &path, body.as_ref())
            .await;
        assert_eq!(status, 200, "{old}");

        assert_eq!(count_archived(&new), 0, "{method} {path} on {V2026}: {new}");
        assert!(
            count_archived(&old) >= archived_at_least,
            "{method} {path} on {V2025}: {old}"
        );
        let mut old = without_archived(&old);
        let mut new = new;
        // The last edit time moves with the PATCH, and nothing else may.
        for body in [&mut old, &mut new] {
            if let Some(map) = body.as_object_mut() {
                map.remove("last_edited_time");
            }
        }
        assert_eq!(
            old, new,
            "{method} {path}: the versions differ beyond `archived`"
        );
    }
}

#[tokio::test]
async fn error_answers_match_the_relaxed_error_shape() {
    let notion = Notion::start().await;
    let customers = database("customer_status");

    let url = format!("{}/v1/users/me", notion.running.urls().notion);
    let wrong_token = notion
        .http
        .get(&url)
        .bearer_auth("ntn_wrong")
        .header("Notion-Version", V2026);
    let response = wrong_token.send().await.expect("answer");
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.expect("json");
    openapi::notion().assert_response("GET", "/v1/users/me", 401, &body);
    assert_eq!(body["code"], "unauthorized");

    let missing_version = notion
        .http
        .get(&url)
        .bearer_auth(&notion.token)
        .send()
        .await
        .expect("answer");
    assert_eq!(missing_version.status(), 400);
    let body: Value = missing_version.json().await.expect("json");
    openapi::notion().assert_response("GET", "/v1/users/me", 400, &body);
    assert_eq!(body["code"], "missing_version");

    let unknown = "11111111-2222-4333-8444-555555555555";
    notion
        .error(
            Method::GET,
            &format!("/v1/pages/{unknown}"),
            "/v1/pages/{page_id}",
            None,
            404,
            "object_not_found",
        )
        .await;
    let path = format!("/v1/data_sources/{unknown}/query");
    notion
        .error(
            Method::POST,
            &path,
            "/v1/data_sources/{data_source_id}/query",
            None,
            404,
            "object_not_found",
        )
        .await;

    let bad_value = json!({
        "parent": { "type": "data_source_id", "data_source_id": customers.data_source_id },
        "properties": { "Device Count": { "number": "twelve" } },
    });
    notion
        .error(
            Method::POST,
            "/v1/pages",
            "/v1/pages",
            Some(&bad_value),
            400,
            "validation_error",
        )
        .await;
    let path = format!("/v1/data_sources/{}/query", customers.data_source_id);
    let template = "/v1/data_sources/{data_source_id}/query";
    notion
        .error(
            Method::POST,
            &path,
            template,
            Some(&json!({ "in_trash": false })),
            400,
            "validation_error",
        )
        .await;
    notion
        .error(
            Method::POST,
            &path,
            template,
            Some(&json!({ "page_size": 500 })),
            400,
            "validation_error",
        )
        .await;

    let (status, body) = notion.send(V2026, Method::GET, "/v1/nowhere", None).await;
    assert_eq!(
        (status, &body["code"]),
        (400, &json!("invalid_request_url")),
        "{body}"
    );
    openapi::notion().assert_schema("error_api_400", &body);

    let raw = notion
        .http
        .post(format!("{}/v1/search", notion.running.urls().notion))
        .bearer_auth(&notion.token)
        .header("Notion-Version", V2026)
        .header("Content-Type", "application/json")
        .body("{not json");
    let response = raw.send().await.expect("answer");
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("json");
    openapi::notion().assert_response("POST", "/v1/search", 400, &body);
    assert_eq!(body["code"], "invalid_json");
}

#[tokio::test]
async fn the_2022_database_query_answers_only_on_old_versions() {
    let notion = Notion::start().await;
    seed_rows(&notion).await;
    let customers = database("customer_status");
    let path = format!("/v1/databases/{}/query", customers.database_id);

    let (status, old) = notion
        .send("2022-06-28", Method::POST, &path, Some(&json!({})))
        .await;
    assert_eq!(status, 200, "{old}");
    assert_eq!(old["type"], "page_or_database", "{old}");
    assert_eq!(old["results"].as_array().map(Vec::len), Some(1), "{old}");

    let template = "/v1/data_sources/{data_source_id}/query";
    let (status, new) = notion
        .send(V2026, Method::POST, &path, Some(&json!({})))
        .await;
    assert_eq!(
        (status, &new["code"]),
        (400, &json!("invalid_request_url")),
        "{new}"
    );
    openapi::notion().assert_response("POST", template, 400, &new);
}
