//! Declaration drafts: create, save (a new revision per change), read, list
//! and search, history and restore, trash, filing.
//!
//! The revisions themselves go through the shared engine (`revisions.rs`);
//! what is a declaration's own is the list row's columns (import/export
//! flag, title) and the full-text index. The `drafts` row, the new
//! `revisions` row and the `drafts_fts` row are always written in the same
//! transaction, so they never disagree.

use portdesk_domain::{
    Declaration, DraftMeta, DraftPage, DraftQuery, DraftStatus, IeFlag, RevisionMeta, SaveInfo,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite, SqliteConnection, Transaction};
use uuid::Uuid;

use crate::queue::{enqueue, refuse_if_pending, NewEntry};
use crate::revisions::{DocumentKind, NewRevision, DECLARATIONS as TABLES};
use crate::search::{index_terms, match_expression};
use crate::sql::{count, instant, now_ms, parse_uuid};
use crate::{Store, StoreError};

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

    /// Saves each of `updates` as the next revision of its draft and creates
    /// each of `creates`, in ONE transaction: all or none (a spreadsheet
    /// import that fills the open draft and adds the parts split off it).
    /// Metas come back updates first, then creates, in the order given.
    pub async fn save_and_create_declarations(
        &self,
        updates: &[(Uuid, Declaration, SaveInfo)],
        creates: &[(Uuid, Declaration, SaveInfo)],
    ) -> Result<Vec<DraftMeta>, StoreError> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let mut metas = Vec::with_capacity(updates.len() + creates.len());
        for (id, decl, info) in updates {
            let body = serde_json::to_string(decl)?;
            metas.push(append(&mut tx, *id, decl, &body, info, false).await?);
        }
        for (id, decl, info) in creates {
            let body = serde_json::to_string(decl)?;
            metas.push(insert_draft(&mut tx, *id, decl, &body, info, now).await?);
        }
        tx.commit().await?;
        tracing::debug!(
            updated = updates.len(),
            created = creates.len(),
            "import saved"
        );
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
        let meta = append(&mut tx, id, decl, &body, info, false).await?;
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
        let decl = TABLES.parse_body(id, meta.revision, row.try_get("body")?)?;
        Ok((meta, decl))
    }

    /// The id of the draft (live or trashed) with this client sequence number.
    pub async fn find_by_client_seq_no(
        &self,
        client_seq_no: &str,
    ) -> Result<Option<Uuid>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        TABLES.find_by_client_seq_no(&mut conn, client_seq_no).await
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
        let mut conn = self.pool.acquire().await?;
        let rows = TABLES.history(&mut conn, id).await?;
        rows.into_iter()
            .map(|row| {
                Ok(RevisionMeta {
                    revision: row.revision,
                    saved_at: instant(row.saved_at)?,
                    status: parse_status(&row.status)?,
                    error_count: row.error_count,
                    warning_count: row.warning_count,
                    note: row.note,
                })
            })
            .collect()
    }

    /// The document as it was in `revision` of draft `id`.
    pub async fn revision(&self, id: Uuid, revision: i64) -> Result<Declaration, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let body = TABLES.body(&mut conn, id, revision).await?;
        TABLES.parse_body(id, revision, &body)
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
        let old = TABLES.body(&mut tx, id, revision).await?;
        let decl = TABLES.parse_body(id, revision, &old)?;
        // Re-serialised, not copied: a body written by an older version gets
        // today's shape, which is what a save of it would produce.
        let body = serde_json::to_string(&decl)?;
        let meta = append(&mut tx, id, &decl, &body, info, false).await?;
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
        TABLES.set_trashed(&mut tx, id, at).await?;
        let meta = fetch_meta(&mut tx, id).await?;
        tx.commit().await?;
        Ok(meta)
    }

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
}

