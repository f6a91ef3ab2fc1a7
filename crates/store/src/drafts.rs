//! Declaration drafts: create, save (a new revision per change), read, list
//! and search, history and restore, trash.
//!
//! The `drafts` row is a denormalised copy of what the list needs from the
//! current revision; it, the new `revisions` row and the `drafts_fts` row are
//! always written in the same transaction, so they never disagree.

use chrono::{DateTime, Utc};
use portdesk_domain::{
    Declaration, DraftMeta, DraftPage, DraftQuery, DraftStatus, IeFlag, RevisionMeta, SaveInfo,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite, SqliteConnection, Transaction};
use uuid::Uuid;

use crate::error::is_unique_violation;
use crate::search::{index_terms, match_expression};
use crate::{Store, StoreError};

/// Page size when the query asks for 0.
const DEFAULT_LIMIT: u32 = 50;
/// Largest page served, whatever the query asks.
const MAX_LIMIT: u32 = 500;

/// Columns of `drafts d` that make a [`DraftMeta`], in `meta_from_row` order.
const META_COLUMNS: &str = "d.id, d.client_seq_no, d.ie_flag, d.title, d.status, \
     d.current_revision, d.error_count, d.warning_count, d.created_at, d.updated_at, d.trashed_at";

impl Store {
    /// Creates draft `id` with `decl` as revision 1.
    ///
    /// Fails with `already_exists` if the id is taken and with
    /// `client_seq_no_taken` if another draft has the same sequence number.
    pub async fn create_declaration(
        &self,
        id: Uuid,
        decl: &Declaration,
        info: &SaveInfo,
    ) -> Result<DraftMeta, StoreError> {
        let body = serde_json::to_string(decl)?;
        let mut tx = self.begin_write().await?;
        let meta = insert_draft(&mut tx, id, decl, &body, info, now_ms()).await?;
        tx.commit().await?;
        tracing::debug!(%id, "draft created");
        Ok(meta)
    }

