//! The goods library (商品库), migration `0012_goods_library.sql`: goods
//! records as revisioned documents of the one engine (`revisions.rs`), the
//! picker's search, and learning from a declaration customs accepted.
//!
//! Learning runs in the transaction that stores the accepting receipt
//! ([`learn_in`], called from `receipts.rs`), and `goods_learned` remembers
//! each declaration revision learnt, so a repeated receipt, a later one
//! (`P`, `R` after `L`) or a restart never learns twice; a record whose
//! body comes out unchanged gets no revision. What a record holds is the
//! domain's (`portdesk_domain::goods`).

use chrono::{DateTime, Utc};
use portdesk_domain::goods::{learnable_lines, GoodsRecord};
use portdesk_domain::Declaration;
use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use ts_rs::TS;
use uuid::Uuid;

use crate::revisions::{NewRevision, RevisionRow, GOODS as TABLES};
use crate::search::{goods_terms, match_expression};
use crate::sql::{instant, now_ms, parse_uuid};
use crate::{Store, StoreError};

/// The status every goods revision records: a record is never filed.
const GOODS_STATUS: &str = "goods";

/// The most records one search returns.
pub const GOODS_SEARCH_MAX: u32 = 20;

/// A goods record in a list or the picker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GoodsMeta {
    #[ts(type = "string")]
    pub id: Uuid,
    pub part_number: String,
    pub commodity_code: String,
    pub name: String,
    pub last_unit_price: String,
    pub last_currency: String,
    #[ts(type = "string | null")]
    pub last_used: Option<DateTime<Utc>>,
    pub revision: i64,
    #[ts(type = "string")]
    pub updated_at: DateTime<Utc>,
    #[ts(type = "string | null")]
    pub trashed_at: Option<DateTime<Utc>>,
}

/// One entry of a record's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GoodsRevisionMeta {
    pub revision: i64,
    #[ts(type = "string")]
    pub saved_at: DateTime<Utc>,
    /// `learnt from PD…`, `edited`, `imported`, `restore r2`.
    pub note: String,
}

/// What an import or a learning did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GoodsWriteCounts {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
}

const META_COLUMNS: &str = "g.id, g.part_number, g.commodity_code, g.name, g.last_unit_price, \
     g.last_currency, g.last_used, g.current_revision, g.updated_at, g.trashed_at";

impl Store {
    /// Creates record `id` holding `record` (revision 1). Another live
    /// record with its key: `goods_key_taken`.
    pub async fn create_goods(
        &self,
        id: Uuid,
        record: &GoodsRecord,
        rev_note: &str,
    ) -> Result<GoodsMeta, StoreError> {
        let mut tx = self.begin_write().await?;
        create(&mut tx, id, record, rev_note).await?;
        let meta = fetch_meta(&mut tx, id).await?;
        tx.commit().await?;
        Ok(meta)
    }

    /// Saves `record` as the next revision of record `id` (unchanged: no
    /// revision). Its key may change, but not to another live record's.
    pub async fn save_goods(
        &self,
        id: Uuid,
        record: &GoodsRecord,
        rev_note: &str,
    ) -> Result<GoodsMeta, StoreError> {
        let mut tx = self.begin_write().await?;
        append(&mut tx, id, record, rev_note).await?;
        let meta = fetch_meta(&mut tx, id).await?;
        tx.commit().await?;
        Ok(meta)
    }

    /// The record's metadata and current body (trashed ones too).
    pub async fn get_goods(&self, id: Uuid) -> Result<(GoodsMeta, GoodsRecord), StoreError> {
        let mut conn = self.pool.acquire().await?;
        let meta = fetch_meta(&mut conn, id).await?;
        let body = TABLES.body(&mut conn, id, meta.revision).await?;
        Ok((meta.clone(), TABLES.parse_body(id, meta.revision, &body)?))
    }

