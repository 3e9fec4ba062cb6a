//! Wire shapes of NinjaOne's `/v2` answers, rendered from the fleet's domain
//! records.
//!
//! Times are epoch seconds as JSON floats. Fields the model leaves out are
//! rendered the way real responses lack them (`os` missing, `system: null`,
//! alert `priority` absent); objects the model does not hold (`userData`,
//! `settings`, policies) get plain, stable values.

mod activities;
mod alerts;
mod devices;
mod health;
mod organizations;

pub use activities::{ActivityWire, activity};
pub use alerts::{AlertWire, alert};
pub use devices::{device, device_detailed, role_id};
pub use health::{HealthRow, health_row, health_status};
pub use organizations::{DetailedOrganization, location, organization, organization_detailed};