    /// Creates many drafts in one transaction: all or none. For imports and
    /// for seeding benchmarks, where one fsync per draft would dominate.
    pub async fn create_declarations(
        &self,
        drafts: &[(Uuid, Declaration, SaveInfo)],
    ) -> Result<Vec<DraftMeta>, StoreError> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let mut metas = Vec::with_capacity(drafts.len());
        for (id, decl, info) in drafts {
            let body = serde_json::to_string(decl)?;
            metas.push(insert_draft(&mut tx, *id, decl, &body, info, now).await?);
        }
        tx.commit().await?;
        tracing::debug!(count = metas.len(), "drafts created");
        Ok(metas)
    }

    /// Saves `decl` as the next revision of draft `id`.
    ///
    /// If the document serialises byte-for-byte like the current revision,
    /// nothing is written and the current metadata is returned (autosave of
    /// an unchanged form must not grow the history). A trashed draft cannot
    /// be saved (`trashed`); the client sequence number cannot change
    /// (`client_seq_no_changed`).
    pub async fn save_declaration(
        &self,
        id: Uuid,
        decl: &Declaration,
        info: &SaveInfo,
    ) -> Result<DraftMeta, StoreError> {
        let body = serde_json::to_string(decl)?;
        let mut tx = self.begin_write().await?;
        let meta = save_body(&mut tx, id, decl, &body, info).await?;
        tx.commit().await?;
        Ok(meta)
    }

    /// The draft's metadata and its current document. Works for trashed
    /// drafts too (to show them in the trash).
    pub async fn get_declaration(&self, id: Uuid) -> Result<(DraftMeta, Declaration), StoreError> {
        let sql = format!(
            "SELECT {META_COLUMNS}, r.body FROM drafts d \
             JOIN revisions r ON r.draft_id = d.id AND r.revision = d.current_revision \
             WHERE d.id = ?"
        );
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound { id })?;
        let meta = meta_from_row(&row)?;
        let decl = parse_body(id, meta.revision, row.try_get("body")?)?;
        Ok((meta, decl))
    }

    /// The id of the draft (live or trashed) with this client sequence number.
    pub async fn find_by_client_seq_no(
        &self,
        client_seq_no: &str,
    ) -> Result<Option<Uuid>, StoreError> {
        let id: Option<String> =
            sqlx::query_scalar("SELECT id FROM drafts WHERE client_seq_no = ?")
                .bind(client_seq_no)
                .fetch_optional(&self.pool)
                .await?;
        id.map(|s| parse_uuid(&s)).transpose()
    }

    /// One page of drafts, newest updated first (ties: newest created).
    ///
    /// `text` is matched through the full-text index: every word must match,
    /// Latin/digit words by prefix, Chinese by substring (see `search.rs`).
    /// Text with nothing searchable in it (only punctuation) filters nothing.
    /// `total` counts all matches, not just this page.
    pub async fn list_drafts(&self, q: &DraftQuery) -> Result<DraftPage, StoreError> {
        let limit = match q.limit {
            0 => DEFAULT_LIMIT,
            n => n.min(MAX_LIMIT),
        };
        let mut conds: Vec<&str> = vec![if q.trashed {
            "d.trashed_at IS NOT NULL"
        } else {
            "d.trashed_at IS NULL"
        }];
        let mut args: Vec<String> = Vec::new();
        if let Some(status) = q.status {
            conds.push("d.status = ?");
            args.push(status.as_str().to_owned());
        }
        if let Some(flag) = q.ie_flag {
            conds.push("d.ie_flag = ?");
            args.push(ie_flag_str(flag).to_owned());
        }
        let from = match q.text.as_deref().and_then(match_expression) {
            Some(expr) => {
                conds.insert(0, "drafts_fts MATCH ?");
                args.insert(0, expr);
                // CROSS JOIN pins the join order: walk the (usually few)
                // matches and look each draft up by rowid, rather than walk
                // every draft in list order and probe the index for each.
                "drafts_fts CROSS JOIN drafts d ON d.seq = drafts_fts.rowid"
            }
            None => "drafts d",
        };
        let filter = conds.join(" AND ");
        let count_sql = format!("SELECT count(*) FROM {from} WHERE {filter}");
        let page_sql = format!(
            "SELECT {META_COLUMNS} FROM {from} WHERE {filter} \
             ORDER BY d.updated_at DESC, d.seq DESC LIMIT ? OFFSET ?"
        );

        // One read transaction: the count and the page see the same snapshot.
        let mut tx = self.pool.begin().await?;
        let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
        for a in &args {
            count = count.bind(a);
        }
        let total = count.fetch_one(&mut *tx).await?;
        let mut page = sqlx::query(&page_sql);
        for a in &args {
            page = page.bind(a);
        }
        let rows = page
            .bind(i64::from(limit))
            .bind(i64::from(q.offset))
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        let items = rows.iter().map(meta_from_row).collect::<Result<_, _>>()?;
        Ok(DraftPage {
            items,
            total: total as u64,
        })
    }

    /// Every revision of draft `id`, newest first.
    pub async fn history(&self, id: Uuid) -> Result<Vec<RevisionMeta>, StoreError> {
        let rows = sqlx::query(
            "SELECT revision, saved_at, status, error_count, warning_count, note \
             FROM revisions WHERE draft_id = ? ORDER BY revision DESC",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        // A draft always has revision 1, so no rows means no draft.
        if rows.is_empty() {
            return Err(StoreError::NotFound { id });
        }
        rows.iter()
            .map(|row| {
                Ok(RevisionMeta {
                    revision: row.try_get("revision")?,
                    saved_at: instant(row.try_get("saved_at")?)?,
                    status: parse_status(row.try_get("status")?)?,
                    error_count: count(row.try_get("error_count")?)?,
                    warning_count: count(row.try_get("warning_count")?)?,
                    note: row.try_get("note")?,
                })
            })
            .collect()
    }

    /// The document as it was in `revision` of draft `id`.
    pub async fn revision(&self, id: Uuid, revision: i64) -> Result<Declaration, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let body = revision_body(&mut conn, id, revision).await?;
        parse_body(id, revision, body)
    }

    /// Makes `revision` current again by saving its document as a new
    /// revision; the history is never rewritten. If that document is already
    /// the current one, nothing is written.
    pub async fn restore_revision(
        &self,
        id: Uuid,
        revision: i64,
        info: &SaveInfo,
    ) -> Result<DraftMeta, StoreError> {
        let mut tx = self.begin_write().await?;
        let old = revision_body(&mut tx, id, revision).await?;
        let decl = parse_body(id, revision, old)?;
        // Re-serialised, not copied: a body written by an older version gets
        // today's shape, which is what a save of it would produce.
        let body = serde_json::to_string(&decl)?;
        let meta = save_body(&mut tx, id, &decl, &body, info).await?;
        tx.commit().await?;
        Ok(meta)
    }

    /// Moves draft `id` to the trash. Trashing a trashed draft changes nothing.
    pub async fn trash(&self, id: Uuid) -> Result<DraftMeta, StoreError> {
        self.set_trashed(id, Some(now_ms())).await
    }

    /// Takes draft `id` out of the trash. A live draft is left as it is.
    pub async fn untrash(&self, id: Uuid) -> Result<DraftMeta, StoreError> {
        self.set_trashed(id, None).await
    }

    /// Deletes every trashed draft with all its revisions, for good; the only
    /// operation that deletes anything. Returns the number of drafts deleted.
    pub async fn empty_trash(&self) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "DELETE FROM drafts_fts WHERE rowid IN \
             (SELECT seq FROM drafts WHERE trashed_at IS NOT NULL)",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM revisions WHERE draft_id IN \
             (SELECT id FROM drafts WHERE trashed_at IS NOT NULL)",
        )
        .execute(&mut *tx)
        .await?;
        let deleted = sqlx::query("DELETE FROM drafts WHERE trashed_at IS NOT NULL")
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        tracing::info!(deleted, "trash emptied");
        Ok(deleted)
    }

    /// `BEGIN IMMEDIATE` takes the write lock up front. A deferred `BEGIN`
    /// that reads and then writes can fail with SQLITE_BUSY when another
    /// writer committed in between, and busy_timeout does not retry that.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    async fn set_trashed(&self, id: Uuid, at: Option<i64>) -> Result<DraftMeta, StoreError> {
        let mut tx = self.begin_write().await?;
        // Only flip the state: trashing twice keeps the first trashed_at.
        let sql = if at.is_some() {
            "UPDATE drafts SET trashed_at = ? WHERE id = ? AND trashed_at IS NULL"
        } else {
            "UPDATE drafts SET trashed_at = ? WHERE id = ? AND trashed_at IS NOT NULL"
        };
        sqlx::query(sql)
            .bind(at)
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        let meta = fetch_meta(&mut tx, id).await?;
        tx.commit().await?;
        Ok(meta)
    }
}

