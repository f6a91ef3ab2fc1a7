//! The outbox queue (待发送队列): writes waiting for the Single Window,
//! one row per filing of a document, and their way through the states
//! (migrations `0002_outbox.sql`, `0007_document_kinds.sql`).
//!
//! The store only keeps state; the worker in `portdesk-sync` decides what to
//! send and when. [`enqueue`] is the one way a row is written — always inside
//! the transaction that writes the revision it files, so a filed revision
//! always has its entry and an entry always has its revision. Every state
//! change is one `BEGIN IMMEDIATE` transaction; [`Store::claim_due`] marks
//! due entries `sending` and logs the requests together. How an attempt
//! ended is recorded by `delivery.rs`.

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use uuid::Uuid;

use crate::message_log::{insert_log, LogDirection, LogEntry};
use crate::revisions::DocumentKind;
use crate::sql::{instant, now_ms, parse_uuid};
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

/// `last_error` codes that say the entry is not failing but waiting for
/// the other side (the Single Window client has the file and has not
/// answered yet, or has enough of our files for now). Claiming such an
/// entry again only looks: the claim logs no request line (the transport
/// logs what it hands over, when it does).
pub const AWAITING_CODES: &[&str] = &["exchange_waiting", "exchange_taken", "exchange_queued"];

/// An outbox entry as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    pub seq: i64,
    pub idempotency_key: Uuid,
    /// Which kind of document the entry files, and which one.
    pub kind: DocumentKind,
    pub document_id: Uuid,
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

/// A row to enqueue: the document it files and the request every attempt sends.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewEntry<'a> {
    pub(crate) kind: DocumentKind,
    pub(crate) document_id: Uuid,
    /// The revision filed.
    pub(crate) revision: i64,
    pub(crate) client_seq_no: &'a str,
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    /// The exact bytes every attempt will send.
    pub(crate) body: &'a [u8],
}

/// The next `LIMIT` entries due at `?`, in claim order, bodies and all.
/// Suspects sort first; the first row says whether this is one. The order
/// is read off the `outbox_claim` index (migration 0014), which the claim
/// names: only the batch's rows are read, not every due entry's body.
fn claim_due_sql() -> String {
    format!(
        "SELECT {ENTRY_COLUMNS}, crashes > 0 AS suspect FROM outbox WHERE seq IN ( \
             SELECT seq FROM outbox INDEXED BY outbox_claim \
             WHERE state IN ('queued', 'retry_wait') AND next_attempt_at <= ? \
             ORDER BY crashes > 0 DESC, next_attempt_at, seq LIMIT ?) \
         ORDER BY crashes > 0 DESC, next_attempt_at, seq"
    )
}

/// The outbox counted by state, off the `outbox_state` index (migration
/// 0013): the header's sync counts are refreshed during every delivery.
const OUTBOX_COUNTS_SQL: &str = "SELECT state, count(*) AS n FROM outbox GROUP BY state";

pub(crate) const ENTRY_COLUMNS: &str =
    "seq, idempotency_key, document_kind, document_id, revision, \
     client_seq_no, method, path, body, state, attempts, failures, next_attempt_at, last_error, \
     failure, seq_no, http_status";

/// Fails with `filing_in_progress` while an earlier entry of document `id`
/// is still to be delivered: one filing of a document in flight at a time.
pub(crate) async fn refuse_if_pending(
    conn: &mut SqliteConnection,
    id: Uuid,
) -> Result<(), StoreError> {
    let pending: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM outbox WHERE document_id = ? \
         AND state IN ('queued', 'sending', 'retry_wait')",
    )
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    match pending {
        Some(_) => Err(StoreError::FilingInProgress { id }),
        None => Ok(()),
    }
}

/// Writes an outbox entry in state `queued`, due now, with a fresh UUID v7
/// idempotency key (minted once here, carried by every attempt). Returns the
/// entry's `seq` and key.
pub(crate) async fn enqueue(
    conn: &mut SqliteConnection,
    entry: &NewEntry<'_>,
) -> Result<(i64, Uuid), StoreError> {
    let key = Uuid::now_v7();
    let now = now_ms();
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO outbox (idempotency_key, document_kind, document_id, revision, client_seq_no, \
         method, path, body, state, attempts, next_attempt_at, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?) RETURNING seq",
    )
    .bind(key.to_string())
    .bind(entry.kind.as_str())
    .bind(entry.document_id.to_string())
    .bind(entry.revision)
    .bind(entry.client_seq_no)
    .bind(entry.method)
    .bind(entry.path)
    .bind(entry.body)
    .bind(now)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok((seq, key))
}

impl Store {
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

