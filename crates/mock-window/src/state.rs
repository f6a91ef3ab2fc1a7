//! What every handler shares: the database, the clock, the fault knobs,
//! reference data prepared once, and settings from the command line.

use std::sync::{Arc, OnceLock};

use portdesk_domain::CodeLists;
use portdesk_seal::SealKey;
use sqlx::SqlitePool;
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::faults::Faults;
use crate::reference::ReferenceData;

#[derive(Clone)]
pub struct AppState {
    pub db: SqlitePool,
    pub clock: Arc<Clock>,
    pub faults: Arc<Faults>,
    pub code_lists: Arc<CodeLists>,
    pub reference: Arc<ReferenceData>,
    /// The key that seals certificates of origin. Never serialised into
    /// any answer: only its public half is published (`GET /v1/keys`).
    pub seal_key: Arc<SealKey>,
    /// Wakes the review task when new work is scheduled or the clock moves.
    pub review_wakeup: Arc<Notify>,
    /// The OpenAPI document as served, filled once the router is built.
    pub openapi_json: Arc<OnceLock<String>>,
    pub token_ttl_secs: u64,
    pub idempotency_ttl_secs: u64,
}
