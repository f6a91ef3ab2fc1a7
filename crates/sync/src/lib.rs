//! PortDesk's Single Window client: credentials in the OS keyring, the
//! outbox worker that delivers filed declarations exactly once (at least
//! once with a stable idempotency key; the server deduplicates), and the
//! receipts pulled back by cursor.
//!
//! - `secret.rs`: [`Secret`], a string that redacts itself when printed.
//! - `credentials.rs`: [`CredentialStore`] with [`KeyringStore`] (the real
//!   one) and [`MemoryStore`] (tests, `PORTDESK_CREDENTIALS=memory`).
//! - `client.rs`: the one HTTP client (reqwest), every request and its log
//!   lines, and how an answer is classified.
//! - `transport.rs`: [`Transport`], how the worker reaches the Single
//!   Window: the HTTP API, or
//! - `exchange/`: the Single Window client's exchange folders beside it
//!   ([`exchange::account_transport`] picks per account).
//! - `session.rs`: [`Session`], an account's token and the one re-login
//!   rule, shared by the worker and the app's other requests.
//! - `worker.rs`: [`Worker`], the loop; [`SyncEvent`] for progress.
//! - `lease.rs`: [`WorkerLease`], one delivering worker per database.
//! - `reference.rs`: guarantees, enterprise profile and port fees cached
//!   for offline use (tax payment, issue 6).
//!
//! Filing itself (the revision and its outbox entry in one transaction) is
//! `portdesk_drafts::Drafts::file`; this crate only delivers. Docs:
//! `docs/sync.md`.

pub mod client;
pub mod credentials;
mod error;
pub mod exchange;
pub mod lease;
pub mod origin;
pub mod reference;
pub mod secret;
pub mod session;
pub mod transport;
pub mod worker;

pub use credentials::{Account, CredentialStore, KeyringStore, MemoryStore, SecretKind};
pub use error::{SyncError, ERROR_CODES};
pub use lease::WorkerLease;
pub use secret::Secret;
pub use session::{login, Session};
pub use transport::Transport;
pub use worker::{
    backoff_delay, EventSink, Supervisor, SyncConfig, SyncEvent, SyncSummary, Worker, CRASH_LIMIT,
    FINAL_RECEIPT_CODES, WORKER_CRASHED,
};

/// `sync_state` key of the account last logged in (`server|code|operator`,
/// no secret), so `portdesk sync` knows whom to sync as.
pub const ACCOUNT_STATE_KEY: &str = "account";

/// Reads the remembered account from the store.
pub async fn remembered_account(
    store: &portdesk_store::Store,
) -> Result<Option<Account>, SyncError> {
    Ok(store.sync_value(ACCOUNT_STATE_KEY).await?.and_then(|v| {
        let mut parts = v.rsplitn(3, '|');
        let operator = parts.next()?;
        let code = parts.next()?;
        let server = parts.next()?;
        Some(Account::new(server, code, operator))
    }))
}

/// Remembers (or forgets, with `None`) the account in the store.
pub async fn remember_account(
    store: &portdesk_store::Store,
    account: Option<&Account>,
) -> Result<(), SyncError> {
    let key = account.map(Account::key);
    store
        .set_sync_value(ACCOUNT_STATE_KEY, key.as_deref())
        .await?;
    Ok(())
}
