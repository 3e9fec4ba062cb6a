//! Sites with their statistics.

use chrono::DateTime;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::number;
use crate::fleet::metrics::{self, Interval};
use crate::fleet::{Counts, Host, Site};

/// A site as `GET /v1/sites` lists it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteWire {
    site_id: String,
    host_id: String,
    meta: Value,
    statistics: Value,
    permission: String,
    is_owner: bool,
}

/// Renders `site`; `host` is the host that runs it (for the gateway's hardware
/// id and the WAN address) and `seed` the fleet seed (latency figures of
/// internet issues).
pub fn site(site: &Site, host: Option<&Host>, seed: u64) -> SiteWire {
    SiteWire {
        site_id: site.site_id.clone(),
        host_id: site.host_id.clone(),
        meta: meta(site),
        statistics: statistics(site, host, seed),
        permission: site.permission.clone(),
        is_owner: site.is_owner,
    }
}

fn meta(site: &Site) -> Value {
    let mut meta = json!({
        "desc": site.desc,
        "gatewayMac": site.gateway_mac,
        "name": site.name,
    });
    if let (Some(timezone), Some(fields)) = (&site.timezone, meta.as_object_mut()) {
        fields.insert("timezone".into(), json!(timezone));
    }
    meta
}

fn statistics(site: &Site, host: Option<&Host>, seed: u64) -> Value {
    let isp = json!({ "name": site.isp_name, "organization": site.isp_organization });
    let uptime = number(site.wan_uptime);
    let mut statistics = Map::new();
    // Some real sites have no `counts` at all: the model says which.
    if let Some(counts) = &site.counts {
        statistics.insert("counts".into(), counts_wire(counts));
    }
    statistics.insert("gateway".into(), gateway(site, host));
    statistics.insert("internetIssues".into(), internet_issues(site, seed));
    statistics.insert("ispInfo".into(), isp.clone());
    statistics.insert("percentages".into(), json!({ "wanUptime": uptime }));
    statistics.insert(
        "wans".into(),
        json!({
            "WAN": {
                "externalIp": host.map(|h| h.ip_address.as_str()).unwrap_or_default(),
                "ispInfo": isp,
                "wanIssues": [],
                "wanUptime": uptime,
            }
        }),
    );
    Value::Object(statistics)
}

fn counts_wire(c: &Counts) -> Value {
    json!({
        "criticalNotification": c.critical_notification,
        "gatewayDevice": c.gateway_device,
        "guestClient": c.guest_client,
        "lanConfiguration": c.lan_configuration,
        "offlineDevice": c.offline_device,
        "offlineGatewayDevice": c.offline_gateway_device,
        "offlineWifiDevice": c.offline_wifi_device,
        "offlineWiredDevice": c.offline_wired_device,
        "pendingUpdateDevice": c.pending_update_device,
        "totalDevice": c.total_device,
        "wanConfiguration": c.wan_configuration,
        "wifiClient": c.wifi_client,
        "wifiConfiguration": c.wifi_configuration,
        "wifiDevice": c.wifi_device,
        "wiredClient": c.wired_client,
        "wiredDevice": c.wired_device,
    })
}

fn gateway(site: &Site, host: Option<&Host>) -> Value {
    let inspection = if site.ips_mode == "disabled" {
        "off"
    } else {
        "on"
    };
    json!({
        "hardwareId": host.map(|h| h.hardware_id.as_str()).unwrap_or_default(),
        "inspectionState": inspection,
        "ipsMode": site.ips_mode,
        "ipsSignature": { "rulesCount": 53031, "type": "ET" },
        "shortname": site.gateway_shortname,
    })
}

/// Issues as 5-minute bucket numbers; every other one also carries the latency
/// flags seen on real consoles, with figures from the site's ISP metrics for
/// that bucket.
fn internet_issues(site: &Site, seed: u64) -> Value {
    let issues = site.internet_issues.iter().map(|&index| {
        if index % 2 != 0 {
            return json!({ "index": index });
        }
        let start = DateTime::from_timestamp(index.saturating_mul(300), 0).unwrap_or_default();
        let period = metrics::period(seed, site, Interval::FiveMinutes, start);
        json!({
            "index": index,
            "highLatency": true,
            "latencyAvgMs": period.avg_latency.round() as i64,
            "latencyMaxMs": period.max_latency.round() as i64,
        })
    });
    Value::Array(issues.collect())
}
