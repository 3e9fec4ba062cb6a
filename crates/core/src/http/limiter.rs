//! The rate limiter every request of one API goes through: a token bucket shared by every task
//! of the process, which also holds everyone back for the `Retry-After` of a 429 and slows
//! down for a while after one.
//!
//! It is a generic cell rate algorithm: `next` is the theoretical time the next request is
//! due, and a burst of `burst` requests may run ahead of it. A caller reserves its slot under
//! the lock and sleeps outside it, so waiting tasks are served in arrival order and the lock
//! is never held across an `await`.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// After a 429 the pace drops to this share of the current one...
const SLOWDOWN: f64 = 0.7;
/// ...but never below this share of the configured pace...
const FLOOR: f64 = 0.25;
/// ...and comes back by this factor after this many answers in a row that were not 429.
const RECOVERY: f64 = 1.1;
const RECOVERY_AFTER: u32 = 20;

/// A shared pace for one API.
#[derive(Debug)]
pub struct RateLimiter {
    configured: Option<f64>,
    burst: f64,
    state: Mutex<Pace>,
}

#[derive(Debug)]
struct Pace {
    /// Requests per second now (lower than configured after a 429).
    rate: Option<f64>,
    /// When the next request is due at the current pace.
    next: Instant,
    /// Nobody starts before this (the `Retry-After` of the last 429).
    paused_until: Instant,
    /// Answers since the last 429.
    calm: u32,
}

impl RateLimiter {
    /// A limiter of `rate` requests per second with bursts of `burst`; `None` means no pace
    /// (only `Retry-After` pauses apply).
    pub fn new(rate: Option<f64>, burst: u32) -> Self {
        let rate = rate.filter(|r| r.is_finite() && *r > 0.0);
        let now = Instant::now();
        Self {
            configured: rate,
            burst: f64::from(burst.max(1)),
            state: Mutex::new(Pace {
                rate,
                next: now,
                paused_until: now,
                calm: 0,
            }),
        }
    }

    /// Waits until this caller may send one request.
    pub async fn acquire(&self) {
        let start = self.reserve(Instant::now());
        tokio::time::sleep_until(start).await;
    }

    /// Reserves the next slot at `now` and returns when it starts.
    fn reserve(&self, now: Instant) -> Instant {
        let mut pace = self.lock();
        let earliest = now.max(pace.paused_until);
        let Some(rate) = pace.rate else {
            return earliest;
        };
        let interval = Duration::from_secs_f64(1.0 / rate);
        let tolerance = interval.mul_f64(self.burst - 1.0);
        let due = pace.next.max(earliest);
        let start = due
            .checked_sub(tolerance)
            .map_or(earliest, |s| s.max(earliest));
        pace.next = due + interval;
        start
    }

    /// Tells the limiter the server answered 429 (or 529): nobody starts for `retry_after`,
    /// and the pace drops for a while.
    pub fn throttled(&self, retry_after: Duration) {
        let now = Instant::now();
        let mut pace = self.lock();
        pace.paused_until = pace.paused_until.max(now + retry_after);
        pace.next = pace.next.max(pace.paused_until);
        pace.calm = 0;
        if let (Some(rate), Some(configured)) = (pace.rate, self.configured) {
            pace.rate = Some((rate * SLOWDOWN).max(configured * FLOOR));
        }
    }

    /// Tells the limiter an answer was not a 429, so the pace may recover.
    pub fn answered(&self) {
        let mut pace = self.lock();
        pace.calm += 1;
        if pace.calm >= RECOVERY_AFTER {
            pace.calm = 0;
            if let (Some(rate), Some(configured)) = (pace.rate, self.configured) {
                pace.rate = Some((rate * RECOVERY).min(configured));
            }
        }
    }

    /// The pace now, in requests per second (`None` when unlimited).
    pub fn current_rate(&self) -> Option<f64> {
        self.lock().rate
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pace> {
        // A panic while holding this lock cannot leave the pace inconsistent (every update is
        // a plain assignment), so a poisoned lock is still good to use.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn paces_after_a_burst() {
        let limiter = RateLimiter::new(Some(3.0), 3);
        let t0 = Instant::now();
        let starts: Vec<Duration> = (0..9).map(|_| limiter.reserve(t0) - t0).collect();
        // Three at once, then one every third of a second.
        assert_eq!(&starts[..3], &[Duration::ZERO; 3]);
        let third = Duration::from_secs_f64(1.0 / 3.0);
        for (i, start) in starts[3..].iter().enumerate() {
            let expected = third * (i as u32 + 1);
            assert!(
                start.abs_diff(expected) < Duration::from_millis(2),
                "{i}: {start:?}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_pauses_everyone_and_slows_the_pace() {
        let limiter = RateLimiter::new(Some(10.0), 1);
        limiter.throttled(Duration::from_secs(2));
        let now = Instant::now();
        assert!(limiter.reserve(now) >= now + Duration::from_secs(2));
        assert_eq!(limiter.current_rate(), Some(7.0));
        for _ in 0..RECOVERY_AFTER {
            limiter.answered();
        }
        let rate = limiter.current_rate().unwrap();
        assert!((rate - 7.7).abs() < 1e-9, "{rate}");
    }

    #[tokio::test(start_paused = true)]
    async fn unlimited_only_honours_pauses() {
        let limiter = RateLimiter::new(None, 1);
        let now = Instant::now();
        assert_eq!(limiter.reserve(now), now);
        limiter.throttled(Duration::from_secs(1));
        assert!(limiter.reserve(Instant::now()) >= now + Duration::from_secs(1));
    }
}
