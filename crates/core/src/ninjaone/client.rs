//! [`NinjaoneClient`]: the bearer token on every call, one new token after a 401, the
//! throttling page, error bodies and entity paging.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, AUTHORIZATION};
use serde_json::Value;
use tokio::time::Instant;

use super::error::NinjaoneError;
use super::token::TokenCache;
use super::wire::ErrorBody;
use crate::http::{ApiClient, ClientSettings, Counters, Replay, Request, Response, RetryPolicy};
use crate::secrets::{ExposeSecret, Secrets};

/// Items per page of the entity lists (1000 is widely used and works).
pub const DEFAULT_PAGE_SIZE: u32 = 1000;

/// Activities per page (the most the service gives; its default is 200).
pub const DEFAULT_ACTIVITY_PAGE_SIZE: u32 = 1000;

/// Bytes of an error body that are read.
const ERROR_BODY_CAP: usize = 64 * 1024;

/// The base URL of a region key (`app`/`us`, `us2`, `eu`, `ca`, `oc`, `fed`).
pub fn region_base_url(region: &str) -> Option<&'static str> {
    Some(match region.trim().to_ascii_lowercase().as_str() {
        "app" | "us" => "https://app.ninjarmm.com",
        "us2" => "https://us2.ninjarmm.com",
        "eu" => "https://eu.ninjarmm.com",
        "ca" => "https://ca.ninjarmm.com",
        "oc" => "https://oc.ninjarmm.com",
        "fed" => "https://fed.ninjarmm.com",
        _ => return None,
    })
}

/// Whether `response` is NinjaOne's throttling page: HTML (by type or by its first byte)
/// that mentions a rate limit, served with a success status instead of a 429.
pub fn is_throttle_page(response: &Response) -> bool {
    if !response.is_html() {
        return false;
    }
    let text = response.text_prefix(16 * 1024).to_ascii_lowercase();
    ["rate limit", "too many requests", "request limit exceeded"]
        .iter()
        .any(|marker| text.contains(marker))
}

/// A NinjaOne client: cheap to clone, shared by every task.
#[derive(Debug, Clone)]
pub struct NinjaoneClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: ApiClient,
    secrets: Secrets,
    tokens: TokenCache,
    page_size: u32,
    activity_page_size: u32,
}

/// The result of [`NinjaoneClient::probe`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// Time of the token request (when one was needed) and the read.
    pub latency: Duration,
    /// What the probe saw, for the health table.
    pub detail: String,
}

