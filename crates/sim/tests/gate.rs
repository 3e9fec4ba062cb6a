//! The shared gate (latency, injected faults, rate limits, counters) and the control API that
//! drives it, seen through real HTTP: each fault kind answers with the API's own error, faults
//! clear as their spec says, limits refuse with `Retry-After`, and `/_sim` reports and resets.

mod common;

use std::time::{Duration, Instant};

use http::Method;
use mock_apis::RunningSim;
use serde_json::{Value, json};

/// The three APIs behind the gate, each with a cheap read it answers 200 to.
const APIS: [(&str, &str); 3] = [
    ("notion", "/v1/users/me"),
    ("unifi", "/v1/hosts"),
    ("ninjaone", "/v2/organizations"),
];

/// What a client saw.
#[derive(Debug)]
struct Answer {
    status: u16,
    content_type: String,
    retry_after: Option<String>,
    text: String,
}

impl Answer {
    async fn of(request: reqwest::RequestBuilder) -> Self {
        let response = request.send().await.expect("the simulator answers");
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header("content-type").unwrap_or_default();
        let retry_after = header("retry-after");
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        Self {
            status,
            content_type,
            retry_after,
            text,
        }
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.text))
    }

    fn is_json_list(&self) -> bool {
        self.status == 200 && self.json().is_array()
    }

    fn is_html(&self) -> bool {
        self.content_type.starts_with("text/html") && self.text.trim_start().starts_with('<')
    }
}

/// A simulator with limits off and a client holding every API's credentials.
struct Gate {
    running: RunningSim,
    http: reqwest::Client,
    notion_token: String,
    unifi_key: String,
    ninjaone_token: String,
}

impl Gate {
    async fn start() -> Self {
        let running = common::start_sim().await;
        let credentials = running.sim.credentials().expect("credentials");
        let mut gate = Self {
            running,
            http: common::client(),
            notion_token: credentials.notion_token.clone(),
            unifi_key: credentials.unifi_api_key.clone(),
            ninjaone_token: String::new(),
        };
        gate.ninjaone_token = gate.ninjaone_token().await;
        gate
    }

    async fn ninjaone_token(&self) -> String {
        let credentials = self.running.sim.credentials().expect("credentials");
        let url = format!("{}/ws/oauth/token", self.running.urls().ninjaone);
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", credentials.ninjaone_client_id.as_str()),
            ("client_secret", credentials.ninjaone_client_secret.as_str()),
            ("scope", "monitoring"),
        ];
        let response = self
            .http
            .post(url)
            .form(&form)
            .send()
            .await
            .expect("token answer");
        assert_eq!(response.status(), 200, "the token endpoint issues a token");
        let body: Value = response.json().await.expect("token JSON");
        body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    fn base(&self, api: &str) -> String {
        let urls = self.running.urls();
        match api {
            "notion" => urls.notion,
            "unifi" => urls.unifi,
            "ninjaone" => urls.ninjaone,
            other => panic!("no API {other}"),
        }
    }

    /// A request of `method path` to `api` with its credentials.
    fn request(&self, api: &str, method: Method, path: &str) -> reqwest::RequestBuilder {
        let request = self
            .http
            .request(method, format!("{}{path}", self.base(api)));
        match api {
            "notion" => request
                .bearer_auth(&self.notion_token)
                .header("Notion-Version", "2026-03-11"),
            "unifi" => request.header("X-API-Key", &self.unifi_key),
            _ => request.bearer_auth(&self.ninjaone_token),
        }
    }

