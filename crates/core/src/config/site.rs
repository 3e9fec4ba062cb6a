//! The site map: what the MSP knows about each UniFi site that no API knows.
//!
//! A site that is not in the map is reported as unmatched by the syncs; this
//! module never guesses an entry from names and never fills in defaults.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;

/// A UniFi Site Manager site id: 24 hex digits, kept in lower case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SiteId(String);

impl SiteId {
    /// Parses 24 hex digits in any case; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let valid = text.len() == 24 && text.chars().all(|c| c.is_ascii_hexdigit());
        valid.then(|| SiteId(text.to_ascii_lowercase()))
    }

    /// The id in lower case, as UniFi writes it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SiteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One entry of `site_map`. Every field is optional; an absent field stays
/// empty in Notion rather than being guessed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteEntry {
    /// `ninjaone_organization_id`: the NinjaOne organization of this site's
    /// customer (a positive integer). Absent: the site has no NinjaOne data and
    /// its NinjaOne columns stay empty.
    pub ninjaone_organization_id: Option<u64>,
    /// `state`: the US state shown in the Customer Status Board's State column
    /// (for example `Texas`).
    pub state: Option<String>,
    /// `contract_renewal`: the contract renewal date, written `YYYY-MM-DD`.
    pub contract_renewal: Option<NaiveDate>,
    /// `primary_contact`: the customer's primary contact, as free text.
    pub primary_contact: Option<String>,
}

/// The `site_map` section: site id to entry. Empty by default.
pub type SiteMap = BTreeMap<SiteId, SiteEntry>;

/// Parses a `YYYY-MM-DD` date strictly: four-digit year, two-digit month and
/// day, nothing else. (chrono alone would also take `2027-3-1`.)
pub(super) fn parse_date(text: &str) -> Option<NaiveDate> {
    let shape_ok = text.len() == 10
        && text.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape_ok {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_ids_are_24_hex_digits_in_any_case() {
        let id = SiteId::parse("661F0A6B2C3D4E5F60718293");
        assert_eq!(
            id.as_ref().map(SiteId::as_str),
            Some("661f0a6b2c3d4e5f60718293")
        );
        for text in [
            "",
            "661f0a6b2c3d4e5f6071829",
            "661f0a6b2c3d4e5f607182933",
            "x".repeat(24).as_str(),
        ] {
            assert_eq!(SiteId::parse(text), None, "{text}");
        }
    }

    #[test]
    fn dates_must_be_written_in_full() {
        assert_eq!(
            parse_date("2027-03-01"),
            NaiveDate::from_ymd_opt(2027, 3, 1)
        );
        for text in [
            "2027-3-1",
            "2027-02-30",
            "03/01/2027",
            "2027-03-01T00:00",
            " 2027-03-01",
        ] {
            assert_eq!(parse_date(text), None, "{text}");
        }
    }
}
