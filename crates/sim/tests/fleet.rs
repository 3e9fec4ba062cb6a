//! The generated fleet: determinism, default sizes, the data quirks the UniFi and NinjaOne
//! simulators must show, and evolution in simulated time (directly and through `/_sim/tick`).

mod common;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, TimeZone, Utc};
use mock_apis::FleetConfig;
use mock_apis::fleet::{Fleet, HostKind, UnifiDeviceKind, generate, names};
use serde_json::json;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 14, 7, 31).unwrap()
}

fn default_fleet() -> Fleet {
    generate(&FleetConfig::default(), now())
}

fn json_of(fleet: &Fleet) -> String {
    serde_json::to_string(fleet).expect("fleet serializes")
}

/// The state suffix of a label `"<customer> - <State>"`, if it is one of the 14.
fn state_of(label: &str) -> Option<&str> {
    let (_, state) = label.rsplit_once(" - ")?;
    names::state_named(state).map(|s| s.name)
}

#[test]
fn the_same_seed_gives_the_same_fleet() {
    assert_eq!(json_of(&default_fleet()), json_of(&default_fleet()));
    let other = generate(
        &FleetConfig {
            seed: 7,
            ..FleetConfig::default()
        },
        now(),
    );
    assert_ne!(json_of(&default_fleet()), json_of(&other));
    assert_ne!(default_fleet().hosts[0].name, other.hosts[0].name);
}

#[test]
fn changing_the_device_count_leaves_the_unifi_side_alone() {
    let more = generate(
        &FleetConfig {
            devices: 400,
            ..FleetConfig::default()
        },
        now(),
    );
    let fleet = default_fleet();
    assert_eq!(json!(fleet.hosts), json!(more.hosts));
    assert_eq!(json!(fleet.sites), json!(more.sites));
    assert_eq!(json!(fleet.organizations), json!(more.organizations));
    assert_eq!(more.devices.len(), 400);
}

#[test]
fn the_default_fleet_has_the_documented_size() {
    let fleet = default_fleet();
    assert_eq!(fleet.sites.len(), 98);
    assert_eq!(fleet.devices.len(), 323);
    assert_eq!(fleet.organizations.len(), 98);

    let organizations: HashSet<i64> = fleet.organizations.iter().map(|o| o.id).collect();
    let mapped: HashSet<i64> = fleet.sites.iter().map(|s| s.organization_id).collect();
    assert_eq!(mapped, organizations, "one organization per site");
    assert!(
        fleet
            .devices
            .iter()
            .all(|d| organizations.contains(&d.organization_id))
    );
    assert!(
        fleet.devices.windows(2).all(|w| w[0].id < w[1].id),
        "devices ascend by id"
    );
    assert!(fleet.organizations.windows(2).all(|w| w[0].id < w[1].id));

    let hosts: HashSet<&str> = fleet.hosts.iter().map(|h| h.id.as_str()).collect();
    assert!(
        fleet
            .sites
            .iter()
            .all(|s| hosts.contains(s.host_id.as_str()))
    );
    let sites: HashSet<&str> = fleet.sites.iter().map(|s| s.site_id.as_str()).collect();
    assert_eq!(sites.len(), 98, "site ids are unique");
    assert!(fleet.sites.iter().all(|s| s.site_id.len() == 24));
}

#[test]
fn alerts_and_activities_are_consistent() {
    let fleet = default_fleet();
    assert_activity_log_is_consistent(&fleet, now());
    assert!(fleet.alerts.len() >= 15, "{} alerts", fleet.alerts.len());
    let first = fleet.activities[0].activity_time;
    assert!(
        first >= (now() - Duration::days(30)).timestamp() as f64,
        "30 days of history"
    );
    assert!(fleet.activities[0].id >= 900_000_000);
}

