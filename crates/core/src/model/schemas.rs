//! The expected schema of each of the four databases: the database title and, for every
//! property, its name and Notion configuration (type, number format, select options with
//! their colours, relation target). This is the product's source of truth:
//! `setup-databases` creates databases from it and checks live ones against it, and the
//! simulator's seed must match it (a test in `crates/cli/tests/setup_databases.rs` says
//! when it does not).
//!
//! The schemas are those of the earlier scripts (`shared/api/ORIGINAL_SYSTEM.md` section
//! 2, whose property names, option names and colours are the contract with the people who
//! use the databases), plus this toolkit's additions:
//!
//! - `Sync Key` (rich text) in every database: the stable key of each synced row;
//! - Daily Health Summaries: `WAN Uptime` (percent), `Latency (ms)`, `Packet Loss`
//!   (percent), the day's ISP figures;
//! - Config Changes Log: Tool options `ninjaone` and `unifi-site-manager`, Vendor option
//!   `NinjaOne`, for the changes the sync finds itself.
//!
//! Property names the syncs write are the `property` constants of each dataset's model
//! module; the few only people write (Notes, Open Tickets, ...) are named here.
//!
//! This module only describes; it makes no request. Comparing a live data source with a
//! schema is [`crate::app::setup_databases::drift`].

use serde_json::{Map, Value, json};

use super::{alerts, config_changes, customer_status, daily_health};
use crate::config::Dataset;
use crate::notion::DataSourceId;
use crate::sync::SYNC_KEY;

/// A select option colour (NOTION.md section 5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Color {
    /// `default` (no colour).
    Default,
    /// `gray`.
    Gray,
    /// `brown`.
    Brown,
    /// `orange`.
    Orange,
    /// `yellow`.
    Yellow,
    /// `green`.
    Green,
    /// `blue`.
    Blue,
    /// `purple`.
    Purple,
    /// `pink`.
    Pink,
    /// `red`.
    Red,
}

impl Color {
    /// The colour's name in the Notion API.
    pub fn as_str(self) -> &'static str {
        match self {
            Color::Default => "default",
            Color::Gray => "gray",
            Color::Brown => "brown",
            Color::Orange => "orange",
            Color::Yellow => "yellow",
            Color::Green => "green",
            Color::Blue => "blue",
            Color::Purple => "purple",
            Color::Pink => "pink",
            Color::Red => "red",
        }
    }
}

/// One option of a select or multi-select property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SelectOption {
    /// The option's name: the value rows hold.
    pub name: &'static str,
    /// Its colour.
    pub color: Color,
}

/// How a number property is displayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberFormat {
    /// `number`: the value as it is.
    Number,
    /// `percent`: the value times 100 with `%` (rows hold fractions, 0.917 for 91.7 %).
    Percent,
}

impl NumberFormat {
    /// The format's name in the Notion API.
    pub fn as_str(self) -> &'static str {
        match self {
            NumberFormat::Number => "number",
            NumberFormat::Percent => "percent",
        }
    }
}

