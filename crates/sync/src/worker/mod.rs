//! The outbox worker: delivers filed declarations at least once with their
//! stable idempotency key, pulls receipts by cursor, and reports progress.
//!
//! One loop, one task; a file per job: `mod.rs` scheduling (the turn, the
//! run loops, going offline and probing, backoff), `delivery.rs` sending due
//! entries and recording how they ended, `receipts.rs` pulling receipts and
//! bringing approved certificates home, `read_back.rs` reading back filings
//! a receipt said changed.
//!
//! One loop, one task. Each turn it sends what is due: entries are claimed
//! in batches (`claim_due` marks them `sending` and logs the requests in one
//! transaction) and outcomes recorded in batches (one transaction), both in
//! tasks of their own, so a fixed number of requests stays in flight
//! meanwhile (`delivery.rs`). All scheduling state is in the database (`next_attempt_at`),
//! so a restart continues where the last run stopped; entries found in
//! `sending` at start have an unknown outcome and are resent with the SAME
//! key, which the server deduplicates (replay, or "already filed").
//!
//! Retry policy (see docs/sync.md):
//! - 5xx, 408, 409 (`idempotency_key_in_flight`), dropped connections:
//!   exponential backoff with full jitter;
//! - 429: not before `Retry-After`, and at least the backoff;
//! - 401: log in again with the stored password, retry at once;
//! - connection refused: the server is away — pause the whole queue and
//!   probe politely (backoff) until it answers, then resume;
//! - any other 4xx: permanent, the entry fails with the server's reasons and
//!   the rest of the queue goes on.
//!
//! An exchange-only account (no server): nothing logs in and no token is
//! asked for; declarations, completes and amendments go through the
//! folders, receipts come from them, and online means the folders are
//! there. Reading changed filings back and fetching certificates need a
//! server: they are skipped (kept, not failed) and `run_until_idle` does
//! not wait for them.
//!
//! Conflict checks: an `M` receipt notes in the database, with the receipt,
//! that its filing must be read back (`conflict_checks`). The worker reads
//! due checks after each pull and drops one only once the versions were
//! compared; failed reads back off like entries and survive a restart.

mod delivery;
mod read_back;
mod receipts;
mod supervisor;

pub use supervisor::{Supervisor, CRASH_LIMIT, WORKER_CRASHED};

use std::sync::Arc;
use std::time::{Duration, Instant};

use backon::{BackoffBuilder, ExponentialBuilder};
use chrono::{DateTime, Utc};
use portdesk_store::{EntryState, OutboxCounts, Store};
use rand::Rng;
use uuid::Uuid;

use crate::credentials::{Account, CredentialStore};
use crate::lease::WorkerLease;
use crate::secret::Secret;
use crate::session::Session;
use crate::transport::Transport;
use crate::SyncError;

/// Receipt codes after which a filing expects no more receipts without a
/// new action by the clerk: closed, rejected, summary rejected, summary
/// released (waiting for the complete declaration); for a certificate-of-
/// origin application, approved or rejected.
pub const FINAL_RECEIPT_CODES: &[&str] = &["R", "E", "SpE", "SpK", "COO-A", "COO-E"];

/// Path ending of amendment entries (`POST /v1/declarations/{seq_no}/amendments`).
const AMENDMENTS_SUFFIX: &str = "/amendments";

/// Knobs of the worker. The defaults suit a desktop on a normal link.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// Requests in flight at once: polite to the server, enough to hide latency.
    pub concurrency: usize,
    /// Entries claimed per turn.
    pub batch: u32,
    /// How often receipts are pulled when nothing else triggers a pull.
    pub receipt_poll: Duration,
    /// Per-request timeout.
    pub request_timeout: Duration,
    /// First retry delay ceiling; doubles per attempt …
    pub backoff_min: Duration,
    /// … up to this.
    pub backoff_max: Duration,
    /// Offline probing: first and largest pause between probes.
    pub probe_min: Duration,
    pub probe_max: Duration,
    /// How long a starting worker waits for another one on the same
    /// database to stop before giving up with `worker_busy`.
    pub lease_wait: Duration,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            concurrency: 8,
            batch: 64,
            receipt_poll: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            backoff_min: Duration::from_millis(500),
            backoff_max: Duration::from_secs(300),
            probe_min: Duration::from_millis(500),
            probe_max: Duration::from_secs(30),
            lease_wait: Duration::from_secs(5),
        }
    }
}

