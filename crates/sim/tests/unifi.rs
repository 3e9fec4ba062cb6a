//! The UniFi Site Manager API of the simulator, over real HTTP, against the generated fleet:
//! both prefixes, the key check, the envelope, pagination, every documented bad input with
//! its real status and body, ISP-metric windows, SD-WAN configurations and the rendering
//! quirks of the model.

mod common;

use std::collections::HashSet;

use chrono::{DateTime, Duration, Timelike, Utc};
use mock_apis::config::Settings;
use mock_apis::fleet::Fleet;
use mock_apis::{FleetConfig, RunningSim, SimConfig};
use serde_json::{Value, json};

use common::{client, control_post, start_sim, start_sim_with};

const PREFIXES: [&str; 2] = ["/v1", "/ea"];

/// A client of the simulated Site Manager holding the current key.
struct Unifi {
    base: String,
    key: String,
    http: reqwest::Client,
}

impl Unifi {
    fn new(running: &RunningSim) -> Self {
        let key = running
            .sim
            .credentials()
            .expect("credentials")
            .unifi_api_key;
        Self {
            base: running.urls().unifi,
            key,
            http: client(),
        }
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.get_query(path, &[]).await
    }

    async fn get_query(&self, path: &str, query: &[(&str, &str)]) -> (u16, Value) {
        let request = self.http.get(format!("{}{path}", self.base)).query(query);
        send(request.header("X-API-Key", &self.key)).await
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let request = self.http.post(format!("{}{path}", self.base)).json(&body);
        send(request.header("X-API-Key", &self.key)).await
    }
}

async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.expect("simulator answers");
    let status = response.status().as_u16();
    let body = response.json().await.expect("a JSON body");
    (status, body)
}

/// A simulator with a small generated fleet, for tests whose answers grow with every site
/// (a month of hourly ISP metrics for 98 sites is 70,000 periods).
async fn start_small_sim() -> RunningSim {
    start_sim_with(SimConfig {
        fleet: FleetConfig::scaled(7, 6),
        settings: Settings::unlimited(),
        ..SimConfig::ephemeral()
    })
    .await
}

fn fleet(running: &RunningSim) -> Fleet {
    running.sim.fleet.read(Fleet::clone).expect("fleet")
}

fn assert_trace_id(body: &Value) {
    let trace = body["traceId"].as_str().expect("traceId");
    assert_eq!(trace.len(), 32, "{body}");
    assert!(trace.chars().all(|c| c.is_ascii_hexdigit()), "{body}");
}

/// A success envelope: `data`, `httpStatusCode: 200` and a trace id.
fn assert_ok(status: u16, body: &Value) {
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["httpStatusCode"], 200, "{body}");
    assert_trace_id(body);
    assert!(body.get("data").is_some(), "{body}");
}

/// An error body `{code, httpStatusCode, message, traceId}`.
fn assert_error(status: u16, body: &Value, expected: u16, code: &str, message: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["httpStatusCode"], expected, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["message"], message, "{body}");
    assert_trace_id(body);
}

/// Follows `nextToken` from the first page to the last; returns every item.
async fn walk(unifi: &Unifi, path: &str, page_size: usize) -> (Vec<Value>, usize) {
    let size = page_size.to_string();
    let mut items = Vec::new();
    let mut token = String::new();
    let mut pages = 0;
    loop {
        let mut query = vec![("pageSize", size.as_str())];
        if !token.is_empty() {
            query.push(("nextToken", token.as_str()));
        }
        let (status, body) = unifi.get_query(path, &query).await;
        assert_ok(status, &body);
        let page = body["data"].as_array().expect("a list").clone();
        assert!(page.len() <= page_size, "{path}: page larger than pageSize");
        pages += 1;
        assert!(pages < 1000, "{path}: the token never ran out");
        items.extend(page);
        token = body["nextToken"]
            .as_str()
            .expect("nextToken on every page")
            .to_owned();
        if token.is_empty() {
            return (items, pages);
        }
    }
}

fn ids(items: &[Value], field: &str) -> Vec<String> {
    items
        .iter()
        .map(|i| i[field].as_str().expect(field).to_owned())
        .collect()
}