/// A property's type and configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyType {
    /// The title (exactly one per database).
    Title,
    /// Rich text.
    RichText,
    /// A number in a display format.
    Number(NumberFormat),
    /// One option of a list.
    Select(&'static [SelectOption]),
    /// Several options of a list.
    MultiSelect(&'static [SelectOption]),
    /// A date or date-time.
    Date,
    /// A checkbox.
    Checkbox,
    /// A one-way (`single_property`) relation to the pages of another dataset's database.
    /// One-way, because a back-reference on each customer row would collect a reference
    /// per daily row and pass Notion's 25-reference display cap within a month.
    Relation(Dataset),
}

impl PropertyType {
    /// The type's name in the Notion API (`title`, `rich_text`, `number`, ...).
    pub fn type_name(self) -> &'static str {
        match self {
            PropertyType::Title => "title",
            PropertyType::RichText => "rich_text",
            PropertyType::Number(_) => "number",
            PropertyType::Select(_) => "select",
            PropertyType::MultiSelect(_) => "multi_select",
            PropertyType::Date => "date",
            PropertyType::Checkbox => "checkbox",
            PropertyType::Relation(_) => "relation",
        }
    }

    /// The options of a select or multi-select property; empty for other types.
    pub fn options(self) -> &'static [SelectOption] {
        match self {
            PropertyType::Select(options) | PropertyType::MultiSelect(options) => options,
            _ => &[],
        }
    }

    /// The display format of a number property.
    pub fn number_format(self) -> Option<NumberFormat> {
        match self {
            PropertyType::Number(format) => Some(format),
            _ => None,
        }
    }

    /// The dataset a relation property points at.
    pub fn relation(self) -> Option<Dataset> {
        match self {
            PropertyType::Relation(target) => Some(target),
            _ => None,
        }
    }

    /// The property configuration object Notion takes in `POST /v1/databases`
    /// (`initial_data_source.properties`) and `PATCH /v1/data_sources/{id}`, e.g.
    /// `{"number": {"format": "percent"}}` (NOTION.md section 5.4). A relation needs the
    /// data source of its target; `None` without one.
    pub fn configuration(self, relation_target: Option<&DataSourceId>) -> Option<Value> {
        let options = |options: &[SelectOption]| -> Vec<Value> {
            options
                .iter()
                .map(|o| json!({ "name": o.name, "color": o.color.as_str() }))
                .collect()
        };
        let config = match self {
            PropertyType::Title => json!({ "title": {} }),
            PropertyType::RichText => json!({ "rich_text": {} }),
            PropertyType::Number(format) => json!({ "number": { "format": format.as_str() } }),
            PropertyType::Select(list) => json!({ "select": { "options": options(list) } }),
            PropertyType::MultiSelect(list) => {
                json!({ "multi_select": { "options": options(list) } })
            }
            PropertyType::Date => json!({ "date": {} }),
            PropertyType::Checkbox => json!({ "checkbox": {} }),
            PropertyType::Relation(_) => json!({ "relation": {
                "data_source_id": relation_target?.as_str(),
                "type": "single_property",
                "single_property": {},
            } }),
        };
        Some(config)
    }
}

/// One expected property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PropertySpec {
    /// Its name: rows are written and read by it.
    pub name: &'static str,
    /// Its type and configuration.
    pub kind: PropertyType,
}

/// The expected schema of one database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatabaseSchema {
    /// The dataset.
    pub dataset: Dataset,
    /// Every property, the title first and `Sync Key` last.
    pub properties: &'static [PropertySpec],
}

impl DatabaseSchema {
    /// The database title ([`Dataset::title`]).
    pub fn title(&self) -> &'static str {
        self.dataset.title()
    }

    /// The expected property named `name`.
    pub fn property(&self, name: &str) -> Option<&'static PropertySpec> {
        self.properties.iter().find(|p| p.name == name)
    }

    /// The title property.
    pub fn title_property(&self) -> &'static PropertySpec {
        // Each schema below starts with its title property; a unit test checks it.
        &self.properties[0]
    }

    /// The datasets this one's relations point at: their databases must exist first.
    pub fn relation_targets(&self) -> impl Iterator<Item = Dataset> + '_ {
        self.properties.iter().filter_map(|p| p.kind.relation())
    }

    /// The `properties` object of a new database's initial data source. `relation_target`
    /// gives the data source of each dataset a relation points at; the error names the
    /// relation property it could not resolve.
    pub fn configuration(
        &self,
        relation_target: &dyn Fn(Dataset) -> Option<DataSourceId>,
    ) -> Result<Value, &'static PropertySpec> {
        let mut properties = Map::new();
        for property in self.properties {
            let target = property.kind.relation().and_then(relation_target);
            let config = property
                .kind
                .configuration(target.as_ref())
                .ok_or(property)?;
            properties.insert(property.name.to_owned(), config);
        }
        Ok(Value::Object(properties))
    }
}

/// The expected schema of `dataset`.
pub fn schema(dataset: Dataset) -> &'static DatabaseSchema {
    match dataset {
        Dataset::CustomerStatus => &CUSTOMER_STATUS,
        Dataset::DailyHealth => &DAILY_HEALTH,
        Dataset::ConfigChanges => &CONFIG_CHANGES,
        Dataset::Alerts => &ALERTS,
    }
}

/// Every schema, in the order of [`Dataset::ALL`] (which is also an order to create them
/// in: a relation's target comes before it).
pub fn all() -> [&'static DatabaseSchema; 4] {
    Dataset::ALL.map(schema)
}

const fn prop(name: &'static str, kind: PropertyType) -> PropertySpec {
    PropertySpec { name, kind }
}

const fn opt(name: &'static str, color: Color) -> SelectOption {
    SelectOption { name, color }
}

const fn plain(name: &'static str) -> SelectOption {
    opt(name, Color::Default)
}

const TEXT: PropertyType = PropertyType::RichText;
const DATE: PropertyType = PropertyType::Date;
const NUMBER: PropertyType = PropertyType::Number(NumberFormat::Number);
const PERCENT: PropertyType = PropertyType::Number(NumberFormat::Percent);
const SYNC_KEY_PROPERTY: PropertySpec = prop(SYNC_KEY, TEXT);

