//! PortDesk's local store: one SQLite file holding declaration drafts, their
//! full revision history, the trash and a full-text index, through sqlx.
//!
//! - [`Store::open`] creates the file if needed, applies the pragmas every
//!   connection needs (WAL, `synchronous=FULL`, foreign keys, busy timeout)
//!   and runs the embedded migrations in `migrations/`.
//! - Every write is one `BEGIN IMMEDIATE` transaction, so a save either lands
//!   completely (revision + list row + search row) or not at all, and two
//!   writers (the app and the CLI) queue on the lock instead of failing
//!   halfway through a read-then-write.
//! - Nothing is overwritten: a save appends a revision; restoring appends the
//!   old body as a new revision; the only deletion is [`Store::empty_trash`].
//! - Instants are stored as INTEGER Unix milliseconds UTC (see the migration);
//!   the `DateTime<Utc>` values handed out are therefore whole milliseconds.
//!
//! Files, leaves first:
//! - `error.rs` the error type and its codes; `sql.rs` instants, ids, counts;
//! - `revisions.rs` the revision engine every revisioned document shares,
//!   and the kinds of document ([`DocumentKind`]);
//! - `message_log.rs` the append-only message log; `settings.rs` small
//!   persistent values (`sync_state`);
//! - `queue.rs` the outbox queue: the one enqueue, claiming due entries;
//! - `drafts.rs` declaration drafts (list, search, trash, filing);
//!   `search.rs` how text is segmented for their FTS5 index;
//! - `origin.rs` certificate-of-origin applications and their certificates;
//! - `flows.rs` amendments and conflicts with the server's version;
//! - `receipts.rs` receipts and the receipt cursor;
//! - `delivery.rs` how an attempt ended, and what that changes;
//! - `reference_cache.rs` tax-payment choices and cached reference data;
//! - `templates.rs` declaration templates, the template a draft came from,
//!   and the clerk's default values per field.
//! - `sheet_layouts.rs` saved spreadsheet import layouts.
//! - `goods.rs` the goods library (商品库): records, the picker's search,
//!   learning from accepted declarations.
//!
//! Before migrating a database written by an older release, [`Store::open`]
//! copies the file aside (`portdesk.db.before-0007` beside it): a migration
//! that goes wrong on a clerk's machine never costs them their data.

mod delivery;
mod drafts;
mod error;
mod flows;
mod goods;
mod message_log;
mod origin;
mod queue;
mod receipts;
mod reference_cache;
mod revisions;
mod search;
mod settings;
mod sheet_layouts;
mod sql;
mod templates;

use std::path::Path;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use delivery::{AttemptResult, Outcome};
pub use drafts::{FileRequest, Filed};
pub use error::{StoreError, ERROR_CODES};
pub use flows::{AmendRequest, AmendmentRecord, Conflict, ConflictCheck, Delivered, Resolution};
pub use goods::{GoodsMeta, GoodsRevisionMeta, GoodsWriteCounts, GOODS_SEARCH_MAX};
pub use message_log::{
    LogDirection, LogEntry, Truncated, DEFAULT_LOG_RETENTION_DAYS, LOG_BODY_LIMIT,
    LOG_RETENTION_KEY,
};
pub use origin::{
    ApplicationStatus, FiledApplication, OriginMeta, OriginRevisionMeta, OriginSaveInfo,
    StoredCertificate,
};
pub use queue::{EntryState, OutboxCounts, OutboxEntry, AWAITING_CODES};
pub use receipts::{NewReceipt, StoredReceipt};
pub use reference_cache::{CachedReference, ReferenceKind};
pub use revisions::DocumentKind;
pub use sheet_layouts::StoredLayout;
pub use templates::{TemplateMeta, TemplateRevisionMeta, TemplateSource};

/// The schema migrations, embedded at compile time from `migrations/*.sql`.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// How long a connection waits for another writer (this process or another)
/// before giving up with SQLITE_BUSY (error code `busy`).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A desktop client has one clerk: a few readers and one writer suffice, and
/// more connections only cost memory on a small machine.
const MAX_CONNECTIONS: u32 = 4;