    /// Sends `method path` to `api` with its credentials.
    async fn call(&self, api: &str, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut request = self.request(api, method, path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        Answer::of(request).await
    }

    async fn get(&self, api: &str, path: &str) -> Answer {
        self.call(api, Method::GET, path, None).await
    }

    /// Calls the control API and returns the status and JSON.
    async fn control(&self, method: Method, route: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{route}", self.running.urls().control);
        let mut request = self.http.request(method, url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the control API answers");
        let status = response.status().as_u16();
        (status, response.json().await.expect("control JSON"))
    }

    /// Injects a fault and returns its rule.
    async fn fault(&self, spec: Value) -> Value {
        let (status, body) = self
            .control(Method::POST, "/faults", Some(spec.clone()))
            .await;
        assert_eq!(status, 200, "fault {spec} is accepted: {body}");
        body["fault"].clone()
    }

    async fn clear_faults(&self) {
        let (status, _) = self.control(Method::DELETE, "/faults", None).await;
        assert_eq!(status, 200);
    }

    async fn settings(&self, change: Value) {
        let (status, body) = self
            .control(Method::POST, "/settings", Some(change.clone()))
            .await;
        assert_eq!(status, 200, "settings {change} are accepted: {body}");
    }

    async fn stats(&self, api: &str) -> Value {
        let (status, body) = self.control(Method::GET, "/stats", None).await;
        assert_eq!(status, 200);
        body["apis"][api].clone()
    }

    /// Asserts that each API's probe answers 200 again.
    async fn assert_healthy(&self) {
        for (api, path) in APIS {
            let answer = self.get(api, path).await;
            assert_eq!(
                answer.status, 200,
                "{api} {path} after the fault: {}",
                answer.text
            );
        }
    }
}

/// Asserts the Notion error object: `object`, `status`, `code`, `message`, `request_id`.
fn assert_notion_error(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.text);
    let body = answer.json();
    assert_eq!(body["object"], "error", "{body}");
    assert_eq!(body["status"], status, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body["request_id"].is_string(), "{body}");
}

/// Asserts the Site Manager error body: `code`, `httpStatusCode`, `message`, `traceId`.
fn assert_unifi_error(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.text);
    let body = answer.json();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["httpStatusCode"], status, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    let trace = body["traceId"].as_str().unwrap_or_default();
    assert!(
        trace.len() == 32 && trace.bytes().all(|b| b.is_ascii_hexdigit()),
        "{body}"
    );
}

/// Asserts NinjaOne's application-layer error: `resultCode`, `errorMessage`, `incidentId`.
fn assert_ninjaone_app_error(answer: &Answer, status: u16) {
    assert_eq!(answer.status, status, "{}", answer.text);
    let body = answer.json();
    assert_eq!(body["resultCode"], "FAILURE", "{body}");
    assert!(body["errorMessage"].is_string(), "{body}");
    let incident = body["incidentId"].as_str().unwrap_or_default();
    assert!(incident.starts_with("WEB_MGMT_SERVICE-"), "{body}");
}

fn assert_html(answer: &Answer, status: u16) {
    assert_eq!(answer.status, status, "{}", answer.text);
    assert!(
        answer.is_html(),
        "an HTML page, got {} {}",
        answer.content_type,
        answer.text
    );
}

#[tokio::test]
async fn an_outage_answers_503_with_each_apis_own_body_until_cleared() {
    let gate = Gate::start().await;
    for (api, _) in APIS {
        gate.fault(json!({ "api": api, "kind": "outage" })).await;
    }

    assert_notion_error(
        &gate.get("notion", "/v1/users/me").await,
        503,
        "service_unavailable",
    );
    assert_unifi_error(
        &gate.get("unifi", "/v1/hosts").await,
        503,
        "service_unavailable",
    );
    // NinjaOne's edge answers an outage with an HTML page.
    assert_html(&gate.get("ninjaone", "/v2/organizations").await, 503);
    // Still down on the next call: an outage has no count.
    assert_eq!(gate.get("unifi", "/v1/sites").await.status, 503);

    gate.clear_faults().await;
    gate.assert_healthy().await;
}

#[tokio::test]
async fn status_bursts_answer_count_times_then_clear() {
    let gate = Gate::start().await;
    let notion_codes = [
        (502, "bad_gateway"),
        (504, "gateway_timeout"),
        (500, "internal_server_error"),
    ];
    let unifi_codes = [
        (502, "bad_gateway"),
        (504, "gateway_timeout"),
        (500, "server_error"),
    ];

    for ((status, notion_code), (_, unifi_code)) in notion_codes.into_iter().zip(unifi_codes) {
        for (api, path) in APIS {
            gate.fault(json!({ "api": api, "kind": "status", "status": status, "count": 2 }))
                .await;
            for _ in 0..2 {
                let answer = gate.get(api, path).await;
                match api {
                    "notion" => assert_notion_error(&answer, status, notion_code),
                    "unifi" => assert_unifi_error(&answer, status, unifi_code),
                    _ => assert_ninjaone_app_error(&answer, status),
                }
            }
            let after = gate.get(api, path).await;
            assert_eq!(
                after.status, 200,
                "{api} {status} burst of 2 is over: {}",
                after.text
            );
        }
    }
    let (_, faults) = gate.control(Method::GET, "/faults", None).await;
    assert_eq!(faults["faults"], json!([]), "spent bursts are gone");
}

