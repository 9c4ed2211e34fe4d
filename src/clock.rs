//! The wall clock, passed in rather than read, so that nothing below the
//! edges depends on real time.

use std::time::{SystemTime, UNIX_EPOCH};

/// A source of "now" in milliseconds since the Unix epoch.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now_ms(&self) -> i64;
}

/// The system's real-time clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64)
    }
}

/// How long from `now_ms` until `at_ms`, as a tokio deadline.
pub fn instant_at(now_ms: i64, at_ms: i64) -> tokio::time::Instant {
    let wait = (at_ms - now_ms).max(0) as u64;
    tokio::time::Instant::now() + std::time::Duration::from_millis(wait)
}
