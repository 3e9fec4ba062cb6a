//! The NinjaOne client against the simulator over loopback HTTP: paging of organizations,
//! devices and activities to the fleet totals, the organization re-check, alerts, the token
//! cache and its renewal, the expired-tokens and revoked-secret drills, the throttling page,
//! retries and an outage beyond the budget.

mod support_sources;

use std::collections::BTreeSet;
use std::time::Duration;

use mock_apis::fleet::Fleet;
use mock_apis::{Api, RunningSim};
use oberaconnect::http::FailureClass;
use oberaconnect::ninjaone::{
    ActivityClass, ActivityQuery, DeviceQuery, NinjaoneClient, NinjaoneError, TOKEN_PATH,
};
use oberaconnect::secrets::SecretName;
use serde_json::json;

use support_sources::{
    answered, fault, fleet, quick_retries, requests, rotate, secrets, settings, start,
};

const TOKEN: &str = "POST /ws/oauth/token";

/// A client of the simulator's NinjaOne with its current credentials and quick retries.
fn client(running: &RunningSim) -> NinjaoneClient {
    let credentials = running.sim.credentials().expect("credentials");
    client_with(
        running,
        &credentials.ninjaone_client_id,
        &credentials.ninjaone_client_secret,
    )
}

fn client_with(running: &RunningSim, id: &str, secret: &str) -> NinjaoneClient {
    let mut settings = NinjaoneClient::settings(running.urls().ninjaone);
    settings.retry = quick_retries();
    let secrets = secrets(&[
        (SecretName::NinjaoneClientId, id),
        (SecretName::NinjaoneClientSecret, secret),
    ]);
    NinjaoneClient::new(settings, secrets).expect("client")
}

fn approved(fleet: &Fleet) -> impl Iterator<Item = &mock_apis::fleet::Device> {
    fleet
        .devices
        .iter()
        .filter(|d| d.approval_status == "APPROVED")
}

fn token_requests(running: &RunningSim) -> u64 {
    requests(running, Api::Ninjaone, TOKEN)
}

#[tokio::test]
async fn entity_lists_page_past_one_page_to_the_fleet_totals() {
    let running = start().await;
    let fleet = fleet(&running);
    let ninja = client(&running).with_page_sizes(7, 1000);

    let organizations = ninja.organizations().await.expect("organizations");
    let ids: Vec<i64> = organizations.iter().map(|o| o.id).collect();
    assert_eq!(
        ids,
        fleet.organizations.iter().map(|o| o.id).collect::<Vec<_>>()
    );
    assert_eq!(ids.len(), 98);
    let pages = requests(&running, Api::Ninjaone, "GET /v2/organizations");
    assert_eq!(
        pages,
        98_u64.div_ceil(7) + u64::from(98_u64.is_multiple_of(7))
    );

    let listed = ninja
        .devices(&DeviceQuery::default())
        .await
        .expect("devices");
    assert_eq!(listed.dropped, 0);
    let want: Vec<_> = approved(&fleet).collect();
    assert!(want.len() > 300, "{} approved devices", want.len());
    assert_eq!(listed.devices.len(), want.len(), "no device lost or twice");
    for (device, truth) in listed.devices.iter().zip(&want) {
        assert_eq!(device.id, truth.id);
        assert_eq!(device.organization_id, Some(truth.organization_id));
        assert_eq!(device.offline, Some(truth.offline));
        let name = [&truth.system_name, &truth.display_name, &truth.dns_name]
            .into_iter()
            .find(|n| !n.is_empty())
            .cloned()
            .unwrap_or_else(|| format!("Device {}", truth.id));
        assert_eq!(device.name, name);
        let contact = device
            .last_contact
            .expect("last contact")
            .timestamp_millis();
        assert!((contact as f64 - truth.last_contact * 1000.0).abs() < 2.0);
    }
    running.shutdown().await;
}

