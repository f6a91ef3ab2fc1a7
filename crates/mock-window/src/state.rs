//! What every handler shares: the database, the clock, the fault knobs,
//! reference data prepared once, and settings from the command line.

use std::sync::{Arc, OnceLock};

use portdesk_domain::CodeLists;
use portdesk_seal::SealKey;
use sqlx::SqlitePool;
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::control::ControlAccess;
use crate::faults::Faults;
use crate::reference::ReferenceData;
use crate::request_log::RequestLog;
use crate::throttle::{HashGate, LoginThrottle};

#[derive(Clone)]
pub struct AppState {
    pub db: SqlitePool,
    pub clock: Arc<Clock>,
    pub faults: Arc<Faults>,
    pub code_lists: Arc<CodeLists>,
    pub reference: Arc<ReferenceData>,
    /// Rate files of the duty estimate (`--tariff-rates`, `--exchange-rates`).
    pub estimate_rates: Arc<portdesk_domain::tax_estimate::EstimateRates>,
    /// The key that seals certificates of origin. Never serialised into
    /// any answer: only its public half is published (`GET /v1/keys`).
    pub seal_key: Arc<SealKey>,
    /// Wakes the review task when new work is scheduled or the clock moves.
    pub review_wakeup: Arc<Notify>,
    /// The OpenAPI document as served, filled once the router is built.
    pub openapi_json: Arc<OnceLock<String>>,
    pub token_ttl_secs: u64,
    pub idempotency_ttl_secs: u64,
    /// The control token and bound port `/control` requests are checked against.
    pub control: Arc<ControlAccess>,
    pub throttle: Arc<LoginThrottle>,
    pub hash_gate: Arc<HashGate>,
    /// What unknown operators' passwords are checked against: a hash of a
    /// random password with the cost of the real ones.
    pub dummy_hash: Arc<String>,
    /// Largest request body, every route.
    pub body_limit: usize,
    /// `--request-log`, if given.
    pub request_log: Option<Arc<RequestLog>>,
}