use Color::{Blue, Gray, Green, Orange, Pink, Purple, Red, Yellow};

/// The Customer Status Board (ORIGINAL_SYSTEM.md 2.1).
pub static CUSTOMER_STATUS: DatabaseSchema = {
    use customer_status::property as p;
    DatabaseSchema {
        dataset: Dataset::CustomerStatus,
        properties: &[
            prop(p::SITE_NAME, PropertyType::Title),
            prop(p::CUSTOMER_ID, TEXT),
            prop(p::STATE, PropertyType::Select(STATES)),
            prop(p::DEVICE_COUNT, NUMBER),
            prop(p::STACK_TYPE, PropertyType::MultiSelect(STACK_TYPES)),
            prop(
                p::DEPLOYMENT_STATUS,
                PropertyType::Select(DEPLOYMENT_STATUSES),
            ),
            prop(p::HEALTH_SCORE, NUMBER),
            prop(p::LAST_HEALTH_CHECK, DATE),
            prop("Open Tickets", NUMBER),
            prop(p::CONTRACT_RENEWAL, DATE),
            prop(p::PRIMARY_CONTACT, TEXT),
            prop("Notes", TEXT),
            SYNC_KEY_PROPERTY,
        ],
    }
};

const STATES: &[SelectOption] = &[
    opt("Alabama", Red),
    opt("Arkansas", Orange),
    opt("Florida", Yellow),
    opt("Georgia", Green),
    opt("Kentucky", Blue),
    opt("Louisiana", Purple),
    opt("Mississippi", Pink),
    opt("Missouri", Red),
    opt("North Carolina", Orange),
    opt("Oklahoma", Yellow),
    opt("South Carolina", Green),
    opt("Tennessee", Blue),
    opt("Texas", Purple),
    opt("Virginia", Pink),
];

const STACK_TYPES: &[SelectOption] = &[
    opt("Ubiquiti", Blue),
    opt("MikroTik", Orange),
    opt("SonicWall", Red),
    opt("Azure", Purple),
];

const DEPLOYMENT_STATUSES: &[SelectOption] = &[
    opt("onboarding", Yellow),
    opt("active", Green),
    opt("maintenance", Blue),
    opt("needs attention", Red),
    opt("offboarding", Gray),
];

/// Daily Health Summaries (ORIGINAL_SYSTEM.md 2.2, plus the ISP figures).
pub static DAILY_HEALTH: DatabaseSchema = {
    use daily_health::property as p;
    DatabaseSchema {
        dataset: Dataset::DailyHealth,
        properties: &[
            prop(p::DATE, PropertyType::Title),
            prop(p::SITE, PropertyType::Relation(Dataset::CustomerStatus)),
            prop(p::DEVICES_ONLINE, NUMBER),
            prop(p::DEVICES_OFFLINE, NUMBER),
            prop(p::DEVICES_TOTAL, NUMBER),
            prop(p::AVAILABILITY, PERCENT),
            prop(p::WIFI_CLIENTS, NUMBER),
            prop("Signal Warnings", NUMBER),
            prop(p::ACTIVE_ALERTS, NUMBER),
            prop(p::ALERT_SUMMARY, TEXT),
            prop(p::CONFIG_DRIFT, PropertyType::Checkbox),
            prop(p::BACKUP_STATUS, PropertyType::Select(BACKUP_STATUSES)),
            prop(p::HEALTH_SCORE, NUMBER),
            prop("Notes", TEXT),
            prop(p::WAN_UPTIME, PERCENT),
            prop(p::LATENCY, NUMBER),
            prop(p::PACKET_LOSS, PERCENT),
            SYNC_KEY_PROPERTY,
        ],
    }
};

const BACKUP_STATUSES: &[SelectOption] = &[
    opt("success", Green),
    opt("partial", Yellow),
    opt("failed", Red),
    opt("unknown", Gray),
];

