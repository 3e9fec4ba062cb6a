//! `GET /v1/sites` (paginated).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::response::{Response, Result};

use super::auth::ApiKey;
use super::errors::ApiError;
use super::paging::{PageRequest, uuid_token};
use super::params::Params;
use super::{envelope, wire};
use crate::Sim;

/// Lists sites in fleet order; the page token is a UUID derived from the next
/// site's id.
pub async fn list(_: ApiKey, State(sim): State<Arc<Sim>>, params: Params) -> Result<Response> {
    let page = PageRequest::from_params(&params)?;
    let answer = sim.fleet.read(|fleet| {
        let (sites, next) = page.slice(&fleet.sites, |s| uuid_token("sites", &s.site_id))?;
        let hosts: HashMap<&str, _> = fleet.hosts.iter().map(|h| (h.id.as_str(), h)).collect();
        let sites: Vec<_> = sites
            .iter()
            .map(|s| wire::site(s, hosts.get(s.host_id.as_str()).copied(), fleet.seed))
            .collect();
        Ok::<_, ApiError>(envelope::page(sites, next))
    })??;
    Ok(answer)
}
