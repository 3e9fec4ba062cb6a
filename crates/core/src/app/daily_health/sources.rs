//! What daily-health-sync reads: the sources now (for the run's snapshots), the history the
//! sources keep (ISP metrics, the activity log), and what other Notion databases hold (the
//! Customer Status pages rows link to, the manual change entries that cover drift).

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde_json::json;

use super::drift::ManualEntry;
use crate::app::context::Context;
use crate::app::unifi_fleet::UnifiFleet;
use crate::config::Dataset;
use crate::exit::Outcome;
use crate::model::alert_counts::AlertCounts;
use crate::model::customer_status::AlertsByOrganization;
use crate::model::daily_health::{IspDay, SiteSnapshot, isp_days};
use crate::model::site_config::{SiteConfig, devices_by_site};
use crate::ninjaone::{Alert, DeviceQuery};
use crate::notion::{DataSourceId, DatabaseId, PageId, Query};
use crate::state::StateStore;
use crate::sync::{RunFailure, SYNC_KEY};
use crate::unifi::{Host, MetricType, MetricWindow, Site};

/// One site as a run sees it.
#[derive(Debug, Clone)]
pub struct SiteInfo {
    /// UniFi site id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Its time zone (UniFi's, else the business time zone).
    pub zone: Tz,
    /// Its NinjaOne organization, from the site map.
    pub organization: Option<i64>,
}

impl SiteInfo {
    /// The site's local date at `at`.
    pub fn date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.zone).date_naive()
    }

    /// The instant local day `date` ends (the next day's first instant), DST-proof.
    pub fn day_end(&self, date: NaiveDate) -> DateTime<Utc> {
        day_start(self.zone, date + Duration::days(1))
    }

    /// The instant local day `date` starts.
    pub fn day_start(&self, date: NaiveDate) -> DateTime<Utc> {
        day_start(self.zone, date)
    }
}

/// The first instant of `date` in `zone`: midnight, or the first valid time after a gap.
fn day_start(zone: Tz, date: NaiveDate) -> DateTime<Utc> {
    (0..4)
        .filter_map(|hour| date.and_hms_opt(hour, 0, 0))
        .find_map(|t| t.and_local_timezone(zone).earliest())
        .map_or_else(
            || date.and_time(chrono::NaiveTime::MIN).and_utc(),
            |t| t.with_timezone(&Utc),
        )
}

/// The sources now.
pub struct Now {
    /// UniFi sites.
    pub sites: Vec<Site>,
    /// UniFi hosts.
    pub hosts: Vec<Host>,
    /// UniFi devices.
    pub unifi_devices: Vec<crate::unifi::Device>,
    /// NinjaOne active alerts.
    pub alerts: Vec<Alert>,
    /// NinjaOne devices.
    pub devices: Vec<crate::ninjaone::Device>,
}

/// Reads UniFi and NinjaOne as they are now. A NinjaOne failure fails the run: alert
/// counts are never written as zeros.
pub async fn read_now(context: &Context) -> Result<Now, RunFailure> {
    let ninjaone = |err: crate::ninjaone::NinjaoneError| {
        RunFailure::new(Outcome::of_failure(err.class()), err)
    };
    let every_device = DeviceQuery::default();
    let (fleet, (alerts, devices)) = tokio::try_join!(UnifiFleet::read(context), async {
        tokio::try_join!(
            context.ninjaone.alerts(None),
            context.ninjaone.devices(&every_device)
        )
        .map_err(ninjaone)
    })?;
    Ok(Now {
        sites: fleet.sites,
        hosts: fleet.hosts,
        unifi_devices: fleet.devices,
        alerts,
        devices: devices.devices,
    })
}

/// Every site with its name, zone and organization.
pub fn site_infos(context: &Context, now: &Now) -> Vec<SiteInfo> {
    let hosts: HashMap<&str, &Host> = now.hosts.iter().map(|h| (h.id.as_str(), h)).collect();
    let business = context.config.settings.business_time_zone;
    now.sites
        .iter()
        .map(|site| {
            let host = site
                .host_id
                .as_deref()
                .and_then(|id| hosts.get(id).copied());
            let zone = site
                .time_zone(host)
                .and_then(|name| name.parse::<Tz>().ok())
                .unwrap_or(business);
            let organization = crate::config::SiteId::parse(&site.id)
                .and_then(|id| context.config.site(&id))
                .and_then(|entry| entry.ninjaone_organization_id)
                .and_then(|org| i64::try_from(org).ok());
            SiteInfo {
                id: site.id.clone(),
                name: site.display_name(host),
                zone,
                organization,
            }
        })
        .collect()
}

