//! Certificate-of-origin applications (原产地证书申请): create, save (a new
//! revision per change), read, list, history and restore, filing through the
//! outbox, and the approved certificate (migration `0005_origin_applications.sql`).
//!
//! Like declaration drafts, every write is one `BEGIN IMMEDIATE` transaction
//! and nothing is overwritten: a save appends a revision, a restore appends
//! the old body as a new one, and an unchanged save writes nothing. Filing
//! writes the filed revision and its `outbox` entry together, so the worker
//! delivers it like any other write.

use chrono::{DateTime, Utc};
pub use portdesk_domain::origin::ApplicationStatus;
use portdesk_domain::origin::{CertifiedFields, OriginApplication, OriginForm};
use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use ts_rs::TS;
use uuid::Uuid;

use crate::queue::{enqueue, NewEntry};
use crate::revisions::{DocumentKind, NewRevision, RevisionRow, ORIGIN_APPLICATIONS as TABLES};
use crate::sql::{count, instant, now_ms, parse_uuid};
use crate::{Store, StoreError};

/// What a save records beside the revision (from the precheck).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginSaveInfo {
    pub error_count: u32,
    pub warning_count: u32,
    /// `created`, `autosave`, `from declaration`, `restore r3`, `file` …
    pub note: String,
}

impl OriginSaveInfo {
    fn status(&self) -> ApplicationStatus {
        ApplicationStatus::of_precheck(self.error_count)
    }

    fn revision<'a>(&'a self, body: &'a str, status: ApplicationStatus) -> NewRevision<'a> {
        NewRevision {
            body,
            status: status.as_str(),
            error_count: self.error_count,
            warning_count: self.warning_count,
            note: &self.note,
        }
    }
}

/// An application in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OriginMeta {
    #[ts(type = "string")]
    pub id: Uuid,
    pub client_seq_no: String,
    pub form: OriginForm,
    /// Consignee and first goods, for the list.
    pub title: String,
    pub status: ApplicationStatus,
    pub revision: i64,
    pub error_count: u32,
    pub warning_count: u32,
    pub source_declaration: Option<String>,
    /// The server's application no., once filed and answered.
    pub seq_no: Option<String>,
    /// Set once approved.
    pub certificate_number: Option<String>,
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
    #[ts(type = "string")]
    pub updated_at: DateTime<Utc>,
}

/// One entry of an application's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OriginRevisionMeta {
    pub revision: i64,
    #[ts(type = "string")]
    pub saved_at: DateTime<Utc>,
    pub status: ApplicationStatus,
    pub error_count: u32,
    pub warning_count: u32,
    pub note: String,
}

/// An issued certificate as stored with its application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StoredCertificate {
    /// 16-char certificate number.
    pub number: String,
    /// `yyyy-mm-dd`.
    pub issue_date: String,
    /// Last day of validity, `yyyy-mm-dd`.
    pub expiry_date: String,
    pub certified: CertifiedFields,
    /// Base64 Ed25519 signature over the certified fields.
    pub signature: String,
    /// The QR code's text (`PDC1:…`).
    pub qr_text: String,
    pub key_id: String,
    /// The application as approved: what is printed.
    pub application: OriginApplication,
}

/// What filing an application wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct FiledApplication {
    pub meta: OriginMeta,
    pub outbox_seq: i64,
    pub idempotency_key: Uuid,
}

const META_COLUMNS: &str = "a.id, a.client_seq_no, a.form, a.title, a.status, a.current_revision, \
     a.error_count, a.warning_count, a.source_declaration, a.seq_no, a.created_at, a.updated_at, \
     (SELECT c.number FROM origin_certificates c WHERE c.application_id = a.id) AS certificate_number";

fn form_str(f: OriginForm) -> &'static str {
    match f {
        OriginForm::C => "C",
        OriginForm::E => "E",
        OriginForm::R => "R",
    }
}

/// The application's own list columns (form, title, source declaration).
fn list_columns<'a>(
    app: &'a OriginApplication,
    title: &'a str,
) -> [(&'static str, Option<&'a str>); 3] {
    [
        ("form", Some(form_str(app.form))),
        ("title", Some(title)),
        ("source_declaration", app.source_declaration.as_deref()),
    ]
}

/// Saves `app` as a revision of application `id` with `status` (see
/// [`DocumentTables::append`](crate::revisions::DocumentTables::append)),
/// keeping the list row's own columns in step.
async fn append(
    conn: &mut SqliteConnection,
    id: Uuid,
    app: &OriginApplication,
    info: &OriginSaveInfo,
    status: ApplicationStatus,
    always: bool,
) -> Result<OriginMeta, StoreError> {
    let body = serde_json::to_string(app)?;
    let title = app.title();
    TABLES
        .append(
            conn,
            id,
            Some(&app.client_seq_no),
            &list_columns(app, &title),
            &info.revision(&body, status),
            always,
        )
        .await?;
    fetch_meta(conn, id).await
}

