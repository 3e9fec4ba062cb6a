//! [`NotionClient`]: authenticated calls with the configured `Notion-Version`, the token read
//! again once after a 401, and Notion's error bodies turned into [`NotionError`].

use reqwest::header::{AUTHORIZATION, HeaderName};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::error::NotionError;
use super::ids::{DataSourceId, DatabaseId, PageId};
use super::objects::{BotUser, DataSource, Database, Page};
use super::values::PropertyValue;
use crate::http::{ApiClient, ClientSettings, Counters, Replay, Request, Response, RetryPolicy};
use crate::secrets::{ExposeSecret, SecretName, Secrets};

/// The API version sent by default (NOTION.md section 1.1).
pub const DEFAULT_VERSION: &str = "2026-03-11";
/// The production base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.notion.com";

const NOTION_VERSION: HeaderName = HeaderName::from_static("notion-version");

/// How the Notion client is set up.
#[derive(Debug, Clone)]
pub struct NotionSettings {
    /// Base URL (the simulator: `http://127.0.0.1:<port>/notion`).
    pub base_url: String,
    /// `Notion-Version` header value.
    pub version: String,
    /// Sustained requests per second (Notion allows about 3).
    pub requests_per_second: Option<f64>,
    /// Requests that may start at once.
    pub burst: u32,
    /// Requests in flight at once.
    pub in_flight: usize,
    /// Retry bounds.
    pub retry: RetryPolicy,
}

impl Default for NotionSettings {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            version: DEFAULT_VERSION.to_owned(),
            requests_per_second: Some(3.0),
            burst: 3,
            in_flight: 4,
            retry: RetryPolicy::default(),
        }
    }
}

/// A Notion API client. Cheap to clone; clones share the pace and counters.
#[derive(Debug, Clone)]
pub struct NotionClient {
    api: ApiClient,
    secrets: Secrets,
    version: String,
}

impl NotionClient {
    /// A client with `settings`, reading its token from `secrets`.
    pub fn new(settings: NotionSettings, secrets: Secrets) -> Result<Self, NotionError> {
        let mut http = ClientSettings::new("notion", settings.base_url);
        http.requests_per_second = settings.requests_per_second;
        http.burst = settings.burst;
        http.in_flight = settings.in_flight;
        http.retry = settings.retry;
        Ok(Self {
            api: ApiClient::new(http)?,
            secrets,
            version: settings.version,
        })
    }

    /// Requests made so far.
    pub fn counters(&self) -> Counters {
        self.api.counters()
    }

    /// The `Notion-Version` this client sends.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// `GET /v1/users/me`: who the token belongs to (the token check).
    pub async fn me(&self) -> Result<BotUser, NotionError> {
        let user = self
            .call(Request::get("/v1/users/me"), Replay::Safe)
            .await?;
        Ok(BotUser::from_json(&user))
    }

    /// `GET /v1/databases/{id}`.
    pub async fn database(&self, id: &DatabaseId) -> Result<Database, NotionError> {
        let path = format!("/v1/databases/{id}");
        Database::from_json(&self.call(Request::get(path), Replay::Safe).await?)
    }

    /// The one data source of a database; an error when it has none or several.
    pub async fn data_source_of(&self, id: &DatabaseId) -> Result<DataSourceId, NotionError> {
        let database = self.database(id).await?;
        match database.data_sources.as_slice() {
            [(source, _)] => Ok(source.clone()),
            sources => Err(NotionError::MultipleDataSources {
                database_id: id.to_string(),
                count: sources.len(),
            }),
        }
    }

    /// `GET /v1/data_sources/{id}`: the schema.
    pub async fn data_source(&self, id: &DataSourceId) -> Result<DataSource, NotionError> {
        let path = format!("/v1/data_sources/{id}");
        DataSource::from_json(&self.call(Request::get(path), Replay::Safe).await?)
    }

