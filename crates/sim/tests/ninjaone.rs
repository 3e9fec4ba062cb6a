//! The NinjaOne API of the simulator, over real HTTP, against the generated fleet: the OAuth
//! token endpoint and its failures, bearer checks, token expiry, the expired-tokens drill and
//! credential rotation, every route on both prefixes, entity paging, `df` filters, activities
//! walked backwards and the device-health cursor.

mod common;

use std::collections::HashSet;

use mock_apis::config::Settings;
use mock_apis::fleet::{Device, Fleet};
use mock_apis::{RunningSim, SimConfig};
use serde_json::{Value, json};

use common::{client, control_post, start_sim, start_sim_with};

const PREFIXES: [&str; 2] = ["/v2", "/api/v2"];

/// A client of the simulated NinjaOne instance.
struct Ninja {
    base: String,
    http: reqwest::Client,
}

impl Ninja {
    fn new(running: &RunningSim) -> Self {
        Self {
            base: running.urls().ninjaone,
            http: client(),
        }
    }

    /// POSTs a token request form and returns the status and body.
    async fn token_request(&self, form: &[(&str, &str)]) -> (u16, Value) {
        let request = self
            .http
            .post(format!("{}/ws/oauth/token", self.base))
            .form(form);
        send(request).await
    }

    /// A token for the current credentials with `scope`.
    async fn token(&self, running: &RunningSim, scope: &str) -> String {
        let credentials = running.sim.credentials().expect("credentials");
        let (status, body) = self
            .token_request(&[
                ("grant_type", "client_credentials"),
                ("client_id", &credentials.ninjaone_client_id),
                ("client_secret", &credentials.ninjaone_client_secret),
                ("scope", scope),
            ])
            .await;
        assert_eq!(status, 200, "{body}");
        body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    async fn get(&self, token: &str, path: &str) -> (u16, Value) {
        self.get_query(token, path, &[]).await
    }

    async fn get_query(&self, token: &str, path: &str, query: &[(&str, &str)]) -> (u16, Value) {
        let request = self.http.get(format!("{}{path}", self.base)).query(query);
        send(request.bearer_auth(token)).await
    }
}

async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.expect("simulator answers");
    let status = response.status().as_u16();
    let body = response.json().await.expect("a JSON body");
    (status, body)
}

fn fleet(running: &RunningSim) -> Fleet {
    running.sim.fleet.read(Fleet::clone).expect("fleet")
}

fn approved(fleet: &Fleet) -> impl Iterator<Item = &Device> {
    fleet
        .devices
        .iter()
        .filter(|d| d.approval_status == "APPROVED")
}

fn id_list(body: &Value) -> Vec<i64> {
    body.as_array()
        .expect("a bare array")
        .iter()
        .map(|item| item["id"].as_i64().expect("id"))
        .collect()
}

fn assert_auth_error(status: u16, body: &Value, expected: u16, error: &str, code: i64) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["error"], error, "{body}");
    assert_eq!(body["error_code"], code, "{body}");
}

fn assert_not_authenticated(status: u16, body: &Value) {
    assert_auth_error(status, body, 401, "not_authenticated", 10);
    assert_eq!(body["error_description"], "Invalid credentials");
}

fn assert_not_found(status: u16, body: &Value) {
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["resultCode"], "FAILURE");
    assert_eq!(body["errorMessage"], "HTTP 404 Not Found");
    let incident = body["incidentId"].as_str().expect("incidentId");
    assert!(incident.starts_with("WEB_MGMT_SERVICE-"), "{incident}");
}

/// Follows `after=<last id>` until a page is shorter than `page_size`.
async fn walk_after(
    ninja: &Ninja,
    token: &str,
    path: &str,
    extra: &[(&str, &str)],
    page_size: usize,
) -> Vec<i64> {
    let size = page_size.to_string();
    let mut all = Vec::new();
    loop {
        let after = all.last().map(i64::to_string);
        let mut query = vec![("pageSize", size.as_str())];
        if let Some(after) = &after {
            query.push(("after", after.as_str()));
        }
        query.extend_from_slice(extra);
        let (status, body) = ninja.get_query(token, path, &query).await;
        assert_eq!(status, 200, "{body}");
        let page = id_list(&body);
        assert!(page.len() <= page_size);
        let short = page.len() < page_size;
        all.extend(page);
        if short {
            return all;
        }
    }
}

