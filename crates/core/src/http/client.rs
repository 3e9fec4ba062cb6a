//! [`ApiClient`]: one API's connection pool, pace and retry loop.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::error::{HttpError, chain};
use super::limiter::RateLimiter;
use super::retry::{Replay, RetryPolicy, Verdict};
use super::{USER_AGENT, retry_after};

/// How one API's client is set up.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    /// Short name of the API for logs and errors (`notion`, `unifi`, `ninjaone`).
    pub api: &'static str,
    /// Base URL; request paths are appended to it.
    pub base_url: String,
    /// Limit on one attempt, connection and body included.
    pub timeout: Duration,
    /// Limit on opening a connection.
    pub connect_timeout: Duration,
    /// Sustained requests per second (`None`: no pace of our own).
    pub requests_per_second: Option<f64>,
    /// Requests that may start at once before the pace applies.
    pub burst: u32,
    /// Requests in flight at once, so that latency does not waste the budget.
    pub in_flight: usize,
    /// Retry bounds.
    pub retry: RetryPolicy,
    /// Tells a throttling page served with a success status (NinjaOne), treated as a 429.
    pub throttle_page: Option<fn(&Response) -> bool>,
}

impl ClientSettings {
    /// Settings for `api` at `base_url` with the defaults: 60 s per attempt (Notion's own
    /// limit), 10 s to connect, no pace, 4 in flight, [`RetryPolicy::default`].
    pub fn new(api: &'static str, base_url: impl Into<String>) -> Self {
        Self {
            api,
            base_url: base_url.into(),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            requests_per_second: None,
            burst: 1,
            in_flight: 4,
            retry: RetryPolicy::default(),
            throttle_page: None,
        }
    }
}

/// A request body.
#[derive(Debug, Clone)]
pub enum Body {
    /// `application/json`.
    Json(serde_json::Value),
    /// `application/x-www-form-urlencoded`.
    Form(Vec<(String, String)>),
}

/// One request, kept whole so the retry loop can send it again.
#[derive(Debug, Clone)]
pub struct Request {
    /// HTTP method.
    pub method: Method,
    /// Path below the base URL, starting with `/`.
    pub path: String,
    /// Query parameters, in order (repeated keys allowed).
    pub query: Vec<(String, String)>,
    /// Extra headers. Values are marked sensitive so that no debug output shows them.
    pub headers: Vec<(HeaderName, String)>,
    /// Body, if any.
    pub body: Option<Body>,
}

impl Request {
    /// A request with no query, headers or body.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// A `GET`.
    pub fn get(path: impl Into<String>) -> Self {
        Self::new(Method::GET, path)
    }

    /// Adds a query parameter.
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: HeaderName, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Sets a JSON body.
    pub fn json(mut self, body: serde_json::Value) -> Self {
        self.body = Some(Body::Json(body));
        self
    }

    /// Sets a form body.
    pub fn form(mut self, fields: Vec<(String, String)>) -> Self {
        self.body = Some(Body::Form(fields));
        self
    }
}

/// The final answer to a request, after any retries.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status of the last attempt.
    pub status: StatusCode,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its body.
    pub body: bytes::Bytes,
    /// Attempts made, the last included.
    pub attempts: u32,
    /// Time from the first attempt to this answer.
    pub elapsed: Duration,
}

impl Response {
    /// The body as text (lossy), cut to `max` bytes on a character boundary for messages.
    pub fn text_prefix(&self, max: usize) -> String {
        let text = String::from_utf8_lossy(&self.body);
        match text
            .char_indices()
            .map(|(i, _)| i)
            .take_while(|i| *i <= max)
            .last()
        {
            Some(end) if text.len() > max => format!("{}…", &text[..end]),
            _ => text.into_owned(),
        }
    }

    /// Whether the body looks like an HTML page rather than JSON.
    pub fn is_html(&self) -> bool {
        let is_html_type = self
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().contains("text/html"));
        let start = self.body.iter().position(|b| !b.is_ascii_whitespace());
        let starts_like_html = start.is_some_and(|i| self.body[i] == b'<');
        is_html_type || starts_like_html
    }

    /// The wait the server asked for, from `Retry-After` or, failing that, the body text.
    pub fn retry_after(&self) -> Option<Duration> {
        self.headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry_after::parse_header(v, SystemTime::now()))
            .or_else(|| retry_after::parse_body(&self.text_prefix(4096)))
    }
}

