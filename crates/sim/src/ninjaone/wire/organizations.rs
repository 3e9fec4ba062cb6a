//! Organizations and their locations.

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::fleet::Organization;

/// An organization as `/v2/organizations` lists it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationWire {
    id: i64,
    name: String,
    description: String,
    node_approval_mode: String,
    user_data: Map<String, Value>,
}

/// An organization with locations, policies and settings.
#[derive(Debug, Serialize)]
pub struct DetailedOrganization {
    #[serde(flatten)]
    base: OrganizationWire,
    locations: Vec<LocationWire>,
    policies: Vec<Value>,
    settings: Value,
}

/// A location as `/v2/locations` lists it (and, without `organizationId`,
/// inside a detailed organization).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LocationWire {
    id: i64,
    name: String,
    address: String,
    description: String,
    user_data: Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization_id: Option<i64>,
}

/// The base shape of `organization`.
pub fn organization(organization: &Organization) -> OrganizationWire {
    OrganizationWire {
        id: organization.id,
        name: organization.name.clone(),
        description: organization.description.clone(),
        node_approval_mode: organization.node_approval_mode.clone(),
        user_data: Map::new(),
    }
}

/// The detailed shape: `roles` are the role ids of its devices (one policy
/// each).
pub fn organization_detailed(organization: &Organization, roles: &[i64]) -> DetailedOrganization {
    let mut location = location(organization);
    location.organization_id = None;
    DetailedOrganization {
        base: self::organization(organization),
        locations: vec![location],
        policies: roles
            .iter()
            .map(|role| json!({ "nodeRoleId": role, "policyId": 100 + role }))
            .collect(),
        settings: settings(),
    }
}

/// The one location of `organization`.
pub fn location(organization: &Organization) -> LocationWire {
    LocationWire {
        id: organization.location_id,
        name: organization.location_name.clone(),
        address: organization.location_address.clone(),
        description: String::new(),
        user_data: Map::new(),
        organization_id: Some(organization.id),
    }
}

fn settings() -> Value {
    let off = || json!({ "product": "", "enabled": false, "targets": [], "options": {} });
    json!({
        "trayicon": { "product": "", "enabled": true, "targets": [], "options": {} },
        "splashtop": off(),
        "teamviewer": off(),
        "backup": off(),
        "psa": off(),
    })
}
