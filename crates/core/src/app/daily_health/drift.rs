//! Configuration drift made real: a site's configuration fingerprint changed between two
//! snapshots and no manual Config Changes Log entry for that site falls between them.
//! Changes the sync finds itself (NinjaOne, UniFi differences) do not cover drift: they
//! are the drift.

use chrono::{DateTime, NaiveDate, Utc};

/// A manual Config Changes Log entry: the site its key names, its Site Name, its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualEntry {
    /// The site segment of `manual:{site}:{id}` (a site id, or a slug of a name).
    pub site_key: String,
    /// The Site Name column.
    pub site_name: String,
    /// The Timestamp column.
    pub at: DateTime<Utc>,
}

impl ManualEntry {
    /// Reads an entry from its Sync Key, Site Name and Timestamp; `None` for other rows.
    pub fn parse(key: &str, site_name: &str, timestamp: &str) -> Option<Self> {
        let rest = key.strip_prefix("manual:")?;
        let (site_key, _) = rest.rsplit_once(':')?;
        let at = DateTime::parse_from_rfc3339(timestamp)
            .ok()
            .map(|t| t.with_timezone(&Utc))?;
        Some(Self {
            site_key: site_key.to_owned(),
            site_name: site_name.to_owned(),
            at,
        })
    }

    fn covers(
        &self,
        site_id: &str,
        site_name: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> bool {
        let same_site = self.site_key.eq_ignore_ascii_case(site_id) || self.site_name == site_name;
        same_site && self.at >= from && self.at <= to
    }
}

/// One snapshot as drift sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// When it was taken.
    pub taken_at: DateTime<Utc>,
    /// The site's local date then.
    pub date: NaiveDate,
    /// The configuration fingerprint.
    pub fingerprint: String,
}

/// Consecutive readings (in time order) whose fingerprints differ, as (before, after).
pub fn changes(readings: &[Reading]) -> Vec<(&Reading, &Reading)> {
    readings
        .windows(2)
        .filter(|pair| pair[0].fingerprint != pair[1].fingerprint)
        .map(|pair| (&pair[0], &pair[1]))
        .collect()
}

/// The drift texts of `date` for a site: one per change ending that day that no manual
/// entry covers.
pub fn drift_on(
    date: NaiveDate,
    site_id: &str,
    site_name: &str,
    changes: &[(&Reading, &Reading)],
    manual: &[ManualEntry],
) -> Vec<String> {
    changes
        .iter()
        .filter(|(_, after)| after.date == date)
        .filter(|(before, after)| {
            !manual
                .iter()
                .any(|m| m.covers(site_id, site_name, before.taken_at, after.taken_at))
        })
        .map(|(before, after)| {
            format!(
                "Configuration changed between {} and {} with no Config Changes Log entry",
                before.taken_at.format("%Y-%m-%d %H:%M UTC"),
                after.taken_at.format("%Y-%m-%d %H:%M UTC")
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(at: &str, fingerprint: &str) -> Reading {
        let taken_at = DateTime::parse_from_rfc3339(at)
            .unwrap()
            .with_timezone(&Utc);
        Reading {
            taken_at,
            date: taken_at.date_naive(),
            fingerprint: fingerprint.into(),
        }
    }

    #[test]
    fn a_change_is_drift_unless_a_manual_entry_covers_it() {
        let readings = [
            reading("2026-12-01T08:00:00Z", "a"),
            reading("2026-12-02T08:00:00Z", "a"),
            reading("2026-12-03T08:00:00Z", "b"),
        ];
        let found = changes(&readings);
        assert_eq!(found.len(), 1);
        let day = "2026-12-03".parse().unwrap();
        assert_eq!(drift_on(day, "s1", "Acme", &found, &[]).len(), 1);
        let entry =
            ManualEntry::parse("manual:s1:0a1b2c3d", "Acme - Texas", "2026-12-02T15:00:00Z")
                .unwrap();
        assert!(drift_on(day, "s1", "Acme", &found, std::slice::from_ref(&entry)).is_empty());
        let other_site = ManualEntry {
            site_key: "s2".into(),
            ..entry.clone()
        };
        assert_eq!(drift_on(day, "s1", "Acme", &found, &[other_site]).len(), 1);
        let too_late = ManualEntry {
            at: DateTime::parse_from_rfc3339("2026-12-03T09:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
            ..entry
        };
        assert_eq!(drift_on(day, "s1", "Acme", &found, &[too_late]).len(), 1);
        assert!(drift_on("2026-12-02".parse().unwrap(), "s1", "Acme", &found, &[]).is_empty());
    }

    #[test]
    fn only_manual_keys_are_entries() {
        assert!(ManualEntry::parse("ninjaone:5", "x", "2026-12-02T15:00:00Z").is_none());
        assert_eq!(
            ManualEntry::parse("manual:acme-dental:12345678", "x", "2026-12-02T15:00:00Z")
                .unwrap()
                .site_key,
            "acme-dental"
        );
    }
}