/// Requests counted by one client, for run reports and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// Attempts sent, retries included.
    pub calls: u64,
    /// Attempts that were retries.
    pub retries: u64,
    /// Answers that were 429/529 or a throttling page.
    pub throttled: u64,
}

/// One API's client: cheap to clone, shared by every task of the process.
#[derive(Debug, Clone)]
pub struct ApiClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    settings: ClientSettings,
    base: Url,
    http: reqwest::Client,
    limiter: RateLimiter,
    in_flight: Semaphore,
    calls: AtomicU64,
    retries: AtomicU64,
    throttled: AtomicU64,
}

/// What one attempt produced.
enum Attempt {
    Answer(Response),
    Failed { cause: String, maybe_applied: bool },
}

impl ApiClient {
    /// Builds the client; refuses a base URL that is not https or loopback http.
    pub fn new(settings: ClientSettings) -> Result<Self, HttpError> {
        let base = check_base_url(settings.api, &settings.base_url)?;
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(settings.timeout)
            .connect_timeout(settings.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|source| HttpError::Build {
                api: settings.api,
                source,
            })?;
        Ok(Self {
            inner: Arc::new(Inner {
                limiter: RateLimiter::new(settings.requests_per_second, settings.burst),
                in_flight: Semaphore::new(settings.in_flight.max(1)),
                base,
                http,
                settings,
                calls: AtomicU64::new(0),
                retries: AtomicU64::new(0),
                throttled: AtomicU64::new(0),
            }),
        })
    }

    /// The API's short name.
    pub fn api(&self) -> &'static str {
        self.inner.settings.api
    }

    /// The base URL, as given.
    pub fn base_url(&self) -> &str {
        &self.inner.settings.base_url
    }

    /// Requests made so far.
    pub fn counters(&self) -> Counters {
        Counters {
            calls: self.inner.calls.load(Ordering::Relaxed),
            retries: self.inner.retries.load(Ordering::Relaxed),
            throttled: self.inner.throttled.load(Ordering::Relaxed),
        }
    }

    /// The pace now, in requests per second (lower than configured after 429s).
    pub fn current_rate(&self) -> Option<f64> {
        self.inner.limiter.current_rate()
    }

    /// Sends `request`, retrying as [`RetryPolicy`] and `replay` allow, and returns the last
    /// answer whatever its status; only a request that never got an answer is an error.
    pub async fn send(&self, request: &Request, replay: Replay) -> Result<Response, HttpError> {
        let policy = self.inner.settings.retry;
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            if attempt > 1 {
                self.inner.retries.fetch_add(1, Ordering::Relaxed);
            }
            let outcome = self.attempt(request, attempt, started).await;
            let (verdict, wait) = match &outcome {
                Attempt::Answer(response) => {
                    let verdict = self.verdict(response);
                    (verdict, response.retry_after())
                }
                Attempt::Failed { maybe_applied, .. } => {
                    let verdict = if *maybe_applied {
                        Verdict::ServerError
                    } else {
                        Verdict::Conflict
                    };
                    (verdict, None)
                }
            };
            if verdict == Verdict::Throttled {
                self.inner.throttled.fetch_add(1, Ordering::Relaxed);
                let pause = wait.unwrap_or_else(|| policy.delay(attempt, None));
                self.inner.limiter.throttled(pause);
            } else if matches!(outcome, Attempt::Answer(_)) {
                self.inner.limiter.answered();
            }
            let delay = policy.delay(attempt, wait);
            let out_of_budget =
                attempt >= policy.max_attempts || started.elapsed() + delay > policy.max_elapsed;
            if !verdict.retryable(replay) || out_of_budget {
                return self.finish(request, outcome, attempt, started);
            }
            tracing::debug!(
                api = self.api(),
                method = %request.method,
                path = %request.path,
                attempt,
                wait_ms = delay.as_millis() as u64,
                cause = %describe(&outcome),
                "retrying"
            );
            // A throttled request waits in the limiter, with everyone else; others sleep here.
            if verdict != Verdict::Throttled {
                tokio::time::sleep(delay).await;
            }
        }
    }

    fn verdict(&self, response: &Response) -> Verdict {
        let page = self.inner.settings.throttle_page;
        if response.status.is_success() && page.is_some_and(|is_throttle| is_throttle(response)) {
            return Verdict::Throttled;
        }
        Verdict::of_status(response.status)
    }

    fn finish(
        &self,
        request: &Request,
        outcome: Attempt,
        attempts: u32,
        started: Instant,
    ) -> Result<Response, HttpError> {
        match outcome {
            Attempt::Answer(mut response) => {
                response.attempts = attempts;
                response.elapsed = started.elapsed();
                Ok(response)
            }
            Attempt::Failed {
                cause,
                maybe_applied,
            } => Err(HttpError::Transport {
                api: self.api(),
                method: request.method.to_string(),
                path: request.path.clone(),
                attempts,
                elapsed: started.elapsed(),
                cause,
                maybe_applied,
            }),
        }
    }

    async fn attempt(&self, request: &Request, attempt: u32, started: Instant) -> Attempt {
        self.inner.limiter.acquire().await;
        // The semaphore is never closed, so acquiring can only wait, not fail.
        let _permit = self.inner.in_flight.acquire().await;
        self.inner.calls.fetch_add(1, Ordering::Relaxed);
        let sent = Instant::now();
        let result = self.build(request).send().await;
        let result = match result {
            Ok(answer) => {
                let status = answer.status();
                let headers = answer.headers().clone();
                answer.bytes().await.map(|body| (status, headers, body))
            }
            Err(err) => Err(err),
        };
        let duration_ms = sent.elapsed().as_millis() as u64;
        match result {
            Ok((status, headers, body)) => {
                tracing::debug!(
                    api = self.api(),
                    method = %request.method,
                    path = %request.path,
                    status = status.as_u16(),
                    duration_ms,
                    attempt,
                    "request"
                );
                Attempt::Answer(Response {
                    status,
                    headers,
                    body,
                    attempts: attempt,
                    elapsed: started.elapsed(),
                })
            }
            Err(err) => {
                tracing::debug!(
                    api = self.api(),
                    method = %request.method,
                    path = %request.path,
                    duration_ms,
                    attempt,
                    cause = %chain(&err),
                    "request failed"
                );
                Attempt::Failed {
                    maybe_applied: !err.is_connect(),
                    cause: describe_transport(&err),
                }
            }
        }
    }

    fn build(&self, request: &Request) -> reqwest::RequestBuilder {
        let url = format!(
            "{}{}",
            self.inner.base.as_str().trim_end_matches('/'),
            request.path
        );
        let mut builder = self
            .inner
            .http
            .request(request.method.clone(), url)
            .query(&request.query);
        for (name, value) in &request.headers {
            if let Ok(mut value) = HeaderValue::from_str(value) {
                value.set_sensitive(true);
                builder = builder.header(name.clone(), value);
            }
        }
        match &request.body {
            Some(Body::Json(body)) => builder.json(body),
            Some(Body::Form(fields)) => builder.form(fields),
            None => builder,
        }
    }
}

