//! The server clock: the wall clock plus an offset that `/control/clock`
//! moves, so tests can let 15 days pass in a millisecond. Every deadline
//! (token expiry, the two-step window, idempotency TTL, review schedule)
//! reads this clock, never the wall clock.
//!
//! The offset is bounded to [`MAX_OFFSET_MS`] either way: deadlines are
//! computed as "now + some TTL" and dates as "now + 8 h" all over the
//! server, and an offset near `i64::MAX` (once reachable with one huge
//! `advance_secs`, and persisted) overflowed those sums and made every later
//! login panic. Within ±10 years every such sum stays far inside both
//! `i64` and chrono's range.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};

/// How far the server clock may run from the wall clock, either way: ten
/// years of 365.25 days.
pub const MAX_OFFSET_MS: i64 = 10 * 31_557_600 * 1000;

/// Why the clock cannot move (or start) as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error(
        "the clock offset would be {offset_ms} ms; it must stay within ±{MAX_OFFSET_MS} ms (10 years) of the wall clock"
    )]
    OutOfRange { offset_ms: i128 },
}

#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    /// A clock `offset_ms` ahead of the wall clock; refused beyond the bound
    /// (an offset stored by an older, unbounded version, for one).
    pub fn with_offset_ms(offset_ms: i64) -> Result<Self, ClockError> {
        check_offset(i128::from(offset_ms))?;
        Ok(Clock {
            offset_ms: AtomicI64::new(offset_ms),
        })
    }

    /// Milliseconds since the Unix epoch, server time.
    pub fn now_ms(&self) -> i64 {
        // Saturating: the offset is bounded, but a clock must never panic.
        Utc::now()
            .timestamp_millis()
            .saturating_add(self.offset_ms.load(Ordering::SeqCst))
    }

    pub fn now(&self) -> DateTime<Utc> {
        to_datetime(self.now_ms())
    }

    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::SeqCst)
    }

    /// Moves the clock by `by_ms`; returns the new offset, or refuses (and
    /// leaves the clock alone) when the offset would leave the bound.
    pub fn advance_ms(&self, by_ms: i64) -> Result<i64, ClockError> {
        let mut current = self.offset_ms.load(Ordering::SeqCst);
        loop {
            let next = i128::from(current) + i128::from(by_ms);
            check_offset(next)?;
            // In range, so it fits an i64.
            let next = next as i64;
            match self
                .offset_ms
                .compare_exchange(current, next, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => return Ok(next),
                Err(actual) => current = actual,
            }
        }
    }
}

fn check_offset(offset_ms: i128) -> Result<(), ClockError> {
    if offset_ms.abs() > i128::from(MAX_OFFSET_MS) {
        return Err(ClockError::OutOfRange { offset_ms });
    }
    Ok(())
}

/// A stored instant as a UTC date-time (the epoch for one chrono cannot
/// represent: a stored value is data, and data must not panic the server).
pub fn to_datetime(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offset_is_bounded_both_ways() {
        let c = Clock::default();
        assert_eq!(c.advance_ms(MAX_OFFSET_MS), Ok(MAX_OFFSET_MS));
        assert!(c.advance_ms(1).is_err());
        assert_eq!(
            c.offset_ms(),
            MAX_OFFSET_MS,
            "a refused move changes nothing"
        );
        assert_eq!(c.advance_ms(-2 * MAX_OFFSET_MS), Ok(-MAX_OFFSET_MS));
        assert!(c.advance_ms(i64::MIN).is_err());
        assert!(Clock::with_offset_ms(i64::MAX).is_err());
        assert!(Clock::with_offset_ms(-MAX_OFFSET_MS).is_ok());
        // Ten years ahead still gives a date-time, and "+ 8 h" does not overflow.
        let c = Clock::with_offset_ms(MAX_OFFSET_MS).unwrap();
        let _ = c.now() + chrono::Duration::hours(8);
    }

    #[test]
    fn to_datetime_never_panics() {
        assert_eq!(to_datetime(i64::MAX), DateTime::<Utc>::default());
        assert_eq!(to_datetime(i64::MIN), DateTime::<Utc>::default());
    }
}
