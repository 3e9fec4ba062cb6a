//! `--create-all`: the four databases under one page, each created with its initial data
//! source (`POST /v1/databases`, NOTION.md section 4.2). Customer Status comes first, so that
//! Daily Health's `Site` relation can point at its data source. The parent page is read
//! first, so that a page the integration cannot see fails before anything is created.
//!
//! Limitation: nothing stops a second run from creating a second set beside the first
//! (Notion has no idempotency key, and search is too eventually consistent to look for
//! earlier ones), and a create whose answer is lost is not looked up: the error says the
//! database may exist, and where to look. A rebuild runs `--create-all` again on purpose; for an
//! existing set, `--verify` or `--migrate` are the commands.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{PropertyIds, SetupError, config_file};
use crate::app::context::Context;
use crate::config::Dataset;
use crate::exit::Outcome;
use crate::model::schemas::{self, PropertySpec, PropertyType};
use crate::notion::{DataSourceId, DatabaseId, NotionError, PageId};

/// The flags of `--create-all`.
pub(super) struct CreateOptions {
    pub parent_page: PageId,
    pub write_config: bool,
    pub dry_run: bool,
    pub json: bool,
}

/// One database created.
struct Created {
    dataset: Dataset,
    database: DatabaseId,
    data_source: DataSourceId,
}

/// The parent page, as read back.
struct Parent {
    id: PageId,
    title: String,
}

pub(super) async fn run(context: &Context, ids: &PropertyIds, options: &CreateOptions) -> Outcome {
    let parent = match parent(context, options).await {
        Ok(parent) => parent,
        Err(err) => return fail(&err, &[], options.json),
    };
    if options.dry_run {
        print_plan(&parent, options);
        return Outcome::Success;
    }

    let mut created = Vec::new();
    if let Err(err) = create_all(context, ids, &parent, &mut created).await {
        return fail(&err, &created, options.json);
    }
    let written = if options.write_config {
        let new_ids: Vec<(Dataset, DatabaseId)> = created
            .iter()
            .map(|c| (c.dataset, c.database.clone()))
            .collect();
        match config_file::write_database_ids(&context.config.path, &new_ids) {
            Ok(()) => Some(context.config.path.display().to_string()),
            Err(err) => return fail(&SetupError::from(err), &created, options.json),
        }
    } else {
        None
    };
    print_created(&parent, &created, written.as_deref(), options.json);
    Outcome::Success
}

/// The parent page, read to check that the integration can see it.
async fn parent(context: &Context, options: &CreateOptions) -> Result<Parent, SetupError> {
    let id = options.parent_page.clone();
    match context.notion.page(&id).await {
        Ok(page) => Ok(Parent {
            title: page.title().unwrap_or_default().to_owned(),
            id,
        }),
        Err(NotionError::NotFound { .. }) => Err(SetupError::ParentNotShared { page: id }),
        Err(err) => Err(SetupError::notion(
            format!("read the parent page {id}"),
            err,
        )),
    }
}

async fn create_all(
    context: &Context,
    ids: &PropertyIds,
    parent: &Parent,
    created: &mut Vec<Created>,
) -> Result<(), SetupError> {
    for schema in schemas::all() {
        let sources: BTreeMap<Dataset, DataSourceId> = created
            .iter()
            .map(|c| (c.dataset, c.data_source.clone()))
            .collect();
        let properties = schema
            .configuration(&|dataset| sources.get(&dataset).cloned())
            .map_err(|property| {
                SetupError::Unexpected(format!(
                    "`{}` relates to a database not created yet",
                    property.name
                ))
            })?;
        let database = context
            .notion
            .create_database(&parent.id, schema.title(), properties)
            .await
            .map_err(|err| match err {
                NotionError::NotFound { .. } => SetupError::ParentNotShared {
                    page: parent.id.clone(),
                },
                err if err.maybe_applied() => SetupError::notion(
                    format!(
                        "create {title} (its answer was lost, so Notion may have created it all \
                         the same: look under the parent page and move any `{title}` made just \
                         now to the trash before running again)",
                        title = schema.title()
                    ),
                    err,
                ),
                err => SetupError::notion(format!("create {}", schema.title()), err),
            })?;
        let Some((data_source, _)) = database.data_sources.first() else {
            return Err(SetupError::Unexpected(format!(
                "database {} ({}) was created without a data source",
                database.id,
                schema.title()
            )));
        };
        tracing::info!(dataset = %schema.dataset, database = %database.id, "database created");
        let new = Created {
            dataset: schema.dataset,
            database: database.id.clone(),
            data_source: data_source.clone(),
        };
        record_ids(context, ids, &new).await;
        created.push(new);
    }
    Ok(())
}

