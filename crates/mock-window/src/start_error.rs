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
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}