/// Ids unique and ascending with time; every alert's device exists and its series has a
/// `TRIGGERED` row and no `RESET`; every `RESET` follows a `TRIGGERED` of its series.
fn assert_activity_log_is_consistent(fleet: &Fleet, now: DateTime<Utc>) {
    let devices: HashSet<i64> = fleet.devices.iter().map(|d| d.id).collect();
    assert!(fleet.alerts.iter().all(|a| devices.contains(&a.device_id)));
    assert!(
        fleet.activities.windows(2).all(|w| w[0].id < w[1].id),
        "ids ascend"
    );
    assert!(
        fleet
            .activities
            .windows(2)
            .all(|w| w[0].activity_time <= w[1].activity_time)
    );
    assert!(
        fleet
            .activities
            .iter()
            .all(|a| a.activity_time <= now.timestamp() as f64 + 1.0)
    );
    assert!(fleet.next_activity_id > fleet.activities.last().map_or(0, |a| a.id));

    let mut triggered = HashSet::new();
    let mut reset = HashSet::new();
    for activity in fleet
        .activities
        .iter()
        .filter(|a| a.activity_type == "CONDITION")
    {
        let series = activity
            .series_uid
            .clone()
            .expect("condition rows have a series");
        match activity.status_code.as_str() {
            "TRIGGERED" => assert!(triggered.insert(series), "one TRIGGERED per series"),
            "RESET" => {
                assert!(triggered.contains(&series), "RESET after its TRIGGERED");
                assert!(reset.insert(series), "one RESET per series");
            }
            other => panic!("unexpected condition status {other}"),
        }
    }
    for alert in &fleet.alerts {
        assert!(
            triggered.contains(&alert.uid),
            "alert {} has its TRIGGERED row",
            alert.uid
        );
        assert!(
            !reset.contains(&alert.uid),
            "active alert {} has no RESET",
            alert.uid
        );
    }
}

#[test]
fn site_names_carry_the_customer_and_state_where_the_sync_reads_them() {
    let fleet = default_fleet();
    let host_of: HashMap<&str, _> = fleet.hosts.iter().map(|h| (h.id.as_str(), h)).collect();
    for site in &fleet.sites {
        let host = host_of[site.host_id.as_str()];
        let label = match host.kind {
            HostKind::Console => {
                assert_eq!(
                    (site.name.as_str(), site.desc.as_str()),
                    ("default", "Default")
                );
                &host.name
            }
            _ => {
                assert_eq!(site.name.len(), 8, "random internal name");
                assert_ne!(site.desc, "Default");
                &site.desc
            }
        };
        assert_eq!(state_of(label), Some(site.state.as_str()), "label {label}");
    }
    let used: HashSet<&str> = fleet.sites.iter().map(|s| s.state.as_str()).collect();
    assert!(
        used.len() >= 10,
        "customers spread over the states: {used:?}"
    );
}

#[test]
fn organization_names_match_the_customer_but_not_always_exactly() {
    let fleet = default_fleet();
    let labels: HashMap<i64, String> = fleet
        .sites
        .iter()
        .map(|site| {
            let host = fleet.host(&site.host_id).expect("site's host exists");
            let label = if site.desc == "Default" {
                &host.name
            } else {
                &site.desc
            };
            (site.organization_id, label.clone())
        })
        .collect();
    let mut exact = 0;
    for organization in &fleet.organizations {
        let label = &labels[&organization.id];
        let customer = label.rsplit_once(" - ").map_or(label.as_str(), |(c, _)| c);
        assert!(
            organization.name.starts_with(customer),
            "{} vs {label}",
            organization.name
        );
        exact += usize::from(organization.name == customer);
    }
    assert!(
        exact > 40 && exact < 90,
        "{exact} of 98 organizations are named exactly"
    );
}

#[test]
fn the_unifi_quirks_are_present() {
    let fleet = default_fleet();
    let kinds = |kind| fleet.hosts.iter().filter(move |h| h.kind == kind);
    assert!(kinds(HostKind::Ucore).count() >= 1);
    assert!(kinds(HostKind::Ucore).all(|h| h.reported_state_null));
    assert!(kinds(HostKind::NetworkServer).count() >= 2);
    for server in kinds(HostKind::NetworkServer) {
        let sites = fleet
            .sites
            .iter()
            .filter(|s| s.host_id == server.id)
            .count();
        assert!(sites >= 3, "a self-hosted server runs several sites");
    }
    assert!(kinds(HostKind::Console).count() > 80);

    let has = |f: &dyn Fn(&mock_apis::fleet::Host) -> bool| fleet.hosts.iter().any(f);
    assert!(has(&|h| h.registration_time.as_deref() == Some("")));
    assert!(has(&|h| h.registration_time.is_none()));
    assert!(has(&|h| h.latest_backup_time.as_deref() == Some("")));
    assert!(has(&|h| h.latest_backup_time.is_none()));
    assert!(has(&|h| h
        .registration_time
        .as_deref()
        .is_some_and(|t| t.contains('.'))));
    assert!(has(&|h| !h.connected));

    assert!(fleet.sites.iter().any(|s| s.counts.is_none()));
    assert!(fleet.sites.iter().any(|s| s.timezone.is_none()));
    assert!(fleet.sites.iter().any(|s| s.wan_uptime == 100.0));
    assert!(fleet.sites.iter().any(|s| s.wan_uptime.fract() != 0.0));
    assert!(fleet.sites.iter().any(|s| !s.internet_issues.is_empty()));
    assert!(
        fleet
            .sites
            .iter()
            .any(|s| s.counts.is_some_and(|c| c.offline_device > 0))
    );

    let not_owned: HashSet<&str> = fleet
        .hosts
        .iter()
        .filter(|h| !h.owner)
        .map(|h| h.id.as_str())
        .collect();
    assert!(!not_owned.is_empty());
    assert!(
        fleet
            .unifi_devices
            .iter()
            .any(|d| not_owned.contains(d.host_id.as_str()))
    );
    assert!(
        fleet
            .listed_unifi_devices()
            .all(|d| !not_owned.contains(d.host_id.as_str()))
    );
    assert!(
        fleet
            .sites
            .iter()
            .filter(|s| not_owned.contains(s.host_id.as_str()))
            .all(|s| !s.is_owner)
    );
}