/// The Config Changes Log (ORIGINAL_SYSTEM.md 2.3, plus the sync's own tools).
pub static CONFIG_CHANGES: DatabaseSchema = {
    use config_changes::property as p;
    DatabaseSchema {
        dataset: Dataset::ConfigChanges,
        properties: &[
            prop(p::CHANGE_ID, PropertyType::Title),
            prop(p::SITE_NAME, TEXT),
            prop(p::TOOL, PropertyType::Select(TOOLS)),
            prop(p::VENDOR, PropertyType::Select(VENDORS)),
            prop(p::CATEGORY, PropertyType::Select(CATEGORIES)),
            prop(p::ACTION, PropertyType::Select(ACTIONS)),
            prop(p::SUMMARY, TEXT),
            prop(p::DETAILS, TEXT),
            prop(p::ENGINEER, TEXT),
            prop(p::TIMESTAMP, DATE),
            prop(p::RISK_LEVEL, PropertyType::Select(RISK_LEVELS)),
            prop(p::TICKET_ID, TEXT),
            prop(p::ROLLBACK_PLAN, TEXT),
            prop("Notes", TEXT),
            SYNC_KEY_PROPERTY,
        ],
    }
};

/// A tool has its vendor's colour; the two tools the sync adds follow that rule.
const TOOLS: &[SelectOption] = &[
    opt("mikrotik-config-builder", Orange),
    opt("sonicwall-scripts", Red),
    opt("unifi-deploy", Blue),
    opt("azure-automation", Purple),
    opt("network-troubleshooter", Green),
    opt("manual", Gray),
    opt("ninjaone", Color::Brown),
    opt("unifi-site-manager", Blue),
];

const VENDORS: &[SelectOption] = &[
    opt("MikroTik", Orange),
    opt("SonicWall", Red),
    opt("Ubiquiti", Blue),
    opt("Azure", Purple),
    opt("Multi", Green),
    opt("Manual", Gray),
    opt("NinjaOne", Color::Brown),
];

const CATEGORIES: &[SelectOption] = &[
    opt("network", Blue),
    opt("security", Red),
    opt("cloud", Purple),
    opt("assessment", Green),
    opt("manual", Gray),
    opt("other", Color::Default),
];

const ACTIONS: &[SelectOption] = &[
    opt("deploy", Green),
    opt("update", Blue),
    opt("rollback", Orange),
    opt("backup", Purple),
    opt("restore", Yellow),
    opt("delete", Red),
    opt("create", Green),
    opt("modify", Blue),
    opt("assessment", Gray),
];

const RISK_LEVELS: &[SelectOption] = &[
    opt("low", Green),
    opt("medium", Yellow),
    opt("high", Orange),
    opt("critical", Red),
];

/// Device Issues (ORIGINAL_SYSTEM.md 2.4). The earlier templates gave these options no
/// colours; they get `default`.
pub static ALERTS: DatabaseSchema = {
    use alerts::property as p;
    DatabaseSchema {
        dataset: Dataset::Alerts,
        properties: &[
            prop(p::DEVICE_NAME, PropertyType::Title),
            prop(p::ORGANIZATION, TEXT),
            prop(p::ISSUE_TYPE, PropertyType::Select(ISSUE_TYPES)),
            prop(p::SEVERITY, PropertyType::Select(SEVERITIES)),
            prop(p::DETAILS, TEXT),
            prop(p::STATUS, PropertyType::Select(ALERT_STATUSES)),
            prop(p::DEVICE_ID, NUMBER),
            prop(p::SCHEDULED_ACTION, PropertyType::Select(SCHEDULED_ACTIONS)),
            prop("Scheduled Time", DATE),
            prop(p::ALERT_UID, TEXT),
            prop(p::CREATED, DATE),
            prop(p::LAST_SEEN, DATE),
            SYNC_KEY_PROPERTY,
        ],
    }
};

const ISSUE_TYPES: &[SelectOption] = &[
    plain("disk_space"),
    plain("memory"),
    plain("disk_io"),
    plain("offline"),
    plain("backup_failed"),
    plain("cpu"),
    plain("service_down"),
];

const SEVERITIES: &[SelectOption] = &[plain("critical"), plain("warning"), plain("info")];

const ALERT_STATUSES: &[SelectOption] = &[
    plain("new"),
    plain("acknowledged"),
    plain("scheduled"),
    plain("in_progress"),
    plain("resolved"),
];

