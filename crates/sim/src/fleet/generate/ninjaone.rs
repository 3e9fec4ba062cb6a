//! The NinjaOne side of a generated fleet: one organization (with one location) per customer,
//! and devices spread over them in proportion to each customer's size.
//!
//! Organization names are the customer's registered name, sometimes with a legal suffix
//! (`Magnolia Pediatrics P.A.` for the site `Magnolia Pediatrics - Georgia`), so that nothing can
//! join the two APIs on exact names.

use chrono::{DateTime, Duration, Utc};

use super::Quirk;
use crate::fleet::catalog::{self, NodeClass};
use crate::fleet::names::{Customer, Trade};
use crate::fleet::time::epoch;
use crate::fleet::{Device, Organization};
use crate::rng::Rng;

/// The first organization id.
const FIRST_ORGANIZATION_ID: i64 = 2;
/// The first device id.
const FIRST_DEVICE_ID: i64 = 1001;
/// Share of approved devices that are offline now.
const OFFLINE_SHARE: f64 = 0.05;

/// One organization per customer, ascending id.
pub fn organizations(seed: u64, customers: &[Customer]) -> Vec<Organization> {
    let mut id = FIRST_ORGANIZATION_ID;
    let mut location_id = FIRST_ORGANIZATION_ID * 10;
    customers
        .iter()
        .enumerate()
        .map(|(i, customer)| {
            let mut rng = Rng::derive(seed, "organization", i as u64);
            let organization = Organization {
                id,
                name: customer.legal_name.clone(),
                description: description(&mut rng, customer),
                node_approval_mode: match rng.below(100) {
                    0..=79 => "AUTOMATIC",
                    80..=96 => "MANUAL",
                    _ => "REJECT",
                }
                .to_string(),
                location_id,
                location_name: if rng.chance(0.6) {
                    "Main Office".to_string()
                } else {
                    format!("{} Office", customer.town)
                },
                location_address: format!(
                    "{} {} {}, {}, {}",
                    rng.range(100, 9899),
                    rng.pick(&["Main", "Oak", "Church", "Commerce", "Magnolia", "Market"]),
                    rng.pick(&["St", "Ave", "Blvd", "Dr", "Pkwy"]),
                    customer.town,
                    customer.state.name
                ),
            };
            id += 1 + rng.range(0, 2);
            location_id += 1 + rng.range(0, 3);
            organization
        })
        .collect()
}

fn description(rng: &mut Rng, customer: &Customer) -> String {
    let what = match customer.trade {
        Trade::Dental => "Dental practice",
        Trade::Law => "Law firm",
        Trade::Clinic => "Clinic",
        Trade::School => "School",
        Trade::Accounting => "Accounting firm",
        Trade::Office => "Office",
    };
    match rng.below(3) {
        0 => String::new(),
        1 => format!("{what}, {}", customer.town),
        _ => format!("{what}, {} staff", customer.size * rng.range(4, 9) as u32),
    }
}

/// `count` devices over `organizations`, ascending id, interleaved across organizations as
/// enrolment order makes them.
pub fn devices(
    seed: u64,
    count: usize,
    customers: &[Customer],
    organizations: &[Organization],
    now: DateTime<Utc>,
) -> Vec<Device> {
    if organizations.is_empty() {
        return Vec::new();
    }
    let cumulative: Vec<u64> = customers
        .iter()
        .scan(0, |total, c| {
            *total += u64::from(c.size * c.size + 1);
            Some(*total)
        })
        .collect();
    let total = cumulative.last().copied().unwrap_or(1);
    let pending = Quirk::new(seed, "pending-device", 160);
    let mut numbers = vec![0u32; organizations.len()];
    let mut id = FIRST_DEVICE_ID;
    (0..count)
        .map(|i| {
            let mut rng = Rng::derive(seed, "device", i as u64);
            let roll = rng.below(total);
            let org = cumulative
                .partition_point(|&c| c <= roll)
                .min(organizations.len() - 1);
            numbers[org] += 1;
            let spot = DeviceSpot {
                id,
                customer: &customers[org],
                organization: &organizations[org],
                number: numbers[org],
                pending: pending.hits(i),
            };
            id += 1 + rng.range(0, 3);
            device(&mut rng, &spot, now)
        })
        .collect()
}

/// Where a device goes and what it is called.
struct DeviceSpot<'a> {
    id: i64,
    customer: &'a Customer,
    organization: &'a Organization,
    number: u32,
    pending: bool,
}

fn device(rng: &mut Rng, spot: &DeviceSpot<'_>, now: DateTime<Utc>) -> Device {
    let class = catalog::pick_node_class(rng);
    let system_name = format!("{}-{}-{:02}", spot.customer.code, class.role, spot.number);
    let domain = spot.customer.code.to_ascii_lowercase();
    let offline = !spot.pending && rng.chance(OFFLINE_SHARE);
    let created = now - Duration::seconds(rng.range(20 * 86_400, 1_400 * 86_400));
    let last_contact = if spot.pending {
        now - Duration::seconds(rng.range(60, 3 * 86_400))
    } else if offline {
        now - Duration::seconds(rng.range(1_800, 14 * 86_400))
    } else {
        now - Duration::seconds(rng.range(5, 290))
    };
    Device {
        id: spot.id,
        uid: rng.uuid().to_string(),
        organization_id: spot.organization.id,
        location_id: spot.organization.location_id,
        node_class: class.name.to_string(),
        approval_status: if spot.pending { "PENDING" } else { "APPROVED" }.to_string(),
        offline,
        display_name: display_name(rng, class, &system_name),
        dns_name: format!("{}.{domain}.local", system_name.to_ascii_lowercase()),
        system_name,
        created: epoch(created),
        last_contact: epoch(last_contact),
        os_name: (!class.systems.is_empty()).then(|| rng.pick(class.systems).to_string()),
        system_model: (!class.machines.is_empty()).then(|| {
            let (maker, model) = *rng.pick(class.machines);
            (maker.to_string(), model.to_string())
        }),
        ip_address: format!(
            "10.{}.{}.{}",
            rng.below(250),
            rng.range(1, 4),
            rng.range(10, 250)
        ),
        mac_address: mac_address(rng),
    }
}

/// Most devices are shown under their system name; some workstations got a friendlier one.
fn display_name(rng: &mut Rng, class: &NodeClass, system_name: &str) -> String {
    const DESKS: &[&str] = &[
        "Front Desk PC",
        "Reception",
        "Billing",
        "Manager Laptop",
        "Lab PC",
    ];
    if class.role == "WS" && rng.chance(0.2) {
        rng.pick(DESKS).to_string()
    } else {
        system_name.to_string()
    }
}

fn mac_address(rng: &mut Rng) -> String {
    let bytes: Vec<String> = (0..5).map(|_| format!("{:02X}", rng.below(256))).collect();
    format!("00:{}", bytes.join(":"))
}