/// The local database. Cheap to clone: clones share one connection pool.
/// Creates `dir` (and missing parents) readable by the owner only: the
/// data directory holds drafts, filings and the message log. A folder that
/// exists already keeps the permissions it has.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates the database file, empty and owner-only, when it is missing;
/// SQLite gives its `-wal` and `-shm` files the same permissions.
fn create_private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating if missing, parent folder included) the database at
    /// `path` and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            create_private_dir(parent).map_err(|e| StoreError::Db(sqlx::Error::Io(e)))?;
        }
        create_private_file(path).map_err(|e| StoreError::Db(sqlx::Error::Io(e)))?;
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(connect_options(path))
            .await?;
        copy_aside_before_migrating(&pool, path).await?;
        MIGRATOR.run(&pool).await?;
        tracing::debug!(path = %path.display(), "store opened");
        Ok(Store { pool })
    }

    /// The database file (the sync worker's lock file sits beside it).
    pub fn path(&self) -> std::path::PathBuf {
        self.pool.connect_options().get_filename().to_owned()
    }

    /// Runs `PRAGMA integrity_check`; `"ok"` when the file is sound, else
    /// SQLite's list of problems, one per line.
    pub async fn integrity_check(&self) -> Result<String, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.join("\n"))
    }

    /// Checkpoints the WAL into the main file, then closes every connection,
    /// waiting for running queries. Later calls fail with `db`.
    ///
    /// The explicit checkpoint leaves a self-contained `.db` file (a backup
    /// that copies only it misses nothing); SQLite's own checkpoint on the
    /// last close is skipped whenever another connection, in this pool or
    /// another process, is still open at that moment.
    pub async fn close(&self) {
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await
        {
            // Not fatal: committed data is durable in the WAL either way.
            tracing::warn!(error = %e, "WAL checkpoint on close failed");
        }
        self.pool.close().await;
    }
}

/// Copies a database written by an older release to
/// `<file>.before-<first pending migration>` (e.g. `portdesk.db.before-0007`)
/// before its migrations run. `VACUUM INTO` writes a consistent, self-contained
/// copy even while the WAL holds recent commits. A new database (no
/// migrations yet) and an up-to-date one are not copied; an existing copy is
/// kept (it is the oldest state).
async fn copy_aside_before_migrating(pool: &SqlitePool, path: &Path) -> Result<(), StoreError> {
    let has_history: Option<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_optional(pool)
    .await?;
    if has_history.is_none() {
        return Ok(());
    }
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = 1")
            .fetch_all(pool)
            .await?;
    let Some(first_pending) = MIGRATOR
        .iter()
        .map(|m| m.version)
        .find(|v| !applied.contains(v))
    else {
        return Ok(());
    };
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".before-{first_pending:04}"));
    let copy = std::path::PathBuf::from(name);
    if copy.exists() {
        return Ok(());
    }
    sqlx::query("VACUUM INTO ?")
        .bind(copy.to_string_lossy().into_owned())
        .execute(pool)
        .await?;
    tracing::info!(copy = %copy.display(), "database copied aside before migrating");
    Ok(())
}

/// The connection options every PortDesk connection uses. Public so tools
/// and benchmarks can open the file with exactly the same settings.
///
/// `synchronous` and `foreign_keys` are per-connection settings, which is why
/// they belong here (applied to each new pooled connection) and not in a
/// migration; `journal_mode=WAL` is stored in the file but set here too so a
/// file created elsewhere is switched on first open.
pub fn connect_options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a committed save survives a power cut, not just a crash.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pragmas must hold on every pooled connection, not just the first.
    #[tokio::test]
    async fn pragmas_in_effect_on_pooled_connections() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("pragmas.db")).await.unwrap();
        // Hold several connections at once so the pool must open new ones.
        let mut conns = Vec::new();
        for _ in 0..MAX_CONNECTIONS {
            conns.push(store.pool.acquire().await.unwrap());
        }
        for conn in &mut conns {
            let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
                .fetch_one(&mut **conn)
                .await
                .unwrap();
            assert_eq!(mode, "wal");
            // 2 = FULL
            let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(&mut **conn)
                .await
                .unwrap();
            assert_eq!(sync, 2);
            let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
                .fetch_one(&mut **conn)
                .await
                .unwrap();
            assert_eq!(fk, 1);
            let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
                .fetch_one(&mut **conn)
                .await
                .unwrap();
            assert_eq!(busy, BUSY_TIMEOUT.as_millis() as i64);
        }
    }

    /// The data folder and the database are the owner's alone.
    #[cfg(unix)]
    #[tokio::test]
    async fn a_new_database_and_its_folder_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("new/data");
        let store = Store::open(&data.join("portdesk.db")).await.unwrap();
        store.set_sync_value("k", Some("v")).await.unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        for f in ["portdesk.db", "portdesk.db-wal", "portdesk.db-shm"] {
            assert_eq!(mode(&data.join(f)), 0o600, "{f}");
        }
    }
}
