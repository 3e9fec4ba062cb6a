//! The vault's secrets and their versions, as persisted in the state directory.
//!
//! Key Vault names are case-insensitive, so secrets are keyed by their
//! lower-case name and keep the spelling they were first set with. Every set
//! adds a version; a get without a version returns the latest. The simulator
//! seeds the four secrets the toolkit reads with its own credentials and adds a
//! version when one of them is rotated.
//!
//! This module holds data only; the HTTP shapes live in `secrets.rs`.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Credentials;

/// The vault's secrets, with their versions.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct VaultStore {
    /// Secrets by lower-case name.
    secrets: BTreeMap<String, SecretRecord>,
}

/// One secret and all its versions.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SecretRecord {
    /// The name as first set; identifiers use this spelling.
    pub name: String,
    /// Versions, oldest first; never empty.
    pub versions: Vec<SecretVersion>,
}

/// One version of a secret.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct SecretVersion {
    /// 32 lower-case hex digits, as Key Vault's version identifiers.
    pub version: String,
    /// The secret value.
    pub value: String,
    /// `contentType` as the client set it.
    pub content_type: Option<String>,
    /// A disabled version cannot be read (403).
    pub enabled: bool,
    /// Creation time, Unix seconds.
    pub created: i64,
    /// Last update, Unix seconds.
    pub updated: i64,
    /// `nbf` attribute, Unix seconds.
    pub not_before: Option<i64>,
    /// `exp` attribute, Unix seconds.
    pub expires: Option<i64>,
    /// Tags as the client set them.
    pub tags: Option<BTreeMap<String, String>>,
    /// Whether the simulator wrote it from its own credentials (seed or
    /// rotation) rather than a client's `PUT`.
    pub from_credentials: bool,
}

impl fmt::Debug for SecretVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The value is a credential: never print it.
        f.debug_struct("SecretVersion")
            .field("version", &self.version)
            .field("enabled", &self.enabled)
            .field("created", &self.created)
            .finish_non_exhaustive()
    }
}

/// What a `PUT` asks to store.
#[derive(Clone, Default)]
pub struct NewVersion {
    /// The value.
    pub value: String,
    /// `contentType`.
    pub content_type: Option<String>,
    /// `attributes.enabled` (default true).
    pub enabled: Option<bool>,
    /// `attributes.nbf`.
    pub not_before: Option<i64>,
    /// `attributes.exp`.
    pub expires: Option<i64>,
    /// `tags`.
    pub tags: Option<BTreeMap<String, String>>,
}

/// A secret version found by name, with the name's stored spelling.
#[derive(Debug, Clone, Copy)]
pub struct Found<'a> {
    /// The name as first set.
    pub name: &'a str,
    /// The version.
    pub version: &'a SecretVersion,
}

