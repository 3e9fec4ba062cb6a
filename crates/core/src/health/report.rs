//! The result of one round of checks: per component and overall, as JSON, as a table and as
//! Prometheus text.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::exit::Outcome;
use crate::http::FailureClass;

/// The state of one component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Working.
    Healthy,
    /// Working with a fallback (a vault that is unreachable, secrets from the environment).
    Degraded,
    /// Not working.
    Unhealthy,
}

impl Status {
    /// The upper-case word for the text report.
    pub fn word(self) -> &'static str {
        match self {
            Status::Healthy => "HEALTHY",
            Status::Degraded => "DEGRADED",
            Status::Unhealthy => "UNHEALTHY",
        }
    }
}

/// One component's check result.
#[derive(Debug, Clone, Serialize)]
pub struct Component {
    /// Component name (`notion_api`, `key_vault`, ...).
    pub name: String,
    /// Whether it works (degraded counts as working).
    pub healthy: bool,
    /// Healthy, degraded or unhealthy.
    pub status: Status,
    /// Time the check took.
    pub latency_ms: f64,
    /// When it ran.
    pub last_check: String,
    /// What failed, with the fix where we know it; `null` when healthy.
    pub error: Option<String>,
    /// What the check saw (bot name, site count, free space, ...).
    pub details: Map<String, Value>,
    /// The kind of failure, for the exit code.
    #[serde(skip)]
    pub failure: Option<FailureClass>,
}

impl Component {
    /// A healthy result.
    pub fn healthy(name: &str, latency_ms: f64, details: Map<String, Value>) -> Self {
        Self {
            name: name.to_owned(),
            healthy: true,
            status: Status::Healthy,
            latency_ms,
            last_check: now_stamp(),
            error: None,
            details,
            failure: None,
        }
    }

    /// An unhealthy result.
    pub fn unhealthy(name: &str, latency_ms: f64, error: String, class: FailureClass) -> Self {
        Self {
            name: name.to_owned(),
            healthy: false,
            status: Status::Unhealthy,
            latency_ms,
            last_check: now_stamp(),
            error: Some(error),
            details: Map::new(),
            failure: Some(class),
        }
    }

    /// A degraded result: working through a fallback described by `reason`.
    pub fn degraded(name: &str, latency_ms: f64, reason: String) -> Self {
        Self {
            healthy: true,
            status: Status::Degraded,
            error: Some(reason),
            ..Self::healthy(name, latency_ms, Map::new())
        }
    }

    /// Adds one detail.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }
}

/// Every component's result and the overall state.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The worst component state.
    pub status: Status,
    /// When the round ran.
    pub timestamp: String,
    /// The toolkit's version.
    pub version: String,
    /// Seconds since the process started (server mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uptime_seconds: Option<f64>,
    /// By component name.
    pub components: BTreeMap<String, Component>,
}

impl Report {
    /// A report of `components`.
    pub fn new(components: Vec<Component>) -> Self {
        let status = components
            .iter()
            .map(|c| c.status)
            .max()
            .unwrap_or(Status::Healthy);
        Self {
            status,
            timestamp: now_stamp(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            uptime_seconds: None,
            components: components
                .into_iter()
                .map(|c| (c.name.clone(), c))
                .collect(),
        }
    }

    /// The exit code: success when healthy; when something is unhealthy, an authentication
    /// failure before an unavailable service before anything else; partial when degraded.
    pub fn outcome(&self) -> Outcome {
        let failures: Vec<FailureClass> =
            self.components.values().filter_map(|c| c.failure).collect();
        if failures.contains(&FailureClass::Auth) {
            Outcome::Auth
        } else if failures.contains(&FailureClass::Unavailable) {
            Outcome::Unavailable
        } else if self.status == Status::Healthy {
            Outcome::Success
        } else {
            Outcome::Partial
        }
    }

    /// The report as the operator reads it on a terminal.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let rule = "=".repeat(60);
        let _ = writeln!(out, "{rule}");
        let _ = writeln!(out, "Health Status: {}", self.status.word());
        let _ = writeln!(
            out,
            "Version: {}   Checked: {}",
            self.version, self.timestamp
        );
        let _ = writeln!(out, "{rule}");
        let width = self.components.keys().map(String::len).max().unwrap_or(0);
        for component in self.components.values() {
            let mark = match component.status {
                Status::Healthy => "ok  ",
                Status::Degraded => "warn",
                Status::Unhealthy => "FAIL",
            };
            let details: Vec<String> = component
                .details
                .iter()
                .map(|(k, v)| match v {
                    Value::String(s) => format!("{k}={s}"),
                    other => format!("{k}={other}"),
                })
                .collect();
            let _ = writeln!(
                out,
                "  [{mark}] {:<width$}  {:>7.1} ms  {}",
                component.name,
                component.latency_ms,
                details.join(" ")
            );
            if let Some(error) = &component.error {
                for line in error.lines() {
                    let _ = writeln!(out, "         {line}");
                }
            }
        }
        out
    }

