//! The one error body every non-2xx answer carries: `{code, message, ...}`.
//!
//! `code` is stable and machine-readable (the client maps it to a message
//! catalogue); `message` is English prose for logs.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::receipts::RejectionReason;

/// Error answer of every failed call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// One of [`error_code`].
    pub code: String,
    pub message: String,
    /// Rule violations, when the error is a rule-based refusal.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<RejectionReason>,
    /// On `rate_limited`: the same number as the `Retry-After` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}

impl ErrorBody {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        ErrorBody {
            code: code.to_owned(),
            message: message.into(),
            reasons: Vec::new(),
            retry_after_secs: None,
        }
    }
}

/// Stable error codes.
pub mod error_code {
    /// No bearer token, an unknown token, or wrong login credentials (401).
    pub const UNAUTHORIZED: &str = "unauthorized";
    /// The bearer token was valid but has expired: refresh or log in (401).
    pub const TOKEN_EXPIRED: &str = "token_expired";
    /// A write without an `Idempotency-Key` header (400).
    pub const IDEMPOTENCY_KEY_MISSING: &str = "idempotency_key_missing";
    /// The key was used before with a different body (422).
    pub const IDEMPOTENCY_KEY_REUSED: &str = "idempotency_key_reused";
    /// The key's first request is still being processed (409).
    pub const IDEMPOTENCY_KEY_IN_FLIGHT: &str = "idempotency_key_in_flight";
    /// The body is not the JSON the route expects (400).
    pub const INVALID_BODY: &str = "invalid_body";
    /// The body lacks the client's document id (ClientSeqNo) (400).
    pub const CLIENT_SEQ_NO_MISSING: &str = "client_seq_no_missing";
    /// Not found, or not the caller's (404): the two are indistinguishable on purpose.
    pub const NOT_FOUND: &str = "not_found";
    /// No such route (404).
    pub const NO_ROUTE: &str = "no_route";
    /// The two-step complete declaration came more than 14 days after the summary (422).
    pub const TWO_STEP_WINDOW_CLOSED: &str = "two_step_window_closed";
    /// The complete declaration failed validation; nothing changed (422).
    pub const VALIDATION_FAILED: &str = "validation_failed";
    /// The filing is not in a state that allows this (409).
    pub const CONFLICT: &str = "conflict";
    /// Fault injection: too many requests, see `Retry-After` (429).
    pub const RATE_LIMITED: &str = "rate_limited";
    /// Fault injection or a real failure (5xx).
    pub const UNAVAILABLE: &str = "service_unavailable";
    pub const INTERNAL: &str = "internal";
    /// `/control` asked from a non-loopback peer (403).
    pub const FORBIDDEN: &str = "forbidden";
}
