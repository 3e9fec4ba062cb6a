//! The control API under `/_sim/`: counters, faults, clock, settings, credentials and reset.
//!
//! | route                         | what it does                                              |
//! |-------------------------------|-----------------------------------------------------------|
//! | `GET /_sim/info`              | base URLs, vault CA, fleet, site map, Notion databases    |
//! | `GET /_sim/stats`             | requests per API, endpoint and status; 429s; writes       |
//! | `GET/POST/DELETE /_sim/faults`| list, add (a [`FaultSpec`]) or clear all faults           |
//! | `DELETE /_sim/faults/{id}`    | clear one fault                                           |
//! | `POST /_sim/tick`             | advance simulated time: `{"duration": "3h"}`              |
//! | `GET /_sim/clock`             | simulated time now                                        |
//! | `GET/POST /_sim/settings`     | limits, latency, token lifetime, Notion row cap           |
//! | `GET /_sim/credentials`       | what each API accepts                                     |
//! | `POST /_sim/credentials/rotate` | `{"api": "notion"}`: replace one credential            |
//! | `POST /_sim/reset`            | back to the start state, counters zeroed                  |

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::config::{ApiSettings, Settings};
use crate::faults::{FaultKind, FaultRule, FaultSpec};
use crate::persist::PersistError;
use crate::{Api, Sim, notion};

/// The control routes, below `/_sim`.
pub fn router() -> Router<Arc<Sim>> {
    Router::new()
        .route("/info", get(|sim: SimState| answer(sim, Operation::Info)))
        .route("/stats", get(|sim: SimState| answer(sim, Operation::Stats)))
        .route(
            "/faults",
            get(|sim: SimState| answer(sim, Operation::Faults))
                .post(|sim: SimState, Json(spec): Json<Value>| {
                    answer(sim, Operation::AddFault(spec))
                })
                .delete(|sim: SimState| answer(sim, Operation::ClearFaults)),
        )
        .route(
            "/faults/{id}",
            delete(|sim: SimState, Path(id): Path<u64>| answer(sim, Operation::ClearFault(id))),
        )
        .route(
            "/tick",
            post(|sim: SimState, Json(tick): Json<Value>| answer(sim, Operation::Tick(tick))),
        )
        .route("/clock", get(|sim: SimState| answer(sim, Operation::Clock)))
        .route(
            "/settings",
            get(|sim: SimState| answer(sim, Operation::Settings)).post(
                |sim: SimState, Json(change): Json<Value>| {
                    answer(sim, Operation::ChangeSettings(change))
                },
            ),
        )
        .route(
            "/credentials",
            get(|sim: SimState| answer(sim, Operation::Credentials)),
        )
        .route(
            "/credentials/rotate",
            post(|sim: SimState, Json(body): Json<Value>| answer(sim, Operation::Rotate(body))),
        )
        .route(
            "/reset",
            post(|sim: SimState| answer(sim, Operation::Reset)),
        )
}

type SimState = State<Arc<Sim>>;

async fn answer(State(sim): SimState, operation: Operation) -> Result<Json<Value>, ControlError> {
    perform(&sim, operation).map(Json)
}

/// One request to the control API, whether it arrives over HTTP or from the `mock-apis`
/// command line working on a state directory.
#[derive(Debug, Clone)]
pub enum Operation {
    /// Base URLs, vault CA, fleet, Notion database ids.
    Info,
    /// Request counters of this process.
    Stats,
    /// Faults in force.
    Faults,
    /// Inject a fault (a [`FaultSpec`] as JSON).
    AddFault(Value),
    /// Clear every fault.
    ClearFaults,
    /// Clear one fault.
    ClearFault(u64),
    /// Advance simulated time: `{"duration": "3h"}` or `{"seconds": 10800}`.
    Tick(Value),
    /// Simulated time now.
    Clock,
    /// Settings in force.
    Settings,
    /// Change settings (a [`SettingsChange`] as JSON).
    ChangeSettings(Value),
    /// Credentials each API accepts.
    Credentials,
    /// Replace one API's credential: `{"api": "notion"}`.
    Rotate(Value),
    /// Back to the start state.
    Reset,
}

