//! Domain types of the Site Manager: hosts, sites, devices, ISP metrics and SD-WAN
//! configurations, as the sync uses them. Unknown values stay unknown (`None`), never zero or
//! empty: a site without `counts` has `counts: None`.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{de, wire};

/// A console or self-hosted Network server (`GET /v1/hosts`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Host {
    /// Opaque id (contains `:` on consoles); never parsed.
    pub id: String,
    /// Hardware UUID.
    pub hardware_id: Option<String>,
    /// `console`, `network-server`, `ucore`, ... (an open set).
    pub kind: Option<String>,
    /// Public IP as the cloud sees it.
    pub ip_address: Option<String>,
    /// Whether the key's account owns the host (devices are listed only for owned hosts).
    pub owner: Option<bool>,
    /// Whether the host is blocked.
    pub is_blocked: Option<bool>,
    /// Display name of the console (`reportedState.name`).
    pub name: Option<String>,
    /// Host name (`reportedState.hostname`).
    pub hostname: Option<String>,
    /// `reportedState.state == "connected"`; `None` when `reportedState` is `null` or has no
    /// state (unknown, not offline).
    pub connected: Option<bool>,
    /// UniFi OS (or Network server) version.
    pub version: Option<String>,
    /// IANA time zone of the console.
    pub timezone: Option<String>,
    /// Newest firmware the console could update to.
    pub latest_available_version: Option<String>,
    /// Hardware model name (`UniFi Cloud Gateway Ultra`).
    pub hardware_name: Option<String>,
    /// Hardware short name (`UCGULTRA`).
    pub hardware_shortname: Option<String>,
    /// Console MAC address.
    pub mac: Option<String>,
    /// Applications on the console (`network`, `protect`, ...).
    pub controllers: Vec<Controller>,
    /// When the host was registered; `None` for `""` or absent.
    pub registration_time: Option<DateTime<Utc>>,
    /// Last change of the connection state.
    pub last_connection_state_change: Option<DateTime<Utc>>,
    /// Newest cloud backup; `None` for `""` or absent.
    pub latest_backup_time: Option<DateTime<Utc>>,
}

impl Host {
    /// Version of the Network application, when the console reports one.
    pub fn network_version(&self) -> Option<&str> {
        self.controllers
            .iter()
            .find(|c| {
                c.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case("network"))
            })
            .and_then(|c| c.version.as_deref())
    }
}

/// One application on a console (`reportedState.controllers[]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Controller {
    /// `network`, `protect`, ...
    pub name: Option<String>,
    /// Its version.
    pub version: Option<String>,
    /// Its status text (`ok`).
    pub status: Option<String>,
    /// Whether it runs.
    pub is_running: Option<bool>,
    /// Version it could update to.
    pub update_available: Option<String>,
}

/// A site of a Network application (`GET /v1/sites`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Site {
    /// `siteId`: the key of everything about the site.
    pub id: String,
    /// The host that runs the site.
    pub host_id: Option<String>,
    /// `meta.name`: the controller's internal short name (`default` on every gateway).
    pub name: Option<String>,
    /// `meta.desc`: the human label (`Default` on single-site gateways).
    pub desc: Option<String>,
    /// `meta.timezone` (see [`Site::time_zone`] for the fallback to the host).
    pub timezone: Option<String>,
    /// `meta.gatewayMac`.
    pub gateway_mac: Option<String>,
    /// Device and client counts; `None` when the site reports none (unknown, not zero).
    pub counts: Option<Counts>,
    /// Gateway short name (`UDMPRO`).
    pub gateway_shortname: Option<String>,
    /// Gateway IPS mode (`disabled`, `ips`, ...).
    pub ips_mode: Option<String>,
    /// Gateway inspection state.
    pub inspection_state: Option<String>,
    /// ISP name.
    pub isp_name: Option<String>,
    /// ISP organization.
    pub isp_organization: Option<String>,
    /// WAN uptime in percent (0–100).
    pub wan_uptime: Option<f64>,
    /// Transmit retry percentage.
    pub tx_retry: Option<f64>,
    /// Recent internet issues, one per 5-minute bucket.
    pub internet_issues: Vec<InternetIssue>,
    /// Per-WAN figures, in WAN id order.
    pub wans: Vec<Wan>,
    /// The key's role on the site (`admin`, `readonly`, ...).
    pub permission: Option<String>,
    /// Whether the key's account owns the site.
    pub is_owner: Option<bool>,
}

