//! The UniFi Site Manager client against the simulator over loopback HTTP: every operation,
//! paging past one page, the `/ea` fallback, retries, an outage beyond the budget, the key
//! re-read after a 401, and tolerant decoding of the fleet's quirks.

mod support_sources;

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use chrono::Utc;
use mock_apis::{Api, RunningSim};
use oberaconnect::http::FailureClass;
use oberaconnect::secrets::SecretName;
use oberaconnect::unifi::{MetricQuerySite, MetricType, MetricWindow, UnifiClient, UnifiError};
use serde_json::json;

use support_sources::{answered, fault, fleet, quick_retries, requests, rotate, secrets, start};

/// A client of the simulator's Site Manager with the current key and quick retries.
fn client(running: &RunningSim) -> UnifiClient {
    let key = running
        .sim
        .credentials()
        .expect("credentials")
        .unifi_api_key;
    client_with_key(running, &key)
}

fn client_with_key(running: &RunningSim, key: &str) -> UnifiClient {
    let mut settings = UnifiClient::settings(running.urls().unifi);
    settings.retry = quick_retries();
    UnifiClient::new(settings, secrets(&[(SecretName::UnifiApiToken, key)])).expect("client")
}

#[tokio::test]
async fn lists_page_past_one_page_to_the_fleet_totals() {
    let running = start().await;
    let fleet = fleet(&running);
    let unifi = client(&running).with_page_size(7);

    let hosts = unifi.hosts().await.expect("hosts");
    let got: BTreeSet<_> = hosts.iter().map(|h| h.id.clone()).collect();
    let want: BTreeSet<_> = fleet.hosts.iter().map(|h| h.id.clone()).collect();
    assert_eq!(hosts.len(), fleet.hosts.len(), "no host twice");
    assert_eq!(got, want);

    let sites = unifi.sites().await.expect("sites");
    assert_eq!(sites.len(), 98);
    let got: BTreeSet<_> = sites.iter().map(|s| s.id.clone()).collect();
    let want: BTreeSet<_> = fleet.sites.iter().map(|s| s.site_id.clone()).collect();
    assert_eq!(got, want);
    let pages = requests(&running, Api::Unifi, "GET /v1/sites");
    assert_eq!(pages, 98_u64.div_ceil(7), "one request per page of 7");

    let devices = unifi.devices(&[]).await.expect("devices");
    let got: BTreeSet<_> = devices.iter().map(|d| d.id.clone()).collect();
    let owned: Vec<_> = fleet
        .unifi_devices
        .iter()
        .filter(|d| fleet.host(&d.host_id).is_some_and(|h| h.owner))
        .collect();
    let want: BTreeSet<_> = owned.iter().map(|d| d.id.clone()).collect();
    assert!(!want.is_empty());
    assert_eq!(devices.len(), owned.len(), "no device twice");
    assert_eq!(got, want);
    for device in &devices {
        let truth = owned.iter().find(|d| d.id == device.id).expect("known");
        assert_eq!(device.host_id, truth.host_id);
        assert_eq!(device.version.as_deref(), Some(truth.version.as_str()));
        // The service sends whole seconds.
        let seconds = |t: Option<chrono::DateTime<Utc>>| t.map(|t| t.timestamp());
        assert_eq!(seconds(device.adoption_time), seconds(truth.adoption_time));
    }
    running.shutdown().await;
}

