//! Injected faults: outage windows, bursts of 5xx, 429 storms, 409 conflicts, revoked or
//! expired credentials, lost responses, empty lists and an unreachable vault.
//!
//! A fault is a [`FaultRule`]: which API (and optionally which method and path prefix), what
//! happens, and for how long (a number of requests, a wall-clock window, or until cleared). The
//! rules live in the persisted control state, so a fault set through one process's control API
//! or the `mock-apis fault` command reaches every process that shares the state directory.
//! Each API module turns a [`FaultKind`] into that service's own error body.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Api;

/// What an injected fault does to a request it matches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// The service is down: 503 with the API's own body.
    Outage,
    /// One status (500, 502, 504, 529, ...) with the API's body for it; `html` sends the HTML
    /// page an edge proxy would.
    Status {
        /// HTTP status to answer.
        status: u16,
        /// Answer with an HTML body instead of the API's JSON error.
        #[serde(default)]
        html: bool,
    },
    /// A 429 storm: every matching request is rate limited.
    RateLimit {
        /// Seconds sent in `Retry-After`.
        #[serde(default = "default_retry_after")]
        retry_after_secs: u64,
    },
    /// 409 `conflict_error` (Notion) or the API's conflict body.
    Conflict,
    /// The API's credential is revoked: 401 on every call (NinjaOne: the token endpoint refuses
    /// the client secret and every outstanding token).
    Revoked,
    /// NinjaOne signals throttling with a 200 HTML page instead of a 429.
    HtmlThrottle,
    /// The request is applied but its response is lost: the client sees a 504 (Notion: the
    /// page was created anyway).
    LostResponse,
    /// Notion refuses the `start_cursor` of a query as expired.
    InvalidCursor,
    /// The vault's listener drops every connection.
    Unreachable,
    /// NinjaOne: every token issued so far expires now (a one-off action, not a standing rule).
    ExpiredTokens,
    /// UniFi and NinjaOne: a list endpoint answers success with no items, in its usual
    /// envelope (UniFi `data: []` without `nextToken`; NinjaOne `[]`, or no `activities`).
    /// Other endpoints answer as usual and do not count against the rule.
    Empty,
}

fn default_retry_after() -> u64 {
    2
}

impl FaultKind {
    /// Whether the request must run before the fault shows (its effect is kept).
    pub fn after_handler(&self) -> bool {
        matches!(self, FaultKind::LostResponse)
    }

    /// Whether the fault is left out of the shared gate's check before the handler: the API's
    /// own handler applies it (it needs to see the request body or the connection), or, for
    /// `empty`, it applies only to an answer the handler marked as a list.
    pub fn applied_by_handler(&self) -> bool {
        matches!(
            self,
            FaultKind::InvalidCursor
                | FaultKind::Unreachable
                | FaultKind::ExpiredTokens
                | FaultKind::Empty
        )
    }
}

/// A fault as the control API and the command line accept it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultSpec {
    /// The API it applies to.
    pub api: Api,
    /// What it does.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Only requests with this method (e.g. `POST`).
    #[serde(default)]
    pub method: Option<String>,
    /// Only requests whose path below the API prefix starts with this (e.g. `/v1/pages`).
    #[serde(default)]
    pub path: Option<String>,
    /// Let this many matching requests through before the fault starts ("mid-run").
    #[serde(default)]
    pub after: u32,
    /// Fail this many matching requests, then clear.
    #[serde(default)]
    pub count: Option<u32>,
    /// Clear after this many seconds of wall-clock time.
    #[serde(default)]
    pub duration_secs: Option<u64>,
}

/// The request a fault may apply to.
#[derive(Debug, Clone, Copy)]
pub struct FaultTarget<'a> {
    /// The API called.
    pub api: Api,
    /// HTTP method.
    pub method: &'a str,
    /// Path below the API prefix.
    pub path: &'a str,
}

/// A fault in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultRule {
    /// Id to clear it by (`DELETE /_sim/faults/{id}`).
    pub id: u64,
    /// The API it applies to.
    pub api: Api,
    /// What it does.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Method filter.
    pub method: Option<String>,
    /// Path prefix filter.
    pub path: Option<String>,
    /// Matching requests still to let through before failing.
    pub skip: u32,
    /// Failures left before the rule clears; `None` for no limit.
    pub remaining: Option<u32>,
    /// Wall-clock end of the window; `None` for no end.
    pub until: Option<DateTime<Utc>>,
    /// Requests failed so far.
    pub hits: u64,
}

