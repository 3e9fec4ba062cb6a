//! The sync engine: desired rows from the sources, the current rows from Notion, a plan of
//! creates, updates of changed owned properties and retirements, guards, and the apply
//! through the write journal (`shared/DESIGN.md` section 6).

mod row;

pub use row::{DesiredRow, SYNC_KEY};
