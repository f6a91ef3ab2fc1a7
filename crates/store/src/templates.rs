//! Declaration templates (报关单模板) and the clerk's default values per
//! field (初始值), migration `0011_templates.sql`.
//!
//! A template is a revisioned document of the one engine (`revisions.rs`):
//! saving it again appends a revision, restoring appends an old body, an
//! unchanged save writes nothing. Its name and note are list columns (a
//! rename is not a new version of the declaration it holds); deleting moves
//! it to the trash, so drafts made from it can still be compared with it.
//! What a template may hold (cleared fields, limits) is the application
//! layer's (`portdesk_drafts::templates`); the store only keeps it.

use chrono::{DateTime, Utc};
use portdesk_domain::{Declaration, DraftMeta, IeFlag, SaveInfo};
use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use ts_rs::TS;
use uuid::Uuid;

use crate::drafts::{ie_flag_str, insert_draft, parse_ie_flag};
use crate::revisions::{NewRevision, RevisionRow, TEMPLATES as TABLES};
use crate::sql::{instant, now_ms, parse_uuid};
use crate::{Store, StoreError};

/// The status every template revision records: a template is never filed.
const TEMPLATE_STATUS: &str = "template";

/// A template in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TemplateMeta {
    #[ts(type = "string")]
    pub id: Uuid,
    /// 模板名称: unique among live templates.
    pub name: String,
    /// 备注.
    pub note: String,
    pub ie_flag: IeFlag,
    pub revision: i64,
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
    #[ts(type = "string")]
    pub updated_at: DateTime<Utc>,
    /// Set once deleted (in the trash).
    #[ts(type = "string | null")]
    pub trashed_at: Option<DateTime<Utc>>,
}

/// One entry of a template's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TemplateRevisionMeta {
    pub revision: i64,
    #[ts(type = "string")]
    pub saved_at: DateTime<Utc>,
    /// `from draft PD…`, `update from PD…`, `restore r2`.
    pub note: String,
}

/// Which template revision a draft was made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateSource {
    pub template_id: Uuid,
    pub revision: i64,
}

const META_COLUMNS: &str = "t.id, t.name, t.note, t.ie_flag, t.current_revision, t.created_at, \
     t.updated_at, t.trashed_at";

fn new_revision<'a>(body: &'a str, note: &'a str) -> NewRevision<'a> {
    NewRevision {
        body,
        status: TEMPLATE_STATUS,
        error_count: 0,
        warning_count: 0,
        note,
    }
}

impl Store {
    /// Creates template `id` named `name` holding `decl` (revision 1, noted
    /// `rev_note`). Another live template with the name: `template_name_taken`.
    pub async fn create_template(
        &self,
        id: Uuid,
        name: &str,
        note: &str,
        decl: &Declaration,
        rev_note: &str,
    ) -> Result<TemplateMeta, StoreError> {
        let body = serde_json::to_string(decl)?;
        let mut tx = self.begin_write().await?;
        refuse_taken_name(&mut tx, name, None).await?;
        let columns = [
            ("name", Some(name)),
            ("note", Some(note)),
            ("ie_flag", Some(ie_flag_str(decl.head.ie_flag))),
        ];
        TABLES
            .create(
                &mut tx,
                id,
                None,
                &columns,
                &new_revision(&body, rev_note),
                now_ms(),
            )
            .await?;
        let meta = fetch_meta(&mut tx, id).await?;
        tx.commit().await?;
        Ok(meta)
    }

