//! `config.json` as an operator meets it: real files in a temporary directory,
//! the error text they would read, and the repository's own config.json.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use oberaconnect::config::{
    Config, ConfigError, Dataset, ENV_OVERRIDES, NinjaoneOutage, NinjaoneRegion, NotionVersion,
    SiteId,
};
use oberaconnect::secrets::SecretName;

const REPO_CONFIG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../config.json");
const REPO_ENV_EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.env.example");

const SITE: &str = "661f0a6b2c3d4e5f60718293";

fn no_env(_: &str) -> Option<String> {
    None
}

/// Writes `text` as `config.json` in a fresh directory and loads it via
/// `--config`, with no environment.
fn load_text(text: &str) -> (tempfile::TempDir, PathBuf, Result<Config, ConfigError>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("config.json");
    std::fs::write(&path, text).expect("write config");
    let result = Config::load_with(Some(&path), &no_env);
    (dir, path, result)
}

/// The error text for `text`, which must fail; checks that it names the file.
fn error_text(text: &str) -> String {
    let (_dir, path, result) = load_text(text);
    let error = result.expect_err("config should be refused").to_string();
    assert!(
        error.contains(&path.display().to_string()),
        "no file name in: {error}"
    );
    assert!(error.contains("\nhint: "), "no hint in: {error}");
    error
}

fn assert_contains(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "expected {part:?} in:\n{text}");
    }
}

#[test]
fn the_repository_config_loads_with_the_simulator_databases() {
    let config = Config::load_with(Some(Path::new(REPO_CONFIG)), &no_env).expect("repo config");

    let ids: Vec<&str> = Dataset::ALL
        .into_iter()
        .map(|dataset| config.database(dataset).map(|id| id.as_str()).expect("id"))
        .collect();
    assert_eq!(
        ids,
        [
            "00000000-0000-4000-8000-00000000db01",
            "00000000-0000-4000-8000-00000000db02",
            "00000000-0000-4000-8000-00000000db03",
            "00000000-0000-4000-8000-00000000db04",
        ]
    );
    // The repository file shows the defaults, so it must agree with them.
    let empty = Config::from_json("{}", Path::new(REPO_CONFIG), &no_env).expect("empty");
    assert_eq!(config.settings, empty.settings);
    assert_eq!(config.apis, empty.apis);
    assert_eq!(config.state, empty.state);
    assert_eq!(config.audit_log, empty.audit_log);
}

#[test]
fn an_empty_file_gets_the_documented_defaults() {
    let (dir, _path, result) = load_text("{}");
    let config = result.expect("{} is valid");
    let s = &config.settings;

    assert_eq!(s.business_time_zone, chrono_tz::America::Chicago);
    assert_eq!(s.health.review_threshold, 70);
    assert_eq!(s.health.min_free_disk_percent, 10);
    assert_eq!(s.guards.min_source_ratio, 0.5);
    assert_eq!(s.guards.max_change_ratio, 0.25);
    assert_eq!(s.guards.retire_after_absences, 3);
    assert_eq!(s.ninjaone_outage, NinjaoneOutage::Fail);
    assert_eq!(s.notion.version, NotionVersion::V2026_03_11);
    assert_eq!(s.notion.version.as_str(), "2026-03-11");
    assert_eq!(s.notion.requests_per_second, 3.0);
    assert_eq!((s.notion.burst, s.notion.in_flight), (3, 4));
    assert_eq!((s.retry.max_attempts, s.retry.max_elapsed_secs), (6, 120));
    assert_eq!(s.key_vault.timeout(), std::time::Duration::from_secs(10));
    assert!(!s.key_vault.strict);
    assert_eq!(s.freshness_hours, 24);

    assert_eq!(
        config.state.path,
        dir.path().join("state/oberaconnect.sqlite3")
    );
    assert_eq!(config.audit_log, dir.path().join("logs/audit.jsonl"));
    assert_eq!(config.apis.notion.as_str(), "https://api.notion.com/");
    assert_eq!(config.apis.unifi.as_str(), "https://api.ui.com/");
    assert_eq!(config.apis.ninjaone.as_str(), "https://us2.ninjarmm.com/");
    assert_eq!(config.apis.ninjaone_region, Some(NinjaoneRegion::Us2));
    assert!(config.site_map.is_empty());
}