impl NinjaoneClient {
    /// HTTP settings for the instance at `base_url` (see [`region_base_url`]): 30 s per
    /// attempt, 2 requests in flight, 5 attempts within 90 s, and the throttling-page hook.
    pub fn settings(base_url: impl Into<String>) -> ClientSettings {
        let mut settings = ClientSettings::new("ninjaone", base_url);
        settings.timeout = Duration::from_secs(30);
        settings.in_flight = 2;
        settings.retry = RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(90),
        };
        settings.throttle_page = Some(is_throttle_page);
        settings
    }

    /// A client with `settings` (the throttling-page hook is set whatever they say), reading
    /// `NINJAONE_CLIENT_ID` and `NINJAONE_CLIENT_SECRET` from `secrets`.
    pub fn new(mut settings: ClientSettings, secrets: Secrets) -> Result<Self, NinjaoneError> {
        settings.throttle_page = Some(is_throttle_page);
        let http = ApiClient::new(settings).map_err(NinjaoneError::Setup)?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                secrets,
                tokens: TokenCache::new(),
                page_size: DEFAULT_PAGE_SIZE,
                activity_page_size: DEFAULT_ACTIVITY_PAGE_SIZE,
            }),
        })
    }

    /// The same client with other page sizes: entity lists (at least 1) and activities (the
    /// service clamps to 10–1000). Call before first use: the token cache starts empty.
    pub fn with_page_sizes(self, entities: u32, activities: u32) -> Self {
        Self {
            inner: Arc::new(Inner {
                http: self.inner.http.clone(),
                secrets: self.inner.secrets.clone(),
                tokens: TokenCache::new(),
                page_size: entities.max(1),
                activity_page_size: activities.clamp(10, 1000),
            }),
        }
    }

    /// Requests made so far (token requests included), retries included.
    pub fn counters(&self) -> Counters {
        self.inner.http.counters()
    }

    pub(super) fn activity_page_size(&self) -> u32 {
        self.inner.activity_page_size
    }

    /// A token and one cheap read (`GET /v2/organizations?pageSize=1`).
    pub async fn probe(&self) -> Result<Probe, NinjaoneError> {
        let started = Instant::now();
        let body = self
            .get(Request::get("/v2/organizations").query("pageSize", "1"))
            .await?;
        let seen = body.as_array().map_or(0, Vec::len);
        let detail = if seen == 0 {
            "token accepted; no organization visible".to_owned()
        } else {
            "token accepted; organizations listed".to_owned()
        };
        Ok(Probe {
            latency: started.elapsed(),
            detail,
        })
    }

    /// Sends a GET with the bearer token and returns its JSON. A 401 drops the token, fetches
    /// a new one and tries once more.
    pub(super) async fn get(&self, request: Request) -> Result<Value, NinjaoneError> {
        let inner = &self.inner;
        let endpoint = format!("{} {}", request.method, request.path);
        let bearer = inner.tokens.bearer(&inner.http, &inner.secrets).await?;
        let mut response = self.send(&request, bearer.header.expose_secret()).await?;
        if response.status == StatusCode::UNAUTHORIZED {
            tracing::debug!(api = "ninjaone", endpoint, "401; fetching a new token");
            inner.tokens.invalidate(bearer.generation).await;
            let bearer = inner.tokens.bearer(&inner.http, &inner.secrets).await?;
            response = self.send(&request, bearer.header.expose_secret()).await?;
        }
        if !response.status.is_success() {
            return Err(failure(endpoint, &response));
        }
        if is_throttle_page(&response) {
            return Err(NinjaoneError::Unavailable {
                endpoint,
                status: response.status.as_u16(),
                attempts: response.attempts,
                detail: "throttling page (too many requests) on every attempt".to_owned(),
            });
        }
        serde_json::from_slice(&response.body).map_err(|err| {
            let reason = if response.is_html() {
                "an HTML page, not JSON".to_owned()
            } else {
                format!("not JSON ({err})")
            };
            NinjaoneError::Decode { endpoint, reason }
        })
    }

    async fn send(
        &self,
        request: &Request,
        authorization: &str,
    ) -> Result<Response, NinjaoneError> {
        let request = request
            .clone()
            .header(AUTHORIZATION, authorization)
            .header(ACCEPT, "application/json");
        self.inner
            .http
            .send(&request, Replay::Safe)
            .await
            .map_err(NinjaoneError::Transport)
    }

    /// Every item of an entity list: `pageSize` and `after=<last id>`, ascending ids, until
    /// a page is shorter than `pageSize`. Items without an id end nothing and are kept out.
    pub(super) async fn entity_pages<T>(
        &self,
        path: &str,
        query: &[(&str, String)],
        read: impl Fn(Value) -> Option<T>,
    ) -> Result<Vec<T>, NinjaoneError> {
        // Each page is decoded as it arrives, so at most one page is held as untyped JSON
        // (a 33,000-device account would otherwise hold every device twice).
        let page_size = self.inner.page_size;
        let mut after: Option<i64> = None;
        let mut items = Vec::new();
        loop {
            let mut request = Request::get(path).query("pageSize", page_size.to_string());
            for (key, value) in query {
                request = request.query(*key, value.clone());
            }
            if let Some(after) = after {
                request = request.query("after", after.to_string());
            }
            let Value::Array(page) = self.get(request).await? else {
                return Err(NinjaoneError::Decode {
                    endpoint: format!("GET {path}"),
                    reason: "not a list".to_owned(),
                });
            };
            let full = page.len() >= page_size as usize;
            let last = page
                .iter()
                .filter_map(|item| super::de::value_id(&item["id"]))
                .max();
            items.extend(page.into_iter().filter_map(&read));
            if !full {
                return Ok(items);
            }
            match (last, after) {
                (Some(last), Some(previous)) if last <= previous => {
                    return Err(NinjaoneError::PagingStalled {
                        endpoint: format!("GET {path}"),
                        after: previous,
                    });
                }
                (Some(last), _) => after = Some(last),
                (None, _) => {
                    return Err(NinjaoneError::Decode {
                        endpoint: format!("GET {path}"),
                        reason: "a full page without ids to continue from".to_owned(),
                    });
                }
            }
        }
    }
}

/// One line about an error body: the fields of whichever family it is, the incident id, or
/// the start of the text (HTML pages by name only), from its first 64 KiB.
pub(super) fn summarize(response: &Response) -> String {
    let cap = response.body.len().min(ERROR_BODY_CAP);
    let body = &response.body[..cap];
    if response.is_html() {
        return "an HTML page".to_owned();
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return "an empty body".to_owned();
    }
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let Some(value) = parsed else {
        return response.text_prefix(200);
    };
    if let Value::String(text) = &value {
        return text.clone();
    }
    let fields: ErrorBody = serde_json::from_value(value).unwrap_or_default();
    let mut parts: Vec<String> = Vec::new();
    parts.extend(fields.error);
    parts.extend(fields.error_description);
    parts.extend(text_or_code(&fields.result_code));
    parts.extend(text_or_code(&fields.error_message));
    parts.extend(fields.error_code.map(|c| format!("error code {c}")));
    parts.extend(fields.message);
    parts.extend(fields.incident_id.map(|id| format!("incident {id}")));
    if parts.is_empty() {
        response.text_prefix(200)
    } else {
        parts.join(", ")
    }
}

/// `errorMessage` is a string or `{code, params}`.
fn text_or_code(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Object(map) => map.get("code").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

fn failure(endpoint: String, response: &Response) -> NinjaoneError {
    let detail = summarize(response);
    let status = response.status.as_u16();
    match status {
        401 => NinjaoneError::Unauthorized { endpoint, detail },
        404 => NinjaoneError::NotFound { endpoint, detail },
        429 | 500..=599 => NinjaoneError::Unavailable {
            endpoint,
            status,
            attempts: response.attempts,
            detail,
        },
        _ => NinjaoneError::Refused {
            endpoint,
            status,
            detail,
        },
    }
}