#[tokio::test]
async fn devices_of_another_organization_are_dropped_when_the_filter_is_ignored() {
    let running = start().await;
    let fleet = fleet(&running);
    let ninja = client(&running).with_page_sizes(50, 1000);
    let organization = fleet.organizations[3].id;
    let own: BTreeSet<i64> = approved(&fleet)
        .filter(|d| d.organization_id == organization)
        .map(|d| d.id)
        .collect();
    assert!(!own.is_empty());

    // The filter the service understands.
    let listed = ninja
        .devices(&DeviceQuery::organization(organization))
        .await
        .expect("devices");
    assert_eq!(
        listed.devices.iter().map(|d| d.id).collect::<BTreeSet<_>>(),
        own
    );
    assert_eq!(listed.dropped, 0);

    // A filter it ignores (as the real service ignores what it does not know): every
    // device comes back, and the client keeps only the organization's.
    let query = DeviceQuery {
        organization_id: Some(organization),
        df: Some("tagId in (1)".to_owned()),
    };
    let listed = ninja.devices(&query).await.expect("devices");
    assert_eq!(
        listed.devices.iter().map(|d| d.id).collect::<BTreeSet<_>>(),
        own
    );
    assert_eq!(listed.dropped, approved(&fleet).count() - own.len());
    running.shutdown().await;
}

#[tokio::test]
async fn alerts_are_read_whole() {
    let running = start().await;
    let fleet = fleet(&running);
    let ninja = client(&running);

    let alerts = ninja.alerts(None).await.expect("alerts");
    assert_eq!(alerts.len(), fleet.alerts.len());
    for alert in &alerts {
        let truth = fleet
            .alerts
            .iter()
            .find(|a| a.uid == alert.uid)
            .expect("known");
        assert_eq!(alert.device_id, Some(truth.device_id));
        assert_eq!(alert.threshold, truth.threshold);
        assert_eq!(alert.severity, truth.severity);
        assert_eq!(
            alert.source_type.as_deref(),
            Some(truth.source_type.as_str())
        );
        assert!(alert.create_time.is_some());
    }
    assert!(
        fleet.alerts.iter().any(|a| a.threshold.is_some()),
        "thresholds are exercised"
    );
    running.shutdown().await;
}

#[tokio::test]
async fn activities_backfill_to_the_end_and_walk_back_to_a_checkpoint() {
    let running = start().await;
    let fleet = fleet(&running);
    let ninja = client(&running).with_page_sizes(1000, 100);
    let mut all: Vec<i64> = fleet.activities.iter().map(|a| a.id).collect();
    all.sort_unstable_by(|a, b| b.cmp(a));
    assert!(
        all.len() > 100,
        "{} activities: more than one page",
        all.len()
    );

    let log = ninja
        .activities_backfill(&ActivityQuery::default())
        .await
        .expect("backfill");
    assert_eq!(log.activities.iter().map(|a| a.id).collect::<Vec<_>>(), all);
    assert_eq!(log.last_activity_id, Some(all[0]));
    assert_eq!(log.newest_id(), Some(all[0]));
    // Full pages, then the empty page that ends the walk.
    assert_eq!(log.pages, all.len().div_ceil(100) + 1);

    let checkpoint = all[150];
    let log = ninja
        .activities_since(checkpoint, &ActivityQuery::default())
        .await
        .expect("incremental");
    assert_eq!(
        log.activities.iter().map(|a| a.id).collect::<Vec<_>>(),
        all[..150]
    );
    assert_eq!(log.pages, 2, "stops at the page holding the checkpoint");

    let query = ActivityQuery {
        class: Some(ActivityClass::System),
        ..ActivityQuery::default()
    };
    let system = ninja
        .activities_backfill(&query)
        .await
        .expect("system activities");
    let mut want: Vec<i64> = fleet
        .activities
        .iter()
        .filter(|a| a.class == "SYSTEM")
        .map(|a| a.id)
        .collect();
    want.sort_unstable_by(|a, b| b.cmp(a));
    assert!(!want.is_empty());
    assert_eq!(
        system.activities.iter().map(|a| a.id).collect::<Vec<_>>(),
        want
    );
    let with_user = system
        .activities
        .iter()
        .filter(|a| a.user_email.is_some())
        .count();
    assert!(
        with_user > 0,
        "who made the change is read from data.message.params"
    );

    // Date bounds: only activities after the median time.
    let mut times: Vec<f64> = fleet.activities.iter().map(|a| a.activity_time).collect();
    times.sort_by(f64::total_cmp);
    let middle = times[times.len() / 2].ceil();
    let query = ActivityQuery {
        after: chrono::DateTime::from_timestamp(middle as i64, 0),
        ..ActivityQuery::default()
    };
    let recent = ninja
        .activities_backfill(&query)
        .await
        .expect("recent activities");
    let want = fleet
        .activities
        .iter()
        .filter(|a| a.activity_time > middle)
        .count();
    assert_eq!(recent.activities.len(), want);
    running.shutdown().await;
}

