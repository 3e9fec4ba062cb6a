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
//! [`relax`]), and put in a `jsonschema` registry as one resource. A response is validated by a
//! small schema, `{"$ref": "<document>#/paths/.../schema"}`, compiled against that registry, so
//! a 1.5 MB document is never copied per call; each compiled validator is cached by the JSON
//! pointer of its schema.
//!
//! It does not own the requests: tests send them and hand the bodies in.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::{Draft, Registry, ValidationError, Validator, error::ValidationErrorKind};
use serde_json::{Value, json};

/// Where the specs live: `shared/` beside the repository (a symlink in a worktree, a copy in CI).
const SPECS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/specs/");

/// How many violations a failure lists before it summarises the rest.
const MAX_LISTED: usize = 25;

/// How much of the offending JSON a failure prints.
const MAX_BODY_CHARS: usize = 6_000;

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
            panic!("{}", failure_report(what, pointer, &violations, body));
        }
    }

    fn violations_at(&self, pointer: &str, body: &Value) -> Vec<String> {
        let validator = self.validator(pointer);
        let mut lines = Vec::new();
        for error in validator.iter_errors(body) {
            describe(&error, 0, &mut lines);
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

/// Appends one line per violation: the instance path and a short message. For a failed
/// `anyOf`/`oneOf`, also the violations of the branches that could have been meant, closest
/// first, indented below it (see [`ranked_branches`]).
fn describe(error: &ValidationError<'_>, depth: usize, lines: &mut Vec<String>) {
    let indent = "    ".repeat(depth);
    let at = match error.instance_path().as_str() {
        "" => "(root)".to_owned(),
        path => path.to_owned(),
    };
    let Some((keyword, branches)) = union_branches(error) else {
        lines.push(format!(
            "{indent}{at}: {}",
            shorten(&error.to_string(), 300)
        ));
        return;
    };

    let ranked = ranked_branches(branches, error.instance_path().as_str());
    let note = if ranked.is_empty() {
        mismatch_note(branches, error)
    } else {
        String::new()
    };
    lines.push(format!(
        "{indent}{at}: matches none of the {} `{keyword}` branches{note}",
        branches.len()
    ));
    if depth >= 10 {
        return;
    }
    for (index, errors) in ranked.into_iter().take(2) {
        lines.push(format!("{indent}  branch {index}:"));
        for inner in errors {
            describe(inner, depth + 1, lines);
        }
    }
}

type Branches = Vec<Vec<ValidationError<'static>>>;

fn union_branches<'e>(error: &'e ValidationError<'_>) -> Option<(&'static str, &'e Branches)> {
    match error.kind() {
        ValidationErrorKind::AnyOf { context } => Some(("anyOf", context)),
        ValidationErrorKind::OneOfNotValid { context } => Some(("oneOf", context)),
        _ => None,
    }
}

/// The branches of a failed union that describe the same kind of value as the instance (no
/// [`kind_mismatch`]), those with the fewest unexpected properties first: the branch meant
/// is usually the one the instance came closest to.
fn ranked_branches<'e>(
    branches: &'e Branches,
    at: &str,
) -> Vec<(usize, &'e Vec<ValidationError<'static>>)> {
    let mut ranked: Vec<_> = branches
        .iter()
        .enumerate()
        .filter(|(_, errors)| !errors.iter().any(|e| kind_mismatch(e, at)))
        .collect();
    let unexpected = |errors: &Vec<ValidationError<'_>>| -> usize {
        let count = |e: &ValidationError<'_>| match e.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => unexpected.len(),
            _ => 0,
        };
        errors.iter().map(count).sum()
    };
    let fewest = ranked
        .iter()
        .map(|(_, errors)| unexpected(errors))
        .min()
        .unwrap_or(0);
    ranked.retain(|(_, errors)| unexpected(errors) == fewest);
    ranked
}

/// What a union whose every branch describes another kind of value says, in a few words:
/// ` (no branch is this kind of value: "12" is not of type "number"; ...)`.
fn mismatch_note(branches: &Branches, union: &ValidationError<'_>) -> String {
    let at = union.instance_path().as_str();
    let mut reasons: Vec<String> = Vec::new();
    for errors in branches {
        let reason = errors.iter().find(|e| kind_mismatch(e, at)).map(|e| {
            let path = e.instance_path().as_str();
            let relative = path.strip_prefix(at).unwrap_or(path);
            let message = shorten(&e.to_string(), 80);
            if relative.is_empty() {
                message
            } else {
                format!("{relative}: {message}")
            }
        });
        if let Some(reason) = reason.filter(|r| !reasons.contains(r)) {
            reasons.push(reason);
        }
    }
    let more = if reasons.len() > 3 { "; …" } else { "" };
    reasons.truncate(3);
    format!(
        " (no branch is this kind of value: {}{more})",
        reasons.join("; ")
    )
}

