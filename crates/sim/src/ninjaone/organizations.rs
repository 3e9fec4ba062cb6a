//! `GET /v2/organizations`, `/v2/organizations-detailed`,
//! `/v2/organization/{id}` and `/v2/locations`: bare arrays in ascending id
//! order, paged with `pageSize` and `after`.
//!
//! The `of` filter of the organization lists has an undocumented syntax and is
//! ignored.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response, Result};

use super::auth::Bearer;
use super::params::{self, EntityPage, Params};
use super::{bare_list, errors, wire};
use crate::Sim;
use crate::fleet::{Fleet, Organization};

/// Lists organizations (base fields).
pub async fn list(_: Bearer, State(sim): State<Arc<Sim>>, params: Params) -> Result<Response> {
    let page = EntityPage::from_params(&params)?;
    let organizations = sim.fleet.read(|fleet| {
        page.take(fleet.organizations.iter(), |o| o.id)
            .into_iter()
            .map(wire::organization)
            .collect::<Vec<_>>()
    })?;
    Ok(bare_list(organizations))
}

/// Lists organizations with locations, policies and settings.
pub async fn list_detailed(
    _: Bearer,
    State(sim): State<Arc<Sim>>,
    params: Params,
) -> Result<Response> {
    let page = EntityPage::from_params(&params)?;
    let organizations = sim.fleet.read(|fleet| {
        page.take(fleet.organizations.iter(), |o| o.id)
            .into_iter()
            .map(|o| detailed(fleet, o))
            .collect::<Vec<_>>()
    })?;
    Ok(bare_list(organizations))
}

/// One organization, detailed; an unknown id answers 404.
pub async fn get(
    _: Bearer,
    State(sim): State<Arc<Sim>>,
    Path(id): Path<String>,
) -> Result<Response> {
    let id = params::int32(&id)?;
    let organization = sim.fleet.read(|fleet| {
        fleet
            .organizations
            .iter()
            .find(|o| o.id == id)
            .map(|o| detailed(fleet, o))
    })?;
    let organization = organization.ok_or_else(errors::not_found)?;
    Ok(Json(organization).into_response())
}

/// Lists every location with its `organizationId`, ascending id.
pub async fn locations(_: Bearer, State(sim): State<Arc<Sim>>, params: Params) -> Result<Response> {
    let page = EntityPage::from_params(&params)?;
    let locations = sim.fleet.read(|fleet| {
        let mut organizations: Vec<&Organization> = fleet.organizations.iter().collect();
        organizations.sort_by_key(|o| o.location_id);
        page.take(organizations.into_iter(), |o| o.location_id)
            .into_iter()
            .map(wire::location)
            .collect::<Vec<_>>()
    })?;
    Ok(bare_list(locations))
}

fn detailed(fleet: &Fleet, organization: &Organization) -> wire::DetailedOrganization {
    let roles: BTreeSet<i64> = fleet
        .devices_of(organization.id)
        .map(|d| wire::role_id(&d.node_class))
        .collect();
    let roles: Vec<i64> = roles.into_iter().collect();
    wire::organization_detailed(organization, &roles)
}
