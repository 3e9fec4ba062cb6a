//! Tolerant field decoders for Site Manager answers (fact sheet section 1.3): every field may
//! be missing, `null` or of another type than documented, and none of that may fail a whole
//! page. A field that cannot be read is `None`; a list item that cannot be read is skipped.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A number, also from a numeric string; integers documented as such may come as decimals.
pub(super) fn number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let number = match Value::deserialize(d)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    Ok(number.filter(|v| v.is_finite()))
}

/// A string; numbers and booleans are kept as their text, `""` stays `""`.
pub(super) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

/// A boolean; anything else is unknown.
pub(super) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(Value::deserialize(d)?.as_bool())
}

/// An RFC 3339 time, with or without fractional seconds; `""` and garbage are unknown.
pub(super) fn time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => parse_time(&s),
        _ => None,
    })
}

/// Epoch milliseconds (SD-WAN status times, the one exception to RFC 3339).
pub(super) fn millis<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let ms = number(d)?;
    Ok(ms.and_then(|ms| DateTime::from_timestamp_millis(ms as i64)))
}

/// An object of type `T`; `null` or any other shape is unknown.
pub(super) fn object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    Ok(match Value::deserialize(d)? {
        value @ Value::Object(_) => serde_json::from_value(value).ok(),
        _ => None,
    })
}

/// A list of `T`, skipping items that do not read; `null` is an empty list.
pub(super) fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    Ok(items(Value::deserialize(d)?))
}

/// The items of a JSON array that read as `T` (nothing for a non-array).
pub(super) fn items<T: DeserializeOwned>(value: Value) -> Vec<T> {
    match value {
        Value::Array(values) => values
            .into_iter()
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect(),
        _ => Vec::new(),
    }
}

/// Parses an RFC 3339 time; `""` is unknown.
pub(super) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A count from a decoded number: whole, not negative, in range.
pub(super) fn count(value: Option<f64>) -> Option<u32> {
    value
        .filter(|v| *v >= 0.0 && *v <= f64::from(u32::MAX))
        .map(|v| v.round() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "number")]
        n: Option<f64>,
        #[serde(default, deserialize_with = "time")]
        t: Option<DateTime<Utc>>,
        #[serde(default, deserialize_with = "text")]
        s: Option<String>,
    }

    fn read(json: &str) -> Probe {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn odd_shapes_are_unknown_not_errors() {
        let p = read(r#"{"n": 99.86, "t": "2026-12-02T02:00:10Z", "s": 7}"#);
        assert_eq!(p.n, Some(99.86));
        assert_eq!(p.t.unwrap().to_rfc3339(), "2026-12-02T02:00:10+00:00");
        assert_eq!(p.s.as_deref(), Some("7"));
        let p = read(r#"{"n": "100", "t": "", "s": null, "extra": [1]}"#);
        assert_eq!(p.n, Some(100.0));
        assert!(p.t.is_none() && p.s.is_none());
        let p = read(r#"{"n": {}, "t": "2024-04-24"}"#);
        assert!(p.n.is_none() && p.t.is_none());
        let p = read("{}");
        assert!(p.n.is_none() && p.t.is_none() && p.s.is_none());
        assert!(parse_time("2024-06-30T13:35:00.123+02:00").is_some());
        assert_eq!(count(Some(2.6)), Some(3));
        assert_eq!(count(Some(-1.0)), None);
    }
}