impl Operation {
    /// HTTP method and route of the operation below `/_sim`, and its body.
    pub fn request(&self) -> (http::Method, String, Option<&Value>) {
        use http::Method;
        match self {
            Operation::Info => (Method::GET, "/info".into(), None),
            Operation::Stats => (Method::GET, "/stats".into(), None),
            Operation::Faults => (Method::GET, "/faults".into(), None),
            Operation::AddFault(spec) => (Method::POST, "/faults".into(), Some(spec)),
            Operation::ClearFaults => (Method::DELETE, "/faults".into(), None),
            Operation::ClearFault(id) => (Method::DELETE, format!("/faults/{id}"), None),
            Operation::Tick(tick) => (Method::POST, "/tick".into(), Some(tick)),
            Operation::Clock => (Method::GET, "/clock".into(), None),
            Operation::Settings => (Method::GET, "/settings".into(), None),
            Operation::ChangeSettings(change) => (Method::POST, "/settings".into(), Some(change)),
            Operation::Credentials => (Method::GET, "/credentials".into(), None),
            Operation::Rotate(body) => (Method::POST, "/credentials/rotate".into(), Some(body)),
            Operation::Reset => (Method::POST, "/reset".into(), None),
        }
    }
}

/// Carries out one control operation on `sim` and returns its JSON answer.
pub fn perform(sim: &Sim, operation: Operation) -> Result<Value, ControlError> {
    match operation {
        Operation::Info => info(sim),
        Operation::Stats => Ok(json!({ "apis": sim.stats.snapshot() })),
        Operation::Faults => list_faults(sim),
        Operation::AddFault(spec) => {
            let spec: FaultSpec = parse(spec, "fault")?;
            Ok(json!({ "fault": apply_fault(sim, spec)? }))
        }
        Operation::ClearFaults => {
            let cleared = sim
                .control
                .mutate(|c| std::mem::take(&mut c.faults).len())?;
            Ok(json!({ "cleared": cleared }))
        }
        Operation::ClearFault(id) => clear_fault(sim, id),
        Operation::Tick(request) => tick(sim, parse(request, "tick")?),
        Operation::Clock => {
            let now = sim.now()?;
            let offset = sim.control.read(|c| c.clock_offset_ms)?;
            Ok(json!({ "now": now, "offset_ms": offset }))
        }
        Operation::Settings => Ok(json!({ "settings": sim.settings()? })),
        Operation::ChangeSettings(change) => {
            Ok(json!({ "settings": apply_settings(sim, parse(change, "settings")?)? }))
        }
        Operation::Credentials => Ok(json!({ "credentials": sim.credentials()? })),
        Operation::Rotate(request) => {
            let request: RotateRequest = parse(request, "rotation")?;
            Ok(json!({ "credentials": sim.rotate_credentials(request.api)? }))
        }
        Operation::Reset => {
            sim.reset()?;
            Ok(json!({ "reset": true }))
        }
    }
}

fn parse<T: serde::de::DeserializeOwned>(value: Value, what: &str) -> Result<T, ControlError> {
    serde_json::from_value(value).map_err(|err| bad_request(format!("invalid {what}: {err}")))
}

/// A control-API failure: a status and a plain message.
#[derive(Debug)]
pub struct ControlError(pub StatusCode, pub String);

impl std::fmt::Display for ControlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.1)
    }
}

impl std::error::Error for ControlError {}

impl IntoResponse for ControlError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

impl From<PersistError> for ControlError {
    fn from(err: PersistError) -> Self {
        Self(StatusCode::INTERNAL_SERVER_ERROR, err.to_string())
    }
}

fn bad_request(message: impl Into<String>) -> ControlError {
    ControlError(StatusCode::BAD_REQUEST, message.into())
}

