//! Hardware and software the fleet is made of: UniFi models with their firmware versions, and
//! the NinjaOne node classes with their operating systems and machine models.
//!
//! Versions are plausible for late 2026 but not a copy of any vendor's release history.

use crate::rng::Rng;

/// A UniFi device model.
#[derive(Debug, Clone, Copy)]
pub struct UnifiModel {
    /// Model name, e.g. `UniFi Cloud Gateway Ultra`.
    pub name: &'static str,
    /// Short name, e.g. `UCGULTRA`.
    pub shortname: &'static str,
    /// Firmware versions, oldest first; the last one is the newest release.
    pub versions: &'static [&'static str],
}

impl UnifiModel {
    /// The newest firmware of the model.
    pub fn latest(&self) -> &'static str {
        self.versions.last().copied().unwrap_or("1.0.0")
    }
}

const fn model(
    name: &'static str,
    shortname: &'static str,
    versions: &'static [&'static str],
) -> UnifiModel {
    UnifiModel {
        name,
        shortname,
        versions,
    }
}

const UNIFI_OS: &[&str] = &["4.1.13", "4.2.12", "4.3.6", "4.3.9", "4.4.6"];

/// Cloud gateways: UniFi OS consoles that are also the site's gateway.
pub const CONSOLE_GATEWAYS: [UnifiModel; 6] = [
    model("UniFi Cloud Gateway Ultra", "UCGULTRA", UNIFI_OS),
    model("UniFi Cloud Gateway Max", "UCGMAX", UNIFI_OS),
    model("UniFi Dream Machine Pro", "UDMPRO", UNIFI_OS),
    model("UniFi Dream Machine Pro SE", "UDMPROSE", UNIFI_OS),
    model("UniFi Dream Router 7", "UDR7", UNIFI_OS),
    model("UniFi Express 7", "UX7", UNIFI_OS),
];

/// Gateways adopted by a self-hosted Network server or an OS server.
pub const PLAIN_GATEWAYS: [UnifiModel; 3] = [
    model("UniFi Security Gateway", "UGW3", &["4.4.55", "4.4.57"]),
    model(
        "UniFi Gateway Lite",
        "UXGLITE",
        &["4.0.21", "4.1.13", "4.3.6"],
    ),
    model("UniFi Next-Gen Gateway Pro", "UXGPRO", &["4.1.13", "4.3.6"]),
];

/// Switches.
pub const SWITCHES: [UnifiModel; 6] = [
    model("USW Flex Mini", "USMINI", &["2.1.4", "2.1.6"]),
    model("USW Lite 8 PoE", "USL8LP", &["7.0.50", "7.1.26", "7.2.123"]),
    model(
        "USW Lite 16 PoE",
        "USL16LP",
        &["7.0.50", "7.1.26", "7.2.123"],
    ),
    model("USW 24 PoE", "USL24P", &["7.0.50", "7.1.26", "7.2.123"]),
    model("USW Pro 24 PoE", "USPRO24P", &["7.1.26", "7.2.123"]),
    model("USW Pro Max 16 PoE", "USPM16P", &["7.1.26", "7.2.123"]),
];

/// Wi-Fi access points.
pub const ACCESS_POINTS: [UnifiModel; 6] = [
    model("U6 Lite", "UAL6", &["6.6.77", "6.7.31", "6.7.41"]),
    model("U6 Pro", "UAP6MP", &["6.6.77", "6.7.31", "6.7.41"]),
    model("U6+", "UAPL6", &["6.6.77", "6.7.31", "6.7.41"]),
    model("U6 Mesh", "U6M", &["6.6.77", "6.7.31", "6.7.41"]),
    model("U7 Pro", "U7PRO", &["7.0.66", "8.0.24", "8.1.14"]),
    model("UAP AC Lite", "U7LT", &["6.5.62", "6.6.55"]),
];

/// The host model of self-hosted Network servers (no UniFi hardware).
pub const NETWORK_SERVER_VERSIONS: &[&str] = &["8.3.32", "8.6.9", "9.0.114", "9.3.45"];

/// The OS-server console (`ucore`): runs the Network application for several sites.
pub const OS_SERVER: UnifiModel = model("UniFi Cloud Key Gen2 Plus", "UCKP", UNIFI_OS);

/// Versions of the Network application on consoles, oldest first.
pub const NETWORK_APP_VERSIONS: &[&str] = &["8.6.9", "9.0.114", "9.3.45", "9.4.19", "9.5.21"];

/// A version of `versions`, the newest one most of the time.
pub fn pick_version(rng: &mut Rng, versions: &'static [&'static str]) -> &'static str {
    if versions.len() < 2 || rng.chance(0.72) {
        return versions.last().copied().unwrap_or("1.0.0");
    }
    versions[rng.below(versions.len() as u64 - 1) as usize]
}

/// The release after `version`: `7.1.26` → `7.1.27`. Used for firmware published while the
/// simulator runs.
pub fn next_release(version: &str) -> String {
    match version.rsplit_once('.') {
        Some((head, last)) => match last.parse::<u64>() {
            Ok(patch) => format!("{head}.{}", patch + 1),
            Err(_) => format!("{version}.1"),
        },
        None => format!("{version}.1"),
    }
}

/// The MAC (upper-case hex, no separators) of device serial `serial`: a Ubiquiti prefix and
/// a bijective scramble of the serial, so no two serials share a MAC.
pub fn mac_of(seed: u64, serial: u64) -> String {
    const PREFIXES: [&str; 4] = ["245A4C", "7483C2", "F4E2C6", "9C05D6"];
    let low = ((serial / 4).wrapping_mul(0x2F_5B1D) ^ (seed & 0xFF_FFFF) ^ 0x5A_C3E1) & 0xFF_FFFF;
    format!("{}{low:06X}", PREFIXES[(serial % 4) as usize])
}

