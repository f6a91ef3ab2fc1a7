//! Filing: the outbox of writes to the Single Window, receipts, the receipt
//! cursor and the append-only message log (migration `0002_outbox.sql`).
//!
//! The store only keeps state; the worker in `portdesk-sync` decides what to
//! send and when. Every state change is one `BEGIN IMMEDIATE` transaction:
//!
//! - [`Store::file_declarations`]: the filed revision and its outbox entry
//!   (state `queued`, a fresh UUID v7 idempotency key, the exact body bytes).
//! - [`Store::claim_due`]: due entries → `sending`, with the request logged.
//! - [`Store::record_outcomes`]: `sending` → `done` | `retry_wait` | `failed`,
//!   the answers logged, receipts stored and applied to the drafts' status.
//! - [`Store::store_receipts`]: a page of receipts and the new cursor together,
//!   so a crash between the two can neither lose nor repeat a receipt.

use chrono::{DateTime, Utc};
use portdesk_domain::{Declaration, DraftMeta, DraftStatus, SaveInfo};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use uuid::Uuid;

use crate::drafts::{insert_revision, instant, now_ms, parse_uuid, save_body};
use crate::{Store, StoreError};

/// Where an outbox entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryState {
    /// Written by filing; never sent.
    Queued,
    /// Handed to the transport. Found at start-up, the outcome is unknown: it
    /// is sent again with the same key (the server replays or deduplicates).
    Sending,
    /// Delivered: the server answered 2xx.
    Done,
    /// A transient failure; sent again from `next_attempt_at` on.
    RetryWait,
    /// Refused for good (a permanent 4xx); `failure` says why.
    Failed,
}

impl EntryState {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryState::Queued => "queued",
            EntryState::Sending => "sending",
            EntryState::Done => "done",
            EntryState::RetryWait => "retry_wait",
            EntryState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "queued" => EntryState::Queued,
            "sending" => EntryState::Sending,
            "done" => EntryState::Done,
            "retry_wait" => EntryState::RetryWait,
            "failed" => EntryState::Failed,
            _ => return None,
        })
    }

    /// Done or failed: the worker will not touch it again.
    pub fn is_terminal(self) -> bool {
        matches!(self, EntryState::Done | EntryState::Failed)
    }
}

/// One draft to file: the revision to record and the request to send.
#[derive(Debug, Clone)]
pub struct FileRequest<'a> {
    pub draft_id: Uuid,
    pub declaration: &'a Declaration,
    /// Problem counts of the revision; its status is replaced by `queued`.
    pub info: SaveInfo,
    pub method: &'a str,
    pub path: &'a str,
    /// The exact bytes every attempt will send.
    pub body: Vec<u8>,
}

/// What filing one draft wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Filed {
    pub meta: DraftMeta,
    pub outbox_seq: i64,
    pub idempotency_key: Uuid,
}

/// An outbox entry as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    pub seq: i64,
    pub idempotency_key: Uuid,
    pub draft_id: Uuid,
    pub revision: i64,
    pub client_seq_no: String,
    pub method: String,
    pub path: String,
    pub body: Vec<u8>,
    pub state: EntryState,
    /// Attempts made so far (the claim that sends counts).
    pub attempts: u32,
    /// Transient failures so far (the backoff exponent).
    pub failures: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    /// On `failed`: the reason as JSON.
    pub failure: Option<String>,
    pub seq_no: Option<String>,
    pub http_status: Option<u16>,
}

/// A receipt to store (the sync crate maps the wire type onto this).
#[derive(Debug, Clone, PartialEq)]
pub struct NewReceipt {
    /// The server's receipt id (its cursor position).
    pub server_id: String,
    pub client_seq_no: String,
    pub seq_no: String,
    pub entry_id: Option<String>,
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
    /// The rejection reasons as JSON (an array).
    pub reasons: String,
    pub issued_at: DateTime<Utc>,
}

/// A stored receipt.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReceipt {
    pub receipt: NewReceipt,
    pub draft_id: Option<Uuid>,
    pub received_at: DateTime<Utc>,
}

