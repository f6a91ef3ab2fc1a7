//! Filing flows after the first declaration (migration `0003_flows.sql`):
//! amendments (修撤单) sent through the outbox, and conflicts between the
//! server's version of a filing and the local draft.
//!
//! - [`Store::amend_declaration`]: in ONE transaction, the amended document
//!   as a new revision (the draft keeps its status: the filing stands), the
//!   outbox entry (`POST /v1/declarations/{seq_no}/amendments`, a fresh key)
//!   and the amendment row. The server's answer (tolerated or recorded as a
//!   declaration error) is stored with the entry's outcome.
//! - Conflicts: the worker records the server's body when it differs from
//!   the revision last delivered; the clerk resolves by taking the server's
//!   version (a new revision, note `server`) or keeping the local one. The
//!   server's body is never deleted.
//! - Conflict checks (migration `0006_conflict_checks.sql`): an `M` receipt
//!   notes "read this filing back" in the transaction that stores it; the
//!   note goes only when the read-back compared the versions, so a failed
//!   read survives the worker stopping.

use chrono::{DateTime, Utc};
use portdesk_domain::{Declaration, DraftMeta, SaveInfo};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use uuid::Uuid;

use crate::drafts::{append, file_one, parse_status};
use crate::queue::EntryState;
use crate::revisions::DECLARATIONS;
use crate::sql::{instant, now_ms, parse_uuid};
use crate::{FileRequest, Filed, Store, StoreError};

/// An amendment to file: the entry as for a declaration, plus what the
/// amendment row records.
#[derive(Debug, Clone)]
pub struct AmendRequest<'a> {
    /// The draft's document with the changes applied, its path and body.
    pub file: FileRequest<'a>,
    pub amendment_id: &'a str,
    pub seq_no: &'a str,
    pub reason: &'a str,
    /// JSON array of `{field, value}`.
    pub changes: &'a str,
    pub note: &'a str,
}

/// An amendment as stored, with where its entry stands.
#[derive(Debug, Clone, PartialEq)]
pub struct AmendmentRecord {
    pub amendment_id: String,
    pub draft_id: Uuid,
    pub outbox_seq: i64,
    pub seq_no: String,
    pub reason: String,
    /// JSON array of `{field, value}`.
    pub changes: String,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub state: EntryState,
    /// `Some(true)`: tolerated (不记录差错); `None` until the server answered.
    pub no_error_recorded: Option<bool>,
    /// On `failed`: the server's reason (JSON).
    pub failure: Option<String>,
}

/// How a conflict was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// The server's version became the draft's current revision.
    Server,
    /// The local version stays; the server's is kept in the conflict row.
    Mine,
}

impl Resolution {
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Server => "server",
            Resolution::Mine => "mine",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "server" => Ok(Resolution::Server),
            "mine" => Ok(Resolution::Mine),
            _ => Err(StoreError::Corrupt(format!("conflict resolution {s:?}"))),
        }
    }
}

/// The server's version of a filing next to the local revision it left.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub id: i64,
    pub draft_id: Uuid,
    pub seq_no: String,
    pub base_revision: i64,
    pub server: Declaration,
    pub detected_at: DateTime<Utc>,
    pub resolution: Option<Resolution>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_revision: Option<i64>,
}

/// A filing an `M` receipt said changed, not yet read back and compared.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictCheck {
    pub draft_id: Uuid,
    pub seq_no: String,
    /// `M` receipts noted so far: clearing needs the count that was read.
    pub receipts: i64,
    pub noted_at: DateTime<Utc>,
    /// Failed reads that count for the backoff.
    pub failures: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
}

/// Receipt code saying a filing's document changed on the server (修撤单已处理).
pub(crate) const DOCUMENT_CHANGED: &str = "M";

/// The latest delivered filing of a draft: what the server should hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivered {
    pub outbox_seq: i64,
    pub revision: i64,
    pub seq_no: String,
    pub path: String,
}

