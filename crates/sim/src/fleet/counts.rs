//! A site's `statistics.counts` derived from its UniFi devices, so that generation and evolution
//! keep the two consistent: `totalDevice` is the number of devices, `offlineDevice` the number
//! not online, and the gateway, Wi-Fi and wired figures split them by kind.

use super::{Counts, UnifiDevice, UnifiDeviceKind};

impl Counts {
    /// These counts with every device figure recomputed from `devices`; clients,
    /// notifications and configuration figures are kept.
    pub fn recounted<'a>(self, devices: impl IntoIterator<Item = &'a UnifiDevice>) -> Counts {
        let mut counts = Counts {
            total_device: 0,
            offline_device: 0,
            gateway_device: 0,
            offline_gateway_device: 0,
            wifi_device: 0,
            offline_wifi_device: 0,
            wired_device: 0,
            offline_wired_device: 0,
            pending_update_device: 0,
            ..self
        };
        for device in devices {
            let offline = u32::from(device.status != "online");
            counts.total_device += 1;
            counts.offline_device += offline;
            counts.pending_update_device += u32::from(device.update_available.is_some());
            match device.kind {
                UnifiDeviceKind::Gateway => {
                    counts.gateway_device += 1;
                    counts.offline_gateway_device += offline;
                }
                UnifiDeviceKind::AccessPoint => {
                    counts.wifi_device += 1;
                    counts.offline_wifi_device += offline;
                }
                UnifiDeviceKind::Switch => {
                    counts.wired_device += 1;
                    counts.offline_wired_device += offline;
                }
            }
        }
        counts
    }
}
