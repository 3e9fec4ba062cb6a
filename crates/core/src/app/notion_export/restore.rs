//! `--restore FILE --database-id ID`: recreates the pages of a JSON backup in a
//! database (normally a fresh one with the source's schema), through the
//! rate-limited client, one create at a time (NOTION.md section 9: writes to
//! one data source are serialised).
//!
//! Every property the target schema has under the same name and type is
//! written, the title going to the target's title whatever its name; computed
//! types are skipped and every property left out is named in a note. Relation
//! references follow their rows by `Sync Key` into a restored database
//! ([`super::relink`]); references to pages that no longer exist (or are in the
//! trash, or are not rows of the relation's data source) are dropped, with a
//! note; so are references past the 100 Notion takes in one write.
//!
//! Keying, so that a second restore creates nothing: a page with a `Sync Key`
//! (every synced row has one) is present when the target holds a page with that
//! key; a page without one is present when the restore ledger
//! ([`super::ledger`]) ties its original id to a page the target still holds.
//! Creates are guarded as the sync's are (NOTION.md section 11): when an answer
//! is lost, the page is looked up (by `Sync Key`, or by title among pages
//! neither present before the run nor claimed) before anything is sent again.
//!
//! Why not the sync's write journal: it is keyed by dataset and settled by that
//! dataset's next sync against its own database, which is not the restore's
//! target. The ledger is the same intent-then-confirm record, kept per target
//! database.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Map, Value, json};

use super::backup::BackupFile;
use super::csv::display;
use super::error::ExportError;
use super::ledger::Ledger;
use super::manifest::{MANIFEST, Manifest};
use super::relink::{Link, Links, original_keys};
use super::writable::{WRITE_LIMIT, not_restorable, write_value};
use super::{ExportArgs, fail, print_json, short, start};
use crate::app::context::Context;
use crate::audit::AuditLog;
use crate::exit::Outcome;
use crate::http::{FailureClass, Replay, Request};
use crate::notion::{DataSource, DataSourceId, DatabaseId, NotionError, Page, PageId, Query};
use crate::sync::{GUARDED_CREATES, SYNC_KEY};

/// The database a restore writes into, as it was when the restore started.
struct Target {
    database: DatabaseId,
    source: DataSourceId,
    schema: DataSource,
    /// Live pages by `Sync Key`.
    keyed: HashMap<String, PageId>,
    /// Live pages without a `Sync Key`: id and title.
    unkeyed: Vec<(String, String)>,
    /// Ids of every page live before the run.
    before: HashSet<String>,
}

/// Which backup properties are written where.
struct Mapping {
    /// Backup property name → target property name and type.
    written: BTreeMap<String, (String, String)>,
    /// Where each written relation's references point now, by target property
    /// name.
    related: HashMap<String, Links>,
    /// Whether rows are keyed by `Sync Key` (the target has that rich text
    /// property).
    sync_key: bool,
    /// What is not written, and why.
    notes: Vec<String>,
}

/// One backup page, as it will be created.
struct Row {
    original: String,
    title: String,
    key: Option<String>,
    properties: Map<String, Value>,
}

/// What the restore did (or would do).
#[derive(Default)]
struct Tally {
    present: usize,
    adopted: usize,
    created: usize,
    would_create: Vec<Value>,
    failures: Vec<String>,
    stop: Option<Outcome>,
}