impl Site {
    /// The name to show (fact sheet section 7): `meta.desc` unless it is empty or `default`
    /// (any case), then the host's `reportedState.name`, then `meta.name`, then the site id.
    pub fn display_name(&self, host: Option<&Host>) -> String {
        display_name(self, host)
    }

    /// IANA time zone: the site's own, else its host's.
    pub fn time_zone<'a>(&'a self, host: Option<&'a Host>) -> Option<&'a str> {
        non_empty(self.timezone.as_deref())
            .or_else(|| host.and_then(|h| non_empty(h.timezone.as_deref())))
    }
}

/// The name to show for `site` whose host is `host` (see [`Site::display_name`]).
pub fn display_name(site: &Site, host: Option<&Host>) -> String {
    let desc = non_empty(site.desc.as_deref()).filter(|d| !d.eq_ignore_ascii_case("default"));
    desc.or_else(|| host.and_then(|h| non_empty(h.name.as_deref())))
        .or_else(|| non_empty(site.name.as_deref()))
        .unwrap_or(&site.id)
        .to_owned()
}

fn non_empty(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// `statistics.counts` of a site; a field the site does not report is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Devices in all.
    pub total_device: Option<u32>,
    /// Devices offline.
    pub offline_device: Option<u32>,
    /// Gateways.
    pub gateway_device: Option<u32>,
    /// Gateways offline ("site down" heuristic: more than zero).
    pub offline_gateway_device: Option<u32>,
    /// Access points.
    pub wifi_device: Option<u32>,
    /// Access points offline.
    pub offline_wifi_device: Option<u32>,
    /// Switches and other wired devices.
    pub wired_device: Option<u32>,
    /// Wired devices offline.
    pub offline_wired_device: Option<u32>,
    /// Wi-Fi clients now.
    pub wifi_client: Option<u32>,
    /// Wired clients now.
    pub wired_client: Option<u32>,
    /// Guest clients now.
    pub guest_client: Option<u32>,
    /// Critical notifications (a count only).
    pub critical_notification: Option<u32>,
    /// Devices with a pending update.
    pub pending_update_device: Option<u32>,
    /// LAN configurations.
    pub lan_configuration: Option<u32>,
    /// WAN configurations.
    pub wan_configuration: Option<u32>,
    /// Wi-Fi configurations.
    pub wifi_configuration: Option<u32>,
}

impl Counts {
    /// Devices online: total minus offline, when both are known.
    pub fn online_device(&self) -> Option<u32> {
        self.total_device?.checked_sub(self.offline_device?)
    }
}

/// One 5-minute bucket with an internet issue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InternetIssue {
    /// Bucket number (Unix seconds / 300, as far as is known).
    pub index: i64,
    /// High latency flagged.
    pub high_latency: Option<bool>,
    /// Average latency, ms.
    pub latency_avg_ms: Option<f64>,
    /// Maximum latency, ms.
    pub latency_max_ms: Option<f64>,
}

/// One WAN of a site (`statistics.wans.<id>`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Wan {
    /// WAN id (`WAN`, `WAN2`).
    pub id: String,
    /// External IP.
    pub external_ip: Option<String>,
    /// ISP name of this WAN.
    pub isp_name: Option<String>,
    /// Uptime of this WAN in percent.
    pub wan_uptime: Option<f64>,
}

