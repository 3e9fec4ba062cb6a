//! [`UnifiClient`]: the key, the envelope, paging, the `/ea` fallback and error mapping.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderName;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::time::Instant;

use super::error::UnifiError;
use super::wire::{Envelope, ErrorBody};
use crate::http::{ApiClient, ClientSettings, Counters, Replay, Request, Response, RetryPolicy};
use crate::secrets::{ExposeSecret, SecretName, Secrets};

/// The public Site Manager.
pub const DEFAULT_BASE_URL: &str = "https://api.ui.com";

/// Items per page of the three lists (fact sheet section 3).
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// Bytes of an error body that are read; edge pages can be huge HTML.
const ERROR_BODY_CAP: usize = 64 * 1024;

const API_KEY: HeaderName = HeaderName::from_static("x-api-key");

/// Which prefix an operation family answers on.
#[derive(Debug, Clone, Copy)]
pub(super) enum Family {
    /// ISP metrics (GET and query).
    Metrics,
    /// SD-WAN configurations.
    Sdwan,
}

/// A Site Manager client: cheap to clone, shared by every task.
#[derive(Debug, Clone)]
pub struct UnifiClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: ApiClient,
    secrets: Secrets,
    page_size: u32,
    /// Set once `/v1` answered 404 and `/ea` worked, for this client's lifetime.
    ea_metrics: AtomicBool,
    ea_sdwan: AtomicBool,
}

/// One decoded success answer.
pub(super) struct Answer {
    pub data: Value,
    pub next_token: Option<String>,
}

/// The result of [`UnifiClient::probe`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// Time of the probe request, retries included.
    pub latency: Duration,
    /// What the probe saw, for the health table.
    pub detail: String,
}

impl UnifiClient {
    /// HTTP settings for the Site Manager at `base_url` ([`DEFAULT_BASE_URL`] in production):
    /// 30 s per attempt, 3 attempts (the fact sheet's cap) within 60 s, 4 in flight. No pace
    /// of our own: a full pull is a handful of requests, far under the 10,000/min of `/v1`
    /// and the 100/min of `/ea`; a 429 slows the shared limiter down.
    pub fn settings(base_url: impl Into<String>) -> ClientSettings {
        let mut settings = ClientSettings::new("unifi", base_url);
        settings.timeout = Duration::from_secs(30);
        settings.retry = RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(60),
        };
        settings
    }

    /// A client with `settings` (see [`UnifiClient::settings`]) reading the key
    /// `UNIFI_API_TOKEN` from `secrets`.
    pub fn new(settings: ClientSettings, secrets: Secrets) -> Result<Self, UnifiError> {
        let http = ApiClient::new(settings).map_err(UnifiError::Setup)?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                secrets,
                page_size: DEFAULT_PAGE_SIZE,
                ea_metrics: AtomicBool::new(false),
                ea_sdwan: AtomicBool::new(false),
            }),
        })
    }

    /// The same client with another page size for the lists (at least 1).
    pub fn with_page_size(self, page_size: u32) -> Self {
        let inner = &self.inner;
        Self {
            inner: Arc::new(Inner {
                http: inner.http.clone(),
                secrets: inner.secrets.clone(),
                page_size: page_size.max(1),
                ea_metrics: AtomicBool::new(inner.ea_metrics.load(Ordering::Relaxed)),
                ea_sdwan: AtomicBool::new(inner.ea_sdwan.load(Ordering::Relaxed)),
            }),
        }
    }

    /// Requests made so far, retries included.
    pub fn counters(&self) -> Counters {
        self.inner.http.counters()
    }

    /// Whether ISP metrics are now read under `/ea` (after a 404 under `/v1`).
    pub fn uses_ea_for_metrics(&self) -> bool {
        self.inner.ea_metrics.load(Ordering::Relaxed)
    }

    /// Whether SD-WAN configurations are now read under `/ea`.
    pub fn uses_ea_for_sdwan(&self) -> bool {
        self.inner.ea_sdwan.load(Ordering::Relaxed)
    }

    /// One cheap call (`GET /v1/sites?pageSize=1`): proves the key works and the service
    /// answers.
    pub async fn probe(&self) -> Result<Probe, UnifiError> {
        let started = Instant::now();
        let request = Request::get("/v1/sites").query("pageSize", "1");
        let answer = self.call(request).await?;
        let more = answer.next_token.as_deref().is_some_and(|t| !t.is_empty());
        let listed = answer.data.as_array().map_or(0, Vec::len);
        let detail = match (listed, more) {
            (0, _) => "key accepted; no site visible".to_owned(),
            (_, true) => "key accepted; sites listed (more than one)".to_owned(),
            (_, false) => format!("key accepted; {listed} site(s) listed"),
        };
        Ok(Probe {
            latency: started.elapsed(),
            detail,
        })
    }

    /// Every item of a paged list, following `nextToken` until it is absent or `""`.
    pub(super) async fn pages<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Vec<T>, UnifiError> {
        let page_size = self.inner.page_size.to_string();
        let mut seen = HashSet::new();
        let mut token: Option<String> = None;
        let mut items = Vec::new();
        loop {
            let mut request = Request::get(path).query("pageSize", &page_size);
            for (key, value) in query {
                request = request.query(*key, *value);
            }
            if let Some(token) = &token {
                request = request.query("nextToken", token);
            }
            let answer = self.call(request).await?;
            let Value::Array(page) = answer.data else {
                return Err(decode_error(path, "`data` is not a list"));
            };
            items.extend(
                page.into_iter()
                    .filter_map(|v| serde_json::from_value(v).ok()),
            );
            match answer.next_token.filter(|t| !t.is_empty()) {
                None => return Ok(items),
                Some(next) if !seen.insert(next.clone()) => {
                    return Err(UnifiError::PagingLoop {
                        endpoint: format!("GET {path}"),
                        items: items.len(),
                    });
                }
                Some(next) => token = Some(next),
            }
        }
    }

    /// Calls `/v1{suffix}`, or `/ea{suffix}` once `/v1` answered 404 for this family.
    pub(super) async fn versioned(
        &self,
        family: Family,
        suffix: &str,
        build: impl Fn(String) -> Request,
    ) -> Result<Answer, UnifiError> {
        let flag = match family {
            Family::Metrics => &self.inner.ea_metrics,
            Family::Sdwan => &self.inner.ea_sdwan,
        };
        if flag.load(Ordering::Relaxed) {
            return self.call(build(format!("/ea{suffix}"))).await;
        }
        match self.call(build(format!("/v1{suffix}"))).await {
            Err(err) if err.is_not_found() => {
                tracing::debug!(api = "unifi", suffix, "404 under /v1, trying /ea");
                let answer = self.call(build(format!("/ea{suffix}"))).await?;
                flag.store(true, Ordering::Relaxed);
                tracing::info!(
                    api = "unifi",
                    family = ?family,
                    "this account answers under /ea only; using /ea from now on"
                );
                Ok(answer)
            }
            other => other,
        }
    }

    /// Sends `request` with the key; on a 401 re-reads the key once and tries once more.
    pub(super) async fn call(&self, request: Request) -> Result<Answer, UnifiError> {
        let secrets = &self.inner.secrets;
        let key = secrets
            .get(SecretName::UnifiApiToken)
            .await
            .map_err(UnifiError::Secret)?;
        let mut response = self.send(&request, key.expose_secret()).await?;
        if response.status == StatusCode::UNAUTHORIZED {
            // The key may have been rotated in the vault since we read it.
            tracing::debug!(api = "unifi", path = %request.path, "401; re-reading the key");
            let key = secrets
                .reread(SecretName::UnifiApiToken)
                .await
                .map_err(UnifiError::Secret)?;
            response = self.send(&request, key.expose_secret()).await?;
        }
        let endpoint = format!("{} {}", request.method, request.path);
        if !response.status.is_success() {
            return Err(failure(endpoint, &response));
        }
        let envelope: Envelope = serde_json::from_slice(&response.body).map_err(|err| {
            let what = if response.is_html() {
                "an HTML page".to_owned()
            } else {
                err.to_string()
            };
            decode_error(&request.path, &format!("not a JSON envelope ({what})"))
        })?;
        Ok(Answer {
            data: envelope.data,
            next_token: envelope.next_token,
        })
    }

    async fn send(&self, request: &Request, key: &str) -> Result<Response, UnifiError> {
        let request = request.clone().header(API_KEY, key);
        self.inner
            .http
            .send(&request, Replay::Safe)
            .await
            .map_err(UnifiError::Transport)
    }
}

