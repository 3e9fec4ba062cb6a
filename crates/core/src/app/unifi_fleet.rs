//! [`UnifiFleet`]: what the syncs that compare site configurations read from UniFi Site
//! Manager: the sites, their hosts, and the hosts' devices.

use super::context::Context;
use crate::exit::Outcome;
use crate::sync::RunFailure;
use crate::unifi::{Device, Host, Site, UnifiError};

/// UniFi's sites, hosts and devices, as read at one time.
#[derive(Debug, Clone)]
pub struct UnifiFleet {
    /// Every site.
    pub sites: Vec<Site>,
    /// Every host (console).
    pub hosts: Vec<Host>,
    /// The devices of every host.
    pub devices: Vec<Device>,
}

impl UnifiFleet {
    /// Reads hosts and sites together, then the hosts' devices.
    pub async fn read(context: &Context) -> Result<Self, RunFailure> {
        let failure = |err: UnifiError| RunFailure::new(Outcome::of_failure(err.class()), err);
        let (hosts, sites) =
            tokio::try_join!(context.unifi.hosts(), context.unifi.sites()).map_err(failure)?;
        let host_ids: Vec<String> = hosts.iter().map(|h| h.id.clone()).collect();
        let devices = context.unifi.devices(&host_ids).await.map_err(failure)?;
        Ok(Self {
            sites,
            hosts,
            devices,
        })
    }
}