impl Store {
    /// Files an amendment: the amended revision (status unchanged, note
    /// `amend`), its outbox entry and the amendment row, in one transaction.
    pub async fn amend_declaration(&self, req: &AmendRequest<'_>) -> Result<Filed, StoreError> {
        let mut tx = self.begin_write().await?;
        let status = DECLARATIONS
            .status(&mut tx, req.file.draft_id)
            .await?
            .ok_or(StoreError::NotFound {
                id: req.file.draft_id,
            })?;
        let filed = file_one(&mut tx, &req.file, parse_status(&status)?, "amend").await?;
        sqlx::query(
            "INSERT INTO amendments (draft_id, outbox_seq, amendment_id, seq_no, reason, changes, \
             note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(req.file.draft_id.to_string())
        .bind(filed.outbox_seq)
        .bind(req.amendment_id)
        .bind(req.seq_no)
        .bind(req.reason)
        .bind(req.changes)
        .bind(req.note)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(filed)
    }

    /// The amendments of a draft, oldest first.
    pub async fn amendments_for(&self, draft_id: Uuid) -> Result<Vec<AmendmentRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.*, o.state, o.failure FROM amendments a JOIN outbox o ON o.seq = a.outbox_seq \
             WHERE a.draft_id = ? ORDER BY a.seq",
        )
        .bind(draft_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(amendment_from_row).collect()
    }

    /// The draft's latest delivered (done) entry, if it was ever delivered.
    pub async fn last_delivered(&self, draft_id: Uuid) -> Result<Option<Delivered>, StoreError> {
        self.delivered_before(draft_id, i64::MAX).await
    }

