//! Reading every page of a data source as Notion returned it, for a backup or a
//! comparison.
//!
//! [`NotionClient::query`] decodes pages into typed values, which a backup
//! cannot use: it keeps rich text formatting, option colours, people and every
//! type the sync does not know. So this keeps the raw page objects that
//! [`NotionClient::query_each`] hands on, read with the same defences against
//! the 10,000-row cap and refused cursors (NOTION.md sections 7.2 and 7.3).
//!
//! Limitation: when more rows than one query returns share one `created_time`
//! minute (a bulk import), no window can get past them; the read then fails
//! with an error that says so, never returning part of the rows. Sorting on a
//! property instead would not help: Notion offers no ordering filter on text,
//! and numbers and dates need not be unique.
//!
//! Relations that Notion cut at 25 references (`has_more`, section 13) are read
//! whole from the page property item endpoint and written back into the page
//! object.

use indicatif::ProgressBar;
use serde_json::{Value, json};

use crate::notion::{DataSourceId, NotionClient, NotionError, PageId, Query};

/// What a read returned besides the pages.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct ReadStats {
    /// Queries after the first that a row cap made necessary.
    pub extra_windows: usize,
    /// Relation values read whole from the property item endpoint.
    pub relations_completed: usize,
}

/// Every page of `source` (trash excluded), oldest first, with `properties`
/// (ids) asked for by `filter_properties`, and relations read whole.
pub(super) async fn read_pages(
    notion: &NotionClient,
    source: &DataSourceId,
    properties: &[String],
    bar: &ProgressBar,
) -> Result<(Vec<Value>, ReadStats), NotionError> {
    let query = Query {
        filter: None,
        properties: properties.to_vec(),
    };
    let mut pages = Vec::new();
    let extra_windows = notion
        .query_each(source, &query, |page| {
            pages.push(page.clone());
            bar.inc(1);
            Ok(())
        })
        .await?;
    let relations_completed = complete_relations(notion, &mut pages).await?;
    let stats = ReadStats {
        extra_windows,
        relations_completed,
    };
    Ok((pages, stats))
}

/// Reads whole every relation Notion cut at 25 references; returns how many
/// there were.
async fn complete_relations(
    notion: &NotionClient,
    pages: &mut [Value],
) -> Result<usize, NotionError> {
    let mut completed = 0;
    for page in pages.iter_mut() {
        let Ok(id) = PageId::parse(page["id"].as_str().unwrap_or_default()) else {
            continue;
        };
        let Some(properties) = page["properties"].as_object_mut() else {
            continue;
        };
        for value in properties.values_mut() {
            let cut = value["type"] == "relation" && value["has_more"] == true;
            let Some(property_id) = value["id"].as_str().filter(|_| cut) else {
                continue;
            };
            let related = notion.relation(&id, property_id).await?;
            let related: Vec<Value> = related
                .iter()
                .map(|page| json!({ "id": page.as_str() }))
                .collect();
            value["relation"] = Value::Array(related);
            value["has_more"] = json!(false);
            completed += 1;
        }
    }
    Ok(completed)
}