impl Store {
    /// Creates application `id` with `app` as revision 1.
    pub async fn create_origin(
        &self,
        id: Uuid,
        app: &OriginApplication,
        info: &OriginSaveInfo,
    ) -> Result<OriginMeta, StoreError> {
        let body = serde_json::to_string(app)?;
        let title = app.title();
        let mut tx = self.begin_write().await?;
        TABLES
            .create(
                &mut tx,
                id,
                Some(&app.client_seq_no),
                &list_columns(app, &title),
                &info.revision(&body, info.status()),
                now_ms(),
            )
            .await?;
        let meta = fetch_meta(&mut tx, id).await?;
        tx.commit().await?;
        Ok(meta)
    }

    /// Saves `app` as the next revision of application `id`; an application
    /// serialising exactly like its current revision writes nothing.
    pub async fn save_origin(
        &self,
        id: Uuid,
        app: &OriginApplication,
        info: &OriginSaveInfo,
    ) -> Result<OriginMeta, StoreError> {
        let mut tx = self.begin_write().await?;
        let meta = append(&mut tx, id, app, info, info.status(), false).await?;
        tx.commit().await?;
        Ok(meta)
    }

    /// The application's metadata and current document.
    pub async fn get_origin(
        &self,
        id: Uuid,
    ) -> Result<(OriginMeta, OriginApplication), StoreError> {
        let mut conn = self.pool.acquire().await?;
        let meta = fetch_meta(&mut conn, id).await?;
        let body = TABLES.body(&mut conn, id, meta.revision).await?;
        let app = TABLES.parse_body(id, meta.revision, &body)?;
        Ok((meta, app))
    }

    /// Every application, newest updated first.
    pub async fn list_origins(&self) -> Result<Vec<OriginMeta>, StoreError> {
        let sql = format!(
            "SELECT {META_COLUMNS} FROM origin_applications a ORDER BY a.updated_at DESC, a.seq DESC"
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(meta_from_row).collect()
    }

    /// The application with this client sequence no., if any.
    pub async fn find_origin_by_client_seq_no(
        &self,
        client_seq_no: &str,
    ) -> Result<Option<Uuid>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        TABLES.find_by_client_seq_no(&mut conn, client_seq_no).await
    }

