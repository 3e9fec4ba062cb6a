//! The Device Issues rules of the earlier scripts
//! (`shared/api/ORIGINAL_SYSTEM.md` section 4): which Issue Type a NinjaOne
//! alert is, its Severity, and the Scheduled Action suggested for it. Two
//! defects of those rules are fixed here, each explained where it is fixed.
//!
//! This module only maps alert fields to option names. Reading alerts, keying
//! rows on the alert uid and resolving or reopening rows belong to the `alerts`
//! dataset; the severity buckets that feed the health score are in
//! [`super::health`].

/// The Issue Type of an alert: the options of the Device Issues select
/// property.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IssueType {
    /// Free disk space below a threshold.
    DiskSpace,
    /// Memory use above a threshold.
    Memory,
    /// Disk input/output above a threshold.
    DiskIo,
    /// The device is offline.
    Offline,
    /// A backup failed or is overdue.
    BackupFailed,
    /// CPU use above a threshold.
    Cpu,
    /// A service stopped or changed state.
    ServiceDown,
}

impl IssueType {
    /// The Notion select option name.
    pub fn as_str(self) -> &'static str {
        match self {
            IssueType::DiskSpace => "disk_space",
            IssueType::Memory => "memory",
            IssueType::DiskIo => "disk_io",
            IssueType::Offline => "offline",
            IssueType::BackupFailed => "backup_failed",
            IssueType::Cpu => "cpu",
            IssueType::ServiceDown => "service_down",
        }
    }
}

/// Classifies an alert by its NinjaOne `sourceType`, `message` and
/// `conditionName` (section 4.1). The source type is compared upper-cased, the
/// message and condition name lower-cased; a missing field matches nothing. The
/// first rule that matches wins:
///
/// 1. source type contains `DISK_FREE_SPACE`: disk space
/// 2. source type contains `DISK_IO`: disk I/O
/// 3. source type contains `MEMORY`: memory
/// 4. source type contains `CPU`: CPU
/// 5. source type contains `OFFLINE`: offline
/// 6. source type contains `SERVICE` or message `service`: service down
/// 7. message or condition name contains `backup`: backup failed
/// 8. message contains `offline`: offline
///
/// Returns `None` when no rule matches. Rule 5 and the `None` fix the earlier
/// rules, which ignored the source type of offline alerts and returned `other`,
/// an option the property does not have.
pub fn classify(
    source_type: Option<&str>,
    message: Option<&str>,
    condition_name: Option<&str>,
) -> Option<IssueType> {
    let source_type = source_type.unwrap_or_default().to_uppercase();
    let message = message.unwrap_or_default().to_lowercase();
    let condition_name = condition_name.unwrap_or_default().to_lowercase();

    let source_rules = [
        ("DISK_FREE_SPACE", IssueType::DiskSpace),
        ("DISK_IO", IssueType::DiskIo),
        ("MEMORY", IssueType::Memory),
        ("CPU", IssueType::Cpu),
        // Fix: the earlier scripts never looked at the source type for offline
        // alerts, so an `AGENT_OFFLINE` alert whose message did not say
        // "offline" fell through to `other` or, worse, to `service_down` or
        // `backup_failed` by its wording. The source type is the authority; it
        // is checked before any rule that reads the message.
        ("OFFLINE", IssueType::Offline),
    ];
    if let Some((_, issue)) = source_rules
        .iter()
        .find(|(part, _)| source_type.contains(part))
    {
        return Some(*issue);
    }

    if source_type.contains("SERVICE") || message.contains("service") {
        Some(IssueType::ServiceDown)
    } else if message.contains("backup") || condition_name.contains("backup") {
        Some(IssueType::BackupFailed)
    } else if message.contains("offline") {
        Some(IssueType::Offline)
    } else {
        // Fix: the earlier scripts wrote `other` here, which is not an option
        // of the Issue Type property; Notion would silently add it as a new
        // option. The caller leaves the property empty instead.
        None
    }
}

/// The Severity of an alert: the options of the Device Issues select property.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    /// Needs attention now.
    Critical,
    /// Needs attention soon.
    Warning,
    /// For information only; the earlier rules never produce it.
    Info,
}