fn assert_ascending_unique(ids: &[i64], what: &str) {
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "{what}: ascending without repeats"
    );
}

#[tokio::test]
async fn token_endpoint_issues_tokens_and_refuses_bad_clients() {
    let running = start_sim().await;
    let ninja = Ninja::new(&running);
    let credentials = running.sim.credentials().expect("credentials");
    let (id, secret) = (
        credentials.ninjaone_client_id.as_str(),
        credentials.ninjaone_client_secret.as_str(),
    );

    let (status, body) = ninja
        .token_request(&[
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
            ("scope", "monitoring"),
        ])
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "monitoring");
    assert!(body.get("refresh_token").is_none());

    let (status, body) = ninja
        .token_request(&[
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
        ])
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["scope"], "monitoring management control");

    let basic = ninja
        .http
        .post(format!("{}/ws/oauth/token", ninja.base))
        .basic_auth(id, Some(secret))
        .form(&[
            ("grant_type", "client_credentials"),
            ("scope", "monitoring"),
        ]);
    let (status, body) = send(basic).await;
    assert_eq!(status, 200, "{body}");

    let (status, body) = ninja
        .token_request(&[
            ("grant_type", "client_credentials"),
            ("client_id", "sim-unknown"),
            ("client_secret", secret),
        ])
        .await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["resultCode"], "Client app not exist");
    assert!(
        body["incidentId"]
            .as_str()
            .is_some_and(|i| i.starts_with("WEB_MGMT_SERVICE-"))
    );

    let (status, body) = ninja
        .token_request(&[
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", "wrong"),
        ])
        .await;
    assert_eq!((status, body), (400, json!({"error": "invalid_client"})));

    let basic_wrong = ninja
        .http
        .post(format!("{}/ws/oauth/token", ninja.base))
        .basic_auth(id, Some("wrong"))
        .form(&[("grant_type", "client_credentials")]);
    let (status, body) = send(basic_wrong).await;
    assert_eq!((status, body), (401, json!({"error": "invalid_client"})));

    let cases = [
        (vec![("grant_type", "password")], "unsupported_grant_type"),
        (
            vec![("grant_type", "refresh_token")],
            "unsupported_grant_type",
        ),
        (vec![], "invalid_request"),
        (
            vec![
                ("grant_type", "client_credentials"),
                ("scope", "monitoring offline"),
            ],
            "invalid_scope",
        ),
    ];
    for (extra, error) in cases {
        let mut form = vec![("client_id", id), ("client_secret", secret)];
        form.extend(extra);
        let (status, body) = ninja.token_request(&form).await;
        assert_eq!((status, body), (400, json!({ "error": error })));
    }
    running.shutdown().await;
}

#[tokio::test]
async fn api_calls_check_the_bearer_token() {
    let running = start_sim().await;
    let ninja = Ninja::new(&running);
    let url = format!("{}/v2/organizations", ninja.base);

    let (status, body) = send(ninja.http.get(&url)).await;
    assert_auth_error(status, &body, 400, "missing_header", 2);
    assert_eq!(body["error_description"], "Missing required header");

    for header in ["Token abc", "Bearer", "abc"] {
        let (status, body) = send(ninja.http.get(&url).header("Authorization", header)).await;
        assert_auth_error(status, &body, 400, "invalid_header", 1);
    }
    let (status, body) = send(ninja.http.get(&url).bearer_auth("eyJhbGciOi.forged.token")).await;
    assert_not_authenticated(status, &body);

    let narrow = ninja.token(&running, "management control").await;
    let (status, body) = ninja.get(&narrow, "/v2/organizations").await;
    assert_auth_error(status, &body, 401, "insufficient_privileges", 3);

    let token = ninja.token(&running, "monitoring").await;
    let response = ninja
        .http
        .get(&url)
        .bearer_auth(&token)
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers().contains_key("x-nj-request-id"));
    running.shutdown().await;
}

