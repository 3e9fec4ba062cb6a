//! `oberaconnect`: the library behind every OberaConnect binary. It keeps an MSP's four Notion
//! dashboards (customer status, daily health, config changes, alerts) true to UniFi Site
//! Manager and NinjaOne.
//!
//! | module        | owns                                                                 |
//! |---------------|----------------------------------------------------------------------|
//! | [`config`]    | `config.json`: schema, validation, defaults, environment overrides   |
//! | [`secrets`]   | the secret chain (Key Vault, environment, `.env`) and redaction      |
//! | [`http`]      | the shared HTTP client: retries, rate limiter, request logging       |
//! | [`dr_test`]   | DR test mode: the simulator in place of the real services            |
//! | [`unifi`]     | Site Manager client: hosts, sites, devices, ISP metrics, SD-WAN      |
//! | [`ninjaone`]  | NinjaOne client: token cache, organizations, devices, alerts, ...    |

#![warn(missing_docs)]

pub mod config;
pub mod dr_test;
pub mod http;
pub mod ninjaone;
pub mod secrets;
pub mod unifi;
