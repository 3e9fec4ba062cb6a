//! The simulated fleet: UniFi consoles and sites, NinjaOne organizations, devices, alerts and
//! activities, as domain records. The API modules render them into each vendor's wire shapes;
//! the quirks a wire shape must show (missing `counts`, `""` dates, `null` states) are recorded
//! here as `Option`s and raw strings so that rendering stays a plain mapping.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Everything the UniFi and NinjaOne APIs answer from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Fleet {
    /// The seed the fleet was generated from.
    pub seed: u64,
    /// Simulated time at which the fleet was generated; history reaches back from here.
    pub generated_at: DateTime<Utc>,
    /// Simulated time the fleet has been evolved to (see [`Fleet::advance`]).
    pub evolved_to: DateTime<Utc>,
    /// UniFi hosts (consoles and self-hosted controllers), in listing order.
    pub hosts: Vec<Host>,
    /// UniFi sites, in listing order.
    pub sites: Vec<Site>,
    /// UniFi devices, grouped by host when listed.
    pub unifi_devices: Vec<UnifiDevice>,
    /// NinjaOne organizations, ascending id.
    pub organizations: Vec<Organization>,
    /// NinjaOne devices, ascending id.
    pub devices: Vec<Device>,
    /// NinjaOne alerts active now.
    pub alerts: Vec<Alert>,
    /// NinjaOne activity log, ascending id (the API serves it newest first).
    pub activities: Vec<Activity>,
    /// The id the next activity gets.
    pub next_activity_id: i64,
    /// Serial of the next UniFi device added while the fleet evolves (its MAC derives from it).
    #[serde(default)]
    pub next_unifi_serial: u64,
}

/// The kind of a UniFi host.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum HostKind {
    /// A cloud gateway or other UniFi OS console (one site).
    Console,
    /// A self-hosted Network application (several sites).
    NetworkServer,
    /// A UniFi OS server console whose `reportedState` is `null`.
    Ucore,
}

/// A UniFi host.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Host {
    /// Opaque id: upper-case hex starting with the console's MAC, `:`, a decimal number (as in
    /// the official examples) for consoles; a UUID for self-hosted servers.
    pub id: String,
    /// Hardware UUID.
    pub hardware_id: String,
    /// Console, self-hosted server or ucore.
    pub kind: HostKind,
    /// Public address as the cloud sees it.
    pub ip_address: String,
    /// Whether the API key's account owns the host (devices are listed only then).
    pub owner: bool,
    /// RFC 3339, `""`, or absent (`None`).
    pub registration_time: Option<String>,
    /// RFC 3339 of the last connect or disconnect.
    pub last_connection_state_change: DateTime<Utc>,
    /// RFC 3339, `""`, or absent (`None`).
    pub latest_backup_time: Option<String>,
    /// Display name of the console (`reportedState.name`).
    pub name: String,
    /// Host name (`reportedState.hostname`).
    pub hostname: String,
    /// Whether the console is connected to the cloud.
    pub connected: bool,
    /// UniFi OS (or Network server) version.
    pub version: String,
    /// Network application version.
    pub network_version: String,
    /// Hardware product name and short name, e.g. ("UniFi Cloud Gateway Ultra", "UCGULTRA").
    pub hardware_name: String,
    /// Short hardware name.
    pub hardware_shortname: String,
    /// IANA time zone of the console.
    pub timezone: String,
    /// When true the API answers `reportedState: null` (the `ucore` quirk).
    pub reported_state_null: bool,
    /// Hardware MAC, upper-case hex without separators (`reportedState.hardware.mac`); empty
    /// for self-hosted servers.
    #[serde(default)]
    pub mac: String,
    /// Newer UniFi OS release, if any (`firmwareUpdate.latestAvailableVersion`).
    #[serde(default)]
    pub latest_available_version: Option<String>,
    /// Newer Network application release, if any (`controllers[].updateAvailable`).
    #[serde(default)]
    pub network_update_available: Option<String>,
}

/// Device and client counts of a site (`statistics.counts`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Counts {
    /// All adopted devices.
    pub total_device: u32,
    /// Devices not connected.
    pub offline_device: u32,
    /// Gateways.
    pub gateway_device: u32,
    /// Gateways not connected.
    pub offline_gateway_device: u32,
    /// Access points.
    pub wifi_device: u32,
    /// Access points not connected.
    pub offline_wifi_device: u32,
    /// Switches and other wired devices.
    pub wired_device: u32,
    /// Wired devices not connected.
    pub offline_wired_device: u32,
    /// Wi-Fi clients now.
    pub wifi_client: u32,
    /// Wired clients now.
    pub wired_client: u32,
    /// Guest clients now.
    pub guest_client: u32,
    /// Critical notifications.
    pub critical_notification: u32,
    /// Devices with a firmware update pending.
    pub pending_update_device: u32,
    /// LAN networks configured.
    pub lan_configuration: u32,
    /// WAN links configured.
    pub wan_configuration: u32,
    /// Wi-Fi networks configured.
    pub wifi_configuration: u32,
}