    /// The worker crashed (panicked) with these entries in flight: counts
    /// the crash against each entry found `sending`, and returns the seqs
    /// of those that have now been in flight at `limit` crashes or more,
    /// for the caller to set aside as failed. The others are requeued by
    /// the next start, as after any stop with an unknown outcome.
    pub async fn count_crash_of_sending(&self, limit: u32) -> Result<Vec<i64>, StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE outbox SET crashes = crashes + 1 WHERE state = 'sending'")
            .execute(&mut *tx)
            .await?;
        let poisonous: Vec<i64> = sqlx::query_scalar(
            "SELECT seq FROM outbox WHERE state = 'sending' AND crashes >= ? ORDER BY seq",
        )
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(poisonous)
    }

    /// Takes up to `limit` entries due at `now` (oldest due first), marks
    /// them `sending`, counts the attempt and logs the requests, all in one
    /// transaction: an entry is never sent without its log line.
    ///
    /// An entry that was in flight when the worker crashed travels alone
    /// until delivered: only then does a further crash say which entry it
    /// was, and the innocent ones of the crashed batch are never blamed
    /// again (see [`Store::count_crash_of_sending`]).
    pub async fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        let now_ms = now.timestamp_millis();
        let mut tx = self.begin_write().await?;
        let mut rows = sqlx::query(&claim_due_sql())
            .bind(now_ms)
            .bind(i64::from(limit))
            .fetch_all(&mut *tx)
            .await?;
        if let Some(first) = rows.first() {
            if first.try_get::<bool, _>("suspect")? {
                rows.truncate(1);
            }
        }
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
            // Looking again at a request the other side already holds (or
            // waiting for room to hand it over) sends nothing: no line.
            // The transport logs what it hands over when it does.
            let looking = e
                .last_error
                .as_deref()
                .is_some_and(|code| AWAITING_CODES.contains(&code));
            if !looking {
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
                        truncated: None,
                    },
                )
                .await?;
            }
            entries.push(e);
        }
        tx.commit().await?;
        Ok(entries)
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
        let rows = sqlx::query(OUTBOX_COUNTS_SQL).fetch_all(&self.pool).await?;
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

    /// The outbox entries of one document (a draft or an origin
    /// application), oldest first.
    pub async fn outbox_for_draft(&self, id: Uuid) -> Result<Vec<OutboxEntry>, StoreError> {
        let sql = format!("SELECT {ENTRY_COLUMNS} FROM outbox WHERE document_id = ? ORDER BY seq");
        let rows = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(entry_from_row).collect()
    }
}

fn entry_from_row(row: &SqliteRow) -> Result<OutboxEntry, StoreError> {
    let state: &str = row.try_get("state")?;
    let key: &str = row.try_get("idempotency_key")?;
    let kind: &str = row.try_get("document_kind")?;
    let http_status: Option<i64> = row.try_get("http_status")?;
    Ok(OutboxEntry {
        seq: row.try_get("seq")?,
        idempotency_key: Uuid::parse_str(key)
            .map_err(|e| StoreError::Corrupt(format!("idempotency key {key:?}: {e}")))?,
        kind: DocumentKind::parse(kind)
            .ok_or_else(|| StoreError::Corrupt(format!("outbox document kind {kind:?}")))?,
        document_id: parse_uuid(row.try_get("document_id")?)?,
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

#[cfg(test)]
mod tests {
    use sqlx::Row;

    use crate::Store;

    /// How SQLite would run `sql` on a fresh store (parameters left unbound).
    async fn plan_of(sql: &str) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("portdesk.db")).await.unwrap();
        sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
            .fetch_all(&store.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<String, _>("detail"))
            .collect()
    }

    /// The claim walks the claim-order index and sorts only the batch it
    /// took, whatever the size of the queue.
    #[tokio::test]
    async fn the_claim_reads_its_order_off_the_index() {
        let plan = plan_of(&super::claim_due_sql()).await;
        assert!(
            plan.iter()
                .any(|d| d.contains("SCAN outbox USING INDEX outbox_claim")),
            "{plan:?}"
        );
        assert!(
            !plan.iter().any(|d| d.contains("outbox_state")),
            "the queue is not sorted whole: {plan:?}"
        );
    }

    /// The sync counts come from an index, never from a walk over every
    /// entry and its request body.
    #[tokio::test]
    async fn outbox_counts_are_read_from_the_state_index() {
        let plan = plan_of(super::OUTBOX_COUNTS_SQL).await;
        assert!(
            plan.iter()
                .any(|d| d.contains("COVERING INDEX outbox_state")),
            "{plan:?}"
        );
    }
}
