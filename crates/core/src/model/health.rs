//! The health score of the earlier scripts (`shared/api/ORIGINAL_SYSTEM.md`
//! section 3): the inputs, the 30/20/20/15/15 formula with its floating-point
//! truncation, the status and Deployment Status limits, the review rule and its
//! reasons, the Backup Status inferred from NinjaOne alerts, and the severity
//! buckets that feed the alert counts.
//!
//! Everything here is a pure function of counts the caller already has. This
//! module does not fetch alerts, match sites to organizations or decide what to
//! write when NinjaOne is down; that belongs to the datasets that call it.

// Points each component can cost (section 3.1); they sum to 100.
const AVAILABILITY_WEIGHT: u32 = 30;
const WIFI_WEIGHT: u32 = 20;
const ALERTS_WEIGHT: u32 = 20;
const BACKUP_WEIGHT: u32 = 15;
const DRIFT_WEIGHT: u32 = 15;

// Points one critical and one warning alert cost, before the alerts cap.
const CRITICAL_ALERT_POINTS: u32 = 10;
const WARNING_ALERT_POINTS: u32 = 2;

// Lowest score of each status (section 3.3). The earlier scripts had a
// configurable critical threshold but ignored it; these limits are fixed.
const HEALTHY_FLOOR: u8 = 80;
const WARNING_FLOOR: u8 = 50;

// How many drift violation texts a review lists at most.
const MAX_REVIEW_VIOLATIONS: usize = 3;

/// The Backup Status of a site: the options of the Daily Health Summaries
/// select property.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BackupStatus {
    /// No backup alert is active.
    Success,
    /// A backup alert below `CRITICAL` is active.
    Partial,
    /// A `CRITICAL` backup alert is active.
    Failed,
    /// Nothing is known: no organization matched, or the value was not
    /// recognised.
    #[default]
    Unknown,
}

impl BackupStatus {
    /// The Notion select option name.
    pub fn as_str(self) -> &'static str {
        match self {
            BackupStatus::Success => "success",
            BackupStatus::Partial => "partial",
            BackupStatus::Failed => "failed",
            BackupStatus::Unknown => "unknown",
        }
    }

    /// Reads an option name, case-insensitively as the earlier scripts did;
    /// anything else (surrounding spaces included) is
    /// [`BackupStatus::Unknown`].
    pub fn parse(text: &str) -> Self {
        [
            BackupStatus::Success,
            BackupStatus::Partial,
            BackupStatus::Failed,
        ]
        .into_iter()
        .find(|status| text.eq_ignore_ascii_case(status.as_str()))
        .unwrap_or(BackupStatus::Unknown)
    }

    /// Infers the status from the active alerts of the site's organization,
    /// given as `(message, NinjaOne severity)` pairs (section 2.2 note (d)).
    /// Only alerts whose message contains "backup" (case-insensitive) count:
    /// any with severity `CRITICAL` gives [`BackupStatus::Failed`], any other
    /// [`BackupStatus::Partial`], none [`BackupStatus::Success`].
    ///
    /// The caller decides [`BackupStatus::Unknown`] when no organization
    /// matched the site: an empty list of alerts here means "no backup alert",
    /// not "no data".
    pub fn from_alerts<'a>(alerts: impl IntoIterator<Item = (&'a str, Option<&'a str>)>) -> Self {
        let mut status = BackupStatus::Success;
        for (message, severity) in alerts {
            if !message.to_lowercase().contains("backup") {
                continue;
            }
            if bucket(severity) == AlertBucket::Critical {
                return BackupStatus::Failed;
            }
            status = BackupStatus::Partial;
        }
        status
    }

    /// The share of the backup weight lost (section 3.2 step 4). `0.33` is the
    /// earlier scripts' value for `unknown`; it is what makes an unknown backup
    /// cost 4 points.
    fn fraction_lost(self) -> f64 {
        match self {
            BackupStatus::Success => 0.0,
            BackupStatus::Partial => 0.5,
            BackupStatus::Failed => 1.0,
            BackupStatus::Unknown => 0.33,
        }
    }
}

