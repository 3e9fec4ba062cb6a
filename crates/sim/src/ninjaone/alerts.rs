//! `GET /v2/alerts` and `GET /v2/device/{id}/alerts`: every active alert as one
//! bare array, unpaged, each with its device's base fields. Filters:
//! `sourceType` and `df` (on the alert's device). `lang` and `tz` are accepted
//! and change nothing.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{Response, Result};

use super::auth::Bearer;
use super::params::{self, Params};
use super::{bare_list, errors, wire};
use crate::Sim;
use crate::fleet::{Alert, Device, Fleet};

/// Lists active alerts.
pub async fn list(_: Bearer, State(sim): State<Arc<Sim>>, params: Params) -> Result<Response> {
    let filter = params
        .get("df")
        .is_some()
        .then(|| params.device_filter())
        .transpose()?;
    let source_type = params.get("sourceType").filter(|s| !s.is_empty());
    let alerts = sim.fleet.read(|fleet| {
        let devices = devices_by_id(fleet);
        fleet
            .alerts
            .iter()
            .filter(|a| source_type.is_none_or(|t| a.source_type.eq_ignore_ascii_case(t)))
            .filter(|a| {
                filter.as_ref().is_none_or(|filter| {
                    devices
                        .get(&a.device_id)
                        .is_some_and(|d| filter.matches(d, wire::role_id(&d.node_class)))
                })
            })
            .map(|a| render(&devices, a))
            .collect::<Vec<_>>()
    })?;
    Ok(bare_list(alerts))
}

/// Lists the active alerts of one device; an unknown device answers 404.
pub async fn of_device(
    _: Bearer,
    State(sim): State<Arc<Sim>>,
    Path(id): Path<String>,
) -> Result<Response> {
    let id = params::int32(&id)?;
    let alerts = sim.fleet.read(|fleet| {
        let devices = devices_by_id(fleet);
        devices.contains_key(&id).then(|| {
            fleet
                .alerts
                .iter()
                .filter(|a| a.device_id == id)
                .map(|a| render(&devices, a))
                .collect::<Vec<_>>()
        })
    })?;
    let alerts = alerts.ok_or_else(errors::not_found)?;
    Ok(bare_list(alerts))
}

fn devices_by_id(fleet: &Fleet) -> HashMap<i64, &Device> {
    fleet.devices.iter().map(|d| (d.id, d)).collect()
}

fn render(devices: &HashMap<i64, &Device>, alert: &Alert) -> wire::AlertWire {
    wire::alert(
        alert,
        devices.get(&alert.device_id).map(|d| wire::device(d)),
    )
}