#[tokio::test]
async fn tokens_expire_with_simulated_time() {
    let running = start_sim().await;
    let ninja = Ninja::new(&running);
    let (status, _) = control_post(
        &running,
        "/settings",
        json!({"ninjaone_token_lifetime_secs": 1}),
    )
    .await;
    assert_eq!(status, 200);

    let credentials = running.sim.credentials().expect("credentials");
    let (_, body) = ninja
        .token_request(&[
            ("grant_type", "client_credentials"),
            ("client_id", &credentials.ninjaone_client_id),
            ("client_secret", &credentials.ninjaone_client_secret),
            ("scope", "monitoring"),
        ])
        .await;
    assert_eq!(body["expires_in"], 1);
    let token = body["access_token"].as_str().expect("token").to_owned();
    let (status, _) = ninja.get(&token, "/v2/devices").await;
    assert_eq!(status, 200);

    let (status, _) = control_post(&running, "/tick", json!({"seconds": 2})).await;
    assert_eq!(status, 200);
    let (status, body) = ninja.get(&token, "/v2/devices").await;
    assert_not_authenticated(status, &body);

    // Wall-clock expiry too: a fresh one-second token stops working after a real second.
    let token = ninja.token(&running, "monitoring").await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, body) = ninja.get(&token, "/api/v2/devices").await;
    assert_not_authenticated(status, &body);
    running.shutdown().await;
}

#[tokio::test]
async fn the_expired_tokens_drill_and_rotation_invalidate_tokens() {
    let running = start_sim().await;
    let ninja = Ninja::new(&running);
    let before = ninja.token(&running, "monitoring").await;

    let fault = json!({"api": "ninjaone", "kind": "expired_tokens"});
    let (status, _) = control_post(&running, "/faults", fault).await;
    assert_eq!(status, 200);
    let (status, body) = ninja.get(&before, "/v2/organizations").await;
    assert_not_authenticated(status, &body);
    let after = ninja.token(&running, "monitoring").await;
    let (status, _) = ninja.get(&after, "/v2/organizations").await;
    assert_eq!(status, 200, "tokens issued after the drill work");

    let old = running.sim.credentials().expect("credentials");
    let (status, _) =
        control_post(&running, "/credentials/rotate", json!({"api": "ninjaone"})).await;
    assert_eq!(status, 200);
    let (status, body) = ninja.get(&after, "/v2/organizations").await;
    assert_not_authenticated(status, &body);
    let (status, body) = ninja
        .token_request(&[
            ("grant_type", "client_credentials"),
            ("client_id", &old.ninjaone_client_id),
            ("client_secret", &old.ninjaone_client_secret),
        ])
        .await;
    assert_eq!((status, body), (400, json!({"error": "invalid_client"})));
    let fresh = ninja.token(&running, "monitoring").await;
    let (status, _) = ninja.get(&fresh, "/v2/organizations").await;
    assert_eq!(status, 200);

    let revoke = json!({"api": "ninjaone", "kind": "revoked"});
    let (status, _) = control_post(&running, "/faults", revoke).await;
    assert_eq!(status, 200);
    let (status, body) = ninja.get(&fresh, "/v2/organizations").await;
    assert_not_authenticated(status, &body);
    let current = running.sim.credentials().expect("credentials");
    let (status, body) = ninja
        .token_request(&[
            ("grant_type", "client_credentials"),
            ("client_id", &current.ninjaone_client_id),
            ("client_secret", &current.ninjaone_client_secret),
        ])
        .await;
    assert_eq!((status, body), (400, json!({"error": "invalid_client"})));
    running.shutdown().await;
}