#[test]
fn unifi_devices_agree_with_their_site() {
    let fleet = default_fleet();
    assert_counts_match_devices(&fleet);
    let macs: HashSet<&str> = fleet.unifi_devices.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(macs.len(), fleet.unifi_devices.len(), "MACs are unique");
    for site in &fleet.sites {
        let devices: Vec<_> = fleet.unifi_devices_of(&site.site_id).collect();
        let gateway = devices.iter().find(|d| d.kind == UnifiDeviceKind::Gateway);
        let gateway = gateway.expect("every site has a gateway");
        assert_eq!(site.gateway_mac.replace(':', "").to_uppercase(), gateway.id);
        assert!(devices.iter().all(|d| d.host_id == site.host_id));
    }
    for device in &fleet.unifi_devices {
        assert_eq!(
            device.update_available.is_some(),
            device.firmware_status == "updateAvailable"
        );
    }
    for host in fleet.hosts.iter().filter(|h| h.kind == HostKind::Console) {
        let console = fleet
            .unifi_devices
            .iter()
            .find(|d| d.host_id == host.id && d.is_console);
        let console = console.expect("a cloud gateway is its site's console device");
        assert_eq!(console.version, host.version);
        assert!(
            host.id.starts_with(&console.id),
            "console ids start with the MAC"
        );
    }
}

/// Every site with counts has device figures equal to what its devices say.
fn assert_counts_match_devices(fleet: &Fleet) {
    for site in &fleet.sites {
        let Some(counts) = site.counts else { continue };
        let devices: Vec<_> = fleet.unifi_devices_of(&site.site_id).collect();
        let offline = |kind: Option<UnifiDeviceKind>| {
            devices
                .iter()
                .filter(|d| kind.is_none_or(|k| d.kind == k) && d.status != "online")
                .count() as u32
        };
        let of_kind = |k| devices.iter().filter(|d| d.kind == k).count() as u32;
        assert_eq!(
            counts.total_device,
            devices.len() as u32,
            "site {}",
            site.site_id
        );
        assert_eq!(counts.offline_device, offline(None));
        assert_eq!(counts.gateway_device, of_kind(UnifiDeviceKind::Gateway));
        assert_eq!(
            counts.offline_gateway_device,
            offline(Some(UnifiDeviceKind::Gateway))
        );
        assert_eq!(counts.wifi_device, of_kind(UnifiDeviceKind::AccessPoint));
        assert_eq!(
            counts.offline_wifi_device,
            offline(Some(UnifiDeviceKind::AccessPoint))
        );
        assert_eq!(counts.wired_device, of_kind(UnifiDeviceKind::Switch));
        assert_eq!(
            counts.offline_wired_device,
            offline(Some(UnifiDeviceKind::Switch))
        );
        let pending = devices
            .iter()
            .filter(|d| d.update_available.is_some())
            .count();
        assert_eq!(counts.pending_update_device, pending as u32);
    }
}

