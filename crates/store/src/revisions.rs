//! The revision engine (修订记录) every revisioned document shares:
//! declarations, certificate-of-origin applications and declaration
//! templates and goods records (商品库).
//!
//! Each kind keeps two plain-SQL tables of its own: a list table (one row per
//! document: what its list shows, copied from the current revision) and a
//! revisions table (every saved version, never updated). The engine writes
//! the statements both kinds share — create with revision 1, append a
//! revision unless the body is unchanged, history, one revision's body,
//! lookup by client sequence number, trash, status — so the rules (one
//! transaction per save, an unchanged save writes nothing, the client
//! sequence number never changes, nothing is overwritten) live once.
//!
//! Callers pass an open connection inside their `BEGIN IMMEDIATE`
//! transaction; the kind's own columns (title, form, …) travel as
//! [`Columns`] and its own side tables (the full-text index) stay with it.

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use uuid::Uuid;

use crate::error::is_unique_violation;
use crate::sql::{count, now_ms, parse_uuid};
use crate::StoreError;

/// The kinds of revisioned document, as outbox entries and receipts name
/// the document they belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    /// 报关单: a customs goods declaration (`drafts`, `revisions`).
    Declaration,
    /// 原产地证书申请: a certificate-of-origin application
    /// (`origin_applications`, `origin_revisions`).
    OriginApplication,
    /// 报关单模板: a declaration template (`templates`, `template_revisions`).
    /// Never filed, so it has no client sequence no. and is not in [`Self::ALL`].
    Template,
    /// 商品库记录: a goods record (`goods`, `goods_revisions`). Never filed.
    Goods,
}

impl DocumentKind {
    /// The kinds that are filed: outbox entries and receipts name one of these.
    pub const ALL: [DocumentKind; 2] = [DocumentKind::Declaration, DocumentKind::OriginApplication];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Declaration => "declaration",
            DocumentKind::OriginApplication => "origin_application",
            DocumentKind::Template => "template",
            DocumentKind::Goods => "goods",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub(crate) fn tables(self) -> &'static DocumentTables {
        match self {
            DocumentKind::Declaration => &DECLARATIONS,
            DocumentKind::OriginApplication => &ORIGIN_APPLICATIONS,
            DocumentKind::Template => &TEMPLATES,
            DocumentKind::Goods => &GOODS,
        }
    }
}

/// The two tables of one kind of document.
///
/// The list table has at least `seq` (INTEGER PRIMARY KEY), `id`,
/// `client_seq_no` (UNIQUE; NULL for a kind that is never filed), `status`, `current_revision`, `error_count`,
/// `warning_count`, `created_at`, `updated_at`, and `trashed_at` when the
/// kind has a trash. The revisions table has `<owner>`, `revision`, `body`,
/// `saved_at`, `status`, `error_count`, `warning_count`, `note`.
#[derive(Debug)]
pub(crate) struct DocumentTables {
    pub(crate) list: &'static str,
    pub(crate) revisions: &'static str,
    /// The revisions table's column naming the document.
    pub(crate) owner: &'static str,
    /// Whether the list table has `trashed_at` (a trashed document cannot be saved).
    pub(crate) trash: bool,
    /// What one document is called in an error (`draft`, `template` …).
    pub(crate) what: &'static str,
}

pub(crate) static DECLARATIONS: DocumentTables = DocumentTables {
    list: "drafts",
    revisions: "revisions",
    owner: "draft_id",
    trash: true,
    what: "draft",
};

pub(crate) static ORIGIN_APPLICATIONS: DocumentTables = DocumentTables {
    list: "origin_applications",
    revisions: "origin_revisions",
    owner: "application_id",
    trash: false,
    what: "origin application",
};

pub(crate) static TEMPLATES: DocumentTables = DocumentTables {
    list: "templates",
    revisions: "template_revisions",
    owner: "template_id",
    trash: true,
    what: "template",
};

pub(crate) static GOODS: DocumentTables = DocumentTables {
    list: "goods",
    revisions: "goods_revisions",
    owner: "goods_id",
    trash: true,
    what: "goods",
};

/// A revision to write: the serialised document and what the save records
/// beside it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewRevision<'a> {
    pub(crate) body: &'a str,
    pub(crate) status: &'a str,
    pub(crate) error_count: u32,
    pub(crate) warning_count: u32,
    pub(crate) note: &'a str,
}