#[tokio::test]
async fn every_route_answers_on_both_prefixes() {
    let running = start_sim().await;
    let ninja = Ninja::new(&running);
    let token = ninja.token(&running, "monitoring").await;
    let fleet = fleet(&running);
    let organization = &fleet.organizations[0];
    let device = approved(&fleet).next().expect("an approved device");
    let all_approved: Vec<i64> = approved(&fleet).map(|d| d.id).collect();

    for prefix in PREFIXES {
        let get = |path: String| {
            let ninja = &ninja;
            let token = &token;
            async move { ninja.get(token, &path).await }
        };
        let (status, body) = get(format!("{prefix}/organizations")).await;
        assert_eq!(status, 200);
        assert_eq!(id_list(&body).len(), fleet.organizations.len());

        let (status, body) = get(format!("{prefix}/organizations-detailed")).await;
        assert_eq!(status, 200);
        assert!(body[0]["locations"].is_array() && body[0]["settings"].is_object());

        let (status, body) = get(format!("{prefix}/organization/{}", organization.id)).await;
        assert_eq!(status, 200);
        assert_eq!(body["id"], organization.id);
        assert_eq!(body["locations"][0]["id"], organization.location_id);

        let (status, body) =
            get(format!("{prefix}/organization/{}/devices", organization.id)).await;
        assert_eq!(status, 200);
        let want: Vec<i64> = approved(&fleet)
            .filter(|d| d.organization_id == organization.id)
            .map(|d| d.id)
            .collect();
        assert_eq!(id_list(&body), want);

        let (status, body) = get(format!("{prefix}/locations")).await;
        assert_eq!(status, 200);
        assert!(
            body.as_array()
                .expect("locations")
                .iter()
                .all(|l| l["organizationId"].is_i64())
        );

        let (status, body) = get(format!("{prefix}/devices")).await;
        assert_eq!(status, 200);
        assert_eq!(id_list(&body), all_approved);

        let (status, body) = get(format!("{prefix}/devices-detailed")).await;
        assert_eq!(status, 200);
        assert_eq!(id_list(&body), all_approved);

        let (status, body) = get(format!("{prefix}/device/{}", device.id)).await;
        assert_eq!(status, 200);
        assert_eq!(body["organizationId"], device.organization_id);
        assert!(body["created"].is_f64() && body["lastContact"].is_f64());

        let (status, body) = get(format!("{prefix}/alerts")).await;
        assert_eq!(status, 200);
        assert_eq!(body.as_array().map(Vec::len), Some(fleet.alerts.len()));

        let (status, body) = get(format!("{prefix}/device/{}/alerts", device.id)).await;
        assert_eq!(status, 200);
        assert!(
            body.as_array()
                .expect("alerts")
                .iter()
                .all(|a| a["deviceId"] == device.id)
        );

        let (status, body) = get(format!("{prefix}/activities")).await;
        assert_eq!(status, 200);
        assert!(body["lastActivityId"].is_i64() && body["activities"].is_array());

        let (status, body) = get(format!("{prefix}/device/{}/activities", device.id)).await;
        assert_eq!(status, 200);
        assert!(
            body["activities"]
                .as_array()
                .expect("activities")
                .iter()
                .all(|a| a["deviceId"] == device.id)
        );

        let (status, body) = get(format!("{prefix}/queries/device-health")).await;
        assert_eq!(status, 200);
        assert_eq!(
            body["results"].as_array().map(Vec::len),
            Some(all_approved.len())
        );

        for missing in [
            format!("{prefix}/organizations/{}", organization.id),
            format!("{prefix}/organization/999999"),
            format!("{prefix}/organization/abc"),
            format!("{prefix}/device/99999999999"),
            format!("{prefix}/device/999999/alerts"),
            format!("{prefix}/device/999999/activities"),
            format!("{prefix}/nothing-here"),
        ] {
            let (status, body) = get(missing).await;
            assert_not_found(status, &body);
        }
    }
    running.shutdown().await;
}

#[tokio::test]
async fn entity_lists_page_by_after_to_the_end() {
    let running = start_sim().await;
    let ninja = Ninja::new(&running);
    let token = ninja.token(&running, "monitoring").await;
    let fleet = fleet(&running);

    let devices = walk_after(&ninja, &token, "/v2/devices", &[], 7).await;
    assert_ascending_unique(&devices, "devices");
    assert_eq!(devices, approved(&fleet).map(|d| d.id).collect::<Vec<_>>());

    let detailed = walk_after(&ninja, &token, "/api/v2/devices-detailed", &[], 50).await;
    assert_eq!(detailed, devices);

    let organizations = walk_after(&ninja, &token, "/v2/organizations", &[], 5).await;
    assert_eq!(
        organizations,
        fleet.organizations.iter().map(|o| o.id).collect::<Vec<_>>()
    );
    let detailed = walk_after(&ninja, &token, "/v2/organizations-detailed", &[], 4).await;
    assert_eq!(detailed, organizations);

    let locations = walk_after(&ninja, &token, "/v2/locations", &[], 6).await;
    assert_ascending_unique(&locations, "locations");
    assert_eq!(locations.len(), fleet.organizations.len());

    let busiest = fleet
        .organizations
        .iter()
        .max_by_key(|o| {
            approved(&fleet)
                .filter(|d| d.organization_id == o.id)
                .count()
        })
        .expect("organizations");
    let path = format!("/v2/organization/{}/devices", busiest.id);
    let own = walk_after(&ninja, &token, &path, &[], 2).await;
    let want: Vec<i64> = approved(&fleet)
        .filter(|d| d.organization_id == busiest.id)
        .map(|d| d.id)
        .collect();
    assert_eq!(own, want);

    let (status, body) = ninja
        .get_query(&token, "/v2/devices", &[("pageSize", "ten")])
        .await;
    assert_not_found(status, &body);
    running.shutdown().await;
}