/// What the score of one site is computed from (section 3.1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HealthInputs {
    /// Devices of the site that are online.
    pub devices_online: u32,
    /// All devices of the site; 0 means availability costs nothing.
    pub devices_total: u32,
    /// Wi-Fi clients connected to the site.
    pub wifi_clients: u32,
    /// Wi-Fi clients below the signal limit; 0 means Wi-Fi costs nothing.
    pub weak_signal_clients: u32,
    /// Active alerts in the [`AlertBucket::Critical`] bucket.
    pub critical_alerts: u32,
    /// Active alerts in the [`AlertBucket::Warning`] bucket.
    pub warning_alerts: u32,
    /// The Backup Status of the site; [`BackupStatus::Unknown`] by default.
    pub backup: BackupStatus,
    /// Whether configuration drift was detected.
    pub drift: bool,
    /// The drift violation texts, in the order they were found.
    pub violations: Vec<String>,
}

/// Points each component took off the score (section 3.2), each within its
/// weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Penalties {
    /// Device availability, 0..=30.
    pub availability: u32,
    /// Wi-Fi quality, 0..=20.
    pub wifi: u32,
    /// Critical and warning alerts, 0..=20.
    pub alerts: u32,
    /// Backup status, 0..=15.
    pub backup: u32,
    /// Configuration drift, 0 or 15.
    pub drift: u32,
}

impl Penalties {
    /// The points taken off in all, 0..=100.
    pub fn total(&self) -> u32 {
        self.availability + self.wifi + self.alerts + self.backup + self.drift
    }
}

/// The assessed health of one site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Health {
    /// The Health Score, 0..=100.
    pub score: u8,
    /// How the score lost its points.
    pub penalties: Penalties,
    /// The status the score falls in.
    pub status: HealthStatus,
}

/// Scores a site by the earlier formula (section 3.2): 100 minus the penalty of
/// each component, clamped to 0..=100.
///
/// The penalties use the same `f64` operations in the same order as the earlier
/// scripts, so that their truncation quirks reproduce: 10 of 12 devices online
/// costs 4 points, not 5, because `(1 - 10/12) * 30` is `4.999…` in binary
/// floating point.
///
/// Counts that contradict each other (more devices online than in total, more
/// weak-signal clients than clients) are clamped to the nearest sensible ratio,
/// so a penalty never leaves 0..=weight. The earlier scripts let such a penalty
/// go negative or exceed its weight; with consistent counts the result is
/// identical.
pub fn assess(inputs: &HealthInputs) -> Health {
    let penalties = Penalties {
        availability: availability_penalty(inputs.devices_online, inputs.devices_total),
        wifi: wifi_penalty(inputs.weak_signal_clients, inputs.wifi_clients),
        alerts: alerts_penalty(inputs.critical_alerts, inputs.warning_alerts),
        backup: truncated_penalty(inputs.backup.fraction_lost(), BACKUP_WEIGHT),
        drift: if inputs.drift { DRIFT_WEIGHT } else { 0 },
    };

    let kept = 100_i64 - i64::from(penalties.total());
    let score = u8::try_from(kept.clamp(0, 100)).unwrap_or(0);

    Health {
        score,
        penalties,
        status: HealthStatus::of(score),
    }
}

/// Section 3.2 step 1: `trunc((1 − online / total) × 30)`, nothing when `total`
/// is 0.
fn availability_penalty(online: u32, total: u32) -> u32 {
    let ratio = if total == 0 {
        1.0
    } else {
        (f64::from(online) / f64::from(total)).min(1.0)
    };
    truncated_penalty(1.0 - ratio, AVAILABILITY_WEIGHT)
}

