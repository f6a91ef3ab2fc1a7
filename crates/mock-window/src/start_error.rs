//! Why the mock could not start: its database, seeding, its sealing key,
//! or the address. A leaf, so the modules that start things can all name it.

use std::net::SocketAddr;

use crate::db;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error("cannot seed the database: {0}")]
    Seed(#[from] sqlx::Error),
    #[error("sealing key: {0}")]
    SealKey(String),
    #[error(
        "the server clock offset stored in {} is unusable ({why}); move it back or remove it: sqlite3 {} \"DELETE FROM settings WHERE name = 'clock_offset_ms'\"",
        db.display(),
        db.display()
    )]
    ClockOffset { db: std::path::PathBuf, why: String },
    /// A flag or file the command line names is unusable.
    #[error("{0}")]
    Config(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}
