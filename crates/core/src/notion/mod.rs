//! The Notion client: typed ids, property values and objects, authenticated calls with the
//! configured `Notion-Version`, and queries read to the end (NOTION.md).
//!
//! It speaks the data-source API (`2025-09-03` and later): databases are containers, a data
//! source holds the schema and the rows. It knows nothing of the four datasets; the sync
//! engine maps them onto pages.

mod client;
mod error;
pub mod ids;
mod objects;
mod query;
pub mod values;

pub use client::{DEFAULT_BASE_URL, DEFAULT_VERSION, NotionClient, NotionSettings};
pub use error::NotionError;
pub use ids::{BadId, DataSourceId, DatabaseId, PageId};
pub use objects::{BotUser, DataSource, Database, Page, PropertySchema};
pub use query::Query;
pub use values::{DateValue, PropertyValue};
