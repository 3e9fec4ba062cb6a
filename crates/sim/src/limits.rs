//! Rate limits as the real services enforce them: a token bucket per API (and a second one for
//! UniFi's `/ea` prefix), refused requests answered with 429 and `Retry-After`.
//!
//! Buckets are per process. Two simulator processes sharing a state directory each enforce the
//! limit on their own; the real services count per integration, which one process is.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::ApiSettings;

/// Which budget a request spends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// Notion: about 3 requests per second per integration.
    Notion,
    /// UniFi `/v1`: 10,000 per minute.
    UnifiV1,
    /// UniFi `/ea`: 100 per minute.
    UnifiEa,
    /// NinjaOne (no published limit; off unless set).
    Ninjaone,
    /// Key Vault (off unless set).
    Vault,
}

/// The fixed limit of UniFi's early-access prefix, applied whenever UniFi limits are on.
pub const UNIFI_EA_PER_MINUTE: f64 = 100.0;

#[derive(Debug)]
struct TokenBucket {
    tokens: f64,
    updated: Instant,
}

/// The token buckets of one process.
#[derive(Debug, Default)]
pub struct Limiter {
    buckets: Mutex<HashMap<Bucket, TokenBucket>>,
}

impl Limiter {
    /// Spends one token of `bucket` under `settings`; when none is left, returns how long until
    /// one will be.
    pub fn acquire(&self, bucket: Bucket, settings: &ApiSettings) -> Result<(), Duration> {
        let Some(mut rate) = settings.rate_per_sec else {
            return Ok(());
        };
        let mut capacity = settings.burst.max(1.0);
        if bucket == Bucket::UnifiEa {
            rate = UNIFI_EA_PER_MINUTE / 60.0;
            capacity = UNIFI_EA_PER_MINUTE;
        }
        if rate <= 0.0 {
            return Err(Duration::from_secs(60));
        }
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let state = buckets.entry(bucket).or_insert(TokenBucket {
            tokens: capacity,
            updated: now,
        });
        let elapsed = now.duration_since(state.updated).as_secs_f64();
        state.tokens = (state.tokens + elapsed * rate).min(capacity);
        state.updated = now;
        if state.tokens >= 1.0 {
            state.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - state.tokens) / rate))
        }
    }

    /// Forgets every bucket (after a reset or a settings change).
    pub fn clear(&self) {
        self.buckets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

/// `Retry-After` in whole seconds, at least 1, as the services send it.
pub fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_refusal_with_wait() {
        let limiter = Limiter::default();
        let settings = ApiSettings {
            rate_per_sec: Some(3.0),
            burst: 3.0,
            latency_ms: 0,
            jitter_ms: 0,
        };
        for _ in 0..3 {
            assert!(limiter.acquire(Bucket::Notion, &settings).is_ok());
        }
        let wait = limiter.acquire(Bucket::Notion, &settings).unwrap_err();
        assert!(wait <= Duration::from_millis(334));
        assert_eq!(retry_after_secs(wait), 1);
    }

    #[test]
    fn no_rate_means_no_limit() {
        let limiter = Limiter::default();
        let settings = ApiSettings::unlimited();
        assert!((0..10_000).all(|_| limiter.acquire(Bucket::Notion, &settings).is_ok()));
    }
}
