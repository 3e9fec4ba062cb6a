//! The Config Changes Log: one row per configuration change, from engineers' tools (manual
//! entries), NinjaOne activities and UniFi snapshot differences, with the earlier scripts'
//! tool registry and risk rules (`shared/api/ORIGINAL_SYSTEM.md` sections 2.3 and 5).
//!
//! Each row is keyed by its source: `ninjaone:{activity id}`, `unifi:{site id}:{change}`,
//! `manual:{site id or name}:{unique id}`. The key is also the Change ID (the title), which
//! fixes the earlier ids' one-second collisions. Rows are written once and corrected only when
//! their source says something else; Notes belong to people.
//!
//! Two tools and one vendor are new, for the changes the sync finds itself: `ninjaone`
//! (vendor `NinjaOne`) and `unifi-site-manager` (vendor `Ubiquiti`). Notion adds a select
//! option the first time a row uses it.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::config::Dataset;
use crate::notion::{DateValue, PropertyValue};
use crate::sync::{DatasetSpec, DesiredRow};

/// Property names of the Config Changes Log.
pub mod property {
    /// Title: the change's key.
    pub const CHANGE_ID: &str = "Change ID";
    /// The site, as named when the change was logged.
    pub const SITE_NAME: &str = "Site Name";
    /// The tool that made or found the change.
    pub const TOOL: &str = "Tool";
    /// The tool's vendor.
    pub const VENDOR: &str = "Vendor";
    /// The tool's category.
    pub const CATEGORY: &str = "Category";
    /// What was done.
    pub const ACTION: &str = "Action";
    /// One line.
    pub const SUMMARY: &str = "Summary";
    /// More.
    pub const DETAILS: &str = "Details";
    /// Who.
    pub const ENGINEER: &str = "Engineer";
    /// When (date and time, UTC).
    pub const TIMESTAMP: &str = "Timestamp";
    /// low, medium, high, critical.
    pub const RISK_LEVEL: &str = "Risk Level";
    /// A ticket reference.
    pub const TICKET_ID: &str = "Ticket ID";
    /// How to undo it.
    pub const ROLLBACK_PLAN: &str = "Rollback Plan";
}

/// The engine's view of the dataset: rows stay as history, nothing is retired.
pub fn spec() -> DatasetSpec {
    DatasetSpec {
        dataset: Dataset::ConfigChanges,
        retirement: None,
        legacy_key: None,
        routine: &[],
        routine_retirements: false,
        optional: &[],
    }
}

macro_rules! options {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
        pub enum $name {
            $($(#[$vdoc])* #[value(name = $text)] $variant),+
        }

        impl $name {
            /// Every value, in the option order of the Notion property.
            pub const ALL: &[$name] = &[$($name::$variant),+];

            /// The Notion option name (and command-line value).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The value named `text`, if any.
            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == text)
            }
        }
    };
}

options!(
    /// The tool that made (or found) a change.
    Tool {
        /// MikroTik configuration builder.
        MikrotikConfigBuilder => "mikrotik-config-builder",
        /// SonicWall scripts.
        SonicwallScripts => "sonicwall-scripts",
        /// UniFi deployment.
        UnifiDeploy => "unifi-deploy",
        /// Azure automation.
        AzureAutomation => "azure-automation",
        /// Network troubleshooter (assessments).
        NetworkTroubleshooter => "network-troubleshooter",
        /// A person, by hand.
        Manual => "manual",
        /// Found in NinjaOne's activity log by the sync.
        Ninjaone => "ninjaone",
        /// Found by comparing UniFi Site Manager snapshots.
        UnifiSiteManager => "unifi-site-manager",
    }
);

options!(
    /// What a change did.
    Action {
        /// Deployed.
        Deploy => "deploy",
        /// Updated.
        Update => "update",
        /// Rolled back.
        Rollback => "rollback",
        /// Backed up.
        Backup => "backup",
        /// Restored.
        Restore => "restore",
        /// Deleted.
        Delete => "delete",
        /// Created.
        Create => "create",
        /// Modified.
        Modify => "modify",
        /// Assessed (no change).
        Assessment => "assessment",
    }
);

