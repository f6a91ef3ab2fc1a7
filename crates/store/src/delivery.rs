//! Delivery outcomes: how each attempt of an outbox entry ended, recorded
//! in one transaction with everything it changes — the entry's state, the
//! answers in the message log, a receipt that came with the answer, an
//! amendment's verdict, and the status of the document filed, whatever
//! its kind.

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::message_log::{insert_log, LogEntry};
use crate::receipts::{insert_receipt, NewReceipt, StoredReceipt};
use crate::revisions::{DocumentKind, StatusGuard};
use crate::sql::now_ms;
use crate::{Store, StoreError};

/// Document statuses a delivery sets; both kinds spell them alike.
const QUEUED: &str = "queued";
const SENT: &str = "sent";
const REJECTED: &str = "rejected";

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq)]
// A batch holds at most `SyncConfig::batch` outcomes, briefly: the size of
// the `Done` variant does not matter, boxing it would only add noise.
#[allow(clippy::large_enum_variant)]
pub enum Outcome {
    /// 2xx: the server has the filing.
    Done {
        http_status: u16,
        seq_no: String,
        receipt: Option<NewReceipt>,
        /// The answer body (JSON) of an amendment, kept with it.
        answer: Option<String>,
    },
    /// Transient: send again, not before `next_attempt_at`.
    Retry {
        next_attempt_at: DateTime<Utc>,
        error: String,
        /// Whether this counts as a failure for the backoff (not for an
        /// expired token or the server being away).
        counts: bool,
    },
    /// Permanent: never sent again; the draft becomes `rejected`.
    Failed {
        http_status: Option<u16>,
        /// JSON: `{code, message, reasons}`.
        failure: String,
    },
}

/// The end of one attempt of entry `outbox_seq`, with its log lines.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptResult {
    pub outbox_seq: i64,
    pub outcome: Outcome,
    pub log: Vec<LogEntry>,
}

impl Store {
    /// Records how attempts ended, in one transaction: entry states, the
    /// answers in the log, receipts that came with them and the drafts'
    /// status. Only entries still `sending` are changed, so a late result
    /// can never undo a newer state. Returns the receipts that were new.
    pub async fn record_outcomes(
        &self,
        account: &str,
        results: &[AttemptResult],
    ) -> Result<Vec<StoredReceipt>, StoreError> {
        let now = now_ms();
        let mut new_receipts = Vec::new();
        let mut tx = self.begin_write().await?;
        for r in results {
            for line in &r.log {
                insert_log(&mut tx, line).await?;
            }
            let row = sqlx::query(
                "SELECT document_kind, document_id FROM outbox WHERE seq = ? AND state = 'sending'",
            )
            .bind(r.outbox_seq)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else { continue };
            let kind: &str = row.try_get("document_kind")?;
            let tables = DocumentKind::parse(kind)
                .ok_or_else(|| StoreError::Corrupt(format!("outbox document kind {kind:?}")))?
                .tables();
            let document_id: String = row.try_get("document_id")?;
            match &r.outcome {
                Outcome::Done {
                    http_status,
                    seq_no,
                    receipt,
                    answer,
                } => {
                    sqlx::query(
                        "UPDATE outbox SET state = 'done', updated_at = ?, seq_no = ?, \
                         http_status = ?, last_error = NULL WHERE seq = ?",
                    )
                    .bind(now)
                    .bind(seq_no)
                    .bind(i64::from(*http_status))
                    .bind(r.outbox_seq)
                    .execute(&mut *tx)
                    .await?;
                    // Sent, unless a receipt already said more.
                    tables
                        .set_status(&mut tx, &document_id, SENT, StatusGuard::From(&[QUEUED]))
                        .await?;
                    if let Some(receipt) = receipt {
                        if let Some(stored) = insert_receipt(&mut tx, account, receipt, now).await?
                        {
                            new_receipts.push(stored);
                        }
                    }
                    if let Some(answer) = answer {
                        crate::flows::record_amendment_answer(&mut tx, r.outbox_seq, answer)
                            .await?;
                    }
                }
                Outcome::Retry {
                    next_attempt_at,
                    error,
                    counts,
                } => {
                    sqlx::query(
                        "UPDATE outbox SET state = 'retry_wait', next_attempt_at = ?, \
                         updated_at = ?, last_error = ?, failures = failures + ? WHERE seq = ?",
                    )
                    .bind(next_attempt_at.timestamp_millis())
                    .bind(now)
                    .bind(error)
                    .bind(i64::from(*counts))
                    .bind(r.outbox_seq)
                    .execute(&mut *tx)
                    .await?;
                }
                Outcome::Failed {
                    http_status,
                    failure,
                } => {
                    sqlx::query(
                        "UPDATE outbox SET state = 'failed', updated_at = ?, failure = ?, \
                         http_status = ?, last_error = NULL WHERE seq = ?",
                    )
                    .bind(now)
                    .bind(failure)
                    .bind(http_status.map(i64::from))
                    .bind(r.outbox_seq)
                    .execute(&mut *tx)
                    .await?;
                    tables
                        .set_status(&mut tx, &document_id, REJECTED, StatusGuard::Any)
                        .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(new_receipts)
    }

    /// The clerk sends failed entry `outbox_seq` again (a file the Single
    /// Window client left untaken, a "system busy" answer): queued now with
    /// the same key and body and a fresh backoff, its document back to
    /// queued. Returns false when the entry is not failed (nothing changes).
    pub async fn retry_failed_entry(&self, outbox_seq: i64) -> Result<bool, StoreError> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT document_kind, document_id FROM outbox WHERE seq = ? AND state = 'failed'",
        )
        .bind(outbox_seq)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else { return Ok(false) };
        let kind: &str = row.try_get("document_kind")?;
        let tables = DocumentKind::parse(kind)
            .ok_or_else(|| StoreError::Corrupt(format!("outbox document kind {kind:?}")))?
            .tables();
        let document_id: String = row.try_get("document_id")?;
        sqlx::query(
            "UPDATE outbox SET state = 'queued', next_attempt_at = ?, updated_at = ?, \
             failures = 0, failure = NULL, http_status = NULL, last_error = 'retried_by_clerk' \
             WHERE seq = ?",
        )
        .bind(now)
        .bind(now)
        .bind(outbox_seq)
        .execute(&mut *tx)
        .await?;
        tables
            .set_status(
                &mut tx,
                &document_id,
                QUEUED,
                StatusGuard::From(&[REJECTED]),
            )
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}
