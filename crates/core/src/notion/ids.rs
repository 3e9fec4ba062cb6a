//! Notion ids: UUIDs accepted with or without dashes, kept in the dashed lower-case form the
//! API answers with. Database, data source and page ids are distinct types because passing
//! one where another is expected gets a confusing 404 (NOTION.md section 2).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a text is not a Notion id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a Notion id (32 hex digits, dashes optional)")]
pub struct BadId(pub String);

/// Normalises `text` to the dashed lower-case UUID form.
pub fn normalise(text: &str) -> Result<String, BadId> {
    let hex: String = text.trim().chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(BadId(text.to_owned()));
    }
    let hex = hex.to_ascii_lowercase();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

macro_rules! notion_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses and normalises an id.
            pub fn parse(text: &str) -> Result<Self, BadId> {
                normalise(text).map(Self)
            }

            /// The dashed lower-case form.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = BadId;

            fn try_from(text: String) -> Result<Self, BadId> {
                Self::parse(&text)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = BadId;

            fn from_str(text: &str) -> Result<Self, BadId> {
                Self::parse(text)
            }
        }
    };
}

notion_id!(
    /// A database (the container in the Notion UI).
    DatabaseId
);
notion_id!(
    /// A data source (the schema and rows inside a database).
    DataSourceId
);
notion_id!(
    /// A page (a row of a data source, or a plain page).
    PageId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_both_forms_and_normalises() {
        let dashed = "2F1C9A4E-7B3D-4C55-9E0A-6D2B8F41C7A1";
        let bare = "2f1c9a4e7b3d4c559e0a6d2b8f41c7a1";
        assert_eq!(DatabaseId::parse(dashed), DatabaseId::parse(bare));
        assert_eq!(
            PageId::parse(bare).unwrap().as_str(),
            "2f1c9a4e-7b3d-4c55-9e0a-6d2b8f41c7a1"
        );
        assert!(DataSourceId::parse("2f1c9a4e").is_err());
        assert!(DataSourceId::parse("zz1c9a4e7b3d4c559e0a6d2b8f41c7a1").is_err());
    }
}