#[tokio::test]
async fn device_filters_select_devices() {
    let running = start_sim().await;
    let ninja = Ninja::new(&running);
    let token = ninja.token(&running, "monitoring").await;
    let fleet = fleet(&running);
    let orgs: Vec<i64> = fleet.organizations.iter().map(|o| o.id).take(2).collect();
    let (a, b) = (orgs[0], orgs[1]);
    let class = approved(&fleet).next().expect("device").node_class.clone();
    let select = |keep: &dyn Fn(&Device) -> bool| -> Vec<i64> {
        approved(&fleet).filter(|d| keep(d)).map(|d| d.id).collect()
    };

    let cases: Vec<(String, Vec<i64>)> = vec![
        (format!("org = {a}"), select(&|d| d.organization_id == a)),
        (format!("org={a}"), select(&|d| d.organization_id == a)),
        (format!("org eq {a}"), select(&|d| d.organization_id == a)),
        (
            format!("org in ({a},{b})"),
            select(&|d| d.organization_id == a || d.organization_id == b),
        ),
        (
            format!("org notin ({a})"),
            select(&|d| d.organization_id != a),
        ),
        (
            format!("org != {a} AND online"),
            select(&|d| d.organization_id != a && !d.offline),
        ),
        (
            format!("class eq {class}"),
            select(&|d| d.node_class == class),
        ),
        (
            format!("class neq {class} AND offline"),
            select(&|d| d.node_class != class && d.offline),
        ),
        ("offline".to_owned(), select(&|d| d.offline)),
        (
            format!("loc = {}", fleet.organizations[0].location_id),
            select(&|d| d.location_id == fleet.organizations[0].location_id),
        ),
        (
            "status eq PENDING".to_owned(),
            fleet
                .devices
                .iter()
                .filter(|d| d.approval_status == "PENDING")
                .map(|d| d.id)
                .collect(),
        ),
    ];
    for (df, want) in cases {
        for path in ["/v2/devices", "/api/v2/devices-detailed"] {
            let (status, body) = ninja.get_query(&token, path, &[("df", &df)]).await;
            assert_eq!(status, 200, "{df}: {body}");
            assert_eq!(id_list(&body), want, "{path}?df={df}");
        }
    }
    assert!(
        fleet.devices.iter().any(|d| d.approval_status == "PENDING"),
        "the fleet has pending devices"
    );

    // An unknown parameter is ignored: every organization's devices come back.
    let a_text = a.to_string();
    let (_, body) = ninja
        .get_query(&token, "/v2/devices", &[("org", &a_text)])
        .await;
    assert_eq!(id_list(&body), select(&|_| true));

    let (status, body) = ninja
        .get_query(&token, "/v2/devices", &[("df", "org in 12")])
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["resultCode"], "FAILURE");
    assert!(
        body["errorMessage"]
            .as_str()
            .is_some_and(|m| m.starts_with("Invalid device filter"))
    );
    running.shutdown().await;
}

#[tokio::test]
async fn devices_render_os_and_system_as_the_model_says() {
    let running = start_sim().await;
    let ninja = Ninja::new(&running);
    let token = ninja.token(&running, "monitoring").await;
    let fleet = fleet(&running);

    let (_, body) = ninja
        .get_query(
            &token,
            "/v2/devices-detailed",
            &[("df", "status in (APPROVED,PENDING)")],
        )
        .await;
    let rendered = body.as_array().expect("devices");
    assert!(!rendered.is_empty());
    for wire in rendered {
        let device = fleet
            .devices
            .iter()
            .find(|d| wire["id"] == d.id)
            .expect("a fleet device");
        assert_eq!(wire.get("os").is_some(), device.os_name.is_some(), "{wire}");
        assert_eq!(
            wire["system"].is_null(),
            device.system_model.is_none(),
            "{wire}"
        );
        assert_eq!(wire["offline"], device.offline);
        assert_eq!(wire["created"].as_f64(), Some(device.created));
    }
    running.shutdown().await;
}