impl FaultRule {
    /// A rule from its spec, starting now.
    pub fn new(id: u64, spec: FaultSpec, now: DateTime<Utc>) -> Self {
        Self {
            id,
            api: spec.api,
            kind: spec.kind,
            method: spec.method.map(|m| m.to_ascii_uppercase()),
            path: spec.path,
            skip: spec.after,
            remaining: spec.count,
            until: spec
                .duration_secs
                .map(|secs| now + chrono::Duration::seconds(secs.min(i64::MAX as u64) as i64)),
            hits: 0,
        }
    }

    /// Whether the rule has run its course.
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        self.remaining == Some(0) || self.until.is_some_and(|until| now >= until)
    }

    /// Whether a request falls under the rule (ignoring `skip`).
    pub fn matches(&self, request: &FaultTarget<'_>) -> bool {
        self.api == request.api
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(request.method))
            && self
                .path
                .as_deref()
                .is_none_or(|prefix| request.path.starts_with(prefix))
    }
}

/// Applies the rules to one request: returns the fault it suffers, updating skip and
/// remaining counts and dropping rules that ran their course. Only rules whose kind `accept`s
/// are considered; the first matching one wins.
pub fn take(
    rules: &mut Vec<FaultRule>,
    request: &FaultTarget<'_>,
    accept: impl Fn(&FaultKind) -> bool,
    now: DateTime<Utc>,
) -> Option<FaultKind> {
    rules.retain(|rule| !rule.expired(now));
    let mut outcome = None;
    let matching = rules
        .iter_mut()
        .filter(|rule| accept(&rule.kind) && rule.matches(request));
    for rule in matching {
        if rule.skip > 0 {
            rule.skip -= 1;
            continue;
        }
        rule.hits += 1;
        if let Some(remaining) = rule.remaining.as_mut() {
            *remaining -= 1;
        }
        outcome = Some(rule.kind.clone());
        break;
    }
    rules.retain(|rule| !rule.expired(now));
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(
        rules: &mut Vec<FaultRule>,
        api: Api,
        method: &str,
        path: &str,
        now: DateTime<Utc>,
    ) -> Option<FaultKind> {
        take(rules, &FaultTarget { api, method, path }, |_| true, now)
    }

    fn spec(kind: FaultKind) -> FaultSpec {
        FaultSpec {
            api: Api::Notion,
            kind,
            method: None,
            path: None,
            after: 0,
            count: None,
            duration_secs: None,
        }
    }

    #[test]
    fn count_limited_rule_clears_itself() {
        let now = Utc::now();
        let mut rules = vec![FaultRule::new(
            1,
            FaultSpec {
                count: Some(2),
                ..spec(FaultKind::Conflict)
            },
            now,
        )];
        assert_eq!(
            hit(&mut rules, Api::Notion, "GET", "/v1/users/me", now),
            Some(FaultKind::Conflict)
        );
        assert_eq!(
            hit(&mut rules, Api::Notion, "GET", "/v1/users/me", now),
            Some(FaultKind::Conflict)
        );
        assert_eq!(
            hit(&mut rules, Api::Notion, "GET", "/v1/users/me", now),
            None
        );
        assert!(rules.is_empty());
    }

    #[test]
    fn after_lets_requests_through_first_and_filters_apply() {
        let now = Utc::now();
        let rule = FaultSpec {
            after: 1,
            method: Some("post".into()),
            path: Some("/v1/pages".into()),
            ..spec(FaultKind::Outage)
        };
        let mut rules = vec![FaultRule::new(1, rule, now)];
        assert_eq!(
            hit(&mut rules, Api::Notion, "GET", "/v1/pages/x", now),
            None
        );
        assert_eq!(hit(&mut rules, Api::Unifi, "POST", "/v1/pages", now), None);
        assert_eq!(hit(&mut rules, Api::Notion, "POST", "/v1/pages", now), None);
        assert_eq!(
            hit(&mut rules, Api::Notion, "POST", "/v1/pages", now),
            Some(FaultKind::Outage)
        );
    }

    #[test]
    fn windows_end() {
        let now = Utc::now();
        let mut rules = vec![FaultRule::new(
            1,
            FaultSpec {
                duration_secs: Some(5),
                ..spec(FaultKind::Outage)
            },
            now,
        )];
        let later = now + chrono::Duration::seconds(6);
        assert_eq!(hit(&mut rules, Api::Notion, "GET", "/", later), None);
    }

    #[test]
    fn spec_parses_from_control_json() {
        let spec: FaultSpec = serde_json::from_str(
            r#"{"api":"notion","kind":"status","status":502,"html":true,"count":3}"#,
        )
        .unwrap();
        assert_eq!(
            spec.kind,
            FaultKind::Status {
                status: 502,
                html: true
            }
        );
        assert!(serde_json::from_str::<FaultSpec>(r#"{"api":"notion","kind":"nope"}"#).is_err());
    }
}
