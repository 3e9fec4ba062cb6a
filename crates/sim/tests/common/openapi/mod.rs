//! Validation of simulator responses against the vendors' OpenAPI documents in
//! `shared/specs/` (see `shared/specs/README.md` for each document's caveats).
//!
//! ```ignore
//! openapi::notion().assert_response("POST", "/v1/data_sources/{data_source_id}/query", 200, &body);
//! openapi::unifi().assert_response("GET", "/v1/hosts/abc", 200, &body); // concrete paths work too
//! openapi::notion().assert_schema("pageObjectResponse", &page);
//! ```
//!
//! Each document is read once per test binary, adjusted where its README lists a caveat (see
//! `relax.rs`), and put in a `jsonschema` registry as one resource. A response is validated by a
//! small schema, `{"$ref": "<document>#/paths/.../schema"}`, compiled against that registry, so
//! a 1.5 MB document is never copied per call; each compiled validator is cached by the JSON
//! pointer of its schema.
//!
//! It does not own the requests: tests send them and hand the bodies in.

mod relax;
mod report;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::{Draft, Registry, Validator};
use serde_json::{Value, json};

/// Where the specs live: `shared/` beside the repository (a symlink in a worktree, a copy in CI).
const SPECS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/specs/");

/// The Notion document (OpenAPI 3.1, JSON Schema 2020-12), Notion-Version 2026-03-11.
pub fn notion() -> &'static OpenApi {
    static SPEC: OnceLock<OpenApi> = OnceLock::new();
    SPEC.get_or_init(|| OpenApi::load("notion", "notion-openapi.json"))
}

/// The UniFi Site Manager document (OpenAPI 3.0.3).
pub fn unifi() -> &'static OpenApi {
    static SPEC: OnceLock<OpenApi> = OnceLock::new();
    SPEC.get_or_init(|| OpenApi::load("unifi", "unifi-site-manager-openapi.json"))
}

/// The NinjaOne document (OpenAPI 3.0.1).
pub fn ninjaone() -> &'static OpenApi {
    static SPEC: OnceLock<OpenApi> = OnceLock::new();
    SPEC.get_or_init(|| OpenApi::load("ninjaone", "ninjaone-openapi.json"))
}

/// The path of a file in `shared/specs/` (fixtures included).
pub fn spec_file(relative: &str) -> String {
    format!("{SPECS_DIR}{relative}")
}

/// Reads and parses a JSON file below `shared/specs/`.
pub fn read_spec_json(relative: &str) -> Value {
    let path = spec_file(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("read {path}: {err}"));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("parse {path}: {err}"))
}

/// One vendor document, prepared for validation.
pub struct OpenApi {
    /// Short name used in failure messages (`notion`, `unifi`, `ninjaone`).
    name: &'static str,
    /// URI the document is registered under; never fetched.
    uri: String,
    /// The document after [`relax`].
    document: Arc<Value>,
    /// JSON Schema draft of its schemas: 4 for OpenAPI 3.0, 2020-12 for 3.1.
    draft: Draft,
    /// The document as the one resource `$ref`s resolve in.
    registry: Registry<'static>,
    /// Compiled validators by JSON pointer of their schema in the document.
    validators: Mutex<HashMap<String, Arc<Validator>>>,
}

impl OpenApi {
    fn load(name: &'static str, file: &str) -> Self {
        let mut document = read_spec_json(file);
        let version = document["openapi"].as_str().unwrap_or_default().to_owned();
        // OpenAPI 3.0 schemas are "an extended subset" of draft 4 (boolean exclusiveMinimum,
        // `nullable` instead of a null type); 3.1 schemas are JSON Schema 2020-12.
        let draft = if version.starts_with("3.0") {
            Draft::Draft4
        } else {
            Draft::Draft202012
        };
        relax::document(&mut document, draft);

        let uri = format!("https://openapi.invalid/{file}");
        let document = Arc::new(document);
        let registry = Registry::new()
            .draft(draft)
            .add(&uri, Arc::clone(&document))
            .and_then(|builder| builder.prepare())
            .unwrap_or_else(|err| panic!("{name} OpenAPI document does not load: {err}"));
        Self {
            name,
            uri,
            document,
            draft,
            registry,
            validators: Mutex::default(),
        }
    }

    /// Panics with a readable list of violations unless `body` is a valid answer of the
    /// operation `method path` with `status`. `path` is either the document's template
    /// (`/v1/hosts/{id}`) or a concrete path (`/v1/hosts/abc?x=1`).
    #[track_caller]
    pub fn assert_response(&self, method: &str, path: &str, status: u16, body: &Value) {
        let pointer = self
            .response_schema(method, path, status)
            .unwrap_or_else(|err| panic!("{err}"));
        let what = format!("{} {method} {path} -> {status}", self.name);
        self.assert_at(&pointer, &what, body);
    }

    /// Panics unless `body` is valid against the component schema `name`
    /// (`#/components/schemas/<name>`).
    #[track_caller]
    pub fn assert_schema(&self, name: &str, body: &Value) {
        let pointer = format!("/components/schemas/{}", escape(name));
        if self.document.pointer(&pointer).is_none() {
            panic!("{}: no component schema `{name}`", self.name);
        }
        self.assert_at(&pointer, &format!("{} schema {name}", self.name), body);
    }

