//! Typed client of the NinjaOne Public API v2, as described in `shared/api/NINJAONE.md`:
//! organizations, devices, alerts and the activity log, read-only, with the `monitoring`
//! scope.
//!
//! - OAuth2 client credentials (`POST /ws/oauth/token`): the token is cached, renewed
//!   60–300 s before `expires_in` runs out, and shared (concurrent callers wait for one
//!   request). A 401 from the API fetches one new token and retries once. A 4xx from the
//!   token endpoint re-reads `NINJAONE_CLIENT_ID` and `NINJAONE_CLIENT_SECRET` once, then
//!   fails with an error naming the credential and the fix. Tokens are never logged.
//! - Entity lists page with `pageSize` and `after=<last id>` and end on a short page; the
//!   activity log walks back with `olderThan=<smallest id>`.
//! - NinjaOne ignores filters it does not understand, so filters are checked again on the
//!   results ([`DeviceList::dropped`]).
//! - Its throttling page (HTML under a 200) counts as a 429 for the shared [`crate::http`]
//!   layer, which retries it with 429s, 5xx and connection errors.
//!
//! It does not own the joins (alert → device → organization) or the checkpoint store.

mod client;
mod de;
mod error;
mod operations;
mod token;
mod types;
mod wire;

pub use client::{
    DEFAULT_ACTIVITY_PAGE_SIZE, DEFAULT_PAGE_SIZE, NinjaoneClient, Probe, is_throttle_page,
    region_base_url,
};
pub use error::NinjaoneError;
pub use operations::{ActivityClass, ActivityQuery, DeviceQuery};
pub use token::TOKEN_PATH;
pub use types::{Activity, ActivityLog, Alert, Device, DeviceList, Organization};
