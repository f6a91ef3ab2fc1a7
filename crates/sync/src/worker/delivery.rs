//! Delivery: due entries sent with their stable idempotency keys, a fixed
//! number in flight, and every outcome recorded.
//!
//! Entries are claimed in batches and outcomes recorded in batches (one
//! transaction each), but the requests do not wait for the bookkeeping:
//! the next batch is claimed while the last requests of the current one are
//! still in flight, and outcomes are recorded while the next requests are.
//! Measured against the mock (docs/benchmarks.md, "Sync throughput"), a
//! worker that drained each batch before claiming the next spent 19.6 s of
//! 50.8 s claiming and recording with no request in flight.

use std::collections::VecDeque;
use std::time::Instant;

use chrono::Utc;
use portdesk_api::{AmendmentAnswer, ErrorBody};
use portdesk_store::{
    AttemptResult, EntryState, LogEntry, OutboxEntry, Outcome, StoreError, StoredReceipt,
};
use tokio::task::{JoinHandle, JoinSet};

use super::receipts::new_receipt;
use super::{SyncEvent, Worker, AMENDMENTS_SUFFIX};
use crate::client::{self, Answer, TransportError, Verdict};
use crate::secret::Secret;
use crate::SyncError;

/// What one send came back with.
type Sent = (OutboxEntry, Result<Answer, TransportError>, LogEntry);

/// Outcomes recorded in a task of their own, and their events, told once
/// the transaction committed.
type Recording = JoinHandle<(Result<Vec<StoredReceipt>, StoreError>, Vec<SyncEvent>)>;

/// Outcomes waiting to be recorded, and what they ask of the worker.
#[derive(Default)]
struct Ledger {
    results: Vec<AttemptResult>,
    events: Vec<SyncEvent>,
    /// The last batch of outcomes being recorded while sending goes on.
    recording: Option<Recording>,
    /// The server refused the token: log in again before sending more.
    reauth: bool,
    /// The server is away: pause the queue.
    offline: Option<String>,
}

impl Worker {
    /// Sends what is due, `concurrency` requests in flight, until nothing
    /// more is due, the server is away or wants a new login, or a receipt
    /// poll is due (so receipts keep coming during a long delivery).
    /// Returns how many were sent.
    pub(super) async fn send_due(&mut self) -> Result<usize, SyncError> {
        let Some(token) = self.bearer() else {
            return Ok(0);
        };
        let started = Instant::now();
        let concurrency = self.config.concurrency.max(1);
        let batch = self.config.batch.max(1);
        let mut waiting: VecDeque<OutboxEntry> = VecDeque::new();
        // A short claim, kept back until nothing else is in flight.
        let mut held: Vec<OutboxEntry> = Vec::new();
        let mut in_flight: JoinSet<Sent> = JoinSet::new();
        let mut ledger = Ledger::default();
        let mut may_claim = true;
        // The next batch, claimed in a task of its own while sending goes on.
        let mut claiming: Option<JoinHandle<Result<Vec<OutboxEntry>, StoreError>>> = None;
        let mut sent = 0;
        loop {
            let line_empty = in_flight.is_empty() && waiting.is_empty();
            if claiming
                .as_ref()
                .is_some_and(|c| c.is_finished() || line_empty)
            {
                let claimed = claiming
                    .take()
                    .expect("checked above")
                    .await
                    .expect("claim task panicked")?;
                // A short claim took what is due, or is the suspect of a
                // crash, which travels alone (`Store::claim_due`): either
                // way the last claim, sent once the others are back.
                may_claim &= claimed.len() == batch as usize && batch > 1;
                sent += claimed.len();
                if may_claim || line_empty {
                    waiting.extend(claimed);
                } else {
                    held = claimed;
                }
            }
            // Claim ahead while one wave is still to go, so the line never runs dry.
            if may_claim && claiming.is_none() && waiting.len() < concurrency {
                let store = self.session.store().clone();
                claiming = Some(tokio::spawn(async move {
                    store.claim_due(Utc::now(), batch).await
                }));
            }
            if in_flight.is_empty() && waiting.is_empty() {
                waiting.extend(held.drain(..));
            }
            while in_flight.len() < concurrency {
                let Some(entry) = waiting.pop_front() else {
                    break;
                };
                self.spawn_send(&mut in_flight, entry, &token);
            }
            let Some(joined) = in_flight.join_next().await else {
                if held.is_empty() && claiming.is_none() {
                    break;
                }
                continue;
            };
            let (entry, result, line) = joined.expect("send task panicked");
            self.settle(&mut ledger, entry, result, line);
            if ledger.reauth || ledger.offline.is_some() {
                // What is claimed still goes (it ends as a retry at once);
                // nothing more is claimed.
                may_claim = false;
            }
            if started.elapsed() >= self.config.receipt_poll {
                may_claim = false;
            }
            if ledger.results.len() >= batch as usize || in_flight.is_empty() && waiting.is_empty()
            {
                self.record(&mut ledger).await?;
            }
        }
        self.record(&mut ledger).await?;
        self.recorded(&mut ledger).await?;
        if let Some(reason) = ledger.offline {
            self.go_offline(reason);
        } else if ledger.reauth {
            tracing::info!("token expired; logging in again");
            self.forget_token();
            if let Err(e) = self.login().await {
                if let SyncError::Offline(reason) = e {
                    self.go_offline(reason);
                } else {
                    return Err(e);
                }
            }
        }
        Ok(sent)
    }

    fn spawn_send(&self, in_flight: &mut JoinSet<Sent>, entry: OutboxEntry, token: &Secret) {
        let transport = self.transport.clone();
        let token = token.clone();
        in_flight.spawn(async move {
            let (result, line) = transport.send_entry(&entry, &token).await;
            (entry, result, line)
        });
    }