/// Inserts a new draft with its revision 1 and its search row.
async fn insert_draft(
    conn: &mut SqliteConnection,
    id: Uuid,
    decl: &Declaration,
    body: &str,
    info: &SaveInfo,
    now: i64,
) -> Result<DraftMeta, StoreError> {
    let id_text = id.to_string();
    let title = decl.title();
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO drafts (id, kind, client_seq_no, ie_flag, title, status, current_revision, \
         error_count, warning_count, created_at, updated_at) \
         VALUES (?, 'declaration', ?, ?, ?, ?, 1, ?, ?, ?, ?) RETURNING seq",
    )
    .bind(&id_text)
    .bind(&decl.client_seq_no)
    .bind(ie_flag_str(decl.head.ie_flag))
    .bind(&title)
    .bind(info.status.as_str())
    .bind(i64::from(info.error_count))
    .bind(i64::from(info.warning_count))
    .bind(now)
    .bind(now)
    .fetch_one(&mut *conn)
    .await;
    let seq = match inserted {
        Ok(seq) => seq,
        Err(e) if is_unique_violation(&e) => {
            // Which unique key? The failed statement was rolled back on its
            // own; the transaction is still usable to ask.
            let taken: Option<i64> = sqlx::query_scalar("SELECT 1 FROM drafts WHERE id = ?")
                .bind(&id_text)
                .fetch_optional(&mut *conn)
                .await?;
            return Err(if taken.is_some() {
                StoreError::AlreadyExists { id }
            } else {
                StoreError::ClientSeqNoTaken {
                    client_seq_no: decl.client_seq_no.clone(),
                }
            });
        }
        Err(e) => return Err(e.into()),
    };
    insert_revision(conn, &id_text, 1, body, info, now).await?;
    sqlx::query("INSERT INTO drafts_fts (rowid, terms) VALUES (?, ?)")
        .bind(seq)
        .bind(index_terms(&decl.search_text()))
        .execute(&mut *conn)
        .await?;
    let at = instant(now)?;
    Ok(DraftMeta {
        id,
        client_seq_no: decl.client_seq_no.clone(),
        ie_flag: decl.head.ie_flag,
        title,
        status: info.status,
        revision: 1,
        error_count: info.error_count,
        warning_count: info.warning_count,
        created_at: at,
        updated_at: at,
        trashed_at: None,
    })
}