/// Runs a restore of one backup file, or of the set a manifest lists
/// ([`super::restore_set`]); returns the exit outcome.
pub(super) async fn run(args: &ExportArgs, path: &Path) -> Outcome {
    if super::restore_set::is_set(path) {
        return super::restore_set::run(args, path).await;
    }
    let Some(text) = args.database_id.as_deref() else {
        eprintln!(
            "error: --restore FILE needs --database-id: the database the pages go into\n\
             hint: --restore DIR restores every backup its manifest lists into the databases \
             config.json names"
        );
        return Outcome::Usage;
    };
    if let Some(dataset) = args.database {
        eprintln!(
            "error: --database {dataset} applies to --restore DIR; a backup file restores \
             the one database it holds"
        );
        return Outcome::Usage;
    }
    let file = path;
    let database = match DatabaseId::parse(text) {
        Ok(id) => id,
        Err(err) => {
            eprintln!("error: --database-id: {err}");
            return Outcome::Usage;
        }
    };
    if file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        eprintln!(
            "error: `{}` is a CSV backup, which holds display text only and cannot be \
             restored\nhint: restore the JSON backup of the same day (--format json)",
            file.display()
        );
        return Outcome::Usage;
    }
    let backup = match check_checksum(file).and_then(|()| BackupFile::read(file)) {
        Ok(backup) => backup,
        Err(err) => return fail(&err),
    };
    let context = match start(&args.config).await {
        Ok(context) => context,
        Err(outcome) => return outcome,
    };
    match restore(&context, args, file, &backup, database).await {
        Ok((outcome, report)) => {
            if args.json {
                print_json(&report);
            }
            outcome
        }
        Err(err) => fail(&err),
    }
}

/// Restores `backup` (read from `file`) into `database`; prints the text
/// report unless `--json`, and returns the outcome and the JSON report.
pub(super) async fn restore(
    context: &Context,
    args: &ExportArgs,
    file: &Path,
    backup: &BackupFile,
    database: DatabaseId,
) -> Result<(Outcome, Value), ExportError> {
    let target = Target::load(context, database).await?;
    let mapping = Mapping::new(context, file, backup, &target).await?;
    let (rows, mut notes) = rows(backup, &mapping);
    notes.splice(0..0, mapping.notes.iter().cloned());
    let dir = context
        .state_path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut ledger = Ledger::open(dir, &target.database)?;
    tracing::info!(backup = %file.display(), database = %target.database, pages = rows.len(),
        dry_run = args.dry_run, "restore started");

    let mut run = Restore {
        context,
        target: &target,
        title_property: target.schema.title_property().unwrap_or("title").to_owned(),
        ledger: &mut ledger,
        audit: None,
        tally: Tally::default(),
    };
    if !args.dry_run {
        let label = format!("restore-{}", uuid::Uuid::new_v4().simple());
        run.audit = AuditLog::open(&context.audit_log, &backup.database, &label)
            .inspect_err(|err| tracing::warn!("no audit log for this restore: {err}"))
            .ok();
    }
    run.all(rows, args.dry_run).await?;
    if let Some(audit) = &run.audit {
        audit.record(
            "restore",
            json!({ "backup": file.display().to_string(), "database": target.database.as_str(),
                    "created": run.tally.created, "failed": run.tally.failures.len() }),
        );
    }
    let tally = run.tally;
    let report = Report {
        file,
        target: &target,
        ledger: ledger.path(),
        pages: backup.pages.len(),
        tally: &tally,
        notes: &notes,
    };
    report.print(args);
    let outcome = match (tally.stop, tally.failures.is_empty()) {
        (Some(outcome), _) => outcome,
        (None, false) => Outcome::Partial,
        (None, true) => Outcome::Success,
    };
    Ok((outcome, report.to_json(args)))
}

/// Checks `file` against the manifest beside it, when one lists it: a restore
/// must not write a backup that was damaged after the export.
pub(super) fn check_checksum(file: &Path) -> Result<(), ExportError> {
    let Some(name) = file.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Ok(());
    };
    let dir = file.parent().unwrap_or(Path::new("."));
    let dated = super::backup::dated_name(&name)
        .map(|date| format!("manifest_{}.json", date.format("%Y%m%d")));
    for manifest_name in std::iter::once(MANIFEST.to_owned()).chain(dated) {
        let Ok((manifest_path, manifest)) = Manifest::read(&dir.join(&manifest_name)) else {
            continue;
        };
        let Some(entry) = manifest.databases.iter().find(|e| e.file == name) else {
            continue;
        };
        let bytes = std::fs::read(file).map_err(|source| ExportError::Read {
            path: file.to_path_buf(),
            source,
        })?;
        let actual = super::backup::sha256_hex(&bytes);
        if actual != entry.sha256 {
            return Err(ExportError::Checksum {
                path: file.to_path_buf(),
                manifest: manifest_path,
                expected: entry.sha256.clone(),
                actual,
            });
        }
        return Ok(());
    }
    tracing::warn!(file = %file.display(), "no manifest beside the backup lists it; its checksum is not checked");
    Ok(())
}