/// A UniFi site.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Site {
    /// 24 hex characters.
    pub site_id: String,
    /// The host that runs the site.
    pub host_id: String,
    /// Internal short name (`"default"` on single-site gateways).
    pub name: String,
    /// Human label (`"Default"` on single-site gateways).
    pub desc: String,
    /// IANA time zone; `None` when the site reports none (fall back to the host's).
    pub timezone: Option<String>,
    /// Gateway MAC, `aa:bb:cc:dd:ee:ff` form.
    pub gateway_mac: String,
    /// `None` reproduces sites whose `statistics.counts` is missing.
    pub counts: Option<Counts>,
    /// Gateway short name, e.g. `UDMPRO`.
    pub gateway_shortname: String,
    /// IPS mode of the gateway (`disabled`, `ids`, `ips`).
    pub ips_mode: String,
    /// ISP name and organization.
    pub isp_name: String,
    /// ISP organization.
    pub isp_organization: String,
    /// WAN uptime percentage; whole values are rendered as integers.
    pub wan_uptime: f64,
    /// 5-minute buckets (Unix seconds / 300) with internet issues, newest last.
    pub internet_issues: Vec<i64>,
    /// The key's role on the site.
    pub permission: String,
    /// Whether the key's account owns the site.
    pub is_owner: bool,
    /// The NinjaOne organization of the same customer (the operators' site map joins them).
    pub organization_id: i64,
    /// US state of the customer, for the site map.
    pub state: String,
}

/// What a UniFi device is, for the site's counts.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum UnifiDeviceKind {
    /// The site's gateway (a cloud gateway console or an adopted gateway).
    Gateway,
    /// A switch or other wired device.
    #[default]
    Switch,
    /// A Wi-Fi access point.
    AccessPoint,
}

/// A UniFi device (listed grouped by host).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct UnifiDevice {
    /// Equal to `mac`: upper-case hex without separators.
    pub id: String,
    /// The host the device belongs to.
    pub host_id: String,
    /// The site the device belongs to (not part of the wire shape).
    pub site_id: String,
    /// Display name.
    pub name: String,
    /// Model name.
    pub model: String,
    /// Short model name.
    pub shortname: String,
    /// LAN address.
    pub ip: String,
    /// `network`, `protect`, or `None`.
    pub product_line: Option<String>,
    /// `online` or `offline`.
    pub status: String,
    /// Firmware version.
    pub version: String,
    /// `upToDate` or `updateAvailable`.
    pub firmware_status: String,
    /// Newer firmware version, if any.
    pub update_available: Option<String>,
    /// Whether this is a UniFi OS console (the gateway of a cloud-gateway site, as the wire's
    /// `isConsole`). Gateways adopted by self-hosted servers are not consoles: use `kind` to
    /// find a site's gateway.
    pub is_console: bool,
    /// Last boot.
    pub startup_time: DateTime<Utc>,
    /// Adoption time, if known.
    pub adoption_time: Option<DateTime<Utc>>,
    /// Gateway, switch or access point (not part of the wire shape; the counts use it).
    #[serde(default)]
    pub kind: UnifiDeviceKind,
}

/// A NinjaOne organization.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Organization {
    /// int32 id.
    pub id: i64,
    /// Customer name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// `AUTOMATIC`, `MANUAL` or `REJECT`.
    pub node_approval_mode: String,
    /// Location ids of the organization (one location each here).
    pub location_id: i64,
    /// Name of the location, e.g. `Main Office`.
    #[serde(default)]
    pub location_name: String,
    /// Street address of the location.
    #[serde(default)]
    pub location_address: String,
}

/// A NinjaOne device.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Device {
    /// int32 id.
    pub id: i64,
    /// UUID.
    pub uid: String,
    /// Owning organization.
    pub organization_id: i64,
    /// Location within the organization.
    pub location_id: i64,
    /// e.g. `WINDOWS_WORKSTATION`, `WINDOWS_SERVER`, `MAC`, `NMS_SWITCH`.
    pub node_class: String,
    /// `APPROVED` normally; `PENDING` devices are hidden unless asked for.
    pub approval_status: String,
    /// Whether the agent is offline.
    pub offline: bool,
    /// Display name.
    pub display_name: String,
    /// System (host) name.
    pub system_name: String,
    /// DNS name.
    pub dns_name: String,
    /// Creation time, epoch seconds.
    pub created: f64,
    /// Last contact, epoch seconds.
    pub last_contact: f64,
    /// Operating system name; `None` for agentless devices (rendered as a missing `os`).
    pub os_name: Option<String>,
    /// Hardware manufacturer and model; `None` renders `system: null`.
    pub system_model: Option<(String, String)>,
    /// Private address.
    pub ip_address: String,
    /// MAC address.
    pub mac_address: String,
}