    /// The violations of `body` against the operation's response schema: empty when valid.
    /// Errs when the document has no such operation or response.
    pub fn response_violations(
        &self,
        method: &str,
        path: &str,
        status: u16,
        body: &Value,
    ) -> Result<Vec<String>, String> {
        let pointer = self.response_schema(method, path, status)?;
        Ok(self.violations_at(&pointer, body))
    }

    #[track_caller]
    fn assert_at(&self, pointer: &str, what: &str, body: &Value) {
        let violations = self.violations_at(pointer, body);
        if !violations.is_empty() {
            panic!(
                "{}",
                report::failure_report(what, pointer, &violations, body)
            );
        }
    }

    fn violations_at(&self, pointer: &str, body: &Value) -> Vec<String> {
        let validator = self.validator(pointer);
        let mut lines = Vec::new();
        for error in validator.iter_errors(body) {
            report::describe(&error, 0, &mut lines);
        }
        lines
    }

    /// The compiled validator of the schema at `pointer`, compiled on first use.
    fn validator(&self, pointer: &str) -> Arc<Validator> {
        let mut validators = self.validators.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(validator) = validators.get(pointer) {
            return Arc::clone(validator);
        }
        let schema = json!({ "$ref": format!("{}#{}", self.uri, fragment(pointer)) });
        let validator = jsonschema::options()
            .with_draft(self.draft)
            .with_registry(&self.registry)
            .should_validate_formats(true)
            .offline()
            .build(&schema)
            .unwrap_or_else(|err| {
                panic!("{} schema at #{pointer} does not compile: {err}", self.name)
            });
        let validator = Arc::new(validator);
        validators.insert(pointer.to_owned(), Arc::clone(&validator));
        validator
    }

    /// The JSON pointer of the `application/json` schema of an operation's response: the
    /// status's own entry, else `NXX`, else `default`.
    fn response_schema(&self, method: &str, path: &str, status: u16) -> Result<String, String> {
        let template = self.path_template(path)?;
        let operation = format!(
            "/paths/{}/{}",
            escape(template),
            method.to_ascii_lowercase()
        );
        let responses = self
            .document
            .pointer(&format!("{operation}/responses"))
            .and_then(Value::as_object)
            .ok_or_else(|| format!("{}: no operation {method} {template}", self.name))?;

        let range = format!("{}XX", status / 100);
        let key = [status.to_string(), range, "default".to_owned()]
            .into_iter()
            .find(|key| responses.contains_key(key))
            .ok_or_else(|| {
                let declared: Vec<&String> = responses.keys().collect();
                format!(
                    "{}: {method} {template} declares no response {status} (only {declared:?})",
                    self.name
                )
            })?;
        let mut response = format!("{operation}/responses/{key}");
        if let Some(target) = self.document.pointer(&format!("{response}/$ref")) {
            response = local_pointer(target)?;
        }

        ["application/json", "*/*"]
            .into_iter()
            .map(|media| format!("{response}/content/{}/schema", escape(media)))
            .find(|schema| self.document.pointer(schema).is_some())
            .ok_or_else(|| {
                format!(
                    "{}: {method} {template} {key} has no JSON schema",
                    self.name
                )
            })
    }

    /// The document's path template for `path`: itself if listed, else the listed template
    /// that matches segment by segment with the most literal segments (`/v1/users/me` wins
    /// over `/v1/users/{user_id}`).
    fn path_template<'a>(&'a self, path: &'a str) -> Result<&'a str, String> {
        let path = path.split('?').next().unwrap_or(path);
        let paths = self.document["paths"]
            .as_object()
            .map(|p| p.keys())
            .into_iter()
            .flatten();
        let wanted: Vec<&str> = path.split('/').collect();
        let mut best: Option<(&str, usize)> = None;
        for template in paths {
            if template == path {
                return Ok(template);
            }
            let segments: Vec<&str> = template.split('/').collect();
            if segments.len() != wanted.len() {
                continue;
            }
            let literal = segments.iter().filter(|s| !s.starts_with('{')).count();
            let fits = segments
                .iter()
                .zip(&wanted)
                .all(|(s, w)| s.starts_with('{') || s == w);
            if fits && best.is_none_or(|(_, most)| literal > most) {
                best = Some((template, literal));
            }
        }
        best.map(|(template, _)| template)
            .ok_or_else(|| format!("{}: no path matches {path}", self.name))
    }
}

/// Escapes one JSON-pointer token (`/` and `~`).
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A JSON pointer as a URI fragment: characters a fragment may not hold (`{`, `}`, spaces,
/// `%`, ...) are percent-encoded; the registry decodes them again.
fn fragment(pointer: &str) -> String {
    let mut encoded = String::with_capacity(pointer.len());
    for byte in pointer.bytes() {
        let allowed = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte);
        if allowed {
            encoded.push(char::from(byte));
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

/// The pointer of a same-document reference (`#/components/...`).
fn local_pointer(reference: &Value) -> Result<String, String> {
    reference
        .as_str()
        .and_then(|r| r.strip_prefix('#'))
        .map(str::to_owned)
        .ok_or_else(|| format!("unsupported response reference {reference}"))
}
