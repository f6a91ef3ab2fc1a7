//! Read-back: a filing an `M` receipt said changed is read back from the
//! server and compared with the revision last delivered; a difference is
//! recorded as a conflict for the clerk. Failed reads are rescheduled in the
//! database and survive a restart.

use std::time::Duration;

use chrono::Utc;
use portdesk_api::FilingView;
use portdesk_store::{ConflictCheck, StoreError};

use super::{SyncEvent, Worker};
use crate::client::{self, TransportError, Verdict};
use crate::SyncError;

/// How reading a changed filing back ended.
enum ReadBack {
    /// The versions were compared (a conflict recorded, or none): done.
    Compared,
    /// Not read: try again. `counts`: a failure for the backoff (not offline
    /// or an expired token, which are due again at once); `not_before`: the
    /// server's `Retry-After`.
    Failed {
        error: String,
        counts: bool,
        not_before: Option<Duration>,
    },
}

impl ReadBack {
    fn failed(error: impl Into<String>) -> Self {
        ReadBack::Failed {
            error: error.into(),
            counts: true,
            not_before: None,
        }
    }
}

impl Worker {
    /// Reads back the due changed filings (`M` receipts), each once; a read
    /// that fails is rescheduled in the database, with backoff when it was
    /// the server's fault, never guessed.
    pub(super) async fn run_conflict_checks(&mut self) -> Result<(), SyncError> {
        if !self.has_server() {
            // The folders cannot read a filing back: the checks stay noted,
            // neither failed nor retried here, for an account with a server.
            return Ok(());
        }
        for check in self.session.store().due_conflict_checks(Utc::now()).await? {
            if !self.online || self.token.is_none() {
                // Offline or logged out meanwhile: the rest stay due.
                break;
            }
            match self.check_server_version(&check).await? {
                ReadBack::Compared => {
                    self.session.store().conflict_check_done(&check).await?;
                }
                ReadBack::Failed {
                    error,
                    counts,
                    not_before,
                } => {
                    let now = Utc::now();
                    let next = if counts {
                        now + self
                            .backoff(check.failures + 1)
                            .max(not_before.unwrap_or_default())
                    } else {
                        now
                    };
                    tracing::warn!(
                        seq_no = check.seq_no,
                        error,
                        "could not read the changed filing back; will try again"
                    );
                    self.session
                        .store()
                        .conflict_check_failed(&check, next, &error, counts)
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Reads the server's version of a filing and records a conflict when it
    /// is neither the revision last delivered nor the draft as it is now:
    /// someone else (customs, another clerk) changed it. Both versions stay;
    /// the clerk chooses.
    async fn check_server_version(&mut self, check: &ConflictCheck) -> Result<ReadBack, SyncError> {
        let Some(token) = self.token.clone() else {
            return Ok(ReadBack::Failed {
                error: "not_logged_in".to_owned(),
                counts: false,
                not_before: None,
            });
        };
        let seq_no = check.seq_no.as_str();
        let (result, log) = self.transport.get_filing(&token, seq_no).await;
        self.session.store().append_log(&log).await?;
        let answer = match result {
            Ok(a) => a,
            Err(TransportError::Offline(reason)) => {
                self.go_offline(reason);
                return Ok(ReadBack::Failed {
                    error: "offline".to_owned(),
                    counts: false,
                    not_before: None,
                });
            }
            Err(TransportError::Dropped(_)) => return Ok(ReadBack::failed("connection_dropped")),
        };
        let view = match client::classify(&answer) {
            Verdict::Done(_) => match serde_json::from_slice::<FilingView>(&answer.body) {
                Ok(v) => v,
                Err(e) => {
                    // Not worth stopping every delivery for: logged, tried
                    // again later.
                    tracing::warn!(error = %e, seq_no, "unreadable filing answer");
                    return Ok(ReadBack::failed("unreadable_answer"));
                }
            },
            Verdict::Reauthenticate => {
                // The next turn logs in again; the check is due at once.
                self.forget_token();
                return Ok(ReadBack::Failed {
                    error: "token_expired".to_owned(),
                    counts: false,
                    not_before: None,
                });
            }
            Verdict::Retry { code, retry_after } => {
                return Ok(ReadBack::Failed {
                    error: code,
                    counts: true,
                    not_before: retry_after,
                })
            }
            Verdict::Wait { code, after } => {
                return Ok(ReadBack::Failed {
                    error: code,
                    counts: false,
                    not_before: Some(after),
                })
            }
            // A refusal (404, 403 …) is no answer to compare with either:
            // kept, tried again with backoff.
            Verdict::Failed(body) => return Ok(ReadBack::failed(body.code)),
        };
        let draft_id = check.draft_id;
        let compared = async {
            let Some(delivered) = self.session.store().last_delivered(draft_id).await? else {
                return Ok(());
            };
            let base = self
                .session
                .store()
                .revision(draft_id, delivered.revision)
                .await?;
            if view.declaration == base {
                return Ok(());
            }
            let (_, current) = self.session.store().get_declaration(draft_id).await?;
            if view.declaration == current {
                return Ok(());
            }
            self.session
                .store()
                .record_conflict(draft_id, seq_no, delivered.revision, &view.declaration)
                .await?;
            (self.sink)(&SyncEvent::Conflict {
                draft_id,
                seq_no: seq_no.to_owned(),
            });
            Ok(())
        }
        .await;
        match compared {
            Ok(()) => Ok(ReadBack::Compared),
            // The draft is gone (trash emptied): nothing left to compare with.
            Err(e @ (StoreError::NotFound { .. } | StoreError::RevisionNotFound { .. })) => {
                tracing::warn!(error = %e, seq_no, "changed filing has no local draft left");
                Ok(ReadBack::Compared)
            }
            Err(e) => Err(e.into()),
        }
    }
}
