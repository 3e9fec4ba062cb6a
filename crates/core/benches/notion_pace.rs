//! How close the Notion client comes to Notion's rate limit: 300 independent requests against
//! the simulator limited to 3 requests/s (burst 10) with 300 ms latency, as the real service
//! behaves. Prints the achieved rate against the limit, the 429s received and the failures.
//!
//! Run: `cargo bench -p oberaconnect --bench notion_pace` (takes about 100 s: 300 requests at
//! 3 per second). Target: at least 90 % of the limit, no request failing.

use std::time::Instant;

use mock_apis::config::Settings;
use mock_apis::{SimConfig, notion};
use oberaconnect::notion::{DataSourceId, NotionClient, NotionSettings, Query};
use oberaconnect::secrets::{SecretName, SecretString, Secrets};

const REQUESTS: usize = 300;
const LIMIT: f64 = 3.0;
const LATENCY_MS: u64 = 300;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let mut settings = Settings::real();
    settings.notion.rate_per_sec = Some(LIMIT);
    settings.notion.latency_ms = LATENCY_MS;
    let running = mock_apis::start(SimConfig {
        settings,
        ..SimConfig::ephemeral()
    })
    .await
    .expect("simulator starts");
    let token = running.sim.credentials().expect("credentials").notion_token;
    let secrets = Secrets::from_values([(SecretName::NotionToken, SecretString::from(token))]);
    let client = NotionClient::new(
        NotionSettings {
            base_url: running.urls().notion,
            ..NotionSettings::default()
        },
        secrets,
    )
    .expect("client builds");
    let source = DataSourceId::parse(notion::DATABASES[0].data_source_id).expect("id");

    let started = Instant::now();
    let tasks: Vec<_> = (0..REQUESTS)
        .map(|i| {
            let client = client.clone();
            let source = source.clone();
            tokio::spawn(async move {
                let key = format!("site-{i:04}");
                client
                    .query(&source, &Query::text_equals("Sync Key", &key))
                    .await
            })
        })
        .collect();
    let mut failed = 0;
    for task in tasks {
        if !matches!(task.await, Ok(Ok(_))) {
            failed += 1;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let counters = client.counters();
    // The first `burst` requests start at once; the rest are paced. The least time the limit
    // allows for N requests is therefore (N - burst) / rate, plus one latency.
    let least = (REQUESTS as f64 - 10.0) / LIMIT + LATENCY_MS as f64 / 1000.0;
    println!(
        "{REQUESTS} queries in {elapsed:.1} s: {:.2} requests/s against a limit of {LIMIT:.1} \
         ({:.1} % of the limit; {:.1} % of the least possible time {least:.1} s)",
        REQUESTS as f64 / elapsed,
        REQUESTS as f64 / elapsed / LIMIT * 100.0,
        least / elapsed * 100.0,
    );
    println!(
        "calls {} retries {} throttled (429) {} failed {failed}",
        counters.calls, counters.retries, counters.throttled
    );
    running.shutdown().await;
}