#[tokio::test]
async fn a_unifi_500_carries_the_operations_own_message() {
    let gate = Gate::start().await;
    gate.fault(json!({ "api": "unifi", "kind": "status", "status": 500 }))
        .await;

    let hosts = gate.get("unifi", "/v1/hosts").await;
    let sites = gate.get("unifi", "/v1/sites").await;

    assert_unifi_error(&hosts, 500, "server_error");
    assert_eq!(hosts.json()["message"], "failed to list hosts");
    assert_eq!(sites.json()["message"], "failed to list sites");
}

#[tokio::test]
async fn an_html_502_is_a_page_not_json() {
    let gate = Gate::start().await;
    for (api, path) in APIS {
        gate.fault(
            json!({ "api": api, "kind": "status", "status": 502, "html": true, "count": 1 }),
        )
        .await;

        let answer = gate.get(api, path).await;

        assert_html(&answer, 502);
        assert!(serde_json::from_str::<Value>(&answer.text).is_err());
        assert_eq!(
            gate.get(api, path).await.status,
            200,
            "{api}: one page only"
        );
    }
}

#[tokio::test]
async fn a_429_storm_sends_retry_after_and_the_apis_rate_limit_body() {
    let gate = Gate::start().await;
    for (api, _) in APIS {
        gate.fault(json!({ "api": api, "kind": "rate_limit", "retry_after_secs": 7, "count": 3 }))
            .await;
    }

    for (api, path) in APIS {
        for _ in 0..3 {
            let answer = gate.get(api, path).await;
            assert_eq!(answer.status, 429, "{api}: {}", answer.text);
            assert_eq!(answer.retry_after.as_deref(), Some("7"), "{api}");
            let body = answer.json();
            match api {
                "notion" => assert_notion_error(&answer, 429, "rate_limited"),
                "unifi" => {
                    assert_unifi_error(&answer, 429, "rate_limit");
                    let message = body["message"].as_str().unwrap_or_default();
                    assert!(
                        message.starts_with("rate limit exceeded, retry after 7"),
                        "{body}"
                    );
                }
                _ => assert!(body["resultCode"].is_string(), "{body}"),
            }
        }
        assert_eq!(
            gate.get(api, path).await.status,
            200,
            "{api}: the storm is over"
        );
        assert_eq!(
            gate.stats(api).await["rate_limited"],
            3,
            "{api}: 429s are counted"
        );
    }
}

#[tokio::test]
async fn a_conflict_answers_409() {
    let gate = Gate::start().await;
    for (api, _) in APIS {
        gate.fault(json!({ "api": api, "kind": "conflict", "count": 1 }))
            .await;
    }

    assert_notion_error(
        &gate.get("notion", "/v1/users/me").await,
        409,
        "conflict_error",
    );
    assert_unifi_error(&gate.get("unifi", "/v1/hosts").await, 409, "conflict");
    assert_ninjaone_app_error(&gate.get("ninjaone", "/v2/organizations").await, 409);
    gate.assert_healthy().await;
}

#[tokio::test]
async fn a_revoked_credential_answers_401_everywhere() {
    let gate = Gate::start().await;
    for (api, _) in APIS {
        gate.fault(json!({ "api": api, "kind": "revoked" })).await;
    }

    assert_notion_error(
        &gate.get("notion", "/v1/users/me").await,
        401,
        "unauthorized",
    );
    assert_unifi_error(&gate.get("unifi", "/v1/hosts").await, 401, "unauthorized");
    let ninjaone = gate.get("ninjaone", "/v2/organizations").await;
    assert_eq!(ninjaone.status, 401, "{}", ninjaone.text);
    assert_eq!(ninjaone.json()["error"], "not_authenticated");

    // The token endpoint refuses the (revoked) client secret.
    let credentials = gate.running.sim.credentials().expect("credentials");
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", credentials.ninjaone_client_id.as_str()),
        ("client_secret", credentials.ninjaone_client_secret.as_str()),
    ];
    let url = format!("{}/ws/oauth/token", gate.base("ninjaone"));
    let refused = gate
        .http
        .post(url)
        .form(&form)
        .send()
        .await
        .expect("token answer");
    assert_eq!(refused.status(), 400);
    assert_eq!(
        refused.json::<Value>().await.expect("json")["error"],
        "invalid_client"
    );

    gate.clear_faults().await;
    gate.assert_healthy().await;
}

