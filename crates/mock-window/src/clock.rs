//! The server clock: the wall clock plus an offset that `/control/clock`
//! moves, so tests can let 15 days pass in a millisecond. Every deadline
//! (token expiry, the two-step window, idempotency TTL, review schedule)
//! reads this clock, never the wall clock.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};

#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    pub fn with_offset_ms(offset_ms: i64) -> Self {
        Clock {
            offset_ms: AtomicI64::new(offset_ms),
        }
    }

    /// Milliseconds since the Unix epoch, server time.
    pub fn now_ms(&self) -> i64 {
        Utc::now().timestamp_millis() + self.offset_ms.load(Ordering::SeqCst)
    }

    pub fn now(&self) -> DateTime<Utc> {
        to_datetime(self.now_ms())
    }

    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::SeqCst)
    }

    /// Moves the clock; returns the new offset.
    pub fn advance_ms(&self, by: i64) -> i64 {
        self.offset_ms.fetch_add(by, Ordering::SeqCst) + by
    }
}

/// A stored instant as a UTC date-time.
pub fn to_datetime(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}
