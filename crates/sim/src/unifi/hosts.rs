//! `GET /v1/hosts` (paginated) and `GET /v1/hosts/{id}`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{Response, Result};

use super::auth::ApiKey;
use super::errors::ApiError;
use super::paging::PageRequest;
use super::params::Params;
use super::{envelope, errors, wire};
use crate::Sim;

/// Lists hosts in fleet order; the page token is the next host's id.
pub async fn list(_: ApiKey, State(sim): State<Arc<Sim>>, params: Params) -> Result<Response> {
    let page = PageRequest::from_params(&params)?;
    let answer = sim.fleet.read(|fleet| {
        let (hosts, next) = page.slice(&fleet.hosts, |h| h.id.clone())?;
        let hosts: Vec<_> = hosts.iter().map(|h| wire::host(h, fleet)).collect();
        Ok::<_, ApiError>(envelope::page(hosts, next))
    })??;
    Ok(answer)
}

/// One host; an unknown id answers 404 `thing not found: <id>`.
pub async fn get(
    _: ApiKey,
    State(sim): State<Arc<Sim>>,
    Path(id): Path<String>,
) -> Result<Response> {
    let host = sim
        .fleet
        .read(|fleet| fleet.host(&id).map(|h| wire::host(h, fleet)))?;
    match host {
        Some(host) => Ok(envelope::data(host)),
        None => Err(errors::host_not_found(&id).into()),
    }
}
