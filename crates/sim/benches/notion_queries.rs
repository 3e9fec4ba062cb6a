//! How many Notion queries per second the simulator serves on this machine, with limits and
//! latency off: the simulator must never be what bounds a benchmark of the sync.
//!
//! Run: `cargo bench -p mock-apis --bench notion_queries` (release build). It starts an
//! in-process simulator on loopback, creates 1,000 pages in the Customer Status data source
//! over HTTP, then for a few seconds per phase keeps 8 requests in flight and prints:
//! - key lookups (`Sync Key` `rich_text equals`, one row back),
//! - full pages (`page_size` 100, the first page of the data source).
//!
//! Client and server share the machine's cores, so the figures are a lower bound.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use mock_apis::config::Settings;
use mock_apis::{SimConfig, notion};
use serde_json::{Value, json};

const PAGES: usize = 1_000;
const IN_FLIGHT: usize = 8;
const PHASE: Duration = Duration::from_secs(4);
const VERSION: &str = "2026-03-11";

struct Target {
    client: reqwest::Client,
    base: String,
    token: String,
    data_source: &'static str,
}

impl Target {
    async fn post(&self, path: &str, body: &Value) -> Value {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("Notion-Version", VERSION)
            .json(body)
            .send()
            .await
            .expect("simulator answers");
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.json().await.expect("json")
    }

    async fn query(&self, body: &Value) -> Value {
        self.post(
            &format!("/v1/data_sources/{}/query", self.data_source),
            body,
        )
        .await
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let config = SimConfig {
        settings: Settings::unlimited(),
        ..SimConfig::ephemeral()
    };
    let running = mock_apis::start(config).await.expect("simulator starts");
    let target = Arc::new(Target {
        client: reqwest::Client::new(),
        base: running.urls().notion,
        token: running.sim.credentials().expect("credentials").notion_token,
        data_source: notion::DATABASES[0].data_source_id,
    });

    let started = Instant::now();
    for i in 0..PAGES {
        target.post("/v1/pages", &page(target.data_source, i)).await;
    }
    let created = started.elapsed();
    println!(
        "created {PAGES} pages in {:.2} s ({:.0} creates/s, sequential)",
        created.as_secs_f64(),
        PAGES as f64 / created.as_secs_f64()
    );

    let lookup = |i: u64| json!({ "filter": { "property": "Sync Key", "rich_text": { "equals": key(i as usize % PAGES) } } });
    let rate = phase(&target, lookup, 1).await;
    println!("key lookups:      {rate:>8.0} queries/s ({IN_FLIGHT} in flight)");
    let rate = phase(&target, |_| json!({ "page_size": 100 }), 100).await;
    println!("100-row pages:    {rate:>8.0} queries/s ({IN_FLIGHT} in flight)");

    running.shutdown().await;
}

/// Runs queries from `body(i)` with `IN_FLIGHT` tasks for `PHASE`; returns queries per second.
async fn phase(
    target: &Arc<Target>,
    body: impl Fn(u64) -> Value + Copy + Send + 'static,
    rows: usize,
) -> f64 {
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..IN_FLIGHT)
        .map(|task| {
            let (target, done) = (target.clone(), done.clone());
            tokio::spawn(async move {
                let mut i = task as u64;
                while started.elapsed() < PHASE {
                    let answer = target.query(&body(i)).await;
                    let got = answer["results"].as_array().map_or(0, Vec::len);
                    assert_eq!(got, rows, "the query returned what it should");
                    done.fetch_add(1, Ordering::Relaxed);
                    i += IN_FLIGHT as u64;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("query task");
    }
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

fn key(i: usize) -> String {
    format!("site-{i:06}")
}

fn page(data_source: &str, i: usize) -> Value {
    let text = |s: String| json!([{ "type": "text", "text": { "content": s } }]);
    json!({
        "parent": { "type": "data_source_id", "data_source_id": data_source },
        "properties": {
            "Site Name": { "title": text(format!("Customer {i} - Texas")) },
            "Customer ID": { "rich_text": text(key(i)) },
            "Sync Key": { "rich_text": text(key(i)) },
            "Device Count": { "number": (i % 40) as f64 },
            "Health Score": { "number": (60 + i % 40) as f64 },
        }
    })
}