fn describe(outcome: &Attempt) -> String {
    match outcome {
        Attempt::Answer(response) => format!("status {}", response.status.as_u16()),
        Attempt::Failed { cause, .. } => cause.clone(),
    }
}

/// A transport failure in words, without the URL (it may carry query ids) and with the cause.
fn describe_transport(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "connection failed"
    } else {
        "connection broken"
    };
    let mut cause = None;
    let mut source = std::error::Error::source(err);
    while let Some(next) = source {
        cause = Some(next.to_string());
        source = next.source();
    }
    match cause {
        Some(cause) => format!("{kind} ({cause})"),
        None => kind.to_owned(),
    }
}

/// Parses `url` and refuses anything but https, or plain http to a loopback host.
pub fn check_base_url(api: &'static str, url: &str) -> Result<Url, HttpError> {
    let refuse = |reason: &str| HttpError::BaseUrl {
        api,
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let parsed = Url::parse(url).map_err(|err| refuse(&err.to_string()))?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if is_loopback(&parsed) => Ok(parsed),
        "http" => Err(refuse("plain http is accepted only for loopback addresses")),
        other => Err(refuse(&format!("unsupported scheme `{other}`"))),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert!(check_base_url("notion", "https://api.notion.com").is_ok());
        assert!(check_base_url("notion", "http://127.0.0.1:8089/notion").is_ok());
        assert!(check_base_url("notion", "http://localhost:1").is_ok());
        assert!(check_base_url("notion", "http://[::1]:1").is_ok());
        let err = check_base_url("notion", "http://api.notion.com").unwrap_err();
        assert!(err.to_string().contains("only for loopback"), "{err}");
        assert!(check_base_url("notion", "ftp://127.0.0.1").is_err());
        assert!(check_base_url("notion", "not a url").is_err());
    }
}
