//! The simulated NinjaOne API against NinjaOne's OpenAPI document: every `/v2` route the
//! simulator serves (and its `/api/v2` twin), called as the sync calls them on the generated
//! fleet, each answer validated against its operation's schema. The token endpoint and the
//! error bodies are not in the document (see `shared/specs/README.md`); they are checked
//! against the fact sheet's shapes (`shared/api/NINJAONE.md`, sections 2 and 7).

mod common;

use common::openapi;
use mock_apis::RunningSim;
use serde_json::Value;

/// A simulator and a client holding a `monitoring` token.
struct Ninja {
    running: RunningSim,
    http: reqwest::Client,
    token: String,
}

impl Ninja {
    async fn start() -> Self {
        let running = common::start_sim().await;
        let mut ninja = Self {
            running,
            http: common::client(),
            token: String::new(),
        };
        let (status, body) = ninja
            .token_request("client_credentials", &[("scope", "monitoring")])
            .await;
        assert_eq!(status, 200, "{body}");
        ninja.token = body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned();
        ninja
    }

    /// POSTs the token form with the simulator's client, `grant_type` and `extra` fields.
    async fn token_request(&self, grant_type: &str, extra: &[(&str, &str)]) -> (u16, Value) {
        let credentials = self.running.sim.credentials().expect("credentials");
        let mut form = vec![
            ("grant_type", grant_type),
            ("client_id", credentials.ninjaone_client_id.as_str()),
            ("client_secret", credentials.ninjaone_client_secret.as_str()),
        ];
        form.extend_from_slice(extra);
        let url = format!("{}/ws/oauth/token", self.running.urls().ninjaone);
        send(self.http.post(url).form(&form)).await
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let url = format!("{}{path}", self.running.urls().ninjaone);
        send(self.http.get(url).bearer_auth(&self.token)).await
    }

    /// GETs `path` (under `/v2` or `/api/v2`), expects 200 and validates the body against the
    /// `/v2` operation `template`.
    async fn checked(&self, path: &str, template: &str) -> Value {
        let (status, body) = self.get(path).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        openapi::ninjaone().assert_response("GET", template, 200, &body);
        body
    }

    /// Every page of an entity list (`pageSize` and `after=<last id>`), each validated.
    async fn all_pages(&self, list: &str, page_size: usize) -> Vec<Value> {
        let mut items: Vec<Value> = Vec::new();
        let mut after = None;
        loop {
            let cursor = after.map(|id| format!("&after={id}")).unwrap_or_default();
            let path = format!("/v2/{list}?pageSize={page_size}{cursor}");
            let page = self.checked(&path, &format!("/v2/{list}")).await;
            let page = page.as_array().expect("a bare array").clone();
            let ids: Vec<i64> = page
                .iter()
                .map(|item| item["id"].as_i64().expect("an id"))
                .collect();
            assert!(
                ids.windows(2).all(|w| w[0] < w[1]),
                "{list}: ascending ids {ids:?}"
            );
            assert!(after.is_none_or(|last| ids.first().is_none_or(|first| *first > last)));
            items.extend(page);
            if ids.len() < page_size {
                return items;
            }
            after = ids.last().copied();
        }
    }
}

async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.expect("the simulator answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    let body = serde_json::from_str(&text).unwrap_or_else(|err| panic!("JSON ({err}): {text}"));
    (status, body)
}

fn first_id(items: &[Value]) -> i64 {
    items
        .first()
        .and_then(|item| item["id"].as_i64())
        .expect("a non-empty list with ids")
}

