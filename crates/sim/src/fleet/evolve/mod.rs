//! Evolution of the fleet in simulated time.
//!
//! [`Fleet::advance`] replays fixed 15-minute steps on the boundaries of the wall clock
//! (`…:00`, `…:15`, …) between the time the fleet was evolved to and the target. Each step draws
//! from a generator derived from the seed and the step's timestamp, so the same seed and the
//! same ticks give the same fleet; since steps sit on fixed boundaries, one 1-hour tick and
//! four 15-minute ticks give the same fleet too.
//!
//! What a step does: NinjaOne devices go offline and come back (with `AGENT_OFFLINE` alerts),
//! other alerts raise and clear (`TRIGGERED` / `RESET` activities), technicians change
//! configuration, patches and scripts run ([`ninjaone`]); UniFi devices drop and return,
//! update their firmware, get added or removed, consoles lose the cloud and take their daily
//! backup, and the site counts follow ([`unifi`]).

mod ninjaone;
mod unifi;

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::Fleet;
use crate::rng::Rng;

/// Length of one step.
pub const STEP_SECONDS: i64 = 15 * 60;

/// The longest stretch of time replayed step by step.
///
/// Limitation: a tick longer than this (say a month) replays only its last 14 days, so the
/// earlier part of the gap has no activity at all. Replaying a month of a 10,000-site fleet
/// step by step would take tens of seconds inside one control request.
const MAX_REPLAY_DAYS: i64 = 14;

/// Activities older than this are dropped, as a retention window, so that a long-running
/// simulator does not grow without bound.
const RETENTION_DAYS: i64 = 90;

/// One step: the window `(from, to]` it covers; a full 15 minutes except for the first step
/// after generation, which starts at the generation time (history reaches up to there).
#[derive(Debug, Clone, Copy)]
struct Step {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
}

impl Step {
    /// A generator for one part of this step.
    fn rng(self, seed: u64, part: &str) -> Rng {
        Rng::derive(seed, part, self.to.timestamp() as u64)
    }

    /// A random instant in the window, as a time.
    fn instant(self, rng: &mut Rng) -> DateTime<Utc> {
        let span = (self.to - self.from).num_milliseconds().max(1) as u64;
        self.to - Duration::milliseconds(rng.below(span) as i64)
    }

    /// Length of the window in hours (a full step is 0.25).
    fn hours(self) -> f64 {
        (self.to - self.from).num_seconds() as f64 / 3600.0
    }
}

impl Fleet {
    /// Moves the fleet forward to simulated time `to`; a time in the past changes nothing.
    pub fn advance(&mut self, to: DateTime<Utc>) {
        if to <= self.evolved_to {
            return;
        }
        let from = self.evolved_to.max(to - Duration::days(MAX_REPLAY_DAYS));
        let devices = ninjaone::Index::of(self);
        let mut unifi = unifi::Index::of(self);
        for boundary in boundaries(from, to) {
            let step = Step {
                from: (boundary - Duration::seconds(STEP_SECONDS)).max(self.generated_at),
                to: boundary,
            };
            self.step(step, &devices, &mut unifi);
        }
        self.evolved_to = to;
        self.drop_old_activities(to);
    }

    fn step(&mut self, step: Step, devices: &ninjaone::Index, unifi: &mut unifi::Index) {
        let mut log = Vec::new();
        ninjaone::step(self, step, devices, &mut log);
        unifi::step(self, step, unifi);
        self.record(&mut step.rng(self.seed, "step-activity-ids"), log);
    }

    fn drop_old_activities(&mut self, now: DateTime<Utc>) {
        let horizon = super::time::epoch(now - Duration::days(RETENTION_DAYS));
        if self
            .activities
            .first()
            .is_some_and(|a| a.activity_time < horizon)
        {
            self.activities.retain(|a| a.activity_time >= horizon);
        }
    }
}

/// The step boundaries in `(from, to]`.
fn boundaries(from: DateTime<Utc>, to: DateTime<Utc>) -> impl Iterator<Item = DateTime<Utc>> {
    let first = from.timestamp().div_euclid(STEP_SECONDS) * STEP_SECONDS + STEP_SECONDS;
    let last = to.timestamp().div_euclid(STEP_SECONDS) * STEP_SECONDS;
    (first..=last)
        .step_by(STEP_SECONDS as usize)
        .filter_map(|secs| Utc.timestamp_opt(secs, 0).single())
}

/// Probability that an event with a mean time of `mean_hours` happens in `hours`.
fn chance_in(hours: f64, mean_hours: f64) -> f64 {
    1.0 - (-hours / mean_hours).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_sit_on_quarter_hours() {
        let from = Utc.with_ymd_and_hms(2026, 12, 3, 12, 7, 0).unwrap();
        let to = Utc.with_ymd_and_hms(2026, 12, 3, 13, 0, 0).unwrap();
        let steps: Vec<_> = boundaries(from, to)
            .map(|b| b.format("%H:%M").to_string())
            .collect();
        assert_eq!(steps, ["12:15", "12:30", "12:45", "13:00"]);
        assert_eq!(boundaries(from, from + Duration::minutes(5)).count(), 0);
    }
}