#[tokio::test]
async fn sites_keep_the_fleets_values_and_quirks() {
    let running = start().await;
    let fleet = fleet(&running);
    let unifi = client(&running);
    let hosts: HashMap<_, _> = unifi
        .hosts()
        .await
        .expect("hosts")
        .into_iter()
        .map(|h| (h.id.clone(), h))
        .collect();
    let sites = unifi.sites().await.expect("sites");

    let mut missing_counts = 0;
    for site in &sites {
        let truth = fleet
            .sites
            .iter()
            .find(|s| s.site_id == site.id)
            .expect("site");
        let host = hosts.get(site.host_id.as_deref().expect("host id"));
        assert_eq!(site.host_id.as_deref(), Some(truth.host_id.as_str()));
        match (&site.counts, &truth.counts) {
            (None, None) => missing_counts += 1,
            (Some(got), Some(want)) => {
                assert_eq!(got.total_device, Some(want.total_device));
                assert_eq!(
                    got.offline_gateway_device,
                    Some(want.offline_gateway_device)
                );
                assert_eq!(got.wifi_client, Some(want.wifi_client));
            }
            (got, want) => panic!("counts of {}: {got:?} vs {want:?}", site.id),
        }
        assert_eq!(site.wan_uptime, Some(truth.wan_uptime));
        assert_eq!(site.isp_name.as_deref(), Some(truth.isp_name.as_str()));
        assert_eq!(
            site.gateway_shortname.as_deref(),
            Some(truth.gateway_shortname.as_str())
        );

        // Display name rule of the fact sheet, section 7.
        let name = site.display_name(host);
        let desc = truth.desc.trim();
        if !desc.is_empty() && !desc.eq_ignore_ascii_case("default") {
            assert_eq!(name, desc);
        } else if let Some(console) = host.and_then(|h| h.name.clone()) {
            assert_eq!(name, console);
        } else {
            assert!(name == truth.name || name == truth.site_id, "{name}");
        }
        let zone = site.time_zone(host);
        let want = truth
            .timezone
            .clone()
            .or_else(|| host.and_then(|h| h.timezone.clone()));
        assert_eq!(zone.map(str::to_owned), want);
    }
    if fleet.sites.iter().any(|s| s.counts.is_none()) {
        assert!(missing_counts > 0, "missing counts stay unknown");
    }
    // Single-site gateways are all called default: none shows as such.
    let defaults = sites
        .iter()
        .filter(|s| {
            s.desc
                .as_deref()
                .is_some_and(|d| d.eq_ignore_ascii_case("default"))
        })
        .count();
    assert!(defaults > 0, "the fleet has default-named sites");

    // Hosts whose reportedState is null: connection unknown, not offline.
    for truth in fleet.hosts.iter().filter(|h| h.reported_state_null) {
        assert_eq!(hosts[&truth.id].connected, None);
    }
    for truth in fleet.hosts.iter().filter(|h| !h.reported_state_null) {
        assert_eq!(
            hosts[&truth.id].connected,
            Some(truth.connected),
            "{}",
            truth.id
        );
    }
    running.shutdown().await;
}

#[tokio::test]
async fn one_host_and_devices_of_chosen_hosts() {
    let running = start().await;
    let fleet = fleet(&running);
    let unifi = client(&running);

    let owned: Vec<_> = fleet.hosts.iter().filter(|h| h.owner).collect();
    let host = unifi.host(&owned[0].id).await.expect("host");
    assert_eq!(host.id, owned[0].id);

    let err = unifi
        .host("F4E2C6C23F13000000000000:1")
        .await
        .expect_err("unknown host");
    assert!(matches!(err, UnifiError::NotFound { .. }), "{err}");
    assert_eq!(err.class(), FailureClass::Other);
    assert!(err.to_string().contains("trace id"), "{err}");

    let chosen = vec![owned[0].id.clone(), owned[1].id.clone()];
    let devices = unifi.devices(&chosen).await.expect("devices");
    let want = fleet
        .unifi_devices
        .iter()
        .filter(|d| chosen.contains(&d.host_id))
        .count();
    assert_eq!(devices.len(), want);
    assert!(devices.iter().all(|d| chosen.contains(&d.host_id)));
    running.shutdown().await;
}

#[tokio::test]
async fn isp_metrics_by_window_and_by_query() {
    let running = start().await;
    let fleet = fleet(&running);
    let unifi = client(&running);

    let day = unifi
        .isp_metrics(MetricType::FiveMinutes, MetricWindow::LastDay)
        .await
        .expect("5m metrics");
    assert!(!day.is_empty() && day.iter().all(|m| !m.periods.is_empty()));
    let now = Utc::now();
    let window = MetricWindow::Between {
        begin: Some(now - chrono::Duration::hours(6)),
        end: Some(now),
    };
    let hours = unifi
        .isp_metrics(MetricType::OneHour, window)
        .await
        .expect("1h metrics");
    for site in &hours {
        assert!(
            site.periods.len() <= 7,
            "{} periods in 6 h",
            site.periods.len()
        );
    }

    let (a, b) = (&fleet.sites[0], &fleet.sites[1]);
    let ask = |host: &str, site: &str| MetricQuerySite {
        host_id: host.to_owned(),
        site_id: site.to_owned(),
        begin: None,
        end: None,
    };
    let all = [ask(&a.host_id, &a.site_id), ask(&b.host_id, &b.site_id)];
    let answer = unifi
        .query_isp_metrics(MetricType::FiveMinutes, &all)
        .await
        .expect("query");
    assert!(!answer.partial_success);
    assert_eq!(answer.metrics.len(), 2);

    let some = [
        ask(&a.host_id, &a.site_id),
        ask(&a.host_id, "000000000000000000000000"),
    ];
    let answer = unifi
        .query_isp_metrics(MetricType::OneHour, &some)
        .await
        .expect("query");
    assert!(answer.partial_success, "one site is not accessible");
    assert_eq!(answer.metrics.len(), 1);
    assert!(answer.message.is_some());

    let none = [ask("not-a-host", &a.site_id)];
    let err = unifi
        .query_isp_metrics(MetricType::OneHour, &none)
        .await
        .expect_err("nothing accessible");
    assert!(matches!(err, UnifiError::NoSiteAccessible { .. }), "{err}");
    assert!(!unifi.uses_ea_for_metrics());
    running.shutdown().await;
}