/// This run's snapshot of each of `sites`.
pub fn snapshots(now: &Now, sites: &[SiteInfo]) -> HashMap<String, SiteSnapshot> {
    let by_org = AlertsByOrganization::new(&now.devices, &now.alerts);
    let devices = devices_by_site(&now.sites, &now.unifi_devices);
    let unifi: HashMap<&str, &Site> = now.sites.iter().map(|s| (s.id.as_str(), s)).collect();
    sites
        .iter()
        .filter_map(|info| {
            let site = unifi.get(info.id.as_str())?;
            let counts = site.counts.clone().unwrap_or_default();
            let config = SiteConfig::of(site, devices.get(&info.id).map(Vec::as_slice));
            let alerts = info.organization.map(|org| {
                AlertCounts::of(
                    by_org
                        .of(org)
                        .iter()
                        .map(|a| (a.message.as_deref().unwrap_or(""), a.severity.as_deref())),
                )
            });
            let snapshot = SiteSnapshot {
                site_name: info.name.clone(),
                devices_total: counts.total_device,
                devices_offline: counts.offline_device,
                wifi_clients: counts.wifi_client,
                alerts,
                fingerprint: config.fingerprint(),
            };
            Some((info.id.clone(), snapshot))
        })
        .collect()
}

/// The 1-hour ISP metrics of every site from `begin` (clamped to what UniFi keeps) to
/// `end`, by site and local day.
pub async fn isp_history(
    context: &Context,
    sites: &[SiteInfo],
    begin: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<HashMap<String, std::collections::BTreeMap<NaiveDate, IspDay>>, RunFailure> {
    let oldest = end - Duration::days(super::days::METRICS_DAYS) + Duration::hours(1);
    let window = MetricWindow::Between {
        begin: Some(begin.max(oldest)),
        end: Some(end),
    };
    let metrics = context
        .unifi
        .isp_metrics(MetricType::OneHour, window)
        .await
        .map_err(|err| RunFailure::new(Outcome::of_failure(err.class()), err))?;
    let zones: HashMap<&str, Tz> = sites.iter().map(|s| (s.id.as_str(), s.zone)).collect();
    Ok(metrics
        .into_iter()
        .filter_map(|m| {
            let zone = *zones.get(m.site_id.as_str())?;
            Some((m.site_id.clone(), isp_days(&m.periods, zone)))
        })
        .collect())
}

/// A data source id, cached in the state store under `dataset` (it never changes for a
/// database).
async fn data_source(
    context: &Context,
    store: &StateStore,
    database: &DatabaseId,
) -> Result<DataSourceId, RunFailure> {
    let name = format!("data_source:{database}");
    let dataset = Dataset::DailyHealth;
    if let Some(id) = store
        .checkpoint(dataset, &name)
        .ok()
        .flatten()
        .and_then(|id| DataSourceId::parse(&id).ok())
    {
        return Ok(id);
    }
    let id = context
        .notion
        .data_source_of(database)
        .await
        .map_err(|err| RunFailure::new(Outcome::of_failure(err.class()), err))?;
    if let Err(err) = store.set_checkpoint(dataset, &name, id.as_str()) {
        tracing::warn!(cause = %err, "the data source id was not cached");
    }
    Ok(id)
}

/// The configured database of `dataset`, if any.
fn database(context: &Context, dataset: Dataset) -> Option<DatabaseId> {
    let configured = context.config.database(dataset).ok()?;
    DatabaseId::parse(configured.as_str()).ok()
}

/// The Customer Status page of each site, by site id; `None` when that database is not
/// configured.
pub async fn site_pages(
    context: &Context,
    store: &StateStore,
) -> Result<Option<HashMap<String, PageId>>, RunFailure> {
    let Some(database) = database(context, Dataset::CustomerStatus) else {
        return Ok(None);
    };
    let source = data_source(context, store, &database).await?;
    let query = Query {
        filter: None,
        properties: vec![SYNC_KEY.to_owned()],
    };
    let pages = context
        .notion
        .query(&source, &query)
        .await
        .map_err(|err| RunFailure::new(Outcome::of_failure(err.class()), err))?;
    Ok(Some(
        pages
            .into_iter()
            .filter_map(|page| Some((page.text(SYNC_KEY)?.to_owned(), page.id)))
            .collect(),
    ))
}

/// The manual Config Changes Log entries from `since` on; `None` when that database is not
/// configured.
pub async fn manual_entries(
    context: &Context,
    store: &StateStore,
    since: DateTime<Utc>,
) -> Result<Option<Vec<ManualEntry>>, RunFailure> {
    use crate::model::config_changes::property;
    let Some(database) = database(context, Dataset::ConfigChanges) else {
        return Ok(None);
    };
    let source = data_source(context, store, &database).await?;
    let query = Query {
        filter: Some(json!({ "and": [
            { "property": SYNC_KEY, "rich_text": { "contains": "manual:" } },
            { "property": property::TIMESTAMP,
              "date": { "on_or_after": since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true) } },
        ] })),
        properties: Vec::new(),
    };
    let pages = context
        .notion
        .query(&source, &query)
        .await
        .map_err(|err| RunFailure::new(Outcome::of_failure(err.class()), err))?;
    Ok(Some(
        pages
            .iter()
            .filter_map(|page| {
                let timestamp = match page.properties.get(property::TIMESTAMP) {
                    Some(crate::notion::PropertyValue::Date(Some(date))) => date.start.clone(),
                    _ => return None,
                };
                ManualEntry::parse(
                    page.text(SYNC_KEY)?,
                    page.text(property::SITE_NAME).unwrap_or(""),
                    &timestamp,
                )
            })
            .collect(),
    ))
}