    /// The draft's latest entry delivered before outbox entry `outbox_seq`:
    /// what the server held when that entry was made (an amendment's
    /// original, for the exchange folders).
    pub async fn delivered_before(
        &self,
        draft_id: Uuid,
        outbox_seq: i64,
    ) -> Result<Option<Delivered>, StoreError> {
        let row = sqlx::query(
            "SELECT seq, revision, seq_no, path FROM outbox WHERE document_id = ? AND state = 'done' \
             AND seq_no IS NOT NULL AND seq_no <> '' AND seq < ? ORDER BY seq DESC LIMIT 1",
        )
        .bind(draft_id.to_string())
        .bind(outbox_seq)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(Delivered {
                outbox_seq: r.try_get("seq")?,
                revision: r.try_get("revision")?,
                seq_no: r.try_get("seq_no")?,
                path: r.try_get("path")?,
            })
        })
        .transpose()
    }

    /// Records the server's version of a filing that differs from the local
    /// revision `base_revision`. An open conflict with the same server body
    /// is not recorded twice. Returns the conflict when it is new.
    pub async fn record_conflict(
        &self,
        draft_id: Uuid,
        seq_no: &str,
        base_revision: i64,
        server: &Declaration,
    ) -> Result<Option<Conflict>, StoreError> {
        let body = serde_json::to_string(server)?;
        let mut tx = self.begin_write().await?;
        let known: Option<i64> = sqlx::query_scalar(
            "SELECT seq FROM conflicts WHERE draft_id = ? AND resolution IS NULL AND server_body = ?",
        )
        .bind(draft_id.to_string())
        .bind(&body)
        .fetch_optional(&mut *tx)
        .await?;
        if known.is_some() {
            return Ok(None);
        }
        let row = sqlx::query(
            "INSERT INTO conflicts (draft_id, seq_no, base_revision, server_body, detected_at) \
             VALUES (?, ?, ?, ?, ?) RETURNING *",
        )
        .bind(draft_id.to_string())
        .bind(seq_no)
        .bind(base_revision)
        .bind(&body)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await?;
        let conflict = conflict_from_row(&row)?;
        tx.commit().await?;
        tracing::info!(%draft_id, seq_no, base_revision, "conflict with the server's version");
        Ok(Some(conflict))
    }

    /// The draft a conflict belongs to (`None`: no such conflict).
    pub async fn conflict_draft(&self, id: i64) -> Result<Option<Uuid>, StoreError> {
        let draft: Option<String> =
            sqlx::query_scalar("SELECT draft_id FROM conflicts WHERE seq = ?")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        draft.as_deref().map(parse_uuid).transpose()
    }

    /// Open (unresolved) conflicts of a draft, oldest first.
    pub async fn open_conflicts(&self, draft_id: Uuid) -> Result<Vec<Conflict>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM conflicts WHERE draft_id = ? AND resolution IS NULL ORDER BY seq",
        )
        .bind(draft_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(conflict_from_row).collect()
    }

    /// Every conflict of a draft, resolved ones included, oldest first.
    pub async fn conflicts(&self, draft_id: Uuid) -> Result<Vec<Conflict>, StoreError> {
        let rows = sqlx::query("SELECT * FROM conflicts WHERE draft_id = ? ORDER BY seq")
            .bind(draft_id.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(conflict_from_row).collect()
    }

    /// Resolves conflict `id` (`None`: no such conflict). `Server`: the server's version becomes a new
    /// revision (note `server`, problems from `info`, the draft's status
    /// kept) in the same transaction; `Mine`: only the row is marked.
    /// Resolving twice keeps the first resolution (a second click changes
    /// nothing) and returns the draft as it is.
    pub async fn resolve_conflict(
        &self,
        id: i64,
        resolution: Resolution,
        info: &SaveInfo,
    ) -> Result<Option<(Conflict, DraftMeta)>, StoreError> {
        let mut tx = self.begin_write().await?;
        let Some(row) = sqlx::query("SELECT * FROM conflicts WHERE seq = ?")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(None);
        };
        let conflict = conflict_from_row(&row)?;
        let draft = conflict.draft_id;
        let status = DECLARATIONS
            .status(&mut tx, draft)
            .await?
            .ok_or(StoreError::NotFound { id: draft })?;
        let keep = SaveInfo {
            status: parse_status(&status)?,
            note: "server".to_owned(),
            ..info.clone()
        };
        let mut resolved_revision = None;
        if conflict.resolution.is_none() && resolution == Resolution::Server {
            let body = serde_json::to_string(&conflict.server)?;
            let meta = append(&mut tx, draft, &conflict.server, &body, &keep, false).await?;
            resolved_revision = Some(meta.revision);
        }
        if conflict.resolution.is_none() {
            sqlx::query(
                "UPDATE conflicts SET resolution = ?, resolved_at = ?, resolved_revision = ? \
                 WHERE seq = ?",
            )
            .bind(resolution.as_str())
            .bind(now_ms())
            .bind(resolved_revision)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        let row = sqlx::query("SELECT * FROM conflicts WHERE seq = ?")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let conflict = conflict_from_row(&row)?;
        tx.commit().await?;
        let (meta, _) = self.get_declaration(draft).await?;
        Ok(Some((conflict, meta)))
    }

    /// Pending conflict checks, the longest-waiting first.
    pub async fn conflict_checks(&self) -> Result<Vec<ConflictCheck>, StoreError> {
        let rows = sqlx::query("SELECT * FROM conflict_checks ORDER BY noted_at, draft_id, seq_no")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(check_from_row).collect()
    }

    /// Pending conflict checks due at `now`.
    pub async fn due_conflict_checks(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Vec<ConflictCheck>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM conflict_checks WHERE next_attempt_at <= ? \
             ORDER BY next_attempt_at, noted_at",
        )
        .bind(now.timestamp_millis())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(check_from_row).collect()
    }

    /// When the next pending conflict check is due, if any is pending.
    pub async fn next_conflict_check_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let at: Option<i64> =
            sqlx::query_scalar("SELECT MIN(next_attempt_at) FROM conflict_checks")
                .fetch_one(&self.pool)
                .await?;
        at.map(instant).transpose()
    }

    /// Makes every pending conflict check due now (the worker starts, or the
    /// server answers again): the failures count stays for the backoff.
    /// Returns how many are pending.
    pub async fn conflict_checks_due_now(&self) -> Result<u64, StoreError> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let n = sqlx::query("UPDATE conflict_checks SET next_attempt_at = MIN(next_attempt_at, ?)")
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(n)
    }

    /// The check compared the versions (a conflict recorded, or none): it
    /// goes, unless an `M` receipt noted after `check` was read asks for
    /// another read. Returns whether it went.
    pub async fn conflict_check_done(&self, check: &ConflictCheck) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "DELETE FROM conflict_checks WHERE draft_id = ? AND seq_no = ? AND receipts = ?",
        )
        .bind(check.draft_id.to_string())
        .bind(&check.seq_no)
        .bind(check.receipts)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(n > 0)
    }

    /// The read-back failed: try again from `next_attempt_at`. `counts`:
    /// whether it counts for the backoff (not for offline or an expired token).
    pub async fn conflict_check_failed(
        &self,
        check: &ConflictCheck,
        next_attempt_at: DateTime<Utc>,
        error: &str,
        counts: bool,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE conflict_checks SET next_attempt_at = ?, last_error = ?, \
             failures = failures + ? WHERE draft_id = ? AND seq_no = ?",
        )
        .bind(next_attempt_at.timestamp_millis())
        .bind(error)
        .bind(i64::from(counts))
        .bind(check.draft_id.to_string())
        .bind(&check.seq_no)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Keeps an amendment's answer with it (inside the outcome's transaction).
