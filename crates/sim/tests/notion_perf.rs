//! Throughput of the simulated Notion API: creating pages, key lookups (`rich_text equals` on
//! `Sync Key`) and page_size-100 pages over a data source of 1,000 rows. The query clients
//! read the answers as bytes, so the figures measure the simulator rather than a client's
//! JSON parser (a page of 100 rows is about 175 KB).
//!
//! Ignored by default (it needs a release build to mean anything):
//! `cargo test --release -p mock-apis --test notion_perf -- --ignored --nocapture`.
//! In a release build it fails below 2,000 queries per second of either kind.

mod common;
mod notion_support;

use std::time::{Duration, Instant};

use notion_support::*;
use serde_json::json;

const ROWS: usize = 1_000;
const CLIENTS: usize = 8;
const RUN: Duration = Duration::from_secs(3);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "throughput measurement; run in release with --ignored"]
async fn queries_per_second_over_a_thousand_rows() {
    let sim = common::start_sim().await;
    let notion = Notion::new(&sim, V2026);
    let source = customers().data_source_id;

    let started = Instant::now();
    let mut creators = Vec::new();
    for client in 0..CLIENTS {
        let notion = notion.clone();
        creators.push(tokio::spawn(async move {
            for n in (client..ROWS).step_by(CLIENTS) {
                notion
                    .create_row(
                        source,
                        customer(&format!("Site {n}"), &format!("key-{n}"), n as i64),
                    )
                    .await;
            }
        }));
    }
    for creator in creators {
        creator.await.expect("creator");
    }
    let created = started.elapsed();
    println!(
        "created {ROWS} pages in {created:?} ({:.0}/s)",
        ROWS as f64 / created.as_secs_f64()
    );

    let lookups = rate(&sim, |n| {
        json!({ "filter": { "property": "Sync Key", "rich_text": { "equals": format!("key-{}", n % ROWS) } } })
    })
    .await;
    println!("key lookups: {lookups:.0}/s");
    let pages = rate(&sim, |_| json!({ "page_size": 100 })).await;
    println!("page_size-100 first pages: {pages:.0}/s");

    if !cfg!(debug_assertions) {
        assert!(lookups >= 2_000.0, "{lookups:.0} key lookups per second");
        assert!(pages >= 2_000.0, "{pages:.0} pages of 100 rows per second");
    }
    sim.shutdown().await;
}

/// Queries per second sent by `CLIENTS` concurrent clients for `RUN`.
async fn rate(sim: &mock_apis::RunningSim, body: fn(usize) -> serde_json::Value) -> f64 {
    let url = format!(
        "{}/v1/data_sources/{}/query",
        sim.urls().notion,
        customers().data_source_id
    );
    let token = sim.sim.credentials().expect("credentials").notion_token;
    let http = reqwest::Client::new();
    let started = Instant::now();
    let mut workers = Vec::new();
    for client in 0..CLIENTS {
        let (http, url, token) = (http.clone(), url.clone(), token.clone());
        workers.push(tokio::spawn(async move {
            let mut done = 0usize;
            while started.elapsed() < RUN {
                let response = http
                    .post(&url)
                    .bearer_auth(&token)
                    .header("Notion-Version", V2026)
                    .json(&body(client * 100_000 + done))
                    .send()
                    .await
                    .expect("answer");
                assert_eq!(response.status().as_u16(), 200);
                let bytes = response.bytes().await.expect("body");
                assert!(bytes.starts_with(br#"{"object":"list""#));
                done += 1;
            }
            done
        }));
    }
    let mut total = 0;
    for worker in workers {
        total += worker.await.expect("worker");
    }
    total as f64 / started.elapsed().as_secs_f64()
}
