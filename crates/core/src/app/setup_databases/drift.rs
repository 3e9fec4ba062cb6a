//! Comparing a live data source's properties with a database's expected schema
//! ([`crate::model::schemas`]): what is missing, renamed, retyped, configured otherwise or
//! extra, and which select options are missing. It only compares; reading Notion and
//! changing it are `--verify` and `--migrate`'s (`verify.rs`).
//!
//! Properties are matched in three passes, because the syncs write by name but a rename in
//! the Notion UI keeps a property's id:
//!
//! 1. by name: a property with the expected name is the expected one (whatever its type);
//! 2. by id: the title property's id is always `title`, and other ids are known from an
//!    earlier run (`setup-databases` records the id of each property it finds or adds);
//! 3. by configuration, when no id is known: one unmatched live property with the expected
//!    type and configuration (number format, options, relation target), and no other
//!    missing property it could be, is taken as renamed.
//!
//! Limitation: without a recorded id, two properties of the same type renamed at once (two
//! rich text columns, say) cannot be told apart; both are reported missing and their new
//! names extra, and `--migrate` adds fresh columns beside them.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::config::Dataset;
use crate::model::schemas::{DatabaseSchema, PropertySpec, PropertyType, SelectOption};
use crate::notion::{DataSource, DataSourceId, PropertySchema};

/// What a schema is compared with besides the live data source.
pub struct Expectation<'a> {
    /// The expected schema.
    pub schema: &'static DatabaseSchema,
    /// Property ids recorded earlier, by expected property name.
    pub known_ids: &'a BTreeMap<String, String>,
    /// The data source a relation to each dataset should point at, when known.
    pub relation_target: &'a dyn Fn(Dataset) -> Option<DataSourceId>,
}

/// How a live property was recognised as an expected one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// It has the expected name.
    Name,
    /// It has the id the expected property had.
    Id,
    /// It is the only unmatched property configured as the expected one.
    Configuration,
}

/// One difference between a live schema and the expected one.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// No live property is the expected one.
    Missing {
        /// The expected property.
        property: &'static PropertySpec,
    },
    /// The expected property exists under another name.
    Renamed {
        /// The expected property.
        property: &'static PropertySpec,
        /// Its live name.
        live_name: String,
        /// Its id.
        id: String,
        /// How it was recognised.
        evidence: Evidence,
    },
    /// The expected property has another type.
    Retyped {
        /// The expected property.
        property: &'static PropertySpec,
        /// Its live name.
        live_name: String,
        /// Its live type.
        found: String,
    },
    /// The expected property has the right type but another number format or relation
    /// target.
    Reconfigured {
        /// The expected property.
        property: &'static PropertySpec,
        /// Its live name.
        live_name: String,
        /// What differs, as a sentence fragment.
        detail: String,
    },
    /// Select or multi-select options the live property lacks.
    MissingOptions {
        /// The expected property.
        property: &'static PropertySpec,
        /// Its live name.
        live_name: String,
        /// The options it lacks.
        options: Vec<SelectOption>,
    },
    /// A live property the schema does not have (people's own columns; not drift).
    Extra {
        /// Its name.
        name: String,
        /// Its type.
        kind: String,
    },
    /// The database has another title (the syncs find databases by id; not drift).
    Retitled {
        /// The live title.
        found: String,
    },
}

/// The result of comparing one data source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Drift {
    /// Every difference, expected properties' first, in schema order.
    pub findings: Vec<Finding>,
    /// The live id of each expected property found, by expected name.
    pub ids: BTreeMap<String, String>,
}

impl Drift {
    /// Whether any finding is drift (extra properties and the title are not).
    pub fn has_drift(&self) -> bool {
        self.findings.iter().any(Finding::is_drift)
    }
}

