//! Running the component checks: each once, all at once, each bounded in time; and a cache
//! for the server so that a request never waits for more than one round.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use super::report::{Component, Report};
use crate::http::FailureClass;

/// A check's future.
pub type CheckFuture = Pin<Box<dyn Future<Output = Component> + Send>>;

/// One component check: a name and how to run it once.
#[derive(Clone)]
pub struct Check {
    name: String,
    run: Arc<dyn Fn() -> CheckFuture + Send + Sync>,
}

impl std::fmt::Debug for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Check").field("name", &self.name).finish()
    }
}

impl Check {
    /// A check named `name` that runs `run`.
    pub fn new<F, Fut>(name: &str, run: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Component> + Send + 'static,
    {
        Self {
            name: name.to_owned(),
            run: Arc::new(move || Box::pin(run())),
        }
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// The checks of one process.
#[derive(Debug, Clone)]
pub struct Checks {
    checks: Vec<Check>,
    timeout: Duration,
}

impl Checks {
    /// `checks`, each allowed `timeout`.
    pub fn new(checks: Vec<Check>, timeout: Duration) -> Self {
        Self { checks, timeout }
    }

    /// Runs every check once, concurrently, and reports.
    pub async fn run(&self) -> Report {
        let tasks: Vec<_> = self
            .checks
            .iter()
            .map(|check| {
                let future = (check.run)();
                let name = check.name.clone();
                let timeout = self.timeout;
                tokio::spawn(async move {
                    let started = Instant::now();
                    match tokio::time::timeout(timeout, future).await {
                        Ok(component) => component,
                        Err(_) => Component::unhealthy(
                            &name,
                            started.elapsed().as_secs_f64() * 1000.0,
                            format!("check did not finish within {} s", timeout.as_secs()),
                            FailureClass::Unavailable,
                        ),
                    }
                })
            })
            .collect();
        let mut components = Vec::with_capacity(tasks.len());
        for (task, check) in tasks.into_iter().zip(&self.checks) {
            components.push(task.await.unwrap_or_else(|err| {
                Component::unhealthy(
                    check.name(),
                    0.0,
                    format!("check failed: {err}"),
                    FailureClass::Other,
                )
            }));
        }
        Report::new(components)
    }
}

/// Checks whose last report is kept for `ttl`. Callers that arrive while a round runs wait
/// for that round rather than start another.
#[derive(Debug)]
pub struct CachedChecks {
    checks: Checks,
    ttl: Duration,
    started: Instant,
    last: Mutex<Option<(Instant, Report)>>,
}

impl CachedChecks {
    /// Caches the reports of `checks` for `ttl`.
    pub fn new(checks: Checks, ttl: Duration) -> Self {
        Self {
            checks,
            ttl,
            started: Instant::now(),
            last: Mutex::new(None),
        }
    }

    /// A report no older than the TTL.
    pub async fn report(&self) -> Report {
        let mut last = self.last.lock().await;
        let fresh = last
            .as_ref()
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, report)| report.clone());
        let mut report = match fresh {
            Some(report) => report,
            None => {
                let report = self.checks.run().await;
                *last = Some((Instant::now(), report.clone()));
                report
            }
        };
        report.uptime_seconds = Some(self.started.elapsed().as_secs_f64());
        report
    }
}
