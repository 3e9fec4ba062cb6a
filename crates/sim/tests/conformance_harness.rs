//! Checks of the OpenAPI validator the conformance tests rely on (`common/openapi.rs`): real
//! UniFi responses pass their operations, broken copies fail with a message that names the
//! field, and each adjustment made to the vendors' documents does what it claims and no more.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};

use common::openapi::{self, OpenApi};
use serde_json::{Value, json};

/// Every UniFi fixture and the operation (method, path, status) that answered it.
const UNIFI_FIXTURES: [(&str, &str, &str, u16); 20] = [
    ("hosts/list_success_console.json", "GET", "/v1/hosts", 200),
    ("hosts/list_success_ucore.json", "GET", "/v1/hosts", 200),
    (
        "hosts/get_network_server.json",
        "GET",
        "/v1/hosts/{id}",
        200,
    ),
    ("hosts/get_ucore.json", "GET", "/v1/hosts/{id}", 200),
    ("sites/list_success.json", "GET", "/v1/sites", 200),
    ("devices/list_success.json", "GET", "/v1/devices", 200),
    (
        "metrics/get_isp_metrics.json",
        "GET",
        "/v1/isp-metrics/{type}",
        200,
    ),
    (
        "metrics/query_isp_metrics_success.json",
        "POST",
        "/v1/isp-metrics/{type}/query",
        200,
    ),
    (
        "metrics/query_isp_metrics_partial_success.json",
        "POST",
        "/v1/isp-metrics/{type}/query",
        200,
    ),
    ("sdwan/list_configs.json", "GET", "/v1/sd-wan-configs", 200),
    (
        "sdwan/get_config_by_id.json",
        "GET",
        "/v1/sd-wan-configs/{id}",
        200,
    ),
    (
        "sdwan/config_status.json",
        "GET",
        "/v1/sd-wan-configs/{id}/status",
        200,
    ),
    (
        "sdwan/config_status_not_found.json",
        "GET",
        "/v1/sd-wan-configs/{id}/status",
        404,
    ),
    ("errors/bad_gateway.json", "GET", "/v1/hosts", 502),
    (
        "errors/invalid_parameter.json",
        "GET",
        "/v1/isp-metrics/{type}",
        400,
    ),
    ("errors/not_found.json", "GET", "/v1/hosts/{id}", 404),
    ("errors/parameter_invalid.json", "GET", "/v1/devices", 400),
    ("errors/rate_limit.json", "GET", "/v1/sites", 429),
    ("errors/server_error.json", "GET", "/v1/hosts", 500),
    ("errors/unauthorized.json", "GET", "/v1/devices", 401),
];

/// The panic message of `check`, which must panic.
fn panic_message(check: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(check)).expect_err("the check must fail");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

fn violations(spec: &OpenApi, method: &str, path: &str, status: u16, body: &Value) -> Vec<String> {
    spec.response_violations(method, path, status, body)
        .expect("operation and status exist")
}

fn fixture(relative: &str) -> Value {
    openapi::read_spec_json(&format!("unifi-fixtures/{relative}"))
}

#[test]
fn every_unifi_fixture_is_valid_for_its_operation() {
    for (file, method, path, status) in UNIFI_FIXTURES {
        let body = fixture(file);
        let found = violations(openapi::unifi(), method, path, status, &body);
        assert!(
            found.is_empty(),
            "{file} against {method} {path} {status}: {found:#?}"
        );
    }
}

#[test]
fn a_host_with_a_wrong_type_is_rejected_with_its_path() {
    let mut body = fixture("hosts/list_success_console.json");
    body["data"][0]["owner"] = json!("yes");

    let message =
        panic_message(|| openapi::unifi().assert_response("GET", "/v1/hosts", 200, &body));

    assert!(message.contains("unifi GET /v1/hosts -> 200"), "{message}");
    assert!(message.contains("/data/0/owner"), "{message}");
    assert!(
        message.contains("\"yes\" is not of type \"boolean\""),
        "{message}"
    );
    assert!(
        message.contains("body:\n{"),
        "the report shows the JSON: {message}"
    );
}

#[test]
fn a_host_with_a_bad_timestamp_is_rejected() {
    let mut body = fixture("hosts/get_ucore.json");
    body["data"]["lastConnectionStateChange"] = json!("yesterday");

    let found = violations(openapi::unifi(), "GET", "/v1/hosts/x", 200, &body);

    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("/data/lastConnectionStateChange: "),
        "{found:#?}"
    );
    assert!(found[0].contains("date-time"), "{found:#?}");
}

#[test]
fn nested_unifi_enums_are_flattened_not_dropped() {
    let valid = fixture("sdwan/get_config_by_id.json");
    let mut wrong = valid.clone();
    wrong["data"]["variant"] = json!("mesh");

    assert!(violations(openapi::unifi(), "GET", "/v1/sd-wan-configs/1", 200, &valid).is_empty());
    let found = violations(openapi::unifi(), "GET", "/v1/sd-wan-configs/1", 200, &wrong);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].starts_with("/data/variant: "), "{found:#?}");
}

