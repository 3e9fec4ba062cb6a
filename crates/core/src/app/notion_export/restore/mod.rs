//! `--restore FILE --database-id ID`: recreates the pages of a JSON backup in a
//! database (normally a fresh one with the source's schema; `--restore DIR`
//! does so for each backup of a set, `set.rs`), through the
//! rate-limited client, one create at a time (NOTION.md section 9: writes to
//! one data source are serialised).
//!
//! Every property the target schema has under the same name and type is
//! written, the title going to the target's title whatever its name; computed
//! types are skipped and every property left out is named in a note. Relation
//! references follow their rows by `Sync Key` into a restored database
//! (`relink.rs`); references to pages that no longer exist (or are in the
//! trash, or are not rows of the relation's data source) are dropped, with a
//! note; so are references past the 100 Notion takes in one write.
//!
//! Keying, so that a second restore creates nothing: a page with a `Sync Key`
//! (every synced row has one) is present when the target holds a page with that
//! key; a page without one is present when the restore ledger
//! (`ledger.rs`) ties its original id to a page the target still holds.
//! Creates are guarded as the sync's are (NOTION.md section 11): when an answer
//! is lost, the page is looked up (by `Sync Key`, or by title among pages
//! neither present before the run nor claimed) before anything is sent again.
//!
//! Why not the sync's write journal: it is keyed by dataset and settled by that
//! dataset's next sync against its own database, which is not the restore's
//! target. The ledger is the same intent-then-confirm record, kept per target
//! database.

mod relink;
mod report;
mod rows;
mod set;

use self::report::Report;
use self::rows::{Mapping, Row, rows};

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use super::backup::BackupFile;
use super::error::ExportError;
use super::ledger::Ledger;
use super::manifest::Manifest;
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
/// (`set.rs`); returns the exit outcome.
pub(super) async fn run(args: &ExportArgs, path: &Path) -> Outcome {
    if set::is_set(path) {
        return set::run(args, path).await;
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
    let listing = Manifest::listing(file);
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
    let Some(((manifest_path, manifest), name)) = listing.zip(name) else {
        tracing::warn!(file = %file.display(),
            "no manifest beside the backup lists it; its checksum is not checked");
        return Ok(());
    };
    let Some(entry) = manifest.entry(&name) else {
        return Ok(());
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