#[test]
fn a_missing_database_is_an_error_only_when_asked_for() {
    let (_dir, path, result) =
        load_text(r#"{"databases": {"alerts": "00000000000040008000000000000db4"}}"#);
    let config = result.expect("partial databases are valid");
    assert_eq!(
        config.database(Dataset::Alerts).map(|id| id.as_str()).ok(),
        Some("00000000-0000-4000-8000-000000000db4")
    );
    let error = config
        .database(Dataset::DailyHealth)
        .expect_err("absent")
        .to_string();
    assert_contains(
        &error,
        &[
            "`daily_health` (Daily Health Summaries)",
            &path.display().to_string(),
            "hint: add \"daily_health\"",
        ],
    );
}

#[test]
fn the_earlier_device_issues_key_means_alerts() {
    let text = r#"{"databases": {"device_issues": "00000000-0000-4000-8000-00000000db04"}}"#;
    let (_dir, _path, result) = load_text(text);
    let config = result.expect("alias accepted");
    assert!(config.database(Dataset::Alerts).is_ok());
}

#[test]
fn the_site_map_is_read_and_normalised() {
    let text = format!(
        r#"{{"site_map": {{"{}": {{"ninjaone_organization_id": 12, "state": "Texas",
            "contract_renewal": "2027-03-01", "primary_contact": "Jane Doe"}}}}}}"#,
        SITE.to_uppercase()
    );
    let (_dir, _path, result) = load_text(&text);
    let config = result.expect("valid site map");
    let site = SiteId::parse(SITE).expect("site id");
    let entry = config.site(&site).expect("entry under the lower-case id");
    assert_eq!(entry.ninjaone_organization_id, Some(12));
    assert_eq!(entry.state.as_deref(), Some("Texas"));
    assert_eq!(
        entry.contract_renewal.map(|d| d.to_string()).as_deref(),
        Some("2027-03-01")
    );
    assert_eq!(entry.primary_contact.as_deref(), Some("Jane Doe"));
}

#[test]
fn a_missing_file_says_where_to_get_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("nope.json");
    let env = |name: &str| (name == "OBERACONNECT_CONFIG").then(|| path.display().to_string());
    let error = Config::load_with(None, &env)
        .expect_err("missing")
        .to_string();
    assert_contains(
        &error,
        &[
            &format!("config file {} not found", path.display()),
            "given by OBERACONNECT_CONFIG",
            "hint: copy config.json from the root of the oberaconnect repository",
        ],
    );
}

#[test]
fn invalid_json_gives_line_and_column() {
    let error = error_text("{\n  \"settings\": {\n    \"freshness_hours\": 24,\n  }\n}\n");
    assert_contains(
        &error,
        &[
            "invalid JSON in",
            "at line 4 column 3",
            "no trailing commas",
        ],
    );
}