#[tokio::test]
async fn alerts_are_unpaged_and_filtered() {
    let running = start_sim().await;
    let ninja = Ninja::new(&running);
    let token = ninja.token(&running, "monitoring").await;
    let fleet = fleet(&running);
    assert!(!fleet.alerts.is_empty(), "the fleet has active alerts");

    let (_, body) = ninja
        .get_query(&token, "/v2/alerts", &[("pageSize", "1")])
        .await;
    let alerts = body.as_array().expect("alerts");
    assert_eq!(alerts.len(), fleet.alerts.len(), "pageSize is ignored");
    for alert in alerts {
        assert_eq!(alert["device"]["id"], alert["deviceId"], "{alert}");
        assert!(alert["createTime"].is_f64());
    }

    let kind = &fleet.alerts[0].source_type;
    let (_, body) = ninja
        .get_query(&token, "/v2/alerts", &[("sourceType", kind)])
        .await;
    let want = fleet
        .alerts
        .iter()
        .filter(|a| &a.source_type == kind)
        .count();
    assert_eq!(body.as_array().map(Vec::len), Some(want));

    let organization = fleet
        .devices
        .iter()
        .find(|d| d.id == fleet.alerts[0].device_id)
        .expect("device")
        .organization_id;
    let df = format!("org = {organization}");
    let (_, body) = ninja
        .get_query(&token, "/api/v2/alerts", &[("df", &df)])
        .await;
    let got = body.as_array().expect("alerts");
    assert!(!got.is_empty());
    assert!(
        got.iter()
            .all(|a| a["device"]["organizationId"] == organization)
    );
    running.shutdown().await;
}

#[tokio::test]
async fn activities_walk_backwards_until_empty() {
    let running = start_sim().await;
    let ninja = Ninja::new(&running);
    let token = ninja.token(&running, "monitoring").await;
    let fleet = fleet(&running);
    let newest = fleet
        .activities
        .iter()
        .map(|a| a.id)
        .max()
        .expect("activities");

    let mut seen = Vec::new();
    let mut older_than: Option<String> = None;
    loop {
        let mut query = vec![("pageSize", "10")];
        if let Some(id) = &older_than {
            query.push(("olderThan", id.as_str()));
        }
        let (status, body) = ninja.get_query(&token, "/v2/activities", &query).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["lastActivityId"], newest);
        let page: Vec<i64> = body["activities"]
            .as_array()
            .expect("activities")
            .iter()
            .map(|a| a["id"].as_i64().expect("id"))
            .collect();
        assert!(page.len() <= 10);
        if page.is_empty() {
            break;
        }
        older_than = Some(page.last().expect("page").to_string());
        seen.extend(page);
    }
    assert!(
        seen.windows(2).all(|w| w[0] > w[1]),
        "newest first, no repeats"
    );
    let mut all: Vec<i64> = fleet.activities.iter().map(|a| a.id).collect();
    all.reverse();
    assert_eq!(seen, all);

    // pageSize is clamped to 10..=1000 and defaults to 200.
    for (size, want) in [
        ("1", 10),
        ("5000", 1000.min(all.len())),
        ("", 200.min(all.len())),
    ] {
        let query: Vec<(&str, &str)> = if size.is_empty() {
            vec![]
        } else {
            vec![("pageSize", size)]
        };
        let (_, body) = ninja.get_query(&token, "/v2/activities", &query).await;
        assert_eq!(
            body["activities"].as_array().map(Vec::len),
            Some(want.min(all.len())),
            "pageSize={size}"
        );
    }
    running.shutdown().await;
}

