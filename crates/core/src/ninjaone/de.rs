//! Tolerant field decoders for NinjaOne answers: fields gain and lose presence over time, ids
//! are integers (sometimes sent as strings), times are epoch seconds as JSON floats.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A string; numbers and booleans are kept as their text.
pub(super) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(value_text(Value::deserialize(d)?))
}

/// The text of a scalar JSON value.
pub(super) fn value_text(value: Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// An integer id, also from a string or a whole float.
pub(super) fn id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(value_id(&Value::deserialize(d)?))
}

/// The integer in a JSON value, if it holds one.
pub(super) fn value_id(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A boolean; anything else is unknown.
pub(super) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(Value::deserialize(d)?.as_bool())
}

/// Epoch seconds (float or integer) as a UTC time.
pub(super) fn epoch<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let seconds = match Value::deserialize(d)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    Ok(seconds.and_then(from_epoch))
}

/// Splits whole and fractional seconds so that float rounding does not move the second. The
/// fraction is kept to the microsecond: an `f64` near 1.7e9 holds no more than that, and
/// finer digits would turn `.544` into `.543999910`.
pub(super) fn from_epoch(seconds: f64) -> Option<DateTime<Utc>> {
    if !seconds.is_finite() {
        return None;
    }
    let mut whole = seconds.floor();
    let mut micros = ((seconds - whole) * 1e6).round();
    if micros >= 1e6 {
        whole += 1.0;
        micros = 0.0;
    }
    DateTime::from_timestamp(whole as i64, micros as u32 * 1000)
}

/// A list of strings, skipping other items; `null` is empty.
pub(super) fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items.into_iter().filter_map(value_text).collect(),
        _ => Vec::new(),
    })
}

/// An object of type `T`; `null` or another shape is unknown.
pub(super) fn object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    Ok(match Value::deserialize(d)? {
        value @ Value::Object(_) => serde_json::from_value(value).ok(),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_floats_keep_their_milliseconds() {
        let time = from_epoch(1764772212.544).unwrap();
        assert_eq!(time.timestamp(), 1764772212);
        assert_eq!(time.timestamp_subsec_millis(), 544);
        assert_eq!(from_epoch(1764600301.0).unwrap().timestamp(), 1764600301);
        assert!(from_epoch(f64::NAN).is_none());
        assert_eq!(value_id(&serde_json::json!("42")), Some(42));
        assert_eq!(value_id(&serde_json::json!(42.0)), Some(42));
        assert_eq!(value_id(&serde_json::json!(4.5)), None);
    }
}
