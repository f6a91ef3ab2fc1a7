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
use portdesk_domain::origin::{CertifiedFields, OriginApplication, OriginForm};
use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use ts_rs::TS;
use uuid::Uuid;

use crate::drafts::{instant, now_ms, parse_uuid};
use crate::error::is_unique_violation;
use crate::{Store, StoreError};

/// Where an application stands (申请状态): local states until it is filed,
/// then the meaning of the server's latest answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// 草稿: the precheck finds errors.
    Draft,
    /// 可申报: passes the smart-review precheck.
    Ready,
    /// 待发送: filed, waiting in the outbox.
    Queued,
    /// 已发送: the Single Window has it; review not known yet.
    Sent,
    /// 已受理 (`COO-L`): smart review pending.
    Accepted,
    /// 人工审核 (`COO-M`).
    ManualReview,
    /// 签证通过 (`COO-A`): the certificate is issued.
    Approved,
    /// 退回 (`COO-E`) or refused for good by the server.
    Rejected,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 8] = [
        ApplicationStatus::Draft,
        ApplicationStatus::Ready,
        ApplicationStatus::Queued,
        ApplicationStatus::Sent,
        ApplicationStatus::Accepted,
        ApplicationStatus::ManualReview,
        ApplicationStatus::Approved,
        ApplicationStatus::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Draft => "draft",
            ApplicationStatus::Ready => "ready",
            ApplicationStatus::Queued => "queued",
            ApplicationStatus::Sent => "sent",
            ApplicationStatus::Accepted => "accepted",
            ApplicationStatus::ManualReview => "manual_review",
            ApplicationStatus::Approved => "approved",
            ApplicationStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether the clerk may still change the application: before filing,
    /// and after a rejection (it is then filed again under the same number).
    pub fn is_editable(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Draft | ApplicationStatus::Ready | ApplicationStatus::Rejected
        )
    }

    /// Filed and not yet decided: the server's review may still change it.
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Queued
                | ApplicationStatus::Sent
                | ApplicationStatus::Accepted
                | ApplicationStatus::ManualReview
        )
    }
}

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
        if self.error_count == 0 {
            ApplicationStatus::Ready
        } else {
            ApplicationStatus::Draft
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

/// The list title: consignee, then the first goods description.
fn title_of(app: &OriginApplication) -> String {
    let consignee = app.consignee.name.trim();
    let goods = app
        .items
        .first()
        .map(|i| i.description.trim().trim_end_matches('*').trim())
        .unwrap_or_default();
    let mut t = match (consignee.is_empty(), goods.is_empty()) {
        (false, false) => format!("{consignee} · {goods}"),
        (false, true) => consignee.to_owned(),
        (true, false) => goods.to_owned(),
        (true, true) => String::new(),
    };
    if t.chars().count() > 80 {
        t = t.chars().take(79).collect::<String>() + "…";
    }
    t
}

fn form_str(f: OriginForm) -> &'static str {
    match f {
        OriginForm::C => "C",
        OriginForm::E => "E",
        OriginForm::R => "R",
    }
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
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO origin_applications (id, client_seq_no, form, title, status, \
             current_revision, error_count, warning_count, source_declaration, created_at, \
             updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(&app.client_seq_no)
        .bind(form_str(app.form))
        .bind(title_of(app))
        .bind(info.status().as_str())
        .bind(i64::from(info.error_count))
        .bind(i64::from(info.warning_count))
        .bind(&app.source_declaration)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                let taken: Option<i64> =
                    sqlx::query_scalar("SELECT 1 FROM origin_applications WHERE id = ?")
                        .bind(id.to_string())
                        .fetch_optional(&mut *tx)
                        .await?;
                return Err(if taken.is_some() {
                    StoreError::AlreadyExists { id }
                } else {
                    StoreError::ClientSeqNoTaken {
                        client_seq_no: app.client_seq_no.clone(),
                    }
                });
            }
            Err(e) => return Err(e.into()),
        }
        insert_revision(&mut tx, id, 1, &body, info.status(), info, now).await?;
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
        let body = serde_json::to_string(app)?;
        let mut tx = self.begin_write().await?;
        let meta = save_body(&mut tx, id, app, &body, info, info.status(), false).await?;
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
        let body = revision_body(&mut conn, id, meta.revision).await?;
        let app = parse_body(id, meta.revision, &body)?;
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
        let id: Option<String> =
            sqlx::query_scalar("SELECT id FROM origin_applications WHERE client_seq_no = ?")
                .bind(client_seq_no)
                .fetch_optional(&self.pool)
                .await?;
        id.map(|s| parse_uuid(&s)).transpose()
    }

    /// Every revision of application `id`, newest first.
    pub async fn origin_history(&self, id: Uuid) -> Result<Vec<OriginRevisionMeta>, StoreError> {
        let rows = sqlx::query(
            "SELECT revision, saved_at, status, error_count, warning_count, note \
             FROM origin_revisions WHERE application_id = ? ORDER BY revision DESC",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        if rows.is_empty() {
            return Err(StoreError::NotFound { id });
        }
        rows.iter()
            .map(|row| {
                Ok(OriginRevisionMeta {
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

    /// The application as it was in `revision`.
    pub async fn origin_revision(
        &self,
        id: Uuid,
        revision: i64,
    ) -> Result<OriginApplication, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let body = revision_body(&mut conn, id, revision).await?;
        parse_body(id, revision, &body)
    }

    /// Makes `revision` current again by saving it as a new revision.
    pub async fn restore_origin(
        &self,
        id: Uuid,
        revision: i64,
        info: &OriginSaveInfo,
    ) -> Result<OriginMeta, StoreError> {
        let mut tx = self.begin_write().await?;
        let old = revision_body(&mut tx, id, revision).await?;
        let app = parse_body(id, revision, &old)?;
        let body = serde_json::to_string(&app)?;
        let meta = save_body(&mut tx, id, &app, &body, info, info.status(), false).await?;
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
        let id_text = id.to_string();
        let mut tx = self.begin_write().await?;
        let pending: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM outbox WHERE draft_id = ? \
             AND state IN ('queued', 'sending', 'retry_wait')",
        )
        .bind(&id_text)
        .fetch_optional(&mut *tx)
        .await?;
        if pending.is_some() {
            return Err(StoreError::FilingInProgress { id });
        }
        let text = serde_json::to_string(app)?;
        // Filing is an event of the history even when nothing changed.
        let meta = save_body(
            &mut tx,
            id,
            app,
            &text,
            info,
            ApplicationStatus::Queued,
            true,
        )
        .await?;
        let key = Uuid::now_v7();
        let now = now_ms();
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO outbox (idempotency_key, draft_id, revision, client_seq_no, method, path, \
             body, state, attempts, next_attempt_at, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?) RETURNING seq",
        )
        .bind(key.to_string())
        .bind(&id_text)
        .bind(meta.revision)
        .bind(&meta.client_seq_no)
        .bind(method)
        .bind(path)
        .bind(body)
        .bind(now)
        .bind(now)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(FiledApplication {
            meta,
            outbox_seq: seq,
            idempotency_key: key,
        })
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

/// Appends `body` as the next revision unless it equals the current one
/// (or `always`, for filing); updates the list row to match.
async fn save_body(
    conn: &mut SqliteConnection,
    id: Uuid,
    app: &OriginApplication,
    body: &str,
    info: &OriginSaveInfo,
    status: ApplicationStatus,
    always: bool,
) -> Result<OriginMeta, StoreError> {
    let current = fetch_meta(conn, id).await?;
    if current.client_seq_no != app.client_seq_no {
        return Err(StoreError::ClientSeqNoChanged {
            id,
            stored: current.client_seq_no,
            given: app.client_seq_no.clone(),
        });
    }
    let current_body = revision_body(conn, id, current.revision).await?;
    if !always && current_body == body {
        return Ok(current);
    }
    let revision = current.revision + 1;
    let now = now_ms();
    insert_revision(conn, id, revision, body, status, info, now).await?;
    sqlx::query(
        "UPDATE origin_applications SET form = ?, title = ?, status = ?, current_revision = ?, \
         error_count = ?, warning_count = ?, source_declaration = ?, updated_at = ? WHERE id = ?",
    )
    .bind(form_str(app.form))
    .bind(title_of(app))
    .bind(status.as_str())
    .bind(revision)
    .bind(i64::from(info.error_count))
    .bind(i64::from(info.warning_count))
    .bind(&app.source_declaration)
    .bind(now)
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    fetch_meta(conn, id).await
}

async fn insert_revision(
    conn: &mut SqliteConnection,
    id: Uuid,
    revision: i64,
    body: &str,
    status: ApplicationStatus,
    info: &OriginSaveInfo,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO origin_revisions (application_id, revision, body, saved_at, status, \
         error_count, warning_count, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id.to_string())
    .bind(revision)
    .bind(body)
    .bind(now)
    .bind(status.as_str())
    .bind(i64::from(info.error_count))
    .bind(i64::from(info.warning_count))
    .bind(&info.note)
    .execute(&mut *conn)
    .await?;
    Ok(())
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

async fn revision_body(
    conn: &mut SqliteConnection,
    id: Uuid,
    revision: i64,
) -> Result<String, StoreError> {
    let body: Option<String> = sqlx::query_scalar(
        "SELECT body FROM origin_revisions WHERE application_id = ? AND revision = ?",
    )
    .bind(id.to_string())
    .bind(revision)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(body) = body {
        return Ok(body);
    }
    let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM origin_applications WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    Err(match exists {
        Some(_) => StoreError::RevisionNotFound { id, revision },
        None => StoreError::NotFound { id },
    })
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

fn parse_body(id: Uuid, revision: i64, body: &str) -> Result<OriginApplication, StoreError> {
    serde_json::from_str(body).map_err(|e| {
        StoreError::Corrupt(format!("origin application {id} revision {revision}: {e}"))
    })
}

fn parse_status(s: &str) -> Result<ApplicationStatus, StoreError> {
    ApplicationStatus::parse(s)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown application status {s:?}")))
}

fn count(n: i64) -> Result<u32, StoreError> {
    u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("bad problem count {n}")))
}