options!(
    /// How risky a change is.
    Risk {
        /// Low.
        Low => "low",
        /// Medium.
        Medium => "medium",
        /// High: a rollback plan is required.
        High => "high",
        /// Critical: a rollback plan is required.
        Critical => "critical",
    }
);

options!(
    /// A tool's category.
    Category {
        /// Network.
        Network => "network",
        /// Security.
        Security => "security",
        /// Cloud.
        Cloud => "cloud",
        /// Assessment.
        Assessment => "assessment",
        /// By hand.
        Manual => "manual",
        /// Anything else.
        Other => "other",
    }
);

impl Tool {
    /// The earlier tool registry: vendor, category and default risk (section 2.3).
    pub fn registry(self) -> (&'static str, Category, Risk) {
        match self {
            Tool::MikrotikConfigBuilder => ("MikroTik", Category::Network, Risk::Medium),
            Tool::SonicwallScripts => ("SonicWall", Category::Security, Risk::High),
            Tool::UnifiDeploy => ("Ubiquiti", Category::Network, Risk::Medium),
            Tool::AzureAutomation => ("Azure", Category::Cloud, Risk::High),
            Tool::NetworkTroubleshooter => ("Multi", Category::Assessment, Risk::Low),
            Tool::Manual => ("Manual", Category::Manual, Risk::Medium),
            Tool::Ninjaone => ("NinjaOne", Category::Other, Risk::Medium),
            Tool::UnifiSiteManager => ("Ubiquiti", Category::Network, Risk::Medium),
        }
    }

    /// Whether engineers' tools log with this tool (the others are the sync's sources).
    pub fn is_manual(self) -> bool {
        !matches!(self, Tool::Ninjaone | Tool::UnifiSiteManager)
    }
}

impl Risk {
    /// Whether a change of this risk needs a rollback plan.
    pub fn needs_rollback(self) -> bool {
        matches!(self, Risk::High | Risk::Critical)
    }

    /// The mark the earlier `recent` listing used: `!!`, `!`, `*`, `-`.
    pub fn mark(self) -> &'static str {
        match self {
            Risk::Critical => "!!",
            Risk::High => "!",
            Risk::Medium => "*",
            Risk::Low => "-",
        }
    }
}

/// Words in a summary that make a change high risk (section 5).
const HIGH_RISK_WORDS: &[&str] = &[
    "firewall",
    "vpn",
    "ipsec",
    "delete",
    "remove",
    "production",
    "critical",
];

/// The earlier risk rules (section 5): an explicit risk wins; else high when the summary
/// names a risky subject or the action is a delete or rollback; else the tool's default.
/// They never produce `critical` by themselves.
pub fn assess_risk(explicit: Option<Risk>, summary: &str, action: Action, tool: Tool) -> Risk {
    if let Some(risk) = explicit {
        return risk;
    }
    let summary = summary.to_lowercase();
    if HIGH_RISK_WORDS.iter().any(|word| summary.contains(word))
        || matches!(action, Action::Delete | Action::Rollback)
    {
        return Risk::High;
    }
    tool.registry().2
}

/// One configuration change, from any source.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRecord {
    /// `Sync Key` and Change ID.
    pub key: String,
    /// The site as named.
    pub site_name: String,
    /// The tool.
    pub tool: Tool,
    /// The category (the tool's, unless the source knows better).
    pub category: Category,
    /// What was done.
    pub action: Action,
    /// One line.
    pub summary: String,
    /// More, possibly empty.
    pub details: String,
    /// Who.
    pub engineer: String,
    /// When.
    pub timestamp: DateTime<Utc>,
    /// How risky.
    pub risk: Risk,
    /// Ticket reference.
    pub ticket: Option<String>,
    /// How to undo it.
    pub rollback: Option<String>,
}

