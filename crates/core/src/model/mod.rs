//! The datasets: how source records become desired rows, and the earlier scripts' rules
//! (health score, alert classification) that decide their values.
//!
//! | module              | owns                                                      |
//! |---------------------|-----------------------------------------------------------|
//! | [`health`]          | health score, status, review, Backup Status, buckets      |
//! | [`alert_counts`]    | a site's active alerts at one moment: counts, summary     |
//! | [`alert_history`]   | active alerts at past moments, from the activity log      |
//! | [`alert_rules`]     | Device Issues: Issue Type, Severity, Scheduled Action     |
//! | [`customer_status`] | Customer Status Board rows from sites, site map, alerts   |
//! | [`daily_health`]    | Daily Health rows from snapshots and source history       |
//! | [`alerts`]          | Device Issues rows from alerts, devices, organizations    |
//! | [`config_changes`]  | Config Changes Log: tools, risk rules, the change record  |
//! | [`change_sources`]  | which NinjaOne activities and UniFi differences are changes |
//! | [`site_config`]     | a site's configuration reading, fingerprint, differences  |
//! | [`schemas`]         | the four databases' expected schemas, for setup and verify |

pub mod alert_counts;
pub mod alert_history;
pub mod alert_rules;
pub mod alerts;
pub mod change_sources;
pub mod config_changes;
pub mod customer_status;
pub mod daily_health;
pub mod health;
pub mod schemas;
pub mod site_config;
