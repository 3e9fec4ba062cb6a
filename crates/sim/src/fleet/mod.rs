//! The simulated fleet: generation from a seed, evolution in time, and ISP metric history.
//!
//! [`generate`] builds the fleet of a [`crate::config::FleetConfig`] deterministically;
//! [`Fleet::advance`] moves it forward in simulated time (devices go offline and come back,
//! alerts raise and clear, activities and configuration changes appear); [`metrics`] computes
//! ISP metrics for any site and hour as a pure function, so 30 days of history cost no memory.

mod activities;
mod catalog;
mod conditions;
mod counts;
mod evolve;
mod generate;
pub mod metrics;
mod model;
pub mod names;
mod time;

pub use generate::generate;
pub use model::*;
