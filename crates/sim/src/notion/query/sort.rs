//! Query sorts: by property (name or id) or by timestamp, earlier entries first. Empty values
//! go last in both directions; ties keep the default order (`created_time`, then id).
//! Select and status values sort by the option's position in the schema, as in the Notion UI;
//! text ignores case.

use std::cmp::Ordering;

use serde_json::Value;

use super::filter::date_start;
use crate::notion::body;
use crate::notion::errors::{NotionError, Outcome};
use crate::notion::schema::{PropertyConfig, Schema};
use crate::notion::store::{Page, SharedPage};
use crate::notion::values::rich_text;

/// One compiled sort.
#[derive(Debug, Clone, PartialEq)]
pub struct Sort {
    by: SortBy,
    descending: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum SortBy {
    CreatedTime,
    LastEditedTime,
    Property { id: String, config: PropertyConfig },
}

/// How rows are ordered, as far as paging needs to know.
#[derive(Debug, Clone, PartialEq)]
pub enum Order {
    /// The stored order (`created_time`, then id), forwards or backwards.
    Natural {
        /// Newest first.
        descending: bool,
    },
    /// Anything else: rows are collected and sorted.
    Sorted(Vec<Sort>),
}

/// Checks a request's `sorts` against `schema`.
pub fn compile(sorts: &Value, schema: &Schema) -> Outcome<Order> {
    let path = "body.sorts";
    let items = body::array(sorts, path, 100)?;
    let compiled = items
        .iter()
        .enumerate()
        .map(|(index, item)| compile_one(item, &body::item(path, index), schema))
        .collect::<Outcome<Vec<_>>>()?;
    Ok(match compiled.as_slice() {
        [] => Order::Natural { descending: false },
        [
            Sort {
                by: SortBy::CreatedTime,
                descending,
            },
        ] => Order::Natural {
            descending: *descending,
        },
        _ => Order::Sorted(compiled),
    })
}

fn compile_one(item: &Value, path: &str, schema: &Schema) -> Outcome<Sort> {
    let fields = body::object(item, path)?;
    let direction = body::required(fields, "direction", path)?;
    let descending = match direction.as_str() {
        Some("ascending") => false,
        Some("descending") => true,
        _ => {
            return Err(body::invalid(
                direction,
                &body::member(path, "direction"),
                "should be `\"ascending\"` or `\"descending\"`",
            ));
        }
    };
    if let Some(timestamp) = fields.get("timestamp") {
        body::only_keys(fields, &["timestamp", "direction"], path)?;
        let by = match timestamp.as_str() {
            Some("created_time") => SortBy::CreatedTime,
            Some("last_edited_time") => SortBy::LastEditedTime,
            _ => {
                return Err(body::invalid(
                    timestamp,
                    &body::member(path, "timestamp"),
                    "should be `\"created_time\"` or `\"last_edited_time\"`",
                ));
            }
        };
        return Ok(Sort { by, descending });
    }
    body::only_keys(fields, &["property", "direction"], path)?;
    let key = body::string(
        body::required(fields, "property", path)?,
        &body::member(path, "property"),
    )?;
    let property = schema.find(key).ok_or_else(|| {
        NotionError::validation(format!(
            "Could not find sort property with name or id: {key}"
        ))
    })?;
    let by = match property.config {
        PropertyConfig::CreatedTime => SortBy::CreatedTime,
        PropertyConfig::LastEditedTime => SortBy::LastEditedTime,
        _ => SortBy::Property {
            id: property.id.clone(),
            config: property.config.clone(),
        },
    };
    Ok(Sort { by, descending })
}

/// A row's sort key for one sort.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub enum Key {
    /// A value (compared within its kind).
    Text(String),
    /// A number, timestamp in milliseconds or option rank.
    Number(f64),
    /// Empty: always last.
    Missing,
}

impl Sort {
    /// The key of `page` for this sort.
    pub fn key(&self, page: &Page) -> Key {
        match &self.by {
            SortBy::CreatedTime => Key::Text(page.created_time.clone()),
            SortBy::LastEditedTime => Key::Text(page.last_edited_time.clone()),
            SortBy::Property { id, config } => {
                let value = page.values.get(id).unwrap_or(&Value::Null);
                property_key(value, config)
            }
        }
    }