/// A UniFi device (`GET /v1/devices`), with the host it was listed under.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Device {
    /// Device id (equal to the MAC in every example).
    pub id: String,
    /// MAC, upper-case hex without separators.
    pub mac: Option<String>,
    /// The host it belongs to; devices carry no site id.
    pub host_id: String,
    /// That host's name as the device list gives it.
    pub host_name: Option<String>,
    /// Device name.
    pub name: Option<String>,
    /// Model name.
    pub model: Option<String>,
    /// Model short name.
    pub shortname: Option<String>,
    /// LAN IP.
    pub ip: Option<String>,
    /// `network`, `protect`, ...
    pub product_line: Option<String>,
    /// `online`, `offline`, ... (an open set).
    pub status: Option<String>,
    /// Firmware version.
    pub version: Option<String>,
    /// `upToDate`, `updateAvailable`, ... (an open set).
    pub firmware_status: Option<String>,
    /// Version it could update to.
    pub update_available: Option<String>,
    /// Whether it is the console itself.
    pub is_console: Option<bool>,
    /// Whether it is managed.
    pub is_managed: Option<bool>,
    /// Last (re)start.
    pub startup_time: Option<DateTime<Utc>>,
    /// When it was adopted.
    pub adoption_time: Option<DateTime<Utc>>,
    /// Operator's note.
    pub note: Option<String>,
}

impl Device {
    /// Whether the device reports `online` (any case); `None` when it reports no status.
    pub fn online(&self) -> Option<bool> {
        self.status
            .as_deref()
            .map(|s| s.eq_ignore_ascii_case("online"))
    }
}

/// Interval of ISP metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MetricType {
    /// 5-minute periods, kept at least 24 hours.
    FiveMinutes,
    /// 1-hour periods, kept at least 30 days.
    OneHour,
}

impl MetricType {
    /// The path segment: `5m` or `1h`.
    pub fn as_str(self) -> &'static str {
        match self {
            MetricType::FiveMinutes => "5m",
            MetricType::OneHour => "1h",
        }
    }
}

/// Which ISP metric periods to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricWindow {
    /// The last 24 hours (`duration=24h`, for 5-minute metrics).
    LastDay,
    /// The last 7 days (`duration=7d`, for 1-hour metrics).
    LastWeek,
    /// The last 30 days (`duration=30d`, for 1-hour metrics).
    LastMonth,
    /// Between two times; either may be open.
    Between {
        /// `beginTimestamp`.
        begin: Option<DateTime<Utc>>,
        /// `endTimestamp`.
        end: Option<DateTime<Utc>>,
    },
}

/// ISP metrics of one site.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteMetrics {
    /// The site.
    pub site_id: String,
    /// Its host.
    pub host_id: String,
    /// `5m` or `1h`, as the answer says.
    pub metric_type: Option<String>,
    /// Periods, as the answer orders them.
    pub periods: Vec<MetricPeriod>,
}

/// One period of WAN metrics. Units are undocumented: latency ms, throughput kbps, loss and
/// uptime apparently percentages of the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricPeriod {
    /// Start of the period.
    pub time: DateTime<Utc>,
    /// `version` field (`"1"` or a Network version).
    pub version: Option<String>,
    /// Average latency.
    pub avg_latency: Option<f64>,
    /// Maximum latency.
    pub max_latency: Option<f64>,
    /// Packet loss.
    pub packet_loss: Option<f64>,
    /// Download throughput.
    pub download_kbps: Option<f64>,
    /// Upload throughput.
    pub upload_kbps: Option<f64>,
    /// Uptime.
    pub uptime: Option<f64>,
    /// Downtime.
    pub downtime: Option<f64>,
    /// ISP name.
    pub isp_name: Option<String>,
    /// ISP AS number.
    pub isp_asn: Option<String>,
}

/// One site of an ISP-metrics query (`POST /v1/isp-metrics/{type}/query`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricQuerySite {
    /// The site's host.
    pub host_id: String,
    /// The site.
    pub site_id: String,
    /// `beginTimestamp`.
    pub begin: Option<DateTime<Utc>>,
    /// `endTimestamp`.
    pub end: Option<DateTime<Utc>>,
}

