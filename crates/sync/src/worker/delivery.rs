//! Delivery: one batch of due entries sent concurrently with their stable
//! idempotency keys, and every outcome recorded in one transaction.

use std::sync::Arc;

use chrono::Utc;
use portdesk_api::{AmendmentAnswer, ErrorBody};
use portdesk_store::{AttemptResult, EntryState, OutboxEntry, Outcome};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::receipts::new_receipt;
use super::{SyncEvent, Worker, AMENDMENTS_SUFFIX};
use crate::client::{self, TransportError, Verdict};
use crate::SyncError;

impl Worker {
    /// Sends one batch of due entries; returns how many were sent.
    pub(super) async fn send_due(&mut self) -> Result<usize, SyncError> {
        let Some(token) = self.bearer() else {
            return Ok(0);
        };
        let entries = self
            .session
            .store()
            .claim_due(Utc::now(), self.config.batch)
            .await?;
        if entries.is_empty() {
            return Ok(0);
        }
        let n = entries.len();
        let permits = Arc::new(Semaphore::new(self.config.concurrency.max(1)));
        let mut tasks = JoinSet::new();
        for entry in entries {
            let transport = self.transport.clone();
            let token = token.clone();
            let permits = permits.clone();
            tasks.spawn(async move {
                let _permit = permits
                    .acquire_owned()
                    .await
                    .expect("semaphore never closed");
                let (result, line) = transport.send_entry(&entry, &token).await;
                (entry, result, line)
            });
        }
        let mut results = Vec::with_capacity(n);
        let mut events = Vec::with_capacity(n);
        let mut reauth = false;
        let mut offline: Option<String> = None;
        while let Some(joined) = tasks.join_next().await {
            let (entry, result, line) = joined.expect("send task panicked");
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
                        reauth = true;
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
                    offline = Some(reason);
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
            events.push(entry_event(&entry, &outcome));
            results.push(AttemptResult {
                outbox_seq: entry.seq,
                outcome,
                log: if unchanged { Vec::new() } else { vec![line] },
            });
        }
        let receipts = self
            .session
            .store()
            .record_outcomes(&self.session.account().enterprise_key(), &results)
            .await?;
        for e in &events {
            (self.sink)(e);
        }
        // Receipts that came inside the answers are news too.
        self.receipts_stored(&receipts).await?;
        if let Some(reason) = offline {
            self.go_offline(reason);
        } else if reauth {
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
        Ok(n)
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