#[test]
fn the_ninjaone_quirks_are_present() {
    let fleet = default_fleet();
    let offline = fleet.devices.iter().filter(|d| d.offline).count();
    assert!(
        (5..=35).contains(&offline),
        "{offline} offline devices (about 5%)"
    );
    assert!(
        fleet
            .devices
            .iter()
            .any(|d| d.os_name.is_none() && d.system_model.is_none())
    );
    let pending = fleet
        .devices
        .iter()
        .filter(|d| d.approval_status == "PENDING")
        .count();
    assert!((1..=4).contains(&pending), "{pending} pending devices");
    let classes: HashSet<&str> = fleet
        .devices
        .iter()
        .map(|d| d.node_class.as_str())
        .collect();
    assert!(classes.len() >= 6, "{classes:?}");

    let types: HashSet<&str> = fleet
        .alerts
        .iter()
        .map(|a| a.source_type.as_str())
        .collect();
    for expected in [
        "AGENT_OFFLINE",
        "CONDITION_AGENT_DISK_FREE_SPACE",
        "CONDITION_AGENT_MEMORY",
    ] {
        assert!(
            types.contains(expected),
            "no active {expected} alert: {types:?}"
        );
    }
    assert!(types.len() >= 5, "{types:?}");
    assert!(fleet.alerts.iter().any(|a| a.severity.is_none()));
    let with_threshold = |t: &str| {
        fleet
            .alerts
            .iter()
            .filter(|a| a.source_type == t)
            .all(|a| a.threshold.is_some())
    };
    assert!(
        with_threshold("CONDITION_AGENT_DISK_FREE_SPACE")
            && with_threshold("CONDITION_AGENT_MEMORY")
    );

    let messages = |needle: &str| {
        fleet
            .activities
            .iter()
            .filter(|a| a.status_code == "TRIGGERED")
            .any(|a| a.message.to_lowercase().contains(needle))
    };
    assert!(messages("backup") && messages("service") && messages("offline"));
}

#[test]
fn the_activity_log_holds_configuration_changes_patching_and_scripts() {
    let fleet = default_fleet();
    let codes: HashSet<&str> = fleet
        .activities
        .iter()
        .map(|a| a.status_code.as_str())
        .collect();
    for code in [
        "POLICY_UPDATED",
        "NODE_UPDATED",
        "CLIENT_UPDATED",
        "LOCATION_CREATED",
        "CREDENTIAL_UPDATED",
        "SCRIPT_UPDATED",
        "TRIGGERED",
        "RESET",
    ] {
        assert!(codes.contains(code), "no {code} activity");
    }
    let types: HashSet<&str> = fleet
        .activities
        .iter()
        .map(|a| a.activity_type.as_str())
        .collect();
    assert!(
        types.contains("PATCH_MANAGEMENT") && types.contains("SCRIPTING"),
        "{types:?}"
    );
    for change in fleet
        .activities
        .iter()
        .filter(|a| a.status_code == "POLICY_UPDATED")
    {
        let (_, name, email) = change.user.as_ref().expect("a technician made the change");
        assert!(!name.is_empty() && email.contains('@'));
        assert!(change.class == "SYSTEM" && change.device_id.is_none());
    }
    let classes: HashSet<&str> = fleet.activities.iter().map(|a| a.class.as_str()).collect();
    assert_eq!(classes, HashSet::from(["SYSTEM", "DEVICE", "USER"]));
}

#[test]
fn advancing_a_day_changes_the_fleet() {
    let before = default_fleet();
    let mut after = before.clone();
    let later = now() + Duration::days(1);
    after.advance(later);
    assert_eq!(after.evolved_to, later);

    let offline = |f: &Fleet| -> HashSet<i64> {
        f.devices
            .iter()
            .filter(|d| d.offline)
            .map(|d| d.id)
            .collect()
    };
    assert_ne!(
        offline(&before),
        offline(&after),
        "devices went offline or came back"
    );
    let uids = |f: &Fleet| -> HashSet<String> { f.alerts.iter().map(|a| a.uid.clone()).collect() };
    assert!(
        uids(&before).difference(&uids(&after)).count() > 0,
        "alerts cleared"
    );
    assert!(
        uids(&after).difference(&uids(&before)).count() > 0,
        "alerts raised"
    );

    let last_before = before.activities.last().map(|a| a.id).unwrap_or_default();
    let new: Vec<_> = after
        .activities
        .iter()
        .filter(|a| a.id > last_before)
        .collect();
    assert!(new.len() > 50, "{} new activities in a day", new.len());
    assert!(new.iter().any(|a| a.status_code == "RESET"));
    assert!(
        new.iter().any(|a| a.user.is_some() && a.class == "SYSTEM"),
        "configuration changes"
    );
    assert!(
        new.iter()
            .all(|a| a.activity_time > before.activities.last().unwrap().activity_time)
    );
    assert_activity_log_is_consistent(&after, later);
    assert_counts_match_devices(&after);

    let contact = |f: &Fleet| f.devices.iter().map(|d| d.last_contact).fold(0.0, f64::max);
    assert!(
        contact(&after) > later.timestamp() as f64 - 900.0,
        "online devices check in"
    );
    let backups = |f: &Fleet| -> Vec<Option<String>> {
        f.hosts
            .iter()
            .map(|h| h.latest_backup_time.clone())
            .collect()
    };
    assert_ne!(
        backups(&before),
        backups(&after),
        "consoles took their daily backup"
    );
    assert_eq!(
        after
            .hosts
            .iter()
            .filter(|h| h.latest_backup_time.as_deref() == Some(""))
            .count(),
        before
            .hosts
            .iter()
            .filter(|h| h.latest_backup_time.as_deref() == Some(""))
            .count()
    );
}