#[tokio::test]
async fn activity_filters_select_rows() {
    let running = start_sim().await;
    let ninja = Ninja::new(&running);
    let token = ninja.token(&running, "monitoring").await;
    let fleet = fleet(&running);
    let ids_of = |body: &Value| -> Vec<i64> {
        body["activities"]
            .as_array()
            .expect("activities")
            .iter()
            .map(|a| a["id"].as_i64().expect("id"))
            .collect()
    };
    let newest_first = |keep: &dyn Fn(&mock_apis::fleet::Activity) -> bool| -> Vec<i64> {
        fleet
            .activities
            .iter()
            .rev()
            .filter(|a| keep(a))
            .map(|a| a.id)
            .take(1000)
            .collect()
    };

    for class in ["SYSTEM", "DEVICE", "USER"] {
        let (_, body) = ninja
            .get_query(
                &token,
                "/v2/activities",
                &[("class", class), ("pageSize", "1000")],
            )
            .await;
        assert_eq!(
            ids_of(&body),
            newest_first(&|a| a.class == class),
            "class={class}"
        );
    }
    let (status, body) = ninja
        .get_query(&token, "/v2/activities", &[("class", "SOMETIMES")])
        .await;
    assert_not_found(status, &body);

    let middle = &fleet.activities[fleet.activities.len() / 2];
    let time = middle.activity_time.to_string();
    let (_, body) = ninja
        .get_query(
            &token,
            "/v2/activities",
            &[("before", &time), ("pageSize", "1000")],
        )
        .await;
    assert_eq!(
        ids_of(&body),
        newest_first(&|a| a.activity_time < middle.activity_time)
    );
    let (_, body) = ninja
        .get_query(
            &token,
            "/v2/activities",
            &[("after", &time), ("pageSize", "1000")],
        )
        .await;
    assert_eq!(
        ids_of(&body),
        newest_first(&|a| a.activity_time > middle.activity_time)
    );
    let (status, body) = ninja
        .get_query(&token, "/v2/activities", &[("after", "yesterday")])
        .await;
    assert_eq!(status, 400, "{body}");

    let newer = middle.id.to_string();
    let (_, body) = ninja
        .get_query(
            &token,
            "/v2/activities",
            &[("newerThan", &newer), ("pageSize", "10")],
        )
        .await;
    assert_eq!(
        ids_of(&body),
        newest_first(&|a| a.id > middle.id)
            .into_iter()
            .take(10)
            .collect::<Vec<_>>()
    );

    let kind = &middle.activity_type;
    let (_, body) = ninja
        .get_query(
            &token,
            "/v2/activities",
            &[("type", kind), ("pageSize", "1000")],
        )
        .await;
    assert_eq!(ids_of(&body), newest_first(&|a| &a.activity_type == kind));
    let status_code = &middle.status_code;
    let (_, body) = ninja
        .get_query(
            &token,
            "/v2/activities",
            &[("status", status_code), ("pageSize", "1000")],
        )
        .await;
    assert_eq!(
        ids_of(&body),
        newest_first(&|a| &a.status_code == status_code)
    );

    let series = fleet
        .activities
        .iter()
        .find_map(|a| a.series_uid.clone())
        .expect("a CONDITION row");
    let (_, body) = ninja
        .get_query(&token, "/v2/activities", &[("seriesUid", &series)])
        .await;
    let rows = body["activities"].as_array().expect("activities");
    assert!(!rows.is_empty() && rows.iter().all(|a| a["seriesUid"] == series.as_str()));

    let config = fleet
        .activities
        .iter()
        .find_map(|a| a.source_config_uid.clone());
    let config = config.expect("a row with a policy condition or script");
    let (_, body) = ninja
        .get_query(
            &token,
            "/v2/activities",
            &[("sourceConfigUid", &config), ("pageSize", "1000")],
        )
        .await;
    assert_eq!(
        ids_of(&body),
        newest_first(&|a| a.source_config_uid.as_deref() == Some(config.as_str()))
    );

    let organization = fleet.organizations[0].id;
    let df = format!("org = {organization}");
    let (_, body) = ninja
        .get_query(
            &token,
            "/v2/activities",
            &[("df", &df), ("pageSize", "1000")],
        )
        .await;
    let want = newest_first(&|a| {
        a.device_id.is_some_and(|id| {
            approved(&fleet).any(|d| d.id == id && d.organization_id == organization)
        })
    });
    assert_eq!(ids_of(&body), want);

    let device = fleet
        .activities
        .iter()
        .rev()
        .find_map(|a| a.device_id)
        .expect("a device row");
    let path = format!("/v2/device/{device}/activities");
    let (_, body) = ninja
        .get_query(&token, &path, &[("pageSize", "1000")])
        .await;
    assert_eq!(
        ids_of(&body),
        newest_first(&|a| a.device_id == Some(device))
    );
    running.shutdown().await;
}

