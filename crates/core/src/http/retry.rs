//! When to send a request again, and how long to wait first.
//!
//! Retried: 429, 529, 409, 500, 502, 503, 504, timeouts and connection errors
//! (`shared/DESIGN.md` section 5), with exponential backoff and jitter, never sooner than the
//! server's `Retry-After`, bounded in attempts and in total time. A request that may already
//! have been applied (a page create that timed out or got a 5xx) is retried only when the
//! caller says it is safe to replay; creates are made safe by the write journal instead.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use reqwest::StatusCode;

/// Bounds on retrying one request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included.
    pub max_attempts: u32,
    /// Wait before the first retry; doubled on each further one.
    pub base_delay: Duration,
    /// Longest wait between two attempts (a longer `Retry-After` is still honoured, within
    /// `max_elapsed`).
    pub max_delay: Duration,
    /// Give up rather than start an attempt later than this after the first one.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 6,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(120),
        }
    }
}

/// Whether a request may be sent again when the first try may have been applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// Reads and absolute updates: sending twice does no harm.
    Safe,
    /// Creates: retried only when the server surely did not apply it (429, 529, 409, or a
    /// connection that never opened).
    IfNotApplied,
}

/// What one answer means for the retry loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Hand the answer to the caller.
    Done,
    /// The server is pacing us (429, 529, or NinjaOne's HTML throttle page): wait at least
    /// its `Retry-After` and slow down. Never applied.
    Throttled,
    /// Not applied (409 conflict): back off and retry.
    Conflict,
    /// A server failure (500, 502, 503, 504): the request may have been applied.
    ServerError,
}

impl Verdict {
    /// The verdict for a status alone.
    pub fn of_status(status: StatusCode) -> Self {
        match status.as_u16() {
            429 | 529 => Verdict::Throttled,
            409 => Verdict::Conflict,
            500 | 502 | 503 | 504 => Verdict::ServerError,
            _ => Verdict::Done,
        }
    }

    /// Whether an answer with this verdict may be retried under `replay`.
    pub fn retryable(self, replay: Replay) -> bool {
        match self {
            Verdict::Done => false,
            Verdict::Throttled | Verdict::Conflict => true,
            Verdict::ServerError => replay == Replay::Safe,
        }
    }
}

impl RetryPolicy {
    /// No retries at all (health probes).
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The wait before attempt `attempt + 1` (`attempt` counts from 1), at least
    /// `retry_after` when the server gave one.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let exponent = attempt.saturating_sub(1).min(16);
        let backoff = self
            .base_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        // Full jitter in the upper half: spread retries of parallel tasks without ever
        // waiting less than half the backoff.
        let jittered = backoff.mul_f64(0.5 + 0.5 * unit_random());
        match retry_after {
            Some(wait) => wait + jittered.min(Duration::from_millis(250)),
            None => jittered,
        }
    }
}

/// A number in `[0, 1)` that differs on every call; good enough for jitter, not for secrets.
fn unit_random() -> f64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_replay() {
        for code in [429, 529, 409] {
            let verdict = Verdict::of_status(StatusCode::from_u16(code).unwrap());
            assert!(verdict.retryable(Replay::IfNotApplied), "{code}");
        }
        for code in [500, 502, 503, 504] {
            let verdict = Verdict::of_status(StatusCode::from_u16(code).unwrap());
            assert!(verdict.retryable(Replay::Safe), "{code}");
            assert!(!verdict.retryable(Replay::IfNotApplied), "{code}");
        }
        for code in [200, 400, 401, 403, 404] {
            let verdict = Verdict::of_status(StatusCode::from_u16(code).unwrap());
            assert!(!verdict.retryable(Replay::Safe), "{code}");
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_and_honours_retry_after() {
        let policy = RetryPolicy::default();
        for attempt in 1..=8 {
            let full = (policy.base_delay * (1 << (attempt - 1))).min(policy.max_delay);
            let delay = policy.delay(attempt, None);
            assert!(delay >= full / 2 && delay <= full, "{attempt}: {delay:?}");
        }
        let wait = policy.delay(1, Some(Duration::from_secs(5)));
        assert!(wait >= Duration::from_secs(5) && wait <= Duration::from_millis(5250));
    }
}
