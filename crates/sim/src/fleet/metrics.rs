//! ISP metrics of a site, computed on demand from the seed.
//!
//! Nothing is stored: the figures of any site and period are a pure function of the seed, the
//! site and the period's start, so 30 days of hourly history cost no memory and every process
//! sharing a state directory answers the same numbers.
//!
//! Each site has a profile (base latency, line speed, how flaky its line is). Each hour is
//! either good or, rarely, bad; inside a bad hour some 5-minute periods show high latency,
//! packet loss and sometimes an outage. Throughput follows the customer's office hours. The
//! site's `internetIssues` and `wanUptime` are derived from the same figures.

use chrono::{DateTime, TimeZone, Timelike, Utc};
use serde::Serialize;

use super::Site;
use super::names;
use super::time::stable_hash;
use crate::rng::Rng;

/// Interval of an ISP metric series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    /// 5-minute periods, kept for 24 hours.
    FiveMinutes,
    /// 1-hour periods, kept for 30 days.
    OneHour,
}

impl Interval {
    /// Length of one period, in seconds.
    pub fn seconds(self) -> i64 {
        match self {
            Interval::FiveMinutes => 300,
            Interval::OneHour => 3600,
        }
    }

    /// The start of the period that contains `at`.
    pub fn align(self, at: DateTime<Utc>) -> DateTime<Utc> {
        let secs = at.timestamp().div_euclid(self.seconds()) * self.seconds();
        Utc.timestamp_opt(secs, 0).single().unwrap_or(at)
    }
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

/// The figures of `site` for the period starting at `metric_time` (aligned down to the
/// interval if it is not).
pub fn period(seed: u64, site: &Site, interval: Interval, metric_time: DateTime<Utc>) -> WanPeriod {
    let profile = Profile::of(seed, site);
    let start = interval.align(metric_time);
    let sample = match interval {
        Interval::FiveMinutes => profile.five_minutes(start.timestamp()),
        Interval::OneHour => profile.hour(start.timestamp()),
    };
    WanPeriod {
        metric_time: start,
        avg_latency: round(sample.avg_latency, 0),
        max_latency: round(sample.max_latency, 0),
        packet_loss: round(sample.packet_loss, 2),
        download_kbps: round(sample.download_kbps, 0),
        upload_kbps: round(sample.upload_kbps, 0),
        uptime: round(sample.uptime, 2),
        downtime: round(sample.downtime, 0),
        isp_name: site.isp_name.clone(),
        isp_asn: names::isp_named(&site.isp_name)
            .map_or("64512", |isp| isp.asn)
            .to_string(),
    }
}

/// The 5-minute buckets (Unix seconds / 300) in `(from, to]` in which `site` had an internet
/// issue, oldest first: the site's `statistics.internetIssues` indexes.
pub fn issue_buckets(seed: u64, site: &Site, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<i64> {
    let profile = Profile::of(seed, site);
    let first = from.timestamp().div_euclid(300) + 1;
    let last = to.timestamp().div_euclid(300);
    let mut buckets = Vec::new();
    let mut hour = i64::MIN;
    let mut bad_hour = false;
    for bucket in first..=last {
        let start = bucket * 300;
        if start.div_euclid(3600) != hour {
            hour = start.div_euclid(3600);
            bad_hour = profile.bad_hour(hour);
        }
        if bad_hour && profile.bad_bucket(bucket) {
            buckets.push(bucket);
        }
    }
    buckets
}

/// Mean uptime of `site` over the 24 hours before `now`, rounded to two decimals: the site's
/// `percentages.wanUptime` (a whole 100 on most sites, `99.86` on a site with a bad hour).
pub fn wan_uptime(seed: u64, site: &Site, now: DateTime<Utc>) -> f64 {
    let profile = Profile::of(seed, site);
    let current = now.timestamp().div_euclid(3600);
    let total: f64 = (current - 24..current)
        .map(|hour| profile.hour(hour * 3600).uptime)
        .sum();
    round(total / 24.0, 2)
}

/// Raw figures of one period, before rounding.
#[derive(Debug, Clone, Copy)]
struct Sample {
    avg_latency: f64,
    max_latency: f64,
    packet_loss: f64,
    download_kbps: f64,
    upload_kbps: f64,
    uptime: f64,
    downtime: f64,
}

/// What stays the same for a site: its line and how often it misbehaves.
#[derive(Debug, Clone, Copy)]
struct Profile {
    key: u64,
    base_latency: f64,
    line_kbps: f64,
    upload_ratio: f64,
    bad_hour_chance: f64,
    utc_offset_hours: i64,
}

impl Profile {
    fn of(seed: u64, site: &Site) -> Self {
        let key = seed ^ stable_hash(&site.site_id);
        let mut rng = Rng::derive(key, "wan-profile", 0);
        let line_kbps = *rng.pick(&[50_000.0, 100_000.0, 300_000.0, 500_000.0, 1_000_000.0]);
        Self {
            key,
            base_latency: 6.0 + rng.unit() * 28.0,
            line_kbps,
            upload_ratio: if rng.chance(0.3) {
                1.0
            } else {
                0.1 + rng.unit() * 0.2
            },
            bad_hour_chance: if rng.chance(0.15) { 0.08 } else { 0.012 },
            utc_offset_hours: names::state_named(&site.state).map_or(-6, |s| s.utc_offset_hours),
        }
    }

    fn bad_hour(&self, hour: i64) -> bool {
        Rng::derive(self.key, "wan-hour", hour as u64).chance(self.bad_hour_chance)
    }

    fn bad_bucket(&self, bucket: i64) -> bool {
        Rng::derive(self.key, "wan-bucket", bucket as u64).chance(0.45)
    }

    /// Share of the line in use at local hour `hour`: busy in office hours, idle at night.
    fn load(&self, start: i64) -> f64 {
        let utc_hour = Utc
            .timestamp_opt(start, 0)
            .single()
            .map_or(0, |t| i64::from(t.hour()));
        let local = (utc_hour + self.utc_offset_hours).rem_euclid(24);
        match local {
            8..=11 | 13..=16 => 0.22,
            7 | 12 | 17 => 0.12,
            18..=21 => 0.05,
            _ => 0.02,
        }
    }

    fn five_minutes(&self, start: i64) -> Sample {
        let bucket = start.div_euclid(300);
        let mut rng = Rng::derive(self.key, "wan-5m", bucket as u64);
        let load = self.load(start) * (0.6 + rng.unit() * 0.8);
        let bad = self.bad_hour(start.div_euclid(3600)) && self.bad_bucket(bucket);
        if !bad {
            let avg = self.base_latency * (0.9 + rng.unit() * 0.3);
            return Sample {
                avg_latency: avg,
                max_latency: avg * (1.2 + rng.unit()),
                packet_loss: 0.0,
                download_kbps: self.line_kbps * load,
                upload_kbps: self.line_kbps * self.upload_ratio * load * 0.6,
                uptime: 100.0,
                downtime: 0.0,
            };
        }
        let avg = self.base_latency * (3.0 + rng.unit() * 5.0);
        let downtime = if rng.chance(0.3) {
            rng.range(20, 300) as f64
        } else {
            0.0
        };
        let up = 1.0 - downtime / 300.0;
        Sample {
            avg_latency: avg,
            max_latency: avg * (1.5 + rng.unit() * 1.5),
            packet_loss: 1.0 + rng.unit() * 14.0,
            download_kbps: self.line_kbps * load * up,
            upload_kbps: self.line_kbps * self.upload_ratio * load * 0.6 * up,
            uptime: 100.0 * up,
            downtime,
        }
    }

    fn hour(&self, start: i64) -> Sample {
        let hour = start.div_euclid(3600);
        if self.bad_hour(hour) {
            return self.aggregate(start);
        }
        let mut rng = Rng::derive(self.key, "wan-1h", hour as u64);
        let load = self.load(start) * (0.8 + rng.unit() * 0.4);
        let avg = self.base_latency * (0.95 + rng.unit() * 0.15);
        Sample {
            avg_latency: avg,
            max_latency: avg * (1.8 + rng.unit()),
            packet_loss: 0.0,
            download_kbps: self.line_kbps * load,
            upload_kbps: self.line_kbps * self.upload_ratio * load * 0.6,
            uptime: 100.0,
            downtime: 0.0,
        }
    }

    /// An hour as the mean (and for `max_latency` the maximum) of its twelve 5-minute periods.
    fn aggregate(&self, start: i64) -> Sample {
        let samples: Vec<Sample> = (0..12)
            .map(|i| self.five_minutes(start + i * 300))
            .collect();
        let mean = |f: fn(&Sample) -> f64| samples.iter().map(f).sum::<f64>() / 12.0;
        Sample {
            avg_latency: mean(|s| s.avg_latency),
            max_latency: samples.iter().map(|s| s.max_latency).fold(0.0, f64::max),
            packet_loss: mean(|s| s.packet_loss),
            download_kbps: mean(|s| s.download_kbps),
            upload_kbps: mean(|s| s.upload_kbps),
            uptime: mean(|s| s.uptime),
            downtime: samples.iter().map(|s| s.downtime).sum(),
        }
    }
}

fn round(value: f64, decimals: i32) -> f64 {
    let factor = 10f64.powi(decimals);
    (value * factor).round() / factor
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::FleetConfig;
    use crate::fleet::generate;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, 12, 7, 0).unwrap()
    }

