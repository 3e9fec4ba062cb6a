//! ISP metrics of a site, computed on demand from the seed.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Site;

/// Interval of an ISP metric series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    /// 5-minute periods, kept for 24 hours.
    FiveMinutes,
    /// 1-hour periods, kept for 30 days.
    OneHour,
}

/// WAN figures of one period.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WanPeriod {
    /// Start of the period, aligned to the interval.
    pub metric_time: DateTime<Utc>,
    /// Average latency, ms.
    pub avg_latency: f64,
    /// Maximum latency, ms.
    pub max_latency: f64,
    /// Packet loss, percent of the period.
    pub packet_loss: f64,
    /// Download throughput, kbps.
    pub download_kbps: f64,
    /// Upload throughput, kbps.
    pub upload_kbps: f64,
    /// Uptime, percent of the period.
    pub uptime: f64,
    /// Downtime, seconds.
    pub downtime: f64,
    /// ISP name.
    pub isp_name: String,
    /// ISP autonomous system number.
    pub isp_asn: String,
}

/// The figures of `site` for the period starting at `metric_time`.
pub fn period(seed: u64, site: &Site, interval: Interval, metric_time: DateTime<Utc>) -> WanPeriod {
    let _ = (seed, interval);
    WanPeriod {
        metric_time,
        avg_latency: 0.0,
        max_latency: 0.0,
        packet_loss: 0.0,
        download_kbps: 0.0,
        upload_kbps: 0.0,
        uptime: 100.0,
        downtime: 0.0,
        isp_name: site.isp_name.clone(),
        isp_asn: String::new(),
    }
}