/// Section 3.2 step 2: `quality = 1 − weak / clients`, then
/// `trunc((1 − quality) × 20)`; nothing when there are no clients. The double
/// subtraction is deliberate: `1 − (1 − x)` is not always `x` in `f64` (1 weak
/// client of 10 costs 1 point, not 2), and the earlier scores depend on it.
fn wifi_penalty(weak: u32, clients: u32) -> u32 {
    let quality = if clients == 0 {
        1.0
    } else {
        (1.0 - f64::from(weak) / f64::from(clients)).max(0.0)
    };
    truncated_penalty(1.0 - quality, WIFI_WEIGHT)
}

/// Section 3.2 step 3: 10 per critical and 2 per warning alert, at most 20.
fn alerts_penalty(critical: u32, warning: u32) -> u32 {
    critical
        .saturating_mul(CRITICAL_ALERT_POINTS)
        .saturating_add(warning.saturating_mul(WARNING_ALERT_POINTS))
        .min(ALERTS_WEIGHT)
}

/// `trunc(fraction × weight)` in `f64`, as the earlier scripts computed every
/// weighted penalty. The `as` conversion truncates toward zero and saturates,
/// which is the intent.
fn truncated_penalty(fraction: f64, weight: u32) -> u32 {
    (fraction * f64::from(weight)).trunc() as u32
}

/// The status a score falls in (section 3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HealthStatus {
    /// Score 80 or more.
    Healthy,
    /// Score 50 to 79.
    Warning,
    /// Score below 50.
    Critical,
}

impl HealthStatus {
    /// The status of `score`, by the fixed limits 80 and 50.
    pub fn of(score: u8) -> Self {
        if score >= HEALTHY_FLOOR {
            HealthStatus::Healthy
        } else if score >= WARNING_FLOOR {
            HealthStatus::Warning
        } else {
            HealthStatus::Critical
        }
    }

    /// The status name: `healthy`, `warning` or `critical`.
    pub fn as_str(self) -> &'static str {
        match self {
            HealthStatus::Healthy => "healthy",
            HealthStatus::Warning => "warning",
            HealthStatus::Critical => "critical",
        }
    }

    /// The Customer Status Board's Deployment Status option for this status.
    pub fn deployment_status(self) -> &'static str {
        match self {
            HealthStatus::Healthy => "active",
            HealthStatus::Warning => "maintenance",
            HealthStatus::Critical => "needs attention",
        }
    }
}

/// Whether a site needs an engineer's review, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Review {
    /// The score is below the review threshold, or a critical alert is active,
    /// or drift was detected.
    pub required: bool,
    /// What is wrong with the site, in the earlier scripts' order and wording;
    /// filled even when no review is required.
    pub reasons: Vec<String>,
}

/// Decides the review of a site scored `score` (section 3.3).
///
/// A review is required when `score < threshold` (the configured warning
/// threshold, 70 by default), when a critical alert is active, or when drift
/// was detected. The reasons come in this order, each only when it applies:
/// devices offline, clients with weak signal, critical alerts, a Backup Status
/// other than `success`, drift, then the first three violation texts.
pub fn review(inputs: &HealthInputs, score: u8, threshold: u8) -> Review {
    let required = score < threshold || inputs.critical_alerts > 0 || inputs.drift;

    let mut reasons = Vec::new();
    let offline = inputs.devices_total.saturating_sub(inputs.devices_online);
    if inputs.devices_total > 0 && offline > 0 {
        reasons.push(format!("{offline} device(s) offline"));
    }
    if inputs.weak_signal_clients > 0 {
        reasons.push(format!(
            "{} client(s) with weak signal",
            inputs.weak_signal_clients
        ));
    }
    if inputs.critical_alerts > 0 {
        reasons.push(format!("{} critical alert(s)", inputs.critical_alerts));
    }
    if inputs.backup != BackupStatus::Success {
        reasons.push(format!("Backup status: {}", inputs.backup.as_str()));
    }
    if inputs.drift {
        reasons.push("Config drift detected".to_owned());
    }
    reasons.extend(
        inputs
            .violations
            .iter()
            .take(MAX_REVIEW_VIOLATIONS)
            .cloned(),
    );

    Review { required, reasons }
}