fn info(sim: &Sim) -> Result<Value, ControlError> {
    let fleet = sim.control.read(|c| c.fleet.clone())?;
    let now = sim.now()?;
    // What an operator's site map would say: the sites' NinjaOne organizations and states,
    // which no API tells (DR test mode uses it when config.json has no site map).
    let site_map: Vec<Value> = sim.fleet.read(|f| {
        f.sites
            .iter()
            .map(|s| {
                json!({ "site_id": s.site_id, "organization_id": s.organization_id,
                             "state": s.state })
            })
            .collect()
    })?;
    Ok(json!({
        "fleet": fleet,
        "site_map": site_map,
        "now": now,
        "notion": { "parent_page_id": notion::PARENT_PAGE_ID, "databases": notion::DATABASES },
        "state_dir": sim.config.state_dir,
        "urls": sim.listening.get().map(|l| &l.urls),
        "ca_pem": sim.listening.get().map(|l| &l.ca_pem),
    }))
}

fn list_faults(sim: &Sim) -> Result<Value, ControlError> {
    let now = chrono::Utc::now();
    let rules: Vec<FaultRule> = sim.control.read(|c| {
        c.faults
            .iter()
            .filter(|r| !r.expired(now))
            .cloned()
            .collect()
    })?;
    Ok(json!({ "faults": rules }))
}

/// Puts a fault in force (or, for one-off kinds, applies it) and returns the rule.
pub fn apply_fault(sim: &Sim, spec: FaultSpec) -> Result<FaultRule, ControlError> {
    check_fault(&spec)?;
    let now = chrono::Utc::now();
    let sim_now = sim.now()?;
    let rule = sim.control.mutate(|c| {
        let rule = FaultRule::new(c.next_fault_id, spec, now);
        c.next_fault_id += 1;
        if rule.kind == FaultKind::ExpiredTokens {
            c.ninjaone_tokens_valid_after = Some(sim_now);
        } else {
            c.faults.push(rule.clone());
        }
        rule
    })?;
    Ok(rule)
}

fn check_fault(spec: &FaultSpec) -> Result<(), ControlError> {
    let fits = match &spec.kind {
        FaultKind::Unreachable => spec.api == Api::Vault,
        FaultKind::ExpiredTokens | FaultKind::HtmlThrottle => spec.api == Api::Ninjaone,
        FaultKind::InvalidCursor => spec.api == Api::Notion,
        FaultKind::Empty => matches!(spec.api, Api::Unifi | Api::Ninjaone),
        FaultKind::Status { status, .. } => (400..600).contains(status),
        _ => true,
    };
    if fits {
        Ok(())
    } else {
        Err(bad_request(format!(
            "a fault of this kind does not apply to {}",
            spec.api
        )))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TickRequest {
    duration: Option<String>,
    seconds: Option<i64>,
}

fn clear_fault(sim: &Sim, id: u64) -> Result<Value, ControlError> {
    let found = sim.control.mutate(|c| {
        let before = c.faults.len();
        c.faults.retain(|r| r.id != id);
        before != c.faults.len()
    })?;
    if found {
        Ok(json!({ "cleared": 1 }))
    } else {
        Err(ControlError(
            StatusCode::NOT_FOUND,
            format!("no fault with id {id}"),
        ))
    }
}

fn tick(sim: &Sim, request: TickRequest) -> Result<Value, ControlError> {
    let by = match (request.duration, request.seconds) {
        (Some(text), None) => parse_duration(&text).map_err(bad_request)?,
        (None, Some(seconds)) if seconds >= 0 => chrono::Duration::seconds(seconds),
        _ => {
            return Err(bad_request(
                "give either \"duration\" (like \"90m\") or \"seconds\" (>= 0)",
            ));
        }
    };
    let now = sim.tick(by)?;
    Ok(json!({ "now": now, "advanced_secs": by.num_seconds() }))
}

/// Parses durations such as `45s`, `90m`, `3h`, `2d` or `1h30m`.
pub fn parse_duration(text: &str) -> Result<chrono::Duration, String> {
    let invalid = || format!("invalid duration `{text}`: use forms like 45s, 90m, 3h, 2d or 1h30m");
    let mut total = 0i64;
    let mut number = String::new();
    for ch in text.trim().chars() {
        if ch.is_ascii_digit() {
            number.push(ch);
            continue;
        }
        let unit = match ch {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(invalid()),
        };
        let value: i64 = number.parse().map_err(|_| invalid())?;
        total = value
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(invalid)?;
        number.clear();
    }
    if !number.is_empty() || text.trim().is_empty() {
        return Err(invalid());
    }
    Ok(chrono::Duration::seconds(total))
}

/// A change of settings: any subset of the fields.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsChange {
    /// The API whose limits and latency change; required with those fields.
    pub api: Option<Api>,
    /// Sustained rate; `null` removes the limit.
    #[serde(default, with = "double_option")]
    pub rate_per_sec: Option<Option<f64>>,
    /// Burst size.
    pub burst: Option<f64>,
    /// Latency in ms.
    pub latency_ms: Option<u64>,
    /// Jitter in ms.
    pub jitter_ms: Option<u64>,
    /// Turn every limit and latency off (`false`) or back to the real services' (`true`).
    pub limits: Option<bool>,
    /// NinjaOne token lifetime in seconds.
    pub ninjaone_token_lifetime_secs: Option<u64>,
    /// Notion query row cap.
    pub notion_row_cap: Option<usize>,
}

mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<Option<f64>>, s: S) -> Result<S::Ok, S::Error> {
        value.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<f64>>, D::Error> {
        Option::<f64>::deserialize(d).map(Some)
    }
}