/// The kind's own list columns, derived from the document (title, form …),
/// written on create and on every new revision. All TEXT; `None` is NULL.
pub(crate) type Columns<'a> = &'a [(&'static str, Option<&'a str>)];

/// What [`DocumentTables::append`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Appended {
    /// The list row's `seq` (the full-text index key of declarations).
    pub(crate) seq: i64,
    /// The current revision after the call.
    pub(crate) revision: i64,
    /// False when the body equalled the current one and nothing was written.
    pub(crate) written: bool,
}

/// Which current statuses a status change may replace.
#[derive(Debug, Clone, Copy)]
pub(crate) enum StatusGuard<'a> {
    Any,
    /// Only these (e.g. `queued` → `sent`, unless a receipt said more).
    From(&'a [&'a str]),
    /// Any but these (a status only a later step may leave, e.g. approved).
    NotFrom(&'a [&'a str]),
}

/// One entry of a document's history, before the kind types its status.
#[derive(Debug, Clone)]
pub(crate) struct RevisionRow {
    pub(crate) revision: i64,
    pub(crate) saved_at: i64,
    pub(crate) status: String,
    pub(crate) error_count: u32,
    pub(crate) warning_count: u32,
    pub(crate) note: String,
}

impl DocumentTables {
    /// A revision's body as the kind's document. A body that does not
    /// parse is corruption, named by kind, id and revision.
    pub(crate) fn parse_body<T: serde::de::DeserializeOwned>(
        &self,
        id: Uuid,
        revision: i64,
        body: &str,
    ) -> Result<T, StoreError> {
        serde_json::from_str(body).map_err(|e| {
            StoreError::Corrupt(format!("{} {id} revision {revision}: {e}", self.what))
        })
    }

    /// Creates document `id` with `rev` as revision 1; returns its `seq`.
    /// `client_seq_no` is `None` for a kind that is never filed (templates).
    ///
    /// Fails with `already_exists` if the id is taken and with
    /// `client_seq_no_taken` if another document of the kind has the number.
    pub(crate) async fn create(
        &self,
        conn: &mut SqliteConnection,
        id: Uuid,
        client_seq_no: Option<&str>,
        columns: Columns<'_>,
        rev: &NewRevision<'_>,
        now: i64,
    ) -> Result<i64, StoreError> {
        let names: String = columns.iter().map(|(c, _)| format!(", {c}")).collect();
        let marks = ", ?".repeat(columns.len());
        let sql = format!(
            "INSERT INTO {} (id, client_seq_no, status, current_revision, error_count, \
             warning_count, created_at, updated_at{names}) VALUES (?, ?, ?, 1, ?, ?, ?, ?{marks}) \
             RETURNING seq",
            self.list
        );
        let id_text = id.to_string();
        let mut q = sqlx::query_scalar::<_, i64>(&sql)
            .bind(&id_text)
            .bind(client_seq_no)
            .bind(rev.status)
            .bind(i64::from(rev.error_count))
            .bind(i64::from(rev.warning_count))
            .bind(now)
            .bind(now);
        for (_, value) in columns {
            q = q.bind(*value);
        }
        let seq = match q.fetch_one(&mut *conn).await {
            Ok(seq) => seq,
            Err(e) if is_unique_violation(&e) => {
                // Which unique key? The failed statement was rolled back on
                // its own; the transaction is still usable to ask.
                let taken = self.exists(conn, id).await?;
                return Err(if taken {
                    StoreError::AlreadyExists { id }
                } else {
                    StoreError::ClientSeqNoTaken {
                        client_seq_no: client_seq_no.unwrap_or_default().to_owned(),
                    }
                });
            }
            Err(e) => return Err(e.into()),
        };
        self.insert_revision(conn, &id_text, 1, rev, now).await?;
        Ok(seq)
    }

