//! `oberaconnect`: the library behind every OberaConnect binary. It keeps an MSP's four Notion
//! dashboards (customer status, daily health, config changes, alerts) true to UniFi Site
//! Manager and NinjaOne.
//!
//! | module        | owns                                                                 |
//! |---------------|----------------------------------------------------------------------|
//! | [`app`]       | what the binaries run: the loaded context, one module per binary     |
//! | [`audit`]     | the append-only JSON-lines audit log                                 |
//! | [`cli_args`]  | flags every binary shares, logging set-up                            |
//! | [`config`]    | `config.json`: schema, validation, defaults, environment overrides   |
//! | [`secrets`]   | the secret chain (Key Vault, environment, `.env`) and redaction      |
//! | [`health`]    | component checks, the health report and server                       |
//! | [`http`]      | the shared HTTP client: retries, rate limiter, request logging       |
//! | [`notion`]    | the Notion client: ids, property values, pages, queries to the end   |
//! | [`unifi`]     | the UniFi Site Manager client: hosts, sites, devices, ISP metrics    |
//! | [`ninjaone`]  | the NinjaOne client: OAuth token, organizations, devices, alerts,    |
//! |               | activities                                                           |
//! | [`model`]     | the datasets: source records to desired rows, health score, rules    |
//! | [`sync`]      | the engine: plan, guards, apply through the write journal, report    |
//! | [`state`]     | the state store: checkpoints, journal, runs, snapshots, locks        |
//! | [`exit`]      | the exit codes of every binary                                       |
//! | [`dr_test`]   | DR test mode: the simulator in place of the real services            |

#![warn(missing_docs)]

pub mod app;
pub mod audit;
pub mod cli_args;
pub mod config;
pub mod dr_test;
pub mod exit;
pub mod health;
pub mod http;
pub mod model;
pub mod ninjaone;
pub mod notion;
pub mod secrets;
pub mod state;
pub mod sync;
pub mod unifi;
