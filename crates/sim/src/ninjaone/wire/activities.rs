//! Activities of the activity log.

use serde::Serialize;
use serde_json::{Value, json};

use crate::fleet::Activity;

/// An activity as `/v2/activities` lists it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityWire {
    id: i64,
    activity_time: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    device_id: Option<i64>,
    severity: String,
    priority: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    series_uid: Option<String>,
    activity_type: String,
    status_code: String,
    status: String,
    activity_result: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_config_uid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<i64>,
    message: String,
    #[serde(rename = "type")]
    kind: String,
    data: Value,
}

/// Renders `activity`. The technician of `SYSTEM`/`USER` rows goes to `userId`
/// and to `data.message.params`, where clients find the name and e-mail (and
/// `clientId`, the organization the change is about).
pub fn activity(activity: &Activity) -> ActivityWire {
    let data = match &activity.user {
        Some((id, name, email)) => {
            let mut params = json!({
                "appUserName": name,
                "appUserEmail": email,
                "appUserId": id.to_string(),
            });
            if let Some(organization) = activity.organization_id {
                params["clientId"] = json!(organization.to_string());
            }
            json!({
                "message": {
                    "code": activity.status_code.to_ascii_lowercase(),
                    "params": params,
                }
            })
        }
        None => json!({}),
    };
    ActivityWire {
        id: activity.id,
        activity_time: activity.activity_time,
        device_id: activity.device_id,
        severity: activity.severity.clone(),
        priority: activity.priority.clone(),
        series_uid: activity.series_uid.clone(),
        activity_type: activity.activity_type.clone(),
        status_code: activity.status_code.clone(),
        status: activity.status.clone(),
        activity_result: activity.activity_result.clone(),
        source_config_uid: activity.source_config_uid.clone(),
        source_name: activity.source_name.clone(),
        subject: activity.subject.clone(),
        user_id: activity.user.as_ref().map(|(id, _, _)| *id),
        message: activity.message.clone(),
        kind: title_case(&activity.activity_type),
        data,
    }
}

/// `PATCH_MANAGEMENT` → `Patch Management`: the description NinjaOne puts in
/// `type`.
fn title_case(code: &str) -> String {
    code.split('_')
        .filter(|word| !word.is_empty())
        .map(|word| {
            let lower = word.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}