    /// Record `id` as revision `revision` held it.
    pub async fn goods_revision(&self, id: Uuid, revision: i64) -> Result<GoodsRecord, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let body = TABLES.body(&mut conn, id, revision).await?;
        TABLES.parse_body(id, revision, &body)
    }

    /// Every revision of record `id`, newest first.
    pub async fn goods_history(&self, id: Uuid) -> Result<Vec<GoodsRevisionMeta>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let rows = TABLES.history(&mut conn, id).await?;
        rows.into_iter().map(revision_meta).collect()
    }

    /// Deletes record `id` (into the trash: its history stays, its key is free).
    pub async fn trash_goods(&self, id: Uuid) -> Result<GoodsMeta, StoreError> {
        let mut tx = self.begin_write().await?;
        fetch_meta(&mut tx, id).await?;
        TABLES.set_trashed(&mut tx, id, Some(now_ms())).await?;
        let meta = fetch_meta(&mut tx, id).await?;
        tx.commit().await?;
        Ok(meta)
    }

    /// The live record with this key (`portdesk_domain::goods::goods_key`).
    pub async fn find_goods_by_key(&self, key: &str) -> Result<Option<Uuid>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        find_by_key(&mut conn, key).await
    }

    /// Live records matching what the clerk typed (part number, code or
    /// name; a prefix of any word, a substring of a Chinese name or of a
    /// part number or code), most recently used first, at most `limit`
    /// (≤ [`GOODS_SEARCH_MAX`]). Nothing searchable: the most recent.
    pub async fn search_goods(
        &self,
        query: &str,
        limit: u32,
    ) -> Result<Vec<GoodsMeta>, StoreError> {
        let limit = i64::from(limit.min(GOODS_SEARCH_MAX));
        let rows = match match_expression(query) {
            None => {
                let sql = format!(
                    "SELECT {META_COLUMNS} FROM goods g WHERE g.trashed_at IS NULL \
                     ORDER BY g.last_used DESC, g.seq DESC LIMIT ?"
                );
                sqlx::query(&sql).bind(limit).fetch_all(&self.pool).await?
            }
            Some(expr) => {
                let sql = format!(
                    "SELECT {META_COLUMNS} FROM goods_fts CROSS JOIN goods g \
                     ON g.seq = goods_fts.rowid WHERE goods_fts MATCH ? AND g.trashed_at IS NULL \
                     ORDER BY g.last_used DESC, g.seq DESC LIMIT ?"
                );
                sqlx::query(&sql)
                    .bind(expr)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(meta_from_row).collect()
    }

    /// Every live record with its body, most recently used first (the
    /// list page and the Excel export).
    pub async fn list_goods(&self) -> Result<Vec<(GoodsMeta, GoodsRecord)>, StoreError> {
        let sql = format!(
            "SELECT {META_COLUMNS}, r.body FROM goods g JOIN goods_revisions r \
             ON r.goods_id = g.id AND r.revision = g.current_revision \
             WHERE g.trashed_at IS NULL ORDER BY g.last_used DESC, g.seq DESC"
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                let meta = meta_from_row(row)?;
                let record = TABLES.parse_body(meta.id, meta.revision, row.try_get("body")?)?;
                Ok((meta, record))
            })
            .collect()
    }

    /// Writes imported records in one transaction: a record whose key a
    /// live record has updates it (keeping its last use when the import
    /// has none), the others are created. All or nothing.
    pub async fn import_goods(
        &self,
        records: &[GoodsRecord],
    ) -> Result<GoodsWriteCounts, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut counts = GoodsWriteCounts::default();
        for record in records {
            let key = key_of(record)?;
            match find_by_key(&mut tx, &key).await? {
                Some(id) => {
                    let current = current_body(&mut tx, id).await?;
                    let mut next = record.clone();
                    if next.last_used.is_none() {
                        next.last_used = current.last_used;
                        next.last_declaration = current.last_declaration.clone();
                    }
                    if append(&mut tx, id, &next, "imported").await? {
                        counts.updated += 1;
                    } else {
                        counts.unchanged += 1;
                    }
                }
                None => {
                    create(&mut tx, Uuid::now_v7(), record, "imported").await?;
                    counts.created += 1;
                }
            }
        }
        tx.commit().await?;
        Ok(counts)
    }

    /// Learns from declaration `draft_id` now (the application layer's
    /// explicit call; receipts learn on their own, see [`learn_in`]).
    /// `None`: this revision was learnt before.
    pub async fn learn_goods(
        &self,
        draft_id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<Option<GoodsWriteCounts>, StoreError> {
        let mut tx = self.begin_write().await?;
        let counts = learn_in(&mut tx, draft_id, at).await?;
        tx.commit().await?;
        Ok(counts)
    }
}

