//! Evolution of the fleet in simulated time.

use chrono::{DateTime, Utc};

use super::Fleet;

impl Fleet {
    /// Moves the fleet forward to simulated time `to`.
    pub fn advance(&mut self, to: DateTime<Utc>) {
        if to > self.evolved_to {
            self.evolved_to = to;
        }
    }
}
