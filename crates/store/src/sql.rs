//! Small conversions every table module needs: instants as stored
//! (INTEGER Unix milliseconds UTC), ids, counts.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::StoreError;

/// Now, in the stored resolution (whole milliseconds), so what a write
/// returns equals what a later read returns.
pub(crate) fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub(crate) fn instant(ms: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| StoreError::Corrupt(format!("instant out of range: {ms} ms")))
}

pub(crate) fn parse_uuid(s: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(s).map_err(|e| StoreError::Corrupt(format!("document id {s:?}: {e}")))
}

/// A stored problem count.
pub(crate) fn count(n: i64) -> Result<u32, StoreError> {
    u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("bad problem count {n}")))
}
