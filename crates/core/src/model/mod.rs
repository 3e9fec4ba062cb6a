//! The datasets: how source records become desired rows, and the earlier scripts' rules
//! (health score, alert classification) that decide their values.
//!
//! | module              | owns                                                      |
//! |---------------------|-----------------------------------------------------------|
//! | [`health`]          | health score, status, review, Backup Status, buckets      |
//! | [`alert_rules`]     | Device Issues: Issue Type, Severity, Scheduled Action     |
//! | [`customer_status`] | Customer Status Board rows from sites, site map, alerts   |
//! | [`alerts`]          | Device Issues rows from alerts, devices, organizations    |

pub mod alert_rules;
pub mod alerts;
pub mod customer_status;
pub mod health;
