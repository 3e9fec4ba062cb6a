//! [`AlertCounts`]: what a site's active alerts amount to at one moment, for the health
//! score and a Daily Health row: critical and warning counts, the first messages, and the
//! Backup Status they imply.

use serde::{Deserialize, Serialize};

use super::health::{AlertBucket, BackupStatus, bucket};

/// How many alert messages a Daily Health row's Alert Summary lists.
pub const SUMMARY_MESSAGES: usize = 3;

/// A site's active alerts at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertCounts {
    /// Alerts in the critical bucket.
    pub critical: u32,
    /// Alerts in the warning bucket.
    pub warning: u32,
    /// The messages of the first critical and warning alerts, critical first, at most
    /// [`SUMMARY_MESSAGES`].
    pub messages: Vec<String>,
    /// The Backup Status the alerts imply (`success` when none is about backups).
    pub backup: String,
}

impl AlertCounts {
    /// Counts `alerts`, given as `(message, NinjaOne severity)` pairs in a stable order.
    pub fn of<'a>(alerts: impl IntoIterator<Item = (&'a str, Option<&'a str>)> + Clone) -> Self {
        let mut counts = AlertCounts {
            backup: BackupStatus::from_alerts(alerts.clone())
                .as_str()
                .to_owned(),
            ..AlertCounts::default()
        };
        let mut critical = Vec::new();
        let mut warning = Vec::new();
        for (message, severity) in alerts {
            match bucket(severity) {
                AlertBucket::Critical => {
                    counts.critical += 1;
                    critical.push(message);
                }
                AlertBucket::Warning => {
                    counts.warning += 1;
                    warning.push(message);
                }
                AlertBucket::Info => {}
            }
        }
        counts.messages = critical
            .into_iter()
            .chain(warning)
            .filter(|m| !m.trim().is_empty())
            .take(SUMMARY_MESSAGES)
            .map(str::to_owned)
            .collect();
        counts
    }

    /// The Backup Status.
    pub fn backup_status(&self) -> BackupStatus {
        BackupStatus::parse(&self.backup)
    }

    /// Critical and warning alerts together (the Active Alerts column).
    pub fn active(&self) -> u32 {
        self.critical + self.warning
    }

    /// The Alert Summary column: the messages joined by `; `, or `No active alerts`.
    pub fn summary(&self) -> String {
        if self.messages.is_empty() {
            "No active alerts".to_owned()
        } else {
            self.messages.join("; ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_buckets_messages_and_backup() {
        let alerts = [
            ("CPU high", Some("MAJOR")),
            ("Backup failed", Some("CRITICAL")),
            ("Info only", Some("NONE")),
            ("Disk low", Some("MINOR")),
            ("Memory", Some("MODERATE")),
        ];
        let counts = AlertCounts::of(alerts.iter().map(|(m, s)| (*m, *s)));
        assert_eq!((counts.critical, counts.warning), (1, 3));
        assert_eq!(
            counts.messages,
            vec!["Backup failed", "CPU high", "Disk low"]
        );
        assert_eq!(counts.backup_status(), BackupStatus::Failed);
        assert_eq!(counts.active(), 4);
        assert_eq!(
            AlertCounts::of(std::iter::empty()).summary(),
            "No active alerts"
        );
    }
}