    /// The report as Prometheus text.
    pub fn metrics(&self) -> String {
        let mut out = String::new();
        let gauge = |out: &mut String, name: &str, help: &str| {
            let _ = writeln!(out, "# HELP oberaconnect_{name} {help}");
            let _ = writeln!(out, "# TYPE oberaconnect_{name} gauge");
        };
        if let Some(uptime) = self.uptime_seconds {
            gauge(
                &mut out,
                "uptime_seconds",
                "Seconds since the process started.",
            );
            let _ = writeln!(out, "oberaconnect_uptime_seconds {uptime:.1}");
        }
        gauge(&mut out, "healthy", "1 when every component is healthy.");
        let _ = writeln!(
            out,
            "oberaconnect_healthy {}",
            u8::from(self.status == Status::Healthy)
        );
        gauge(
            &mut out,
            "component_healthy",
            "1 healthy, 0.5 degraded, 0 unhealthy.",
        );
        for c in self.components.values() {
            let value = match c.status {
                Status::Healthy => "1",
                Status::Degraded => "0.5",
                Status::Unhealthy => "0",
            };
            let _ = writeln!(
                out,
                "oberaconnect_component_healthy{{component=\"{}\"}} {value}",
                c.name
            );
        }
        gauge(
            &mut out,
            "component_latency_ms",
            "Duration of the last check.",
        );
        for c in self.components.values() {
            let _ = writeln!(
                out,
                "oberaconnect_component_latency_ms{{component=\"{}\"}} {:.1}",
                c.name, c.latency_ms
            );
        }
        out
    }
}

fn now_stamp() -> String {
    stamp(Utc::now())
}

fn stamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overall_state_and_exit_code() {
        let ok = Component::healthy("notion_api", 1.0, Map::new());
        assert_eq!(Report::new(vec![ok.clone()]).outcome(), Outcome::Success);
        let degraded = Component::degraded("key_vault", 1.0, "unreachable".into());
        let report = Report::new(vec![ok.clone(), degraded]);
        assert_eq!(report.status, Status::Degraded);
        assert_eq!(report.outcome(), Outcome::Partial);
        let down = Component::unhealthy("notion_api", 1.0, "503".into(), FailureClass::Unavailable);
        let revoked = Component::unhealthy("ninjaone_api", 1.0, "401".into(), FailureClass::Auth);
        assert_eq!(
            Report::new(vec![down.clone()]).outcome(),
            Outcome::Unavailable
        );
        assert_eq!(Report::new(vec![down, revoked]).outcome(), Outcome::Auth);
    }

    #[test]
    fn metrics_carry_every_component() {
        let report = Report::new(vec![
            Component::healthy("notion_api", 12.5, Map::new()),
            Component::degraded("key_vault", 3.0, "unreachable".into()),
        ]);
        let text = report.metrics();
        assert!(text.contains("oberaconnect_healthy 0"));
        assert!(text.contains("oberaconnect_component_healthy{component=\"key_vault\"} 0.5"));
        assert!(text.contains("oberaconnect_component_latency_ms{component=\"notion_api\"} 12.5"));
    }
}
