//! The store's one error type, with a stable code per kind so the shell can
//! send `{ code, message }` across IPC and the UI can translate the code.

use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No draft with this id (never created, or deleted by emptying the trash).
    #[error("draft {id} not found")]
    NotFound { id: Uuid },
    /// The draft exists but has no such revision.
    #[error("draft {id} has no revision {revision}")]
    RevisionNotFound { id: Uuid, revision: i64 },
    /// The draft is in the trash: restore it before editing.
    #[error("draft {id} is in the trash")]
    Trashed { id: Uuid },
    /// `create_declaration` with an id that is already taken.
    #[error("draft {id} already exists")]
    AlreadyExists { id: Uuid },
    /// Another draft already has this client sequence number.
    #[error("client sequence number {client_seq_no} belongs to another draft")]
    ClientSeqNoTaken { client_seq_no: String },
    /// A save tried to change the client sequence number, which is fixed for
    /// the life of a declaration (the Single Window knows it by it).
    #[error("draft {id} has client sequence number {stored}, the document has {given}")]
    ClientSeqNoChanged {
        id: Uuid,
        stored: String,
        given: String,
    },
    /// The draft already has a filing waiting in the outbox; file again once
    /// it is delivered (or has failed).
    #[error("draft {id} is already being filed")]
    FilingInProgress { id: Uuid },
    /// Another live template already has this name (报关单模板名称已存在).
    #[error("a template named {name:?} already exists")]
    TemplateNameTaken { name: String },
    /// Another live goods record has this key (商品库中已有相同料号或编号与名称的商品).
    #[error("a goods record with key {key:?} already exists")]
    GoodsKeyTaken { key: String },
    /// The database holds something this code cannot read back.
    #[error("corrupt store: {0}")]
    Corrupt(String),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
}

/// Every code [`StoreError::code`] can give; the UI's catalogs must translate each.
pub const ERROR_CODES: &[&str] = &[
    "not_found",
    "revision_not_found",
    "trashed",
    "already_exists",
    "client_seq_no_taken",
    "client_seq_no_changed",
    "filing_in_progress",
    "template_name_taken",
    "goods_key_taken",
    "corrupt",
    "busy",
    "db",
    "migrate",
    "json",
];

impl StoreError {
    /// Stable machine-readable code; the UI translates these, so never
    /// rename one.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::NotFound { .. } => "not_found",
            StoreError::RevisionNotFound { .. } => "revision_not_found",
            StoreError::Trashed { .. } => "trashed",
            StoreError::AlreadyExists { .. } => "already_exists",
            StoreError::ClientSeqNoTaken { .. } => "client_seq_no_taken",
            StoreError::ClientSeqNoChanged { .. } => "client_seq_no_changed",
            StoreError::FilingInProgress { .. } => "filing_in_progress",
            StoreError::TemplateNameTaken { .. } => "template_name_taken",
            StoreError::GoodsKeyTaken { .. } => "goods_key_taken",
            StoreError::Corrupt(_) => "corrupt",
            // Another process (the CLI, a second window) held the write lock
            // past busy_timeout: worth a retry, unlike other database errors.
            StoreError::Db(e) if is_busy(e) => "busy",
            StoreError::Db(_) => "db",
            StoreError::Migrate(_) => "migrate",
            StoreError::Json(_) => "json",
        }
    }
}

/// SQLITE_BUSY (5) or SQLITE_LOCKED (6), including their extended codes.
fn is_busy(e: &sqlx::Error) -> bool {
    let Some(db) = e.as_database_error() else {
        return false;
    };
    db.code()
        .and_then(|c| c.parse::<i32>().ok())
        .is_some_and(|c| matches!(c & 0xff, 5 | 6))
}

/// Whether `e` is a UNIQUE constraint violation (to turn it into a precise error).
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|db| db.kind() == sqlx::error::ErrorKind::UniqueViolation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed() {
        let id = Uuid::nil();
        let json = serde_json::from_str::<u8>("x").unwrap_err();
        let errors = [
            StoreError::NotFound { id },
            StoreError::RevisionNotFound { id, revision: 2 },
            StoreError::Trashed { id },
            StoreError::AlreadyExists { id },
            StoreError::ClientSeqNoTaken {
                client_seq_no: "x".into(),
            },
            StoreError::ClientSeqNoChanged {
                id,
                stored: "a".into(),
                given: "b".into(),
            },
            StoreError::FilingInProgress { id },
            StoreError::TemplateNameTaken { name: "x".into() },
            StoreError::GoodsKeyTaken { key: "P:x".into() },
            StoreError::Corrupt("x".into()),
            StoreError::Db(sqlx::Error::RowNotFound),
            StoreError::Migrate(sqlx::migrate::MigrateError::VersionMissing(1)),
            StoreError::Json(json),
        ];
        for e in &errors {
            assert!(
                ERROR_CODES.contains(&e.code()),
                "{} is not in ERROR_CODES",
                e.code()
            );
        }
    }
}
