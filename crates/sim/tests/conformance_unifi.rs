//! The simulated UniFi Site Manager API against Ubiquiti's OpenAPI document: every operation
//! the simulator serves, under `/v1` and `/ea`, called as the sync would call it on the
//! generated fleet, each answer validated against its operation's schema; error answers too,
//! plus the error body's four fields (the document marks none of them required).

mod common;

use common::openapi;
use mock_apis::RunningSim;
use serde_json::{Value, json};

/// A simulator and a client carrying the account's `X-API-Key`.
struct SiteManager {
    running: RunningSim,
    http: reqwest::Client,
    key: String,
}

impl SiteManager {
    async fn start() -> Self {
        let running = common::start_sim().await;
        let key = running
            .sim
            .credentials()
            .expect("credentials")
            .unifi_api_key;
        Self {
            running,
            http: common::client(),
            key,
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let response = request.send().await.expect("the simulator answers");
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        let body = serde_json::from_str(&text).unwrap_or_else(|err| panic!("JSON ({err}): {text}"));
        (status, body)
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let url = format!("{}{path}", self.running.urls().unifi);
        self.send(self.http.get(url).header("X-API-Key", &self.key))
            .await
    }

    async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let url = format!("{}{path}", self.running.urls().unifi);
        self.send(
            self.http
                .post(url)
                .header("X-API-Key", &self.key)
                .json(body),
        )
        .await
    }

    /// GETs `path` (under `/v1` or `/ea`), expects `status` and validates the body against the
    /// `/v1` operation `template`.
    async fn checked_get(&self, path: &str, template: &str, status: u16) -> Value {
        let (got, body) = self.get(path).await;
        assert_eq!(got, status, "GET {path}: {body}");
        openapi::unifi().assert_response("GET", template, status, &body);
        assert_envelope(&body, status);
        body
    }

    /// Every page of a paged list, each validated; the items of all pages.
    async fn all_pages(&self, prefix: &str, list: &str, page_size: usize) -> Vec<Value> {
        let mut items = Vec::new();
        let mut token = String::new();
        let mut seen = std::collections::HashSet::new();
        loop {
            let query = format!("pageSize={page_size}&nextToken={}", encode(&token));
            let body = self
                .checked_get(
                    &format!("{prefix}/{list}?{query}"),
                    &format!("/v1/{list}"),
                    200,
                )
                .await;
            let page = body["data"]
                .as_array()
                .expect("a list page has a data array");
            assert!(
                page.len() <= page_size,
                "{list}: {} items on a page of {page_size}",
                page.len()
            );
            items.extend(page.iter().cloned());
            token = body["nextToken"]
                .as_str()
                .expect("paged lists carry nextToken")
                .to_owned();
            if token.is_empty() {
                return items;
            }
            assert!(
                seen.insert(token.clone()),
                "{list}: nextToken {token} repeats"
            );
        }
    }
}

/// Percent-encodes a query value (tokens contain `:`).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The envelope every answer has: `httpStatusCode` equal to the status and a 32-hex `traceId`;
/// errors also a string `code` and `message`.
fn assert_envelope(body: &Value, status: u16) {
    assert_eq!(body["httpStatusCode"], status, "{body}");
    let trace = body["traceId"].as_str().unwrap_or_default();
    assert!(
        trace.len() == 32 && trace.bytes().all(|b| b.is_ascii_hexdigit()),
        "{body}"
    );
    if status >= 400 {
        assert!(body["code"].is_string(), "{body}");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
        assert!(body.get("data").is_none(), "{body}");
    }
}

