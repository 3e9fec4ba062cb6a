//! Request counters: per API, endpoint and status, 429s sent and writes applied. Tests and
//! benchmarks read them through `GET /_sim/stats` to count the calls a client made.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::Serialize;

use crate::Api;

/// Counters of one API.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct ApiStats {
    /// Requests answered.
    pub requests: u64,
    /// 429 answers sent (rate limits and injected storms).
    pub rate_limited: u64,
    /// Changes applied to simulated data (Notion creates and updates, vault sets).
    pub writes: u64,
    /// Answers by endpoint (`METHOD /route/{param}`) and status.
    pub endpoints: BTreeMap<String, BTreeMap<u16, u64>>,
}

/// The counters of one simulator process since start or the last reset.
#[derive(Debug, Default)]
pub struct Stats {
    apis: Mutex<BTreeMap<Api, ApiStats>>,
}

impl Stats {
    /// Counts one answered request.
    pub fn record(&self, api: Api, endpoint: &str, status: u16) {
        let mut apis = self.apis.lock().unwrap_or_else(|p| p.into_inner());
        let stats = apis.entry(api).or_default();
        stats.requests += 1;
        if status == 429 {
            stats.rate_limited += 1;
        }
        *stats
            .endpoints
            .entry(endpoint.to_owned())
            .or_default()
            .entry(status)
            .or_default() += 1;
    }

    /// Counts one applied write.
    pub fn record_write(&self, api: Api) {
        let mut apis = self.apis.lock().unwrap_or_else(|p| p.into_inner());
        apis.entry(api).or_default().writes += 1;
    }

    /// A copy of every counter, with every API present.
    pub fn snapshot(&self) -> BTreeMap<Api, ApiStats> {
        let apis = self.apis.lock().unwrap_or_else(|p| p.into_inner());
        Api::ALL
            .into_iter()
            .map(|api| (api, apis.get(&api).cloned().unwrap_or_default()))
            .collect()
    }

    /// Zeroes every counter.
    pub fn clear(&self) {
        self.apis.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}