/// Creates or updates the record of every line of declaration `draft_id`
/// (its current revision, the one filed), inside the caller's transaction,
/// unless that revision was learnt already (`None`).
pub(crate) async fn learn_in(
    conn: &mut SqliteConnection,
    draft_id: Uuid,
    at: DateTime<Utc>,
) -> Result<Option<GoodsWriteCounts>, StoreError> {
    let row = sqlx::query(
        "SELECT d.current_revision, r.body FROM drafts d JOIN revisions r \
         ON r.draft_id = d.id AND r.revision = d.current_revision WHERE d.id = ?",
    )
    .bind(draft_id.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound { id: draft_id })?;
    let revision: i64 = row.try_get(0)?;
    let inserted = sqlx::query(
        "INSERT INTO goods_learned (draft_id, revision, learned_at) VALUES (?, ?, ?) \
         ON CONFLICT (draft_id) DO UPDATE SET revision = excluded.revision, \
         learned_at = excluded.learned_at WHERE goods_learned.revision < excluded.revision",
    )
    .bind(draft_id.to_string())
    .bind(revision)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(None);
    }
    let decl: Declaration =
        crate::revisions::DECLARATIONS.parse_body(draft_id, revision, row.try_get("body")?)?;
    // Stored instants are whole milliseconds: the same receipt learns the same body.
    let at = instant(at.timestamp_millis())?;
    let note = format!("learnt from {}", decl.client_seq_no);
    let mut counts = GoodsWriteCounts::default();
    for (key, line) in learnable_lines(&decl) {
        match find_by_key(conn, &key).await? {
            Some(id) => {
                let current = current_body(conn, id).await?;
                let next = GoodsRecord::learn(Some(&current), line, &decl.client_seq_no, at);
                if append(conn, id, &next, &note).await? {
                    counts.updated += 1;
                } else {
                    counts.unchanged += 1;
                }
            }
            None => {
                let next = GoodsRecord::learn(None, line, &decl.client_seq_no, at);
                create(conn, Uuid::now_v7(), &next, &note).await?;
                counts.created += 1;
            }
        }
    }
    tracing::debug!(%draft_id, ?counts, "goods learnt");
    Ok(Some(counts))
}

fn key_of(record: &GoodsRecord) -> Result<String, StoreError> {
    // The application layer refuses a record without a key before it gets here.
    record
        .key()
        .ok_or_else(|| StoreError::Corrupt("goods record without part number or name".into()))
}

async fn create(
    conn: &mut SqliteConnection,
    id: Uuid,
    record: &GoodsRecord,
    rev_note: &str,
) -> Result<(), StoreError> {
    let key = key_of(record)?;
    refuse_taken_key(conn, &key, None).await?;
    let body = serde_json::to_string(record)?;
    let last_used = record.last_used.map(|t| t.timestamp_millis().to_string());
    let columns = list_columns(record, &key, last_used.as_deref());
    let seq = TABLES
        .create(
            conn,
            id,
            None,
            &columns,
            &new_revision(&body, rev_note),
            now_ms(),
        )
        .await?;
    write_terms(conn, seq, record, false).await
}

/// Appends `record` to record `id`; returns whether a revision was written.
async fn append(
    conn: &mut SqliteConnection,
    id: Uuid,
    record: &GoodsRecord,
    rev_note: &str,
) -> Result<bool, StoreError> {
    let key = key_of(record)?;
    refuse_taken_key(conn, &key, Some(id)).await?;
    let body = serde_json::to_string(record)?;
    let last_used = record.last_used.map(|t| t.timestamp_millis().to_string());
    let columns = list_columns(record, &key, last_used.as_deref());
    let appended = TABLES
        .append(
            conn,
            id,
            None,
            &columns,
            &new_revision(&body, rev_note),
            false,
        )
        .await?;
    if appended.written {
        write_terms(conn, appended.seq, record, true).await?;
    }
    Ok(appended.written)
}