fn assert_unique_and_equal(mut got: Vec<String>, mut want: Vec<String>, what: &str) {
    let distinct: HashSet<&String> = got.iter().collect();
    assert_eq!(distinct.len(), got.len(), "{what}: duplicates across pages");
    got.sort();
    want.sort();
    assert_eq!(got, want, "{what}: pages do not add up to the whole set");
}

#[tokio::test]
async fn every_operation_answers_on_both_prefixes() {
    let running = start_sim().await;
    let unifi = Unifi::new(&running);
    let fleet = fleet(&running);
    assert!(
        !fleet.hosts.is_empty() && !fleet.sites.is_empty(),
        "the fleet is generated"
    );
    let host = &fleet.hosts[0];
    let site = &fleet.sites[0];

    for prefix in PREFIXES {
        let (status, body) = unifi.get(&format!("{prefix}/hosts")).await;
        assert_ok(status, &body);
        assert!(body["nextToken"].is_string(), "{body}");

        let (status, body) = unifi.get(&format!("{prefix}/hosts/{}", host.id)).await;
        assert_ok(status, &body);
        assert_eq!(body["data"]["id"], host.id.as_str());
        assert!(
            body.get("nextToken").is_none(),
            "only lists carry nextToken"
        );

        let (status, body) = unifi.get(&format!("{prefix}/sites")).await;
        assert_ok(status, &body);
        assert_eq!(body["data"][0]["siteId"], fleet.sites[0].site_id.as_str());

        let (status, body) = unifi.get(&format!("{prefix}/devices")).await;
        assert_ok(status, &body);
        assert!(body["data"].is_array());

        let recent = (running.sim.now().expect("clock") - Duration::minutes(30)).to_rfc3339();
        let (status, body) = unifi
            .get_query(
                &format!("{prefix}/isp-metrics/5m"),
                &[("beginTimestamp", &recent)],
            )
            .await;
        assert_ok(status, &body);
        assert_eq!(
            body["data"].as_array().map(Vec::len),
            Some(fleet.sites.len())
        );

        let query = json!({ "sites": [{ "hostId": site.host_id, "siteId": site.site_id }] });
        let (status, body) = unifi
            .post(&format!("{prefix}/isp-metrics/1h/query"), query)
            .await;
        assert_ok(status, &body);
        assert_eq!(body["data"]["metrics"][0]["siteId"], site.site_id.as_str());
        assert!(body["data"].get("status").is_none(), "{body}");

        let (status, body) = unifi.get(&format!("{prefix}/sd-wan-configs")).await;
        assert_ok(status, &body);
        let config = body["data"][0]["id"]
            .as_str()
            .expect("a configuration")
            .to_owned();
        let (status, body) = unifi
            .get(&format!("{prefix}/sd-wan-configs/{config}"))
            .await;
        assert_ok(status, &body);
        assert_eq!(body["data"]["type"], "sdwan-hbsp");
        let (status, body) = unifi
            .get(&format!("{prefix}/sd-wan-configs/{config}/status"))
            .await;
        assert_ok(status, &body);
        assert!(body["data"]["fingerprint"].is_string());
    }

    let (status, body) = unifi.get("/v2/hosts").await;
    assert_error(status, &body, 404, "NOT_FOUND", "route not found");
    running.shutdown().await;
}

#[tokio::test]
async fn only_the_api_key_header_authenticates() {
    let running = start_sim().await;
    let unifi = Unifi::new(&running);
    let url = format!("{}/v1/hosts", unifi.base);

    let refused = [
        unifi.http.get(&url),
        unifi.http.get(&url).header("X-API-Key", "sim-not-the-key"),
        unifi.http.get(&url).bearer_auth(&unifi.key),
    ];
    for request in refused {
        let (status, body) = send(request).await;
        assert_error(status, &body, 401, "unauthorized", "unauthorized");
    }
    for name in ["x-api-key", "X-API-KEY"] {
        let (status, body) = send(unifi.http.get(&url).header(name, &unifi.key)).await;
        assert_ok(status, &body);
    }

    let (status, _) = control_post(&running, "/credentials/rotate", json!({"api": "unifi"})).await;
    assert_eq!(status, 200);
    let (status, body) = unifi.get("/ea/sites").await;
    assert_error(status, &body, 401, "unauthorized", "unauthorized");
    running.shutdown().await;
}

