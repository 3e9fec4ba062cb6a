//! The read endpoints the sync uses, as methods of [`NinjaoneClient`].

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::client::NinjaoneClient;
use super::error::NinjaoneError;
use super::types::{Activity, ActivityLog, Alert, Device, DeviceList, Organization};
use super::wire;
use crate::http::Request;

/// Which devices to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceQuery {
    /// Only this organization's devices. Sent as `df=org = <id>` and checked again on the
    /// results, because NinjaOne silently ignores a filter it does not understand.
    pub organization_id: Option<i64>,
    /// A device filter sent as is instead of the one built from the fields above (which are
    /// still checked on the results).
    pub df: Option<String>,
}

impl DeviceQuery {
    /// One organization's devices.
    pub fn organization(id: i64) -> Self {
        Self {
            organization_id: Some(id),
            df: None,
        }
    }

    fn filter(&self) -> Option<String> {
        self.df
            .clone()
            .or_else(|| self.organization_id.map(|id| format!("org = {id}")))
    }
}

/// Activity class filter (`class`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityClass {
    /// Policy, organization and other system changes.
    System,
    /// Device activities.
    Device,
    /// Technician actions.
    User,
}

impl ActivityClass {
    fn as_str(self) -> &'static str {
        match self {
            ActivityClass::System => "SYSTEM",
            ActivityClass::Device => "DEVICE",
            ActivityClass::User => "USER",
        }
    }
}

/// Which activities to read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActivityQuery {
    /// Only this class (default: all).
    pub class: Option<ActivityClass>,
    /// Only activities after this time (`after`, epoch seconds: a date, not a cursor).
    pub after: Option<DateTime<Utc>>,
    /// Only activities before this time (`before`).
    pub before: Option<DateTime<Utc>>,
}

impl NinjaoneClient {
    /// Every organization (`GET /v2/organizations`, all pages).
    pub async fn organizations(&self) -> Result<Vec<Organization>, NinjaoneError> {
        self.entity_pages("/v2/organizations", &[], |item| {
            Organization::from_wire(serde_json::from_value::<wire::Organization>(item).ok()?)
        })
        .await
    }

    /// Devices with details (`GET /v2/devices-detailed`, all pages). Devices of another
    /// organization than the query's are dropped, counted in `dropped` and logged.
    pub async fn devices(&self, query: &DeviceQuery) -> Result<DeviceList, NinjaoneError> {
        let params: Vec<(&str, String)> = query.filter().map(|df| ("df", df)).into_iter().collect();
        let all: Vec<Device> = self
            .entity_pages("/v2/devices-detailed", &params, |item| {
                Device::from_wire(serde_json::from_value::<wire::Device>(item).ok()?)
            })
            .await?;
        let listed = all.len();
        let devices: Vec<Device> = match query.organization_id {
            Some(org) => all
                .into_iter()
                .filter(|d| d.organization_id == Some(org))
                .collect(),
            None => all,
        };
        let dropped = listed - devices.len();
        if dropped > 0 {
            tracing::warn!(
                api = "ninjaone",
                organization_id = query.organization_id,
                dropped,
                "the device filter was ignored; dropped devices of other organizations"
            );
        }
        Ok(DeviceList { devices, dropped })
    }

    /// Every active alert (`GET /v2/alerts`, unpaged), optionally narrowed by a device
    /// filter.
    pub async fn alerts(&self, df: Option<&str>) -> Result<Vec<Alert>, NinjaoneError> {
        let mut request = Request::get("/v2/alerts");
        if let Some(df) = df {
            request = request.query("df", df);
        }
        let Value::Array(items) = self.get(request).await? else {
            return Err(decode("/v2/alerts", "not a list"));
        };
        Ok(read_items::<wire::Alert>(items)
            .filter_map(Alert::from_wire)
            .collect())
    }

    /// The whole activity log that matches `query`, newest first: pages of `olderThan=<the
    /// smallest id so far>` until one is empty or the cursor stops moving.
    pub async fn activities_backfill(
        &self,
        query: &ActivityQuery,
    ) -> Result<ActivityLog, NinjaoneError> {
        self.walk_activities(query, None).await
    }

    /// The activities newer than `checkpoint` (the highest id already committed), newest
    /// first: walks back from the newest page until an id at or below the checkpoint.
    pub async fn activities_since(
        &self,
        checkpoint: i64,
        query: &ActivityQuery,
    ) -> Result<ActivityLog, NinjaoneError> {
        self.walk_activities(query, Some(checkpoint)).await
    }

    async fn walk_activities(
        &self,
        query: &ActivityQuery,
        checkpoint: Option<i64>,
    ) -> Result<ActivityLog, NinjaoneError> {
        let mut log = ActivityLog {
            activities: Vec::new(),
            last_activity_id: None,
            pages: 0,
        };
        let mut older_than: Option<i64> = None;
        loop {
            let request = activity_request(query, self.activity_page_size(), older_than);
            let page: wire::ActivityPage = serde_json::from_value(self.get(request).await?)
                .map_err(|err| decode("/v2/activities", &err.to_string()))?;
            log.pages += 1;
            if log.last_activity_id.is_none() {
                log.last_activity_id = page.last_activity_id;
            }
            let Value::Array(items) = page.activities else {
                return Err(decode("/v2/activities", "`activities` is not a list"));
            };
            let rows: Vec<Activity> = read_items::<wire::Activity>(items)
                .filter_map(Activity::from_wire)
                .collect();
            let Some(oldest) = rows.iter().map(|a| a.id).min() else {
                return Ok(log);
            };
            let reached = checkpoint.is_some_and(|c| oldest <= c);
            let fresh = rows.into_iter().filter(|a| {
                checkpoint.is_none_or(|c| a.id > c) && older_than.is_none_or(|o| a.id < o)
            });
            log.activities.extend(fresh);
            if reached || older_than.is_some_and(|o| oldest >= o) {
                return Ok(log);
            }
            older_than = Some(oldest);
        }
    }
}

fn activity_request(query: &ActivityQuery, page_size: u32, older_than: Option<i64>) -> Request {
    let mut request = Request::get("/v2/activities").query("pageSize", page_size.to_string());
    if let Some(class) = query.class {
        request = request.query("class", class.as_str());
    }
    if let Some(after) = query.after {
        request = request.query("after", after.timestamp().to_string());
    }
    if let Some(before) = query.before {
        request = request.query("before", before.timestamp().to_string());
    }
    if let Some(id) = older_than {
        request = request.query("olderThan", id.to_string());
    }
    request
}

/// The items that read as `T`; others are skipped.
fn read_items<T: serde::de::DeserializeOwned>(items: Vec<Value>) -> impl Iterator<Item = T> {
    items
        .into_iter()
        .filter_map(|item| serde_json::from_value(item).ok())
}

fn decode(path: &str, reason: &str) -> NinjaoneError {
    NinjaoneError::Decode {
        endpoint: format!("GET {path}"),
        reason: reason.to_owned(),
    }
}