    #[test]
    fn periods_are_pure_and_aligned() {
        let fleet = generate(&FleetConfig::default(), now());
        let site = &fleet.sites[0];
        let a = period(7, site, Interval::FiveMinutes, now());
        let b = period(7, site, Interval::FiveMinutes, now());
        assert_eq!(a, b);
        assert_eq!(
            a.metric_time,
            Utc.with_ymd_and_hms(2026, 12, 3, 12, 5, 0).unwrap()
        );
        let hour = period(7, site, Interval::OneHour, now());
        assert_eq!(
            hour.metric_time,
            Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0).unwrap()
        );
        assert_eq!(hour.isp_name, site.isp_name);
    }

    #[test]
    fn most_hours_are_clean_and_some_are_not() {
        let fleet = generate(&FleetConfig::default(), now());
        let hours: Vec<WanPeriod> = fleet
            .sites
            .iter()
            .flat_map(|site| {
                (0..48).map(move |h| {
                    let at = now() - chrono::Duration::hours(h);
                    period(fleet.seed, site, Interval::OneHour, at)
                })
            })
            .collect();
        let clean = hours
            .iter()
            .filter(|p| p.uptime == 100.0 && p.packet_loss == 0.0)
            .count();
        assert!(clean * 100 > hours.len() * 90, "{clean} of {}", hours.len());
        assert!(hours.iter().any(|p| p.packet_loss > 0.0));
        assert!(hours.iter().any(|p| p.uptime < 100.0 && p.downtime > 0.0));
        assert!(
            hours
                .iter()
                .all(|p| (0.0..=100.0).contains(&p.uptime) && p.avg_latency > 0.0)
        );
    }

    #[test]
    fn issues_match_bad_periods() {
        let fleet = generate(&FleetConfig::default(), now());
        let from = now() - chrono::Duration::hours(24);
        for site in &fleet.sites {
            for bucket in issue_buckets(fleet.seed, site, from, now()) {
                let at = Utc.timestamp_opt(bucket * 300, 0).unwrap();
                let p = period(fleet.seed, site, Interval::FiveMinutes, at);
                assert!(p.packet_loss > 0.0, "bucket {bucket} of {}", site.site_id);
            }
        }
    }
}