/// What the worker reports, for the desktop shell to turn into events.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncEvent {
    /// An outbox entry changed state.
    Entry {
        outbox_seq: i64,
        draft_id: Uuid,
        client_seq_no: String,
        state: EntryState,
        attempts: u32,
        /// On `retry_wait`: when it will be tried again.
        next_attempt_at: Option<DateTime<Utc>>,
        /// On `retry_wait`: the transient error; on `failed`: the reason code.
        error: Option<String>,
    },
    /// A receipt was stored (and applied to its draft).
    Receipt {
        client_seq_no: String,
        draft_id: Option<Uuid>,
        seq_no: String,
        code: String,
    },
    /// The server's version of a filing differs from the local one and was
    /// kept beside it: the clerk must choose (recorded after the `M`
    /// receipt that announced the change, so views reload on this too).
    Conflict { draft_id: Uuid, seq_no: String },
    /// The server answers again.
    Online,
    /// The server cannot be reached; the queue is paused.
    Offline { reason: String },
    /// The worker stopped on an error or crashed; it starts again after
    /// `after` (the `restarts`-th time), offline until a server answers.
    Restarting {
        reason: String,
        after: Duration,
        restarts: u32,
    },
}

/// Event callback; must be cheap (it runs on the worker's task).
pub type EventSink = Arc<dyn Fn(&SyncEvent) + Send + Sync>;

/// The end state after [`Worker::run_until_idle`].
#[derive(Debug, Clone, PartialEq)]
pub struct SyncSummary {
    pub counts: OutboxCounts,
    /// `(client_seq_no, failure JSON)` of every failed entry.
    pub failed: Vec<(String, String)>,
    /// Receipts stored, per code.
    pub receipts: Vec<(String, u64)>,
    /// Delivered filings still waiting for a final receipt.
    pub awaiting_receipts: u64,
    /// Changed filings (`M` receipts) not yet read back and compared.
    pub conflict_checks: u64,
}

/// The outbox worker of one account.
pub struct Worker {
    /// How entries, receipts and read-backs travel (HTTP today).
    transport: Arc<dyn Transport>,
    /// The account's token and its one re-login rule, shared with the app.
    session: Session,
    config: SyncConfig,
    sink: EventSink,
    token: Option<Secret>,
    online: bool,
    last_pull: Option<Instant>,
    /// The last receipt poll's answer (status and body), to log only changes.
    last_poll: Option<u64>,
    pull_requested: bool,
    /// Failed probes since going offline: the probe backoff exponent.
    probe_failures: u32,
    /// Held while running: one delivering worker per database.
    lease: Option<WorkerLease>,
}

impl Worker {
    pub fn new(
        store: Store,
        account: Account,
        creds: Arc<dyn CredentialStore>,
        config: SyncConfig,
    ) -> Self {
        let session = Session::new(store, account, creds, config.request_timeout);
        Worker::with_session(session, config)
    }

    /// A worker of `session`'s account, sharing its token (the app's
    /// features and the worker log in again once, together).
    pub fn with_session(session: Session, config: SyncConfig) -> Self {
        let http = Arc::new(session.client().clone());
        Worker::with_transport(session, http, config)
    }

    /// A worker delivering through `transport` instead of the session's
    /// HTTP client (the exchange folders); logins and certificates still go
    /// through the session.
    pub fn with_transport(
        session: Session,
        transport: Arc<dyn Transport>,
        config: SyncConfig,
    ) -> Self {
        Worker {
            transport,
            session,
            config,
            sink: Arc::new(|_| {}),
            token: None,
            online: true,
            last_pull: None,
            last_poll: None,
            pull_requested: true,
            probe_failures: 0,
            lease: None,
        }
    }

    /// Reports progress to `sink`.
    pub fn on_event(mut self, sink: EventSink) -> Self {
        self.sink = sink;
        self
    }

    /// Runs until every outbox entry is terminal and every delivered filing
    /// has a final receipt ([`FINAL_RECEIPT_CODES`]), or `timeout` passes
    /// (`timeout` error). For the CLI and tests; the app uses [`Worker::run`].
    pub async fn run_until_idle(&mut self, timeout: Duration) -> Result<SyncSummary, SyncError> {
        let result = self.until_idle(timeout).await;
        // Idle: let another worker (the app, a later `portdesk sync`) in.
        self.lease = None;
        result
    }

    async fn until_idle(&mut self, timeout: Duration) -> Result<SyncSummary, SyncError> {
        let deadline = Instant::now() + timeout;
        self.start().await?;
        loop {
            let counts = self.session.store().outbox_counts().await?;
            if counts.pending() == 0 {
                // Everything delivered: only receipts (and reading back
                // filings they said changed) are missing, if any. Without
                // a server nothing is read back or fetched: not waited for.
                let awaiting = self
                    .session
                    .store()
                    .filings_awaiting_receipts(FINAL_RECEIPT_CODES)
                    .await?;
                if awaiting == 0
                    && (!self.has_server()
                        || (self
                            .session
                            .store()
                            .next_conflict_check_at()
                            .await?
                            .is_none()
                            && self
                                .session
                                .store()
                                .origins_awaiting_certificate()
                                .await?
                                .is_empty()))
                {
                    return self.summary().await;
                }
            }
            if Instant::now() >= deadline {
                return Err(SyncError::Timeout(timeout));
            }
            let pause = self.turn().await?;
            if !pause.is_zero() {
                tokio::time::sleep(pause.min(deadline.saturating_duration_since(Instant::now())))
                    .await;
            }
        }
    }