    /// `PATCH /v1/data_sources/{id}` with a `properties` object (add, rename, reconfigure).
    pub async fn update_data_source(
        &self,
        id: &DataSourceId,
        properties: Value,
    ) -> Result<DataSource, NotionError> {
        let request = Request::new(Method::PATCH, format!("/v1/data_sources/{id}"))
            .json(json!({ "properties": properties }));
        DataSource::from_json(&self.call(request, Replay::Safe).await?)
    }

    /// `POST /v1/databases`: a database under `parent_page` with one data source whose
    /// schema is `properties`. Not retried after a 5xx or timeout: it may exist already.
    pub async fn create_database(
        &self,
        parent_page: &PageId,
        title: &str,
        properties: Value,
    ) -> Result<Database, NotionError> {
        let body = json!({
            "parent": { "type": "page_id", "page_id": parent_page.as_str() },
            "title": super::values::rich_text(title),
            "initial_data_source": { "properties": properties },
        });
        let request = Request::new(Method::POST, "/v1/databases").json(body);
        Database::from_json(&self.call(request, Replay::IfNotApplied).await?)
    }

    /// `POST /v1/pages` in a data source. Not retried after a 5xx or timeout (the page may
    /// exist); see [`NotionError::maybe_applied`].
    pub async fn create_page<'a>(
        &self,
        data_source: &DataSourceId,
        properties: impl IntoIterator<Item = (&'a str, &'a PropertyValue)>,
    ) -> Result<Page, NotionError> {
        let body = json!({
            "parent": { "type": "data_source_id", "data_source_id": data_source.as_str() },
            "properties": properties_json(properties),
        });
        let request = Request::new(Method::POST, "/v1/pages").json(body);
        Page::from_json(&self.call(request, Replay::IfNotApplied).await?)
    }

    /// `PATCH /v1/pages/{id}`: sets the given properties, leaves the others alone.
    pub async fn update_page<'a>(
        &self,
        page: &PageId,
        properties: impl IntoIterator<Item = (&'a str, &'a PropertyValue)>,
    ) -> Result<Page, NotionError> {
        let body = json!({ "properties": properties_json(properties) });
        let request = Request::new(Method::PATCH, format!("/v1/pages/{page}")).json(body);
        Page::from_json(&self.call(request, Replay::Safe).await?)
    }

    /// Moves a page to the trash (`true`) or restores it (`false`).
    pub async fn set_trashed(&self, page: &PageId, in_trash: bool) -> Result<Page, NotionError> {
        let request = Request::new(Method::PATCH, format!("/v1/pages/{page}"))
            .json(json!({ "in_trash": in_trash }));
        Page::from_json(&self.call(request, Replay::Safe).await?)
    }

    /// `GET /v1/pages/{id}`.
    pub async fn page(&self, page: &PageId) -> Result<Page, NotionError> {
        let path = format!("/v1/pages/{page}");
        Page::from_json(&self.call(Request::get(path), Replay::Safe).await?)
    }

    /// Every page id of a relation property, past the 25 references a page object carries
    /// (`GET /v1/pages/{id}/properties/{property_id}`, followed to the end).
    pub async fn relation(
        &self,
        page: &PageId,
        property_id: &str,
    ) -> Result<Vec<PageId>, NotionError> {
        let path = format!(
            "/v1/pages/{page}/properties/{}",
            encode_segment(property_id)
        );
        let mut ids = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut request = Request::get(path.clone()).query("page_size", "100");
            if let Some(cursor) = &cursor {
                request = request.query("start_cursor", cursor.clone());
            }
            let list = self.call(request, Replay::Safe).await?;
            for item in list["results"].as_array().into_iter().flatten() {
                if let Some(id) = item["relation"]["id"].as_str() {
                    let id = PageId::parse(id)
                        .map_err(|err| NotionError::decode("property item", err.to_string()))?;
                    ids.push(id);
                }
            }
            match next_cursor(&list, "relation property items")? {
                Some(next) => cursor = Some(next),
                None => return Ok(ids),
            }
        }
    }

    /// Sends one request with the token and version headers; after a 401 it reads the token
    /// again (it may have been rotated) and tries once more.
    pub(crate) async fn call(
        &self,
        request: Request,
        replay: Replay,
    ) -> Result<Value, NotionError> {
        let mut response = self.send(&request, replay, false).await?;
        if response.status == StatusCode::UNAUTHORIZED {
            tracing::info!(endpoint = %endpoint(&request), "Notion answered 401; reading the token again");
            response = self.send(&request, replay, true).await?;
            if response.status == StatusCode::UNAUTHORIZED {
                return Err(NotionError::Unauthorized {
                    endpoint: endpoint(&request),
                });
            }
        }
        answer(&request, response)
    }

    async fn send(
        &self,
        request: &Request,
        replay: Replay,
        reread: bool,
    ) -> Result<Response, NotionError> {
        let token = if reread {
            self.secrets.reread(SecretName::NotionToken).await?
        } else {
            self.secrets.get(SecretName::NotionToken).await?
        };
        let request = request
            .clone()
            .header(AUTHORIZATION, format!("Bearer {}", token.expose_secret()))
            .header(NOTION_VERSION, self.version.clone());
        Ok(self.api.send(&request, replay).await?)
    }
}