/// The answer to an ISP-metrics query.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricQueryResult {
    /// Metrics of the sites the key can reach.
    pub metrics: Vec<SiteMetrics>,
    /// `status: partialSuccess`: some requested sites were not accessible or duplicates.
    pub partial_success: bool,
    /// The service's message, when it gave one.
    pub message: Option<String>,
}

/// An SD-WAN configuration as the list gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SdwanSummary {
    /// Configuration id (UUID).
    pub id: String,
    /// Name.
    pub name: Option<String>,
    /// `sdwan-hbsp`, the only known type.
    pub kind: Option<String>,
}

/// One SD-WAN configuration (`GET /v1/sd-wan-configs/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SdwanConfig {
    /// Configuration id.
    pub id: String,
    /// Name.
    pub name: Option<String>,
    /// Type.
    pub kind: Option<String>,
    /// `distributed`, `failover` or `single`.
    pub variant: Option<String>,
    /// `settings`, kept as sent (its shape is an open set).
    pub settings: serde_json::Value,
    /// Hub sites.
    pub hubs: Vec<SdwanMember>,
    /// Spoke sites.
    pub spokes: Vec<SdwanMember>,
}

/// A hub or spoke of an SD-WAN configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SdwanMember {
    /// `<hostId>_<siteId>`.
    pub id: Option<String>,
    /// Host.
    pub host_id: Option<String>,
    /// Site.
    pub site_id: Option<String>,
    /// Network ids it shares.
    pub network_ids: Vec<String>,
    /// Routes it announces.
    pub routes: Vec<String>,
    /// Primary WAN id.
    pub primary_wan: Option<String>,
    /// WAN failover on.
    pub wan_failover: Option<bool>,
}

/// Deployment status of an SD-WAN configuration (`…/{id}/status`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SdwanStatus {
    /// Changes whenever the configuration changes.
    pub fingerprint: Option<String>,
    /// Last update (sent as epoch milliseconds).
    pub updated_at: Option<DateTime<Utc>>,
    /// Last generation (epoch milliseconds).
    pub last_generated_at: Option<DateTime<Utc>>,
    /// `OK`, `GENERATING`, `GENERATE_FAILED`.
    pub generate_status: Option<String>,
    /// Errors, as sent.
    pub errors: Vec<serde_json::Value>,
    /// Warnings, as sent.
    pub warnings: Vec<serde_json::Value>,
    /// Hub states.
    pub hubs: Vec<SdwanMemberStatus>,
    /// Spoke states.
    pub spokes: Vec<SdwanMemberStatus>,
}

/// State of one hub or spoke.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SdwanMemberStatus {
    /// `<hostId>_<siteId>`.
    pub id: Option<String>,
    /// Host.
    pub host_id: Option<String>,
    /// Site.
    pub site_id: Option<String>,
    /// Console name.
    pub name: Option<String>,
    /// `ok`, `creating`, `updateFailed`, ... (compare case-insensitively: `OK` is seen).
    pub apply_status: Option<String>,
    /// Primary WAN IP.
    pub primary_wan_ip: Option<String>,
    /// Primary WAN latency.
    pub primary_wan_latency: Option<f64>,
    /// Errors, as sent.
    pub errors: Vec<serde_json::Value>,
    /// Tunnels to hubs (spokes only).
    pub tunnels: Vec<SdwanTunnel>,
}

/// One tunnel of a spoke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SdwanTunnel {
    /// The hub it reaches.
    pub hub_id: Option<String>,
    /// Spoke WAN.
    pub spoke_wan_id: Option<String>,
    /// Hub WAN.
    pub hub_wan_id: Option<String>,
    /// `connected`, `disconnected`, `pending`.
    pub status: Option<String>,
}

// Conversions from the wire. Items without the id that keys them are dropped by the callers.

