//! ISP metrics: `GET /v1/isp-metrics/{type}` for every site and `POST
//! /v1/isp-metrics/{type}/query` for chosen sites.
//!
//! `type` is `5m` (kept 24 hours) or `1h` (kept 30 days). A window is given
//! either by `beginTimestamp` and/or `endTimestamp` (RFC 3339) or by `duration`
//! (`24h` for `5m`; `7d` or `30d` for `1h`), never both. Only complete periods
//! inside the window and the retention are returned, each starting on an
//! interval boundary; their figures come from
//! [`crate::fleet::metrics::period`], so history costs nothing to keep.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{Response, Result};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::auth::ApiKey;
use super::errors::{self, ApiError};
use super::params::{Params, optional_timestamp, timestamp};
use super::{envelope, wire};
use crate::Sim;
use crate::fleet::metrics::Interval;
use crate::fleet::{Fleet, Host, Site};

/// The message of a query that reached only some of the sites asked for.
pub const PARTIAL_MESSAGE: &str =
    "some of the requested sites are not accessible for the user or were ignored as duplicates";

/// The metrics of every site over the requested window.
pub async fn get(
    _: ApiKey,
    State(sim): State<Arc<Sim>>,
    Path(kind): Path<String>,
    params: Params,
) -> Result<Response> {
    let interval = interval(&kind)?;
    let now = sim.now()?;
    let window = window_from_params(interval, &params, now)?;
    let times = window.period_starts(interval, now);
    let series = sim.fleet.read(|fleet| {
        let hosts = hosts_by_id(fleet);
        fleet
            .sites
            .iter()
            .map(|site| series(fleet, &hosts, site, interval, &times))
            .collect::<Vec<_>>()
    })?;
    Ok(envelope::data(series))
}