    /// Turns what a send came back with into the entry's outcome.
    fn settle(
        &mut self,
        ledger: &mut Ledger,
        entry: OutboxEntry,
        result: Result<Answer, TransportError>,
        line: LogEntry,
    ) {
        let now = Utc::now();
        let answer_was_wait = result.as_ref().is_ok_and(|a| a.status == 102);
        let outcome = match result {
            Ok(answer) => match client::classify(&answer) {
                Verdict::Done(filing) => {
                    self.pull_requested = true;
                    // An amendment answers with its own record, kept with it.
                    let amendment = entry
                        .path
                        .ends_with(AMENDMENTS_SUFFIX)
                        .then(|| serde_json::from_slice::<AmendmentAnswer>(&answer.body).ok())
                        .flatten();
                    let seq_no = filing
                        .as_ref()
                        .map(|f| f.seq_no.clone())
                        .or_else(|| amendment.as_ref().map(|a| a.seq_no.clone()))
                        .or_else(|| seq_no_in(&answer.body))
                        .unwrap_or_default();
                    Outcome::Done {
                        http_status: answer.status,
                        seq_no,
                        receipt: filing.map(|f| new_receipt(&f.receipt)),
                        answer: amendment
                            .map(|_| String::from_utf8_lossy(&answer.body).into_owned()),
                    }
                }
                Verdict::Retry { code, retry_after } => {
                    let delay = self
                        .backoff(entry.failures + 1)
                        .max(retry_after.unwrap_or_default());
                    Outcome::Retry {
                        next_attempt_at: now + delay,
                        error: code,
                        counts: true,
                    }
                }
                Verdict::Wait { code, after } => Outcome::Retry {
                    next_attempt_at: now + after,
                    error: code,
                    counts: false,
                },
                Verdict::Reauthenticate => {
                    ledger.reauth = true;
                    Outcome::Retry {
                        next_attempt_at: now,
                        error: "token_expired".to_owned(),
                        counts: false,
                    }
                }
                Verdict::Failed(body) => Outcome::Failed {
                    http_status: Some(answer.status),
                    failure: failure_json(&body),
                },
            },
            Err(TransportError::Offline(reason)) => {
                // Not the entry's fault: due again as soon as the server is back.
                ledger.offline = Some(reason);
                Outcome::Retry {
                    next_attempt_at: now,
                    error: "offline".to_owned(),
                    counts: false,
                }
            }
            Err(TransportError::Dropped(_)) => Outcome::Retry {
                next_attempt_at: now + self.backoff(entry.failures + 1),
                error: "connection_dropped".to_owned(),
                counts: true,
            },
        };
        // Another look that found things as they were is no news.
        let unchanged = matches!(&outcome, Outcome::Retry { counts: false, error, .. }
            if answer_was_wait && entry.last_error.as_deref() == Some(error.as_str()));
        ledger.events.push(entry_event(&entry, &outcome));
        ledger.results.push(AttemptResult {
            outbox_seq: entry.seq,
            outcome,
            log: if unchanged { Vec::new() } else { vec![line] },
        });
    }

    /// Starts recording the outcomes settled so far, in one transaction of
    /// a task of its own: the requests in flight are answered and new ones
    /// sent meanwhile. The batch before is waited for first (told, its
    /// receipts handed on), so batches commit and are told in order.
    async fn record(&mut self, ledger: &mut Ledger) -> Result<(), SyncError> {
        self.recorded(ledger).await?;
        if ledger.results.is_empty() {
            return Ok(());
        }
        let results = std::mem::take(&mut ledger.results);
        let events = std::mem::take(&mut ledger.events);
        let store = self.session.store().clone();
        let account = self.session.account().enterprise_key();
        ledger.recording = Some(tokio::spawn(async move {
            (store.record_outcomes(&account, &results).await, events)
        }));
        Ok(())
    }

    /// Waits for the batch being recorded, then tells the sink and hands on
    /// receipts that came inside the answers.
    async fn recorded(&mut self, ledger: &mut Ledger) -> Result<(), SyncError> {
        let Some(recording) = ledger.recording.take() else {
            return Ok(());
        };
        let (receipts, events) = recording.await.expect("recording task panicked");
        let receipts = receipts?;
        for e in &events {
            (self.sink)(e);
        }
        self.receipts_stored(&receipts).await
    }
}

/// The server's unified no. in any other write's answer (e.g. a certificate
/// application's view), so every delivered entry records what it created.
fn seq_no_in(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    value.get("seq_no")?.as_str().map(str::to_owned)
}

fn failure_json(body: &ErrorBody) -> String {
    serde_json::to_string(body).unwrap_or_else(|_| format!("{{\"code\":\"{}\"}}", body.code))
}

fn entry_event(entry: &OutboxEntry, outcome: &Outcome) -> SyncEvent {
    let (state, next, error) = match outcome {
        Outcome::Done { .. } => (EntryState::Done, None, None),
        Outcome::Retry {
            next_attempt_at,
            error,
            ..
        } => (
            EntryState::RetryWait,
            Some(*next_attempt_at),
            Some(error.clone()),
        ),
        Outcome::Failed { failure, .. } => (
            EntryState::Failed,
            None,
            serde_json::from_str::<ErrorBody>(failure)
                .ok()
                .map(|b| b.code),
        ),
    };
    SyncEvent::Entry {
        outbox_seq: entry.seq,
        draft_id: entry.document_id,
        client_seq_no: entry.client_seq_no.clone(),
        state,
        attempts: entry.attempts,
        next_attempt_at: next,
        error,
    }
}