#[tokio::test]
async fn lists_page_to_the_end_without_duplicates() {
    let running = start_sim().await;
    let unifi = Unifi::new(&running);
    let fleet = fleet(&running);

    let (hosts, pages) = walk(&unifi, "/v1/hosts", 3).await;
    assert_eq!(pages, fleet.hosts.len().div_ceil(3).max(1));
    let want = fleet.hosts.iter().map(|h| h.id.clone()).collect();
    assert_unique_and_equal(ids(&hosts, "id"), want, "hosts");

    let (sites, _) = walk(&unifi, "/ea/sites", 7).await;
    let want = fleet.sites.iter().map(|s| s.site_id.clone()).collect();
    assert_unique_and_equal(ids(&sites, "siteId"), want, "sites");

    let (groups, _) = walk(&unifi, "/v1/devices", 2).await;
    let owned: Vec<String> = fleet
        .hosts
        .iter()
        .filter(|h| h.owner)
        .map(|h| h.id.clone())
        .collect();
    assert_unique_and_equal(ids(&groups, "hostId"), owned, "device groups");
    let listed: Vec<String> = groups
        .iter()
        .flat_map(|g| ids(g["devices"].as_array().expect("devices"), "id"))
        .collect();
    let owned_devices = fleet
        .unifi_devices
        .iter()
        .filter(|d| fleet.host(&d.host_id).is_some_and(|h| h.owner))
        .map(|d| d.id.clone())
        .collect();
    assert_unique_and_equal(listed, owned_devices, "devices of owned hosts");

    // One page when it fits: the token is "" at once.
    let all = fleet.sites.len().to_string();
    let (status, body) = unifi.get_query("/v1/sites", &[("pageSize", &all)]).await;
    assert_ok(status, &body);
    assert_eq!(body["nextToken"], "");
    running.shutdown().await;
}

#[tokio::test]
async fn bad_inputs_get_the_real_statuses_and_bodies() {
    let running = start_sim().await;
    let unifi = Unifi::new(&running);
    let fleet = fleet(&running);

    for size in ["abc", "0", "-3", "2.5"] {
        let (status, body) = unifi.get_query("/v1/hosts", &[("pageSize", size)]).await;
        let message = format!("invalid pageSize: {size}");
        assert_error(status, &body, 400, "parameter_invalid", &message);
    }
    let (status, body) = unifi
        .get_query("/v1/sites", &[("nextToken", "no-such-token")])
        .await;
    assert_error(
        status,
        &body,
        400,
        "parameter_invalid",
        "invalid nextToken: no-such-token",
    );

    let missing = "942A6F00301100000000074A6BA90000000007A3387E0000000063EC9853:714694";
    let (status, body) = unifi.get(&format!("/v1/hosts/{missing}")).await;
    assert_error(
        status,
        &body,
        404,
        "NOT_FOUND",
        &format!("thing not found: {missing}"),
    );

    let (status, body) = unifi
        .get_query("/v1/devices", &[("time", "2024-04-24")])
        .await;
    assert_error(
        status,
        &body,
        400,
        "parameter_invalid",
        "invalid time format: 2024-04-24",
    );
    let (status, body) = unifi
        .get_query("/v1/devices", &[("time", "2024-04-24T10:00:00Z")])
        .await;
    assert_ok(status, &body);

    let metric_errors = [
        (
            "/v1/isp-metrics/5m",
            vec![("beginTimestamp", "2024-06-30")],
            "invalid beginTimestamp format: 2024-06-30",
        ),
        (
            "/v1/isp-metrics/5m",
            vec![("endTimestamp", "yesterday")],
            "invalid endTimestamp format: yesterday",
        ),
        (
            "/v1/isp-metrics/5m",
            vec![("duration", "7d")],
            "invalid duration: 7d",
        ),
        (
            "/v1/isp-metrics/1h",
            vec![("duration", "24h")],
            "invalid duration: 24h",
        ),
        (
            "/v1/isp-metrics/1h",
            vec![
                ("duration", "7d"),
                ("beginTimestamp", "2026-01-01T00:00:00Z"),
            ],
            "duration cannot be combined with beginTimestamp or endTimestamp",
        ),
        ("/v1/isp-metrics/15m", vec![], "invalid metric type: 15m"),
    ];
    for (path, query, message) in metric_errors {
        let (status, body) = unifi.get_query(path, &query).await;
        assert_error(status, &body, 400, "parameter_invalid", message);
    }

    let site = &fleet.sites[0];
    let bad_queries = [
        (json!({}), "sites is required"),
        (json!({ "sites": [] }), "sites is required"),
        (
            json!({ "sites": [{ "siteId": site.site_id }] }),
            "hostId and siteId are required",
        ),
        (
            json!({ "sites": [{ "hostId": site.host_id, "siteId": site.site_id,
                                "beginTimestamp": "2024-06-30" }] }),
            "invalid beginTimestamp format: 2024-06-30",
        ),
    ];
    for (query, message) in bad_queries {
        let (status, body) = unifi.post("/ea/isp-metrics/5m/query", query).await;
        assert_error(status, &body, 400, "parameter_invalid", message);
    }
    let response = unifi
        .http
        .post(format!("{}/v1/isp-metrics/5m/query", unifi.base))
        .header("X-API-Key", &unifi.key)
        .body("{not json")
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 400);

    for path in ["/v1/sd-wan-configs/nope", "/ea/sd-wan-configs/nope/status"] {
        let (status, body) = unifi.get(path).await;
        assert_error(status, &body, 404, "not_found", "config not found");
    }
    running.shutdown().await;
}