#[tokio::test]
async fn one_token_serves_many_calls_and_concurrent_callers() {
    let running = start().await;
    let ninja = client(&running);
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let ninja = ninja.clone();
            tokio::spawn(async move { ninja.organizations().await })
        })
        .collect();
    for call in calls {
        call.await.expect("task").expect("organizations");
    }
    ninja.alerts(None).await.expect("alerts");
    assert_eq!(token_requests(&running), 1, "one shared token request");
    running.shutdown().await;
}

#[tokio::test]
async fn tokens_are_renewed_before_they_run_out() {
    let running = start().await;
    settings(&running, json!({"ninjaone_token_lifetime_secs": 2}));
    let ninja = client(&running);
    for _ in 0..3 {
        ninja.organizations().await.expect("organizations");
        tokio::time::sleep(Duration::from_millis(1200)).await;
    }
    assert_eq!(
        token_requests(&running),
        3,
        "renewed half-way through each 2 s token"
    );
    assert_eq!(
        answered(&running, Api::Ninjaone, "GET /v2/organizations", 401),
        0
    );
    running.shutdown().await;
}

#[tokio::test]
async fn an_expired_token_costs_one_401_and_one_new_token() {
    let running = start().await;
    let ninja = client(&running);
    ninja.organizations().await.expect("organizations");
    // Token times are in milliseconds: keep the drill out of the token's millisecond.
    tokio::time::sleep(Duration::from_millis(5)).await;
    fault(
        &running,
        json!({"api": "ninjaone", "kind": "expired_tokens"}),
    );

    ninja
        .organizations()
        .await
        .expect("organizations after the drill");
    assert_eq!(
        answered(&running, Api::Ninjaone, "GET /v2/organizations", 401),
        1
    );
    assert_eq!(token_requests(&running), 2);
    running.shutdown().await;
}

#[tokio::test]
async fn a_revoked_secret_names_the_credential_and_the_fix() {
    let running = start().await;
    let ninja = client(&running);
    ninja.organizations().await.expect("organizations");
    fault(&running, json!({"api": "ninjaone", "kind": "revoked"}));

    let err = ninja.organizations().await.expect_err("revoked");
    assert_eq!(err.class(), FailureClass::Auth, "{err}");
    assert!(
        matches!(err, NinjaoneError::ClientRefused { status: 400, .. }),
        "{err}"
    );
    let text = err.to_string();
    assert!(text.contains("NINJAONE_CLIENT_SECRET"), "{text}");
    assert!(text.contains("ninjaone-client-secret"), "{text}");
    assert!(text.contains("Administration → Apps → API"), "{text}");
    // The first token, then one refused request and one after re-reading the secret.
    assert_eq!(answered(&running, Api::Ninjaone, TOKEN, 400), 2);
    running.shutdown().await;
}