impl Finding {
    /// The finding's kind as JSON and the table show it.
    pub fn kind(&self) -> &'static str {
        match self {
            Finding::Missing { .. } => "missing",
            Finding::Renamed { .. } => "renamed",
            Finding::Retyped { .. } => "retyped",
            Finding::Reconfigured { .. } => "reconfigured",
            Finding::MissingOptions { .. } => "missing_options",
            Finding::Extra { .. } => "extra",
            Finding::Retitled { .. } => "retitled",
        }
    }

    /// Whether this is drift, which fails `--verify`.
    pub fn is_drift(&self) -> bool {
        !matches!(self, Finding::Extra { .. } | Finding::Retitled { .. })
    }

    /// Whether `setup-databases --migrate` repairs it.
    pub fn migrate_fixes(&self) -> bool {
        matches!(
            self,
            Finding::Missing { .. } | Finding::MissingOptions { .. }
        )
    }

    /// The expected property it is about, if any.
    pub fn property(&self) -> Option<&'static PropertySpec> {
        match self {
            Finding::Missing { property }
            | Finding::Renamed { property, .. }
            | Finding::Retyped { property, .. }
            | Finding::Reconfigured { property, .. }
            | Finding::MissingOptions { property, .. } => Some(property),
            Finding::Extra { .. } | Finding::Retitled { .. } => None,
        }
    }

    /// One line saying what differs.
    pub fn describe(&self) -> String {
        match self {
            Finding::Missing { property } => {
                format!(
                    "`{}` ({}) is missing",
                    property.name,
                    property.kind.type_name()
                )
            }
            Finding::Renamed {
                property,
                live_name,
                id,
                evidence,
            } => {
                let how = match evidence {
                    Evidence::Name => "same name",
                    Evidence::Id => "same property id",
                    Evidence::Configuration => "the only property configured like it",
                };
                format!(
                    "`{}` is now named `{live_name}` (property id `{id}`, {how})",
                    property.name
                )
            }
            Finding::Retyped {
                property,
                live_name,
                found,
            } => format!(
                "`{live_name}` is {found}, expected {}",
                property.kind.type_name()
            ),
            Finding::Reconfigured {
                live_name, detail, ..
            } => format!("`{live_name}`: {detail}"),
            Finding::MissingOptions {
                live_name, options, ..
            } => {
                let names: Vec<&str> = options.iter().map(|o| o.name).collect();
                format!("`{live_name}` lacks option(s) {}", names.join(", "))
            }
            Finding::Extra { name, kind } => {
                format!("`{name}` ({kind}) is not in the schema")
            }
            Finding::Retitled { found } => format!("the database is titled `{found}`"),
        }
    }

    /// How to repair it.
    pub fn fix(&self, schema: &DatabaseSchema) -> String {
        match self {
            Finding::Missing { .. } => "run `setup-databases --migrate` to add it".to_owned(),
            Finding::MissingOptions { .. } => {
                "run `setup-databases --migrate` to add them; rows keep their values".to_owned()
            }
            Finding::Renamed {
                property,
                live_name,
                ..
            } => format!(
                "rename `{live_name}` back to `{}` in Notion: the syncs write by name, and \
                 --migrate renames nothing",
                property.name
            ),
            Finding::Retyped {
                property,
                live_name,
                ..
            } => format!(
                "in Notion, change `{live_name}` back to {} (a type change can lose values), \
                 or rename it and run `setup-databases --migrate` to add a new `{}`",
                property.kind.type_name(),
                property.name
            ),
            Finding::Reconfigured { property, .. } => match property.kind {
                PropertyType::Relation(target) => format!(
                    "in Notion, point `{}` at the {} database, or correct databases.{} in \
                     config.json",
                    property.name,
                    target.title(),
                    target.key()
                ),
                _ => format!(
                    "in Notion, edit the property `{}` and set its number format back",
                    property.name
                ),
            },
            Finding::Extra { .. } => "not used by the toolkit; left as it is".to_owned(),
            Finding::Retitled { .. } => format!(
                "harmless (the toolkit finds databases by id); rename it to `{}` if wanted",
                schema.title()
            ),
        }
    }

    /// The finding as JSON: kind, property, live name and id where known, the detail and
    /// the fix.
    pub fn to_json(&self, schema: &DatabaseSchema) -> Value {
        let mut value = json!({
            "kind": self.kind(),
            "property": self.property().map(|p| p.name),
            "drift": self.is_drift(),
            "migrate_fixes": self.migrate_fixes(),
            "detail": self.describe(),
            "fix": self.fix(schema),
        });
        let extra = match self {
            Finding::Renamed { live_name, id, .. } => json!({ "live_name": live_name, "id": id }),
            Finding::Retyped {
                live_name, found, ..
            } => json!({ "live_name": live_name, "found_type": found }),
            Finding::Reconfigured { live_name, .. } => json!({ "live_name": live_name }),
            Finding::MissingOptions {
                live_name, options, ..
            } => json!({
                "live_name": live_name,
                "options": options.iter().map(|o| o.name).collect::<Vec<_>>(),
            }),
            Finding::Extra { name, kind } => json!({ "live_name": name, "found_type": kind }),
            Finding::Retitled { found } => json!({ "found_title": found }),
            Finding::Missing { property } => {
                json!({ "expected_type": property.kind.type_name() })
            }
        };
        if let (Some(map), Value::Object(more)) = (value.as_object_mut(), extra) {
            map.extend(more);
        }
        value
    }
}

