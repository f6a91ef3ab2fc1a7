//! The message log (报文日志): every request sent to the Single Window and
//! every answer (or transport error) received. Bodies have secrets removed
//! before they get here: the store writes what it is given.
//!
//! Bounded but still trustworthy (migration `0008_message_log_retention.sql`):
//! - rows of a filing (`outbox_seq` set) are append-only forever, by trigger;
//! - a body over [`LOG_BODY_LIMIT`] is kept truncated with the size and
//!   SHA-256 of the whole ([`Truncated`]);
//! - rows outside filings older than the retention are deleted by
//!   [`Store::prune_message_log`], the only path the trigger lets through;
//! - reading pages in SQL ([`Store::message_log_page`]), newest first.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use uuid::Uuid;

use crate::sql::{instant, parse_uuid};
use crate::{Store, StoreError};

/// One line of the message log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub at: DateTime<Utc>,
    pub direction: LogDirection,
    pub method: String,
    pub path: String,
    pub outbox_seq: Option<i64>,
    pub idempotency_key: Option<Uuid>,
    pub status: Option<u16>,
    pub retry_after_ms: Option<i64>,
    /// With secrets already removed: the store writes what it is given.
    pub body: String,
    /// Read back: the body above is the first [`LOG_BODY_LIMIT`] bytes of
    /// a larger one. Ignored when appending (the store decides).
    pub truncated: Option<Truncated>,
}

/// What the log keeps of a body it did not keep whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Truncated {
    /// Bytes of the whole body.
    pub size: u64,
    /// SHA-256 of the whole body, hex.
    pub sha256: String,
}

/// The largest body kept whole: filings and their answers are far smaller;
/// beyond it (a hostile 8 MiB page, a captive portal's HTML) the log keeps
/// the start, the size and the hash.
pub const LOG_BODY_LIMIT: usize = 64 * 1024;

/// How long rows outside filings are kept unless the setting says otherwise.
pub const DEFAULT_LOG_RETENTION_DAYS: i64 = 90;

/// `sync_state` key of the retention, in days.
pub const LOG_RETENTION_KEY: &str = "message_log_retention_days";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogDirection {
    Request,
    Response,
    /// The transport failed: no answer (refused, dropped, timed out).
    Error,
}

impl LogDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            LogDirection::Request => "request",
            LogDirection::Response => "response",
            LogDirection::Error => "error",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "request" => LogDirection::Request,
            "response" => LogDirection::Response,
            "error" => LogDirection::Error,
            _ => return Err(StoreError::Corrupt(format!("log direction {s:?}"))),
        })
    }
}

impl Store {
    /// Appends lines to the message log (calls outside the outbox: login,
    /// receipt pulls).
    pub async fn append_log(&self, lines: &[LogEntry]) -> Result<(), StoreError> {
        if lines.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        for line in lines {
            insert_log(&mut tx, line).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// One page of the log (of one outbox entry, or all of it), newest
    /// first: rows with `seq` below `before` (all when `None`), at most
    /// `limit`. Returns each row with its `seq`, the cursor of the next page.
    pub async fn message_log_page(
        &self,
        outbox_seq: Option<i64>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<(i64, LogEntry)>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM message_log WHERE (?1 IS NULL OR outbox_seq = ?1) \
             AND (?2 IS NULL OR seq < ?2) ORDER BY seq DESC LIMIT ?3",
        )
        .bind(outbox_seq)
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("seq")?, log_from_row(r)?)))
            .collect()
    }

    /// Rows in the log (the figure the retention tests and benches read).
    pub async fn message_log_rows(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM message_log")
            .fetch_one(&self.pool)
            .await?;
        Ok(n as u64)
    }

    /// The retention of rows outside filings, in days (the setting, else
    /// [`DEFAULT_LOG_RETENTION_DAYS`]).
    pub async fn log_retention_days(&self) -> Result<i64, StoreError> {
        Ok(self
            .sync_value(LOG_RETENTION_KEY)
            .await?
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|d| *d > 0)
            .unwrap_or(DEFAULT_LOG_RETENTION_DAYS))
    }

    /// Deletes rows outside filings older than the retention; the one path
    /// that may delete from the log (the trigger refuses every other).
    /// Rows of filings are never touched. Returns how many went.
    pub async fn prune_message_log(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let days = self.log_retention_days().await?;
        let cutoff = now - Duration::days(days.min(100 * 365));
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO message_log_pruning (active) VALUES (1)")
            .execute(&mut *tx)
            .await?;
        let done = sqlx::query("DELETE FROM message_log WHERE outbox_seq IS NULL AND at < ?")
            .bind(cutoff.timestamp_millis())
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM message_log_pruning")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    /// The message log of one outbox entry (or all of it), oldest first.
    pub async fn message_log(&self, outbox_seq: Option<i64>) -> Result<Vec<LogEntry>, StoreError> {
        let rows = match outbox_seq {
            Some(seq) => {
                sqlx::query("SELECT * FROM message_log WHERE outbox_seq = ? ORDER BY seq")
                    .bind(seq)
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                sqlx::query("SELECT * FROM message_log ORDER BY seq")
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(log_from_row).collect()
    }
}

pub(crate) async fn insert_log(
    conn: &mut SqliteConnection,
    l: &LogEntry,
) -> Result<(), StoreError> {
    let (body, truncated) = bounded_body(&l.body);
    sqlx::query(
        "INSERT INTO message_log (at, direction, method, path, outbox_seq, idempotency_key, \
         status, retry_after_ms, body, body_size, body_sha256) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(l.at.timestamp_millis())
    .bind(l.direction.as_str())
    .bind(&l.method)
    .bind(&l.path)
    .bind(l.outbox_seq)
    .bind(l.idempotency_key.map(|k| k.to_string()))
    .bind(l.status.map(i64::from))
    .bind(l.retry_after_ms)
    .bind(body)
    .bind(truncated.as_ref().map(|t| t.size as i64))
    .bind(truncated.map(|t| t.sha256))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The body as stored: whole up to [`LOG_BODY_LIMIT`], else its start (cut
/// on a character boundary) and what identifies the whole.
fn bounded_body(body: &str) -> (&str, Option<Truncated>) {
    if body.len() <= LOG_BODY_LIMIT {
        return (body, None);
    }
    let mut end = LOG_BODY_LIMIT;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    let whole = Truncated {
        size: body.len() as u64,
        sha256: hex::encode(Sha256::digest(body.as_bytes())),
    };
    (&body[..end], Some(whole))
}

fn log_from_row(row: &SqliteRow) -> Result<LogEntry, StoreError> {
    let key: Option<&str> = row.try_get("idempotency_key")?;
    let status: Option<i64> = row.try_get("status")?;
    let size: Option<i64> = row.try_get("body_size")?;
    let sha256: Option<String> = row.try_get("body_sha256")?;
    Ok(LogEntry {
        at: instant(row.try_get("at")?)?,
        direction: LogDirection::parse(row.try_get("direction")?)?,
        method: row.try_get("method")?,
        path: row.try_get("path")?,
        outbox_seq: row.try_get("outbox_seq")?,
        idempotency_key: key.map(parse_uuid).transpose()?,
        status: status.map(|s| s as u16),
        retry_after_ms: row.try_get("retry_after_ms")?,
        body: row.try_get("body")?,
        truncated: size.zip(sha256).map(|(size, sha256)| Truncated {
            size: size as u64,
            sha256,
        }),
    })
}