/// The `next_cursor` of a list, `None` at the end; an error when `has_more` has no cursor.
pub(crate) fn next_cursor(list: &Value, what: &str) -> Result<Option<String>, NotionError> {
    if list["has_more"].as_bool() != Some(true) {
        return Ok(None);
    }
    match list["next_cursor"].as_str() {
        Some(cursor) if !cursor.is_empty() => Ok(Some(cursor.to_owned())),
        _ => Err(NotionError::ShortRead {
            what: what.to_owned(),
            reason: "`has_more` is true but there is no `next_cursor`".to_owned(),
        }),
    }
}

fn properties_json<'a>(
    properties: impl IntoIterator<Item = (&'a str, &'a PropertyValue)>,
) -> Value {
    let map: serde_json::Map<String, Value> = properties
        .into_iter()
        .filter(|(_, value)| !matches!(value, PropertyValue::Other(_)))
        .map(|(name, value)| (name.to_owned(), value.to_json()))
        .collect();
    Value::Object(map)
}

fn endpoint(request: &Request) -> String {
    format!("{} {}", request.method, request.path)
}

/// Percent-encodes a path segment (property ids contain `%` and other reserved characters).
fn encode_segment(segment: &str) -> String {
    let mut out = String::new();
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Turns an answer into its JSON body or the error it stands for.
fn answer(request: &Request, response: Response) -> Result<Value, NotionError> {
    let status = response.status;
    if status.is_success() {
        if response.body.is_empty() {
            return Ok(Value::Null);
        }
        return serde_json::from_slice(&response.body)
            .map_err(|err| NotionError::decode(&endpoint(request), err.to_string()));
    }
    let body: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    let code = body["code"].as_str().map(str::to_owned).unwrap_or_else(|| {
        if response.is_html() {
            "html"
        } else {
            "unknown"
        }
        .to_owned()
    });
    let request_id = body["request_id"].as_str().map(str::to_owned).or_else(|| {
        response
            .headers
            .get("x-notion-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    });
    match status.as_u16() {
        404 => Err(NotionError::NotFound {
            endpoint: endpoint(request),
        }),
        409 | 429 | 500..=599 => Err(NotionError::Unavailable {
            endpoint: endpoint(request),
            status: status.as_u16(),
            code,
            attempts: response.attempts,
            elapsed: response.elapsed,
            request_id,
        }),
        _ => Err(NotionError::Refused {
            endpoint: endpoint(request),
            status: status.as_u16(),
            message: body["message"]
                .as_str()
                .map_or_else(|| response.text_prefix(300), str::to_owned),
            code,
            request_id,
        }),
    }
}
