//! Environment variables that override `config.json`, all in one place.
//!
//! An override wins over the file. A variable that is unset, empty or only
//! white space counts as unset. Values are checked by the same rules as the
//! file, and an error names the variable. Paths given here are used as they
//! are (a relative path is taken from the working directory, unlike paths in
//! the file).
//!
//! Secrets (`NOTION_TOKEN`, ...) are not config and are read by
//! [`crate::secrets`]; DR test mode (`DR_TEST_*`) by [`crate::dr_test`].

use std::path::PathBuf;

use super::error::{ConfigError, Origin, Problem};
use super::{Config, validate};

/// Chooses the config file when no `--config` flag is given.
pub const CONFIG_PATH_VAR: &str = "OBERACONNECT_CONFIG";

/// One environment override: the variable and the field it replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvOverride {
    /// The variable's name.
    pub var: &'static str,
    /// The `config.json` field it overrides, as a dotted path.
    pub field: &'static str,
}

/// Every override, in the order they are applied.
///
/// | variable                  | overrides                   |
/// |---------------------------|-----------------------------|
/// | `NOTION_API_URL`          | `apis.notion`               |
/// | `NOTION_VERSION`          | `settings.notion.version`   |
/// | `UNIFI_API_URL`           | `apis.unifi`                |
/// | `NINJAONE_REGION`         | `apis.ninjaone_region`      |
/// | `NINJAONE_API_URL`        | `apis.ninjaone`             |
/// | `OBERACONNECT_STATE_PATH` | `state.path`                |
/// | `OBERACONNECT_AUDIT_LOG`  | `audit_log`                 |
/// | `KEY_VAULT_STRICT`        | `settings.key_vault.strict` |
///
/// For NinjaOne the environment as a whole wins over the file, and within one
/// of them a URL wins over a region: `NINJAONE_API_URL`, then
/// `NINJAONE_REGION`, then `apis.ninjaone`, then `apis.ninjaone_region`.
/// `KEY_VAULT_STRICT` takes `true`/`false` (also `1`/`0`, `yes`/`no`).
pub const ENV_OVERRIDES: [EnvOverride; 8] = [
    EnvOverride {
        var: "NOTION_API_URL",
        field: "apis.notion",
    },
    EnvOverride {
        var: "NOTION_VERSION",
        field: "settings.notion.version",
    },
    EnvOverride {
        var: "UNIFI_API_URL",
        field: "apis.unifi",
    },
    EnvOverride {
        var: "NINJAONE_REGION",
        field: "apis.ninjaone_region",
    },
    EnvOverride {
        var: "NINJAONE_API_URL",
        field: "apis.ninjaone",
    },
    EnvOverride {
        var: "OBERACONNECT_STATE_PATH",
        field: "state.path",
    },
    EnvOverride {
        var: "OBERACONNECT_AUDIT_LOG",
        field: "audit_log",
    },
    EnvOverride {
        var: "KEY_VAULT_STRICT",
        field: "settings.key_vault.strict",
    },
];

/// Applies every override set in `var` to `config`.
pub(super) fn apply(
    config: &mut Config,
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<(), ConfigError> {
    let get = |name: &str| {
        var(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let origin = |var: &'static str| Origin::Env { var };

    if let Some(text) = get("NOTION_API_URL") {
        config.apis.notion = validate::base_url(&text, origin("NOTION_API_URL"))?;
    }
    if let Some(text) = get("NOTION_VERSION") {
        config.settings.notion.version = validate::notion_version(&text, origin("NOTION_VERSION"))?;
    }
    if let Some(text) = get("UNIFI_API_URL") {
        config.apis.unifi = validate::base_url(&text, origin("UNIFI_API_URL"))?;
    }
    if let Some(text) = get("NINJAONE_REGION") {
        let region = validate::ninjaone_region(&text, origin("NINJAONE_REGION"))?;
        config.apis.ninjaone = region.base_url();
        config.apis.ninjaone_region = Some(region);
    }
    if let Some(text) = get("NINJAONE_API_URL") {
        config.apis.ninjaone = validate::base_url(&text, origin("NINJAONE_API_URL"))?;
        config.apis.ninjaone_region = None;
    }
    if let Some(text) = get("OBERACONNECT_STATE_PATH") {
        config.state.path = PathBuf::from(text);
    }
    if let Some(text) = get("OBERACONNECT_AUDIT_LOG") {
        config.audit_log = PathBuf::from(text);
    }
    if let Some(text) = get("KEY_VAULT_STRICT") {
        config.settings.key_vault.strict = parse_bool(&text).ok_or(ConfigError::Invalid {
            origin: origin("KEY_VAULT_STRICT"),
            value: text,
            problem: Problem::Bool,
        })?;
    }
    Ok(())
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    }
}
