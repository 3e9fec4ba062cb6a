//! The nine Site Manager operations, as methods of [`UnifiClient`].

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::client::{Family, UnifiClient};
use super::error::UnifiError;
use super::types::{
    Device, Host, MetricQueryResult, MetricQuerySite, MetricType, MetricWindow, SdwanConfig,
    SdwanStatus, SdwanSummary, Site, SiteMetrics,
};
use super::{de, wire};
use crate::http::Request;

impl UnifiClient {
    /// Every host the key sees (`GET /v1/hosts`, all pages).
    pub async fn hosts(&self) -> Result<Vec<Host>, UnifiError> {
        let hosts: Vec<wire::Host> = self.pages("/v1/hosts", &[]).await?;
        Ok(hosts.into_iter().filter_map(Host::from_wire).collect())
    }

    /// One host (`GET /v1/hosts/{id}`); an unknown id is [`UnifiError::NotFound`].
    pub async fn host(&self, id: &str) -> Result<Host, UnifiError> {
        let path = format!("/v1/hosts/{}", segment(id));
        let answer = self.call(Request::get(&path)).await?;
        let host: wire::Host = read_object(&path, answer.data)?;
        Host::from_wire(host).ok_or_else(|| decode(&path, "the host has no id"))
    }

    /// Every site of the hosts running the Network application (`GET /v1/sites`, all pages).
    pub async fn sites(&self) -> Result<Vec<Site>, UnifiError> {
        let sites: Vec<wire::Site> = self.pages("/v1/sites", &[]).await?;
        Ok(sites.into_iter().filter_map(Site::from_wire).collect())
    }

    /// Devices of the owned hosts, each with its host id (`GET /v1/devices`, all pages);
    /// `host_ids` narrows the list (`hostIds[]`), empty means every host.
    pub async fn devices(&self, host_ids: &[String]) -> Result<Vec<Device>, UnifiError> {
        let query: Vec<(&str, &str)> = host_ids
            .iter()
            .map(|id| ("hostIds[]", id.as_str()))
            .collect();
        let groups: Vec<wire::DeviceGroup> = self.pages("/v1/devices", &query).await?;
        Ok(groups.into_iter().flat_map(Device::from_group).collect())
    }

    /// ISP metrics of every site (`GET /v1/isp-metrics/{type}`, `/ea` after a 404).
    pub async fn isp_metrics(
        &self,
        kind: MetricType,
        window: MetricWindow,
    ) -> Result<Vec<SiteMetrics>, UnifiError> {
        let suffix = format!("/isp-metrics/{}", kind.as_str());
        let answer = self
            .versioned(Family::Metrics, &suffix, |path| {
                window_query(Request::get(path), window)
            })
            .await?;
        let entries: Vec<wire::SiteMetrics> = de::items(answer.data);
        Ok(entries
            .into_iter()
            .filter_map(SiteMetrics::from_wire)
            .collect())
    }

    /// ISP metrics of chosen sites (`POST /v1/isp-metrics/{type}/query`). Sites the key
    /// cannot reach are left out and flagged by `partial_success`; when it reaches none the
    /// service answers 502, which is [`UnifiError::NoSiteAccessible`].
    pub async fn query_isp_metrics(
        &self,
        kind: MetricType,
        sites: &[MetricQuerySite],
    ) -> Result<MetricQueryResult, UnifiError> {
        let body = json!({ "sites": sites.iter().map(query_site).collect::<Vec<_>>() });
        let suffix = format!("/isp-metrics/{}/query", kind.as_str());
        let answer = self
            .versioned(Family::Metrics, &suffix, |path| {
                Request::new(reqwest::Method::POST, path).json(body.clone())
            })
            .await?;
        let result: wire::MetricQueryAnswer = read_object(&suffix, answer.data)?;
        let partial_success = result
            .status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("partialSuccess"));
        if partial_success {
            tracing::warn!(
                api = "unifi",
                message = result.message.as_deref().unwrap_or(""),
                "ISP metrics query partly answered"
            );
        }
        Ok(MetricQueryResult {
            metrics: result
                .metrics
                .into_iter()
                .filter_map(SiteMetrics::from_wire)
                .collect(),
            partial_success,
            message: result.message,
        })
    }

    /// SD-WAN configurations (`GET /v1/sd-wan-configs`, `/ea` after a 404).
    pub async fn sdwan_configs(&self) -> Result<Vec<SdwanSummary>, UnifiError> {
        let answer = self
            .versioned(Family::Sdwan, "/sd-wan-configs", Request::get)
            .await?;
        let configs: Vec<wire::SdwanConfig> = de::items(answer.data);
        Ok(configs
            .into_iter()
            .filter_map(|c| {
                Some(SdwanSummary {
                    id: c.id.filter(|id| !id.is_empty())?,
                    name: c.name,
                    kind: c.kind,
                })
            })
            .collect())
    }

    /// One SD-WAN configuration (`GET /v1/sd-wan-configs/{id}`).
    pub async fn sdwan_config(&self, id: &str) -> Result<SdwanConfig, UnifiError> {
        let suffix = format!("/sd-wan-configs/{}", segment(id));
        let answer = self.versioned(Family::Sdwan, &suffix, Request::get).await?;
        let config: wire::SdwanConfig = read_object(&suffix, answer.data)?;
        Ok(SdwanConfig::from_wire(config, id))
    }

    /// Deployment status of one SD-WAN configuration (`…/{id}/status`).
    pub async fn sdwan_status(&self, id: &str) -> Result<SdwanStatus, UnifiError> {
        let suffix = format!("/sd-wan-configs/{}/status", segment(id));
        let answer = self.versioned(Family::Sdwan, &suffix, Request::get).await?;
        let status: wire::SdwanStatus = read_object(&suffix, answer.data)?;
        Ok(SdwanStatus::from_wire(status))
    }
}

/// An id as one path segment: host ids contain `:`, which is fine in a path; anything that
/// would change the path (`/`, `?`, `#`, `%`, spaces) is percent-encoded.
fn segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for byte in id.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b':' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn timestamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn window_query(request: Request, window: MetricWindow) -> Request {
    match window {
        MetricWindow::LastDay => request.query("duration", "24h"),
        MetricWindow::LastWeek => request.query("duration", "7d"),
        MetricWindow::LastMonth => request.query("duration", "30d"),
        MetricWindow::Between { begin, end } => {
            let request = match begin {
                Some(begin) => request.query("beginTimestamp", timestamp(begin)),
                None => request,
            };
            match end {
                Some(end) => request.query("endTimestamp", timestamp(end)),
                None => request,
            }
        }
    }
}

fn query_site(site: &MetricQuerySite) -> Value {
    let mut entry = json!({ "hostId": site.host_id, "siteId": site.site_id });
    if let Some(begin) = site.begin {
        entry["beginTimestamp"] = json!(timestamp(begin));
    }
    if let Some(end) = site.end {
        entry["endTimestamp"] = json!(timestamp(end));
    }
    entry
}

fn read_object<T: serde::de::DeserializeOwned>(path: &str, data: Value) -> Result<T, UnifiError> {
    if !data.is_object() {
        return Err(decode(path, "`data` is not an object"));
    }
    serde_json::from_value(data).map_err(|err| decode(path, &err.to_string()))
}

fn decode(path: &str, reason: &str) -> UnifiError {
    UnifiError::Decode {
        endpoint: path.to_owned(),
        reason: reason.to_owned(),
    }
}