/// Applies a settings change and returns the settings in force.
pub fn apply_settings(sim: &Sim, change: SettingsChange) -> Result<Settings, ControlError> {
    let per_api = change.rate_per_sec.is_some()
        || change.burst.is_some()
        || change.latency_ms.is_some()
        || change.jitter_ms.is_some();
    if per_api && change.api.is_none() {
        return Err(bad_request(
            "name the \"api\" whose rate, burst or latency changes",
        ));
    }
    if change.notion_row_cap == Some(0) || change.ninjaone_token_lifetime_secs == Some(0) {
        return Err(bad_request(
            "notion_row_cap and ninjaone_token_lifetime_secs must be > 0",
        ));
    }
    let settings = sim.control.mutate(|c| {
        let s = &mut c.settings;
        match change.limits {
            Some(true) => *s = Settings { ..Settings::real() },
            Some(false) => {
                *s = Settings {
                    ..Settings::unlimited()
                }
            }
            None => {}
        }
        if let Some(api) = change.api {
            let target: &mut ApiSettings = s.api_mut(api);
            if let Some(rate) = change.rate_per_sec {
                target.rate_per_sec = rate;
            }
            if let Some(burst) = change.burst {
                target.burst = burst;
            }
            if let Some(latency) = change.latency_ms {
                target.latency_ms = latency;
            }
            if let Some(jitter) = change.jitter_ms {
                target.jitter_ms = jitter;
            }
        }
        if let Some(lifetime) = change.ninjaone_token_lifetime_secs {
            s.ninjaone_token_lifetime_secs = lifetime;
        }
        if let Some(cap) = change.notion_row_cap {
            s.notion_row_cap = cap;
        }
        s.clone()
    })?;
    sim.limiter.clear();
    Ok(settings)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RotateRequest {
    api: Api,
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90m").unwrap().num_seconds(), 5400);
        assert_eq!(parse_duration("1h30m").unwrap().num_seconds(), 5400);
        assert_eq!(parse_duration("3d").unwrap().num_seconds(), 259_200);
        assert!(parse_duration("3").is_err());
        assert!(parse_duration("3y").is_err());
        assert!(parse_duration("").is_err());
    }
}
