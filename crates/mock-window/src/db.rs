//! The SQLite database: opening, pragmas, embedded migrations and the
//! little key-value helpers the server needs.
//!
//! One connection serves the whole process. A mock has little traffic, and
//! one connection means SQLite never answers "database is locked" between
//! our own tasks; transactions are short and never await anything but SQL.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{SqliteConnection, SqlitePool};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot open the database: {0}")]
    Open(#[from] sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Opens (creating if needed) and migrates the database: a file, or memory.
pub async fn open(file: Option<&Path>) -> Result<SqlitePool, DbError> {
    let options = match file {
        Some(path) => SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal),
        None => SqliteConnectOptions::from_str("sqlite::memory:")?,
    }
    // FULL: a receipt or idempotent answer we told the client about must
    // survive a kill -9 of the server.
    .synchronous(SqliteSynchronous::Full)
    .foreign_keys(true)
    .busy_timeout(Duration::from_secs(10));
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        // An in-memory database lives as long as its connection: keep it.
        .idle_timeout(None)
        .max_lifetime(None)
        .acquire_timeout(Duration::from_secs(60))
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

/// A stored setting.
pub async fn setting(pool: &SqlitePool, name: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT value FROM settings WHERE name = ?")
        .bind(name)
        .fetch_optional(pool)
        .await
}

pub async fn set_setting(pool: &SqlitePool, name: &str, value: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO settings (name, value) VALUES (?, ?)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    )
    .bind(name)
    .bind(value)
    .execute(pool)
    .await?;
    Ok(())
}

/// Next value of a named counter (1, 2, …), inside the caller's transaction.
pub async fn next_counter(conn: &mut SqliteConnection, name: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO counters (name, value) VALUES (?, 1)
         ON CONFLICT (name) DO UPDATE SET value = value + 1
         RETURNING value",
    )
    .bind(name)
    .fetch_one(conn)
    .await
}

/// Clock offset setting name: the moved clock survives a restart.
pub const CLOCK_OFFSET: &str = "clock_offset_ms";

/// Persists the clock offset (called when `/control/clock` moves it).
pub async fn save_clock_offset(pool: &SqlitePool, offset_ms: i64) -> Result<(), sqlx::Error> {
    set_setting(pool, CLOCK_OFFSET, &offset_ms.to_string()).await
}