#[tokio::test]
async fn sd_wan_configurations_and_their_status() {
    let running = start().await;
    let unifi = client(&running);

    let configs = unifi.sdwan_configs().await.expect("configs");
    assert!(!configs.is_empty());
    for summary in &configs {
        let config = unifi.sdwan_config(&summary.id).await.expect("config");
        assert_eq!(config.name, summary.name);
        assert!(!config.hubs.is_empty() && !config.spokes.is_empty());
        let status = unifi.sdwan_status(&summary.id).await.expect("status");
        assert_eq!(status.generate_status.as_deref(), Some("OK"));
        assert!(status.updated_at.is_some(), "epoch milliseconds read");
        assert_eq!(status.spokes.len(), config.spokes.len());
        assert!(status.spokes.iter().all(|s| !s.tunnels.is_empty()));
    }
    let err = unifi
        .sdwan_config("nope")
        .await
        .expect_err("unknown config");
    assert!(err.is_not_found(), "{err}");
    assert!(
        !unifi.uses_ea_for_sdwan(),
        "a 404 under /ea too is not a reason to switch"
    );
    running.shutdown().await;
}

#[tokio::test]
async fn a_404_under_v1_moves_isp_metrics_to_ea_for_the_clients_lifetime() {
    let running = start().await;
    fault(
        &running,
        json!({"api": "unifi", "kind": "status", "status": 404,
                           "path": "/v1/isp-metrics"}),
    );
    let unifi = client(&running);

    for _ in 0..2 {
        let metrics = unifi
            .isp_metrics(MetricType::FiveMinutes, MetricWindow::LastDay)
            .await
            .expect("metrics from /ea");
        assert!(!metrics.is_empty());
    }
    assert!(unifi.uses_ea_for_metrics());
    assert!(!unifi.uses_ea_for_sdwan(), "SD-WAN keeps its own choice");
    assert_eq!(
        answered(&running, Api::Unifi, "GET /v1/isp-metrics/{type}", 404),
        1
    );
    assert_eq!(
        answered(&running, Api::Unifi, "GET /ea/isp-metrics/{type}", 200),
        2
    );

    unifi.sdwan_configs().await.expect("SD-WAN under /v1");
    assert_eq!(
        answered(&running, Api::Unifi, "GET /v1/sd-wan-configs", 200),
        1
    );
    running.shutdown().await;
}

#[tokio::test]
async fn retryable_answers_recover_within_the_budget() {
    let running = start().await;
    let unifi = client(&running);
    let cases = [
        json!({"api": "unifi", "kind": "status", "status": 500, "count": 2}),
        json!({"api": "unifi", "kind": "status", "status": 502, "count": 2}),
        json!({"api": "unifi", "kind": "outage", "count": 2}),
        json!({"api": "unifi", "kind": "status", "status": 504, "count": 2}),
        json!({"api": "unifi", "kind": "status", "status": 502, "html": true, "count": 1}),
        json!({"api": "unifi", "kind": "conflict", "count": 1}),
    ];
    for case in cases {
        let before = unifi.counters();
        fault(&running, case.clone());
        let sites = unifi
            .sites()
            .await
            .unwrap_or_else(|err| panic!("{case}: {err}"));
        assert_eq!(sites.len(), 98, "{case}");
        let retries = unifi.counters().retries - before.retries;
        assert_eq!(retries, case["count"].as_u64().unwrap(), "{case}");
    }

    // 429 with Retry-After: 1 s, twice: the client waits at least that long.
    fault(
        &running,
        json!({"api": "unifi", "kind": "rate_limit", "count": 2,
                           "retry_after_secs": 1}),
    );
    let started = std::time::Instant::now();
    unifi.hosts().await.expect("hosts after the 429s");
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(unifi.counters().throttled >= 2);
    running.shutdown().await;
}

#[tokio::test]
async fn an_outage_beyond_the_budget_is_unavailable() {
    let running = start().await;
    let unifi = client(&running);
    fault(
        &running,
        json!({"api": "unifi", "kind": "outage", "duration_secs": 60}),
    );

    let err = unifi.sites().await.expect_err("outage");
    assert_eq!(err.class(), FailureClass::Unavailable, "{err}");
    let text = err.to_string();
    assert!(text.contains("503") && text.contains("4 attempt"), "{text}");
    assert!(text.contains("trace id"), "{text}");
    assert_eq!(answered(&running, Api::Unifi, "GET /v1/sites", 503), 4);

    let err = unifi.probe().await.expect_err("probe during the outage");
    assert_eq!(err.class(), FailureClass::Unavailable);
    running.shutdown().await;
}

