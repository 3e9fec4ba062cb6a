//! SD-WAN configurations: list entries, full configurations and deployment
//! status.

use chrono::{DateTime, Duration, DurationRound, Utc};
use serde_json::{Value, json};

use super::derived_hex;
use crate::fleet::metrics::{self, Interval};
use crate::unifi::sdwan::plan::{Config, Member};

/// The list entry of a configuration: `{id, name, type}`.
pub fn summary(config: &Config<'_>) -> Value {
    json!({ "id": config.id, "name": config.name, "type": "sdwan-hbsp" })
}

/// A configuration as `GET /v1/sd-wan-configs/{id}` returns it.
pub fn config(config: &Config<'_>) -> Value {
    let hub_ids: Vec<String> = config.hubs.iter().map(Member::id).collect();
    let hubs: Vec<Value> = config
        .hubs
        .iter()
        .map(|hub| {
            json!({
                "id": hub.id(),
                "hostId": hub.host.id,
                "siteId": hub.site.site_id,
                "networkIds": [network_id(hub)],
                "routes": [],
                "primaryWan": "WAN",
                "wanFailover": false,
            })
        })
        .collect();
    // The official example has `hubsPriority: null`, but the specification
    // types it as a non-nullable array; the array form is what validates.
    let spokes: Vec<Value> = config
        .spokes
        .iter()
        .map(|spoke| {
            json!({
                "id": spoke.id(),
                "hostId": spoke.host.id,
                "siteId": spoke.site.site_id,
                "networkIds": [],
                "routes": [spoke.route()],
                "primaryWan": "WAN",
                "wanFailover": false,
                "hubsPriority": hub_ids,
            })
        })
        .collect();
    json!({
        "id": config.id,
        "name": config.name,
        "type": "sdwan-hbsp",
        "variant": config.variant,
        "settings": settings(config),
        "hubs": hubs,
        "spokes": spokes,
    })
}

fn settings(config: &Config<'_>) -> Value {
    let interconnect = (config.hubs.len() > 1).then_some(true);
    json!({
        "hubsInterconnect": interconnect,
        "spokeToHubTunnelsMode": config.tunnels_mode,
        "spokesAutoScaleAndNatEnabled": true,
        "spokesAutoScaleAndNatRange": "172.16.0.0/12",
        "spokesIsolate": true,
        "spokeStandardSettingsEnabled": false,
        "spokeStandardSettingsValues": null,
        "spokeToHubRouting": "geo",
    })
}

/// The deployment status of `config` at simulated time `now`; `generated_at` is
/// when the fleet was generated (the configuration was last applied three days
/// before).
pub fn status(
    config: &Config<'_>,
    seed: u64,
    generated_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Value {
    let applied = (generated_at - Duration::days(3)).timestamp_millis();
    let hubs: Vec<Value> = config
        .hubs
        .iter()
        .map(|hub| {
            let mut value = member_status(hub, seed, now);
            value["networks"] = json!([{
                "networkId": network_id(hub),
                "name": "Default",
                "errors": [],
                "warnings": [],
            }]);
            value
        })
        .collect();
    let spokes: Vec<Value> = config
        .spokes
        .iter()
        .map(|spoke| {
            let mut value = member_status(spoke, seed, now);
            value["routes"] =
                json!([{ "routeValue": spoke.route(), "errors": [], "warnings": [] }]);
            value["connections"] = config
                .hubs
                .iter()
                .map(|hub| connection(hub, spoke))
                .collect();
            value
        })
        .collect();
    // The official example's top-level `id` is "": kept, clients must not rely
    // on it.
    json!({
        "id": "",
        "fingerprint": fingerprint(config),
        "updatedAt": applied,
        "lastGeneratedAt": applied,
        "generateStatus": "OK",
        "errors": [],
        "warnings": [],
        "hubs": hubs,
        "spokes": spokes,
    })
}

/// What hubs and spokes share. `applyStatus` is the documented lower-case `ok`;
/// the official example shows `OK`.
fn member_status(member: &Member<'_>, seed: u64, now: DateTime<Utc>) -> Value {
    json!({
        "id": member.id(),
        "hostId": member.host.id,
        "siteId": member.site.site_id,
        "name": member.host.name,
        "primaryWanStatus": primary_wan(member, seed, now),
        // An unused secondary WAN. The example has `internetIssues: null`,
        // which the specification's non-nullable array type refuses; an empty
        // array validates.
        "secondaryWanStatus": { "ip": "", "latency": null, "internetIssues": [], "wanId": "" },
        "errors": [],
        "warnings": [],
        "numberOfTunnelsUsedByOtherFeatures": 0,
        "networks": [],
        "routes": [],
        "applyStatus": "ok",
    })
}

fn primary_wan(member: &Member<'_>, seed: u64, now: DateTime<Utc>) -> Value {
    let latency = member.host.connected.then(|| {
        let five = Duration::minutes(5);
        let bucket = now.duration_trunc(five).unwrap_or(now) - five;
        metrics::period(seed, member.site, Interval::FiveMinutes, bucket)
            .avg_latency
            .round()
    });
    json!({
        "ip": member.host.ip_address,
        "latency": latency,
        "internetIssues": [],
        "wanId": "WAN",
    })
}

fn connection(hub: &Member<'_>, spoke: &Member<'_>) -> Value {
    let status = if hub.host.connected && spoke.host.connected {
        "connected"
    } else {
        "disconnected"
    };
    json!({
        "hubId": hub.id(),
        "tunnels": [{ "spokeWanId": "WAN", "hubWanId": "WAN", "status": status }],
    })
}

fn network_id(hub: &Member<'_>) -> String {
    derived_hex(&["sdwan-network", &hub.site.site_id], 24)
}

/// Identifies what the configuration is made of: changes when a member or route
/// changes.
fn fingerprint(config: &Config<'_>) -> String {
    let mut parts = vec![config.id.clone(), config.variant.to_owned()];
    parts.extend(config.hubs.iter().map(Member::id));
    parts.extend(
        config
            .spokes
            .iter()
            .map(|s| format!("{}={}", s.id(), s.route())),
    );
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    derived_hex(&parts, 16)
}