#[tokio::test]
async fn devices_list_owned_hosts_only_and_filter_by_host() {
    let running = start_sim().await;
    let unifi = Unifi::new(&running);
    let fleet = fleet(&running);
    let owned: Vec<&str> = fleet
        .hosts
        .iter()
        .filter(|h| h.owner)
        .map(|h| h.id.as_str())
        .collect();
    assert!(owned.len() >= 2, "the fleet has owned hosts");
    assert!(
        fleet.hosts.iter().any(|h| !h.owner),
        "and hosts it does not own"
    );

    let pairs = [("hostIds[]", owned[0]), ("hostIds[]", owned[1])];
    let (status, body) = unifi.get_query("/v1/devices", &pairs).await;
    assert_ok(status, &body);
    let listed = ids(body["data"].as_array().expect("groups"), "hostId");
    assert_eq!(listed, vec![owned[0].to_owned(), owned[1].to_owned()]);

    let (status, body) = unifi
        .get_query("/ea/devices", &[("hostIds", owned[1])])
        .await;
    assert_ok(status, &body);
    let group = &body["data"][0];
    assert_eq!(group["hostId"], owned[1]);
    let host = fleet.host(owned[1]).expect("host");
    assert_eq!(group["hostName"], host.hostname.as_str());
    let want: Vec<&str> = fleet
        .unifi_devices
        .iter()
        .filter(|d| d.host_id == owned[1])
        .map(|d| d.id.as_str())
        .collect();
    let got: Vec<&str> = group["devices"]
        .as_array()
        .expect("devices")
        .iter()
        .map(|d| d["id"].as_str().expect("id"))
        .collect();
    assert_eq!(got, want);
    for device in group["devices"].as_array().expect("devices") {
        assert_eq!(device["id"], device["mac"]);
        assert!(device.get("updateAvailable").is_some() && device.get("note").is_some());
    }

    let not_owned = fleet
        .hosts
        .iter()
        .find(|h| !h.owner)
        .expect("a customer's host");
    let (status, body) = unifi
        .get_query("/v1/devices", &[("hostIds[]", &not_owned.id)])
        .await;
    assert_ok(status, &body);
    assert_eq!(body["data"], json!([]));
    running.shutdown().await;
}

fn metric_times(body: &Value) -> Vec<DateTime<Utc>> {
    body["data"][0]["periods"]
        .as_array()
        .expect("periods")
        .iter()
        .map(|p| {
            let text = p["metricTime"].as_str().expect("metricTime");
            DateTime::parse_from_rfc3339(text)
                .expect("RFC 3339")
                .with_timezone(&Utc)
        })
        .collect()
}

