//! The mock's control surface (`/control`, loopback only, with the control token): fault knobs, the
//! movable clock and token expiry. Not part of the real Single Window.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a commit-then-fail fault does after the work is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommitFailMode {
    /// Answer 500 with an error body.
    #[default]
    Error500,
    /// Close the connection without any answer.
    Drop,
}

/// Fault knobs (故障注入). All off by default. Rates are probabilities in
/// `0.0..=1.0`, drawn from an RNG seeded with `seed`, so a run repeats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FaultSettings {
    /// Added to every faultable request, before the handler runs (and while an
    /// idempotency key is held in flight).
    pub latency_ms: u64,
    /// 503 before doing any work.
    pub error_5xx_rate: f64,
    /// Do the work, store the idempotent answer, then fail (see `commit_then_fail_mode`).
    pub commit_then_fail_rate: f64,
    pub commit_then_fail_mode: CommitFailMode,
    /// 429 with `Retry-After: retry_after_secs`.
    pub rate_429: f64,
    pub retry_after_secs: u64,
    /// Close the connection without an answer, before doing any work.
    pub drop_rate: f64,
    /// Seed of the fault RNG; setting it (again) restarts the sequence.
    pub seed: u64,
    /// Apply the rate-based faults to reads (GET) too, not only writes.
    pub apply_to_reads: bool,
    /// Time between two review steps (receipts) of one filing.
    pub review_pace_ms: u64,
    /// Exchange folders (`--exchange-dir`): a message file is never taken,
    /// left in `OutBox` for ever; decided once per file name.
    pub untaken_rate: f64,
    /// Exchange folders: a valid message answered `Failed_` with
    /// ResponseCode 1 "系统繁忙"; no filing is made.
    pub import_failed_rate: f64,
    /// Exchange folders: an extra, truncated `DEC_RESULT` file beside a real one.
    pub malformed_receipt_rate: f64,
    /// Exchange folders: a receipt file's content written twice, under two names.
    pub duplicate_receipt_rate: f64,
    /// Exchange folders: an answer file written straight into `InBox` in two
    /// halves, 300–800 ms apart (a reader may see the first half alone).
    pub partial_write_rate: f64,
    /// Exchange folders: a pause before taking each message file.
    pub exchange_pause_ms: u64,
}

impl Default for FaultSettings {
    fn default() -> Self {
        FaultSettings {
            latency_ms: 0,
            error_5xx_rate: 0.0,
            commit_then_fail_rate: 0.0,
            commit_then_fail_mode: CommitFailMode::Error500,
            rate_429: 0.0,
            retry_after_secs: 2,
            drop_rate: 0.0,
            seed: 0,
            apply_to_reads: false,
            review_pace_ms: 1500,
            untaken_rate: 0.0,
            import_failed_rate: 0.0,
            malformed_receipt_rate: 0.0,
            duplicate_receipt_rate: 0.0,
            partial_write_rate: 0.0,
            exchange_pause_ms: 0,
        }
    }
}

/// `POST /control/clock`: move the server clock forward (or back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ClockAdvance {
    pub advance_secs: i64,
}

/// The server clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ClockState {
    pub now: DateTime<Utc>,
    /// How far the server clock runs ahead of the wall clock.
    pub offset_secs: i64,
}

/// `POST /control/expire-tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ExpireTokensAnswer {
    /// Access tokens that were live and now are expired.
    pub expired: u64,
}

/// `GET /control/auth-stats`: what the login defences did since start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuthStats {
    /// Password checks (argon2) run, against real or dummy hashes.
    pub password_checks: u64,
    /// Login attempts answered 429 by the throttle.
    pub throttled: u64,
    /// Logins answered 503 because too many checks were running or waiting.
    pub busy: u64,
}