fn list_columns<'a>(
    record: &'a GoodsRecord,
    key: &'a str,
    last_used: Option<&'a str>,
) -> [(&'static str, Option<&'a str>); 7] {
    [
        ("goods_key", Some(key)),
        ("part_number", Some(record.part_number.as_str())),
        ("commodity_code", Some(record.commodity_code.as_str())),
        ("name", Some(record.name.as_str())),
        ("last_unit_price", Some(record.last_unit_price.as_str())),
        ("last_currency", Some(record.last_currency.as_str())),
        // TEXT bound into an INTEGER column of a STRICT table: SQLite
        // converts a well-formed integer text losslessly.
        ("last_used", last_used),
    ]
}

async fn write_terms(
    conn: &mut SqliteConnection,
    seq: i64,
    record: &GoodsRecord,
    replace: bool,
) -> Result<(), StoreError> {
    if replace {
        sqlx::query("DELETE FROM goods_fts WHERE rowid = ?")
            .bind(seq)
            .execute(&mut *conn)
            .await?;
    }
    let text = format!(
        "{} {} {}",
        record.part_number, record.commodity_code, record.name
    );
    sqlx::query("INSERT INTO goods_fts (rowid, terms) VALUES (?, ?)")
        .bind(seq)
        .bind(goods_terms(&text))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn find_by_key(conn: &mut SqliteConnection, key: &str) -> Result<Option<Uuid>, StoreError> {
    let id: Option<String> =
        sqlx::query_scalar("SELECT id FROM goods WHERE goods_key = ? AND trashed_at IS NULL")
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?;
    id.map(|s| parse_uuid(&s)).transpose()
}

async fn refuse_taken_key(
    conn: &mut SqliteConnection,
    key: &str,
    except: Option<Uuid>,
) -> Result<(), StoreError> {
    match find_by_key(conn, key).await? {
        Some(other) if Some(other) != except => Err(StoreError::GoodsKeyTaken {
            key: key.to_owned(),
        }),
        _ => Ok(()),
    }
}

async fn current_body(conn: &mut SqliteConnection, id: Uuid) -> Result<GoodsRecord, StoreError> {
    let revision: i64 = sqlx::query_scalar("SELECT current_revision FROM goods WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound { id })?;
    let body = TABLES.body(conn, id, revision).await?;
    TABLES.parse_body(id, revision, &body)
}

fn new_revision<'a>(body: &'a str, note: &'a str) -> NewRevision<'a> {
    NewRevision {
        body,
        status: GOODS_STATUS,
        error_count: 0,
        warning_count: 0,
        note,
    }
}

async fn fetch_meta(conn: &mut SqliteConnection, id: Uuid) -> Result<GoodsMeta, StoreError> {
    let sql = format!("SELECT {META_COLUMNS} FROM goods g WHERE g.id = ?");
    let row = sqlx::query(&sql)
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound { id })?;
    meta_from_row(&row)
}

fn meta_from_row(row: &SqliteRow) -> Result<GoodsMeta, StoreError> {
    let last_used: Option<i64> = row.try_get("last_used")?;
    let trashed_at: Option<i64> = row.try_get("trashed_at")?;
    Ok(GoodsMeta {
        id: parse_uuid(row.try_get("id")?)?,
        part_number: row.try_get("part_number")?,
        commodity_code: row.try_get("commodity_code")?,
        name: row.try_get("name")?,
        last_unit_price: row.try_get("last_unit_price")?,
        last_currency: row.try_get("last_currency")?,
        last_used: last_used.map(instant).transpose()?,
        revision: row.try_get("current_revision")?,
        updated_at: instant(row.try_get("updated_at")?)?,
        trashed_at: trashed_at.map(instant).transpose()?,
    })
}

fn revision_meta(row: RevisionRow) -> Result<GoodsRevisionMeta, StoreError> {
    Ok(GoodsRevisionMeta {
        revision: row.revision,
        saved_at: instant(row.saved_at)?,
        note: row.note,
    })
}
