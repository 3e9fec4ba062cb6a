//! `oberaconnect`: the library behind every OberaConnect binary. It keeps an MSP's four Notion
//! dashboards (customer status, daily health, config changes, alerts) true to UniFi Site
//! Manager and NinjaOne.

#![warn(missing_docs)]

pub mod dr_test;