#[tokio::test]
async fn a_refused_key_is_re_read_once_then_named_in_the_error() {
    let running = start().await;
    let unifi = client(&running);

    // One 401, then the key works again: the retry after the re-read succeeds.
    fault(
        &running,
        json!({"api": "unifi", "kind": "revoked", "count": 1}),
    );
    unifi.hosts().await.expect("hosts after one 401");
    assert_eq!(answered(&running, Api::Unifi, "GET /v1/hosts", 401), 1);

    // A rotated key: the stub secret chain re-reads the same stale value, so the second
    // attempt fails too, and the error says which secret and how to fix it.
    rotate(&running, "unifi");
    let err = unifi.hosts().await.expect_err("stale key");
    assert_eq!(err.class(), FailureClass::Auth);
    let text = err.to_string();
    assert!(
        text.contains("UNIFI_API_TOKEN") && text.contains("unifi-api-token"),
        "{text}"
    );
    assert!(text.contains("unifi.ui.com"), "{text}");
    assert_eq!(
        answered(&running, Api::Unifi, "GET /v1/hosts", 401),
        3,
        "exactly one retry after the re-read"
    );

    let fresh = running
        .sim
        .credentials()
        .expect("credentials")
        .unifi_api_key;
    client_with_key(&running, &fresh)
        .hosts()
        .await
        .expect("the new key works");
    running.shutdown().await;
}

#[tokio::test]
async fn the_probe_reports_latency_and_what_it_saw() {
    let running = start().await;
    let unifi = client(&running);
    let probe = unifi.probe().await.expect("probe");
    assert!(probe.detail.contains("key accepted"), "{}", probe.detail);
    assert!(probe.latency > Duration::ZERO);
    assert_eq!(requests(&running, Api::Unifi, "GET /v1/sites"), 1);
    assert_eq!(unifi.counters().calls, 1);

    let err = client_with_key(&running, "wrong")
        .probe()
        .await
        .expect_err("wrong key");
    assert_eq!(err.class(), FailureClass::Auth);
    running.shutdown().await;
}

/// A one-answer HTTP server on loopback: every request gets `status`, `content_type` and
/// `body`. For the cases the simulator does not produce (a repeating `nextToken`, a huge
/// HTML error page). Returns its base URL.
async fn serve_fixed(status: u16, content_type: &'static str, body: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(body.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}")
}

fn fixed_client(base: String) -> UnifiClient {
    let mut settings = UnifiClient::settings(base);
    settings.retry = quick_retries();
    UnifiClient::new(settings, secrets(&[(SecretName::UnifiApiToken, "k")])).expect("client")
}

#[tokio::test]
async fn a_repeating_next_token_stops_the_walk() {
    let page = json!({"data": [{"siteId": "661de833b6b2463f0c20b319"}], "nextToken": "same"});
    let unifi = fixed_client(serve_fixed(200, "application/json", page.to_string()).await);
    let err = unifi.sites().await.expect_err("loop");
    assert!(
        matches!(err, UnifiError::PagingLoop { items: 2, .. }),
        "{err}"
    );
    assert_eq!(unifi.counters().calls, 2);
}

#[tokio::test]
async fn odd_bodies_are_errors_with_context_not_panics() {
    // A huge HTML error page from the edge, on every attempt.
    let page = format!("<html><body>{}</body></html>", "x".repeat(200_000));
    let unifi = fixed_client(serve_fixed(502, "text/html", page).await);
    let err = unifi.hosts().await.expect_err("502 throughout");
    assert_eq!(err.class(), FailureClass::Unavailable);
    let text = err.to_string();
    assert!(text.contains("HTML") && text.len() < 1000, "{text}");

    // HTML under a 200 is not an envelope.
    let unifi = fixed_client(serve_fixed(200, "text/html", "<html></html>".into()).await);
    let err = unifi.hosts().await.expect_err("not JSON");
    assert!(matches!(err, UnifiError::Decode { .. }), "{err}");

    // Unknown fields, nulls, strings for numbers and `""` dates decode.
    let odd = json!({"data": [{
        "siteId": "s1", "hostId": "h1", "unknown": {"x": 1},
        "meta": {"desc": "", "name": "default", "timezone": null},
        "statistics": {"percentages": {"wanUptime": "99.86"}, "counts": null,
                       "internetIssues": [{"index": 5731626}, "junk"]}
    }], "nextToken": ""});
    let unifi = fixed_client(serve_fixed(200, "application/json", odd.to_string()).await);
    let sites = unifi.sites().await.expect("tolerant decoding");
    assert_eq!(sites.len(), 1);
    assert_eq!(sites[0].wan_uptime, Some(99.86));
    assert_eq!(sites[0].counts, None);
    assert_eq!(sites[0].internet_issues.len(), 1);
    assert_eq!(sites[0].display_name(None), "default");
}
