//! The message log (报文日志): every request sent to the Single Window and
//! every answer (or transport error) received, append-only by trigger
//! (migration `0002_outbox.sql`). Bodies have secrets removed before they
//! get here: the store writes what it is given.

use chrono::{DateTime, Utc};
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
}

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
    sqlx::query(
        "INSERT INTO message_log (at, direction, method, path, outbox_seq, idempotency_key, \
         status, retry_after_ms, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(l.at.timestamp_millis())
    .bind(l.direction.as_str())
    .bind(&l.method)
    .bind(&l.path)
    .bind(l.outbox_seq)
    .bind(l.idempotency_key.map(|k| k.to_string()))
    .bind(l.status.map(i64::from))
    .bind(l.retry_after_ms)
    .bind(&l.body)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn log_from_row(row: &SqliteRow) -> Result<LogEntry, StoreError> {
    let key: Option<&str> = row.try_get("idempotency_key")?;
    let status: Option<i64> = row.try_get("status")?;
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
    })
}