#[tokio::test]
async fn the_device_health_cursor_pages_and_expires() {
    let running = start_sim().await;
    let ninja = Ninja::new(&running);
    let token = ninja.token(&running, "monitoring").await;
    let fleet = fleet(&running);
    let want: Vec<i64> = approved(&fleet).map(|d| d.id).collect();

    let (status, first) = ninja
        .get_query(&token, "/v2/queries/device-health", &[("pageSize", "10")])
        .await;
    assert_eq!(status, 200, "{first}");
    let name = first["cursor"]["name"]
        .as_str()
        .expect("cursor name")
        .to_owned();
    assert!(first["cursor"]["expires"].is_f64());
    let mut seen: Vec<i64> = Vec::new();
    let mut page = first;
    let mut offset = 0;
    loop {
        let results = page["results"].as_array().expect("results").clone();
        assert_eq!(page["cursor"]["name"], name.as_str());
        assert_eq!(page["cursor"]["count"], results.len());
        if results.is_empty() {
            break;
        }
        assert_eq!(page["cursor"]["offset"], offset);
        offset += results.len();
        for row in &results {
            let status = row["healthStatus"].as_str().expect("healthStatus");
            assert!(["HEALTHY", "NEEDS_ATTENTION", "UNHEALTHY", "UNKNOWN"].contains(&status));
            seen.push(row["deviceId"].as_i64().expect("deviceId"));
        }
        let (status, next) = ninja
            .get_query(
                &token,
                "/api/v2/queries/device-health",
                &[("cursor", &name)],
            )
            .await;
        assert_eq!(status, 200, "{next}");
        page = next;
    }
    let distinct: HashSet<i64> = seen.iter().copied().collect();
    assert_eq!(distinct.len(), seen.len(), "no device twice");
    assert_eq!(seen, want);

    let (_, body) = ninja
        .get_query(
            &token,
            "/v2/queries/device-health",
            &[("health", "UNHEALTHY")],
        )
        .await;
    let rows = body["results"].as_array().expect("results");
    assert!(rows.iter().all(|r| r["healthStatus"] == "UNHEALTHY"));

    let (_, fresh) = ninja
        .get_query(&token, "/v2/queries/device-health", &[("pageSize", "1")])
        .await;
    let name = fresh["cursor"]["name"].as_str().expect("cursor").to_owned();
    let (status, _) = control_post(&running, "/tick", json!({"duration": "10m"})).await;
    assert_eq!(status, 200);
    let token = ninja.token(&running, "monitoring").await;
    let (status, body) = ninja
        .get_query(&token, "/v2/queries/device-health", &[("cursor", &name)])
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["errorMessage"], "Cursor not found or expired");
    running.shutdown().await;
}

#[tokio::test]
async fn simulated_time_brings_new_activities_and_alerts() {
    let running = start_sim().await;
    let ninja = Ninja::new(&running);
    let (status, _) = control_post(
        &running,
        "/settings",
        json!({"ninjaone_token_lifetime_secs": 86400}),
    )
    .await;
    assert_eq!(status, 200);
    let token = ninja.token(&running, "monitoring").await;
    let (_, before) = ninja.get(&token, "/v2/activities").await;
    let (_, alerts_before) = ninja.get(&token, "/v2/alerts").await;

    let (status, _) = control_post(&running, "/tick", json!({"duration": "6h"})).await;
    assert_eq!(status, 200);
    let (_, after) = ninja.get(&token, "/v2/activities").await;
    let (_, alerts_after) = ninja.get(&token, "/v2/alerts").await;
    let newest = |body: &Value| body["lastActivityId"].as_i64().expect("lastActivityId");
    assert!(newest(&after) > newest(&before), "six hours add activities");
    assert_ne!(alerts_after, alerts_before, "alerts raise and clear");

    // Walking back from the new head reaches the old checkpoint.
    let checkpoint = newest(&before).to_string();
    let (_, body) = ninja
        .get_query(
            &token,
            "/v2/activities",
            &[("newerThan", &checkpoint), ("pageSize", "1000")],
        )
        .await;
    let fresh = body["activities"].as_array().expect("activities");
    assert!(
        !fresh.is_empty()
            && fresh
                .iter()
                .all(|a| a["id"].as_i64() > Some(newest(&before)))
    );
    running.shutdown().await;
}

#[tokio::test]
async fn a_token_works_on_every_process_sharing_the_state() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let config = || SimConfig {
        settings: Settings::unlimited(),
        state_dir: Some(dir.path().to_path_buf()),
        ..SimConfig::ephemeral()
    };
    let first = start_sim_with(config()).await;
    let second = start_sim_with(config()).await;
    let token = Ninja::new(&first).token(&first, "monitoring").await;

    let other = Ninja::new(&second);
    let (status, body) = other.get(&token, "/v2/organizations").await;
    assert_eq!(status, 200, "{body}");
    let fault = json!({"api": "ninjaone", "kind": "expired_tokens"});
    let (status, _) = control_post(&first, "/faults", fault).await;
    assert_eq!(status, 200);
    let (status, body) = other.get(&token, "/v2/organizations").await;
    assert_not_authenticated(status, &body);
    first.shutdown().await;
    second.shutdown().await;
}
