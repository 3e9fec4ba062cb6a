//! DR test mode.
