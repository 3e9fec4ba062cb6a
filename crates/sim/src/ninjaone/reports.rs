//! `GET /v2/queries/device-health`: the per-device health report, read through
//! a named cursor (see [`super::cursors`]).
//!
//! Parameters: `df` (device filter), `health` (`UNHEALTHY`, `HEALTHY`,
//! `UNKNOWN`, `NEEDS_ATTENTION`), `cursor` (a name from an earlier answer) and
//! `pageSize` (default 1000). Answer: `{cursor: {name, offset, count, expires},
//! results: [...]}`; a page with no results ends the walk. An unknown or
//! expired cursor answers 400.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response, Result};
use serde::Serialize;

use super::auth::Bearer;
use super::cursors::{self, CursorPage};
use super::devices::filtered;
use super::df::DeviceFilter;
use super::params::Params;
use super::{errors, wire};
use crate::Sim;
use crate::fleet::{Alert, Fleet};

/// Rows per page when none is asked for.
pub const DEFAULT_PAGE_SIZE: usize = 1000;

const HEALTH_VALUES: [&str; 4] = ["UNHEALTHY", "HEALTHY", "UNKNOWN", "NEEDS_ATTENTION"];

#[derive(Serialize)]
struct ReportPage<T> {
    cursor: CursorWire,
    results: Vec<T>,
}

#[derive(Serialize)]
struct CursorWire {
    name: String,
    offset: usize,
    count: usize,
    expires: f64,
}

/// One page of the device-health report.
pub async fn device_health(
    _: Bearer,
    State(sim): State<Arc<Sim>>,
    params: Params,
) -> Result<Response> {
    let page_size = params
        .int32("pageSize")?
        .filter(|&size| size >= 1)
        .map(|size| size as usize);
    let health = match params.get("health").map(str::to_ascii_uppercase) {
        Some(h) if !HEALTH_VALUES.contains(&h.as_str()) => return Err(errors::not_found().into()),
        health => health,
    };
    let filter = params.device_filter()?;
    let now = sim.now()?;

    let page = match params.get("cursor").filter(|c| !c.is_empty()) {
        Some(name) => cursors::next(name, page_size, now)
            .ok_or_else(|| errors::bad_request("Cursor not found or expired"))?,
        None => {
            let devices = sim
                .fleet
                .read(|fleet| matching(fleet, &filter, health.as_deref()))?;
            cursors::open(devices, page_size.unwrap_or(DEFAULT_PAGE_SIZE), now)
        }
    };
    let results = sim.fleet.read(|fleet| rows(fleet, &page))?;
    let answer = ReportPage {
        cursor: CursorWire {
            name: page.name.clone(),
            offset: page.offset,
            count: results.len(),
            expires: page.expires.timestamp_millis() as f64 / 1000.0,
        },
        results,
    };
    Ok(Json(answer).into_response())
}

/// The ids of the devices the report covers: those passing `filter` whose
/// health is `health`, when one is asked for.
fn matching(fleet: &Fleet, filter: &DeviceFilter, health: Option<&str>) -> Vec<i64> {
    let alerts = alerts_by_device(fleet);
    filtered(fleet, filter)
        .filter(|d| {
            health.is_none_or(|wanted| {
                let alerts = alerts.get(&d.id).into_iter().flatten().copied();
                wire::health_status(d, alerts) == wanted
            })
        })
        .map(|d| d.id)
        .collect()
}

fn alerts_by_device(fleet: &Fleet) -> HashMap<i64, Vec<&Alert>> {
    let mut by_device: HashMap<i64, Vec<&Alert>> = HashMap::new();
    for alert in &fleet.alerts {
        by_device.entry(alert.device_id).or_default().push(alert);
    }
    by_device
}

/// The rows of a page, from the fleet as it is now; devices removed since the
/// cursor was opened are skipped.
fn rows(fleet: &Fleet, page: &CursorPage) -> Vec<wire::HealthRow> {
    let alerts = alerts_by_device(fleet);
    let devices: HashMap<i64, _> = fleet.devices.iter().map(|d| (d.id, d)).collect();
    page.rows
        .iter()
        .filter_map(|id| devices.get(id))
        .map(|device| {
            let alerts = alerts
                .get(&device.id)
                .map(Vec::as_slice)
                .unwrap_or_default();
            wire::health_row(fleet.seed, device, alerts)
        })
        .collect()
}
