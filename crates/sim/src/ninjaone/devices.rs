//! `GET /v2/devices`, `/v2/devices-detailed`, `/v2/device/{id}` and
//! `/v2/organization/{id}/devices`.
//!
//! The lists are bare arrays in ascending id order, paged with `pageSize` and
//! `after` (the last id of the previous page) and filtered with `df`; pending
//! devices show only when `df` asks for a `status`. Unknown parameters are
//! ignored, so `org=12` lists every organization's devices, as it does on the
//! real service.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response, Result};

use super::auth::Bearer;
use super::df::DeviceFilter;
use super::params::{self, EntityPage, Params};
use super::{bare_list, errors, wire};
use crate::Sim;
use crate::fleet::{Device, Fleet};

/// Lists devices (base fields).
pub async fn list(_: Bearer, State(sim): State<Arc<Sim>>, params: Params) -> Result<Response> {
    let page = EntityPage::from_params(&params)?;
    let filter = params.device_filter()?;
    let devices = sim.fleet.read(|fleet| {
        page.take(filtered(fleet, &filter), |d| d.id)
            .into_iter()
            .map(wire::device)
            .collect::<Vec<_>>()
    })?;
    Ok(bare_list(devices))
}

/// Lists devices with details.
pub async fn list_detailed(
    _: Bearer,
    State(sim): State<Arc<Sim>>,
    params: Params,
) -> Result<Response> {
    let page = EntityPage::from_params(&params)?;
    let filter = params.device_filter()?;
    let devices = sim.fleet.read(|fleet| {
        let public_ips = public_ips(fleet);
        page.take(filtered(fleet, &filter), |d| d.id)
            .into_iter()
            .map(|d| wire::device_detailed(d, public_ip(&public_ips, d)))
            .collect::<Vec<_>>()
    })?;
    Ok(bare_list(devices))
}

/// One device with details, whatever its approval status; an unknown id answers
/// 404.
pub async fn get(
    _: Bearer,
    State(sim): State<Arc<Sim>>,
    Path(id): Path<String>,
) -> Result<Response> {
    let id = params::int32(&id)?;
    let device = sim.fleet.read(|fleet| {
        let public_ips = public_ips(fleet);
        fleet
            .devices
            .iter()
            .find(|d| d.id == id)
            .map(|d| wire::device_detailed(d, public_ip(&public_ips, d)))
    })?;
    let device = device.ok_or_else(errors::not_found)?;
    Ok(Json(device).into_response())
}

/// Lists the approved devices of one organization (base fields); an unknown
/// organization answers 404.
pub async fn of_organization(
    _: Bearer,
    State(sim): State<Arc<Sim>>,
    Path(id): Path<String>,
    params: Params,
) -> Result<Response> {
    let id = params::int32(&id)?;
    let page = EntityPage::from_params(&params)?;
    let filter = DeviceFilter::default();
    let devices = sim.fleet.read(|fleet| {
        fleet.organizations.iter().any(|o| o.id == id).then(|| {
            let devices = filtered(fleet, &filter).filter(|d| d.organization_id == id);
            page.take(devices, |d| d.id)
                .into_iter()
                .map(wire::device)
                .collect::<Vec<_>>()
        })
    })?;
    let devices = devices.ok_or_else(errors::not_found)?;
    Ok(bare_list(devices))
}

/// The devices passing `filter`, ascending id.
pub fn filtered<'a>(
    fleet: &'a Fleet,
    filter: &'a DeviceFilter,
) -> impl Iterator<Item = &'a Device> + 'a {
    fleet
        .devices
        .iter()
        .filter(|d| filter.matches(d, wire::role_id(&d.node_class)))
}

/// The public address of each organization: that of the gateway of its UniFi
/// site.
fn public_ips(fleet: &Fleet) -> HashMap<i64, &str> {
    let hosts: HashMap<&str, &str> = fleet
        .hosts
        .iter()
        .map(|h| (h.id.as_str(), h.ip_address.as_str()))
        .collect();
    fleet
        .sites
        .iter()
        .filter_map(|s| Some((s.organization_id, *hosts.get(s.host_id.as_str())?)))
        .collect()
}

fn public_ip<'a>(public_ips: &HashMap<i64, &'a str>, device: &Device) -> &'a str {
    public_ips
        .get(&device.organization_id)
        .copied()
        .unwrap_or_default()
}
