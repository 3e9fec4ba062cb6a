//! ISP metric series: one entry per site with its periods.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::seconds;
use crate::fleet::Site;
use crate::fleet::metrics::{self, Interval, WanPeriod};

/// The metrics of one site, as both ISP-metrics operations return them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricSeries {
    metric_type: &'static str,
    host_id: String,
    site_id: String,
    periods: Vec<PeriodWire>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PeriodWire {
    metric_time: String,
    version: String,
    data: PeriodData,
}

#[derive(Debug, Serialize)]
struct PeriodData {
    wan: WanWire,
}

/// WAN figures. The specification types every figure as an integer, so they are
/// rounded.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct WanWire {
    avg_latency: i64,
    max_latency: i64,
    packet_loss: i64,
    #[serde(rename = "download_kbps")]
    download_kbps: i64,
    #[serde(rename = "upload_kbps")]
    upload_kbps: i64,
    uptime: i64,
    downtime: i64,
    isp_name: String,
    isp_asn: String,
}

/// The series of `site` over the period starts `times`; `version` is the
/// Network application version that reported them (real responses show it, the
/// documentation example `"1"`).
pub fn metric_series(
    seed: u64,
    site: &Site,
    version: &str,
    interval: Interval,
    times: &[DateTime<Utc>],
) -> MetricSeries {
    let periods = times
        .iter()
        .map(|&time| PeriodWire {
            metric_time: seconds(time),
            version: version.to_owned(),
            data: PeriodData {
                wan: wan(metrics::period(seed, site, interval, time)),
            },
        })
        .collect();
    MetricSeries {
        metric_type: match interval {
            Interval::FiveMinutes => "5m",
            Interval::OneHour => "1h",
        },
        host_id: site.host_id.clone(),
        site_id: site.site_id.clone(),
        periods,
    }
}

fn wan(period: WanPeriod) -> WanWire {
    let whole = |value: f64| value.round() as i64;
    WanWire {
        avg_latency: whole(period.avg_latency),
        max_latency: whole(period.max_latency),
        packet_loss: whole(period.packet_loss),
        download_kbps: whole(period.download_kbps),
        upload_kbps: whole(period.upload_kbps),
        uptime: whole(period.uptime),
        downtime: whole(period.downtime),
        isp_name: period.isp_name,
        isp_asn: period.isp_asn,
    }
}
