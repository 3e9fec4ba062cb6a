//! Identifiers: UUIDs as clients send them, property ids, select option ids and page URLs.
//!
//! Property ids look like Notion's: a few characters, URL-encoded (`%3ClH%5B`), and stable for
//! a property's lifetime. They are derived from a hash so that the seeded databases have the
//! same ids in every run.

use crate::rng::Rng;

/// The dashed lower-case form of a UUID given with or without dashes.
pub fn normalize_uuid(text: &str) -> Option<String> {
    let trimmed = text.trim();
    let compact = trimmed.len() == 32 && trimmed.bytes().all(|b| b.is_ascii_hexdigit());
    let dashed = trimmed.len() == 36;
    if !compact && !dashed {
        return None;
    }
    uuid::Uuid::parse_str(trimmed)
        .ok()
        .map(|id| id.hyphenated().to_string())
}

/// A new random page, database or data source id.
pub fn new_uuid() -> String {
    uuid::Uuid::new_v4().hyphenated().to_string()
}

/// A UUID derived from `parts`: the same parts give the same id.
pub fn stable_uuid(parts: &[&str]) -> String {
    rng_for(parts).uuid().hyphenated().to_string()
}

/// A property id for the `attempt`-th try at naming property `name` of `data_source_id`:
/// four characters, the non-alphanumeric ones percent-encoded.
pub fn property_id(data_source_id: &str, name: &str, attempt: u64) -> String {
    const ALPHABET: &[u8] =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789;:<>=?@[]^{|}~!";
    let mut rng = rng_for(&[data_source_id, name, &attempt.to_string()]);
    let mut id = String::new();
    for _ in 0..4 {
        let byte = ALPHABET[rng.below(ALPHABET.len() as u64) as usize];
        if byte.is_ascii_alphanumeric() {
            id.push(byte as char);
        } else {
            id.push_str(&format!("%{byte:02X}"));
        }
    }
    id
}

/// `text` with each `%XX` escape decoded (invalid escapes kept as they are).
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escape = bytes
            .get(i + 1..i + 3)
            .filter(|_| bytes[i] == b'%')
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escape {
            Some(byte) => {
                decoded.push(byte);
                i += 3;
            }
            None => {
                decoded.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// The URL Notion gives an object: the title as a slug, then the id without dashes.
pub fn notion_url(title: &str, id: &str) -> String {
    let compact = id.replace('-', "");
    let slug: Vec<String> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect();
    if slug.is_empty() {
        format!("https://www.notion.so/{compact}")
    } else {
        format!("https://www.notion.so/{}-{compact}", slug.join("-"))
    }
}

fn rng_for(parts: &[&str]) -> Rng {
    Rng::derive(0x6e6f_7469_6f6e, &parts.join("\u{1f}"), 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_accepted_with_or_without_dashes() {
        let dashed = "00000000-0000-4000-8000-00000000db01";
        assert_eq!(normalize_uuid(dashed).unwrap(), dashed);
        assert_eq!(
            normalize_uuid(
                "000000000000400080000000000 0db01"
                    .replace(' ', "")
                    .as_str()
            )
            .unwrap(),
            dashed
        );
        assert!(normalize_uuid("db01").is_none());
        assert!(normalize_uuid("{00000000-0000-4000-8000-00000000db01}").is_none());
    }

    #[test]
    fn property_ids_are_stable_and_decode() {
        let id = property_id("ds", "Health Score", 0);
        assert_eq!(id, property_id("ds", "Health Score", 0));
        assert_ne!(id, property_id("ds", "Health Score", 1));
        assert_eq!(percent_decode(&id).chars().count(), 4);
        assert_eq!(percent_decode("%3ClH%5B"), "<lH[");
    }

    #[test]
    fn urls_carry_a_slug() {
        assert_eq!(
            notion_url("Acme Dental", "b7e4c2a9-1f3d-4a6b-8e0c-5d2f9a1b3c47"),
            "https://www.notion.so/Acme-Dental-b7e4c2a91f3d4a6b8e0c5d2f9a1b3c47"
        );
    }
}