fn ids(items: &[Value], field: &str) -> Vec<String> {
    items
        .iter()
        .filter_map(|item| item[field].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn hosts_list_and_get_match_the_document() {
    let api = SiteManager::start().await;

    let hosts = api.all_pages("/v1", "hosts", 10).await;
    assert!(!hosts.is_empty(), "the fleet has hosts");
    let host_ids = ids(&hosts, "id");
    assert_eq!(host_ids.len(), hosts.len(), "every host has an id");

    for id in host_ids.iter().take(5) {
        let body = api
            .checked_get(&format!("/v1/hosts/{}", encode(id)), "/v1/hosts/{id}", 200)
            .await;
        assert_eq!(&body["data"]["id"], id);
        assert!(
            body.get("nextToken").is_none(),
            "only lists carry nextToken: {body}"
        );
    }
    let ea = api.all_pages("/ea", "hosts", 500).await;
    assert_eq!(ids(&ea, "id"), host_ids, "/ea lists the same hosts");
}

#[tokio::test]
async fn sites_and_devices_match_the_document() {
    let api = SiteManager::start().await;

    let sites = api.all_pages("/v1", "sites", 25).await;
    let groups = api.all_pages("/v1", "devices", 10).await;
    assert!(
        !sites.is_empty() && !groups.is_empty(),
        "the fleet has sites and devices"
    );
    assert_eq!(api.all_pages("/ea", "sites", 100).await.len(), sites.len());

    let host_id = groups[0]["hostId"]
        .as_str()
        .expect("a device group names its host");
    let path = format!(
        "/v1/devices?hostIds[]={}&time=2026-01-01T00:00:00Z",
        encode(host_id)
    );
    let body = api.checked_get(&path, "/v1/devices", 200).await;
    let groups = body["data"].as_array().expect("data");
    assert!(
        groups.iter().all(|g| g["hostId"] == host_id),
        "filtered to the host: {body}"
    );
}

#[tokio::test]
async fn isp_metrics_match_the_document() {
    let api = SiteManager::start().await;
    let now = chrono::Utc::now();
    let begin =
        (now - chrono::Duration::hours(3)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let end = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);

    let paths = [
        "/v1/isp-metrics/5m".to_owned(),
        "/v1/isp-metrics/5m?duration=24h".to_owned(),
        "/v1/isp-metrics/1h?duration=7d".to_owned(),
        format!(
            "/v1/isp-metrics/5m?beginTimestamp={}&endTimestamp={}",
            encode(&begin),
            encode(&end)
        ),
        format!("/ea/isp-metrics/1h?beginTimestamp={}", encode(&begin)),
    ];
    for path in &paths {
        let body = api.checked_get(path, "/v1/isp-metrics/{type}", 200).await;
        let series = body["data"].as_array().expect("a data array");
        assert!(!series.is_empty(), "{path}: one series per site");
    }
}

#[tokio::test]
async fn isp_metrics_queries_match_the_document() {
    let api = SiteManager::start().await;
    let sites = api.all_pages("/v1", "sites", 100).await;
    assert!(sites.len() >= 2, "the fleet has sites");
    let now = chrono::Utc::now();
    let site = |s: &Value| {
        json!({
            "hostId": s["hostId"], "siteId": s["siteId"],
            "beginTimestamp": (now - chrono::Duration::hours(2)).to_rfc3339(),
            "endTimestamp": now.to_rfc3339(),
        })
    };
    let query = "/v1/isp-metrics/5m/query";

    let (status, full) = api
        .post(
            query,
            &json!({ "sites": [site(&sites[0]), site(&sites[1])] }),
        )
        .await;
    assert_eq!(status, 200, "{full}");
    openapi::unifi().assert_response("POST", "/v1/isp-metrics/{type}/query", 200, &full);
    assert_eq!(
        full["data"]["metrics"].as_array().map(Vec::len),
        Some(2),
        "{full}"
    );

    let stranger = json!({ "hostId": "0000:1", "siteId": "000000000000000000000000" });
    let (status, partial) = api
        .post(query, &json!({ "sites": [site(&sites[0]), stranger] }))
        .await;
    assert_eq!(status, 200, "{partial}");
    openapi::unifi().assert_response("POST", "/v1/isp-metrics/{type}/query", 200, &partial);
    assert_eq!(partial["data"]["status"], "partialSuccess", "{partial}");

    let (status, none) = api.post(query, &json!({ "sites": [stranger] })).await;
    assert_eq!(status, 502, "{none}");
    openapi::unifi().assert_response("POST", "/v1/isp-metrics/{type}/query", 502, &none);
    assert_envelope(&none, 502);

    let (status, ea) = api
        .post(
            "/ea/isp-metrics/1h/query",
            &json!({ "sites": [site(&sites[0])] }),
        )
        .await;
    assert_eq!(status, 200, "{ea}");
    openapi::unifi().assert_response("POST", "/v1/isp-metrics/{type}/query", 200, &ea);
}

#[tokio::test]
async fn sd_wan_configurations_match_the_document() {
    let api = SiteManager::start().await;

    let list = api
        .checked_get("/v1/sd-wan-configs", "/v1/sd-wan-configs", 200)
        .await;
    let configs = list["data"].as_array().expect("data");
    assert!(
        !configs.is_empty(),
        "the fleet has SD-WAN configurations: {list}"
    );
    for config in configs {
        let id = config["id"].as_str().expect("a configuration id");
        api.checked_get(
            &format!("/v1/sd-wan-configs/{id}"),
            "/v1/sd-wan-configs/{id}",
            200,
        )
        .await;
        let status = "/v1/sd-wan-configs/{id}/status";
        api.checked_get(&format!("/v1/sd-wan-configs/{id}/status"), status, 200)
            .await;
        api.checked_get(&format!("/ea/sd-wan-configs/{id}/status"), status, 200)
            .await;
    }
}

#[tokio::test]
async fn error_answers_match_the_document() {
    let api = SiteManager::start().await;
    let unifi = openapi::unifi();

    // No key, and a key in the wrong scheme.
    let url = format!("{}/v1/hosts", api.running.urls().unifi);
    for request in [api.http.get(&url), api.http.get(&url).bearer_auth(&api.key)] {
        let (status, body) = api.send(request).await;
        assert_eq!(status, 401, "{body}");
        unifi.assert_response("GET", "/v1/hosts", 401, &body);
        assert_envelope(&body, 401);
        assert_eq!(body["code"], "unauthorized");
    }

    let missing_host = api
        .checked_get("/v1/hosts/F4E2C6C23F13:1", "/v1/hosts/{id}", 404)
        .await;
    assert_eq!(missing_host["code"], "NOT_FOUND", "{missing_host}");
    assert_eq!(missing_host["message"], "thing not found: F4E2C6C23F13:1");

    let missing_config = "/v1/sd-wan-configs/9304163b-680d-4de8-a7a0-7617e328911d";
    let body = api
        .checked_get(missing_config, "/v1/sd-wan-configs/{id}", 404)
        .await;
    assert_eq!(
        (&body["code"], &body["message"]),
        (&json!("not_found"), &json!("config not found"))
    );
    let status = format!("{missing_config}/status");
    api.checked_get(&status, "/v1/sd-wan-configs/{id}/status", 404)
        .await;

    let bad_time = api
        .checked_get("/v1/devices?time=2024-04-24", "/v1/devices", 400)
        .await;
    assert_eq!(bad_time["code"], "parameter_invalid");
    assert_eq!(bad_time["message"], "invalid time format: 2024-04-24");

    let path = "/v1/isp-metrics/5m?beginTimestamp=2024-06-30";
    let bad_begin = api.checked_get(path, "/v1/isp-metrics/{type}", 400).await;
    assert_eq!(
        bad_begin["message"],
        "invalid beginTimestamp format: 2024-06-30"
    );

    let (status, body) = api
        .post("/v1/isp-metrics/5m/query", &json!({ "sites": [{}] }))
        .await;
    assert_eq!(status, 400, "hostId and siteId are required: {body}");
    unifi.assert_response("POST", "/v1/isp-metrics/{type}/query", 400, &body);
    assert_envelope(&body, 400);
}

#[tokio::test]
async fn the_fleet_still_matches_after_two_simulated_days() {
    let api = SiteManager::start().await;
    let (status, ticked) =
        common::control_post(&api.running, "/tick", json!({ "duration": "2d" })).await;
    assert_eq!(status, 200, "{ticked}");

    assert!(!api.all_pages("/v1", "hosts", 100).await.is_empty());
    assert!(!api.all_pages("/v1", "sites", 100).await.is_empty());
    assert!(!api.all_pages("/v1", "devices", 100).await.is_empty());
    api.checked_get(
        "/v1/isp-metrics/1h?duration=7d",
        "/v1/isp-metrics/{type}",
        200,
    )
    .await;
    let list = api
        .checked_get("/v1/sd-wan-configs", "/v1/sd-wan-configs", 200)
        .await;
    for config in list["data"].as_array().expect("data") {
        let id = config["id"].as_str().expect("id");
        let template = "/v1/sd-wan-configs/{id}/status";
        api.checked_get(&format!("/v1/sd-wan-configs/{id}/status"), template, 200)
            .await;
    }
}
