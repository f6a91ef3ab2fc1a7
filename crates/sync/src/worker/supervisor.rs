//! Keeping the worker alive: the app's worker runs under a [`Supervisor`]
//! that restarts it with backoff when it stops on an error or panics, and
//! sets aside an entry that was in flight at [`CRASH_LIMIT`] crashes, so one
//! poisonous entry cannot stop every other delivery. Errors only the clerk
//! can mend (a refused password, a locked keyring, an insecure server
//! setting, another worker on the database) stop it for good, reported.

use std::sync::Arc;

use portdesk_api::ErrorBody;
use portdesk_store::{AttemptResult, Outcome};
use tokio::sync::watch;

use super::{backoff_delay, EventSink, SyncConfig, SyncEvent, Worker};
use crate::session::Session;
use crate::transport::Transport;
use crate::SyncError;

/// Crashes with an entry in flight after which it is set aside as failed.
pub const CRASH_LIMIT: u32 = 3;

/// The failure code of an entry set aside after crashing the worker.
pub const WORKER_CRASHED: &str = "worker_crashed";

/// Runs a worker of one session until stopped, restarting it when it dies.
pub struct Supervisor {
    session: Session,
    transport: Arc<dyn Transport>,
    config: SyncConfig,
    sink: EventSink,
}

impl Supervisor {
    /// A supervisor of `session`'s worker over the session's HTTP client.
    pub fn new(session: Session, config: SyncConfig, sink: EventSink) -> Self {
        let http = Arc::new(session.client().clone());
        Supervisor::with_transport(session, http, config, sink)
    }

    /// … over another transport (the exchange folders, tests).
    pub fn with_transport(
        session: Session,
        transport: Arc<dyn Transport>,
        config: SyncConfig,
        sink: EventSink,
    ) -> Self {
        Supervisor {
            session,
            transport,
            config,
            sink,
        }
    }

    /// Runs until `stop` turns true (`Ok`) or the worker stops on an error
    /// the clerk must mend (`Err`). Every other end is a restart after a
    /// backoff, reported as [`SyncEvent::Restarting`]; the restarted worker
    /// probes before it sends, so "online" means a server answered.
    pub async fn run(self, mut stop: watch::Receiver<bool>) -> Result<(), SyncError> {
        let mut restarts = 0u32;
        loop {
            let mut worker = Worker::with_transport(
                self.session.clone(),
                self.transport.clone(),
                self.config.clone(),
            )
            .on_event(self.sink.clone());
            if restarts > 0 {
                worker.online = false;
            }
            let run_stop = stop.clone();
            // A task of its own: a panic ends the task, not the supervisor.
            let ended = tokio::spawn(async move { worker.run(run_stop).await }).await;
            let reason = match ended {
                Ok(Ok(())) => return Ok(()),
                Ok(Err(e)) if needs_the_clerk(&e) => return Err(e),
                Ok(Err(e)) => {
                    tracing::warn!(code = e.code(), error = %e, "sync worker stopped; restarting");
                    e.to_string()
                }
                Err(join) if join.is_panic() => {
                    let reason = format!("the sync worker crashed: {}", panic_text(join));
                    tracing::error!(%reason, "restarting the sync worker");
                    self.set_aside_poisonous(&reason).await;
                    reason
                }
                // Cancelled: the runtime is shutting down.
                Err(_) => return Ok(()),
            };
            if *stop.borrow() {
                return Ok(());
            }
            restarts = restarts.saturating_add(1);
            let after = backoff_delay(&self.config, restarts);
            (self.sink)(&SyncEvent::Restarting {
                reason,
                after,
                restarts,
            });
            tokio::select! {
                _ = tokio::time::sleep(after) => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                return Ok(());
            }
        }
    }

    /// Counts the crash against the entries that were in flight and fails
    /// those at the limit, with the reason. Best effort: a store that
    /// cannot be written now is tried at the next crash.
    async fn set_aside_poisonous(&self, reason: &str) {
        let store = self.session.store();
        let poisonous = match store.count_crash_of_sending(CRASH_LIMIT).await {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "cannot count the crash against its entries");
                return;
            }
        };
        if poisonous.is_empty() {
            return;
        }
        let body = ErrorBody::new(
            WORKER_CRASHED,
            format!(
                "set aside after crashing the sync worker {CRASH_LIMIT} times; the other \
                 filings go on / 该报文已 {CRASH_LIMIT} 次导致同步进程崩溃，已搁置，其他报文继续发送 \
                 ({reason})"
            ),
        );
        let failure = serde_json::to_string(&body).unwrap_or_default();
        let results: Vec<AttemptResult> = poisonous
            .iter()
            .map(|&outbox_seq| AttemptResult {
                outbox_seq,
                outcome: Outcome::Failed {
                    http_status: None,
                    failure: failure.clone(),
                },
                log: Vec::new(),
            })
            .collect();
        let account = self.session.account().enterprise_key();
        match store.record_outcomes(&account, &results).await {
            Ok(_) => tracing::warn!(?poisonous, "entries set aside after crashing the worker"),
            Err(e) => tracing::error!(error = %e, "cannot set the poisonous entries aside"),
        }
    }
}

/// Errors a restart cannot mend: the clerk must act (sign in again, unlock
/// the keyring, fix the server setting, close the other worker).
fn needs_the_clerk(e: &SyncError) -> bool {
    matches!(
        e,
        SyncError::NotLoggedIn(_)
            | SyncError::LoginFailed(_)
            | SyncError::KeyringUnavailable(_)
            | SyncError::Keyring(_)
            | SyncError::InsecureServer(_)
            | SyncError::WorkerBusy(_)
            | SyncError::NoServer(_)
    )
}

fn panic_text(join: tokio::task::JoinError) -> String {
    let payload = join.into_panic();
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_owned())
}