/// One line of the message log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub at: DateTime<Utc>,
    pub direction: LogDirection,
    pub method: String,
    pub path: String,
    pub outbox_seq: Option<i64>,
    pub idempotency_key: Option<Uuid>,
    pub status: Option<u16>,
    pub retry_after_ms: Option<i64>,
    /// With secrets already removed: the store writes what it is given.
    pub body: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogDirection {
    Request,
    Response,
    /// The transport failed: no answer (refused, dropped, timed out).
    Error,
}

impl LogDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            LogDirection::Request => "request",
            LogDirection::Response => "response",
            LogDirection::Error => "error",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "request" => LogDirection::Request,
            "response" => LogDirection::Response,
            "error" => LogDirection::Error,
            _ => return Err(StoreError::Corrupt(format!("log direction {s:?}"))),
        })
    }
}

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

/// Entries per state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub queued: u64,
    pub sending: u64,
    pub retry_wait: u64,
    pub done: u64,
    pub failed: u64,
}

impl OutboxCounts {
    /// Entries the worker still has to deliver.
    pub fn pending(&self) -> u64 {
        self.queued + self.sending + self.retry_wait
    }
}

const ENTRY_COLUMNS: &str = "seq, idempotency_key, draft_id, revision, client_seq_no, method, \
     path, body, state, attempts, failures, next_attempt_at, last_error, failure, seq_no, http_status";

impl Store {
    /// Files drafts: for each, in ONE transaction for all, the current
    /// document becomes a new revision with status `queued` (note "file")
    /// and an outbox entry is written with a fresh idempotency key.
    ///
    /// A draft whose previous filing is still pending fails the whole call
    /// with `filing_in_progress`; a trashed draft with `trashed`.
    pub async fn file_declarations(
        &self,
        requests: &[FileRequest<'_>],
    ) -> Result<Vec<Filed>, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut out = Vec::with_capacity(requests.len());
        for req in requests {
            out.push(file_one(&mut tx, req, DraftStatus::Queued, "file").await?);
        }
        tx.commit().await?;
        tracing::debug!(count = out.len(), "drafts filed");
        Ok(out)
    }