#[test]
fn an_unknown_key_is_named_with_the_nearest_valid_one() {
    let error = error_text(r#"{"settings": {"guards": {"max_change_ratoi": 0.1}}}"#);
    assert_contains(
        &error,
        &[
            "unknown key `max_change_ratoi` in `settings.guards`",
            "line 1 column",
            "did you mean `max_change_ratio`?",
            "retire_after_absences",
        ],
    );

    let top = error_text(r#"{"maker_checker": {}}"#);
    assert_contains(
        &top,
        &[
            "unknown key `maker_checker` in `.`",
            "valid keys here: databases",
        ],
    );
    assert!(!top.contains("did you mean"), "{top}");
}

#[test]
fn a_wrong_type_names_the_field_and_the_expected_type() {
    let error = error_text("{\"settings\": {\n \"guards\": {\"min_source_ratio\": \"half\"}}}");
    assert_contains(
        &error,
        &[
            "invalid `settings.guards.min_source_ratio`",
            "at line 2",
            "expected f64",
            "hint:",
        ],
    );

    let outage = error_text(r#"{"settings": {"ninjaone_outage": "zeros"}}"#);
    assert_contains(
        &outage,
        &["`settings.ninjaone_outage`", "`fail`", "`keep_columns`"],
    );

    let site = error_text(&format!(
        r#"{{"site_map": {{"{SITE}": {{"ninjaone_organization_id": "12"}}}}}}"#
    ));
    assert_contains(
        &site,
        &[
            &format!("`site_map.{SITE}.ninjaone_organization_id`"),
            "u64",
        ],
    );
}

#[test]
fn a_file_that_is_not_an_object_or_repeats_a_key_is_refused() {
    let array = error_text("[]");
    assert_contains(&array, &["invalid `.`", "must hold one JSON object"]);

    let both = error_text(r#"{"databases": {"alerts": "x", "device_issues": "y"}}"#);
    assert_contains(
        &both,
        &[
            "invalid `databases`",
            "duplicate field `alerts`",
            "only one of",
        ],
    );
}

#[test]
fn a_malformed_database_id_is_refused() {
    let error = error_text(r#"{"databases": {"config_changes": "db03"}}"#);
    assert_contains(
        &error,
        &[
            "invalid `databases.config_changes` in",
            "`db03` is not a Notion database id",
            "hint: a Notion database id is 32 hex digits",
        ],
    );
}

#[test]
fn two_datasets_cannot_share_a_database() {
    let id = "00000000-0000-4000-8000-00000000db01";
    let error = error_text(&format!(
        r#"{{"databases": {{"customer_status": "{id}",
        "alerts": "{}"}}}}"#,
        id.replace('-', "")
    ));
    assert_contains(
        &error,
        &[
            "`databases.alerts`",
            "`customer_status` already uses this id",
        ],
    );
}

#[test]
fn secret_looking_keys_are_refused_without_their_value() {
    let value = "ntn_s3cr3t-VALUE-never-shown";
    for (text, field) in [
        (format!(r#"{{"notion_token": "{value}"}}"#), "notion_token"),
        (
            format!(r#"{{"unifi": {{"api_key": "{value}"}}}}"#),
            "unifi.api_key",
        ),
        (
            format!(r#"{{"apis": {{"ClientSecret": "{value}"}}}}"#),
            "apis.ClientSecret",
        ),
        (
            format!(r#"{{"site_map": {{"{SITE}": {{"Password": "{value}"}}}}}}"#),
            &*format!("site_map.{SITE}.Password"),
        ),
    ] {
        let error = error_text(&text);
        assert_contains(
            &error,
            &[
                &format!("`{field}` in"),
                "looks like a secret",
                "NOTION_TOKEN",
                "Key Vault",
            ],
        );
        assert!(!error.contains(value), "value leaked: {error}");
        assert!(!error.contains("s3cr3t"), "value leaked: {error}");
    }
}

#[test]
fn token_values_and_placeholders_are_refused_without_their_value() {
    let token = format!("ntn_{}", "Q".repeat(40));
    let error = error_text(&format!(
        r#"{{"site_map": {{"{SITE}": {{"primary_contact": "{token}"}}}}}}"#
    ));
    assert_contains(&error, &["value of `site_map.", "looks like a secret"]);
    assert!(!error.contains(&token), "value leaked: {error}");

    let placeholder = error_text(r#"{"apis": {"notion": "${NOTION_URL}"}}"#);
    assert_contains(&placeholder, &["`apis.notion`", "expands no variables"]);
}

#[test]
fn credentials_in_an_api_url_are_refused_without_them() {
    let error = error_text(r#"{"apis": {"unifi": "https://admin:hunter2@api.ui.com"}}"#);
    assert_contains(
        &error,
        &["`apis.unifi`", "contains a user name or password"],
    );
    assert!(
        !error.contains("hunter2") && !error.contains("admin"),
        "leaked: {error}"
    );
}

#[test]
fn bad_values_name_the_field_and_the_fix() {
    let cases: [(String, &[&str]); 13] = [
        (
            format!(r#"{{"site_map": {{"{SITE}": {{"contract_renewal": "2027-3-1"}}}}}}"#),
            &[
                &format!("`site_map.{SITE}.contract_renewal`"),
                "`2027-3-1`",
                "YYYY-MM-DD",
            ],
        ),
        (
            r#"{"site_map": {"acme-main": {}}}"#.into(),
            &[
                "`site_map.acme-main`",
                "is not a UniFi site id",
                "24 hex digits",
            ],
        ),
        (
            r#"{"settings": {"business_time_zone": "America/Chicgo"}}"#.into(),
            &[
                "`settings.business_time_zone`",
                "`America/Chicgo`",
                "IANA time zone",
            ],
        ),
        (
            r#"{"settings": {"guards": {"min_source_ratio": 1.5}}}"#.into(),
            &[
                "`settings.guards.min_source_ratio`",
                "`1.5` is not between 0 and 1",
            ],
        ),
        (
            r#"{"settings": {"guards": {"max_change_ratio": -0.1}}}"#.into(),
            &[
                "`settings.guards.max_change_ratio`",
                "`-0.1` is not between 0 and 1",
            ],
        ),
        (
            r#"{"settings": {"notion": {"requests_per_second": 0}}}"#.into(),
            &[
                "`settings.notion.requests_per_second`",
                "is not greater than zero",
            ],
        ),
        (
            r#"{"settings": {"notion": {"burst": 0}}}"#.into(),
            &["`settings.notion.burst`", "`0` is not greater than zero"],
        ),
        (
            r#"{"settings": {"retry": {"max_attempts": 0}}}"#.into(),
            &["`settings.retry.max_attempts`", "greater than zero"],
        ),
        (
            r#"{"settings": {"health": {"review_threshold": 101}}}"#.into(),
            &[
                "`settings.health.review_threshold`",
                "`101` is not between 0 and 100",
            ],
        ),
        (
            r#"{"settings": {"health": {"min_free_disk_percent": 250}}}"#.into(),
            &[
                "`settings.health.min_free_disk_percent`",
                "`250` is not between 0 and 100",
                "a percentage is a whole number",
            ],
        ),
        (
            r#"{"settings": {"notion": {"version": "2022-06-28"}}}"#.into(),
            &[
                "`settings.notion.version`",
                "use one of 2026-03-11, 2025-09-03",
            ],
        ),
        (
            r#"{"apis": {"notion": "http://api.notion.com"}}"#.into(),
            &["`apis.notion`", "plain http", "only for loopback"],
        ),
        (
            r#"{"apis": {"ninjaone_region": "mars"}}"#.into(),
            &[
                "`apis.ninjaone_region`",
                "`mars` is not a NinjaOne region",
                "us2",
            ],
        ),
    ];
    for (text, parts) in cases {
        assert_contains(&error_text(&text), parts);
    }
}

#[test]
fn a_site_listed_twice_is_refused() {
    let upper = SITE.to_uppercase();
    let error = error_text(&format!(
        r#"{{"site_map": {{"{SITE}": {{}}, "{upper}": {{}}}}}}"#
    ));
    assert_contains(&error, &[&format!("`site_map.{upper}`"), "is listed twice"]);
}

#[test]
fn http_to_loopback_is_accepted_for_the_simulator() {
    let text = r#"{"apis": {"notion": "http://127.0.0.1:8089", "unifi": "http://localhost:9",
        "ninjaone": "http://[::1]:7/"}}"#;
    let (_dir, _path, result) = load_text(text);
    let apis = result.expect("loopback http is fine").apis;
    assert_eq!(apis.notion.as_str(), "http://127.0.0.1:8089/");
    assert_eq!(apis.ninjaone.as_str(), "http://[::1]:7/");
    assert_eq!(
        apis.ninjaone_region, None,
        "an explicit URL wins over the region"
    );
}

#[test]
fn environment_overrides_win_over_the_file() {
    let vars: BTreeMap<&str, &str> = [
        ("NOTION_API_URL", "http://127.0.0.1:1234"),
        ("NOTION_VERSION", "2025-09-03"),
        ("UNIFI_API_URL", "https://unifi.proxy.example/site-manager"),
        ("NINJAONE_REGION", "eu"),
        ("OBERACONNECT_STATE_PATH", "/var/lib/oc/state.sqlite3"),
        ("OBERACONNECT_AUDIT_LOG", "audit.jsonl"),
        ("KEY_VAULT_STRICT", "TRUE"),
    ]
    .into();
    let env = |name: &str| vars.get(name).map(|v| (*v).to_owned());
    let config = Config::load_with(Some(Path::new(REPO_CONFIG)), &env).expect("loads");

    assert_eq!(config.apis.notion.as_str(), "http://127.0.0.1:1234/");
    assert_eq!(config.settings.notion.version, NotionVersion::V2025_09_03);
    assert_eq!(
        config.apis.unifi.as_str(),
        "https://unifi.proxy.example/site-manager"
    );
    assert_eq!(config.apis.ninjaone.as_str(), "https://eu.ninjarmm.com/");
    assert_eq!(config.apis.ninjaone_region, Some(NinjaoneRegion::Eu));
    assert_eq!(config.state.path, Path::new("/var/lib/oc/state.sqlite3"));
    assert_eq!(config.audit_log, Path::new("audit.jsonl"));
    assert!(config.settings.key_vault.strict);
}

#[test]
fn ninjaone_url_from_the_environment_wins_over_every_region() {
    let env = |name: &str| match name {
        "NINJAONE_REGION" => Some("ca".to_owned()),
        "NINJAONE_API_URL" => Some("http://127.0.0.1:5555".to_owned()),
        _ => None,
    };
    let config = Config::load_with(Some(Path::new(REPO_CONFIG)), &env).expect("loads");
    assert_eq!(config.apis.ninjaone.as_str(), "http://127.0.0.1:5555/");
    assert_eq!(config.apis.ninjaone_region, None);
}

#[test]
fn bad_environment_values_name_the_variable() {
    for (var, value, part) in [
        ("NOTION_API_URL", "http://notion.example", "plain http"),
        ("NINJAONE_REGION", "us3", "is not a NinjaOne region"),
        (
            "NOTION_VERSION",
            "2021-05-13",
            "not a supported Notion-Version",
        ),
        ("KEY_VAULT_STRICT", "maybe", "is not true or false"),
    ] {
        let env = |name: &str| (name == var).then(|| value.to_owned());
        let error = Config::load_with(Some(Path::new(REPO_CONFIG)), &env)
            .expect_err("refused")
            .to_string();
        assert_contains(
            &error,
            &[&format!("environment variable `{var}`"), part, "hint:"],
        );
    }
}

#[test]
fn empty_environment_values_count_as_unset() {
    let env = |name: &str| (name != "PATH").then(|| "  ".to_owned());
    let config = Config::load_with(Some(Path::new(REPO_CONFIG)), &env).expect("loads");
    assert_eq!(config.apis.notion.as_str(), "https://api.notion.com/");
}

#[test]
fn the_config_path_comes_from_flag_then_env_then_default() {
    let dir = tempfile::tempdir().expect("temp dir");
    let from_env = dir.path().join("env.json");
    let from_flag = dir.path().join("flag.json");
    std::fs::write(&from_env, r#"{"settings": {"freshness_hours": 6}}"#).expect("write");
    std::fs::write(&from_flag, r#"{"settings": {"freshness_hours": 12}}"#).expect("write");
    let env = |name: &str| (name == "OBERACONNECT_CONFIG").then(|| from_env.display().to_string());

    let flagged = Config::load_with(Some(&from_flag), &env).expect("flag");
    assert_eq!(
        (flagged.path.as_path(), flagged.settings.freshness_hours),
        (&*from_flag, 12)
    );
    let by_env = Config::load_with(None, &env).expect("env");
    assert_eq!(by_env.settings.freshness_hours, 6);

    let (path, origin) = oberaconnect::config::locate(None, &no_env);
    assert_eq!(path, Path::new("config.json"));
    assert_eq!(origin, oberaconnect::config::PathOrigin::Default);
}

#[test]
fn env_example_lists_every_variable_the_toolkit_reads() {
    let text = std::fs::read_to_string(REPO_ENV_EXAMPLE).expect(".env.example");
    let listed = |var: &str| {
        text.lines().any(|line| {
            line.trim_start_matches("# ")
                .starts_with(&format!("{var}="))
        })
    };
    let secrets = SecretName::ALL.map(SecretName::env_name);
    let overrides = ENV_OVERRIDES.map(|o| o.var);
    let others = [
        "OBERACONNECT_CONFIG",
        "AZURE_KEY_VAULT_URL",
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_AUTHORITY_HOST",
        "IDENTITY_ENDPOINT",
        "IDENTITY_HEADER",
        "DR_TEST_MODE",
        "DR_TEST_URL",
        "DR_TEST_STATE_DIR",
        "DR_TEST_FAST",
        "DR_TEST_SITES",
        "OBERACONNECT_BIN_DIR",
        "OBERACONNECT_SERVICE",
        "REDIS_URL",
        "RUST_LOG",
    ];
    for var in secrets.iter().chain(&overrides).chain(&others) {
        assert!(listed(var), "{var} is missing from .env.example");
    }
}