#[tokio::test]
async fn a_rotated_secret_or_an_unknown_client_fails_with_its_own_hint() {
    let running = start().await;
    let old = running.sim.credentials().expect("credentials");
    rotate(&running, "ninjaone");
    // The stub secret chain re-reads the same stale secret: refused after one re-read.
    let stale = client_with(
        &running,
        &old.ninjaone_client_id,
        &old.ninjaone_client_secret,
    );
    let err = stale.probe().await.expect_err("stale secret");
    assert!(matches!(err, NinjaoneError::ClientRefused { .. }), "{err}");
    assert_eq!(answered(&running, Api::Ninjaone, TOKEN, 400), 2);
    client(&running)
        .probe()
        .await
        .expect("the new secret works");

    let unknown = client_with(&running, "no-such-client", "whatever");
    let err = unknown.organizations().await.expect_err("unknown client");
    assert_eq!(err.class(), FailureClass::Auth);
    let text = err.to_string();
    assert!(
        text.contains("NINJAONE_CLIENT_ID") && text.contains("NINJAONE_REGION"),
        "{text}"
    );
    running.shutdown().await;
}

#[tokio::test]
async fn throttling_pages_and_retryable_statuses_recover() {
    let running = start().await;
    let ninja = client(&running);
    ninja.organizations().await.expect("organizations");
    let cases = [
        json!({"api": "ninjaone", "kind": "html_throttle", "count": 2}),
        json!({"api": "ninjaone", "kind": "status", "status": 500, "count": 2}),
        json!({"api": "ninjaone", "kind": "status", "status": 502, "count": 2}),
        json!({"api": "ninjaone", "kind": "outage", "count": 2}),
        json!({"api": "ninjaone", "kind": "status", "status": 504, "html": true, "count": 2}),
        json!({"api": "ninjaone", "kind": "rate_limit", "count": 1, "retry_after_secs": 1}),
        json!({"api": "ninjaone", "kind": "status", "status": 503, "count": 2,
               "path": TOKEN_PATH}),
    ];
    for case in cases {
        let before = ninja.counters();
        fault(&running, case.clone());
        if case["path"] == TOKEN_PATH {
            // Force a token request: a fresh client.
            let fresh = client(&running);
            fresh
                .organizations()
                .await
                .unwrap_or_else(|err| panic!("{case}: {err}"));
            assert_eq!(fresh.counters().retries, 2, "{case}");
            continue;
        }
        let organizations = ninja
            .organizations()
            .await
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(organizations.len(), 98, "{case}");
        let retries = ninja.counters().retries - before.retries;
        assert_eq!(retries, case["count"].as_u64().unwrap(), "{case}");
    }
    assert!(
        ninja.counters().throttled >= 3,
        "throttling pages and the 429 count"
    );
    running.shutdown().await;
}

#[tokio::test]
async fn an_outage_beyond_the_budget_is_unavailable() {
    let running = start().await;
    let ninja = client(&running);
    ninja.probe().await.expect("probe");
    fault(
        &running,
        json!({"api": "ninjaone", "kind": "status", "status": 502,
                           "path": "/v2"}),
    );

    let err = ninja.organizations().await.expect_err("outage");
    assert_eq!(err.class(), FailureClass::Unavailable, "{err}");
    let text = err.to_string();
    assert!(
        text.contains("502") && text.contains("incident WEB_MGMT_SERVICE-"),
        "{text}"
    );

    // A throttling page on every attempt is unavailability too, not an answer.
    support_sources::clear_faults(&running);
    fault(
        &running,
        json!({"api": "ninjaone", "kind": "html_throttle"}),
    );
    let err = ninja.alerts(None).await.expect_err("throttled throughout");
    assert_eq!(err.class(), FailureClass::Unavailable, "{err}");
    running.shutdown().await;
}

#[tokio::test]
async fn the_probe_gets_a_token_and_reads_one_organization() {
    let running = start().await;
    let ninja = client(&running);
    let probe = ninja.probe().await.expect("probe");
    assert!(probe.detail.contains("token accepted"), "{}", probe.detail);
    assert!(probe.latency > Duration::ZERO);
    assert_eq!(token_requests(&running), 1);
    assert_eq!(
        requests(&running, Api::Ninjaone, "GET /v2/organizations"),
        1
    );
    assert_eq!(ninja.counters().calls, 2);
    running.shutdown().await;
}
