//! The SD-WAN configurations of the fleet, derived from its sites rather than
//! stored.
//!
//! Hub-and-spoke VPNs only exist between gateways the account owns, so the
//! configurations are laid over the sites of owned single-site consoles, in
//! listing order: "Branch VPN" (one hub, up to four spokes) whenever there are
//! two such sites, and "Regional Failover" (two hubs, up to three spokes) from
//! eight on. The same fleet always gives the same configurations and ids; the
//! status follows the consoles' connection state.

use std::collections::HashMap;

use crate::fleet::{Fleet, Host, HostKind, Site};
use crate::rng::Rng;

/// One hub-and-spoke configuration.
#[derive(Debug, Clone)]
pub struct Config<'a> {
    /// UUID.
    pub id: String,
    /// Display name.
    pub name: &'static str,
    /// `single`, `failover` or `distributed`.
    pub variant: &'static str,
    /// `scalable`, `redundant` or `maxResiliency`.
    pub tunnels_mode: &'static str,
    /// Hub sites.
    pub hubs: Vec<Member<'a>>,
    /// Spoke sites, each with the route it announces.
    pub spokes: Vec<Member<'a>>,
}

/// A site taking part in a configuration.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    /// The site.
    pub site: &'a Site,
    /// The console that runs it.
    pub host: &'a Host,
    /// Third octet of the spoke's `172.16.x.0/24` route (0 for hubs).
    pub route_octet: usize,
}

impl Member<'_> {
    /// `<hostId>_<siteId>`, the member id the service uses.
    pub fn id(&self) -> String {
        format!("{}_{}", self.host.id, self.site.site_id)
    }

    /// The spoke's announced route.
    pub fn route(&self) -> String {
        format!("172.16.{}.0/24", self.route_octet)
    }
}

struct Layout {
    name: &'static str,
    variant: &'static str,
    tunnels_mode: &'static str,
    hubs: std::ops::Range<usize>,
    spokes: std::ops::Range<usize>,
    needs: usize,
}

const LAYOUTS: [Layout; 2] = [
    Layout {
        name: "Branch VPN",
        variant: "single",
        tunnels_mode: "scalable",
        hubs: 0..1,
        spokes: 1..5,
        needs: 2,
    },
    Layout {
        name: "Regional Failover",
        variant: "failover",
        tunnels_mode: "redundant",
        hubs: 5..7,
        spokes: 7..10,
        needs: 8,
    },
];

/// Every configuration of `fleet`, in listing order.
pub fn configs(fleet: &Fleet) -> Vec<Config<'_>> {
    let hosts: HashMap<&str, &Host> = fleet.hosts.iter().map(|h| (h.id.as_str(), h)).collect();
    let eligible: Vec<(&Site, &Host)> = fleet
        .sites
        .iter()
        .filter_map(|site| {
            let host = *hosts.get(site.host_id.as_str())?;
            (host.owner && host.kind == HostKind::Console).then_some((site, host))
        })
        .collect();

    let mut configs = Vec::new();
    for (index, layout) in LAYOUTS.iter().enumerate() {
        if eligible.len() < layout.needs {
            break;
        }
        let member = |i: usize, octet: usize| {
            let (site, host) = eligible[i];
            Member {
                site,
                host,
                route_octet: octet,
            }
        };
        let spokes_end = layout.spokes.end.min(eligible.len());
        configs.push(Config {
            id: Rng::derive(fleet.seed, "sdwan-config", index as u64)
                .uuid()
                .to_string(),
            name: layout.name,
            variant: layout.variant,
            tunnels_mode: layout.tunnels_mode,
            hubs: layout.hubs.clone().map(|i| member(i, 0)).collect(),
            spokes: (layout.spokes.start..spokes_end)
                .map(|i| member(i, i + 1))
                .collect(),
        });
    }
    configs
}
