//! The sync engine: desired rows from the sources, the current rows from Notion, a plan of
//! creates, updates of changed owned properties and retirements, guards, and the apply
//! through the write journal (`shared/DESIGN.md` section 6).
//!
//! | module       | owns                                                                  |
//! |--------------|-----------------------------------------------------------------------|
//! | `row`        | [`DesiredRow`]: a row as the sources say it should be                 |
//! | `spec`       | [`DatasetSpec`]: retirement, legacy key, routine properties           |
//! | `current`    | [`CurrentRows`]: Notion's pages by key, duplicates                    |
//! | `plan`       | [`Plan`]: creates, updates, retirements; absence counting             |
//! | `guards`     | the source-count and change guards                                    |
//! | `apply`      | writing a plan: pace, journal, guarded creates, stopping on outages   |
//! | `report`     | [`RunReport`]: the table, the JSON object, the dry run's plan         |
//! | `run`        | one run start to end: lock, read, guard, plan, apply, record          |
//!
//! It knows no dataset: each one hands it a [`DatasetSpec`] and a function that reads its
//! sources into [`SourceRows`].

mod apply;
mod current;
mod guards;
mod plan;
mod report;
mod row;
mod run;
mod spec;

pub use apply::{Applied, GUARDED_CREATES, RowFailure, Stop, Writer, create_one};
pub use current::{CurrentRows, Duplicate};
pub use guards::{GuardTrip, MIN_GUARDED_CHANGES, check_changes, check_source};
pub use plan::{Change, Plan, Scope, Update, plan};
pub use report::{ApiCalls, ReviewItem, RowCounts, RunReport, plan_json, plan_text};
pub use row::{DesiredRow, SYNC_KEY};
pub use run::{
    CheckpointPlan, Covers, CurrentRead, RunFailure, RunOptions, SourceRows, Target, run,
};
pub use spec::{DatasetSpec, Retirement};