#[test]
fn advancing_a_week_moves_unifi_devices() {
    let before = default_fleet();
    let mut after = before.clone();
    after.advance(now() + Duration::days(7));
    let by_id = |f: &Fleet| -> HashMap<String, (String, String)> {
        f.unifi_devices
            .iter()
            .map(|d| (d.id.clone(), (d.status.clone(), d.version.clone())))
            .collect()
    };
    let (old, new) = (by_id(&before), by_id(&after));
    let status_changes = old
        .iter()
        .filter(|(id, v)| new.get(*id).is_some_and(|n| n.0 != v.0));
    assert!(
        status_changes.count() > 0,
        "UniFi devices went offline or came back"
    );
    let upgrades = old
        .iter()
        .filter(|(id, v)| new.get(*id).is_some_and(|n| n.1 != v.1));
    assert!(upgrades.count() > 0, "firmware was upgraded");
    assert_ne!(old.len(), new.len(), "devices were adopted or removed");
    assert_counts_match_devices(&after);
    for host in after.hosts.iter().filter(|h| h.kind == HostKind::Console) {
        let console = after
            .unifi_devices
            .iter()
            .find(|d| d.host_id == host.id && d.is_console);
        assert_eq!(
            console.map(|d| d.version.as_str()),
            Some(host.version.as_str())
        );
    }
}

#[test]
fn identical_ticks_give_identical_fleets_however_they_are_split() {
    let ticks = [
        Duration::minutes(7),
        Duration::hours(1),
        Duration::minutes(50),
        Duration::hours(20),
    ];
    let run = || {
        let mut fleet = default_fleet();
        let mut at = now();
        for tick in ticks {
            at += tick;
            fleet.advance(at);
        }
        fleet
    };
    let (a, b) = (run(), run());
    assert_eq!(json_of(&a), json_of(&b));

    let mut at_once = default_fleet();
    at_once.advance(a.evolved_to);
    assert_eq!(
        json_of(&a),
        json_of(&at_once),
        "steps sit on fixed boundaries"
    );

    let mut other_seed = generate(
        &FleetConfig {
            seed: 9,
            ..FleetConfig::default()
        },
        now(),
    );
    other_seed.advance(a.evolved_to);
    assert_ne!(json!(a.alerts), json!(other_seed.alerts));
}

#[test]
fn advancing_to_the_past_changes_nothing() {
    let mut fleet = default_fleet();
    let before = json_of(&fleet);
    fleet.advance(now() - Duration::hours(3));
    assert_eq!(json_of(&fleet), before);
}

#[test]
fn ten_thousand_sites_generate() {
    let fleet = generate(&FleetConfig::scaled(3, 10_000), now());
    assert_eq!(fleet.sites.len(), 10_000);
    assert_eq!(fleet.organizations.len(), 10_000);
    assert_eq!(fleet.devices.len(), FleetConfig::scaled(3, 10_000).devices);
    let ids: HashSet<&str> = fleet.sites.iter().map(|s| s.site_id.as_str()).collect();
    assert_eq!(ids.len(), 10_000);
    let macs: HashSet<&str> = fleet.unifi_devices.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(macs.len(), fleet.unifi_devices.len());
    assert!(fleet.activities.windows(2).all(|w| w[0].id < w[1].id));
}

#[tokio::test]
async fn the_control_api_tick_evolves_the_served_fleet() {
    let running = common::start_sim().await;
    let read = |running: &mock_apis::RunningSim| {
        running
            .sim
            .fleet
            .read(|f| (f.evolved_to, f.activities.len(), f.next_activity_id))
    };
    let (evolved, activities, next_id) = read(&running).expect("fleet readable");

    let (status, body) = common::control_post(&running, "/tick", json!({"duration": "1d"})).await;
    assert_eq!(status, 200, "{body}");

    let (evolved_after, activities_after, next_id_after) = read(&running).expect("fleet readable");
    assert!(evolved_after >= evolved + Duration::days(1));
    assert!(activities_after > activities && next_id_after > next_id);
    running.shutdown().await;
}
