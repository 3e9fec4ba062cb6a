//! A site's configuration as UniFi Site Manager shows it: its LAN, WAN and Wi-Fi
//! configuration counts and, where they can be told apart, its devices with their firmware.
//! Two readings are compared by fingerprint (daily-health drift) and difference by difference
//! (config-change-sync's UniFi source).
//!
//! Limitation: Site Manager lists devices by host, not by site. Devices are attributed to a
//! site only when its host serves that one site; for a host with several sites (a cloud
//! console, a UniFi OS server) only the configuration counts are compared.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::config_changes::Action;
use crate::unifi::{Device, Site};

/// One device as configured: what it is and which firmware it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceConfig {
    /// Its name (or model, or MAC) for messages.
    pub name: String,
    /// Its model.
    pub model: Option<String>,
    /// Its firmware version.
    pub firmware: Option<String>,
}

/// A site's configuration at one reading.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteConfig {
    /// LAN configurations (`counts.lanConfiguration`).
    pub lan: Option<u32>,
    /// WAN configurations.
    pub wan: Option<u32>,
    /// Wi-Fi configurations.
    pub wifi: Option<u32>,
    /// Devices by id; `None` when they cannot be attributed to the site.
    pub devices: Option<BTreeMap<String, DeviceConfig>>,
}

impl SiteConfig {
    /// The configuration of `site`, with `devices` when they are known to be its own.
    pub fn of(site: &Site, devices: Option<&[&Device]>) -> Self {
        let counts = site.counts.clone().unwrap_or_default();
        let devices = devices.map(|devices| {
            devices
                .iter()
                .map(|d| {
                    let name = d
                        .name
                        .clone()
                        .or_else(|| d.model.clone())
                        .or_else(|| d.mac.clone())
                        .unwrap_or_else(|| d.id.clone());
                    let config = DeviceConfig {
                        name,
                        model: d.model.clone(),
                        firmware: d.version.clone(),
                    };
                    (d.id.clone(), config)
                })
                .collect()
        });
        Self {
            lan: counts.lan_configuration,
            wan: counts.wan_configuration,
            wifi: counts.wifi_configuration,
            devices,
        }
    }

    /// A short stable digest of the whole configuration (16 hex digits): equal readings
    /// give equal fingerprints, any difference a different one.
    pub fn fingerprint(&self) -> String {
        // Maps are ordered, so the JSON text is canonical.
        let text = serde_json::to_string(self).unwrap_or_default();
        let digest = Sha256::digest(text.as_bytes());
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Which part of a configuration changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DifferenceKind {
    /// A device joined the site.
    DeviceAdded,
    /// A device left the site.
    DeviceRemoved,
    /// A device runs other firmware.
    FirmwareChanged,
    /// The number of LAN configurations changed.
    LanConfiguration,
    /// The number of WAN configurations changed.
    WanConfiguration,
    /// The number of Wi-Fi configurations changed.
    WifiConfiguration,
}

impl DifferenceKind {
    /// The name used in keys.
    pub fn as_str(self) -> &'static str {
        match self {
            DifferenceKind::DeviceAdded => "device-added",
            DifferenceKind::DeviceRemoved => "device-removed",
            DifferenceKind::FirmwareChanged => "firmware",
            DifferenceKind::LanConfiguration => "lan-configuration",
            DifferenceKind::WanConfiguration => "wan-configuration",
            DifferenceKind::WifiConfiguration => "wifi-configuration",
        }
    }
}

/// One difference between two readings of a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// What changed.
    pub kind: DifferenceKind,
    /// The device id, or the configuration kind; with the new value, it tells this
    /// difference from any other of the same reading.
    pub object: String,
    /// The new value (firmware version, count), empty when there is none.
    pub value: String,
    /// The action it amounts to.
    pub action: Action,
    /// One line for the change log.
    pub summary: String,
}

/// What changed from `old` to `new`, devices first, in a stable order.
pub fn differences(old: &SiteConfig, new: &SiteConfig) -> Vec<Difference> {
    let mut out = Vec::new();
    if let (Some(before), Some(after)) = (&old.devices, &new.devices) {
        device_differences(before, after, &mut out);
    }
    let counts = [
        (DifferenceKind::LanConfiguration, "LAN", old.lan, new.lan),
        (DifferenceKind::WanConfiguration, "WAN", old.wan, new.wan),
        (
            DifferenceKind::WifiConfiguration,
            "Wi-Fi",
            old.wifi,
            new.wifi,
        ),
    ];
    for (kind, label, before, after) in counts {
        if let (Some(before), Some(after)) = (before, after)
            && before != after
        {
            out.push(Difference {
                kind,
                object: kind.as_str().to_owned(),
                value: after.to_string(),
                action: Action::Modify,
                summary: format!("{label} configurations changed from {before} to {after}"),
            });
        }
    }
    out
}