#[tokio::test]
async fn ninjaone_html_throttling_is_a_200_page() {
    let gate = Gate::start().await;
    gate.fault(json!({ "api": "ninjaone", "kind": "html_throttle", "count": 1 }))
        .await;

    let answer = gate.get("ninjaone", "/v2/organizations").await;

    assert_html(&answer, 200);
    assert!(
        answer.text.to_lowercase().contains("too many requests"),
        "{}",
        answer.text
    );
    assert!(
        gate.get("ninjaone", "/v2/organizations")
            .await
            .is_json_list()
    );
}

#[tokio::test]
async fn expired_ninjaone_tokens_are_refused_and_new_ones_work() {
    let mut gate = Gate::start().await;
    // Token times are in milliseconds: a token issued in the very millisecond of the drill
    // counts as issued after it.
    tokio::time::sleep(Duration::from_millis(5)).await;
    let rule = gate
        .fault(json!({ "api": "ninjaone", "kind": "expired_tokens" }))
        .await;
    assert_eq!(rule["kind"], "expired_tokens");

    let refused = gate.get("ninjaone", "/v2/organizations").await;
    assert_eq!(refused.status, 401, "{}", refused.text);
    assert_eq!(refused.json()["error"], "not_authenticated");

    // One-off: nothing stays in force, and a token issued afterwards works.
    let (_, faults) = gate.control(Method::GET, "/faults", None).await;
    assert_eq!(faults["faults"], json!([]));
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    gate.ninjaone_token = gate.ninjaone_token().await;
    assert!(
        gate.get("ninjaone", "/v2/organizations")
            .await
            .is_json_list()
    );
}

#[tokio::test]
async fn a_lost_response_is_a_504_after_the_request_ran() {
    let gate = Gate::start().await;
    gate.fault(json!({ "api": "unifi", "kind": "lost_response", "count": 1 }))
        .await;

    assert_unifi_error(
        &gate.get("unifi", "/v1/hosts").await,
        504,
        "gateway_timeout",
    );
    assert_eq!(gate.get("unifi", "/v1/hosts").await.status, 200);
    let endpoints = &gate.stats("unifi").await["endpoints"]["GET /v1/hosts"];
    assert_eq!(endpoints, &json!({ "200": 1, "504": 1 }));
}

/// The items of a list answer: UniFi's `data` or NinjaOne's bare array.
fn items(answer: &Answer) -> Vec<Value> {
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert!(
        answer.content_type.starts_with("application/json"),
        "{answer:?}"
    );
    let body = answer.json();
    let items = if body.is_array() {
        &body
    } else {
        &body["data"]
    };
    items
        .as_array()
        .unwrap_or_else(|| panic!("a list: {body}"))
        .clone()
}

#[tokio::test]
async fn an_empty_fault_answers_unifi_sites_with_no_items_then_clears() {
    let gate = Gate::start().await;
    let spec = json!({ "api": "unifi", "kind": "empty", "path": "/v1/sites", "count": 2 });
    gate.fault(spec).await;

    let emptied = gate.get("unifi", "/v1/sites").await;
    let hosts = gate.get("unifi", "/v1/hosts").await;
    let emptied_again = gate.get("unifi", "/v1/sites").await;
    let restored = gate.get("unifi", "/v1/sites").await;

    let body = emptied.json();
    assert_eq!(body["data"], json!([]), "{body}");
    assert_eq!(body["httpStatusCode"], 200, "{body}");
    assert!(body["traceId"].is_string(), "{body}");
    assert!(body.get("nextToken").is_none(), "no nextToken: {body}");
    assert!(!items(&hosts).is_empty(), "another path is not emptied");
    assert!(
        items(&emptied_again).is_empty(),
        "count 2: the second list too"
    );
    assert_eq!(items(&restored).len(), 98, "every site again");
    assert_eq!(restored.json()["nextToken"], "");
    let (_, faults) = gate.control(Method::GET, "/faults", None).await;
    assert_eq!(faults["faults"], json!([]), "the spent fault is gone");
}