    /// Saves `decl` as the next revision of template `id`; an unchanged
    /// declaration writes nothing. A deleted template cannot be saved (`trashed`).
    /// When `from_draft` was made from this template, it now compares with
    /// the revision saved (same transaction): it is what the template holds.
    pub async fn save_template(
        &self,
        id: Uuid,
        decl: &Declaration,
        rev_note: &str,
        from_draft: Option<Uuid>,
    ) -> Result<TemplateMeta, StoreError> {
        let body = serde_json::to_string(decl)?;
        let mut tx = self.begin_write().await?;
        let columns = [("ie_flag", Some(ie_flag_str(decl.head.ie_flag)))];
        let appended = TABLES
            .append(
                &mut tx,
                id,
                None,
                &columns,
                &new_revision(&body, rev_note),
                false,
            )
            .await?;
        if let Some(draft) = from_draft {
            sqlx::query("UPDATE drafts SET template_revision = ? WHERE id = ? AND template_id = ?")
                .bind(appended.revision)
                .bind(draft.to_string())
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        let meta = fetch_meta(&mut tx, id).await?;
        tx.commit().await?;
        Ok(meta)
    }

    /// The template's metadata and current declaration (deleted ones too).
    pub async fn get_template(&self, id: Uuid) -> Result<(TemplateMeta, Declaration), StoreError> {
        let mut conn = self.pool.acquire().await?;
        let meta = fetch_meta(&mut conn, id).await?;
        let body = TABLES.body(&mut conn, id, meta.revision).await?;
        let decl = TABLES.parse_body(id, meta.revision, &body)?;
        Ok((meta, decl))
    }

    /// The declaration template `id` held in `revision`.
    pub async fn template_revision(
        &self,
        id: Uuid,
        revision: i64,
    ) -> Result<Declaration, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let body = TABLES.body(&mut conn, id, revision).await?;
        TABLES.parse_body(id, revision, &body)
    }

    /// Every live template, by name.
    pub async fn list_templates(&self) -> Result<Vec<TemplateMeta>, StoreError> {
        let sql = format!(
            "SELECT {META_COLUMNS} FROM templates t WHERE t.trashed_at IS NULL \
             ORDER BY t.name, t.seq"
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(meta_from_row).collect()
    }

    /// The live template with this exact name, if any.
    pub async fn find_template_by_name(&self, name: &str) -> Result<Option<Uuid>, StoreError> {
        let id: Option<String> =
            sqlx::query_scalar("SELECT id FROM templates WHERE name = ? AND trashed_at IS NULL")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?;
        id.map(|s| parse_uuid(&s)).transpose()
    }

    /// Renames template `id` and sets its note; no revision (the declaration
    /// it holds is unchanged).
    pub async fn rename_template(
        &self,
        id: Uuid,
        name: &str,
        note: &str,
    ) -> Result<TemplateMeta, StoreError> {
        let mut tx = self.begin_write().await?;
        let meta = fetch_meta(&mut tx, id).await?;
        if meta.trashed_at.is_some() {
            return Err(StoreError::Trashed { id });
        }
        refuse_taken_name(&mut tx, name, Some(id)).await?;
        sqlx::query("UPDATE templates SET name = ?, note = ?, updated_at = ? WHERE id = ?")
            .bind(name)
            .bind(note)
            .bind(now_ms())
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        let meta = fetch_meta(&mut tx, id).await?;
        tx.commit().await?;
        Ok(meta)
    }

    /// Deletes template `id` (into the trash: its history stays, its name is free).
    pub async fn trash_template(&self, id: Uuid) -> Result<TemplateMeta, StoreError> {
        let mut tx = self.begin_write().await?;
        fetch_meta(&mut tx, id).await?;
        TABLES.set_trashed(&mut tx, id, Some(now_ms())).await?;
        let meta = fetch_meta(&mut tx, id).await?;
        tx.commit().await?;
        Ok(meta)
    }

    /// Every revision of template `id`, newest first.
    pub async fn template_history(
        &self,
        id: Uuid,
    ) -> Result<Vec<TemplateRevisionMeta>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let rows = TABLES.history(&mut conn, id).await?;
        rows.into_iter().map(revision_meta).collect()
    }

    /// Makes `revision` of template `id` current again as a new revision.
    pub async fn restore_template(
        &self,
        id: Uuid,
        revision: i64,
    ) -> Result<TemplateMeta, StoreError> {
        let mut tx = self.begin_write().await?;
        let old = TABLES.body(&mut tx, id, revision).await?;
        // Re-serialised: an older body gets today's shape.
        let decl: Declaration = TABLES.parse_body(id, revision, &old)?;
        let body = serde_json::to_string(&decl)?;
        let note = format!("restore r{revision}");
        let columns = [("ie_flag", Some(ie_flag_str(decl.head.ie_flag)))];
        TABLES
            .append(
                &mut tx,
                id,
                None,
                &columns,
                &new_revision(&body, &note),
                false,
            )
            .await?;
        let meta = fetch_meta(&mut tx, id).await?;
        tx.commit().await?;
        Ok(meta)
    }