impl Target {
    async fn load(context: &Context, database: DatabaseId) -> Result<Self, ExportError> {
        let notion = &context.notion;
        let reading = format!("failed to read the target database {database}");
        let source = notion
            .data_source_of(&database)
            .await
            .map_err(ExportError::notion(&reading))?;
        let schema = notion
            .data_source(&source)
            .await
            .map_err(ExportError::notion(&reading))?;
        let pages = notion
            .query(&source, &Query::all())
            .await
            .map_err(ExportError::notion(&reading))?;
        let mut target = Self {
            database,
            source,
            schema,
            keyed: HashMap::new(),
            unkeyed: Vec::new(),
            before: HashSet::new(),
        };
        for page in pages {
            target.before.insert(page.id.to_string());
            target.add(&page);
        }
        Ok(target)
    }

    fn add(&mut self, page: &Page) {
        match page.text(SYNC_KEY).filter(|k| !k.is_empty()) {
            Some(key) => {
                self.keyed.insert(key.to_owned(), page.id.clone());
            }
            None => {
                let title = page.title().unwrap_or_default().to_owned();
                self.unkeyed.push((page.id.to_string(), title));
            }
        }
    }
}

impl Mapping {
    async fn new(
        context: &Context,
        file: &Path,
        backup: &BackupFile,
        target: &Target,
    ) -> Result<Self, ExportError> {
        let mut mapping = Self {
            written: BTreeMap::new(),
            related: HashMap::new(),
            sync_key: target
                .schema
                .properties
                .get(SYNC_KEY)
                .is_some_and(|p| p.kind == "rich_text"),
            notes: Vec::new(),
        };
        for (name, kind) in backup_properties(backup) {
            mapping.place(&name, &kind, &target.schema);
        }
        if !mapping.sync_key {
            mapping.notes.push(format!(
                "the target has no `{SYNC_KEY}` rich text property: every page is keyed by \
                 its original id in the restore ledger"
            ));
        }
        let relations: Vec<(String, Option<String>)> = mapping
            .written
            .values()
            .filter(|(_, kind)| kind == "relation")
            .map(|(name, _)| {
                let related = target.schema.properties[name].relation_target.clone();
                (name.clone(), related)
            })
            .collect();
        let originals = if relations.is_empty() {
            HashMap::new()
        } else {
            original_keys(file)
        };
        for (name, related) in relations {
            let links =
                super::relink::links(context, related.as_deref(), &name, &originals).await?;
            mapping.related.insert(name, links);
        }
        Ok(mapping)
    }

    /// Decides where the backup property `name` of type `kind` is written, if
    /// anywhere.
    fn place(&mut self, name: &str, kind: &str, schema: &DataSource) {
        if let Some(why) = not_restorable(kind) {
            self.notes
                .push(format!("`{name}` ({kind}) is not written: {why}"));
            return;
        }
        let target = if kind == "title" {
            schema.properties.values().find(|p| p.kind == "title")
        } else {
            schema.properties.get(name)
        };
        match target {
            None => self.notes.push(format!(
                "`{name}` ({kind}) is not in the target schema; not written"
            )),
            Some(property) if property.kind != kind => self.notes.push(format!(
                "`{name}` is {kind} in the backup but {} in the target; not written",
                property.kind
            )),
            Some(property) => {
                if property.name != name {
                    self.notes.push(format!(
                        "the title `{name}` is written to the target's title `{}`",
                        property.name
                    ));
                }
                self.written
                    .insert(name.to_owned(), (property.name.clone(), kind.to_owned()));
            }
        }
    }
}