#[tokio::test]
async fn an_empty_fault_empties_ninjaone_lists_but_not_single_objects() {
    let gate = Gate::start().await;
    let devices = items(&gate.get("ninjaone", "/v2/devices-detailed").await);
    assert!(!items(&gate.get("ninjaone", "/v2/alerts").await).is_empty());
    let device_id = &devices[0]["id"];
    gate.fault(json!({ "api": "ninjaone", "kind": "empty", "count": 3 }))
        .await;

    // The token endpoint and one device answer as usual, and count for nothing.
    gate.ninjaone_token().await;
    let device = gate
        .get("ninjaone", &format!("/v2/device/{device_id}"))
        .await;
    let emptied_devices = gate.get("ninjaone", "/v2/devices-detailed").await;
    let emptied_alerts = gate.get("ninjaone", "/v2/alerts").await;
    let emptied_log = gate.get("ninjaone", "/v2/activities").await;
    let restored = gate.get("ninjaone", "/v2/devices-detailed").await;

    assert_eq!(device.status, 200, "{}", device.text);
    assert_eq!(&device.json()["id"], device_id);
    assert_eq!(emptied_devices.json(), json!([]));
    assert_eq!(emptied_alerts.json(), json!([]));
    let log = emptied_log.json();
    assert_eq!(log["activities"], json!([]), "{log}");
    assert!(log["lastActivityId"].is_i64(), "the usual shape: {log}");
    assert_eq!(items(&restored).len(), devices.len(), "the fault is spent");
}

#[tokio::test]
async fn after_lets_requests_through_before_the_fault_starts() {
    let gate = Gate::start().await;
    for (api, _) in APIS {
        gate.fault(json!({ "api": api, "kind": "outage", "after": 2, "count": 1 }))
            .await;
    }

    for (api, path) in APIS {
        let statuses = [
            gate.get(api, path).await.status,
            gate.get(api, path).await.status,
            gate.get(api, path).await.status,
            gate.get(api, path).await.status,
        ];
        assert_eq!(statuses, [200, 200, 503, 200], "{api}");
    }
}

#[tokio::test]
async fn a_duration_window_ends_by_itself() {
    let gate = Gate::start().await;
    let started = Instant::now();
    gate.fault(json!({ "api": "unifi", "kind": "outage", "duration_secs": 2 }))
        .await;

    assert_eq!(gate.get("unifi", "/v1/hosts").await.status, 503);
    assert_eq!(gate.get("unifi", "/v1/hosts").await.status, 503);
    let window = Duration::from_millis(2_100);
    tokio::time::sleep(window.saturating_sub(started.elapsed())).await;

    assert_eq!(gate.get("unifi", "/v1/hosts").await.status, 200);
    let (_, faults) = gate.control(Method::GET, "/faults", None).await;
    assert_eq!(
        faults["faults"],
        json!([]),
        "an ended window is no longer listed"
    );
}

#[tokio::test]
async fn path_and_method_filters_narrow_a_fault() {
    let gate = Gate::start().await;
    gate.fault(json!({ "api": "unifi", "kind": "outage", "path": "/v1/sites" }))
        .await;
    gate.fault(json!({ "api": "unifi", "kind": "conflict", "method": "post", "path": "/v1/isp" }))
        .await;

    assert_eq!(gate.get("unifi", "/v1/sites").await.status, 503);
    assert_eq!(
        gate.get("unifi", "/v1/hosts").await.status,
        200,
        "another path"
    );
    assert_eq!(
        gate.get("unifi", "/ea/sites").await.status,
        200,
        "another prefix"
    );
    assert_eq!(
        gate.get("notion", "/v1/users/me").await.status,
        200,
        "another API"
    );

    let query = json!({ "sites": [] });
    let post = gate
        .call(
            "unifi",
            Method::POST,
            "/v1/isp-metrics/5m/query",
            Some(query),
        )
        .await;
    assert_unifi_error(&post, 409, "conflict");
    assert_ne!(
        gate.get("unifi", "/v1/isp-metrics/5m").await.status,
        409,
        "GET is not faulted"
    );
}