/// A NinjaOne alert active now.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Alert {
    /// UUID, equal to the `seriesUid` of its activities.
    pub uid: String,
    /// The device it is raised on.
    pub device_id: i64,
    /// Human message.
    pub message: String,
    /// Subject line.
    pub subject: String,
    /// Policy condition name.
    pub source_name: String,
    /// e.g. `CONDITION_AGENT_CPU`, `AGENT_OFFLINE`.
    pub source_type: String,
    /// UUID of the policy condition.
    pub source_config_uid: String,
    /// Condition name, e.g. `Disk Free Space`.
    pub condition_name: String,
    /// `UNHEALTHY`, `NEEDS_ATTENTION`, ...
    pub condition_health_status: String,
    /// `NONE`..`HIGH`, or `None` (then clients read the TRIGGERED activity).
    pub priority: Option<String>,
    /// `NONE`..`CRITICAL`, or `None`.
    pub severity: Option<String>,
    /// Threshold parameter of the condition (`data.message.params.threshold`), if any.
    pub threshold: Option<String>,
    /// Raised at, epoch seconds.
    pub create_time: f64,
    /// Last changed at, epoch seconds.
    pub update_time: f64,
}

/// A NinjaOne activity.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Activity {
    /// int64 id, increasing with time.
    pub id: i64,
    /// Epoch seconds.
    pub activity_time: f64,
    /// Device, absent on many `SYSTEM` and `USER` rows.
    pub device_id: Option<i64>,
    /// `NONE`, `MINOR`, `MODERATE`, `MAJOR`, `CRITICAL`.
    pub severity: String,
    /// `NONE`, `LOW`, `MEDIUM`, `HIGH`.
    pub priority: String,
    /// Alert series, for `CONDITION` rows.
    pub series_uid: Option<String>,
    /// Class of the activity: `SYSTEM`, `DEVICE` or `USER` (the `class` filter).
    pub class: String,
    /// e.g. `CONDITION`, `SYSTEM`, `SCRIPTING`, `PATCH_MANAGEMENT`.
    pub activity_type: String,
    /// e.g. `TRIGGERED`, `RESET`, `POLICY_UPDATED`, `NODE_UPDATED`.
    pub status_code: String,
    /// Human form of the status code.
    pub status: String,
    /// `SUCCESS`, `FAILURE`, ...
    pub activity_result: String,
    /// Policy condition or script name.
    pub source_name: Option<String>,
    /// Subject line.
    pub subject: Option<String>,
    /// Human message.
    pub message: String,
    /// Technician who made the change, for `SYSTEM`/`USER` rows: (id, name, email).
    pub user: Option<(i64, String, String)>,
    /// The organization the row is about, when it is about one (`CLIENT_*`, `LOCATION_*`,
    /// `CREDENTIAL_*` rows and every row with a device). Not a wire field: NinjaOne shows it
    /// at most as `data.message.params.clientId`.
    #[serde(default)]
    pub organization_id: Option<i64>,
    /// Policy condition (for `CONDITION` rows) or script (for `SCRIPTING` rows): the
    /// `sourceConfigUid` filter of `/v2/activities`.
    #[serde(default)]
    pub source_config_uid: Option<String>,
}

impl Fleet {
    /// The NinjaOne devices of one organization.
    pub fn devices_of(&self, organization_id: i64) -> impl Iterator<Item = &Device> {
        self.devices
            .iter()
            .filter(move |d| d.organization_id == organization_id)
    }

    /// The host with this id.
    pub fn host(&self, id: &str) -> Option<&Host> {
        self.hosts.iter().find(|h| h.id == id)
    }

    /// The UniFi devices `/v1/devices` lists: those of hosts the key's account owns. Devices of
    /// other hosts exist (their sites' counts include them) but the API does not show them.
    pub fn listed_unifi_devices(&self) -> impl Iterator<Item = &UnifiDevice> {
        let hidden: std::collections::HashSet<&str> = self
            .hosts
            .iter()
            .filter(|h| !h.owner)
            .map(|h| h.id.as_str())
            .collect();
        self.unifi_devices
            .iter()
            .filter(move |d| !hidden.contains(d.host_id.as_str()))
    }

    /// The UniFi devices of one site.
    pub fn unifi_devices_of<'a>(
        &'a self,
        site_id: &'a str,
    ) -> impl Iterator<Item = &'a UnifiDevice> {
        self.unifi_devices
            .iter()
            .filter(move |d| d.site_id == site_id)
    }
}