/// Every property name in the backup's pages with its type, in name order.
fn backup_properties(backup: &BackupFile) -> BTreeMap<String, String> {
    let mut properties = BTreeMap::new();
    for page in &backup.pages {
        for (name, value) in page["properties"].as_object().into_iter().flatten() {
            if let Some(kind) = value["type"].as_str() {
                properties
                    .entry(name.clone())
                    .or_insert_with(|| kind.to_owned());
            }
        }
    }
    properties
}

/// What a restore left out of one relation property.
#[derive(Default)]
struct Dropped {
    /// References to pages that are gone.
    references: usize,
    /// Pages that lost some.
    pages: usize,
    /// Pages cut at [`WRITE_LIMIT`].
    cut: usize,
    /// References carried over to the restored page with the same `Sync Key`.
    moved: usize,
}

/// The rows to create, and notes on relation references dropped.
fn rows(backup: &BackupFile, mapping: &Mapping) -> (Vec<Row>, Vec<String>) {
    let mut dropped: BTreeMap<&str, Dropped> = BTreeMap::new();
    let mut rows = Vec::with_capacity(backup.pages.len());
    for page in &backup.pages {
        let mut properties = Map::new();
        let mut title = String::new();
        for (name, value) in page["properties"].as_object().into_iter().flatten() {
            let Some((target_name, kind)) = mapping.written.get(name) else {
                continue;
            };
            let Some(mut written) = write_value(value) else {
                continue;
            };
            if kind == "title" {
                title = display(value);
            }
            if kind == "relation" {
                let links = mapping.related.get(target_name);
                let counts = dropped.entry(target_name.as_str()).or_default();
                keep_live(&mut written["relation"], links, counts);
            }
            properties.insert(target_name.clone(), written);
        }
        let key = page["properties"]
            .get(SYNC_KEY)
            .map(display)
            .filter(|k| mapping.sync_key && !k.is_empty());
        rows.push(Row {
            original: page["id"].as_str().unwrap_or_default().to_owned(),
            title,
            key,
            properties,
        });
    }
    let notes = dropped.into_iter().flat_map(|(property, d)| {
        let gone = (d.references > 0).then(|| {
            format!(
                "`{property}`: {} reference(s) to pages that no longer exist (or are in \
                 the trash) dropped, on {} page(s)",
                d.references, d.pages
            )
        });
        let moved = (d.moved > 0).then(|| {
            format!(
                "`{property}`: {} reference(s) now point to the restored pages with the \
                 same Sync Key",
                d.moved
            )
        });
        let cut = (d.cut > 0).then(|| {
            format!(
                "`{property}`: {} page(s) had more than {WRITE_LIMIT} references, more \
                 than Notion takes in one write; the rest were dropped",
                d.cut
            )
        });
        moved.into_iter().chain(gone).chain(cut)
    });
    (rows, notes.collect())
}

/// Keeps the references of a relation value that point to live pages, now or
/// through their `Sync Key`, at most [`WRITE_LIMIT`] of them, counting what
/// moves and what goes in `dropped`.
fn keep_live(relation: &mut Value, links: Option<&Links>, dropped: &mut Dropped) {
    let all = relation.as_array().cloned().unwrap_or_default();
    let mut kept = Vec::with_capacity(all.len());
    for reference in &all {
        let id = reference["id"].as_str().unwrap_or_default();
        match links.map_or(Link::Gone, |l| l.follow(id)) {
            Link::Live => kept.push(reference.clone()),
            Link::Moved(live) => {
                dropped.moved += 1;
                kept.push(json!({ "id": live }));
            }
            Link::Gone => {}
        }
    }
    if kept.len() < all.len() {
        dropped.references += all.len() - kept.len();
        dropped.pages += 1;
    }
    if kept.len() > WRITE_LIMIT {
        kept.truncate(WRITE_LIMIT);
        dropped.cut += 1;
    }
    *relation = Value::Array(kept);
}