/// Writes the revision `req` files (status `status`, note `note`; a revision
/// even when the document is unchanged: filing is an event of the history)
/// and its outbox entry; refuses while an earlier entry of the draft is pending.
pub(crate) async fn file_one(
    conn: &mut SqliteConnection,
    req: &FileRequest<'_>,
    status: DraftStatus,
    note: &str,
) -> Result<Filed, StoreError> {
    let id = req.draft_id;
    refuse_if_pending(conn, id).await?;
    let info = SaveInfo {
        status,
        note: note.to_owned(),
        ..req.info.clone()
    };
    let body = serde_json::to_string(req.declaration)?;
    let meta = append(conn, id, req.declaration, &body, &info, true).await?;
    let (outbox_seq, idempotency_key) = enqueue(
        conn,
        &NewEntry {
            kind: DocumentKind::Declaration,
            document_id: id,
            revision: meta.revision,
            client_seq_no: &meta.client_seq_no,
            method: req.method,
            path: req.path,
            body: &req.body,
        },
    )
    .await?;
    Ok(Filed {
        meta,
        outbox_seq,
        idempotency_key,
    })
}

fn revision<'a>(body: &'a str, info: &'a SaveInfo) -> NewRevision<'a> {
    NewRevision {
        body,
        status: info.status.as_str(),
        error_count: info.error_count,
        warning_count: info.warning_count,
        note: &info.note,
    }
}

/// Inserts a new draft with its revision 1 and its search row.
pub(crate) async fn insert_draft(
    conn: &mut SqliteConnection,
    id: Uuid,
    decl: &Declaration,
    body: &str,
    info: &SaveInfo,
    now: i64,
) -> Result<DraftMeta, StoreError> {
    let title = decl.title();
    let columns = [
        ("ie_flag", Some(ie_flag_str(decl.head.ie_flag))),
        ("title", Some(title.as_str())),
    ];
    let seq = TABLES
        .create(
            conn,
            id,
            Some(&decl.client_seq_no),
            &columns,
            &revision(body, info),
            now,
        )
        .await?;
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
/// current one (or `always`); updates the list row and the search row to match.
pub(crate) async fn append(
    conn: &mut SqliteConnection,
    id: Uuid,
    decl: &Declaration,
    body: &str,
    info: &SaveInfo,
    always: bool,
) -> Result<DraftMeta, StoreError> {
    let title = decl.title();
    let columns = [
        ("ie_flag", Some(ie_flag_str(decl.head.ie_flag))),
        ("title", Some(title.as_str())),
    ];
    let appended = TABLES
        .append(
            conn,
            id,
            Some(&decl.client_seq_no),
            &columns,
            &revision(body, info),
            always,
        )
        .await?;
    if appended.written {
        // Contentless FTS5 rows cannot be read back to compare, so the
        // terms are replaced on every new revision; it is one small row.
        sqlx::query("DELETE FROM drafts_fts WHERE rowid = ?")
            .bind(appended.seq)
            .execute(&mut *conn)
            .await?;
        sqlx::query("INSERT INTO drafts_fts (rowid, terms) VALUES (?, ?)")
            .bind(appended.seq)
            .bind(index_terms(&decl.search_text()))
            .execute(&mut *conn)
            .await?;
        tracing::debug!(%id, revision = appended.revision, "draft saved");
    }
    fetch_meta(conn, id).await
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

pub(crate) fn parse_status(s: &str) -> Result<DraftStatus, StoreError> {
    DraftStatus::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown status {s:?}")))
}

pub(crate) fn ie_flag_str(flag: IeFlag) -> &'static str {
    match flag {
        IeFlag::I => "I",
        IeFlag::E => "E",
    }
}

pub(crate) fn parse_ie_flag(s: &str) -> Result<IeFlag, StoreError> {
    match s {
        "I" => Ok(IeFlag::I),
        "E" => Ok(IeFlag::E),
        _ => Err(StoreError::Corrupt(format!("unknown ie_flag {s:?}"))),
    }
}