    /// Every revision of application `id`, newest first.
    pub async fn origin_history(&self, id: Uuid) -> Result<Vec<OriginRevisionMeta>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let rows = TABLES.history(&mut conn, id).await?;
        rows.into_iter().map(revision_meta).collect()
    }

    /// The application as it was in `revision`.
    pub async fn origin_revision(
        &self,
        id: Uuid,
        revision: i64,
    ) -> Result<OriginApplication, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let body = TABLES.body(&mut conn, id, revision).await?;
        TABLES.parse_body(id, revision, &body)
    }

    /// Makes `revision` current again by saving it as a new revision.
    pub async fn restore_origin(
        &self,
        id: Uuid,
        revision: i64,
        info: &OriginSaveInfo,
    ) -> Result<OriginMeta, StoreError> {
        let mut tx = self.begin_write().await?;
        let old = TABLES.body(&mut tx, id, revision).await?;
        // Re-serialised, not copied: an older body gets today's shape.
        let app = TABLES.parse_body(id, revision, &old)?;
        let meta = append(&mut tx, id, &app, info, info.status(), false).await?;
        tx.commit().await?;
        Ok(meta)
    }

    /// Files application `id`: in ONE transaction `app` becomes a new
    /// revision with status `queued` (note `file`) and an outbox entry is
    /// written with a fresh idempotency key and exactly `body`. A filing
    /// still pending fails with `filing_in_progress`.
    pub async fn file_origin(
        &self,
        id: Uuid,
        app: &OriginApplication,
        info: &OriginSaveInfo,
        method: &str,
        path: &str,
        body: &[u8],
    ) -> Result<FiledApplication, StoreError> {
        let mut tx = self.begin_write().await?;
        crate::queue::refuse_if_pending(&mut tx, id).await?;
        // Filing is an event of the history even when nothing changed.
        let meta = append(&mut tx, id, app, info, ApplicationStatus::Queued, true).await?;
        let (outbox_seq, idempotency_key) = enqueue(
            &mut tx,
            &NewEntry {
                kind: DocumentKind::OriginApplication,
                document_id: id,
                revision: meta.revision,
                client_seq_no: &meta.client_seq_no,
                method,
                path,
                body,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(FiledApplication {
            meta,
            outbox_seq,
            idempotency_key,
        })
    }

    /// Applications review approved (a `COO-A` receipt) whose certificate
    /// is not stored yet: the sync worker fetches those, so an application
    /// is approved in the store with no editor open.
    pub async fn origins_awaiting_certificate(&self) -> Result<Vec<Uuid>, StoreError> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT a.id FROM origin_applications a \
             WHERE a.status IN ('queued', 'sent', 'accepted', 'manual_review') \
             AND NOT EXISTS (SELECT 1 FROM origin_certificates c WHERE c.application_id = a.id) \
             AND EXISTS (SELECT 1 FROM receipts r WHERE r.document_kind = 'origin_application' \
                         AND r.document_id = a.id AND r.code = 'COO-A') \
             ORDER BY a.updated_at",
        )
        .fetch_all(&self.pool)
        .await?;
        ids.iter().map(|s| parse_uuid(s)).collect()
    }

    /// Records what the server says of application `id`: its status and
    /// (when known) its application no. No revision: the document is unchanged.
    pub async fn set_origin_status(
        &self,
        id: Uuid,
        status: ApplicationStatus,
        seq_no: Option<&str>,
    ) -> Result<OriginMeta, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE origin_applications SET status = ?, seq_no = COALESCE(?, seq_no), \
             updated_at = ? WHERE id = ?",
        )
        .bind(status.as_str())
        .bind(seq_no)
        .bind(now_ms())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 0 {
            return Err(StoreError::NotFound { id });
        }
        let meta = fetch_meta(&mut tx, id).await?;
        tx.commit().await?;
        Ok(meta)
    }

    /// Stores the issued certificate with application `id` and marks it
    /// approved, in one transaction. Storing the same certificate again
    /// changes nothing.
    pub async fn store_certificate(
        &self,
        id: Uuid,
        seq_no: &str,
        cert: &StoredCertificate,
    ) -> Result<OriginMeta, StoreError> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        fetch_meta(&mut tx, id).await?;
        sqlx::query(
            "INSERT INTO origin_certificates (application_id, number, issue_date, expiry_date, \
             certified, signature, qr_text, key_id, application, stored_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (application_id) DO NOTHING",
        )
        .bind(id.to_string())
        .bind(&cert.number)
        .bind(&cert.issue_date)
        .bind(&cert.expiry_date)
        .bind(serde_json::to_string(&cert.certified)?)
        .bind(&cert.signature)
        .bind(&cert.qr_text)
        .bind(&cert.key_id)
        .bind(serde_json::to_string(&cert.application)?)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE origin_applications SET status = 'approved', seq_no = ?, updated_at = ? \
             WHERE id = ?",
        )
        .bind(seq_no)
        .bind(now)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        let meta = fetch_meta(&mut tx, id).await?;
        tx.commit().await?;
        Ok(meta)
    }

    /// The certificate issued for application `id`, if approved.
    pub async fn certificate(&self, id: Uuid) -> Result<Option<StoredCertificate>, StoreError> {
        let row = sqlx::query("SELECT * FROM origin_certificates WHERE application_id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let certified: &str = row.try_get("certified")?;
        let application: &str = row.try_get("application")?;
        Ok(Some(StoredCertificate {
            number: row.try_get("number")?,
            issue_date: row.try_get("issue_date")?,
            expiry_date: row.try_get("expiry_date")?,
            certified: serde_json::from_str(certified)
                .map_err(|e| StoreError::Corrupt(format!("certificate of {id}: {e}")))?,
            signature: row.try_get("signature")?,
            qr_text: row.try_get("qr_text")?,
            key_id: row.try_get("key_id")?,
            application: serde_json::from_str(application)
                .map_err(|e| StoreError::Corrupt(format!("certificate of {id}: {e}")))?,
        }))
    }
}

async fn fetch_meta(conn: &mut SqliteConnection, id: Uuid) -> Result<OriginMeta, StoreError> {
    let sql = format!("SELECT {META_COLUMNS} FROM origin_applications a WHERE a.id = ?");
    let row = sqlx::query(&sql)
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound { id })?;
    meta_from_row(&row)
}

fn meta_from_row(row: &SqliteRow) -> Result<OriginMeta, StoreError> {
    let form: &str = row.try_get("form")?;
    Ok(OriginMeta {
        id: parse_uuid(row.try_get("id")?)?,
        client_seq_no: row.try_get("client_seq_no")?,
        form: form
            .chars()
            .next()
            .and_then(OriginForm::from_letter)
            .ok_or_else(|| StoreError::Corrupt(format!("origin form {form:?}")))?,
        title: row.try_get("title")?,
        status: parse_status(row.try_get("status")?)?,
        revision: row.try_get("current_revision")?,
        error_count: count(row.try_get("error_count")?)?,
        warning_count: count(row.try_get("warning_count")?)?,
        source_declaration: row.try_get("source_declaration")?,
        seq_no: row.try_get("seq_no")?,
        certificate_number: row.try_get("certificate_number")?,
        created_at: instant(row.try_get("created_at")?)?,
        updated_at: instant(row.try_get("updated_at")?)?,
    })
}

fn parse_status(s: &str) -> Result<ApplicationStatus, StoreError> {
    ApplicationStatus::parse(s)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown application status {s:?}")))
}

fn revision_meta(row: RevisionRow) -> Result<OriginRevisionMeta, StoreError> {
    Ok(OriginRevisionMeta {
        revision: row.revision,
        saved_at: instant(row.saved_at)?,
        status: parse_status(&row.status)?,
        error_count: row.error_count,
        warning_count: row.warning_count,
        note: row.note,
    })
}
