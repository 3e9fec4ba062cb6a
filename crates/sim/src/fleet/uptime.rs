//! How long devices stay online and offline.
//!
//! Evolution draws drops and returns from these mean times; generation marks a device offline
//! with the share of time it would spend offline in the long run, so that a freshly generated
//! fleet already looks like one that has been running (the first tick does not bring most
//! offline devices back at once).
//!
//! Seven devices in ten come back within hours when they drop (a reboot, a laptop lid); the
//! others stay away for days (unplugged, on a shelf). Which kind a device is follows from its
//! id, so it never changes.

use super::UnifiDeviceKind;
use super::time::stable_hash;

/// Mean times of one kind of device, in hours.
#[derive(Debug, Clone, Copy)]
pub struct Uptime {
    /// Mean time online between two drops.
    pub up_hours: f64,
    /// Mean time offline of devices that come back quickly.
    pub quick_return_hours: f64,
    /// Mean time offline of the others.
    pub slow_return_hours: f64,
}

impl Uptime {
    /// Mean time offline of the device whose id is `key`.
    pub fn down_hours(&self, key: &str) -> f64 {
        if stable_hash(key) % 10 < 7 {
            self.quick_return_hours
        } else {
            self.slow_return_hours
        }
    }

    /// Share of time the device whose id is `key` spends offline in the long run.
    pub fn offline_share(&self, key: &str) -> f64 {
        let down = self.down_hours(key);
        down / (self.up_hours + down)
    }
}

/// A NinjaOne device of `node_class`: servers and network gear drop less often.
pub fn ninjaone(node_class: &str) -> Uptime {
    let server = node_class.contains("SERVER") || node_class.starts_with("NMS");
    Uptime {
        up_hours: if server { 800.0 } else { 240.0 },
        quick_return_hours: 4.0,
        slow_return_hours: 40.0,
    }
}

/// A UniFi device of `kind`: gateways drop less often than switches and access points.
pub fn unifi(kind: UnifiDeviceKind) -> Uptime {
    Uptime {
        up_hours: if kind == UnifiDeviceKind::Gateway {
            3_000.0
        } else {
            800.0
        },
        quick_return_hours: 3.0,
        slow_return_hours: 60.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_one_workstation_in_twenty_is_offline() {
        let uptime = ninjaone("WINDOWS_WORKSTATION");
        let mean: f64 = (0..10_000)
            .map(|i| uptime.offline_share(&format!("device-{i}")))
            .sum::<f64>()
            / 1e4;
        assert!((0.04..0.07).contains(&mean), "{mean}");
        assert!(ninjaone("WINDOWS_SERVER").up_hours > uptime.up_hours);
    }
}