#[derive(Deserialize)]
struct QueryBody {
    sites: Option<Vec<Option<QuerySite>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QuerySite {
    host_id: Option<String>,
    site_id: Option<String>,
    begin_timestamp: Option<String>,
    end_timestamp: Option<String>,
}

#[derive(Serialize)]
struct QueryAnswer {
    metrics: Vec<wire::MetricSeries>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'static str>,
}

/// A site asked for, with its window.
struct Wanted {
    host_id: String,
    site_id: String,
    window: Window,
}

/// The metrics of the sites in the body. Sites the account cannot reach, and
/// repeats, are left out with `status: "partialSuccess"`; when none is
/// reachable the answer is 502.
pub async fn query(
    _: ApiKey,
    State(sim): State<Arc<Sim>>,
    Path(kind): Path<String>,
    body: Bytes,
) -> Result<Response> {
    let interval = interval(&kind)?;
    let now = sim.now()?;
    let wanted = wanted_sites(&body, interval, now)?;
    let (metrics, partial) = sim.fleet.read(|fleet| {
        let hosts = hosts_by_id(fleet);
        let mut seen = HashSet::new();
        let mut metrics = Vec::new();
        for entry in wanted.iter().flatten() {
            let site = fleet
                .sites
                .iter()
                .find(|s| s.site_id == entry.site_id && s.host_id == entry.host_id);
            let Some(site) = site else { continue };
            if !seen.insert((&entry.host_id, &entry.site_id)) {
                continue;
            }
            let times = entry.window.period_starts(interval, now);
            metrics.push(series(fleet, &hosts, site, interval, &times));
        }
        let partial = metrics.len() < wanted.len();
        (metrics, partial)
    })?;
    if metrics.is_empty() {
        return Err(errors::bad_gateway().into());
    }
    let answer = QueryAnswer {
        metrics,
        status: partial.then_some("partialSuccess"),
        message: partial.then_some(PARTIAL_MESSAGE),
    };
    Ok(envelope::data(answer))
}

/// The entries of a query body; `None` for a `null` entry. Missing ids or
/// malformed timestamps refuse the whole query with 400.
fn wanted_sites(
    body: &[u8],
    interval: Interval,
    now: DateTime<Utc>,
) -> Result<Vec<Option<Wanted>>, ApiError> {
    let invalid = |message: &str| errors::parameter_invalid(message);
    let body: QueryBody =
        serde_json::from_slice(body).map_err(|_| invalid("invalid request body"))?;
    let sites = body
        .sites
        .filter(|sites| !sites.is_empty())
        .ok_or_else(|| invalid("sites is required"))?;
    sites
        .into_iter()
        .map(|entry| {
            let Some(entry) = entry else { return Ok(None) };
            let (Some(host_id), Some(site_id)) = (entry.host_id, entry.site_id) else {
                return Err(invalid("hostId and siteId are required"));
            };
            let begin = entry
                .begin_timestamp
                .map(|v| timestamp("beginTimestamp", &v))
                .transpose()?;
            let end = entry
                .end_timestamp
                .map(|v| timestamp("endTimestamp", &v))
                .transpose()?;
            Ok(Some(Wanted {
                host_id,
                site_id,
                window: Window::between(interval, begin, end, now),
            }))
        })
        .collect()
}

fn hosts_by_id(fleet: &Fleet) -> HashMap<&str, &Host> {
    fleet.hosts.iter().map(|h| (h.id.as_str(), h)).collect()
}

fn series(
    fleet: &Fleet,
    hosts: &HashMap<&str, &Host>,
    site: &Site,
    interval: Interval,
    times: &[DateTime<Utc>],
) -> wire::MetricSeries {
    let version = hosts
        .get(site.host_id.as_str())
        .map_or("1", |h| h.network_version.as_str());
    wire::metric_series(fleet.seed, site, version, interval, times)
}

/// The interval named in the path.
fn interval(kind: &str) -> Result<Interval, ApiError> {
    match kind {
        "5m" => Ok(Interval::FiveMinutes),
        "1h" => Ok(Interval::OneHour),
        _ => Err(errors::parameter_invalid(format!(
            "invalid metric type: {kind}"
        ))),
    }
}

fn step(interval: Interval) -> Duration {
    match interval {
        Interval::FiveMinutes => Duration::minutes(5),
        Interval::OneHour => Duration::hours(1),
    }
}

/// How far back the service keeps data of an interval.
fn retention(interval: Interval) -> Duration {
    match interval {
        Interval::FiveMinutes => Duration::hours(24),
        Interval::OneHour => Duration::days(30),
    }
}

/// The window when none is given: the shortest `duration` the interval accepts.
fn default_span(interval: Interval) -> Duration {
    match interval {
        Interval::FiveMinutes => Duration::hours(24),
        Interval::OneHour => Duration::days(7),
    }
}

/// A requested time window.
#[derive(Debug, Clone, Copy)]
struct Window {
    begin: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl Window {
    /// The window of explicit bounds; a missing end is now, a missing begin is
    /// the default span before the end.
    fn between(
        interval: Interval,
        begin: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Self {
        let end = end.unwrap_or(now);
        let begin = begin.unwrap_or(end - default_span(interval));
        Self { begin, end }
    }

    /// Starts of the complete periods inside the window and the retention,
    /// oldest first.
    fn period_starts(&self, interval: Interval, now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let step = step(interval);
        let from = align_up(self.begin.max(now - retention(interval)), step);
        let to = self.end.min(now);
        let mut starts = Vec::new();
        let mut start = from;
        while start + step <= to {
            starts.push(start);
            start += step;
        }
        starts
    }
}

/// Reads the window of a GET: timestamps or a duration, not both.
fn window_from_params(
    interval: Interval,
    params: &Params,
    now: DateTime<Utc>,
) -> Result<Window, ApiError> {
    let begin = optional_timestamp(params, "beginTimestamp")?;
    let end = optional_timestamp(params, "endTimestamp")?;
    let Some(duration) = params.get("duration") else {
        return Ok(Window::between(interval, begin, end, now));
    };
    if begin.is_some() || end.is_some() {
        return Err(errors::parameter_invalid(
            "duration cannot be combined with beginTimestamp or endTimestamp",
        ));
    }
    let span = match (interval, duration) {
        (Interval::FiveMinutes, "24h") => Duration::hours(24),
        (Interval::OneHour, "7d") => Duration::days(7),
        (Interval::OneHour, "30d") => Duration::days(30),
        _ => {
            return Err(errors::parameter_invalid(format!(
                "invalid duration: {duration}"
            )));
        }
    };
    Ok(Window {
        begin: now - span,
        end: now,
    })
}

/// The first interval boundary at or after `time`.
fn align_up(time: DateTime<Utc>, step: Duration) -> DateTime<Utc> {
    let step_ms = step.num_milliseconds();
    let ms = time.timestamp_millis();
    let aligned = ms.div_euclid(step_ms) * step_ms;
    let aligned = if aligned < ms {
        aligned + step_ms
    } else {
        aligned
    };
    DateTime::from_timestamp_millis(aligned).unwrap_or(time)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn periods_are_aligned_complete_and_within_retention() {
        let now = at("2026-12-03T12:07:30Z");
        let window = Window::between(Interval::FiveMinutes, None, None, now);
        let starts = window.period_starts(Interval::FiveMinutes, now);
        assert_eq!(starts.len(), 287);
        assert_eq!(starts[0], at("2026-12-02T12:10:00Z"));
        assert_eq!(*starts.last().unwrap(), at("2026-12-03T12:00:00Z"));

        let old = Window::between(
            Interval::OneHour,
            Some(at("2026-01-01T00:00:00Z")),
            None,
            now,
        );
        let starts = old.period_starts(Interval::OneHour, now);
        assert_eq!(starts[0], at("2026-11-03T13:00:00Z"));
        assert_eq!(*starts.last().unwrap(), at("2026-12-03T11:00:00Z"));
    }
}