/// Appends `body` as the next revision of draft `id` unless it equals the
/// current one; updates the list row and the search row to match.
pub(crate) async fn save_body(
    conn: &mut SqliteConnection,
    id: Uuid,
    decl: &Declaration,
    body: &str,
    info: &SaveInfo,
) -> Result<DraftMeta, StoreError> {
    let id_text = id.to_string();
    let sql = format!(
        "SELECT {META_COLUMNS}, d.seq, r.body FROM drafts d \
         JOIN revisions r ON r.draft_id = d.id AND r.revision = d.current_revision \
         WHERE d.id = ?"
    );
    let row = sqlx::query(&sql)
        .bind(&id_text)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound { id })?;
    let current = meta_from_row(&row)?;
    if current.trashed_at.is_some() {
        return Err(StoreError::Trashed { id });
    }
    if current.client_seq_no != decl.client_seq_no {
        return Err(StoreError::ClientSeqNoChanged {
            id,
            stored: current.client_seq_no,
            given: decl.client_seq_no.clone(),
        });
    }
    if row.try_get::<&str, _>("body")? == body {
        return Ok(current);
    }
    let seq: i64 = row.try_get("seq")?;
    let revision = current.revision + 1;
    let now = now_ms();
    let title = decl.title();
    insert_revision(conn, &id_text, revision, body, info, now).await?;
    sqlx::query(
        "UPDATE drafts SET ie_flag = ?, title = ?, status = ?, current_revision = ?, \
         error_count = ?, warning_count = ?, updated_at = ? WHERE seq = ?",
    )
    .bind(ie_flag_str(decl.head.ie_flag))
    .bind(&title)
    .bind(info.status.as_str())
    .bind(revision)
    .bind(i64::from(info.error_count))
    .bind(i64::from(info.warning_count))
    .bind(now)
    .bind(seq)
    .execute(&mut *conn)
    .await?;
    // Contentless FTS5 rows cannot be read back to compare, so the terms are
    // replaced on every save; it is one small row.
    sqlx::query("DELETE FROM drafts_fts WHERE rowid = ?")
        .bind(seq)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO drafts_fts (rowid, terms) VALUES (?, ?)")
        .bind(seq)
        .bind(index_terms(&decl.search_text()))
        .execute(&mut *conn)
        .await?;
    tracing::debug!(%id, revision, "draft saved");
    Ok(DraftMeta {
        ie_flag: decl.head.ie_flag,
        title,
        status: info.status,
        revision,
        error_count: info.error_count,
        warning_count: info.warning_count,
        updated_at: instant(now)?,
        ..current
    })
}