#[tokio::test]
async fn one_fault_is_cleared_by_its_id() {
    let gate = Gate::start().await;
    let outage = gate
        .fault(json!({ "api": "unifi", "kind": "outage", "path": "/v1/hosts" }))
        .await;
    gate.fault(json!({ "api": "unifi", "kind": "conflict", "path": "/v1/sites" }))
        .await;
    let id = outage["id"].as_u64().expect("the rule has an id");

    let (status, body) = gate
        .control(Method::DELETE, &format!("/faults/{id}"), None)
        .await;
    assert_eq!((status, &body), (200, &json!({ "cleared": 1 })));

    assert_eq!(gate.get("unifi", "/v1/hosts").await.status, 200);
    assert_eq!(
        gate.get("unifi", "/v1/sites").await.status,
        409,
        "the other fault stays"
    );
    let (_, faults) = gate.control(Method::GET, "/faults", None).await;
    assert_eq!(
        faults["faults"].as_array().map(Vec::len),
        Some(1),
        "{faults}"
    );

    let (status, body) = gate
        .control(Method::DELETE, &format!("/faults/{id}"), None)
        .await;
    assert_eq!(status, 404);
    assert!(
        body["error"]
            .as_str()
            .unwrap_or_default()
            .contains(&id.to_string()),
        "{body}"
    );
}

#[tokio::test]
async fn notion_at_3_per_second_refuses_a_burst_of_30_with_retry_after() {
    let gate = Gate::start().await;
    gate.settings(json!({ "api": "notion", "rate_per_sec": 3, "burst": 10 }))
        .await;

    let started = Instant::now();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..30 {
        calls.spawn(Answer::of(gate.request(
            "notion",
            Method::GET,
            "/v1/users/me",
        )));
    }
    let answers: Vec<Answer> = calls.join_all().await;
    let refilled = (started.elapsed().as_secs_f64() * 3.0).ceil() as usize;

    let refused: Vec<&Answer> = answers.iter().filter(|a| a.status == 429).collect();
    let served = answers.iter().filter(|a| a.status == 200).count();
    assert_eq!(
        served + refused.len(),
        30,
        "only 200s and 429s: {answers:?}"
    );
    // The burst of 10, plus what 3/s refilled while the 30 requests were answered.
    assert!(
        (10..=10 + refilled).contains(&served),
        "{served} served, {refilled} refilled"
    );
    assert!(!refused.is_empty());
    for answer in &refused {
        let retry_after: u64 = answer
            .retry_after
            .as_deref()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("integer Retry-After: {answer:?}"));
        assert!(retry_after >= 1);
        assert_notion_error(answer, 429, "rate_limited");
    }

    let stats = gate.stats("notion").await;
    assert_eq!(stats["rate_limited"], refused.len());
    assert_eq!(stats["requests"], 30);
    let me = &stats["endpoints"]["GET /v1/users/me"];
    assert_eq!(me["429"], refused.len(), "{stats}");
    assert_eq!(me["200"], served, "{stats}");
}

#[tokio::test]
async fn unifi_early_access_is_limited_to_100_a_minute_but_v1_is_not() {
    let gate = Gate::start().await;
    gate.settings(json!({ "api": "unifi", "rate_per_sec": 10000.0 / 60.0, "burst": 200 }))
        .await;

    // A cheap operation, so that little refills while the burst is sent.
    let started = Instant::now();
    let mut early_access = Vec::new();
    for _ in 0..110 {
        early_access.push(gate.get("unifi", "/ea/sd-wan-configs").await.status);
    }
    let refilled = (started.elapsed().as_secs_f64() * 100.0 / 60.0).ceil() as usize;
    let refused = gate.get("unifi", "/ea/hosts").await;
    let mut v1 = Vec::new();
    for _ in 0..150 {
        v1.push(gate.get("unifi", "/v1/sd-wan-configs").await.status);
    }

    let served = early_access.iter().filter(|s| **s == 200).count();
    assert!(
        (100..=100 + refilled).contains(&served),
        "/ea served {served} of 110, {refilled} refilled"
    );
    assert!(
        early_access[..100].iter().all(|s| *s == 200),
        "the first 100 pass"
    );
    assert_unifi_error(&refused, 429, "rate_limit");
    assert!(refused.retry_after.is_some(), "{refused:?}");
    assert!(
        v1.iter().all(|s| *s == 200),
        "/v1 has its own, larger bucket: {v1:?}"
    );
}

#[tokio::test]
async fn latency_slows_one_api_only() {
    let gate = Gate::start().await;
    gate.settings(json!({ "api": "unifi", "latency_ms": 1000 }))
        .await;

    let started = Instant::now();
    assert_eq!(gate.get("unifi", "/v1/sites").await.status, 200);
    let slowed = started.elapsed();
    let started = Instant::now();
    assert_eq!(gate.get("ninjaone", "/v2/organizations").await.status, 200);
    let other = started.elapsed();

    assert!(slowed >= Duration::from_millis(1000), "{slowed:?}");
    assert!(other < Duration::from_millis(1000), "{other:?}");
}