/// Compares `live` with `expectation`.
pub fn compare(expectation: &Expectation<'_>, live: &DataSource) -> Drift {
    let specs = expectation.schema.properties;
    let live_properties: Vec<&PropertySchema> = live.properties.values().collect();
    let mut claimed: BTreeSet<&str> = BTreeSet::new();
    let mut matches: Vec<Option<(&PropertySchema, Evidence)>> = vec![None; specs.len()];

    for (slot, spec) in matches.iter_mut().zip(specs) {
        if let Some(found) = live_properties.iter().find(|p| p.name == spec.name) {
            *slot = Some((found, Evidence::Name));
            claimed.insert(&found.id);
        }
    }
    for (slot, spec) in matches.iter_mut().zip(specs) {
        let known = match spec.kind {
            PropertyType::Title => Some("title"),
            _ => expectation.known_ids.get(spec.name).map(String::as_str),
        };
        let found = known.and_then(|id| {
            live_properties
                .iter()
                .find(|p| p.id == id && !claimed.contains(p.id.as_str()))
        });
        if slot.is_none()
            && let Some(found) = found
        {
            *slot = Some((found, Evidence::Id));
            claimed.insert(&found.id);
        }
    }
    match_by_configuration(expectation, &live_properties, &mut matches, &mut claimed);

    let mut drift = Drift::default();
    for (spec, found) in specs.iter().zip(&matches) {
        match found {
            None => drift.findings.push(Finding::Missing { property: spec }),
            Some((live, evidence)) => {
                drift.ids.insert(spec.name.to_owned(), live.id.clone());
                differences(expectation, spec, live, *evidence, &mut drift.findings);
            }
        }
    }
    for extra in live_properties
        .iter()
        .filter(|p| !claimed.contains(p.id.as_str()))
    {
        drift.findings.push(Finding::Extra {
            name: extra.name.clone(),
            kind: extra.kind.clone(),
        });
    }
    drift
}