impl ChangeRecord {
    /// The row this change is written as. Ticket ID and Rollback Plan are written only when
    /// known, so that what a person adds later stays.
    pub fn row(&self) -> DesiredRow {
        let (vendor, _, _) = self.tool.registry();
        let text = |s: &str| PropertyValue::RichText(s.to_owned());
        let select = |s: &str| PropertyValue::Select(Some(s.to_owned()));
        DesiredRow::new(&self.key, format!("{}: {}", self.site_name, self.summary))
            .set(property::CHANGE_ID, PropertyValue::Title(self.key.clone()))
            .set(property::SITE_NAME, text(&self.site_name))
            .set(property::TOOL, select(self.tool.as_str()))
            .set(property::VENDOR, select(vendor))
            .set(property::CATEGORY, select(self.category.as_str()))
            .set(property::ACTION, select(self.action.as_str()))
            .set(property::SUMMARY, text(&self.summary))
            .set(property::DETAILS, text(&self.details))
            .set(property::ENGINEER, text(&self.engineer))
            .set(
                property::TIMESTAMP,
                PropertyValue::Date(Some(DateValue::on(
                    self.timestamp.to_rfc3339_opts(SecondsFormat::Secs, true),
                ))),
            )
            .set(property::RISK_LEVEL, select(self.risk.as_str()))
            .set_known(property::TICKET_ID, self.ticket.as_deref().map(text))
            .set_known(property::ROLLBACK_PLAN, self.rollback.as_deref().map(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risk_rules_in_their_order() {
        let risk = |explicit, summary, action, tool| assess_risk(explicit, summary, action, tool);
        assert_eq!(
            risk(
                Some(Risk::Low),
                "delete the VPN",
                Action::Delete,
                Tool::SonicwallScripts
            ),
            Risk::Low,
            "an explicit risk wins"
        );
        assert_eq!(
            risk(
                None,
                "Open firewall port 443",
                Action::Update,
                Tool::NetworkTroubleshooter
            ),
            Risk::High
        );
        assert_eq!(
            risk(None, "tidy", Action::Rollback, Tool::Manual),
            Risk::High
        );
        assert_eq!(
            risk(None, "tidy", Action::Update, Tool::SonicwallScripts),
            Risk::High
        );
        assert_eq!(
            risk(None, "tidy", Action::Update, Tool::NetworkTroubleshooter),
            Risk::Low
        );
        assert_eq!(
            risk(None, "tidy", Action::Update, Tool::UnifiDeploy),
            Risk::Medium
        );
        assert!(Risk::High.needs_rollback() && Risk::Critical.needs_rollback());
        assert!(!Risk::Medium.needs_rollback());
    }

    #[test]
    fn the_row_carries_every_owned_column() {
        let record = ChangeRecord {
            key: "manual:site:1".into(),
            site_name: "Acme Dental - Texas".into(),
            tool: Tool::UnifiDeploy,
            category: Category::Network,
            action: Action::Deploy,
            summary: "New AP in lobby".into(),
            details: String::new(),
            engineer: "jane".into(),
            timestamp: DateTime::parse_from_rfc3339("2026-12-03T14:05:09Z")
                .unwrap()
                .with_timezone(&Utc),
            risk: Risk::Medium,
            ticket: Some("T-1".into()),
            rollback: None,
        };
        let row = record.row();
        assert_eq!(
            row.properties[property::CHANGE_ID],
            PropertyValue::Title("manual:site:1".into())
        );
        assert_eq!(
            row.properties[property::VENDOR],
            PropertyValue::Select(Some("Ubiquiti".into()))
        );
        assert_eq!(
            row.properties[property::TIMESTAMP].display(),
            "2026-12-03T14:05:09Z"
        );
        assert!(!row.properties.contains_key(property::ROLLBACK_PLAN));
        assert_eq!(
            Tool::parse("sonicwall-scripts"),
            Some(Tool::SonicwallScripts)
        );
        assert_eq!(Tool::ALL.len(), 8);
    }
}