/// A restore in progress.
struct Restore<'a> {
    context: &'a Context,
    target: &'a Target,
    title_property: String,
    ledger: &'a mut Ledger,
    audit: Option<AuditLog>,
    tally: Tally,
}

/// A create that failed, and whether it may have happened all the same.
struct Failed {
    error: NotionError,
    maybe_created: bool,
}

impl Restore<'_> {
    async fn all(&mut self, rows: Vec<Row>, dry_run: bool) -> Result<(), ExportError> {
        let mut keys_created: HashSet<String> = HashSet::new();
        for row in rows {
            if let Some(key) = &row.key
                && (self.target.keyed.contains_key(key) || keys_created.contains(key))
            {
                self.tally.present += 1;
                continue;
            }
            if row.key.is_none() {
                if self
                    .ledger
                    .page_of(&row.original)
                    .is_some_and(|page| self.target.before.contains(page))
                {
                    self.tally.present += 1;
                    continue;
                }
                if let Some(page) = self.leftover(&row) {
                    if !dry_run {
                        self.ledger.created(&row.original, &page)?;
                    }
                    self.tally.adopted += 1;
                    continue;
                }
            }
            if dry_run {
                self.tally.would_create.push(json!({
                    "title": row.title, "sync_key": row.key, "original": row.original,
                }));
                continue;
            }
            self.create(&row).await?;
            if let Some(key) = &row.key {
                keys_created.insert(key.clone());
            }
            if self.tally.stop.is_some() {
                break;
            }
        }
        Ok(())
    }

    /// A page an earlier, interrupted restore created for `row` without
    /// recording it: only when the ledger holds an unsettled intent for it.
    fn leftover(&self, row: &Row) -> Option<String> {
        if !self.ledger.is_pending(&row.original) {
            return None;
        }
        let claimed = self.ledger.claimed();
        self.target
            .unkeyed
            .iter()
            .find(|(page, title)| *title == row.title && !claimed.contains(page.as_str()))
            .map(|(page, _)| page.clone())
    }

    async fn create(&mut self, row: &Row) -> Result<(), ExportError> {
        self.ledger.intend(&row.original, &row.title)?;
        match self.guarded_create(row).await {
            Ok((page, found)) => {
                self.ledger.created(&row.original, page.as_str())?;
                self.tally.created += 1;
                if let Some(audit) = &self.audit {
                    audit.record(
                        "write",
                        json!({ "action": "restore_create", "key": row.key,
                                "original": row.original, "page": page.as_str(),
                                "found_by_lookup": found }),
                    );
                }
            }
            Err(failed) => {
                if !failed.maybe_created {
                    self.ledger.abandoned(&row.original)?;
                }
                let label = if row.title.is_empty() {
                    &row.original
                } else {
                    &row.title
                };
                self.tally.failures.push(format!(
                    "{label}: {}",
                    short(&failed.error.to_string(), 300)
                ));
                self.tally.stop = match failed.error.class() {
                    FailureClass::Auth => Some(Outcome::Auth),
                    FailureClass::Unavailable => Some(Outcome::Unavailable),
                    FailureClass::Other => None,
                };
            }
        }
        Ok(())
    }

    /// Creates `row`'s page; after a lost answer, looks it up before sending it
    /// again. Returns the page and whether the lookup (not Notion's answer)
    /// found it.
    async fn guarded_create(&self, row: &Row) -> Result<(PageId, bool), Failed> {
        let mut sent = 0;
        loop {
            sent += 1;
            let error = match self.send(row).await {
                Ok(page) => return Ok((page, false)),
                Err(error) => error,
            };
            if !error.maybe_applied() {
                return Err(Failed {
                    error,
                    maybe_created: false,
                });
            }
            tracing::debug!(original = %row.original, cause = %short(&error.to_string(), 200),
                "create answer lost; looking the page up before sending it again");
            match self.lookup(row).await {
                Ok(Some(page)) => return Ok((page, true)),
                Ok(None) if sent < GUARDED_CREATES => {
                    tokio::time::sleep(Duration::from_millis(500) * sent).await;
                }
                Ok(None) => {
                    return Err(Failed {
                        error,
                        maybe_created: false,
                    });
                }
                Err(_) => {
                    return Err(Failed {
                        error,
                        maybe_created: true,
                    });
                }
            }
        }
    }

    async fn send(&self, row: &Row) -> Result<PageId, NotionError> {
        let body = json!({
            "parent": { "type": "data_source_id", "data_source_id": self.target.source.as_str() },
            "properties": row.properties,
        });
        let request = Request::new(Method::POST, "/v1/pages").json(body);
        let answer = self
            .context
            .notion
            .call(request, Replay::IfNotApplied)
            .await?;
        Ok(Page::from_json(&answer)?.id)
    }

    /// The page a lost create of `row` made, if Notion has it.
    async fn lookup(&self, row: &Row) -> Result<Option<PageId>, NotionError> {
        let notion = &self.context.notion;
        let source = &self.target.source;
        if let Some(key) = &row.key {
            let pages = notion
                .query(source, &Query::text_equals(SYNC_KEY, key))
                .await?;
            return Ok(pages.into_iter().next().map(|p| p.id));
        }
        let query = Query {
            filter: Some(
                json!({ "property": self.title_property, "title": { "equals": row.title } }),
            ),
            properties: Vec::new(),
        };
        let claimed = self.ledger.claimed();
        let pages = notion.query(source, &query).await?;
        Ok(pages
            .into_iter()
            .filter(|p| p.text(SYNC_KEY).is_none_or(str::is_empty))
            .find(|p| {
                let id = p.id.as_str();
                !self.target.before.contains(id) && !claimed.contains(id)
            })
            .map(|p| p.id))
    }
}