/// `updateAvailable` when a newer release exists, else `upToDate`.
pub fn firmware_status(update_available: &Option<String>) -> String {
    if update_available.is_some() {
        "updateAvailable"
    } else {
        "upToDate"
    }
    .to_string()
}

/// A NinjaOne node class with what its devices run on.
#[derive(Debug, Clone, Copy)]
pub struct NodeClass {
    /// The `nodeClass` value.
    pub name: &'static str,
    /// Relative frequency in an MSP's fleet of small offices.
    pub weight: u64,
    /// Operating systems its devices report; empty for agentless classes.
    pub systems: &'static [&'static str],
    /// Hardware (manufacturer, model); empty when the class reports none.
    pub machines: &'static [(&'static str, &'static str)],
    /// Role in device names, e.g. `WS`, `SRV`.
    pub role: &'static str,
    /// Whether a NinjaOne agent runs on it (agentless devices raise no agent conditions).
    pub agent: bool,
}

const WORKSTATIONS: &[(&str, &str)] = &[
    ("Dell Inc.", "OptiPlex 7010"),
    ("Dell Inc.", "Latitude 5440"),
    ("HP", "EliteDesk 800 G6"),
    ("HP", "ProBook 450 G9"),
    ("Lenovo", "ThinkCentre M70q"),
    ("Lenovo", "ThinkPad T14 Gen 4"),
];

const SERVERS: &[(&str, &str)] = &[
    ("Dell Inc.", "PowerEdge T350"),
    ("Dell Inc.", "PowerEdge R650"),
    ("HPE", "ProLiant ML110 Gen10"),
    ("Microsoft Corporation", "Virtual Machine"),
    ("VMware, Inc.", "VMware7,1"),
];

/// Node classes of the fleet and how common each is.
pub const NODE_CLASSES: [NodeClass; 10] = [
    NodeClass {
        name: "WINDOWS_WORKSTATION",
        weight: 620,
        systems: &[
            "Windows 11 Pro Edition",
            "Windows 10 Pro Edition",
            "Windows 11 Enterprise",
        ],
        machines: WORKSTATIONS,
        role: "WS",
        agent: true,
    },
    NodeClass {
        name: "WINDOWS_SERVER",
        weight: 110,
        systems: &[
            "Windows Server 2022 Standard",
            "Windows Server 2019 Standard",
        ],
        machines: SERVERS,
        role: "SRV",
        agent: true,
    },
    NodeClass {
        name: "MAC",
        weight: 70,
        systems: &["macOS Sequoia 15.2", "macOS Sonoma 14.7"],
        machines: &[("Apple Inc.", "MacBookPro18,3"), ("Apple Inc.", "iMac21,1")],
        role: "MAC",
        agent: true,
    },
    NodeClass {
        name: "LINUX_SERVER",
        weight: 30,
        systems: &[
            "Ubuntu 22.04.5 LTS",
            "Ubuntu 24.04.1 LTS",
            "Debian GNU/Linux 12",
        ],
        machines: SERVERS,
        role: "LNX",
        agent: true,
    },
    NodeClass {
        name: "LINUX_WORKSTATION",
        weight: 10,
        systems: &["Ubuntu 24.04.1 LTS"],
        machines: WORKSTATIONS,
        role: "LWS",
        agent: true,
    },
    NodeClass {
        name: "VMWARE_VM_HOST",
        weight: 20,
        systems: &["VMware ESXi 8.0.3"],
        machines: &[("Dell Inc.", "PowerEdge R650")],
        role: "ESX",
        agent: false,
    },
    NodeClass {
        name: "NMS_SWITCH",
        weight: 40,
        systems: &[],
        machines: &[],
        role: "SW",
        agent: false,
    },
    NodeClass {
        name: "NMS_FIREWALL",
        weight: 30,
        systems: &[],
        machines: &[],
        role: "FW",
        agent: false,
    },
    NodeClass {
        name: "CLOUD_MONITOR_TARGET",
        weight: 20,
        systems: &[],
        machines: &[],
        role: "WEB",
        agent: false,
    },
    NodeClass {
        name: "UNMANAGED_DEVICE",
        weight: 50,
        systems: &[],
        machines: &[],
        role: "DEV",
        agent: false,
    },
];

/// A node class drawn by frequency.
pub fn pick_node_class(rng: &mut Rng) -> &'static NodeClass {
    let total: u64 = NODE_CLASSES.iter().map(|c| c.weight).sum();
    let mut roll = rng.below(total);
    for class in &NODE_CLASSES {
        if roll < class.weight {
            return class;
        }
        roll -= class.weight;
    }
    &NODE_CLASSES[0]
}

/// The node class called `name`.
pub fn node_class(name: &str) -> Option<&'static NodeClass> {
    NODE_CLASSES.iter().find(|c| c.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_release_bumps_the_last_number() {
        assert_eq!(next_release("7.1.26"), "7.1.27");
        assert_eq!(next_release("4.4.6"), "4.4.7");
        assert_eq!(next_release("beta"), "beta.1");
    }

    #[test]
    fn macs_are_unique_per_serial() {
        let mut seen = std::collections::HashSet::new();
        for serial in 0..200_000 {
            assert!(seen.insert(mac_of(5, serial)), "serial {serial}");
        }
    }

    #[test]
    fn latest_is_the_last_version() {
        assert_eq!(SWITCHES[0].latest(), "2.1.6");
        let mut rng = Rng::new(1);
        for _ in 0..100 {
            assert!(
                SWITCHES[1]
                    .versions
                    .contains(&pick_version(&mut rng, SWITCHES[1].versions))
            );
        }
    }
}