    /// Runs until `stop` turns true (the app's background task).
    pub async fn run(&mut self, stop: tokio::sync::watch::Receiver<bool>) -> Result<(), SyncError> {
        let result = self.run_until_stopped(stop).await;
        self.lease = None;
        result
    }

    /// Pulls receipts once now (taking the lease for the while), e.g. to
    /// hear of changes to delivered filings when nothing is left to send.
    pub async fn pull_now(&mut self) -> Result<(), SyncError> {
        let result = async {
            self.start().await?;
            if self.needs_login() {
                self.login().await?;
            }
            self.pull_receipts().await?;
            self.run_conflict_checks().await?;
            self.fetch_approved_certificates().await
        }
        .await;
        self.lease = None;
        result
    }

    async fn run_until_stopped(
        &mut self,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) -> Result<(), SyncError> {
        self.start().await?;
        while !*stop.borrow() {
            let pause = self.turn().await?;
            if !pause.is_zero() {
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = stop.changed() => {}
                }
            }
        }
        Ok(())
    }

    /// The state now.
    pub async fn summary(&self) -> Result<SyncSummary, SyncError> {
        let counts = self.session.store().outbox_counts().await?;
        let failed = self
            .session
            .store()
            .outbox_entries()
            .await?
            .into_iter()
            .filter(|e| e.state == EntryState::Failed)
            .map(|e| (e.client_seq_no, e.failure.unwrap_or_default()))
            .collect();
        Ok(SyncSummary {
            counts,
            failed,
            receipts: self.session.store().receipt_counts().await?,
            awaiting_receipts: self
                .session
                .store()
                .filings_awaiting_receipts(FINAL_RECEIPT_CODES)
                .await?,
            conflict_checks: self.session.store().conflict_checks().await?.len() as u64,
        })
    }

    async fn start(&mut self) -> Result<(), SyncError> {
        if self.lease.is_none() {
            // Before touching `sending` entries: they may be another
            // worker's, in flight right now.
            self.lease = Some(
                WorkerLease::acquire(&self.session.store().path(), self.config.lease_wait).await?,
            );
        }
        // The one place rows outside filings leave the log (retention).
        let pruned = self.session.store().prune_message_log(Utc::now()).await?;
        if pruned > 0 {
            tracing::info!(pruned, "message log rows past their retention removed");
        }
        let requeued = self.session.store().requeue_in_flight().await?;
        if requeued > 0 {
            tracing::info!(
                requeued,
                "entries with an unknown outcome will be resent with their key"
            );
        }
        // Changed filings a previous run could not read back: try now.
        let checks = self.session.store().conflict_checks_due_now().await?;
        if checks > 0 {
            tracing::info!(checks, "changed filings still to be read back");
        }
        if self.token.is_none() {
            // None without a keyring look for an exchange-only account.
            self.token = self.session.stored_token()?;
        }
        Ok(())
    }

    /// Whether the account has an HTTP server (else it files through the
    /// exchange folders only; see the module docs).
    fn has_server(&self) -> bool {
        self.session.account().has_server()
    }

    /// Whether a login must come before sending: never without a server.
    fn needs_login(&self) -> bool {
        self.has_server() && self.token.is_none()
    }

    /// What the transport is handed with each call: the token; for an
    /// exchange-only account an empty one, which the folders never read.
    /// `None`: not logged in yet.
    fn bearer(&self) -> Option<Secret> {
        if self.has_server() {
            self.token.clone()
        } else {
            Some(Secret::new(""))
        }
    }

    /// One turn: send what is due, pull receipts when it is time. Returns
    /// how long to wait before the next turn.
    async fn turn(&mut self) -> Result<Duration, SyncError> {
        if !self.online {
            return self.probe().await;
        }
        if self.needs_login() {
            match self.login().await {
                Ok(()) => {}
                Err(SyncError::Offline(reason)) => return Ok(self.go_offline(reason)),
                Err(e) => return Err(e),
            }
        }
        let sent = self.send_due().await?;
        if !self.online {
            return Ok(Duration::ZERO);
        }
        let pull_due = self.pull_requested
            || self
                .last_pull
                .is_none_or(|t| t.elapsed() >= self.config.receipt_poll);
        if pull_due {
            self.pull_receipts().await?;
        }
        self.run_conflict_checks().await?;
        self.fetch_approved_certificates().await?;
        if sent > 0 || !self.online {
            return Ok(Duration::ZERO);
        }
        // Nothing was due: sleep until the next entry is, or the next poll.
        let until_poll = self
            .last_pull
            .map(|t| self.config.receipt_poll.saturating_sub(t.elapsed()))
            .unwrap_or_default();
        // Without a server read-backs are not run, so a due one must not
        // shorten the sleep (it would spin).
        let next_check = if self.has_server() {
            self.session.store().next_conflict_check_at().await?
        } else {
            None
        };
        let next_due = match (self.session.store().next_due_at().await?, next_check) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let until_due = match next_due {
            Some(at) => (at - Utc::now()).to_std().unwrap_or_default(),
            None => self.config.receipt_poll,
        };
        // A short pull interval while filings await receipts keeps the
        // CLI's --until-idle prompt; the floor avoids a busy loop.
        Ok(until_poll.min(until_due).max(Duration::from_millis(20)))
    }

    /// Logs in with the stored password and keeps the token (memory and
    /// keyring, shared with the session's other users).
    async fn login(&mut self) -> Result<(), SyncError> {
        self.token = Some(self.session.log_in_again().await?);
        Ok(())
    }

    /// The server refused the token: forget it here and in the session.
    fn forget_token(&mut self) {
        self.token = None;
        self.session.forget_token();
    }

    fn go_offline(&mut self, reason: String) -> Duration {
        if self.online {
            tracing::warn!(%reason, "server unreachable; pausing the queue");
            self.online = false;
            (self.sink)(&SyncEvent::Offline { reason });
        }
        self.config.probe_min
    }

    /// While offline: one cheap request; back online on any HTTP answer.
    async fn probe(&mut self) -> Result<Duration, SyncError> {
        let token = self.bearer().unwrap_or_else(|| Secret::new(""));
        let since = self
            .session
            .store()
            .receipt_cursor(&self.session.account().enterprise_key())
            .await?;
        let (result, _) = self.transport.receipts(&token, &since, 1).await;
        match result {
            Ok(_) => {
                tracing::info!("server answers again; resuming");
                self.online = true;
                self.pull_requested = true;
                self.probe_failures = 0;
                // Reads that failed while away are worth a try at once.
                self.session.store().conflict_checks_due_now().await?;
                (self.sink)(&SyncEvent::Online);
                Ok(Duration::ZERO)
            }
            Err(_) => {
                // Probes back off too, so a laptop on a train does not spin.
                self.probe_failures += 1;
                Ok(self.probe_delay())
            }
        }
    }

    fn probe_delay(&self) -> Duration {
        let cap = ExponentialBuilder::default()
            .with_min_delay(self.config.probe_min)
            .with_max_delay(self.config.probe_max)
            .with_jitter()
            .without_max_times()
            .build()
            .nth(self.probe_failures.saturating_sub(1).min(64) as usize)
            .unwrap_or(self.config.probe_max);
        cap.min(self.config.probe_max)
    }

    /// Delay after the `failures`-th transient failure: backon's exponential schedule
    /// gives the ceiling for this attempt, then full jitter (uniform in
    /// `[0, ceiling]`) spreads the retries of a burst of failures so they do
    /// not come back in lockstep. backon's own `with_jitter` only adds up to
    /// one delay on top (the result stays in `[d, 2d)`), which keeps a burst
    /// bunched; we use it for the ceiling, then draw below it.
    pub fn backoff(&self, failures: u32) -> Duration {
        backoff_delay(&self.config, failures)
    }
}