pub(crate) async fn insert_revision(
    conn: &mut SqliteConnection,
    id_text: &str,
    revision: i64,
    body: &str,
    info: &SaveInfo,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO revisions (draft_id, revision, body, saved_at, status, error_count, \
         warning_count, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id_text)
    .bind(revision)
    .bind(body)
    .bind(now)
    .bind(info.status.as_str())
    .bind(i64::from(info.error_count))
    .bind(i64::from(info.warning_count))
    .bind(&info.note)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn fetch_meta(conn: &mut SqliteConnection, id: Uuid) -> Result<DraftMeta, StoreError> {
    let sql = format!("SELECT {META_COLUMNS} FROM drafts d WHERE d.id = ?");
    let row = sqlx::query(&sql)
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound { id })?;
    meta_from_row(&row)
}

/// The stored body of one revision; tells a missing draft from a missing revision.
async fn revision_body(
    conn: &mut SqliteConnection,
    id: Uuid,
    revision: i64,
) -> Result<String, StoreError> {
    let id_text = id.to_string();
    let body: Option<String> =
        sqlx::query_scalar("SELECT body FROM revisions WHERE draft_id = ? AND revision = ?")
            .bind(&id_text)
            .bind(revision)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some(body) = body {
        return Ok(body);
    }
    let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM drafts WHERE id = ?")
        .bind(&id_text)
        .fetch_optional(&mut *conn)
        .await?;
    Err(match exists {
        Some(_) => StoreError::RevisionNotFound { id, revision },
        None => StoreError::NotFound { id },
    })
}

fn meta_from_row(row: &SqliteRow) -> Result<DraftMeta, StoreError> {
    let trashed_at: Option<i64> = row.try_get("trashed_at")?;
    Ok(DraftMeta {
        id: parse_uuid(row.try_get("id")?)?,
        client_seq_no: row.try_get("client_seq_no")?,
        ie_flag: parse_ie_flag(row.try_get("ie_flag")?)?,
        title: row.try_get("title")?,
        status: parse_status(row.try_get("status")?)?,
        revision: row.try_get("current_revision")?,
        error_count: count(row.try_get("error_count")?)?,
        warning_count: count(row.try_get("warning_count")?)?,
        created_at: instant(row.try_get("created_at")?)?,
        updated_at: instant(row.try_get("updated_at")?)?,
        trashed_at: trashed_at.map(instant).transpose()?,
    })
}

fn parse_body(id: Uuid, revision: i64, body: String) -> Result<Declaration, StoreError> {
    serde_json::from_str(&body)
        .map_err(|e| StoreError::Corrupt(format!("draft {id} revision {revision}: {e}")))
}

pub(crate) fn parse_uuid(s: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(s).map_err(|e| StoreError::Corrupt(format!("draft id {s:?}: {e}")))
}

pub(crate) fn parse_status(s: &str) -> Result<DraftStatus, StoreError> {
    DraftStatus::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown status {s:?}")))
}

fn ie_flag_str(flag: IeFlag) -> &'static str {
    match flag {
        IeFlag::I => "I",
        IeFlag::E => "E",
    }
}

fn parse_ie_flag(s: &str) -> Result<IeFlag, StoreError> {
    match s {
        "I" => Ok(IeFlag::I),
        "E" => Ok(IeFlag::E),
        _ => Err(StoreError::Corrupt(format!("unknown ie_flag {s:?}"))),
    }
}

fn count(n: i64) -> Result<u32, StoreError> {
    u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("bad problem count {n}")))
}

/// Now, in the stored resolution (whole milliseconds), so what a write
/// returns equals what a later read returns.
pub(crate) fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub(crate) fn instant(ms: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| StoreError::Corrupt(format!("instant out of range: {ms} ms")))
}