    /// Appends `rev` as the next revision of document `id` and updates the
    /// list row (common columns and `columns`) to match.
    ///
    /// A body equal to the current revision's writes nothing (autosave of an
    /// unchanged form must not grow the history), unless `always` (filing is
    /// an event of the history even when nothing changed). A trashed document
    /// cannot be saved (`trashed`); the client sequence number cannot change
    /// (`client_seq_no_changed`).
    pub(crate) async fn append(
        &self,
        conn: &mut SqliteConnection,
        id: Uuid,
        client_seq_no: Option<&str>,
        columns: Columns<'_>,
        rev: &NewRevision<'_>,
        always: bool,
    ) -> Result<Appended, StoreError> {
        let id_text = id.to_string();
        let trashed = if self.trash { "d.trashed_at" } else { "NULL" };
        let sql = format!(
            "SELECT d.seq, d.current_revision, d.client_seq_no, {trashed} AS trashed_at, r.body \
             FROM {} d JOIN {} r ON r.{} = d.id AND r.revision = d.current_revision \
             WHERE d.id = ?",
            self.list, self.revisions, self.owner
        );
        let row = sqlx::query(&sql)
            .bind(&id_text)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound { id })?;
        let seq: i64 = row.try_get("seq")?;
        let current: i64 = row.try_get("current_revision")?;
        if row.try_get::<Option<i64>, _>("trashed_at")?.is_some() {
            return Err(StoreError::Trashed { id });
        }
        let stored: Option<String> = row.try_get("client_seq_no")?;
        if stored.as_deref() != client_seq_no {
            return Err(StoreError::ClientSeqNoChanged {
                id,
                stored: stored.unwrap_or_default(),
                given: client_seq_no.unwrap_or_default().to_owned(),
            });
        }
        if !always && row.try_get::<&str, _>("body")? == rev.body {
            return Ok(Appended {
                seq,
                revision: current,
                written: false,
            });
        }
        let revision = current + 1;
        let now = now_ms();
        self.insert_revision(conn, &id_text, revision, rev, now)
            .await?;
        let sets: String = columns.iter().map(|(c, _)| format!(", {c} = ?")).collect();
        let sql = format!(
            "UPDATE {} SET status = ?, current_revision = ?, error_count = ?, warning_count = ?, \
             updated_at = ?{sets} WHERE seq = ?",
            self.list
        );
        let mut q = sqlx::query(&sql)
            .bind(rev.status)
            .bind(revision)
            .bind(i64::from(rev.error_count))
            .bind(i64::from(rev.warning_count))
            .bind(now);
        for (_, value) in columns {
            q = q.bind(*value);
        }
        q.bind(seq).execute(&mut *conn).await?;
        Ok(Appended {
            seq,
            revision,
            written: true,
        })
    }

    /// Every revision of document `id`, newest first (`not_found` if none).
    pub(crate) async fn history(
        &self,
        conn: &mut SqliteConnection,
        id: Uuid,
    ) -> Result<Vec<RevisionRow>, StoreError> {
        let sql = format!(
            "SELECT revision, saved_at, status, error_count, warning_count, note \
             FROM {} WHERE {} = ? ORDER BY revision DESC",
            self.revisions, self.owner
        );
        let rows = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_all(&mut *conn)
            .await?;
        // A document always has revision 1, so no rows means no document.
        if rows.is_empty() {
            return Err(StoreError::NotFound { id });
        }
        rows.iter().map(revision_row).collect()
    }

    /// The stored body of one revision; tells a missing document from a
    /// missing revision.
    pub(crate) async fn body(
        &self,
        conn: &mut SqliteConnection,
        id: Uuid,
        revision: i64,
    ) -> Result<String, StoreError> {
        let sql = format!(
            "SELECT body FROM {} WHERE {} = ? AND revision = ?",
            self.revisions, self.owner
        );
        let body: Option<String> = sqlx::query_scalar(&sql)
            .bind(id.to_string())
            .bind(revision)
            .fetch_optional(&mut *conn)
            .await?;
        match body {
            Some(body) => Ok(body),
            None if self.exists(conn, id).await? => {
                Err(StoreError::RevisionNotFound { id, revision })
            }
            None => Err(StoreError::NotFound { id }),
        }
    }

    /// The id of the document (trashed included) with this client sequence number.
    pub(crate) async fn find_by_client_seq_no(
        &self,
        conn: &mut SqliteConnection,
        client_seq_no: &str,
    ) -> Result<Option<Uuid>, StoreError> {
        let sql = format!("SELECT id FROM {} WHERE client_seq_no = ?", self.list);
        let id: Option<String> = sqlx::query_scalar(&sql)
            .bind(client_seq_no)
            .fetch_optional(&mut *conn)
            .await?;
        id.map(|s| parse_uuid(&s)).transpose()
    }

    /// The document's current status (`None`: no such document).
    pub(crate) async fn status(
        &self,
        conn: &mut SqliteConnection,
        id: Uuid,
    ) -> Result<Option<String>, StoreError> {
        let sql = format!("SELECT status FROM {} WHERE id = ?", self.list);
        Ok(sqlx::query_scalar(&sql)
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?)
    }

    /// Sets the document's status without a revision (the document is
    /// unchanged: the server said something of it), when its current status
    /// passes `when`. Returns whether a row changed.
    pub(crate) async fn set_status(
        &self,
        conn: &mut SqliteConnection,
        id: &str,
        status: &str,
        when: StatusGuard<'_>,
    ) -> Result<bool, StoreError> {
        let (op, statuses) = match when {
            StatusGuard::Any => ("", &[][..]),
            StatusGuard::From(s) => ("IN", s),
            StatusGuard::NotFrom(s) => ("NOT IN", s),
        };
        let guard = if statuses.is_empty() {
            String::new()
        } else {
            format!(
                " AND status {op} ({})",
                vec!["?"; statuses.len()].join(", ")
            )
        };
        let sql = format!(
            "UPDATE {} SET status = ?, updated_at = ? WHERE id = ?{guard}",
            self.list
        );
        let mut q = sqlx::query(&sql).bind(status).bind(now_ms()).bind(id);
        for s in statuses {
            q = q.bind(*s);
        }
        Ok(q.execute(&mut *conn).await?.rows_affected() > 0)
    }

    /// Moves document `id` into the trash (`Some(at)`) or out of it (`None`);
    /// only flips the state, so trashing twice keeps the first `trashed_at`.
    pub(crate) async fn set_trashed(
        &self,
        conn: &mut SqliteConnection,
        id: Uuid,
        at: Option<i64>,
    ) -> Result<(), StoreError> {
        debug_assert!(self.trash, "{} has no trash", self.list);
        let sql = if at.is_some() {
            format!(
                "UPDATE {} SET trashed_at = ? WHERE id = ? AND trashed_at IS NULL",
                self.list
            )
        } else {
            format!(
                "UPDATE {} SET trashed_at = ? WHERE id = ? AND trashed_at IS NOT NULL",
                self.list
            )
        };
        sqlx::query(&sql)
            .bind(at)
            .bind(id.to_string())
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    async fn exists(&self, conn: &mut SqliteConnection, id: Uuid) -> Result<bool, StoreError> {
        let sql = format!("SELECT 1 FROM {} WHERE id = ?", self.list);
        let found: Option<i64> = sqlx::query_scalar(&sql)
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
        Ok(found.is_some())
    }

    async fn insert_revision(
        &self,
        conn: &mut SqliteConnection,
        id_text: &str,
        revision: i64,
        rev: &NewRevision<'_>,
        now: i64,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO {} ({}, revision, body, saved_at, status, error_count, warning_count, \
             note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            self.revisions, self.owner
        );
        sqlx::query(&sql)
            .bind(id_text)
            .bind(revision)
            .bind(rev.body)
            .bind(now)
            .bind(rev.status)
            .bind(i64::from(rev.error_count))
            .bind(i64::from(rev.warning_count))
            .bind(rev.note)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }
}

/// Which kind of document has this client sequence number, and its id.
pub(crate) async fn find_document(
    conn: &mut SqliteConnection,
    client_seq_no: &str,
) -> Result<Option<(DocumentKind, Uuid)>, StoreError> {
    for kind in DocumentKind::ALL {
        if let Some(id) = kind
            .tables()
            .find_by_client_seq_no(conn, client_seq_no)
            .await?
        {
            return Ok(Some((kind, id)));
        }
    }
    Ok(None)
}

fn revision_row(row: &SqliteRow) -> Result<RevisionRow, StoreError> {
    Ok(RevisionRow {
        revision: row.try_get("revision")?,
        saved_at: row.try_get("saved_at")?,
        status: row.try_get("status")?,
        error_count: count(row.try_get("error_count")?)?,
        warning_count: count(row.try_get("warning_count")?)?,
        note: row.try_get("note")?,
    })
}