/// See [`Worker::backoff`].
pub fn backoff_delay(config: &SyncConfig, failures: u32) -> Duration {
    let n = failures.saturating_sub(1).min(64) as usize;
    let ceiling = ExponentialBuilder::default()
        .with_min_delay(config.backoff_min)
        .with_max_delay(config.backoff_max)
        .with_factor(2.0)
        .with_jitter()
        .without_max_times()
        .build()
        .nth(n)
        .unwrap_or(config.backoff_max)
        .min(config.backoff_max);
    let drawn = ceiling.mul_f64(rand::rng().random_range(0.0..=1.0));
    // A floor so a zero draw cannot turn into a hot loop.
    drawn.max(Duration::from_millis(20))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_full_jitter_and_a_cap() {
        let cfg = SyncConfig {
            backoff_min: Duration::from_millis(100),
            backoff_max: Duration::from_secs(2),
            ..SyncConfig::default()
        };
        for attempts in 1..20 {
            let d = backoff_delay(&cfg, attempts);
            assert!(d <= cfg.backoff_max, "{attempts}: {d:?}");
            assert!(d >= Duration::from_millis(20));
        }
        // Full jitter: over many draws some land in the lower half of the ceiling.
        let low = (0..200)
            .filter(|_| backoff_delay(&cfg, 10) < Duration::from_secs(1))
            .count();
        assert!(low > 20, "{low}");
    }
}