/// The health-score bucket of a NinjaOne alert severity (section 4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertBucket {
    /// Counts toward [`HealthInputs::critical_alerts`].
    Critical,
    /// Counts toward [`HealthInputs::warning_alerts`].
    Warning,
    /// Counts toward neither.
    Info,
}

/// Buckets a NinjaOne alert severity, case-insensitively: `CRITICAL` is
/// critical; `MAJOR`, `MODERATE` and `MINOR` are warnings; `NONE`, a missing
/// severity and anything else are info.
pub fn bucket(ninjaone_severity: Option<&str>) -> AlertBucket {
    let Some(severity) = ninjaone_severity else {
        return AlertBucket::Info;
    };
    let is = |name: &str| severity.eq_ignore_ascii_case(name);
    if is("CRITICAL") {
        AlertBucket::Critical
    } else if is("MAJOR") || is("MODERATE") || is("MINOR") {
        AlertBucket::Warning
    } else {
        AlertBucket::Info
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One row of the worked-examples table of section 3.4.
    fn inputs(
        (online, total): (u32, u32),
        (clients, weak): (u32, u32),
        (critical, warning): (u32, u32),
        backup: BackupStatus,
        drift: bool,
    ) -> HealthInputs {
        HealthInputs {
            devices_online: online,
            devices_total: total,
            wifi_clients: clients,
            weak_signal_clients: weak,
            critical_alerts: critical,
            warning_alerts: warning,
            backup,
            drift,
            violations: Vec::new(),
        }
    }

    fn penalties(availability: u32, wifi: u32, alerts: u32, backup: u32, drift: u32) -> Penalties {
        Penalties {
            availability,
            wifi,
            alerts,
            backup,
            drift,
        }
    }

    #[test]
    fn worked_examples_of_section_3_4() {
        use BackupStatus::*;
        use HealthStatus::*;
        let rows = [
            (
                inputs((12, 12), (30, 0), (0, 0), Success, false),
                penalties(0, 0, 0, 0, 0),
                100,
            ),
            (
                inputs((10, 12), (40, 0), (0, 2), Success, false),
                penalties(4, 0, 4, 0, 0),
                92,
            ),
            (
                inputs((8, 10), (20, 2), (1, 1), Unknown, false),
                penalties(5, 1, 12, 4, 0),
                78,
            ),
            (
                inputs((8, 10), (10, 1), (0, 0), Partial, false),
                penalties(5, 1, 0, 7, 0),
                87,
            ),
            (
                inputs((0, 0), (0, 0), (0, 0), Unknown, false),
                penalties(0, 0, 0, 4, 0),
                96,
            ),
            (
                inputs((5, 10), (0, 0), (2, 3), Failed, true),
                penalties(15, 0, 20, 15, 15),
                35,
            ),
        ];
        let statuses = [Healthy, Healthy, Warning, Healthy, Healthy, Critical];
        let review_required = [false, false, true, false, false, true];

        for (i, (row, expected_penalties, expected_score)) in rows.iter().enumerate() {
            let health = assess(row);
            assert_eq!(health.penalties, *expected_penalties, "row {}", i + 1);
            assert_eq!(health.score, *expected_score, "row {}", i + 1);
            assert_eq!(health.status, statuses[i], "row {}", i + 1);
            assert_eq!(
                review(row, health.score, 70).required,
                review_required[i],
                "row {}",
                i + 1
            );
        }
    }

    #[test]
    fn truncation_quirks_reproduce() {
        let online = |online, total| HealthInputs {
            devices_online: online,
            devices_total: total,
            backup: BackupStatus::Success,
            ..HealthInputs::default()
        };
        assert_eq!(assess(&online(10, 12)).penalties.availability, 4);
        assert_eq!(assess(&online(9, 10)).penalties.availability, 2);
        assert_eq!(assess(&online(8, 10)).penalties.availability, 5);

        let weak = HealthInputs {
            wifi_clients: 10,
            weak_signal_clients: 1,
            backup: BackupStatus::Success,
            ..HealthInputs::default()
        };
        assert_eq!(assess(&weak).penalties.wifi, 1);
    }

    #[test]
    fn exact_ratios_cost_their_full_share() {
        let half = HealthInputs {
            devices_online: 1,
            devices_total: 2,
            wifi_clients: 4,
            weak_signal_clients: 2,
            backup: BackupStatus::Success,
            ..HealthInputs::default()
        };
        assert_eq!(assess(&half).penalties, penalties(15, 10, 0, 0, 0));
    }

    #[test]
    fn score_stays_within_0_and_100() {
        let worst = HealthInputs {
            devices_online: 0,
            devices_total: 10,
            wifi_clients: 10,
            weak_signal_clients: 10,
            critical_alerts: 50,
            warning_alerts: 50,
            backup: BackupStatus::Failed,
            drift: true,
            violations: Vec::new(),
        };
        let health = assess(&worst);
        assert_eq!(health.penalties, penalties(30, 20, 20, 15, 15));
        assert_eq!(health.score, 0);
        assert_eq!(health.status, HealthStatus::Critical);

        let contradictory = HealthInputs {
            devices_online: 12,
            devices_total: 10,
            wifi_clients: 10,
            weak_signal_clients: 30,
            critical_alerts: u32::MAX,
            warning_alerts: u32::MAX,
            backup: BackupStatus::Success,
            ..HealthInputs::default()
        };
        let health = assess(&contradictory);
        assert_eq!(health.penalties, penalties(0, 20, 20, 0, 0));
        assert_eq!(health.score, 60);
    }

    #[test]
    fn status_limits_and_deployment_status() {
        assert_eq!(HealthStatus::of(100), HealthStatus::Healthy);
        assert_eq!(HealthStatus::of(80), HealthStatus::Healthy);
        assert_eq!(HealthStatus::of(79), HealthStatus::Warning);
        assert_eq!(HealthStatus::of(50), HealthStatus::Warning);
        assert_eq!(HealthStatus::of(49), HealthStatus::Critical);
        assert_eq!(HealthStatus::of(0), HealthStatus::Critical);

        let names: Vec<_> = [
            HealthStatus::Healthy,
            HealthStatus::Warning,
            HealthStatus::Critical,
        ]
        .into_iter()
        .map(|status| (status.as_str(), status.deployment_status()))
        .collect();
        assert_eq!(
            names,
            [
                ("healthy", "active"),
                ("warning", "maintenance"),
                ("critical", "needs attention")
            ]
        );
    }

    #[test]
    fn backup_status_parses_case_insensitively() {
        assert_eq!(BackupStatus::parse("success"), BackupStatus::Success);
        assert_eq!(BackupStatus::parse("Partial"), BackupStatus::Partial);
        assert_eq!(BackupStatus::parse("FAILED"), BackupStatus::Failed);
        assert_eq!(BackupStatus::parse("unknown"), BackupStatus::Unknown);
        assert_eq!(BackupStatus::parse("ok"), BackupStatus::Unknown);
        assert_eq!(BackupStatus::parse(""), BackupStatus::Unknown);

        for status in [
            BackupStatus::Success,
            BackupStatus::Partial,
            BackupStatus::Failed,
            BackupStatus::Unknown,
        ] {
            assert_eq!(BackupStatus::parse(status.as_str()), status);
        }
    }

    #[test]
    fn unrecognised_backup_costs_like_unknown() {
        let backup = |text| HealthInputs {
            backup: BackupStatus::parse(text),
            ..Default::default()
        };
        assert_eq!(assess(&backup("Success")).penalties.backup, 0);
        assert_eq!(assess(&backup("PARTIAL")).penalties.backup, 7);
        assert_eq!(assess(&backup("failed")).penalties.backup, 15);
        assert_eq!(assess(&backup("unknown")).penalties.backup, 4);
        assert_eq!(assess(&backup("degraded")).penalties.backup, 4);
    }

    #[test]
    fn backup_status_from_alerts() {
        assert_eq!(BackupStatus::from_alerts([]), BackupStatus::Success);
        assert_eq!(
            BackupStatus::from_alerts([("CPU above 90%", Some("CRITICAL"))]),
            BackupStatus::Success,
            "only backup alerts count"
        );
        assert_eq!(
            BackupStatus::from_alerts([("Nightly Backup overdue", Some("MINOR"))]),
            BackupStatus::Partial
        );
        assert_eq!(
            BackupStatus::from_alerts([("BACKUP job failed", None)]),
            BackupStatus::Partial
        );
        assert_eq!(
            BackupStatus::from_alerts([
                ("backup overdue", Some("MAJOR")),
                ("backup job failed", Some("critical")),
                ("backup overdue", Some("MINOR")),
            ]),
            BackupStatus::Failed
        );
    }

    #[test]
    fn alert_severity_buckets() {
        assert_eq!(bucket(Some("CRITICAL")), AlertBucket::Critical);
        assert_eq!(bucket(Some("critical")), AlertBucket::Critical);
        assert_eq!(bucket(Some("MAJOR")), AlertBucket::Warning);
        assert_eq!(bucket(Some("Moderate")), AlertBucket::Warning);
        assert_eq!(bucket(Some("minor")), AlertBucket::Warning);
        assert_eq!(bucket(Some("NONE")), AlertBucket::Info);
        assert_eq!(bucket(Some("INFO")), AlertBucket::Info);
        assert_eq!(bucket(Some("HIGH")), AlertBucket::Info);
        assert_eq!(bucket(None), AlertBucket::Info);
    }

    #[test]
    fn review_reasons_in_order_and_wording() {
        let site = HealthInputs {
            devices_online: 8,
            devices_total: 10,
            wifi_clients: 10,
            weak_signal_clients: 1,
            critical_alerts: 1,
            warning_alerts: 0,
            backup: BackupStatus::Unknown,
            drift: true,
            violations: [
                "open SSID guest",
                "VLAN 1 in use",
                "permit-any rule",
                "fourth",
            ]
            .map(String::from)
            .to_vec(),
        };
        let review = review(&site, assess(&site).score, 70);
        assert!(review.required);
        assert_eq!(
            review.reasons,
            [
                "2 device(s) offline",
                "1 client(s) with weak signal",
                "1 critical alert(s)",
                "Backup status: unknown",
                "Config drift detected",
                "open SSID guest",
                "VLAN 1 in use",
                "permit-any rule",
            ]
        );
    }

    #[test]
    fn review_reasons_recorded_when_not_required() {
        let site = HealthInputs {
            devices_online: 11,
            devices_total: 12,
            backup: BackupStatus::Partial,
            ..HealthInputs::default()
        };
        let review = review(&site, assess(&site).score, 70);
        assert!(!review.required);
        assert_eq!(
            review.reasons,
            ["1 device(s) offline", "Backup status: partial"]
        );
    }

    #[test]
    fn healthy_site_has_no_reasons() {
        let site = HealthInputs {
            devices_online: 0,
            devices_total: 0,
            backup: BackupStatus::Success,
            ..HealthInputs::default()
        };
        let review = review(&site, assess(&site).score, 70);
        assert_eq!(review, Review::default());
    }

    #[test]
    fn review_required_by_each_trigger() {
        let clean = HealthInputs {
            backup: BackupStatus::Success,
            ..HealthInputs::default()
        };
        assert!(!review(&clean, 70, 70).required);
        assert!(review(&clean, 69, 70).required);

        let critical = HealthInputs {
            critical_alerts: 1,
            ..clean.clone()
        };
        assert!(review(&critical, 90, 70).required);

        let drift = HealthInputs {
            drift: true,
            ..clean
        };
        assert!(review(&drift, 85, 70).required);
    }
}