impl Host {
    pub(super) fn from_wire(host: wire::Host) -> Option<Self> {
        let id = host.id.filter(|id| !id.is_empty())?;
        let state = host.reported_state;
        let hardware = state.as_ref().and_then(|s| s.hardware.as_ref());
        Some(Self {
            id,
            hardware_id: host.hardware_id,
            kind: host.kind,
            ip_address: host.ip_address,
            owner: host.owner,
            is_blocked: host.is_blocked,
            name: state.as_ref().and_then(|s| s.name.clone()),
            hostname: state.as_ref().and_then(|s| s.hostname.clone()),
            connected: state
                .as_ref()
                .and_then(|s| s.state.as_deref())
                .map(|s| s.eq_ignore_ascii_case("connected")),
            version: state.as_ref().and_then(|s| s.version.clone()),
            timezone: state.as_ref().and_then(|s| s.timezone.clone()),
            latest_available_version: state
                .as_ref()
                .and_then(|s| s.firmware_update.as_ref())
                .and_then(|f| f.latest_available_version.clone()),
            hardware_name: hardware.and_then(|h| h.name.clone()),
            hardware_shortname: hardware.and_then(|h| h.shortname.clone()),
            mac: hardware.and_then(|h| h.mac.clone()),
            controllers: state
                .map(|s| s.controllers)
                .unwrap_or_default()
                .into_iter()
                .map(|c| Controller {
                    name: c.name,
                    version: c.version,
                    status: c.status,
                    is_running: c.is_running,
                    update_available: c.update_available,
                })
                .collect(),
            registration_time: host.registration_time,
            last_connection_state_change: host.last_connection_state_change,
            latest_backup_time: host.latest_backup_time,
        })
    }
}

impl Site {
    pub(super) fn from_wire(site: wire::Site) -> Option<Self> {
        let id = site.site_id.filter(|id| !id.is_empty())?;
        let meta = site.meta;
        let stats = site.statistics;
        let gateway = stats.as_ref().and_then(|s| s.gateway.as_ref());
        let isp = stats.as_ref().and_then(|s| s.isp_info.as_ref());
        let percentages = stats.as_ref().and_then(|s| s.percentages.as_ref());
        Some(Self {
            id,
            host_id: site.host_id,
            name: meta.as_ref().and_then(|m| m.name.clone()),
            desc: meta.as_ref().and_then(|m| m.desc.clone()),
            timezone: meta.as_ref().and_then(|m| m.timezone.clone()),
            gateway_mac: meta.as_ref().and_then(|m| m.gateway_mac.clone()),
            counts: stats
                .as_ref()
                .and_then(|s| s.counts.as_ref())
                .map(Counts::from_wire),
            gateway_shortname: gateway.and_then(|g| g.shortname.clone()),
            ips_mode: gateway.and_then(|g| g.ips_mode.clone()),
            inspection_state: gateway.and_then(|g| g.inspection_state.clone()),
            isp_name: isp.and_then(|i| i.name.clone()),
            isp_organization: isp.and_then(|i| i.organization.clone()),
            wan_uptime: percentages.and_then(|p| p.wan_uptime),
            tx_retry: percentages.and_then(|p| p.tx_retry),
            internet_issues: stats
                .as_ref()
                .map(|s| {
                    s.internet_issues
                        .iter()
                        .filter_map(InternetIssue::from_wire)
                        .collect()
                })
                .unwrap_or_default(),
            wans: stats
                .and_then(|s| s.wans)
                .unwrap_or_default()
                .into_iter()
                .map(|(id, value)| Wan::from_wire(id, value))
                .collect(),
            permission: site.permission,
            is_owner: site.is_owner,
        })
    }
}