    /// Creates draft `id` from `decl` and records, in the same transaction,
    /// that it came from `source` (for "differences from the template").
    pub async fn create_declaration_from_template(
        &self,
        id: Uuid,
        decl: &Declaration,
        info: &SaveInfo,
        source: TemplateSource,
    ) -> Result<DraftMeta, StoreError> {
        let body = serde_json::to_string(decl)?;
        let mut tx = self.begin_write().await?;
        let meta = insert_draft(&mut tx, id, decl, &body, info, now_ms()).await?;
        sqlx::query("UPDATE drafts SET template_id = ?, template_revision = ? WHERE id = ?")
            .bind(source.template_id.to_string())
            .bind(source.revision)
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(meta)
    }

    /// The template revision draft `id` was made from (`None`: not from a
    /// template; `not_found`: no such draft).
    pub async fn draft_template(&self, id: Uuid) -> Result<Option<TemplateSource>, StoreError> {
        let row = sqlx::query("SELECT template_id, template_revision FROM drafts WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound { id })?;
        let template: Option<String> = row.try_get(0)?;
        let revision: Option<i64> = row.try_get(1)?;
        match (template, revision) {
            (Some(t), Some(revision)) => Ok(Some(TemplateSource {
                template_id: parse_uuid(&t)?,
                revision,
            })),
            _ => Ok(None),
        }
    }

    /// The clerk's default values (初始值), `(path, value)` by path.
    pub async fn field_defaults(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query("SELECT path, value FROM field_defaults ORDER BY path")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| -> Result<(String, String), StoreError> { Ok((r.try_get(0)?, r.try_get(1)?)) })
            .collect()
    }

    /// Sets (`Some`) or clears (`None`) the default value of field `path`.
    /// The caller has checked the path and the value.
    pub async fn set_field_default(
        &self,
        path: &str,
        value: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        match value {
            Some(v) => {
                sqlx::query(
                    "INSERT INTO field_defaults (path, value, updated_at) VALUES (?, ?, ?) \
                     ON CONFLICT (path) DO UPDATE SET value = excluded.value, \
                     updated_at = excluded.updated_at",
                )
                .bind(path)
                .bind(v)
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM field_defaults WHERE path = ?")
                    .bind(path)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Refuses `name` when another live template (not `except`) has it.
async fn refuse_taken_name(
    conn: &mut SqliteConnection,
    name: &str,
    except: Option<Uuid>,
) -> Result<(), StoreError> {
    let other: Option<String> =
        sqlx::query_scalar("SELECT id FROM templates WHERE name = ? AND trashed_at IS NULL")
            .bind(name)
            .fetch_optional(&mut *conn)
            .await?;
    match other {
        Some(o) if Some(o.as_str()) != except.map(|e| e.to_string()).as_deref() => {
            Err(StoreError::TemplateNameTaken {
                name: name.to_owned(),
            })
        }
        _ => Ok(()),
    }
}

async fn fetch_meta(conn: &mut SqliteConnection, id: Uuid) -> Result<TemplateMeta, StoreError> {
    let sql = format!("SELECT {META_COLUMNS} FROM templates t WHERE t.id = ?");
    let row = sqlx::query(&sql)
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound { id })?;
    meta_from_row(&row)
}

fn meta_from_row(row: &SqliteRow) -> Result<TemplateMeta, StoreError> {
    let trashed_at: Option<i64> = row.try_get("trashed_at")?;
    Ok(TemplateMeta {
        id: parse_uuid(row.try_get("id")?)?,
        name: row.try_get("name")?,
        note: row.try_get("note")?,
        ie_flag: parse_ie_flag(row.try_get("ie_flag")?)?,
        revision: row.try_get("current_revision")?,
        created_at: instant(row.try_get("created_at")?)?,
        updated_at: instant(row.try_get("updated_at")?)?,
        trashed_at: trashed_at.map(instant).transpose()?,
    })
}

fn revision_meta(row: RevisionRow) -> Result<TemplateRevisionMeta, StoreError> {
    Ok(TemplateRevisionMeta {
        revision: row.revision,
        saved_at: instant(row.saved_at)?,
        note: row.note,
    })
}