fn device_differences(
    before: &BTreeMap<String, DeviceConfig>,
    after: &BTreeMap<String, DeviceConfig>,
    out: &mut Vec<Difference>,
) {
    for (id, device) in after {
        match before.get(id) {
            None => out.push(Difference {
                kind: DifferenceKind::DeviceAdded,
                object: id.clone(),
                value: String::new(),
                action: Action::Create,
                summary: format!("Device '{}' added{}", device.name, model(device)),
            }),
            Some(old) if old.firmware != device.firmware => out.push(Difference {
                kind: DifferenceKind::FirmwareChanged,
                object: id.clone(),
                value: device.firmware.clone().unwrap_or_default(),
                action: Action::Update,
                summary: format!(
                    "Firmware of '{}' changed from {} to {}",
                    device.name,
                    old.firmware.as_deref().unwrap_or("unknown"),
                    device.firmware.as_deref().unwrap_or("unknown")
                ),
            }),
            Some(_) => {}
        }
    }
    for (id, device) in before {
        if !after.contains_key(id) {
            out.push(Difference {
                kind: DifferenceKind::DeviceRemoved,
                object: id.clone(),
                value: String::new(),
                action: Action::Delete,
                summary: format!("Device '{}' removed{}", device.name, model(device)),
            });
        }
    }
}

fn model(device: &DeviceConfig) -> String {
    device
        .model
        .as_deref()
        .filter(|m| *m != device.name)
        .map(|m| format!(" ({m})"))
        .unwrap_or_default()
}

/// The devices of each site whose host serves that one site, by site id.
pub fn devices_by_site<'a>(
    sites: &[Site],
    devices: &'a [Device],
) -> HashMap<String, Vec<&'a Device>> {
    let mut sites_of_host: HashMap<&str, Vec<&str>> = HashMap::new();
    for site in sites {
        if let Some(host) = site.host_id.as_deref() {
            sites_of_host.entry(host).or_default().push(&site.id);
        }
    }
    let mut out: HashMap<String, Vec<&Device>> = HashMap::new();
    for sites in sites_of_host.values() {
        if let [site] = sites.as_slice() {
            out.insert((*site).to_owned(), Vec::new());
        }
    }
    for device in devices {
        if let Some([site]) = sites_of_host
            .get(device.host_id.as_str())
            .map(Vec::as_slice)
            && let Some(list) = out.get_mut(*site)
        {
            list.push(device);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(name: &str, firmware: &str) -> DeviceConfig {
        DeviceConfig {
            name: name.into(),
            model: Some("U6-Lite".into()),
            firmware: Some(firmware.into()),
        }
    }

    fn config(devices: &[(&str, DeviceConfig)], lan: u32) -> SiteConfig {
        SiteConfig {
            lan: Some(lan),
            wan: Some(1),
            wifi: Some(2),
            devices: Some(
                devices
                    .iter()
                    .map(|(id, d)| ((*id).to_owned(), d.clone()))
                    .collect(),
            ),
        }
    }

    #[test]
    fn equal_readings_have_equal_fingerprints() {
        let a = config(&[("1", device("AP Lobby", "6.6.55"))], 2);
        let b = config(&[("1", device("AP Lobby", "6.6.55"))], 2);
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint().len(), 16);
        let c = config(&[("1", device("AP Lobby", "6.6.65"))], 2);
        assert_ne!(a.fingerprint(), c.fingerprint());
        assert!(differences(&a, &b).is_empty());
    }

    #[test]
    fn each_kind_of_difference_is_found_once() {
        let old = config(
            &[
                ("1", device("AP Lobby", "6.6.55")),
                ("2", device("AP Back", "6.6.55")),
            ],
            2,
        );
        let new = config(
            &[
                ("1", device("AP Lobby", "6.6.65")),
                ("3", device("AP New", "6.6.65")),
            ],
            3,
        );
        let found: Vec<(DifferenceKind, String, String)> = differences(&old, &new)
            .into_iter()
            .map(|d| (d.kind, d.object, d.value))
            .collect();
        assert_eq!(
            found,
            vec![
                (DifferenceKind::FirmwareChanged, "1".into(), "6.6.65".into()),
                (DifferenceKind::DeviceAdded, "3".into(), String::new()),
                (DifferenceKind::DeviceRemoved, "2".into(), String::new()),
                (
                    DifferenceKind::LanConfiguration,
                    "lan-configuration".into(),
                    "3".into()
                ),
            ]
        );
    }

    #[test]
    fn devices_are_compared_only_when_both_readings_have_them() {
        let mut old = config(&[("1", device("AP", "1"))], 2);
        old.devices = None;
        let new = config(&[("9", device("AP", "1"))], 2);
        assert!(differences(&old, &new).is_empty());
    }
}