impl Severity {
    /// The Notion select option name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

// Severity limits of section 4.2, in percent: free disk space at or below the
// first, or memory use at or above the second, is critical.
const CRITICAL_FREE_DISK_PERCENT: i64 = 10;
const CRITICAL_MEMORY_PERCENT: i64 = 95;

/// The Severity of an alert of type `issue` (section 4.2), given the alert's
/// `data.message.params.threshold` as text.
///
/// Disk space is critical when the threshold is at most 10, memory when it is
/// at least 95; both are warnings otherwise, including when the threshold is
/// missing or not an integer (surrounding spaces are ignored). Offline and
/// backup alerts are always critical; every other alert, unclassified ones
/// included, is a warning.
pub fn severity(issue: Option<IssueType>, threshold: Option<&str>) -> Severity {
    let threshold = threshold.and_then(|text| text.trim().parse::<i64>().ok());
    match (issue, threshold) {
        (Some(IssueType::DiskSpace), Some(percent)) if percent <= CRITICAL_FREE_DISK_PERCENT => {
            Severity::Critical
        }
        (Some(IssueType::Memory), Some(percent)) if percent >= CRITICAL_MEMORY_PERCENT => {
            Severity::Critical
        }
        (Some(IssueType::Offline | IssueType::BackupFailed), _) => Severity::Critical,
        _ => Severity::Warning,
    }
}

/// The Scheduled Action suggested for an alert of type `issue` (section 4.3):
/// `disk_cleanup` for disk space, `restart_service` for memory and service
/// alerts, `manual` for everything else, unclassified alerts included.
pub fn suggested_action(issue: Option<IssueType>) -> &'static str {
    match issue {
        Some(IssueType::DiskSpace) => "disk_cleanup",
        Some(IssueType::Memory | IssueType::ServiceDown) => "restart_service",
        _ => "manual",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_source(source_type: &str, message: &str) -> Option<IssueType> {
        classify(Some(source_type), Some(message), None)
    }

    #[test]
    fn source_type_rules() {
        let cases = [
            ("CONDITION_AGENT_DISK_FREE_SPACE", IssueType::DiskSpace),
            ("CONDITION_LINUX_DISK_FREE_SPACE", IssueType::DiskSpace),
            ("CONDITION_AGENT_DISK_IO", IssueType::DiskIo),
            ("CONDITION_AGENT_MEMORY", IssueType::Memory),
            ("CONDITION_AGENT_CPU", IssueType::Cpu),
            (
                "CONDITION_WINDOWS_SERVICE_STATE_CHANGED",
                IssueType::ServiceDown,
            ),
            ("condition_agent_cpu", IssueType::Cpu),
        ];
        for (source_type, expected) in cases {
            assert_eq!(
                by_source(source_type, "threshold exceeded"),
                Some(expected),
                "{source_type}"
            );
        }
    }

    #[test]
    fn message_and_condition_name_rules() {
        let classify_text = |message, condition_name| {
            classify(Some("CONDITION_SCRIPT_RESULT"), message, condition_name)
        };
        assert_eq!(
            classify_text(Some("Spooler Service stopped"), None),
            Some(IssueType::ServiceDown)
        );
        assert_eq!(
            classify_text(Some("Nightly BACKUP failed"), None),
            Some(IssueType::BackupFailed)
        );
        assert_eq!(
            classify_text(Some("script exited 2"), Some("Veeam Backup check")),
            Some(IssueType::BackupFailed)
        );
        assert_eq!(
            classify_text(Some("Switch went Offline"), None),
            Some(IssueType::Offline)
        );
    }

    #[test]
    fn first_matching_rule_wins() {
        assert_eq!(
            by_source(
                "CONDITION_AGENT_DISK_FREE_SPACE",
                "backup service volume is full"
            ),
            Some(IssueType::DiskSpace)
        );
        assert_eq!(
            by_source("CONDITION_AGENT_MEMORY", "SQL service leaking"),
            Some(IssueType::Memory)
        );
        assert_eq!(
            by_source("CONDITION_AGENT_CPU", "backup running"),
            Some(IssueType::Cpu)
        );
        assert_eq!(
            by_source("CONDITION_SCRIPT_RESULT", "backup service offline"),
            Some(IssueType::ServiceDown)
        );
        assert_eq!(
            by_source("CONDITION_SCRIPT_RESULT", "backup target offline"),
            Some(IssueType::BackupFailed)
        );
    }

    #[test]
    fn offline_source_type_is_offline_whatever_the_message() {
        assert_eq!(
            by_source("AGENT_OFFLINE", "Device is offline"),
            Some(IssueType::Offline)
        );
        assert_eq!(
            by_source("AGENT_OFFLINE", "No contact for 5 minutes"),
            Some(IssueType::Offline)
        );
        assert_eq!(
            by_source("agent_offline", "Backup service host lost"),
            Some(IssueType::Offline)
        );
        assert_eq!(
            classify(Some("AGENT_OFFLINE"), None, None),
            Some(IssueType::Offline)
        );
    }

    #[test]
    fn unmatched_alert_has_no_issue_type() {
        assert_eq!(
            by_source("CONDITION_PENDING_REBOOT", "Reboot pending"),
            None
        );
        assert_eq!(classify(None, None, None), None);
    }

    #[test]
    fn issue_type_option_names() {
        let names = [
            IssueType::DiskSpace,
            IssueType::Memory,
            IssueType::DiskIo,
            IssueType::Offline,
            IssueType::BackupFailed,
            IssueType::Cpu,
            IssueType::ServiceDown,
        ]
        .map(IssueType::as_str);
        assert_eq!(
            names,
            [
                "disk_space",
                "memory",
                "disk_io",
                "offline",
                "backup_failed",
                "cpu",
                "service_down"
            ]
        );
    }

    #[test]
    fn disk_space_severity_edges() {
        let disk = |threshold| severity(Some(IssueType::DiskSpace), threshold);
        assert_eq!(disk(Some("10")), Severity::Critical);
        assert_eq!(disk(Some(" 5 ")), Severity::Critical);
        assert_eq!(disk(Some("11")), Severity::Warning);
        assert_eq!(disk(Some("10.0")), Severity::Warning);
        assert_eq!(disk(Some("ten")), Severity::Warning);
        assert_eq!(disk(None), Severity::Warning);
    }

    #[test]
    fn memory_severity_edges() {
        let memory = |threshold| severity(Some(IssueType::Memory), threshold);
        assert_eq!(memory(Some("95")), Severity::Critical);
        assert_eq!(memory(Some("100")), Severity::Critical);
        assert_eq!(memory(Some("94")), Severity::Warning);
        assert_eq!(memory(Some("95%")), Severity::Warning);
        assert_eq!(memory(None), Severity::Warning);
    }

    #[test]
    fn other_severities() {
        assert_eq!(severity(Some(IssueType::Offline), None), Severity::Critical);
        assert_eq!(
            severity(Some(IssueType::BackupFailed), Some("50")),
            Severity::Critical
        );
        assert_eq!(
            severity(Some(IssueType::Cpu), Some("99")),
            Severity::Warning
        );
        assert_eq!(
            severity(Some(IssueType::DiskIo), Some("1")),
            Severity::Warning
        );
        assert_eq!(
            severity(Some(IssueType::ServiceDown), None),
            Severity::Warning
        );
        assert_eq!(severity(None, Some("1")), Severity::Warning);
        assert_eq!(
            [Severity::Critical, Severity::Warning, Severity::Info].map(Severity::as_str),
            ["critical", "warning", "info"]
        );
    }

    #[test]
    fn suggested_actions() {
        assert_eq!(suggested_action(Some(IssueType::DiskSpace)), "disk_cleanup");
        assert_eq!(suggested_action(Some(IssueType::Memory)), "restart_service");
        assert_eq!(
            suggested_action(Some(IssueType::ServiceDown)),
            "restart_service"
        );
        for issue in [
            IssueType::DiskIo,
            IssueType::Offline,
            IssueType::BackupFailed,
            IssueType::Cpu,
        ] {
            assert_eq!(suggested_action(Some(issue)), "manual", "{issue:?}");
        }
        assert_eq!(suggested_action(None), "manual");
    }
}