    /// At worker start: entries left in `sending` by a previous run (crash,
    /// kill, power cut) have an unknown outcome. They become due now, keeping
    /// their key and body, so the resend is deduplicated by the server.
    pub async fn requeue_in_flight(&self) -> Result<u64, StoreError> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE outbox SET state = 'queued', next_attempt_at = MIN(next_attempt_at, ?), \
             updated_at = ?, last_error = 'unknown_outcome' WHERE state = 'sending'",
        )
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(n)
    }

    /// Takes up to `limit` entries due at `now` (oldest due first), marks
    /// them `sending`, counts the attempt and logs the requests, all in one
    /// transaction: an entry is never sent without its log line.
    pub async fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        let now_ms = now.timestamp_millis();
        let mut tx = self.begin_write().await?;
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM outbox WHERE state IN ('queued', 'retry_wait') \
             AND next_attempt_at <= ? ORDER BY next_attempt_at, seq LIMIT ?"
        );
        let rows = sqlx::query(&sql)
            .bind(now_ms)
            .bind(i64::from(limit))
            .fetch_all(&mut *tx)
            .await?;
        let mut entries = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut e = entry_from_row(row)?;
            sqlx::query(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ? \
                 WHERE seq = ?",
            )
            .bind(now_ms)
            .bind(e.seq)
            .execute(&mut *tx)
            .await?;
            e.state = EntryState::Sending;
            e.attempts += 1;
            insert_log(
                &mut tx,
                &LogEntry {
                    at: now,
                    direction: LogDirection::Request,
                    method: e.method.clone(),
                    path: e.path.clone(),
                    outbox_seq: Some(e.seq),
                    idempotency_key: Some(e.idempotency_key),
                    status: None,
                    retry_after_ms: None,
                    body: String::from_utf8_lossy(&e.body).into_owned(),
                },
            )
            .await?;
            entries.push(e);
        }
        tx.commit().await?;
        Ok(entries)
    }

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
                "SELECT draft_id, state FROM outbox WHERE seq = ? AND state = 'sending'",
            )
            .bind(r.outbox_seq)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else { continue };
            let draft_id: String = row.try_get("draft_id")?;
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
                    sqlx::query(
                        "UPDATE drafts SET status = 'sent', updated_at = ? \
                         WHERE id = ? AND status = 'queued'",
                    )
                    .bind(now)
                    .bind(&draft_id)
                    .execute(&mut *tx)
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
                    sqlx::query(
                        "UPDATE drafts SET status = 'rejected', updated_at = ? WHERE id = ?",
                    )
                    .bind(now)
                    .bind(&draft_id)
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(new_receipts)
    }

    /// When the next entry waiting in `queued`/`retry_wait` becomes due.
    pub async fn next_due_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let at: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(next_attempt_at) FROM outbox WHERE state IN ('queued', 'retry_wait')",
        )
        .fetch_one(&self.pool)
        .await?;
        at.map(instant).transpose()
    }

    pub async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        let rows = sqlx::query("SELECT state, count(*) AS n FROM outbox GROUP BY state")
            .fetch_all(&self.pool)
            .await?;
        let mut c = OutboxCounts::default();
        for row in &rows {
            let n = row.try_get::<i64, _>("n")? as u64;
            match row.try_get::<&str, _>("state")? {
                "queued" => c.queued = n,
                "sending" => c.sending = n,
                "retry_wait" => c.retry_wait = n,
                "done" => c.done = n,
                "failed" => c.failed = n,
                s => return Err(StoreError::Corrupt(format!("outbox state {s:?}"))),
            }
        }
        Ok(c)
    }

    /// Every outbox entry, oldest first.
    pub async fn outbox_entries(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let sql = format!("SELECT {ENTRY_COLUMNS} FROM outbox ORDER BY seq");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// The outbox entries of one draft, oldest first.
    pub async fn outbox_for_draft(&self, id: Uuid) -> Result<Vec<OutboxEntry>, StoreError> {
        let sql = format!("SELECT {ENTRY_COLUMNS} FROM outbox WHERE draft_id = ? ORDER BY seq");
        let rows = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// The receipt cursor of `account` ("0" before the first receipt).
    pub async fn receipt_cursor(&self, account: &str) -> Result<String, StoreError> {
        Ok(self
            .sync_value(&cursor_key(account))
            .await?
            .unwrap_or_else(|| "0".to_owned()))
    }

    /// Stores a page of receipts (each once: a receipt already stored is
    /// skipped), applies them to the drafts' status and moves the cursor, in
    /// one transaction. Returns the receipts that were new.
    pub async fn store_receipts(
        &self,
        account: &str,
        receipts: &[NewReceipt],
        next_cursor: &str,
    ) -> Result<Vec<StoredReceipt>, StoreError> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let mut new = Vec::new();
        for r in receipts {
            if let Some(stored) = insert_receipt(&mut tx, account, r, now).await? {
                new.push(stored);
            }
        }
        set_value(&mut tx, &cursor_key(account), next_cursor).await?;
        tx.commit().await?;
        Ok(new)
    }

    /// Receipts of one client document id, in the server's order.
    pub async fn receipts_for(
        &self,
        client_seq_no: &str,
    ) -> Result<Vec<StoredReceipt>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM receipts WHERE client_seq_no = ? ORDER BY CAST(server_id AS INTEGER), seq",
        )
        .bind(client_seq_no)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(receipt_from_row).collect()
    }

    /// The latest receipt of every filing whose latest receipt (`M` skipped:
    /// it says nothing of the review) has one of `codes`, in the server's
    /// order; e.g. the filings standing rejected (`E`, `SpE`).
    pub async fn latest_receipts_in(
        &self,
        codes: &[&str],
    ) -> Result<Vec<StoredReceipt>, StoreError> {
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders = vec!["?"; codes.len()].join(", ");
        let sql = format!(
            "SELECT r.* FROM receipts r WHERE r.code IN ({placeholders}) AND NOT EXISTS \
             (SELECT 1 FROM receipts l WHERE l.client_seq_no = r.client_seq_no AND l.code <> 'M' \
             AND (CAST(l.server_id AS INTEGER), l.seq) > (CAST(r.server_id AS INTEGER), r.seq)) \
             ORDER BY CAST(r.server_id AS INTEGER), r.seq"
        );
        let mut q = sqlx::query(&sql);
        for c in codes {
            q = q.bind(*c);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(receipt_from_row).collect()
    }

    /// Receipt count per code, over every account.
    pub async fn receipt_counts(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let rows =
            sqlx::query("SELECT code, count(*) AS n FROM receipts GROUP BY code ORDER BY code")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("code")?, r.try_get::<i64, _>("n")? as u64)))
            .collect()
    }

    /// Delivered filings whose latest receipt is not yet one of `final_codes`
    /// (e.g. still waiting for `R` after `L`, or for the complete
    /// declaration's receipts after the summary's `SpK`). `M` receipts (the
    /// document changed) say nothing of the review and are skipped.
    pub async fn filings_awaiting_receipts(&self, final_codes: &[&str]) -> Result<u64, StoreError> {
        let placeholders = vec!["?"; final_codes.len().max(1)].join(", ");
        let sql = format!(
            "SELECT count(DISTINCT o.client_seq_no) FROM outbox o WHERE o.state = 'done' \
             AND COALESCE((SELECT r.code FROM receipts r WHERE r.client_seq_no = o.client_seq_no \
             AND r.code <> 'M' ORDER BY CAST(r.server_id AS INTEGER) DESC LIMIT 1), '') \
             NOT IN ({placeholders})"
        );
        let mut q = sqlx::query_scalar::<_, i64>(&sql);
        if final_codes.is_empty() {
            // No final code: every delivered filing awaits (matches no code).
            q = q.bind("\u{1}");
        }
        for c in final_codes {
            q = q.bind(*c);
        }
        Ok(q.fetch_one(&self.pool).await? as u64)
    }

    /// Appends lines to the message log (calls outside the outbox: login,
    /// receipt pulls).
    pub async fn append_log(&self, lines: &[LogEntry]) -> Result<(), StoreError> {
        if lines.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        for line in lines {
            insert_log(&mut tx, line).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The message log of one outbox entry (or all of it), oldest first.
    pub async fn message_log(&self, outbox_seq: Option<i64>) -> Result<Vec<LogEntry>, StoreError> {
        let rows = match outbox_seq {
            Some(seq) => {
                sqlx::query("SELECT * FROM message_log WHERE outbox_seq = ? ORDER BY seq")
                    .bind(seq)
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                sqlx::query("SELECT * FROM message_log ORDER BY seq")
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(log_from_row).collect()
    }

    /// A value of the small persistent key/value state (`sync_state`).
    pub async fn sync_value(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT value FROM sync_state WHERE key = ?")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Sets (`Some`) or removes (`None`) a value of `sync_state`. Never for
    /// secrets: those belong in the OS keyring.
    pub async fn set_sync_value(&self, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        match value {
            Some(v) => set_value(&mut tx, key, v).await?,
            None => {
                sqlx::query("DELETE FROM sync_state WHERE key = ?")
                    .bind(key)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Writes the revision `req` files (status `status`, note `note`) and its
/// outbox entry; refuses while an earlier entry of the draft is pending.
pub(crate) async fn file_one(
    conn: &mut SqliteConnection,
    req: &FileRequest<'_>,
    status: DraftStatus,
    note: &str,
) -> Result<Filed, StoreError> {
    let id = req.draft_id;
    let id_text = id.to_string();
    let pending: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM outbox WHERE draft_id = ? AND state IN ('queued', 'sending', 'retry_wait')",
    )
    .bind(&id_text)
    .fetch_optional(&mut *conn)
    .await?;
    if pending.is_some() {
        return Err(StoreError::FilingInProgress { id });
    }
    let info = SaveInfo {
        status,
        note: note.to_owned(),
        ..req.info.clone()
    };
    let body = serde_json::to_string(req.declaration)?;
    let before: Option<i64> =
        sqlx::query_scalar("SELECT current_revision FROM drafts WHERE id = ?")
            .bind(&id_text)
            .fetch_optional(&mut *conn)
            .await?;
    let mut meta = save_body(conn, id, req.declaration, &body, &info).await?;
    let now = now_ms();
    if Some(meta.revision) == before {
        // The document is unchanged, so save_body wrote nothing; filing is
        // still an event of the history, with the revision it filed.
        meta.revision += 1;
        insert_revision(conn, &id_text, meta.revision, &body, &info, now).await?;
        sqlx::query(
            "UPDATE drafts SET status = ?, current_revision = ?, error_count = ?, \
             warning_count = ?, updated_at = ? WHERE id = ?",
        )
        .bind(info.status.as_str())
        .bind(meta.revision)
        .bind(i64::from(info.error_count))
        .bind(i64::from(info.warning_count))
        .bind(now)
        .bind(&id_text)
        .execute(&mut *conn)
        .await?;
        meta.status = info.status;
        meta.error_count = info.error_count;
        meta.warning_count = info.warning_count;
        meta.updated_at = instant(now)?;
    }
    let key = Uuid::now_v7();
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO outbox (idempotency_key, draft_id, revision, client_seq_no, method, path, \
         body, state, attempts, next_attempt_at, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?) RETURNING seq",
    )
    .bind(key.to_string())
    .bind(&id_text)
    .bind(meta.revision)
    .bind(&meta.client_seq_no)
    .bind(req.method)
    .bind(req.path)
    .bind(&req.body)
    .bind(now)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Filed {
        meta,
        outbox_seq: seq,
        idempotency_key: key,
    })
}

/// Inserts a receipt unless already stored; applies it to its draft's
/// status when it is that filing's latest. Returns it when it was new.
pub(crate) async fn insert_receipt(
    conn: &mut SqliteConnection,
    account: &str,
    r: &NewReceipt,
    now: i64,
) -> Result<Option<StoredReceipt>, StoreError> {
    let draft_id: Option<String> =
        sqlx::query_scalar("SELECT id FROM drafts WHERE client_seq_no = ?")
            .bind(&r.client_seq_no)
            .fetch_optional(&mut *conn)
            .await?;
    let inserted = sqlx::query(
        "INSERT INTO receipts (account, server_id, client_seq_no, draft_id, seq_no, entry_id, \
         code, message_zh, message_en, reasons, issued_at, received_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account, server_id) DO NOTHING",
    )
    .bind(account)
    .bind(&r.server_id)
    .bind(&r.client_seq_no)
    .bind(&draft_id)
    .bind(&r.seq_no)
    .bind(&r.entry_id)
    .bind(&r.code)
    .bind(&r.message_zh)
    .bind(&r.message_en)
    .bind(&r.reasons)
    .bind(r.issued_at.timestamp_millis())
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(None);
    }
    if let (Some(id), crate::flows::DOCUMENT_CHANGED) = (&draft_id, r.code.as_str()) {
        // The server's version changed: the read-back is owed from the
        // moment the receipt (and the cursor past it) is stored.
        crate::flows::note_conflict_check(conn, id, &r.seq_no, now).await?;
    }
    if let (Some(id), Some(status)) = (&draft_id, DraftStatus::from_receipt_code(&r.code)) {
        // Receipts of one filing arrive in cursor order, but an answer's
        // receipt may be stored after later ones were pulled: apply only
        // the latest.
        let latest: Option<String> = sqlx::query_scalar(
            "SELECT server_id FROM receipts WHERE account = ? AND client_seq_no = ? \
             ORDER BY CAST(server_id AS INTEGER) DESC LIMIT 1",
        )
        .bind(account)
        .bind(&r.client_seq_no)
        .fetch_optional(&mut *conn)
        .await?;
        if latest.as_deref() == Some(r.server_id.as_str()) {
            sqlx::query("UPDATE drafts SET status = ?, updated_at = ? WHERE id = ?")
                .bind(status.as_str())
                .bind(now)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(Some(StoredReceipt {
        receipt: r.clone(),
        draft_id: draft_id.as_deref().map(parse_uuid).transpose()?,
        received_at: instant(now)?,
    }))
}

async fn insert_log(conn: &mut SqliteConnection, l: &LogEntry) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO message_log (at, direction, method, path, outbox_seq, idempotency_key, \
         status, retry_after_ms, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(l.at.timestamp_millis())
    .bind(l.direction.as_str())
    .bind(&l.method)
    .bind(&l.path)
    .bind(l.outbox_seq)
    .bind(l.idempotency_key.map(|k| k.to_string()))
    .bind(l.status.map(i64::from))
    .bind(l.retry_after_ms)
    .bind(&l.body)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn set_value(conn: &mut SqliteConnection, key: &str, value: &str) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO sync_state (key, value) VALUES (?, ?) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn cursor_key(account: &str) -> String {
    format!("receipt_cursor:{account}")
}

fn entry_from_row(row: &SqliteRow) -> Result<OutboxEntry, StoreError> {
    let state: &str = row.try_get("state")?;
    let key: &str = row.try_get("idempotency_key")?;
    let http_status: Option<i64> = row.try_get("http_status")?;
    Ok(OutboxEntry {
        seq: row.try_get("seq")?,
        idempotency_key: Uuid::parse_str(key)
            .map_err(|e| StoreError::Corrupt(format!("idempotency key {key:?}: {e}")))?,
        draft_id: parse_uuid(row.try_get("draft_id")?)?,
        revision: row.try_get("revision")?,
        client_seq_no: row.try_get("client_seq_no")?,
        method: row.try_get("method")?,
        path: row.try_get("path")?,
        body: row.try_get("body")?,
        state: EntryState::parse(state)
            .ok_or_else(|| StoreError::Corrupt(format!("outbox state {state:?}")))?,
        attempts: row.try_get::<i64, _>("attempts")? as u32,
        failures: row.try_get::<i64, _>("failures")? as u32,
        next_attempt_at: instant(row.try_get("next_attempt_at")?)?,
        last_error: row.try_get("last_error")?,
        failure: row.try_get("failure")?,
        seq_no: row.try_get("seq_no")?,
        http_status: http_status.map(|s| s as u16),
    })
}

fn receipt_from_row(row: &SqliteRow) -> Result<StoredReceipt, StoreError> {
    let draft_id: Option<&str> = row.try_get("draft_id")?;
    Ok(StoredReceipt {
        receipt: NewReceipt {
            server_id: row.try_get("server_id")?,
            client_seq_no: row.try_get("client_seq_no")?,
            seq_no: row.try_get("seq_no")?,
            entry_id: row.try_get("entry_id")?,
            code: row.try_get("code")?,
            message_zh: row.try_get("message_zh")?,
            message_en: row.try_get("message_en")?,
            reasons: row.try_get("reasons")?,
            issued_at: instant(row.try_get("issued_at")?)?,
        },
        draft_id: draft_id.map(parse_uuid).transpose()?,
        received_at: instant(row.try_get("received_at")?)?,
    })
}

fn log_from_row(row: &SqliteRow) -> Result<LogEntry, StoreError> {
    let key: Option<&str> = row.try_get("idempotency_key")?;
    let status: Option<i64> = row.try_get("status")?;
    Ok(LogEntry {
        at: instant(row.try_get("at")?)?,
        direction: LogDirection::parse(row.try_get("direction")?)?,
        method: row.try_get("method")?,
        path: row.try_get("path")?,
        outbox_seq: row.try_get("outbox_seq")?,
        idempotency_key: key.map(parse_uuid).transpose()?,
        status: status.map(|s| s as u16),
        retry_after_ms: row.try_get("retry_after_ms")?,
        body: row.try_get("body")?,
    })
}