/// What a restore prints.
struct Report<'a> {
    file: &'a Path,
    target: &'a Target,
    ledger: &'a Path,
    pages: usize,
    tally: &'a Tally,
    notes: &'a [String],
}

impl Report<'_> {
    fn to_json(&self, args: &ExportArgs) -> Value {
        let tally = self.tally;
        json!({
            "status": if tally.failures.is_empty() { "ok" } else { "failed" },
            "dry_run": args.dry_run,
            "backup": self.file.display().to_string(),
            "database_id": self.target.database.as_str(),
            "data_source_id": self.target.source.as_str(),
            "ledger": self.ledger.display().to_string(),
            "pages": self.pages,
            "present": tally.present + tally.adopted,
            "created": tally.created,
            "failed": tally.failures.len(),
            "would_create": tally.would_create,
            "notes": self.notes,
        })
    }

    /// Prints the failures, and the text report unless `--json`.
    fn print(&self, args: &ExportArgs) {
        let tally = self.tally;
        for failure in &tally.failures {
            eprintln!("error: not restored: {failure}");
        }
        let present = tally.present + tally.adopted;
        if args.json {
            return;
        }
        let (file, database, pages) = (self.file.display(), &self.target.database, self.pages);
        if args.dry_run {
            println!(
                "Dry run: restoring {file} into database {database} would create {} of \
                 {pages} pages ({present} already there):",
                tally.would_create.len()
            );
            for row in &tally.would_create {
                let key = match row["sync_key"].as_str() {
                    Some(key) => format!("{SYNC_KEY} {key}"),
                    None => format!("original page {}", text(&row["original"])),
                };
                println!("  + {}  ({key})", text(&row["title"]));
            }
        } else {
            println!(
                "Restored {file} into database {database}: {pages} pages in the backup, {} \
                 created, {present} already there, {} failed",
                tally.created,
                tally.failures.len()
            );
            let done = tally.created + present + tally.failures.len();
            if let Some(left) = pages.checked_sub(done).filter(|n| *n > 0) {
                println!("{left} pages not attempted: the restore stopped at the error above");
            }
            println!("ledger: {}", self.ledger.display());
        }
        for note in self.notes {
            println!("note: {note}");
        }
    }
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}
