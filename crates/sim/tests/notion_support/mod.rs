//! A small Notion client for the simulator's Notion tests: sends real HTTP with the token and
//! a chosen `Notion-Version`, and returns status, headers and JSON.
#![allow(
    dead_code,
    reason = "each Notion test binary uses a different part of the client"
)]

use mock_apis::RunningSim;
use mock_apis::notion::{DATABASES, SeedDatabase};
use reqwest::Method;
use serde_json::{Value, json};

/// The version the project targets.
pub const V2026: &str = "2026-03-11";
/// The version the SDKs default to.
pub const V2025: &str = "2025-09-03";
/// The version of the earlier scripts.
pub const V2022: &str = "2022-06-28";

/// The seeded databases.
pub fn customers() -> SeedDatabase {
    DATABASES[0]
}

/// Daily Health Summaries.
pub fn daily_health() -> SeedDatabase {
    DATABASES[1]
}

/// Device Issues.
pub fn alerts() -> SeedDatabase {
    DATABASES[3]
}

/// One answer.
#[derive(Debug)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// `x-notion-request-id`, if present.
    pub request_id: Option<String>,
    /// The JSON body (`Value::Null` when it is not JSON).
    pub body: Value,
}

impl Answer {
    /// Asserts a Notion error and returns its message.
    #[track_caller]
    pub fn error(&self, status: u16, code: &str) -> &str {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert_eq!(self.body["object"], "error", "body: {}", self.body);
        assert_eq!(self.body["status"], status);
        assert_eq!(self.body["code"], code, "body: {}", self.body);
        assert_eq!(
            self.body["request_id"].as_str(),
            self.request_id.as_deref(),
            "the header and the body carry the same request id"
        );
        self.body["message"].as_str().expect("message")
    }

    /// Asserts a 200 and returns the body.
    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert_eq!(self.status, 200, "body: {}", self.body);
        assert!(
            self.request_id.is_some(),
            "x-notion-request-id on every answer"
        );
        &self.body
    }
}

/// A client of the simulated Notion API.
#[derive(Clone)]
pub struct Notion {
    base: String,
    token: Option<String>,
    version: Option<String>,
    http: reqwest::Client,
}

impl Notion {
    /// A client with the simulator's token and `version`.
    pub fn new(sim: &RunningSim, version: &str) -> Self {
        let token = sim.sim.credentials().expect("credentials").notion_token;
        Self {
            base: sim.urls().notion,
            token: Some(token),
            version: Some(version.to_owned()),
            http: reqwest::Client::new(),
        }
    }

    /// The same client with another version header (`None`: no header).
    pub fn with_version(&self, version: Option<&str>) -> Self {
        Self {
            version: version.map(str::to_owned),
            ..self.clone()
        }
    }

    /// The same client with another token (`None`: no `Authorization` header).
    pub fn with_token(&self, token: Option<&str>) -> Self {
        Self {
            token: token.map(str::to_owned),
            ..self.clone()
        }
    }

    /// Sends a request with an optional JSON body.
    pub async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Answer {
        let raw = body.map(Value::to_string);
        self.send_raw(method, path, raw.as_deref()).await
    }

    /// Sends a request with a raw body.
    pub async fn send_raw(&self, method: Method, path: &str, body: Option<&str>) -> Answer {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(version) = &self.version {
            request = request.header("Notion-Version", version);
        }
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(body.to_owned());
        }
        let response = request.send().await.expect("simulator answers");
        let status = response.status().as_u16();
        let request_id = response
            .headers()
            .get("x-notion-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            request_id,
            body,
        }
    }

    /// GET.
    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }

    /// POST with a JSON body.
    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(&body)).await
    }

    /// PATCH with a JSON body.
    pub async fn patch(&self, path: &str, body: Value) -> Answer {
        self.send(Method::PATCH, path, Some(&body)).await
    }

    /// Queries a data source.
    pub async fn query(&self, data_source_id: &str, body: Value) -> Answer {
        self.post(&format!("/v1/data_sources/{data_source_id}/query"), body)
            .await
    }

    /// Creates a row in a data source and returns the page.
    pub async fn create_row(&self, data_source_id: &str, properties: Value) -> Value {
        let answer = self
            .post(
                "/v1/pages",
                json!({
                    "parent": { "type": "data_source_id", "data_source_id": data_source_id },
                    "properties": properties,
                }),
            )
            .await;
        answer.ok().clone()
    }

    /// Every row of a query, following cursors; also returns the number of pages read.
    pub async fn query_all(&self, data_source_id: &str, mut body: Value) -> (Vec<Value>, usize) {
        let mut rows = Vec::new();
        let mut pages = 0;
        loop {
            let answer = self.query(data_source_id, body.clone()).await;
            let list = answer.ok();
            pages += 1;
            rows.extend(list["results"].as_array().expect("results").iter().cloned());
            if list["has_more"] == json!(false) {
                assert!(
                    list["next_cursor"].is_null(),
                    "next_cursor is null when has_more is false"
                );
                return (rows, pages);
            }
            body["start_cursor"] = list["next_cursor"].clone();
        }
    }
}

/// A title or rich text value.
pub fn text(content: &str) -> Value {
    json!([{ "type": "text", "text": { "content": content } }])
}

/// The plain text of a title or rich text property value in a page.
pub fn plain(page: &Value, property: &str) -> String {
    let value = &page["properties"][property];
    let kind = value["type"].as_str().expect("type");
    value[kind]
        .as_array()
        .expect("text array")
        .iter()
        .map(|item| item["plain_text"].as_str().unwrap_or(""))
        .collect()
}

/// A customer row's properties: name, sync key and device count.
pub fn customer(name: &str, key: &str, devices: i64) -> Value {
    json!({
        "Site Name": { "title": text(name) },
        "Sync Key": { "rich_text": text(key) },
        "Device Count": { "number": devices },
    })
}
