//! `GET /v1/devices`: devices grouped by host, paginated by host group.
//!
//! Only hosts the key's account owns are listed (the service's documented
//! rule), so a site of a non-owned console shows in `/v1/sites` with its counts
//! but has no devices here. Filters: `hostIds[]` (also accepted as `hostIds`),
//! repeated; unknown ids are ignored.
//!
//! Limitation: `time` ("last processed timestamp of devices") is validated as
//! RFC 3339 but does not filter, because the service does not document what it
//! filters.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{Response, Result};

use super::auth::ApiKey;
use super::errors::ApiError;
use super::paging::PageRequest;
use super::params::{Params, optional_timestamp};
use super::{envelope, wire};
use crate::Sim;
use crate::fleet::Host;

/// Lists the device groups of owned hosts; `pageSize` counts groups, the token
/// is the next group's host id.
pub async fn list(_: ApiKey, State(sim): State<Arc<Sim>>, params: Params) -> Result<Response> {
    optional_timestamp(&params, "time")?;
    let page = PageRequest::from_params(&params)?;
    let wanted: Vec<&str> = params.all(&["hostIds[]", "hostIds"]).collect();
    let answer = sim.fleet.read(|fleet| {
        let hosts: Vec<&Host> = fleet
            .hosts
            .iter()
            .filter(|h| h.owner && (wanted.is_empty() || wanted.contains(&h.id.as_str())))
            .collect();
        let (hosts, next) = page.slice(&hosts, |h| h.id.clone())?;
        let groups: Vec<_> = hosts
            .iter()
            .map(|host| {
                let devices = fleet.unifi_devices.iter().filter(|d| d.host_id == host.id);
                wire::device_group(host, devices, fleet.evolved_to)
            })
            .collect();
        Ok::<_, ApiError>(envelope::page(groups, next))
    })??;
    Ok(answer)
}
