//! The four datasets, their Notion database ids, and the `databases` section of
//! `config.json`.

use std::fmt;
use std::str::FromStr;

/// One of the four Notion databases this toolkit keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dataset {
    /// `customer_status`: Customer Status Board, one page per customer site.
    CustomerStatus,
    /// `daily_health`: Daily Health Summaries, one page per site and local day.
    DailyHealth,
    /// `config_changes`: Config Changes Log, one page per configuration change.
    ConfigChanges,
    /// `alerts`: Device Issues, one page per NinjaOne alert. The earlier scripts called
    /// this key `device_issues`, which is accepted as an alias.
    Alerts,
}

impl Dataset {
    /// Every dataset, in the order of the design's table.
    pub const ALL: [Dataset; 4] = [
        Dataset::CustomerStatus,
        Dataset::DailyHealth,
        Dataset::ConfigChanges,
        Dataset::Alerts,
    ];

    /// The key used in `config.json`, the state store and the CLI.
    pub fn key(self) -> &'static str {
        match self {
            Dataset::CustomerStatus => "customer_status",
            Dataset::DailyHealth => "daily_health",
            Dataset::ConfigChanges => "config_changes",
            Dataset::Alerts => "alerts",
        }
    }

    /// The title of the Notion database.
    pub fn title(self) -> &'static str {
        match self {
            Dataset::CustomerStatus => "Customer Status Board",
            Dataset::DailyHealth => "Daily Health Summaries",
            Dataset::ConfigChanges => "Config Changes Log",
            Dataset::Alerts => "Device Issues",
        }
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A string that names no dataset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a dataset\nhint: use one of customer_status, daily_health, config_changes, \
     alerts"
)]
pub struct UnknownDataset(pub String);

impl FromStr for Dataset {
    type Err = UnknownDataset;

    /// Parses a dataset key; `device_issues` (the earlier name) means [`Dataset::Alerts`].
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text == "device_issues" {
            return Ok(Dataset::Alerts);
        }
        Dataset::ALL
            .into_iter()
            .find(|dataset| dataset.key() == text)
            .ok_or_else(|| UnknownDataset(text.to_owned()))
    }
}

/// A Notion database id: a UUID, kept in dashed lower-case form
/// (`00000000-0000-4000-8000-00000000db01`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DatabaseId(String);

impl DatabaseId {
    /// Parses 32 hex digits, with the usual dashes (8-4-4-4-12) or none, in any case.
    /// Surrounding white space is ignored. `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let digits: String = match text.len() {
            32 => text.to_owned(),
            36 if dashes_in_place(text) => text.chars().filter(|c| *c != '-').collect(),
            _ => return None,
        };
        if !digits.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let lower = digits.to_ascii_lowercase();
        let dashed = format!(
            "{}-{}-{}-{}-{}",
            &lower[0..8],
            &lower[8..12],
            &lower[12..16],
            &lower[16..20],
            &lower[20..32]
        );
        Some(DatabaseId(dashed))
    }

    /// The dashed lower-case form, as the Notion API expects it in paths.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn dashes_in_place(text: &str) -> bool {
    text.char_indices()
        .all(|(i, c)| (c == '-') == matches!(i, 8 | 13 | 18 | 23))
}

impl fmt::Display for DatabaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The `databases` section: the Notion database of each dataset.
///
/// Every id is optional in the file, because `setup-databases` runs before the
/// databases exist and each sync needs only its own. A sync asks for its id
/// with [`super::Config::database`], which fails with a clear error when it is
/// absent. Two datasets may not share one id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Databases {
    /// `databases.customer_status`.
    pub customer_status: Option<DatabaseId>,
    /// `databases.daily_health`.
    pub daily_health: Option<DatabaseId>,
    /// `databases.config_changes`.
    pub config_changes: Option<DatabaseId>,
    /// `databases.alerts` (alias `databases.device_issues`, the earlier key).
    pub alerts: Option<DatabaseId>,
}

impl Databases {
    /// The id configured for `dataset`, if any.
    pub fn get(&self, dataset: Dataset) -> Option<&DatabaseId> {
        match dataset {
            Dataset::CustomerStatus => self.customer_status.as_ref(),
            Dataset::DailyHealth => self.daily_health.as_ref(),
            Dataset::ConfigChanges => self.config_changes.as_ref(),
            Dataset::Alerts => self.alerts.as_ref(),
        }
    }

    /// Sets (or clears) the id of `dataset`.
    pub fn set(&mut self, dataset: Dataset, id: Option<DatabaseId>) {
        let slot = match dataset {
            Dataset::CustomerStatus => &mut self.customer_status,
            Dataset::DailyHealth => &mut self.daily_health,
            Dataset::ConfigChanges => &mut self.config_changes,
            Dataset::Alerts => &mut self.alerts,
        };
        *slot = id;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_normalised_to_dashed_lower_case() {
        let dashed = "00000000-0000-4000-8000-00000000DB01";
        let bare = dashed.replace('-', "");
        let padded = format!(" {} ", bare.to_ascii_lowercase());
        assert_eq!(bare.len(), 32);
        for text in [dashed, bare.as_str(), padded.as_str()] {
            let id = DatabaseId::parse(text);
            assert_eq!(
                id.as_ref().map(DatabaseId::as_str),
                Some("00000000-0000-4000-8000-00000000db01"),
                "{text}"
            );
        }
    }

    #[test]
    fn malformed_ids_are_refused() {
        for text in [
            "",
            "db01",
            "00000000-0000-4000-8000-00000000db0",
            "00000000-0000-4000-8000-00000000db0g",
            "0000000-00000-4000-8000-00000000db01",
            "0000000000004000800000000000db01ab",
            "https://www.notion.so/0000000000004000800000000000db01",
        ] {
            assert_eq!(DatabaseId::parse(text), None, "{text}");
        }
    }

    #[test]
    fn dataset_keys_round_trip_and_accept_the_earlier_alias() {
        for dataset in Dataset::ALL {
            assert_eq!(dataset.key().parse::<Dataset>(), Ok(dataset));
        }
        assert_eq!("device_issues".parse::<Dataset>(), Ok(Dataset::Alerts));
        assert_eq!(Dataset::Alerts.title(), "Device Issues");
        assert!("network_devices".parse::<Dataset>().is_err());
    }
}