impl Counts {
    fn from_wire(c: &wire::Counts) -> Self {
        Self {
            total_device: de::count(c.total_device),
            offline_device: de::count(c.offline_device),
            gateway_device: de::count(c.gateway_device),
            offline_gateway_device: de::count(c.offline_gateway_device),
            wifi_device: de::count(c.wifi_device),
            offline_wifi_device: de::count(c.offline_wifi_device),
            wired_device: de::count(c.wired_device),
            offline_wired_device: de::count(c.offline_wired_device),
            wifi_client: de::count(c.wifi_client),
            wired_client: de::count(c.wired_client),
            guest_client: de::count(c.guest_client),
            critical_notification: de::count(c.critical_notification),
            pending_update_device: de::count(c.pending_update_device),
            lan_configuration: de::count(c.lan_configuration),
            wan_configuration: de::count(c.wan_configuration),
            wifi_configuration: de::count(c.wifi_configuration),
        }
    }
}

impl InternetIssue {
    fn from_wire(issue: &wire::InternetIssue) -> Option<Self> {
        Some(Self {
            index: issue.index? as i64,
            high_latency: issue.high_latency,
            latency_avg_ms: issue.latency_avg_ms,
            latency_max_ms: issue.latency_max_ms,
        })
    }
}

impl Wan {
    fn from_wire(id: String, value: serde_json::Value) -> Self {
        let wan: Option<wire::Wan> = serde_json::from_value(value).ok();
        let isp = wan.as_ref().and_then(|w| w.isp_info.as_ref());
        Self {
            isp_name: isp.and_then(|i| i.name.clone()),
            external_ip: wan.as_ref().and_then(|w| w.external_ip.clone()),
            wan_uptime: wan.as_ref().and_then(|w| w.wan_uptime),
            id,
        }
    }
}

impl Device {
    pub(super) fn from_group(group: wire::DeviceGroup) -> Vec<Self> {
        let Some(host_id) = group.host_id.filter(|id| !id.is_empty()) else {
            return Vec::new();
        };
        let host_name = group.host_name;
        group
            .devices
            .into_iter()
            .filter_map(|d| {
                let id =
                    d.id.clone()
                        .or_else(|| d.mac.clone())
                        .filter(|id| !id.is_empty())?;
                Some(Self {
                    id,
                    mac: d.mac,
                    host_id: host_id.clone(),
                    host_name: host_name.clone(),
                    name: d.name,
                    model: d.model,
                    shortname: d.shortname,
                    ip: d.ip,
                    product_line: d.product_line,
                    status: d.status,
                    version: d.version,
                    firmware_status: d.firmware_status,
                    update_available: d.update_available,
                    is_console: d.is_console,
                    is_managed: d.is_managed,
                    startup_time: d.startup_time,
                    adoption_time: d.adoption_time,
                    note: d.note,
                })
            })
            .collect()
    }
}

impl SiteMetrics {
    /// Entries without a host or site id (seen in real answers) are skipped.
    pub(super) fn from_wire(metrics: wire::SiteMetrics) -> Option<Self> {
        let site_id = metrics.site_id.filter(|id| !id.is_empty())?;
        let host_id = metrics.host_id.filter(|id| !id.is_empty())?;
        let periods = metrics
            .periods
            .into_iter()
            .filter_map(|p| {
                let wan = p.data.and_then(|d| d.wan);
                let wan = wan.as_ref();
                Some(MetricPeriod {
                    time: p.metric_time?,
                    version: p.version,
                    avg_latency: wan.and_then(|w| w.avg_latency),
                    max_latency: wan.and_then(|w| w.max_latency),
                    packet_loss: wan.and_then(|w| w.packet_loss),
                    download_kbps: wan.and_then(|w| w.download_kbps),
                    upload_kbps: wan.and_then(|w| w.upload_kbps),
                    uptime: wan.and_then(|w| w.uptime),
                    downtime: wan.and_then(|w| w.downtime),
                    isp_name: wan.and_then(|w| w.isp_name.clone()),
                    isp_asn: wan.and_then(|w| w.isp_asn.clone()),
                })
            })
            .collect();
        Some(Self {
            site_id,
            host_id,
            metric_type: metrics.metric_type,
            periods,
        })
    }
}