fn decode_error(path: &str, reason: &str) -> UnifiError {
    UnifiError::Decode {
        endpoint: format!("GET {path}"),
        reason: reason.to_owned(),
    }
}

/// Reads an error body tolerantly: JSON `{code, message, traceId}`, HTML, or anything else,
/// from its first 64 KiB.
pub(super) fn error_body(response: &Response) -> (Option<String>, String, String) {
    let cap = response.body.len().min(ERROR_BODY_CAP);
    let body: Option<ErrorBody> = serde_json::from_slice(&response.body[..cap]).ok();
    let body = body.unwrap_or_default();
    let message = match body.message {
        Some(message) => message,
        None if response.is_html() => "an HTML error page".to_owned(),
        None if response.body.is_empty() => "an empty body".to_owned(),
        None => response.text_prefix(200),
    };
    let trace = body
        .trace_id
        .map_or_else(String::new, |t| format!(", trace id {t}"));
    (body.code.map(|c| c.to_ascii_lowercase()), message, trace)
}

/// Maps a final non-success answer to an error, on the status (the `code`'s case varies).
fn failure(endpoint: String, response: &Response) -> UnifiError {
    let (code, message, trace) = error_body(response);
    let status = response.status.as_u16();
    match status {
        401 => UnifiError::Unauthorized { endpoint, trace },
        404 => UnifiError::NotFound {
            endpoint,
            message,
            trace,
        },
        502 if endpoint.ends_with("/query") => UnifiError::NoSiteAccessible { endpoint, trace },
        429 | 500..=599 => UnifiError::Unavailable {
            endpoint,
            status,
            attempts: response.attempts,
            message,
            trace,
        },
        _ => UnifiError::Refused {
            endpoint,
            status,
            code: code.unwrap_or_default(),
            message,
            trace,
        },
    }
}
