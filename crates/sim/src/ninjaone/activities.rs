//! `GET /v2/activities` and `GET /v2/device/{id}/activities`: the activity log,
//! newest first, as `{lastActivityId, activities}`.
//!
//! Paging is by id: `olderThan=<id>` returns activities with smaller ids,
//! `newerThan=<id>` larger ones (the specification swaps their descriptions;
//! the names are right). Either way the page holds the newest matching
//! activities, at most `pageSize` (clamped to 10–1000, default 200), so walking
//! forward with `newerThan` skips rows, as clients are warned. `lastActivityId`
//! is the newest id of the whole account, whatever the filters.
//!
//! Filters of the account log: `class` (`SYSTEM`, `DEVICE`, `USER`, `ALL`),
//! `before` / `after` (epoch seconds, dates rather than cursors), `type`
//! (activity type), `status` (status codes, comma-separated), `seriesUid`,
//! `sourceConfigUid`, `df`. The per-device log names the type filter
//! `activityType`, types its id bounds as int32 and has no class, date or
//! device filter. `user`, `lang` and `tz` are accepted and change nothing.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response, Result};
use serde::Serialize;
use serde_json::json;

use super::auth::Bearer;
use super::df::DeviceFilter;
use super::errors::{self, AppError};
use super::params::{self, Params};
use super::wire;
use crate::Sim;
use crate::fleet::{Activity, Device, Fleet};
use crate::server::EmptyList;

/// Page size when none is asked for.
pub const DEFAULT_PAGE_SIZE: usize = 200;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ActivityPage {
    last_activity_id: i64,
    activities: Vec<wire::ActivityWire>,
}

/// What one request selects.
#[derive(Debug, Default)]
struct Selection {
    class: Option<String>,
    before: Option<f64>,
    after: Option<f64>,
    older_than: Option<i64>,
    newer_than: Option<i64>,
    activity_type: Option<String>,
    status_codes: Vec<String>,
    series_uid: Option<String>,
    source_config_uid: Option<String>,
    device_id: Option<i64>,
    devices: Option<DeviceFilter>,
    page_size: usize,
}

/// The account's activity log.
pub async fn list(_: Bearer, State(sim): State<Arc<Sim>>, params: Params) -> Result<Response> {
    let class = match params.get("class").map(str::to_ascii_uppercase) {
        None => None,
        Some(class) if class == "ALL" => None,
        Some(class) if ["SYSTEM", "DEVICE", "USER"].contains(&class.as_str()) => Some(class),
        Some(_) => return Err(errors::not_found().into()),
    };
    let devices = params
        .get("df")
        .is_some()
        .then(|| params.device_filter())
        .transpose()?;
    let selection = Selection {
        class,
        before: epoch(&params, "before")?,
        after: epoch(&params, "after")?,
        older_than: params.int64("olderThan")?,
        newer_than: params.int64("newerThan")?,
        activity_type: non_empty(params.get("type")),
        devices,
        ..common(&params)?
    };
    let page = sim.fleet.read(|fleet| select(fleet, &selection))?;
    Ok(answer(page))
}

/// One device's activity log; an unknown device answers 404.
pub async fn of_device(
    _: Bearer,
    State(sim): State<Arc<Sim>>,
    Path(id): Path<String>,
    params: Params,
) -> Result<Response> {
    let id = params::int32(&id)?;
    let selection = Selection {
        older_than: params.int32("olderThan")?,
        newer_than: params.int32("newerThan")?,
        activity_type: non_empty(params.get("activityType")),
        device_id: Some(id),
        ..common(&params)?
    };
    let page = sim.fleet.read(|fleet| {
        fleet
            .devices
            .iter()
            .any(|d| d.id == id)
            .then(|| select(fleet, &selection))
    })?;
    let page = page.ok_or_else(errors::not_found)?;
    Ok(answer(page))
}

/// A page of the log; under the `empty` fault, the same object with no
/// activities.
fn answer(page: ActivityPage) -> Response {
    let empty = json!({ "lastActivityId": page.last_activity_id, "activities": [] });
    EmptyList(empty).mark(Json(page).into_response())
}

/// The filters both logs take.
fn common(params: &Params) -> Result<Selection, AppError> {
    let page_size = params
        .int32("pageSize")?
        .map_or(DEFAULT_PAGE_SIZE, |size| size.clamp(10, 1000) as usize);
    let status_codes = params
        .get("status")
        .map(|codes| {
            codes
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    Ok(Selection {
        status_codes,
        series_uid: non_empty(params.get("seriesUid")),
        source_config_uid: non_empty(params.get("sourceConfigUid")),
        page_size,
        ..Selection::default()
    })
}

fn non_empty(value: Option<&str>) -> Option<String> {
    value.filter(|v| !v.is_empty()).map(str::to_owned)
}

/// A date parameter in epoch seconds.
fn epoch(params: &Params, name: &str) -> Result<Option<f64>, AppError> {
    params
        .get(name)
        .map(|text| {
            text.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    errors::bad_request(format!("Invalid {name}: expected epoch seconds"))
                })
        })
        .transpose()
}

fn select(fleet: &Fleet, selection: &Selection) -> ActivityPage {
    let devices: HashMap<i64, &Device> = match selection.devices {
        Some(_) => fleet.devices.iter().map(|d| (d.id, d)).collect(),
        None => HashMap::new(),
    };
    // The log is in ascending id order, so the id bounds cut it without a scan.
    let log = &fleet.activities;
    let end = selection
        .older_than
        .map_or(log.len(), |id| log.partition_point(|a| a.id < id));
    let activities = log[..end]
        .iter()
        .rev()
        .filter(|a| selection.matches(a, &devices))
        .take(selection.page_size)
        .map(wire::activity)
        .collect();
    ActivityPage {
        last_activity_id: fleet.activities.iter().map(|a| a.id).max().unwrap_or(0),
        activities,
    }
}

impl Selection {
    fn matches(&self, activity: &Activity, devices: &HashMap<i64, &Device>) -> bool {
        let eq = |wanted: &Option<String>, actual: &str| {
            wanted
                .as_deref()
                .is_none_or(|w| w.eq_ignore_ascii_case(actual))
        };
        eq(&self.class, &activity.class)
            && eq(&self.activity_type, &activity.activity_type)
            && eq(
                &self.series_uid,
                activity.series_uid.as_deref().unwrap_or_default(),
            )
            && eq(
                &self.source_config_uid,
                activity.source_config_uid.as_deref().unwrap_or_default(),
            )
            && self.before.is_none_or(|t| activity.activity_time < t)
            && self.after.is_none_or(|t| activity.activity_time > t)
            && self.older_than.is_none_or(|id| activity.id < id)
            && self.newer_than.is_none_or(|id| activity.id > id)
            && (self.status_codes.is_empty()
                || self
                    .status_codes
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(&activity.status_code)))
            && self
                .device_id
                .is_none_or(|id| activity.device_id == Some(id))
            && self.devices.as_ref().is_none_or(|filter| {
                activity
                    .device_id
                    .and_then(|id| devices.get(&id))
                    .is_some_and(|d| filter.matches(d, wire::role_id(&d.node_class)))
            })
    }
}