/// Records the new properties' ids, so that a later rename is recognised by id.
async fn record_ids(context: &Context, ids: &PropertyIds, created: &Created) {
    match context.notion.data_source(&created.data_source).await {
        Ok(source) => {
            let by_name = source
                .properties
                .values()
                .map(|p| (p.name.clone(), p.id.clone()))
                .collect();
            ids.record(created.dataset, &created.database, &by_name);
        }
        Err(err) => tracing::warn!(cause = %err, "property ids of the new database not recorded"),
    }
}

/// Prints the error (and, with `--json`, the report of what was created), returns its
/// outcome.
fn fail(err: &SetupError, created: &[Created], json: bool) -> Outcome {
    let outcome = err.outcome();
    if json {
        let report = json!({
            "status": outcome.name(),
            "error": err.to_string(),
            "databases": created_json(created),
        });
        println!("{report}");
    } else if !created.is_empty() {
        println!("Created before the failure:");
        print_table(created);
    }
    eprintln!("error: {err}");
    if !created.is_empty() {
        eprintln!(
            "hint: move the databases listed above to the trash in Notion and run again, or \
             keep them and put their ids in config.json under `databases`"
        );
    }
    outcome
}

fn created_json(created: &[Created]) -> Value {
    let map: serde_json::Map<String, Value> = created
        .iter()
        .map(|c| {
            let value = json!({
                "title": c.dataset.title(),
                "database_id": c.database.as_str(),
                "data_source_id": c.data_source.as_str(),
            });
            (c.dataset.key().to_owned(), value)
        })
        .collect();
    Value::Object(map)
}

fn print_created(parent: &Parent, created: &[Created], written: Option<&str>, json: bool) {
    if json {
        let report = json!({
            "status": "created",
            "parent_page": { "id": parent.id.as_str(), "title": parent.title },
            "databases": created_json(created),
            "config_written": written,
        });
        println!("{report}");
        return;
    }
    println!(
        "Created {} databases under `{}` ({}):",
        created.len(),
        parent.title,
        parent.id
    );
    print_table(created);
    match written {
        Some(path) => println!("Wrote their ids to {path} (databases.*)."),
        None => println!(
            "hint: put these database ids in config.json under `databases` (--write-config \
             does it)"
        ),
    }
}

fn print_table(created: &[Created]) {
    for c in created {
        println!(
            "  {:<16} {:<24} database {}  data source {}",
            c.dataset.key(),
            c.dataset.title(),
            c.database,
            c.data_source
        );
    }
}

fn print_plan(parent: &Parent, options: &CreateOptions) {
    if options.json {
        let databases: serde_json::Map<String, Value> = schemas::all()
            .iter()
            .map(|schema| {
                let properties: Vec<Value> = schema.properties.iter().map(property_json).collect();
                let value = json!({ "title": schema.title(), "properties": properties });
                (schema.dataset.key().to_owned(), value)
            })
            .collect();
        let report = json!({
            "status": "dry_run",
            "parent_page": { "id": parent.id.as_str(), "title": parent.title },
            "databases": databases,
            "config_written": null,
        });
        println!("{report}");
        return;
    }
    println!(
        "Dry run: nothing was created. Under `{}` ({}) --create-all would create:",
        parent.title, parent.id
    );
    for schema in schemas::all() {
        println!();
        println!("{} ({})", schema.title(), schema.dataset.key());
        for property in schema.properties {
            println!("  {:<24} {}", property.name, describe(property.kind));
        }
    }
    if options.write_config {
        println!();
        println!("config.json is not changed in a dry run.");
    }
}

/// A property's type in words: `number (percent)`, `select: a, b, c`, ...
fn describe(kind: PropertyType) -> String {
    let names = |options: &[schemas::SelectOption]| -> String {
        let names: Vec<&str> = options.iter().map(|o| o.name).collect();
        names.join(", ")
    };
    match kind {
        PropertyType::Number(format) => format!("number ({})", format.as_str()),
        PropertyType::Select(options) => format!("select: {}", names(options)),
        PropertyType::MultiSelect(options) => format!("multi_select: {}", names(options)),
        PropertyType::Relation(target) => {
            format!("relation to {} (one-way)", target.title())
        }
        other => other.type_name().to_owned(),
    }
}

fn property_json(property: &PropertySpec) -> Value {
    let mut value = json!({ "name": property.name, "type": property.kind.type_name() });
    let extra = match property.kind {
        PropertyType::Number(format) => json!({ "format": format.as_str() }),
        PropertyType::Select(options) | PropertyType::MultiSelect(options) => {
            let options: Vec<Value> = options
                .iter()
                .map(|o| json!({ "name": o.name, "color": o.color.as_str() }))
                .collect();
            json!({ "options": options })
        }
        PropertyType::Relation(target) => json!({ "relation": target.key() }),
        _ => json!({}),
    };
    if let (Some(map), Value::Object(more)) = (value.as_object_mut(), extra) {
        map.extend(more);
    }
    value
}