#[tokio::test]
async fn isp_metrics_follow_windows_alignment_and_retention() {
    let running = start_small_sim().await;
    let unifi = Unifi::new(&running);
    let now = running.sim.now().expect("clock");

    let (status, body) = unifi
        .get_query("/v1/isp-metrics/5m", &[("duration", "24h")])
        .await;
    assert_ok(status, &body);
    assert_eq!(body["data"][0]["metricType"], "5m");
    let times = metric_times(&body);
    assert!(
        (287..=288).contains(&times.len()),
        "{} periods",
        times.len()
    );
    for time in &times {
        assert_eq!(time.timestamp() % 300, 0, "aligned to 5 minutes");
        assert!(*time + Duration::minutes(5) <= now && *time >= now - Duration::hours(24));
    }
    let wan = &body["data"][0]["periods"][0]["data"]["wan"];
    for figure in [
        "avgLatency",
        "maxLatency",
        "packetLoss",
        "download_kbps",
        "upload_kbps",
        "uptime",
        "downtime",
    ] {
        assert!(wan[figure].is_i64(), "{figure} is an integer: {wan}");
    }

    for (duration, hours) in [("7d", 7 * 24), ("30d", 30 * 24)] {
        let (status, body) = unifi
            .get_query("/ea/isp-metrics/1h", &[("duration", duration)])
            .await;
        assert_ok(status, &body);
        let times = metric_times(&body);
        assert!(
            (hours - 1..=hours).contains(&times.len()),
            "{duration}: {}",
            times.len()
        );
        assert!(times.iter().all(|t| t.minute() == 0 && t.second() == 0));
    }

    // Timestamps older than the retention are clamped to it; bounds are honoured.
    let begin = (now - Duration::days(60)).to_rfc3339();
    let end = (now - Duration::days(1)).to_rfc3339();
    let query = [
        ("beginTimestamp", begin.as_str()),
        ("endTimestamp", end.as_str()),
    ];
    let (status, body) = unifi.get_query("/v1/isp-metrics/1h", &query).await;
    assert_ok(status, &body);
    let times = metric_times(&body);
    assert!(times[0] >= now - Duration::days(30));
    assert!(*times.last().expect("periods") + Duration::hours(1) <= now - Duration::days(1));
    running.shutdown().await;
}