    /// Orders two keys of this sort: empty keys last whatever the direction.
    pub fn compare(&self, a: &Key, b: &Key) -> Ordering {
        match (a, b) {
            (Key::Missing, Key::Missing) => Ordering::Equal,
            (Key::Missing, _) => Ordering::Greater,
            (_, Key::Missing) => Ordering::Less,
            _ => {
                let order = a.partial_cmp(b).unwrap_or(Ordering::Equal);
                if self.descending {
                    order.reverse()
                } else {
                    order
                }
            }
        }
    }
}

fn property_key(value: &Value, config: &PropertyConfig) -> Key {
    match config {
        PropertyConfig::Title | PropertyConfig::RichText => {
            let text = rich_text::plain_text(value);
            if text.is_empty() {
                Key::Missing
            } else {
                Key::Text(text.to_lowercase())
            }
        }
        PropertyConfig::Url | PropertyConfig::Email | PropertyConfig::PhoneNumber => value
            .as_str()
            .filter(|text| !text.is_empty())
            .map_or(Key::Missing, |text| Key::Text(text.to_lowercase())),
        PropertyConfig::Number { .. } => value.as_f64().map_or(Key::Missing, Key::Number),
        PropertyConfig::Checkbox => Key::Number(if value.as_bool() == Some(true) {
            1.0
        } else {
            0.0
        }),
        PropertyConfig::Select { options } | PropertyConfig::Status { options, .. } => {
            option_rank(value, options)
        }
        PropertyConfig::MultiSelect { options } => value
            .as_array()
            .and_then(|items| items.first())
            .map_or(Key::Missing, |first| option_rank(first, options)),
        PropertyConfig::Date => date_start(value).map_or(Key::Missing, |point| {
            Key::Number(point.instant().timestamp_millis() as f64)
        }),
        PropertyConfig::Relation { .. } | PropertyConfig::People => {
            let count = value.as_array().map_or(0, Vec::len);
            if count == 0 {
                Key::Missing
            } else {
                Key::Number(count as f64)
            }
        }
        PropertyConfig::CreatedTime | PropertyConfig::LastEditedTime => Key::Missing,
    }
}

fn option_rank(value: &Value, options: &[crate::notion::schema::SelectOption]) -> Key {
    let Some(id) = value.get("id").and_then(Value::as_str) else {
        return Key::Missing;
    };
    options
        .iter()
        .position(|option| option.id == id)
        .map_or(Key::Missing, |rank| Key::Number(rank as f64))
}

/// Orders pages by `sorts`; the sort is stable, so ties keep the order given.
pub fn sort_pages<'a>(pages: Vec<&'a SharedPage>, sorts: &[Sort]) -> Vec<&'a SharedPage> {
    let mut keyed: Vec<(Vec<Key>, &SharedPage)> = pages
        .into_iter()
        .map(|page| (sorts.iter().map(|sort| sort.key(page)).collect(), page))
        .collect();
    keyed.sort_by(|(a, _), (b, _)| {
        sorts
            .iter()
            .zip(a.iter().zip(b))
            .map(|(sort, (a, b))| sort.compare(a, b))
            .find(|order| order.is_ne())
            .unwrap_or(Ordering::Equal)
    });
    keyed.into_iter().map(|(_, page)| page).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn empty_keys_go_last_in_both_directions() {
        for descending in [false, true] {
            let sort = Sort {
                by: SortBy::CreatedTime,
                descending,
            };
            assert_eq!(
                sort.compare(&Key::Missing, &Key::Number(1.0)),
                Ordering::Greater
            );
        }
    }

    #[test]
    fn a_lone_created_time_sort_is_the_natural_order() {
        let schema = Schema::page_title();
        let order = compile(
            &json!([{ "timestamp": "created_time", "direction": "descending" }]),
            &schema,
        )
        .unwrap();
        assert_eq!(order, Order::Natural { descending: true });
        let err = compile(
            &json!([{ "property": "Nope", "direction": "ascending" }]),
            &schema,
        )
        .unwrap_err();
        assert_eq!(
            err.message(),
            "Could not find sort property with name or id: Nope"
        );
    }
}
