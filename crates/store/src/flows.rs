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

use chrono::{DateTime, Utc};
use portdesk_domain::{Declaration, DraftMeta, SaveInfo};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use uuid::Uuid;

use crate::drafts::{instant, now_ms, parse_status, parse_uuid, save_body};
use crate::outbox::{file_one, EntryState};
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
        let status: String = sqlx::query_scalar("SELECT status FROM drafts WHERE id = ?")
            .bind(req.file.draft_id.to_string())
            .fetch_optional(&mut *tx)
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
        let row = sqlx::query(
            "SELECT seq, revision, seq_no, path FROM outbox WHERE draft_id = ? AND state = 'done' \
             AND seq_no IS NOT NULL AND seq_no <> '' ORDER BY seq DESC LIMIT 1",
        )
        .bind(draft_id.to_string())
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
        let status: String = sqlx::query_scalar("SELECT status FROM drafts WHERE id = ?")
            .bind(draft.to_string())
            .fetch_optional(&mut *tx)
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
            let meta = save_body(&mut tx, draft, &conflict.server, &body, &keep).await?;
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

    /// When the two-step summary of `client_seq_no` was accepted (its `SpL`
    /// receipt), if it was.
    pub async fn summary_accepted_at(
        &self,
        client_seq_no: &str,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let at: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(issued_at) FROM receipts WHERE client_seq_no = ? AND code = 'SpL'",
        )
        .bind(client_seq_no)
        .fetch_one(&self.pool)
        .await?;
        at.map(instant).transpose()
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