#[tokio::test]
async fn stats_count_requests_per_endpoint_and_status() {
    let gate = Gate::start().await;
    for _ in 0..3 {
        gate.get("unifi", "/v1/hosts").await;
    }
    gate.get("unifi", "/v1/hosts/not-a-host").await;
    gate.get("unifi", "/v1/hosts/another").await;
    let url = format!("{}/v1/hosts", gate.base("unifi"));
    let unauthenticated = gate.http.get(url).send().await.expect("answer");
    assert_eq!(unauthenticated.status(), 401);

    let stats = gate.stats("unifi").await;

    assert_eq!(stats["requests"], 6, "{stats}");
    assert_eq!(
        stats["endpoints"]["GET /v1/hosts"],
        json!({ "200": 3, "401": 1 })
    );
    assert_eq!(
        stats["endpoints"]["GET /v1/hosts/{id}"],
        json!({ "404": 2 })
    );
    let ninjaone = gate.stats("ninjaone").await;
    assert_eq!(ninjaone["requests"], 1, "counters are per API: {ninjaone}");
    assert_eq!(
        ninjaone["endpoints"],
        json!({ "POST /ws/oauth/token": { "200": 1 } })
    );
}

#[tokio::test]
async fn reset_clears_faults_and_counters() {
    let gate = Gate::start().await;
    gate.fault(json!({ "api": "unifi", "kind": "outage" }))
        .await;
    assert_eq!(gate.get("unifi", "/v1/hosts").await.status, 503);

    let (status, body) = gate.control(Method::POST, "/reset", None).await;
    assert_eq!((status, body), (200, json!({ "reset": true })));

    let (_, faults) = gate.control(Method::GET, "/faults", None).await;
    assert_eq!(faults["faults"], json!([]));
    assert_eq!(gate.stats("unifi").await["requests"], 0);
    assert_eq!(gate.get("unifi", "/v1/hosts").await.status, 200);
}

fn clock_time(body: &Value) -> chrono::DateTime<chrono::Utc> {
    body["now"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("{body}"))
}

#[tokio::test]
async fn tick_moves_the_simulated_clock() {
    let gate = Gate::start().await;
    let (_, before) = gate.control(Method::GET, "/clock", None).await;

    let (status, ticked) = gate
        .control(Method::POST, "/tick", Some(json!({ "duration": "3h" })))
        .await;
    assert_eq!(status, 200, "{ticked}");
    assert_eq!(ticked["advanced_secs"], 10_800);
    let (status, _) = gate
        .control(Method::POST, "/tick", Some(json!({ "seconds": 60 })))
        .await;
    assert_eq!(status, 200);

    let (_, after) = gate.control(Method::GET, "/clock", None).await;
    let moved = clock_time(&after) - clock_time(&before);
    assert!(
        (10_860..10_870).contains(&moved.num_seconds()),
        "moved {moved}"
    );
    assert_eq!(after["offset_ms"], 10_860_000);
}

#[tokio::test]
async fn bad_control_input_is_refused_with_a_message() {
    let gate = Gate::start().await;
    let cases = [
        (
            "/faults",
            json!({ "api": "notion", "kind": "meteor" }),
            "meteor",
        ),
        (
            "/faults",
            json!({ "api": "jira", "kind": "outage" }),
            "jira",
        ),
        (
            "/faults",
            json!({ "api": "notion", "kind": "unreachable" }),
            "does not apply to notion",
        ),
        (
            "/faults",
            json!({ "api": "unifi", "kind": "html_throttle" }),
            "does not apply to unifi",
        ),
        (
            "/faults",
            json!({ "api": "notion", "kind": "empty" }),
            "does not apply to notion",
        ),
        (
            "/faults",
            json!({ "api": "vault", "kind": "empty" }),
            "does not apply to vault",
        ),
        (
            "/faults",
            json!({ "api": "unifi", "kind": "status", "status": 700 }),
            "unifi",
        ),
        (
            "/settings",
            json!({ "api": "jira", "latency_ms": 5 }),
            "jira",
        ),
        ("/settings", json!({ "rate_per_sec": 3 }), "api"),
        ("/settings", json!({ "api": "notion", "speed": 3 }), "speed"),
        ("/tick", json!({ "duration": "3y" }), "3y"),
        ("/tick", json!({}), "duration"),
    ];

    for (route, body, mentions) in cases {
        let (status, answer) = gate.control(Method::POST, route, Some(body.clone())).await;
        assert_eq!(status, 400, "{route} {body}: {answer}");
        let message = answer["error"].as_str().unwrap_or_default();
        assert!(
            message.contains(mentions),
            "{route} {body}: `{message}` names `{mentions}`"
        );
    }
    let (_, faults) = gate.control(Method::GET, "/faults", None).await;
    assert_eq!(faults["faults"], json!([]), "nothing was put in force");
}