#[tokio::test]
async fn isp_metric_queries_report_partial_success_and_502() {
    let running = start_sim().await;
    let unifi = Unifi::new(&running);
    let fleet = fleet(&running);
    let (a, b) = (&fleet.sites[0], &fleet.sites[1]);

    let query = json!({ "sites": [
        { "hostId": a.host_id, "siteId": a.site_id },
        { "hostId": a.host_id, "siteId": a.site_id },
        { "hostId": b.host_id, "siteId": b.site_id,
          "beginTimestamp": "2020-01-01T00:00:00Z", "endTimestamp": "2099-01-01T00:00:00+02:00" },
        { "hostId": a.host_id, "siteId": "000000000000000000000000" },
    ]});
    let (status, body) = unifi.post("/v1/isp-metrics/5m/query", query).await;
    assert_ok(status, &body);
    assert_eq!(body["data"]["status"], "partialSuccess");
    assert_eq!(
        body["data"]["message"],
        "some of the requested sites are not accessible for the user or were ignored as duplicates"
    );
    let sites: Vec<&str> = body["data"]["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .map(|m| m["siteId"].as_str().expect("siteId"))
        .collect();
    assert_eq!(sites, vec![a.site_id.as_str(), b.site_id.as_str()]);

    let nothing = json!({ "sites": [{ "hostId": "not-a-host", "siteId": a.site_id }, null] });
    let (status, body) = unifi.post("/ea/isp-metrics/1h/query", nothing).await;
    assert_error(status, &body, 502, "bad_gateway", "bad gateway");
    running.shutdown().await;
}

#[tokio::test]
async fn sd_wan_configurations_are_derived_from_the_fleet() {
    let running = start_sim().await;
    let unifi = Unifi::new(&running);
    let fleet = fleet(&running);

    let (_, list) = unifi.get("/v1/sd-wan-configs").await;
    let configs = list["data"].as_array().expect("configs").clone();
    assert!(!configs.is_empty());
    for summary in &configs {
        assert_eq!(summary["type"], "sdwan-hbsp");
        let id = summary["id"].as_str().expect("id");
        let (status, body) = unifi.get(&format!("/v1/sd-wan-configs/{id}")).await;
        assert_ok(status, &body);
        let config = &body["data"];
        assert_eq!(config["name"], summary["name"]);
        let hubs = config["hubs"].as_array().expect("hubs");
        let spokes = config["spokes"].as_array().expect("spokes");
        assert!(!hubs.is_empty() && !spokes.is_empty());
        for member in hubs.iter().chain(spokes) {
            let (host, site) = (member["hostId"].as_str(), member["siteId"].as_str());
            assert_eq!(member["id"], format!("{}_{}", host.unwrap(), site.unwrap()));
            let site = fleet
                .sites
                .iter()
                .find(|s| Some(s.site_id.as_str()) == site);
            assert_eq!(
                site.map(|s| s.host_id.as_str()),
                host,
                "members are real sites"
            );
        }

        let (status, body) = unifi.get(&format!("/ea/sd-wan-configs/{id}/status")).await;
        assert_ok(status, &body);
        let state = &body["data"];
        assert_eq!(state["generateStatus"], "OK");
        assert!(state["updatedAt"].is_i64(), "epoch milliseconds");
        assert_eq!(state["spokes"].as_array().map(Vec::len), Some(spokes.len()));
        for spoke in state["spokes"].as_array().expect("spokes") {
            let tunnels = &spoke["connections"][0]["tunnels"][0]["status"];
            assert!(
                tunnels == "connected" || tunnels == "disconnected",
                "{spoke}"
            );
            assert_eq!(spoke["secondaryWanStatus"]["ip"], "");
        }
    }
    // The same fleet gives the same configurations.
    let (_, again) = unifi.get("/ea/sd-wan-configs").await;
    assert_eq!(again["data"], list["data"]);
    running.shutdown().await;
}

#[tokio::test]
async fn rendering_follows_the_model_quirks() {
    let running = start_sim().await;
    let unifi = Unifi::new(&running);
    let fleet = fleet(&running);

    // The generated fleet shows every quirk the fact sheet lists at least once.
    assert!(fleet.hosts.iter().any(|h| h.reported_state_null));
    assert!(fleet.hosts.iter().any(|h| h.registration_time.is_none()));
    assert!(
        fleet
            .hosts
            .iter()
            .any(|h| h.latest_backup_time.as_deref() == Some(""))
    );
    assert!(fleet.sites.iter().any(|s| s.counts.is_none()));
    assert!(fleet.sites.iter().any(|s| s.wan_uptime.fract() != 0.0));
    assert!(
        fleet
            .sites
            .iter()
            .any(|s| s.name == "default" && s.desc == "Default")
    );

    let (hosts, _) = walk(&unifi, "/v1/hosts", 500).await;
    assert_eq!(hosts.len(), fleet.hosts.len());
    for (host, wire) in fleet.hosts.iter().zip(&hosts) {
        assert_eq!(wire["id"], host.id.as_str());
        assert_eq!(
            wire.get("registrationTime").and_then(Value::as_str),
            host.registration_time.as_deref()
        );
        assert_eq!(
            wire.get("latestBackupTime").and_then(Value::as_str),
            host.latest_backup_time.as_deref()
        );
        assert_eq!(
            wire["reportedState"].is_null(),
            host.reported_state_null,
            "{wire}"
        );
        if !host.reported_state_null {
            assert_eq!(wire["reportedState"]["name"], host.name.as_str());
            let state = if host.connected {
                "connected"
            } else {
                "disconnected"
            };
            assert_eq!(wire["reportedState"]["state"], state);
        }
    }

    let (sites, _) = walk(&unifi, "/v1/sites", 500).await;
    for (site, wire) in fleet.sites.iter().zip(&sites) {
        assert_eq!(wire["siteId"], site.site_id.as_str());
        assert_eq!(wire["meta"]["name"], site.name.as_str());
        assert_eq!(wire["meta"]["desc"], site.desc.as_str());
        let statistics = &wire["statistics"];
        assert_eq!(
            statistics.get("counts").is_some(),
            site.counts.is_some(),
            "{wire}"
        );
        if let Some(counts) = &site.counts {
            assert_eq!(statistics["counts"]["totalDevice"], counts.total_device);
            assert_eq!(
                statistics["counts"]["offlineGatewayDevice"],
                counts.offline_gateway_device
            );
        }
        let uptime = &statistics["percentages"]["wanUptime"];
        assert_eq!(uptime.is_i64(), site.wan_uptime.fract() == 0.0, "{uptime}");
        assert_eq!(uptime.as_f64(), Some(site.wan_uptime));
    }
    running.shutdown().await;
}

#[tokio::test]
async fn injected_faults_answer_with_the_operation_messages() {
    let running = start_sim().await;
    let unifi = Unifi::new(&running);
    let fault = json!({"api": "unifi", "kind": "status", "status": 500, "count": 1,
                       "path": "/ea/sites"});
    let (status, _) = control_post(&running, "/faults", fault).await;
    assert_eq!(status, 200);
    let (status, body) = unifi.get("/ea/sites").await;
    assert_error(status, &body, 500, "server_error", "failed to list sites");
    let (status, body) = unifi.get("/ea/sites").await;
    assert_ok(status, &body);
    running.shutdown().await;
}

#[tokio::test]
async fn simulated_time_moves_the_answers() {
    let running = start_sim().await;
    let unifi = Unifi::new(&running);
    let last_hour = |running: &RunningSim| {
        (running.sim.now().expect("clock") - Duration::hours(1)).to_rfc3339()
    };
    let metrics = "/v1/isp-metrics/5m";
    let (_, before) = unifi
        .get_query(metrics, &[("beginTimestamp", &last_hour(&running))])
        .await;
    let (sites_before, _) = walk(&unifi, "/v1/sites", 500).await;
    let (_, devices_before) = unifi.get("/v1/devices").await;

    let (status, _) = control_post(&running, "/tick", json!({"duration": "6h"})).await;
    assert_eq!(status, 200);

    let (_, after) = unifi
        .get_query(metrics, &[("beginTimestamp", &last_hour(&running))])
        .await;
    let last = |body: &Value| *metric_times(body).last().expect("periods");
    let moved = last(&after) - last(&before);
    assert!(
        moved >= Duration::hours(6) && moved <= Duration::minutes(365),
        "{moved}"
    );
    let (sites_after, _) = walk(&unifi, "/v1/sites", 500).await;
    let (_, devices_after) = unifi.get("/v1/devices").await;
    // `updatedAt` follows the clock anyway; what must change is the sites or the devices.
    let devices = |body: &Value| -> Vec<Value> {
        let groups = body["data"].as_array().expect("groups");
        groups.iter().map(|g| g["devices"].clone()).collect()
    };
    assert!(
        sites_after != sites_before || devices(&devices_after) != devices(&devices_before),
        "six hours change the sites or devices"
    );
    running.shutdown().await;
}

#[tokio::test]
async fn the_early_access_prefix_has_its_own_rate_limit() {
    let running = start_sim().await;
    let unifi = Unifi::new(&running);
    let (status, _) = control_post(&running, "/settings", json!({"limits": true})).await;
    assert_eq!(status, 200);

    let url = format!("{}/ea/sd-wan-configs", unifi.base);
    let mut refused = None;
    for _ in 0..=100 {
        let response = unifi
            .http
            .get(&url)
            .header("X-API-Key", &unifi.key)
            .send()
            .await
            .expect("answers");
        if response.status().as_u16() == 429 {
            refused = Some(response);
            break;
        }
    }
    let response = refused.expect("the 101st request within a minute is refused");
    let retry_after = response.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        retry_after.parse::<u64>().is_ok_and(|s| s >= 1),
        "{retry_after}"
    );
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["code"], "rate_limit");
    let message = body["message"].as_str().expect("message");
    assert!(
        message.starts_with("rate limit exceeded, retry after "),
        "{message}"
    );

    let (status, body) = unifi.get("/v1/sd-wan-configs").await;
    assert_ok(status, &body);
    running.shutdown().await;
}