impl SdwanMember {
    fn from_wire(m: wire::SdwanMember) -> Self {
        Self {
            id: m.id,
            host_id: m.host_id,
            site_id: m.site_id,
            network_ids: m.network_ids,
            routes: m.routes,
            primary_wan: m.primary_wan,
            wan_failover: m.wan_failover,
        }
    }
}

impl SdwanConfig {
    pub(super) fn from_wire(c: wire::SdwanConfig, asked: &str) -> Self {
        Self {
            id: c
                .id
                .filter(|id| !id.is_empty())
                .unwrap_or_else(|| asked.to_owned()),
            name: c.name,
            kind: c.kind,
            variant: c.variant,
            settings: c.settings,
            hubs: c.hubs.into_iter().map(SdwanMember::from_wire).collect(),
            spokes: c.spokes.into_iter().map(SdwanMember::from_wire).collect(),
        }
    }
}

impl SdwanMemberStatus {
    fn from_wire(m: wire::SdwanMemberStatus) -> Self {
        let primary = m.primary_wan_status.as_ref();
        Self {
            id: m.id,
            host_id: m.host_id,
            site_id: m.site_id,
            name: m.name,
            apply_status: m.apply_status,
            primary_wan_ip: primary
                .and_then(|w| w.ip.clone())
                .filter(|ip| !ip.is_empty()),
            primary_wan_latency: primary.and_then(|w| w.latency),
            errors: m.errors,
            tunnels: m
                .connections
                .into_iter()
                .flat_map(|c| {
                    let hub = c.hub_id;
                    c.tunnels.into_iter().map(move |t| SdwanTunnel {
                        hub_id: hub.clone(),
                        spoke_wan_id: t.spoke_wan_id,
                        hub_wan_id: t.hub_wan_id,
                        status: t.status,
                    })
                })
                .collect(),
        }
    }
}

impl SdwanStatus {
    pub(super) fn from_wire(s: wire::SdwanStatus) -> Self {
        Self {
            fingerprint: s.fingerprint,
            updated_at: s.updated_at,
            last_generated_at: s.last_generated_at,
            generate_status: s.generate_status,
            errors: s.errors,
            warnings: s.warnings,
            hubs: s
                .hubs
                .into_iter()
                .map(SdwanMemberStatus::from_wire)
                .collect(),
            spokes: s
                .spokes
                .into_iter()
                .map(SdwanMemberStatus::from_wire)
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(desc: Option<&str>, name: Option<&str>) -> Site {
        let wire: wire::Site = serde_json::from_value(serde_json::json!({
            "siteId": "661de833b6b2463f0c20b319",
            "meta": { "desc": desc, "name": name },
        }))
        .unwrap();
        Site::from_wire(wire).unwrap()
    }

    fn host(name: Option<&str>) -> Host {
        let wire: wire::Host = serde_json::from_value(serde_json::json!({
            "id": "F4E2:1", "reportedState": { "name": name, "timezone": "America/Chicago" },
        }))
        .unwrap();
        Host::from_wire(wire).unwrap()
    }

    #[test]
    fn display_names_follow_the_fallback_rule() {
        let console = host(Some("Acme Dental - Main Office"));
        let nameless = host(None);
        let label = site(Some("Birch Branch"), Some("x7k2p9qa"));
        assert_eq!(label.display_name(Some(&console)), "Birch Branch");
        for desc in [Some("Default"), Some("DEFAULT"), Some(""), Some("  "), None] {
            let s = site(desc, Some("default"));
            assert_eq!(
                s.display_name(Some(&console)),
                "Acme Dental - Main Office",
                "{desc:?}"
            );
            assert_eq!(s.display_name(Some(&nameless)), "default", "{desc:?}");
        }
        let bare = site(Some("default"), None);
        assert_eq!(bare.display_name(None), "661de833b6b2463f0c20b319");
        assert_eq!(bare.time_zone(Some(&console)), Some("America/Chicago"));
        assert_eq!(bare.time_zone(None), None);
    }
}