/// Pass 3: an unmatched expected property and an unclaimed live property that can only be
/// each other.
fn match_by_configuration<'a>(
    expectation: &Expectation<'_>,
    live: &[&'a PropertySchema],
    matches: &mut [Option<(&'a PropertySchema, Evidence)>],
    claimed: &mut BTreeSet<&'a str>,
) {
    let specs = expectation.schema.properties;
    let unmatched: Vec<usize> = (0..specs.len()).filter(|&i| matches[i].is_none()).collect();
    let free: Vec<&PropertySchema> = live
        .iter()
        .copied()
        .filter(|p| !claimed.contains(p.id.as_str()))
        .collect();
    let fits = |spec: &PropertySpec, property: &PropertySchema| {
        configured_alike(expectation, spec, property)
    };
    let mut pairs = Vec::new();
    for &i in &unmatched {
        let candidates: Vec<&PropertySchema> = free
            .iter()
            .copied()
            .filter(|p| fits(&specs[i], p))
            .collect();
        let [only] = candidates[..] else {
            continue;
        };
        let rivals = unmatched.iter().filter(|&&j| fits(&specs[j], only)).count();
        if rivals == 1 {
            pairs.push((i, only));
        }
    }
    for (i, property) in pairs {
        matches[i] = Some((property, Evidence::Configuration));
        claimed.insert(&property.id);
    }
}

fn configured_alike(
    expectation: &Expectation<'_>,
    spec: &PropertySpec,
    property: &PropertySchema,
) -> bool {
    property.kind == spec.kind.type_name()
        && number_format_difference(spec, property).is_none()
        && relation_difference(expectation, spec, property).is_none()
        && missing_options(spec, property).is_empty()
}

fn differences(
    expectation: &Expectation<'_>,
    spec: &'static PropertySpec,
    live: &PropertySchema,
    evidence: Evidence,
    findings: &mut Vec<Finding>,
) {
    if live.name != spec.name {
        findings.push(Finding::Renamed {
            property: spec,
            live_name: live.name.clone(),
            id: live.id.clone(),
            evidence,
        });
    }
    if live.kind != spec.kind.type_name() {
        findings.push(Finding::Retyped {
            property: spec,
            live_name: live.name.clone(),
            found: live.kind.clone(),
        });
        return;
    }
    let reconfigured = number_format_difference(spec, live)
        .or_else(|| relation_difference(expectation, spec, live));
    if let Some(detail) = reconfigured {
        findings.push(Finding::Reconfigured {
            property: spec,
            live_name: live.name.clone(),
            detail,
        });
    }
    let options = missing_options(spec, live);
    if !options.is_empty() {
        findings.push(Finding::MissingOptions {
            property: spec,
            live_name: live.name.clone(),
            options,
        });
    }
}

fn number_format_difference(spec: &PropertySpec, live: &PropertySchema) -> Option<String> {
    let expected = spec.kind.number_format()?.as_str();
    let found = live.number_format.as_deref().unwrap_or("none");
    (found != expected).then(|| format!("number format is `{found}`, expected `{expected}`"))
}

fn relation_difference(
    expectation: &Expectation<'_>,
    spec: &PropertySpec,
    live: &PropertySchema,
) -> Option<String> {
    let target = spec.kind.relation()?;
    let expected = (expectation.relation_target)(target)?;
    let found = live
        .relation_target
        .as_deref()
        .and_then(|id| DataSourceId::parse(id).ok());
    (found.as_ref() != Some(&expected)).then(|| {
        let found = found.map_or_else(|| "nothing".to_owned(), |id| format!("data source {id}"));
        format!(
            "relation points at {found}, expected the {} data source {expected}",
            target.title()
        )
    })
}

fn missing_options(spec: &PropertySpec, live: &PropertySchema) -> Vec<SelectOption> {
    spec.kind
        .options()
        .iter()
        .filter(|o| !live.options.iter().any(|name| name == o.name))
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schemas::schema;

    const CUSTOMERS: &str = "00000000-0000-4000-8000-00000000d501";

    /// A live data source exactly as the schema says, property ids `p0`, `p1`, ...
    fn live(dataset: Dataset) -> Value {
        let target = DataSourceId::parse(CUSTOMERS).ok();
        let mut properties = serde_json::Map::new();
        for (i, spec) in schema(dataset).properties.iter().enumerate() {
            let mut config = spec.kind.configuration(target.as_ref()).unwrap();
            let kind = spec.kind.type_name();
            let id = if kind == "title" {
                "title".to_owned()
            } else {
                format!("p{i}")
            };
            let object = config.as_object_mut().unwrap();
            object.insert("id".into(), json!(id));
            object.insert("name".into(), json!(spec.name));
            object.insert("type".into(), json!(kind));
            properties.insert(spec.name.to_owned(), config);
        }
        json!({ "object": "data_source", "id": "00000000-0000-4000-8000-00000000d502",
                "properties": properties })
    }

    fn rename(source: &mut Value, from: &str, to: &str) {
        let properties = source["properties"].as_object_mut().unwrap();
        let mut property = properties.remove(from).unwrap();
        property["name"] = json!(to);
        properties.insert(to.to_owned(), property);
    }

    fn compare_with(dataset: Dataset, source: &Value, known: &[(&str, &str)]) -> Drift {
        let known_ids = known
            .iter()
            .map(|(name, id)| ((*name).to_owned(), (*id).to_owned()))
            .collect();
        let target = |d: Dataset| {
            (d == Dataset::CustomerStatus).then(|| DataSourceId::parse(CUSTOMERS).unwrap())
        };
        let expectation = Expectation {
            schema: schema(dataset),
            known_ids: &known_ids,
            relation_target: &target,
        };
        compare(&expectation, &DataSource::from_json(source).unwrap())
    }

    fn kinds(drift: &Drift) -> Vec<(&'static str, String)> {
        drift
            .findings
            .iter()
            .map(|f| {
                let name = match f {
                    Finding::Extra { name, .. } => name.clone(),
                    Finding::Retitled { found } => found.clone(),
                    other => other.property().unwrap().name.to_owned(),
                };
                (f.kind(), name)
            })
            .collect()
    }

    #[test]
    fn a_schema_as_expected_has_no_findings_and_every_id() {
        for dataset in Dataset::ALL {
            let drift = compare_with(dataset, &live(dataset), &[]);
            assert_eq!(drift.findings, vec![], "{dataset}");
            assert_eq!(drift.ids.len(), schema(dataset).properties.len());
        }
    }

    #[test]
    fn a_lone_rename_is_recognised_by_its_configuration() {
        let mut source = live(Dataset::DailyHealth);
        rename(&mut source, "Backup Status", "Backups");
        let drift = compare_with(Dataset::DailyHealth, &source, &[]);
        assert_eq!(kinds(&drift), vec![("renamed", "Backup Status".into())]);
        assert!(drift.has_drift());
        assert!(!drift.findings[0].migrate_fixes());
        assert_eq!(drift.ids["Backup Status"], "p11");
    }

    #[test]
    fn renames_of_like_properties_need_a_known_id() {
        let mut source = live(Dataset::CustomerStatus);
        rename(&mut source, "Notes", "Remarks");
        rename(&mut source, "Primary Contact", "Contact");
        let unknown = compare_with(Dataset::CustomerStatus, &source, &[]);
        assert_eq!(
            kinds(&unknown),
            vec![
                ("missing", "Primary Contact".into()),
                ("missing", "Notes".into()),
                ("extra", "Contact".into()),
                ("extra", "Remarks".into()),
            ]
        );
        let known = compare_with(
            Dataset::CustomerStatus,
            &source,
            &[("Notes", "p11"), ("Primary Contact", "p10")],
        );
        assert_eq!(
            kinds(&known),
            vec![
                ("renamed", "Primary Contact".into()),
                ("renamed", "Notes".into()),
            ]
        );
    }

    #[test]
    fn the_title_is_found_by_its_fixed_id() {
        let mut source = live(Dataset::Alerts);
        rename(&mut source, "Device Name", "Device");
        let drift = compare_with(Dataset::Alerts, &source, &[]);
        assert!(matches!(
            &drift.findings[..],
            [Finding::Renamed { evidence: Evidence::Id, live_name, .. }] if live_name == "Device"
        ));
    }

    #[test]
    fn types_formats_relations_and_options_are_checked() {
        let mut source = live(Dataset::DailyHealth);
        source["properties"]["Health Score"] = json!({
            "id": "p12", "name": "Health Score", "type": "rich_text", "rich_text": {} });
        source["properties"]["WAN Uptime"]["number"]["format"] = json!("number");
        source["properties"]["Site"]["relation"]["data_source_id"] =
            json!("00000000-0000-4000-8000-0000000000ff");
        let options = source["properties"]["Backup Status"]["select"]["options"]
            .as_array_mut()
            .unwrap();
        options.retain(|o| o["name"] != "unknown");
        source["properties"]["Remarks"] = json!({
            "id": "zz", "name": "Remarks", "type": "rich_text", "rich_text": {} });
        source["properties"]
            .as_object_mut()
            .unwrap()
            .remove("Signal Warnings");

        let drift = compare_with(Dataset::DailyHealth, &source, &[]);
        assert_eq!(
            kinds(&drift),
            vec![
                ("reconfigured", "Site".into()),
                ("missing", "Signal Warnings".into()),
                ("missing_options", "Backup Status".into()),
                ("retyped", "Health Score".into()),
                ("reconfigured", "WAN Uptime".into()),
                ("extra", "Remarks".into()),
            ]
        );
        let fixable: Vec<bool> = drift.findings.iter().map(Finding::migrate_fixes).collect();
        assert_eq!(fixable, [false, true, true, false, false, false]);
        let json = drift.findings[2].to_json(schema(Dataset::DailyHealth));
        assert_eq!(json["options"], json!(["unknown"]));
        assert_eq!(json["kind"], "missing_options");
        assert!(json["fix"].as_str().unwrap().contains("--migrate"));
    }
}
