//! The component checks that need no client of their own: Notion (`users/me`), the state
//! store, and free disk space.

use std::path::{Path, PathBuf};

use serde_json::Map;
use tokio::time::Instant;

use super::checks::Check;
use super::report::Component;
use crate::http::FailureClass;
use crate::notion::NotionClient;
use crate::state::StateStore;

/// `notion_api`: `GET /v1/users/me` answers with the integration's bot.
pub fn notion(client: NotionClient) -> Check {
    Check::new("notion_api", move || {
        let client = client.clone();
        async move {
            let started = Instant::now();
            let result = client.me().await;
            let ms = elapsed_ms(started);
            match result {
                Ok(me) => Component::healthy("notion_api", ms, Map::new())
                    .with("user_type", me.kind)
                    .with("bot_name", me.name.unwrap_or_default())
                    .with("notion_version", client.version()),
                Err(err) => Component::unhealthy("notion_api", ms, err.to_string(), err.class()),
            }
        }
    })
}

/// `state_store`: the state file opens (created and migrated if new), passes SQLite's
/// integrity check and has this build's schema.
pub fn state_store(path: PathBuf) -> Check {
    Check::new("state_store", move || {
        let path = path.clone();
        async move {
            let started = Instant::now();
            let result = tokio::task::spawn_blocking(move || {
                let store = StateStore::open(&path)?;
                store.verify().map(|version| (path, version))
            })
            .await;
            let ms = elapsed_ms(started);
            match result {
                Ok(Ok((path, version))) => Component::healthy("state_store", ms, Map::new())
                    .with("path", path.display().to_string())
                    .with("schema_version", version),
                Ok(Err(err)) => {
                    Component::unhealthy("state_store", ms, err.to_string(), FailureClass::Other)
                }
                Err(err) => {
                    Component::unhealthy("state_store", ms, err.to_string(), FailureClass::Other)
                }
            }
        }
    })
}

/// `disk_space`: more than `min_free_percent` % free on the file system that holds `path`.
pub fn disk(path: PathBuf, min_free_percent: u8) -> Check {
    let min_free_share = f64::from(min_free_percent) / 100.0;
    Check::new("disk_space", move || {
        let path = path.clone();
        async move {
            let started = Instant::now();
            let result = tokio::task::spawn_blocking(move || free_space(&path)).await;
            let ms = elapsed_ms(started);
            match result {
                Ok(Ok((total, free))) => {
                    let share = if total == 0 {
                        0.0
                    } else {
                        free as f64 / total as f64
                    };
                    let gb = |bytes: u64| (bytes as f64 / 1e9 * 10.0).round() / 10.0;
                    let component = if share > min_free_share || min_free_percent == 0 {
                        Component::healthy("disk_space", ms, Map::new())
                    } else {
                        Component::unhealthy(
                            "disk_space",
                            ms,
                            format!(
                                "only {:.1} % free\nhint: free space on the disk that holds \
                                 the state store and logs",
                                share * 100.0
                            ),
                            FailureClass::Other,
                        )
                    };
                    component
                        .with("total_gb", gb(total))
                        .with("free_gb", gb(free))
                        .with("free_percent", (share * 1000.0).round() / 10.0)
                }
                Ok(Err(err)) => Component::unhealthy("disk_space", ms, err, FailureClass::Other),
                Err(err) => {
                    Component::unhealthy("disk_space", ms, err.to_string(), FailureClass::Other)
                }
            }
        }
    })
}

/// Total and available bytes of the file system holding `path` (its nearest existing
/// ancestor).
fn free_space(path: &Path) -> Result<(u64, u64), String> {
    let mut existing = path;
    while !existing.exists() {
        existing = existing.parent().unwrap_or(Path::new("."));
        if existing.as_os_str().is_empty() {
            existing = Path::new(".");
        }
    }
    let stats = rustix::fs::statvfs(existing)
        .map_err(|err| format!("cannot read free space of `{}`: {err}", existing.display()))?;
    Ok((
        stats.f_blocks.saturating_mul(stats.f_frsize),
        stats.f_bavail.saturating_mul(stats.f_frsize),
    ))
}

fn elapsed_ms(started: Instant) -> f64 {
    (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0
}