#[test]
fn openapi_3_0_nullable_admits_null_and_still_checks_the_type() {
    // `spokeToHubRouting` is a nullable string enum.
    let mut body = fixture("sdwan/get_config_by_id.json");
    body["data"]["settings"]["spokeToHubRouting"] = Value::Null;
    assert!(violations(openapi::unifi(), "GET", "/v1/sd-wan-configs/1", 200, &body).is_empty());

    body["data"]["settings"]["spokeToHubRouting"] = json!(7);
    let found = violations(openapi::unifi(), "GET", "/v1/sd-wan-configs/1", 200, &body);
    assert!(!found.is_empty());
    assert!(
        found
            .iter()
            .all(|v| v.starts_with("/data/settings/spokeToHubRouting: ")),
        "{found:#?}"
    );
}

#[test]
fn unknown_operations_and_undeclared_statuses_are_reported() {
    let body = json!({});
    let unifi = openapi::unifi();

    let err = unifi
        .response_violations("GET", "/v1/nowhere", 200, &body)
        .unwrap_err();
    assert!(err.contains("no path matches /v1/nowhere"), "{err}");
    let err = unifi
        .response_violations("DELETE", "/v1/hosts", 200, &body)
        .unwrap_err();
    assert!(err.contains("no operation DELETE /v1/hosts"), "{err}");
    let err = unifi
        .response_violations("GET", "/v1/hosts", 404, &body)
        .unwrap_err();
    assert!(err.contains("declares no response 404"), "{err}");
}

#[test]
fn concrete_paths_find_the_most_literal_template() {
    let me = bot_user();
    let mut person = bot_user();
    person["type"] = json!("person");

    // `/v1/users/me` is its own operation; `/v1/users/<id>` falls to `/v1/users/{user_id}`.
    assert!(violations(openapi::notion(), "GET", "/v1/users/me", 200, &me).is_empty());
    assert!(
        violations(openapi::notion(), "GET", "/v1/users/0c4d?x=1", 200, &me).is_empty(),
        "query strings are ignored"
    );
    assert!(!violations(openapi::notion(), "GET", "/v1/users/me", 200, &person).is_empty());
}

fn bot_user() -> Value {
    json!({
        "object": "user",
        "id": "00000000-0000-4000-8000-00000000b001",
        "name": "OberaConnect Sync",
        "avatar_url": null,
        "type": "bot",
        "bot": {},
    })
}

#[test]
fn a_notion_user_without_a_required_field_is_rejected() {
    let mut body = bot_user();
    body.as_object_mut().unwrap().remove("avatar_url");

    let message =
        panic_message(|| openapi::notion().assert_response("GET", "/v1/users/me", 200, &body));

    assert!(
        message.contains("notion GET /v1/users/me -> 200"),
        "{message}"
    );
    assert!(
        message.contains("(root): \"avatar_url\" is a required property"),
        "{message}"
    );
}

#[test]
fn a_notion_user_with_a_wrong_type_is_rejected() {
    let mut body = bot_user();
    body["name"] = json!(5);

    let found = violations(openapi::notion(), "GET", "/v1/users/me", 200, &body);

    assert!(!found.is_empty());
    assert!(found[0].starts_with("/name: "), "{found:#?}");
}

fn page_with_properties() -> Value {
    let text = |content: &str| {
        json!({
            "type": "text",
            "text": { "content": content, "link": null },
            "annotations": {
                "bold": false, "italic": false, "strikethrough": false,
                "underline": false, "code": false, "color": "default"
            },
            "plain_text": content,
            "href": null,
        })
    };
    let bot = json!({ "object": "user", "id": "00000000-0000-4000-8000-00000000b001" });
    json!({
        "object": "page",
        "id": "11111111-2222-4333-8444-555555555555",
        "created_time": "2026-03-15T10:00:00.000Z",
        "last_edited_time": "2026-03-15T10:00:00.000Z",
        "created_by": bot,
        "last_edited_by": bot,
        "cover": null,
        "icon": null,
        "parent": {
            "type": "data_source_id",
            "data_source_id": "00000000-0000-4000-8000-00000000d501",
            "database_id": "00000000-0000-4000-8000-00000000db01",
        },
        "in_trash": false,
        "is_locked": false,
        "properties": {
            "Name": { "id": "title", "type": "title", "title": [text("Site A")] },
            "Devices": { "id": "a%3Db", "type": "number", "number": 12 },
            "Related": {
                "id": "rel1", "type": "relation",
                "relation": [{ "id": "22222222-2222-4333-8444-555555555555" }],
                "has_more": false,
            },
        },
        "url": "https://www.notion.so/Site-A-11111111222243338444555555555555",
        "public_url": null,
    })
}