#[tokio::test]
async fn the_token_answer_has_the_documented_fields() {
    let ninja = Ninja::start().await;

    let (status, body) = ninja
        .token_request("client_credentials", &[("scope", "monitoring")])
        .await;

    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "monitoring");
    assert!(body["access_token"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(body["expires_in"], 3600);
    assert!(
        body.get("refresh_token").is_none(),
        "client credentials get no refresh token"
    );
}

#[tokio::test]
async fn organizations_and_locations_match_the_document() {
    let ninja = Ninja::start().await;

    let organizations = ninja.all_pages("organizations", 25).await;
    assert!(!organizations.is_empty(), "the fleet has organizations");
    let detailed = ninja.all_pages("organizations-detailed", 1000).await;
    assert_eq!(detailed.len(), organizations.len());
    let locations = ninja.all_pages("locations", 50).await;
    assert!(!locations.is_empty());

    let id = first_id(&organizations);
    ninja
        .checked(&format!("/v2/organization/{id}"), "/v2/organization/{id}")
        .await;
    let devices = ninja
        .checked(
            &format!("/v2/organization/{id}/devices?pageSize=1000"),
            "/v2/organization/{id}/devices",
        )
        .await;
    let devices = devices.as_array().expect("a bare array");
    assert!(
        devices.iter().all(|d| d["organizationId"] == id),
        "one organization's devices"
    );
    ninja
        .checked("/api/v2/organizations?pageSize=5", "/v2/organizations")
        .await;
}

#[tokio::test]
async fn devices_match_the_document() {
    let ninja = Ninja::start().await;

    let devices = ninja.all_pages("devices", 100).await;
    let detailed = ninja.all_pages("devices-detailed", 1000).await;
    assert!(!devices.is_empty(), "the fleet has devices");
    assert_eq!(detailed.len(), devices.len());

    for device in detailed.iter().take(5) {
        let id = device["id"].as_i64().expect("an id");
        let one = ninja
            .checked(&format!("/v2/device/{id}"), "/v2/device/{id}")
            .await;
        assert_eq!(one["id"], id);
    }
    let org = devices[0]["organizationId"]
        .as_i64()
        .expect("organizationId");
    let filtered = ninja
        .checked(
            &format!("/v2/devices-detailed?df=org%20in%20({org})%20AND%20online&pageSize=1000"),
            "/v2/devices-detailed",
        )
        .await;
    let filtered = filtered.as_array().expect("a bare array");
    assert!(
        filtered
            .iter()
            .all(|d| d["organizationId"] == org && d["offline"] == false)
    );
    ninja
        .checked(
            "/api/v2/devices-detailed?pageSize=10",
            "/v2/devices-detailed",
        )
        .await;
}

#[tokio::test]
async fn alerts_match_the_document() {
    let ninja = Ninja::start().await;

    let alerts = ninja.checked("/v2/alerts", "/v2/alerts").await;
    let alerts = alerts.as_array().expect("a bare array");
    assert!(!alerts.is_empty(), "the fleet has active alerts");
    ninja
        .checked("/v2/alerts?lang=en&tz=America/Chicago", "/v2/alerts")
        .await;

    let device = alerts[0]["deviceId"].as_i64().expect("deviceId");
    let own = ninja
        .checked(
            &format!("/v2/device/{device}/alerts"),
            "/v2/device/{id}/alerts",
        )
        .await;
    let own = own.as_array().expect("a bare array");
    assert!(!own.is_empty() && own.iter().all(|a| a["deviceId"] == device));
}

#[tokio::test]
async fn activities_match_the_document() {
    let ninja = Ninja::start().await;

    let newest = ninja
        .checked("/v2/activities?pageSize=1000", "/v2/activities")
        .await;
    let page = newest["activities"].as_array().expect("activities");
    assert!(!page.is_empty(), "the fleet has activities");
    let oldest_id = page
        .iter()
        .filter_map(|a| a["id"].as_i64())
        .min()
        .expect("ids");
    let older = ninja
        .checked(
            &format!("/v2/activities?pageSize=1000&olderThan={oldest_id}"),
            "/v2/activities",
        )
        .await;
    let older = older["activities"].as_array().expect("activities");
    assert!(
        older.iter().all(|a| a["id"].as_i64() < Some(oldest_id)),
        "olderThan means smaller ids"
    );
    ninja
        .checked(
            "/v2/activities?class=DEVICE&type=CONDITION&pageSize=10",
            "/v2/activities",
        )
        .await;

    let device = page
        .iter()
        .find_map(|a| a["deviceId"].as_i64())
        .expect("a device activity");
    let template = "/v2/device/{id}/activities";
    ninja
        .checked(
            &format!("/v2/device/{device}/activities?pageSize=100"),
            template,
        )
        .await;
}

#[tokio::test]
async fn the_device_health_report_matches_the_document() {
    let ninja = Ninja::start().await;

    let first = ninja
        .checked(
            "/v2/queries/device-health?pageSize=100",
            "/v2/queries/device-health",
        )
        .await;
    let results = first["results"].as_array().expect("results");
    assert!(!results.is_empty(), "one row per device");
    let cursor = first["cursor"]["name"].as_str().expect("a cursor name");

    let next = format!("/v2/queries/device-health?pageSize=100&cursor={cursor}");
    ninja.checked(&next, "/v2/queries/device-health").await;
}

#[tokio::test]
async fn error_answers_have_the_documented_families() {
    let ninja = Ninja::start().await;
    let url = format!("{}/v2/organizations", ninja.running.urls().ninjaone);

    // Auth layer: `{error, error_description, error_code}`.
    let auth_cases = [
        (ninja.http.get(&url), 400, "missing_header", 2),
        (
            ninja.http.get(&url).header("Authorization", "Token abc"),
            400,
            "invalid_header",
            1,
        ),
        (
            ninja.http.get(&url).bearer_auth("not-a-token"),
            401,
            "not_authenticated",
            10,
        ),
    ];
    for (request, status, error, code) in auth_cases {
        let (got, body) = send(request).await;
        assert_eq!(got, status, "{body}");
        assert_eq!(body["error"], error, "{body}");
        assert_eq!(body["error_code"], code, "{body}");
        assert!(body["error_description"].is_string(), "{body}");
    }

    // Application layer: `{resultCode, errorMessage, incidentId}`.
    for path in ["/v2/device/999999999", "/v2/organizations/1"] {
        let (status, body) = ninja.get(path).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert!(body["resultCode"].is_string(), "{path}: {body}");
        assert!(body["errorMessage"].is_string(), "{path}: {body}");
        let incident = body["incidentId"].as_str().unwrap_or_default();
        assert!(incident.starts_with("WEB_MGMT_SERVICE-"), "{path}: {body}");
    }

    // The token endpoint.
    let (status, body) = ninja.token_request("password", &[]).await;
    assert_eq!(
        (status, &body["error"]),
        (400, &Value::from("unsupported_grant_type"))
    );
}

#[tokio::test]
async fn the_fleet_still_matches_after_two_simulated_days() {
    let ninja = Ninja::start().await;
    let (status, _) = common::control_post(
        &ninja.running,
        "/settings",
        serde_json::json!({ "ninjaone_token_lifetime_secs": 864_000 }),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = ninja
        .token_request("client_credentials", &[("scope", "monitoring")])
        .await;
    assert_eq!(status, 200, "{body}");
    let ninja = Ninja {
        token: body["access_token"].as_str().expect("token").to_owned(),
        ..ninja
    };
    let (status, ticked) = common::control_post(
        &ninja.running,
        "/tick",
        serde_json::json!({ "duration": "2d" }),
    )
    .await;
    assert_eq!(status, 200, "{ticked}");

    assert!(!ninja.all_pages("devices-detailed", 1000).await.is_empty());
    ninja.checked("/v2/alerts", "/v2/alerts").await;
    let activities = ninja
        .checked("/v2/activities?pageSize=1000", "/v2/activities")
        .await;
    assert!(
        !activities["activities"]
            .as_array()
            .expect("activities")
            .is_empty()
    );
    ninja
        .checked(
            "/v2/queries/device-health?pageSize=1000",
            "/v2/queries/device-health",
        )
        .await;
}