#[tokio::test]
async fn unknown_paths_pass_the_gate_too() {
    let gate = Gate::start().await;
    gate.fault(json!({ "api": "unifi", "kind": "outage", "count": 1 }))
        .await;

    assert_unifi_error(
        &gate.get("unifi", "/v1/nowhere").await,
        503,
        "service_unavailable",
    );
    let missing = gate.get("unifi", "/v1/nowhere").await;

    assert_eq!(missing.status, 404, "{}", missing.text);
    assert_eq!(missing.json()["httpStatusCode"], 404);
    let stats = gate.stats("unifi").await;
    assert_eq!(
        stats["endpoints"]["GET /v1/nowhere"],
        json!({ "404": 1, "503": 1 }),
        "{stats}"
    );
}

/// A row of the seeded customer database with only its title.
fn customer_row(name: &str) -> Value {
    let customers = mock_apis::notion::DATABASES[0];
    json!({
        "parent": { "type": "data_source_id", "data_source_id": customers.data_source_id },
        "properties": {
            "Site Name": { "title": [{ "type": "text", "text": { "content": name } }] },
        },
    })
}

fn customer_query() -> String {
    let customers = mock_apis::notion::DATABASES[0];
    format!("/v1/data_sources/{}/query", customers.data_source_id)
}

#[tokio::test]
async fn a_notion_lost_response_still_creates_the_page() {
    let gate = Gate::start().await;
    let spec = json!({ "api": "notion", "kind": "lost_response", "method": "POST",
                       "path": "/v1/pages", "count": 1 });
    gate.fault(spec).await;

    let lost = gate
        .call(
            "notion",
            Method::POST,
            "/v1/pages",
            Some(customer_row("Acme")),
        )
        .await;
    assert_notion_error(&lost, 504, "gateway_timeout");

    let query = gate
        .call("notion", Method::POST, &customer_query(), Some(json!({})))
        .await;
    assert_eq!(query.status, 200, "{}", query.text);
    let rows = query.json()["results"].as_array().map(Vec::len);
    assert_eq!(
        rows,
        Some(1),
        "the page exists although its answer was lost"
    );
    let retried = gate
        .call(
            "notion",
            Method::POST,
            "/v1/pages",
            Some(customer_row("Acme")),
        )
        .await;
    assert_eq!(retried.status, 200, "one answer only is lost");
}

#[tokio::test]
async fn a_notion_invalid_cursor_refuses_the_next_page_only() {
    let gate = Gate::start().await;
    for name in ["A", "B", "C"] {
        let created = gate
            .call(
                "notion",
                Method::POST,
                "/v1/pages",
                Some(customer_row(name)),
            )
            .await;
        assert_eq!(created.status, 200, "{}", created.text);
    }
    gate.fault(json!({ "api": "notion", "kind": "invalid_cursor", "count": 1 }))
        .await;

    let first = gate
        .call(
            "notion",
            Method::POST,
            &customer_query(),
            Some(json!({ "page_size": 1 })),
        )
        .await;
    assert_eq!(
        first.status, 200,
        "a first page has no cursor to refuse: {}",
        first.text
    );
    let cursor = first.json()["next_cursor"].clone();
    assert!(cursor.is_string(), "{}", first.text);
    let next = json!({ "page_size": 1, "start_cursor": cursor });

    let refused = gate
        .call(
            "notion",
            Method::POST,
            &customer_query(),
            Some(next.clone()),
        )
        .await;
    assert_notion_error(&refused, 400, "validation_error");
    assert!(
        refused.json()["message"]
            .as_str()
            .unwrap_or_default()
            .contains("start_cursor")
    );
    let retried = gate
        .call("notion", Method::POST, &customer_query(), Some(next))
        .await;
    assert_eq!(retried.status, 200, "{}", retried.text);
}