pub(crate) async fn record_amendment_answer(
    conn: &mut SqliteConnection,
    outbox_seq: i64,
    answer: &str,
) -> Result<(), StoreError> {
    let tolerated = serde_json::from_str::<serde_json::Value>(answer)
        .ok()
        .and_then(|v| v.get("no_error_recorded").and_then(|b| b.as_bool()));
    sqlx::query("UPDATE amendments SET answer = ?, no_error_recorded = ? WHERE outbox_seq = ?")
        .bind(answer)
        .bind(tolerated.map(i64::from))
        .bind(outbox_seq)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Notes that filing `seq_no` of `draft_id` changed on the server and must
/// be read back (inside the transaction that stores its `M` receipt). A
/// second `M` before the read makes it due now and bumps `receipts`.
pub(crate) async fn note_conflict_check(
    conn: &mut SqliteConnection,
    draft_id: &str,
    seq_no: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO conflict_checks (draft_id, seq_no, receipts, noted_at, next_attempt_at) \
         VALUES (?, ?, 1, ?, ?) ON CONFLICT (draft_id, seq_no) DO UPDATE SET \
         receipts = receipts + 1, next_attempt_at = MIN(next_attempt_at, excluded.next_attempt_at)",
    )
    .bind(draft_id)
    .bind(seq_no)
    .bind(now)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn check_from_row(row: &SqliteRow) -> Result<ConflictCheck, StoreError> {
    Ok(ConflictCheck {
        draft_id: parse_uuid(row.try_get("draft_id")?)?,
        seq_no: row.try_get("seq_no")?,
        receipts: row.try_get("receipts")?,
        noted_at: instant(row.try_get("noted_at")?)?,
        failures: row.try_get::<i64, _>("failures")? as u32,
        next_attempt_at: instant(row.try_get("next_attempt_at")?)?,
        last_error: row.try_get("last_error")?,
    })
}

fn amendment_from_row(row: &SqliteRow) -> Result<AmendmentRecord, StoreError> {
    let state: &str = row.try_get("state")?;
    let tolerated: Option<i64> = row.try_get("no_error_recorded")?;
    Ok(AmendmentRecord {
        amendment_id: row.try_get("amendment_id")?,
        draft_id: parse_uuid(row.try_get("draft_id")?)?,
        outbox_seq: row.try_get("outbox_seq")?,
        seq_no: row.try_get("seq_no")?,
        reason: row.try_get("reason")?,
        changes: row.try_get("changes")?,
        note: row.try_get("note")?,
        created_at: instant(row.try_get("created_at")?)?,
        state: EntryState::parse(state)
            .ok_or_else(|| StoreError::Corrupt(format!("outbox state {state:?}")))?,
        no_error_recorded: tolerated.map(|t| t != 0),
        failure: row.try_get("failure")?,
    })
}

fn conflict_from_row(row: &SqliteRow) -> Result<Conflict, StoreError> {
    let resolution: Option<&str> = row.try_get("resolution")?;
    let resolved_at: Option<i64> = row.try_get("resolved_at")?;
    Ok(Conflict {
        id: row.try_get("seq")?,
        draft_id: parse_uuid(row.try_get("draft_id")?)?,
        seq_no: row.try_get("seq_no")?,
        base_revision: row.try_get("base_revision")?,
        server: serde_json::from_str(row.try_get("server_body")?)?,
        detected_at: instant(row.try_get("detected_at")?)?,
        resolution: resolution.map(Resolution::parse).transpose()?,
        resolved_at: resolved_at.map(instant).transpose()?,
        resolved_revision: row.try_get("resolved_revision")?,
    })
}