#[test]
fn a_notion_page_with_property_ids_and_relation_has_more_is_valid() {
    let page = page_with_properties();

    openapi::notion().assert_schema("pageObjectResponse", &page);
    openapi::notion().assert_response("GET", "/v1/pages/{page_id}", 200, &page);
}

#[test]
fn opened_notion_schemas_still_refuse_unknown_keys() {
    let mut page = page_with_properties();
    page["properties"]["Devices"]["colour"] = json!("red");
    page["archived"] = json!(false);

    let message = panic_message(|| openapi::notion().assert_schema("pageObjectResponse", &page));

    assert!(
        message.contains("(root): Additional properties are not allowed ('archived'"),
        "{message}"
    );
    assert!(message.contains("/properties/Devices"), "{message}");
    assert!(message.contains("'colour'"), "{message}");
}

fn notion_error(status: u16, code: &str) -> Value {
    json!({
        "object": "error",
        "status": status,
        "code": code,
        "message": "body failed validation: body.page_size should be ≤ `100`, instead was `500`.",
        "request_id": "5a1e0c2b-0000-4000-8000-000000000001",
    })
}

#[test]
fn notion_error_bodies_validate_against_the_relaxed_shape() {
    let notion = openapi::notion();
    let query = "/v1/data_sources/{data_source_id}/query";

    let mut rate_limited = notion_error(429, "rate_limited");
    rate_limited["additional_data"] =
        json!({ "rate_limit_reason": "public_api_request_rate_limit" });
    notion.assert_response("POST", query, 400, &notion_error(400, "validation_error"));
    notion.assert_response("POST", query, 429, &rate_limited);

    let mut no_code = notion_error(400, "validation_error");
    no_code.as_object_mut().unwrap().remove("code");
    let found = violations(notion, "POST", query, 400, &no_code);
    assert!(
        found
            .iter()
            .any(|v| v.contains("\"code\" is a required property")),
        "{found:#?}"
    );

    let wrong_status = notion_error(404, "validation_error");
    let found = violations(notion, "POST", query, 400, &wrong_status);
    assert!(
        found.iter().any(|v| v.starts_with("/status: ")),
        "{found:#?}"
    );

    let wrong_code = notion_error(400, "object_not_found");
    let found = violations(notion, "POST", query, 400, &wrong_code);
    assert!(found.iter().any(|v| v.starts_with("/code: ")), "{found:#?}");
}

#[test]
fn ninjaone_organizations_validate_and_wrong_types_are_rejected() {
    let valid = json!([
        { "id": 1, "name": "Acme", "description": "", "nodeApprovalMode": "AUTOMATIC", "userData": {} }
    ]);
    let mut wrong = valid.clone();
    wrong[0]["id"] = json!("1");
    wrong[0]["nodeApprovalMode"] = json!("SOMETIMES");

    assert!(violations(openapi::ninjaone(), "GET", "/v2/organizations", 200, &valid).is_empty());
    let found = violations(openapi::ninjaone(), "GET", "/v2/organizations", 200, &wrong);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found.iter().any(|v| v.starts_with("/0/id: ")), "{found:#?}");
    assert!(
        found.iter().any(|v| v.starts_with("/0/nodeApprovalMode: ")),
        "{found:#?}"
    );
}

#[test]
fn a_broken_page_in_a_query_result_is_explained_inside_the_union() {
    let mut page = page_with_properties();
    page.as_object_mut().unwrap().remove("url");
    page["properties"]["Devices"]["number"] = json!("12");
    let body = json!({
        "object": "list", "type": "page_or_data_source", "page_or_data_source": {},
        "next_cursor": null, "has_more": false, "results": [page],
    });

    let message = panic_message(|| {
        openapi::notion().assert_response(
            "POST",
            "/v1/data_sources/{data_source_id}/query",
            200,
            &body,
        )
    });
    assert!(
        message.contains("/results/0: \"url\" is a required property"),
        "{message}"
    );
    assert!(
        message.contains("/results/0/properties/Devices/number: matches none of the 2 `oneOf`"),
        "{message}"
    );
    assert!(
        message.contains("\"12\" is not of type \"number\""),
        "{message}"
    );
    assert!(
        !message.contains("'created_by'"),
        "the partial-page branch is not shown: {message}"
    );
}

#[test]
fn notion_dates_may_carry_a_time_but_must_be_dates() {
    let mut page = page_with_properties();
    let date = |start: &str| {
        json!({ "id": "d1", "type": "date", "date": {
        "start": start, "end": null, "time_zone": null
    } })
    };

    page["properties"]["Checked"] = date("2026-12-03");
    openapi::notion().assert_schema("pageObjectResponse", &page);
    page["properties"]["Checked"] = date("2026-12-03T10:15:00.000+00:00");
    openapi::notion().assert_schema("pageObjectResponse", &page);

    page["properties"]["Checked"] = date("tomorrow");
    let message = panic_message(|| openapi::notion().assert_schema("pageObjectResponse", &page));
    assert!(message.contains("/properties/Checked/date"), "{message}");
}