const SCHEDULED_ACTIONS: &[SelectOption] = &[
    plain("disk_cleanup"),
    plain("restart_service"),
    plain("reboot"),
    plain("manual"),
    plain("none"),
];

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::model::alert_rules::{IssueType, Severity};
    use crate::model::config_changes::{Action, Category, Risk, Tool};
    use crate::model::health::{BackupStatus, HealthStatus};

    fn option_names(dataset: Dataset, property: &str) -> BTreeSet<&'static str> {
        let spec = schema(dataset).property(property).unwrap();
        spec.kind.options().iter().map(|o| o.name).collect()
    }

    #[test]
    fn each_schema_has_one_title_first_and_a_sync_key() {
        for schema in all() {
            let titles: Vec<_> = schema
                .properties
                .iter()
                .filter(|p| p.kind == PropertyType::Title)
                .collect();
            assert_eq!(titles, vec![schema.title_property()], "{}", schema.dataset);
            assert_eq!(
                schema.property(SYNC_KEY).map(|p| p.kind),
                Some(PropertyType::RichText)
            );
            let names: BTreeSet<_> = schema.properties.iter().map(|p| p.name).collect();
            assert_eq!(names.len(), schema.properties.len(), "unique names");
        }
        assert_eq!(schema(Dataset::Alerts).title(), "Device Issues");
    }

    #[test]
    fn every_option_a_sync_writes_exists() {
        let tools = option_names(Dataset::ConfigChanges, config_changes::property::TOOL);
        let vendors = option_names(Dataset::ConfigChanges, config_changes::property::VENDOR);
        for tool in Tool::ALL {
            assert!(tools.contains(tool.as_str()), "{}", tool.as_str());
            let (vendor, category, risk) = tool.registry();
            assert!(vendors.contains(vendor), "{vendor}");
            let categories =
                option_names(Dataset::ConfigChanges, config_changes::property::CATEGORY);
            assert!(categories.contains(category.as_str()));
            let risks = option_names(Dataset::ConfigChanges, config_changes::property::RISK_LEVEL);
            assert!(risks.contains(risk.as_str()));
        }
        let actions = option_names(Dataset::ConfigChanges, config_changes::property::ACTION);
        assert!(Action::ALL.iter().all(|a| actions.contains(a.as_str())));
        assert!(Category::ALL.len() == 6 && Risk::ALL.len() == 4);

        let backups = option_names(Dataset::DailyHealth, daily_health::property::BACKUP_STATUS);
        for status in [
            BackupStatus::Success,
            BackupStatus::Partial,
            BackupStatus::Failed,
            BackupStatus::Unknown,
        ] {
            assert!(backups.contains(status.as_str()));
        }
        let deployment = option_names(
            Dataset::CustomerStatus,
            customer_status::property::DEPLOYMENT_STATUS,
        );
        for status in [
            HealthStatus::Healthy,
            HealthStatus::Warning,
            HealthStatus::Critical,
        ] {
            assert!(deployment.contains(status.deployment_status()));
        }
        assert!(deployment.contains("offboarding"));

        let issues = option_names(Dataset::Alerts, alerts::property::ISSUE_TYPE);
        for issue in [
            IssueType::DiskSpace,
            IssueType::Memory,
            IssueType::DiskIo,
            IssueType::Offline,
            IssueType::BackupFailed,
            IssueType::Cpu,
            IssueType::ServiceDown,
        ] {
            assert!(issues.contains(issue.as_str()));
        }
        let severities = option_names(Dataset::Alerts, alerts::property::SEVERITY);
        for severity in [Severity::Critical, Severity::Warning, Severity::Info] {
            assert!(severities.contains(severity.as_str()));
        }
        let statuses = option_names(Dataset::Alerts, alerts::property::STATUS);
        assert!(statuses.contains("new") && statuses.contains("resolved"));
    }

    #[test]
    fn configuration_is_notions_shape_and_relations_need_their_target() {
        let target = DataSourceId::parse("00000000-0000-4000-8000-00000000d501").unwrap();
        let daily = schema(Dataset::DailyHealth);
        let config = daily
            .configuration(&|dataset| (dataset == Dataset::CustomerStatus).then(|| target.clone()))
            .unwrap();
        assert_eq!(config["Date"], json!({ "title": {} }));
        assert_eq!(
            config["WAN Uptime"],
            json!({ "number": { "format": "percent" } })
        );
        assert_eq!(
            config["Site"],
            json!({ "relation": {
                "data_source_id": target.as_str(),
                "type": "single_property",
                "single_property": {},
            } })
        );
        assert_eq!(
            config["Backup Status"]["select"]["options"][3],
            json!({ "name": "unknown", "color": "gray" })
        );
        assert_eq!(config.as_object().unwrap().len(), daily.properties.len());

        let missing = daily.configuration(&|_| None).unwrap_err();
        assert_eq!(missing.name, "Site");
        assert_eq!(
            daily.relation_targets().collect::<Vec<_>>(),
            vec![Dataset::CustomerStatus]
        );
        for earlier in [
            Dataset::CustomerStatus,
            Dataset::ConfigChanges,
            Dataset::Alerts,
        ] {
            assert!(schema(earlier).configuration(&|_| None).is_ok());
        }
    }
}