/// Whether `name` is a valid Key Vault secret name: 1 to 127 of `0-9`, `a-z`,
/// `A-Z` and `-`.
pub fn valid_name(name: &str) -> bool {
    (1..=127).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

impl VaultStore {
    /// A vault holding the simulator's own credentials.
    pub fn seeded(credentials: &Credentials, now: DateTime<Utc>) -> Self {
        let mut store = Self::default();
        store.credentials_rotated(credentials, now);
        store
    }

    /// Stores new versions of the secrets whose credential changed.
    ///
    /// "Changed" compares with the last version the simulator itself wrote, so
    /// a value a client set by `PUT` survives the rotation of another
    /// credential.
    pub fn credentials_rotated(&mut self, credentials: &Credentials, now: DateTime<Utc>) {
        for (name, value) in credentials.vault_secrets() {
            let current = self.secrets.get(name).and_then(|record| {
                record
                    .versions
                    .iter()
                    .rev()
                    .find(|version| version.from_credentials)
            });
            if current.is_some_and(|version| version.value == value) {
                continue;
            }
            let new = NewVersion {
                value: value.to_owned(),
                ..NewVersion::default()
            };
            self.add(name, new, true, now);
        }
    }

    /// Adds a version set by a client and returns it.
    pub fn set(&mut self, name: &str, new: NewVersion, now: DateTime<Utc>) -> Found<'_> {
        self.add(name, new, false, now)
    }

    /// The latest version of a secret.
    pub fn latest(&self, name: &str) -> Option<Found<'_>> {
        let record = self.secrets.get(&name.to_ascii_lowercase())?;
        let version = record.versions.last()?;
        Some(Found {
            name: &record.name,
            version,
        })
    }

    /// One version of a secret.
    pub fn version(&self, name: &str, version: &str) -> Option<Found<'_>> {
        let record = self.secrets.get(&name.to_ascii_lowercase())?;
        let version = record
            .versions
            .iter()
            .find(|v| v.version.eq_ignore_ascii_case(version))?;
        Some(Found {
            name: &record.name,
            version,
        })
    }

    /// The latest version of every secret, by name.
    pub fn list(&self) -> impl Iterator<Item = Found<'_>> {
        self.secrets.values().filter_map(|record| {
            Some(Found {
                name: &record.name,
                version: record.versions.last()?,
            })
        })
    }

    fn add(
        &mut self,
        name: &str,
        new: NewVersion,
        from_credentials: bool,
        now: DateTime<Utc>,
    ) -> Found<'_> {
        let record = self
            .secrets
            .entry(name.to_ascii_lowercase())
            .or_insert_with(|| SecretRecord {
                name: name.to_owned(),
                versions: Vec::new(),
            });
        let seconds = now.timestamp();
        record.versions.push(SecretVersion {
            version: uuid::Uuid::new_v4().simple().to_string(),
            value: new.value,
            content_type: new.content_type,
            enabled: new.enabled.unwrap_or(true),
            created: seconds,
            updated: seconds,
            not_before: new.not_before,
            expires: new.expires,
            tags: new.tags,
            from_credentials,
        });
        let record = &*record;
        Found {
            name: &record.name,
            version: &record.versions[record.versions.len() - 1],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(store: &VaultStore, name: &str) -> String {
        store.latest(name).unwrap().version.value.clone()
    }

    #[test]
    fn seeded_with_the_four_credentials_and_names_are_case_insensitive() {
        let credentials = Credentials::for_seed(7);
        let store = VaultStore::seeded(&credentials, Utc::now());
        assert_eq!(value(&store, "Notion-Token"), credentials.notion_token);
        assert_eq!(value(&store, "unifi-api-token"), credentials.unifi_api_key);
        assert_eq!(store.list().count(), 4);
        let version = &store.latest("notion-token").unwrap().version.version;
        assert_eq!(version.len(), 32);
        assert!(version.bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn rotation_adds_versions_only_for_changed_credentials_and_keeps_client_values() {
        let mut credentials = Credentials::for_seed(7);
        let now = Utc::now();
        let mut store = VaultStore::seeded(&credentials, now);
        let custom = NewVersion {
            value: "set-by-an-operator".into(),
            ..NewVersion::default()
        };
        store.set("UNIFI-API-TOKEN", custom, now);

        credentials.rotate(7, crate::Api::Notion);
        store.credentials_rotated(&credentials, now);

        assert_eq!(value(&store, "notion-token"), credentials.notion_token);
        assert_eq!(store.secrets["notion-token"].versions.len(), 2);
        assert_eq!(value(&store, "unifi-api-token"), "set-by-an-operator");
        assert_eq!(store.secrets["ninjaone-client-id"].versions.len(), 1);
    }

    #[test]
    fn names_follow_key_vault_rules() {
        assert!(valid_name("notion-token"));
        assert!(valid_name(&"a".repeat(127)));
        assert!(!valid_name(""));
        assert!(!valid_name("notion_token"));
        assert!(!valid_name(&"a".repeat(128)));
    }
}
