//! Reading how long a server asks us to wait: the `Retry-After` header in its three forms
//! (seconds, an HTTP date, a Go duration such as `1m0s`), then the `retry after 5.37s` text
//! that UniFi writes into its 429 body.

use std::time::{Duration, SystemTime};

/// The longest wait any server may ask of us; longer answers are clamped to it.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

/// The wait a `Retry-After` header value asks for, clamped to [`MAX_RETRY_AFTER`], or `None`
/// when it is in no form we know.
pub fn parse_header(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    seconds(value)
        .or_else(|| http_date(value, now))
        .or_else(|| go_duration(value))
        .map(|wait| wait.min(MAX_RETRY_AFTER))
}

/// The wait named in an error body such as `rate limit exceeded, retry after 5.372786998s`.
pub fn parse_body(body: &str) -> Option<Duration> {
    let lower = body.to_ascii_lowercase();
    let start = lower.find("retry after")? + "retry after".len();
    let rest = lower[start..].trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .unwrap_or(rest.len());
    let token = &rest[..end];
    seconds(token)
        .or_else(|| go_duration(token))
        .map(|wait| wait.min(MAX_RETRY_AFTER))
}

fn seconds(value: &str) -> Option<Duration> {
    let secs: f64 = value.parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(1e6)))
}

fn http_date(value: &str, now: SystemTime) -> Option<Duration> {
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = SystemTime::from(at.with_timezone(&chrono::Utc));
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Go's `time.Duration` text: one or more `<decimal><unit>` parts, units `h`, `m`, `s`, `ms`.
fn go_duration(value: &str) -> Option<Duration> {
    let mut total = 0.0;
    let mut rest = value;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let number_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let number: f64 = rest[..number_end].parse().ok()?;
        rest = &rest[number_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_end] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            "us" | "µs" => 0.000_001,
            _ => return None,
        };
        total += number * scale;
        rest = &rest[unit_end..];
    }
    seconds(&total.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(value: &str) -> Option<Duration> {
        parse_header(
            value,
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_770_000),
        )
    }

    #[test]
    fn integer_and_decimal_seconds() {
        assert_eq!(header("5"), Some(Duration::from_secs(5)));
        assert_eq!(header(" 0.5 "), Some(Duration::from_millis(500)));
        assert_eq!(header("-3"), None);
    }

    #[test]
    fn http_dates_count_from_now() {
        // 1_764_770_000 is Wed, 03 Dec 2025 13:53:20 GMT.
        assert_eq!(
            header("Wed, 03 Dec 2025 13:53:30 GMT"),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            header("Wed, 03 Dec 2025 13:00:00 GMT"),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn go_durations() {
        assert_eq!(header("1m0s"), Some(Duration::from_secs(60)));
        assert_eq!(header("5.5s"), Some(Duration::from_millis(5500)));
        assert_eq!(header("1h"), Some(MAX_RETRY_AFTER));
        assert_eq!(header("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(header("soon"), None);
        assert_eq!(header(""), None);
    }

    #[test]
    fn unifi_body_text() {
        let body =
            r#"{"code":"rate_limit","message":"rate limit exceeded, retry after 5.372786998s"}"#;
        let wait = parse_body(body).unwrap();
        assert!((wait.as_secs_f64() - 5.372_786_998).abs() < 1e-6);
        assert_eq!(parse_body("nothing here"), None);
    }
}