/// Whether `error`, found while checking the instance at `at` against a union branch, shows
/// that the branch describes another kind of value: a `const`/`enum` miss on the instance or
/// one of its direct properties (a discriminator such as `type` or `object`), a wrong JSON
/// type of the instance, or a nested union at the same place whose every branch is such.
fn kind_mismatch(error: &ValidationError<'_>, at: &str) -> bool {
    let path = error.instance_path().as_str();
    let relative = path.strip_prefix(at).unwrap_or(path);
    match error.kind() {
        ValidationErrorKind::Constant { .. } | ValidationErrorKind::Enum { .. } => {
            relative.matches('/').count() <= 1
        }
        ValidationErrorKind::Type { .. } => relative.is_empty(),
        _ if !relative.is_empty() => false,
        _ => union_branches(error).is_some_and(|(_, branches)| {
            branches
                .iter()
                .all(|errors| errors.iter().any(|e| kind_mismatch(e, at)))
        }),
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{cut}…")
}

fn failure_report(what: &str, pointer: &str, violations: &[String], body: &Value) -> String {
    let mut report = format!(
        "{what}: the body violates the OpenAPI schema at #{pointer} ({} line(s)):\n",
        violations.len()
    );
    for line in violations.iter().take(MAX_LISTED) {
        let _ = writeln!(report, "  {line}");
    }
    if violations.len() > MAX_LISTED {
        let _ = writeln!(report, "  … and {} more", violations.len() - MAX_LISTED);
    }
    let pretty = serde_json::to_string_pretty(body).unwrap_or_default();
    let _ = write!(report, "body:\n{}", shorten(&pretty, MAX_BODY_CHARS));
    report
}

/// The adjustments made to the vendors' documents before validating against them. Each one
/// cites the caveat of `shared/specs/README.md` it answers, or says why it is needed.
mod relax {
    use super::*;

    /// Applies every adjustment that concerns a document of this draft.
    pub fn document(document: &mut Value, draft: Draft) {
        if draft == Draft::Draft4 {
            // UniFi README caveat: "Nine enums are nested one level too deep
            // (`"enum": [["a", "b"]]`), an upstream bug kept as is."
            walk_schemas(document, &mut flatten_nested_enum);
            if document.pointer("/info/title") == Some(&json!("UniFi Site Manager API")) {
                walk_schemas(document, &mut unifi_example_deviations);
            }
            walk_schemas(document, &mut nullable_as_type);
        }
        notion_errors(document);
        notion_relation_has_more(document);
        notion_date_times(document);
        all_of_sibling_properties(document);
    }

    /// Calls `fix` on every object of the document, children first.
    fn walk_schemas(value: &mut Value, fix: &mut dyn FnMut(&mut Value)) {
        match value {
            Value::Object(map) => map.values_mut().for_each(|child| walk_schemas(child, fix)),
            Value::Array(items) => items.iter_mut().for_each(|child| walk_schemas(child, fix)),
            _ => return,
        }
        fix(value);
    }

    /// OpenAPI 3.0 `nullable: true` (UniFi, NinjaOne) is JSON Schema's `null` type: it is
    /// added to `type` (and to `enum`, which would otherwise still refuse `null`).
    fn nullable_as_type(schema: &mut Value) {
        if schema.get("nullable") != Some(&Value::Bool(true)) {
            return;
        }
        if let Some(Value::Array(options)) = schema.get_mut("enum")
            && !options.contains(&Value::Null)
        {
            options.push(Value::Null);
        }
        match schema.get("type").cloned() {
            Some(Value::String(kind)) => schema["type"] = json!([kind, "null"]),
            Some(Value::Array(mut kinds)) => {
                kinds.push(json!("null"));
                schema["type"] = Value::Array(kinds);
            }
            _ => *schema = json!({ "anyOf": [{ "type": "null" }, schema.take()] }),
        }
    }

    /// Not in the README: some schemas contradict the document's own examples, which match
    /// the real responses in `unifi-fixtures/`:
    /// - a host's `registrationTime` and `latestBackupTime` are `""` when unknown (examples of
    ///   `GET /v1/hosts/{id}`), yet typed `format: date-time`: they also accept `""`;
    /// - SD-WAN `hubsPriority` ("Non-null for distributed topology and
    ///   spokeToHubRouting=custom") and `internetIssues` are `null` where they do not apply,
    ///   yet typed as plain arrays: they are made nullable;
    /// - SD-WAN `applyStatus` is `"OK"` where its enum lists only lower-case values: it also
    ///   accepts the upper-case forms.
    fn unifi_example_deviations(schema: &mut Value) {
        let Some(Value::Object(properties)) = schema.get_mut("properties") else {
            return;
        };
        for name in ["registrationTime", "latestBackupTime"] {
            if let Some(property) = properties.get_mut(name) {
                // Draft 4 has no `const`.
                *property = json!({ "anyOf": [{ "enum": [""] }, property.take()] });
            }
        }
        for name in ["hubsPriority", "internetIssues"] {
            if let Some(Value::Object(property)) = properties.get_mut(name) {
                property.insert("nullable".into(), Value::Bool(true));
            }
        }
        let options = properties
            .get_mut("applyStatus")
            .and_then(|p| p.get_mut("enum"));
        if let Some(Value::Array(options)) = options {
            let upper: Vec<Value> = options
                .iter()
                .filter_map(Value::as_str)
                .map(|option| json!(option.to_ascii_uppercase()))
                .filter(|option| !options.contains(option))
                .collect();
            options.extend(upper);
        }
    }

    /// `"enum": [["a", "b"]]` on a string schema becomes `"enum": ["a", "b"]`.
    fn flatten_nested_enum(schema: &mut Value) {
        let Some(Value::Array(options)) = schema.get("enum") else {
            return;
        };
        let nested = !options.is_empty() && options.iter().all(Value::is_array);
        if nested && schema.get("type") == Some(&json!("string")) {
            let flat: Vec<Value> = options
                .iter()
                .filter_map(Value::as_array)
                .flatten()
                .cloned()
                .collect();
            schema["enum"] = Value::Array(flat);
        }
    }

    /// Notion README caveat: "Error schemas are stricter than real error responses. Each
    /// error is `allOf` a common part and a branch with `additionalProperties: false`, so a
    /// strict validator rejects real bodies (which also carry `request_id` and sometimes
    /// `additional_data`)." The branches lose `additionalProperties: false`; an error body
    /// must still be an object with `object: "error"`, `status` (the declared one), `code`
    /// (one of the declared codes) and `message`, and may carry other keys.
    fn notion_errors(document: &mut Value) {
        let Some(schemas) = document
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        let errors = schemas
            .iter_mut()
            .filter(|(name, _)| name.starts_with("error_"));
        for (_, schema) in errors {
            let branches = schema.get_mut("allOf").and_then(Value::as_array_mut);
            for branch in branches.into_iter().flatten() {
                if let Some(branch) = branch.as_object_mut() {
                    branch.remove("additionalProperties");
                }
            }
        }
    }

    /// Notion README caveat: "The relation property value schema has no `has_more`, which
    /// real page responses include."
    fn notion_relation_has_more(document: &mut Value) {
        let pointer = "/components/schemas/relationArrayBasedPropertyValueResponse/properties";
        if let Some(Value::Object(properties)) = document.pointer_mut(pointer) {
            properties.insert("has_more".into(), json!({ "type": "boolean" }));
        }
    }

    /// Not in the README: a date value's `start` and `end` are typed `format: date`, yet they
    /// hold a date-time whenever the value has a time (`2026-12-03T06:00:00.000Z`; see
    /// `shared/api/NOTION.md` section 5.3 and Notion's property value reference). They accept
    /// either format.
    fn notion_date_times(document: &mut Value) {
        let date_or_time = json!({
            "type": "string",
            "anyOf": [{ "format": "date" }, { "format": "date-time" }],
        });
        let fields = [
            "/components/schemas/dateResponse/properties/start",
            "/components/schemas/dateResponse/properties/end/oneOf/0",
        ];
        for pointer in fields {
            if let Some(field) = document.pointer_mut(pointer) {
                *field = date_or_time.clone();
            }
        }
    }

    /// Not among the README's caveats, but the same defect as its error schemas: an `allOf`
    /// whose branch (or a union below it) has `additionalProperties: false` refuses the
    /// properties its sibling branches declare, so no instance can satisfy it. Notion's
    /// `pagePropertyValueWithIdResponse` is `allOf [{id}, oneOf [<24 property values, each
    /// closed>]]`, which refuses every page property, as every one carries `id`. The closed
    /// schemas are opened to the siblings' property names (and only to those); they stay
    /// closed to anything else. (The SDK's TypeScript types read the `allOf` as an
    /// intersection, which is what this restores.)
    fn all_of_sibling_properties(document: &mut Value) {
        let mut openings: HashMap<String, BTreeSet<String>> = HashMap::new();
        collect_openings(document, document, String::new(), &mut openings);
        for (pointer, names) in openings {
            let Some(schema) = document.pointer_mut(&pointer) else {
                continue;
            };
            let properties = schema
                .as_object_mut()
                .map(|s| s.entry("properties").or_insert_with(|| json!({})));
            if let Some(Value::Object(properties)) = properties {
                for name in names {
                    properties.entry(name).or_insert_with(|| json!({}));
                }
            }
        }
    }

    fn collect_openings(
        document: &Value,
        value: &Value,
        pointer: String,
        openings: &mut HashMap<String, BTreeSet<String>>,
    ) {
        match value {
            Value::Object(map) => {
                if let Some(Value::Array(branches)) = map.get("allOf") {
                    open_all_of(document, branches, &format!("{pointer}/allOf"), openings);
                }
                for (key, child) in map {
                    collect_openings(
                        document,
                        child,
                        format!("{pointer}/{}", escape(key)),
                        openings,
                    );
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    collect_openings(document, child, format!("{pointer}/{index}"), openings);
                }
            }
            _ => {}
        }
    }

    fn open_all_of(
        document: &Value,
        branches: &[Value],
        pointer: &str,
        openings: &mut HashMap<String, BTreeSet<String>>,
    ) {
        let declared: Vec<BTreeSet<String>> = branches
            .iter()
            .map(|branch| declared_properties(document, branch, 0))
            .collect();
        for index in 0..branches.len() {
            let siblings: BTreeSet<String> = declared
                .iter()
                .enumerate()
                .filter(|(other, _)| *other != index)
                .flat_map(|(_, names)| names.iter().cloned())
                .collect();
            if siblings.is_empty() {
                continue;
            }
            let mut closed = Vec::new();
            closed_schemas(
                document,
                format!("{pointer}/{index}"),
                &mut HashSet::new(),
                &mut closed,
            );
            for schema in closed {
                openings
                    .entry(schema)
                    .or_default()
                    .extend(siblings.iter().cloned());
            }
        }
    }

    /// Property names a schema declares at its top level, through `$ref` and its `allOf`,
    /// `anyOf` and `oneOf` branches (a union's names are all legitimate siblings).
    fn declared_properties(document: &Value, schema: &Value, depth: usize) -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        if depth > 16 {
            return names;
        }
        if let Some(target) = reference_target(document, schema) {
            return declared_properties(document, target, depth + 1);
        }
        if let Some(Value::Object(properties)) = schema.get("properties") {
            names.extend(properties.keys().cloned());
        }
        for keyword in ["allOf", "anyOf", "oneOf"] {
            let branches = schema.get(keyword).and_then(Value::as_array);
            for branch in branches.into_iter().flatten() {
                names.extend(declared_properties(document, branch, depth + 1));
            }
        }
        names
    }

    /// Pointers of the closed schemas (`additionalProperties: false`) an instance validated
    /// against `pointer` is also validated against, through `$ref`, `allOf`, `anyOf`, `oneOf`.
    fn closed_schemas(
        document: &Value,
        pointer: String,
        seen: &mut HashSet<String>,
        closed: &mut Vec<String>,
    ) {
        if !seen.insert(pointer.clone()) {
            return;
        }
        let Some(schema) = document.pointer(&pointer) else {
            return;
        };
        if let Some(Value::String(reference)) = schema.get("$ref") {
            if let Some(target) = reference.strip_prefix('#') {
                closed_schemas(document, target.to_owned(), seen, closed);
            }
            return;
        }
        if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
            closed.push(pointer.clone());
        }
        for keyword in ["allOf", "anyOf", "oneOf"] {
            let count = schema
                .get(keyword)
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            for index in 0..count {
                closed_schemas(
                    document,
                    format!("{pointer}/{keyword}/{index}"),
                    seen,
                    closed,
                );
            }
        }
    }

    fn reference_target<'a>(document: &'a Value, schema: &Value) -> Option<&'a Value> {
        let reference = schema.get("$ref")?.as_str()?;
        document.pointer(reference.strip_prefix('#')?)
    }
}
