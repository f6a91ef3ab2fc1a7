//! The desktop side of sync: who is logged in, the outbox worker running as
//! a background task, and bearer tokens for the other features' requests.
//!
//! [`SyncService`] lives in `AppState`. It owns no rule: delivery, retries
//! and receipts are `portdesk_sync::Worker` under its `Supervisor`; secrets stay in the OS keyring
//! (`KeyringStore`) and are never serialised to the UI. The worker's
//! [`SyncEvent`]s are re-shaped into [`SyncEventPayload`] and handed to the
//! emitter the shell installs (`app.emit("sync-event", …)`).
//!
//! The app keeps working offline: with no account, a locked keyring or an
//! unreachable server, drafts are saved and filed into the outbox as usual;
//! the worker delivers them when it can.
//!
//! An exchange-only account (仅交换目录, no server) is set up with
//! [`SyncService::start_exchange_account`]: no password, no token, the
//! keyring never used; its worker files through the folders, and what needs
//! a server is refused with `no_server` ([`SyncService::require_server`]).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use portdesk_store::{EntryState, Store};
use portdesk_sync::client::Client;
use portdesk_sync::exchange::ExchangeSettings;
use portdesk_sync::Session;
use portdesk_sync::{
    remember_account, remembered_account, Account, CredentialStore, KeyringStore, MemoryStore,
    Secret, SecretKind, Supervisor, SyncConfig, SyncError, SyncEvent,
};
use serde::Serialize;
use tokio::sync::watch;
use ts_rs::TS;

use crate::error::ApiError;

/// `memory` keeps secrets in process memory instead of the OS keyring: for
/// the mock-runtime command tests only.
pub const CREDENTIALS_ENV: &str = "PORTDESK_CREDENTIALS";
/// Server URL offered on the login screen.
pub const SERVER_URL_ENV: &str = "PORTDESK_SERVER_URL";
/// The local mock Single Window (`mock-window` default port).
pub const DEFAULT_SERVER_URL: &str = "http://127.0.0.1:8421";
/// Tauri event name of [`SyncEventPayload`].
pub const SYNC_EVENT: &str = "sync-event";

/// The status's error while the worker waits to start again after it
/// stopped or crashed (cleared when a server answers).
pub const WORKER_RESTARTING: &str = "worker_restarting";

/// Per-request timeout of the service's own calls (login, token refresh).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The header indicator: 在线 / 离线 / 未登录.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OnlineState {
    Online,
    /// Logged in but not talking to the server (unreachable, keyring locked,
    /// worker stopped on an error).
    Offline,
    SignedOut,
}

/// The account as the UI sees it: no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AccountView {
    /// Empty for an exchange-only account.
    pub server: String,
    pub customs_code: String,
    pub operator: String,
    /// No server: files through the exchange folders only (仅交换目录);
    /// certificates, guarantees, reference data and duty payment are
    /// unavailable.
    pub exchange_only: bool,
}

impl From<&Account> for AccountView {
    fn from(a: &Account) -> Self {
        AccountView {
            server: a.server.clone(),
            customs_code: a.customs_code.clone(),
            operator: a.operator.clone(),
            exchange_only: !a.has_server(),
        }
    }
}

/// What the worker reports, as the UI receives it on `sync-event`.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SyncEventPayload {
    /// An outbox entry changed state (`queued`, `sending`, `retry_wait`,
    /// `done`, `failed`).
    Entry {
        outbox_seq: i64,
        draft_id: String,
        client_seq_no: String,
        state: String,
        attempts: u32,
        /// RFC 3339; on `retry_wait`.
        next_attempt_at: Option<String>,
        error: Option<String>,
    },
    /// A receipt was stored and applied to its draft.
    Receipt {
        client_seq_no: String,
        draft_id: Option<String>,
        seq_no: String,
        code: String,
    },
    /// Customs (or another clerk) changed a filing; both versions are kept.
    Conflict { draft_id: String, seq_no: String },
    /// Online / offline / signed out changed.
    State { state: OnlineState },
    /// The worker stopped on an error (e.g. `worker_busy`, `login_failed`).
    Stopped { error: ApiError },
    /// The worker stopped or crashed and starts again in `after_ms`;
    /// offline meanwhile.
    Restarting {
        reason: String,
        after_ms: u64,
        restarts: u32,
    },
}

impl SyncEventPayload {
    fn from_event(e: &SyncEvent) -> Self {
        match e {
            SyncEvent::Entry {
                outbox_seq,
                draft_id,
                client_seq_no,
                state,
                attempts,
                next_attempt_at,
                error,
            } => SyncEventPayload::Entry {
                outbox_seq: *outbox_seq,
                draft_id: draft_id.to_string(),
                client_seq_no: client_seq_no.clone(),
                state: entry_state(*state).to_owned(),
                attempts: *attempts,
                next_attempt_at: next_attempt_at.map(|t| t.to_rfc3339()),
                error: error.clone(),
            },
            SyncEvent::Receipt {
                client_seq_no,
                draft_id,
                seq_no,
                code,
            } => SyncEventPayload::Receipt {
                client_seq_no: client_seq_no.clone(),
                draft_id: draft_id.map(|d| d.to_string()),
                seq_no: seq_no.clone(),
                code: code.clone(),
            },
            SyncEvent::Conflict { draft_id, seq_no } => SyncEventPayload::Conflict {
                draft_id: draft_id.to_string(),
                seq_no: seq_no.clone(),
            },
            SyncEvent::Online => SyncEventPayload::State {
                state: OnlineState::Online,
            },
            SyncEvent::Offline { .. } => SyncEventPayload::State {
                state: OnlineState::Offline,
            },
            SyncEvent::Restarting {
                reason,
                after,
                restarts,
            } => SyncEventPayload::Restarting {
                reason: reason.clone(),
                after_ms: after.as_millis().min(u128::from(u64::MAX)) as u64,
                restarts: *restarts,
            },
        }
    }
}

pub fn entry_state(s: EntryState) -> &'static str {
    s.as_str()
}

impl From<SyncError> for ApiError {
    fn from(e: SyncError) -> Self {
        if matches!(e, SyncError::Store(_)) {
            tracing::error!(error = %e, "store failure in sync");
        }
        // SyncError messages never carry a secret (see portdesk_sync::secret).
        ApiError::new(e.code(), e.to_string())
    }
}

/// Where payloads go: the shell emits them as Tauri events.
pub type Emitter = Arc<dyn Fn(&SyncEventPayload) + Send + Sync>;

struct RunningWorker {
    stop: watch::Sender<bool>,
    generation: u64,
}

#[derive(Default)]
struct Inner {
    /// The logged-in account's session (its token shared with the worker).
    session: Option<Session>,
    /// Meaningful while an account is set.
    online: bool,
    worker: Option<RunningWorker>,
    generation: u64,
    last_error: Option<ApiError>,
    emitter: Option<Emitter>,
}

impl Inner {
    fn state(&self) -> OnlineState {
        match (&self.session, self.online && self.worker.is_some()) {
            (None, _) => OnlineState::SignedOut,
            (Some(_), true) => OnlineState::Online,
            (Some(_), false) => OnlineState::Offline,
        }
    }
}

/// Account, worker and tokens of the running app.
#[derive(Clone)]
pub struct SyncService {
    store: Store,
    creds: Arc<dyn CredentialStore>,
    default_server: String,
    config: SyncConfig,
    inner: Arc<Mutex<Inner>>,
}

impl SyncService {
    pub fn new(store: Store, creds: Arc<dyn CredentialStore>, default_server: String) -> Self {
        SyncService {
            store,
            creds,
            default_server: default_server.trim_end_matches('/').to_owned(),
            // A desktop waits for a clerk's receipts: poll a little more often
            // than the library default.
            config: SyncConfig {
                receipt_poll: Duration::from_secs(2),
                ..SyncConfig::default()
            },
            inner: Arc::new(Mutex::new(Inner::default())),
        }
    }

    /// Credentials and default server from the environment: the OS keyring
    /// unless `PORTDESK_CREDENTIALS=memory`; `PORTDESK_SERVER_URL` or the
    /// local mock.
    pub fn from_env(store: Store) -> Self {
        let creds: Arc<dyn CredentialStore> = match std::env::var(CREDENTIALS_ENV).ok().as_deref() {
            Some("memory") => Arc::new(MemoryStore::new()),
            _ => Arc::new(KeyringStore),
        };
        let server = std::env::var(SERVER_URL_ENV)
            .ok()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_SERVER_URL.to_owned());
        Self::new(store, creds, server)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().expect("sync state poisoned")
    }

    /// Installs where events go (the shell, once the app exists).
    pub fn set_emitter(&self, emitter: Emitter) {
        self.lock().emitter = Some(emitter);
    }

    fn emit(&self, payload: SyncEventPayload) {
        let emitter = self.lock().emitter.clone();
        if let Some(emit) = emitter {
            emit(&payload);
        }
    }

    fn emit_state(&self) {
        let state = self.lock().state();
        self.emit(SyncEventPayload::State { state });
    }

    /// The server URL the login screen offers.
    pub fn default_server(&self) -> &str {
        &self.default_server
    }

    /// The logged-in account, if any.
    pub fn account(&self) -> Option<Account> {
        self.lock().session.as_ref().map(|s| s.account().clone())
    }

    /// The logged-in account's session: requests outside the outbox go
    /// through [`Session::authorized`], which logs in again once when the
    /// server refuses the token. `not_logged_in` when signed out.
    pub fn session(&self) -> Result<Session, SyncError> {
        self.lock()
            .session
            .clone()
            .ok_or_else(|| SyncError::NotLoggedIn("no account".to_owned()))
    }

    /// A session of `account` over this service's store and credentials,
    /// not signed in here (the CLI's `sync`, which names its account).
    pub fn session_for(&self, account: Account) -> Session {
        Session::new(
            self.store.clone(),
            account,
            self.creds.clone(),
            REQUEST_TIMEOUT,
        )
    }

    pub fn credentials(&self) -> Arc<dyn CredentialStore> {
        self.creds.clone()
    }

    /// A client of the current account's server (the default server when
    /// signed out).
    pub fn client(&self) -> Client {
        match self.lock().session.as_ref() {
            Some(s) => s.client().clone(),
            None => Client::new(&self.default_server, REQUEST_TIMEOUT),
        }
    }

    pub fn online_state(&self) -> OnlineState {
        self.lock().state()
    }

    /// The error that last stopped the worker or the start-up, if any.
    pub fn last_error(&self) -> Option<ApiError> {
        self.lock().last_error.clone()
    }

    /// `no_server` when the signed-in account files through the exchange
    /// folders only and `what` (zh, en) needs a server. Signed out is fine:
    /// what is filed waits in the outbox for an account.
    pub fn require_server(&self, what_zh: &str, what_en: &str) -> Result<(), SyncError> {
        match self.account() {
            Some(a) if !a.has_server() => Err(SyncError::no_server(what_zh, what_en)),
            _ => Ok(()),
        }
    }

    /// A bearer token of the logged-in account (see [`Session::token`]).
    pub async fn token(&self) -> Result<Secret, SyncError> {
        self.session()?.token().await
    }

    /// Drops the current token (memory and keyring) after the server
    /// refused it; the next [`SyncService::token`] logs in again.
    pub fn forget_token(&self) {
        if let Ok(session) = self.session() {
            session.forget_token();
        }
    }

    /// Wakes the worker (after filing) so it does not wait for its next turn.
    pub fn kick(&self) {
        let restart = {
            let inner = self.lock();
            if let Some(w) = &inner.worker {
                // `send` notifies even when the value is unchanged: the worker's
                // sleep ends, it sees `false` and takes a turn.
                let _ = w.stop.send(false);
                None
            } else if inner
                .last_error
                .as_ref()
                .is_some_and(|e| e.code == "worker_busy")
            {
                // Another worker held the database; it may be done by now.
                inner.session.clone()
            } else {
                None
            }
        };
        if let Some(session) = restart {
            self.start_worker(session);
        }
    }

    /// The signed-in account's exchange-folder settings (`None`: it files
    /// over HTTP).
    pub async fn exchange_settings(&self) -> Result<Option<ExchangeSettings>, SyncError> {
        let session = self.session()?;
        portdesk_sync::exchange::settings(&self.store, session.account()).await
    }

    /// Files the signed-in account's declarations through the exchange
    /// folders of `settings` (or over HTTP again, with `None`). The root
    /// must hold the client's `Dec` folders. A running worker starts again
    /// on the new transport.
    pub async fn set_exchange_settings(
        &self,
        settings: Option<ExchangeSettings>,
    ) -> Result<(), SyncError> {
        let session = self.session()?;
        match &settings {
            Some(s) => s.check_root()?,
            None if !session.account().has_server() => {
                return Err(SyncError::NoServer(
                    "此账户没有服务器，只能通过交换目录申报；请退出后改用服务器登录 / \
                     this account has no server and files only through the exchange \
                     folders; sign out and log in to a server instead"
                        .to_owned(),
                ))
            }
            None => {}
        }
        portdesk_sync::exchange::set_settings(&self.store, session.account(), settings.as_ref())
            .await?;
        let running = self.lock().worker.is_some();
        if running {
            self.start_worker(session);
        }
        Ok(())
    }

    /// The clerk sends failed outbox entry `outbox_seq` again (a file the
    /// client left untaken, a busy answer); wakes the worker. False when
    /// the entry is not failed.
    pub async fn retry_entry(&self, outbox_seq: i64) -> Result<bool, SyncError> {
        let retried = self.store.retry_failed_entry(outbox_seq).await?;
        if retried {
            self.kick();
        }
        Ok(retried)
    }

    /// At start-up: the remembered account, and its worker when its secrets
    /// are readable. A locked or missing keyring leaves the account signed
    /// in but offline, with `keyring_unavailable` as the last error.
    pub async fn restore(&self) {
        let account = match remembered_account(&self.store).await {
            Ok(Some(a)) => a,
            Ok(None) => return,
            Err(e) => {
                self.lock().last_error = Some(e.into());
                return;
            }
        };
        let session = self.session_for(account.clone());
        self.lock().session = Some(session.clone());
        if !account.has_server() {
            // Exchange-only: no secret to read; the folders are the server.
            self.start_worker(session);
            return;
        }
        match self.creds.get(&account, SecretKind::Password) {
            Ok(Some(_)) => self.start_worker(session),
            Ok(None) => {
                self.lock().last_error = Some(SyncError::NotLoggedIn(account.key()).into());
            }
            Err(e) => {
                tracing::warn!(code = e.code(), "cannot read the stored password");
                self.lock().last_error = Some(e.into());
            }
        }
    }

    /// Logs in, keeps the password and token in the keyring only, remembers
    /// the account (no secret) in the database and starts the worker.
    pub async fn login(&self, account: Account, password: Secret) -> Result<(), SyncError> {
        let session = self.sign_in(account, password).await?;
        self.start_worker(session);
        Ok(())
    }

    /// [`SyncService::login`] without starting the worker (the CLI, which
    /// syncs only when asked): the same login, keyring and remembered
    /// account. Returns the session.
    pub async fn sign_in(&self, account: Account, password: Secret) -> Result<Session, SyncError> {
        let session = self.session_for(account.clone());
        let token =
            portdesk_sync::login(session.client(), &self.store, &account, &password).await?;
        // Another account may be running: stop it first.
        self.stop_worker();
        self.creds.set(&account, SecretKind::Password, &password)?;
        self.creds.set(&account, SecretKind::Token, &token)?;
        session.keep_token(token);
        remember_account(&self.store, Some(&account)).await?;
        {
            let mut inner = self.lock();
            inner.session = Some(session.clone());
            inner.last_error = None;
        }
        Ok(session)
    }

    /// Sets up an exchange-only account (customs code, operator, the
    /// folders of `settings`) and starts its worker: no password, no
    /// token, nothing in the keyring. See [`SyncService::sign_in_exchange`].
    pub async fn start_exchange_account(
        &self,
        customs_code: &str,
        operator: &str,
        settings: ExchangeSettings,
    ) -> Result<(), SyncError> {
        let session = self
            .sign_in_exchange(customs_code, operator, settings)
            .await?;
        self.start_worker(session);
        Ok(())
    }

    /// [`SyncService::start_exchange_account`] without starting the worker
    /// (the CLI): checks the root holds the client's `Dec` folders, stores
    /// the settings, remembers the account and signs it in here. Returns
    /// the session.
    pub async fn sign_in_exchange(
        &self,
        customs_code: &str,
        operator: &str,
        settings: ExchangeSettings,
    ) -> Result<Session, SyncError> {
        let account = Account::exchange_only(customs_code.trim(), operator.trim());
        settings.check_root()?;
        portdesk_sync::exchange::set_settings(&self.store, &account, Some(&settings)).await?;
        // Another account may be running: stop it first.
        self.stop_worker();
        remember_account(&self.store, Some(&account)).await?;
        let session = self.session_for(account);
        {
            let mut inner = self.lock();
            inner.session = Some(session.clone());
            inner.last_error = None;
        }
        Ok(session)
    }

    /// Stops the worker and deletes the secrets. When the keyring refuses,
    /// the account stays so the clerk can try again: a secret is never left
    /// behind silently.
    pub async fn logout(&self) -> Result<(), SyncError> {
        self.stop_worker();
        self.sign_out().await?;
        self.emit_state();
        Ok(())
    }

    /// Deletes the secrets of the signed-in account (or of the one the
    /// database remembers, when this process never restored it) and
    /// forgets it; returns it (`None`: nobody was signed in).
    pub async fn sign_out(&self) -> Result<Option<Account>, SyncError> {
        let account = match self.account() {
            Some(a) => a,
            None => match remembered_account(&self.store).await? {
                Some(a) => a,
                None => return Ok(None),
            },
        };
        if account.has_server() {
            // An exchange-only account has no secret (and no keyring use).
            self.creds.delete(&account, SecretKind::Password)?;
            self.creds.delete(&account, SecretKind::Token)?;
        }
        remember_account(&self.store, None).await?;
        {
            let mut inner = self.lock();
            inner.session = None;
            inner.last_error = None;
        }
        Ok(Some(account))
    }

    fn stop_worker(&self) {
        let running = self.lock().worker.take();
        if let Some(w) = running {
            let _ = w.stop.send(true);
        }
    }

    /// Starts the background worker of `session`'s account (stopping any
    /// other); it shares the session's token.
    fn start_worker(&self, session: Session) {
        self.stop_worker();
        let (tx, rx) = watch::channel(false);
        let generation = {
            let mut inner = self.lock();
            inner.generation += 1;
            inner.online = true;
            inner.last_error = None;
            inner.worker = Some(RunningWorker {
                stop: tx,
                generation: inner.generation,
            });
            inner.generation
        };
        let sink_service = self.clone();
        let sink = Arc::new(move |e: &SyncEvent| {
            {
                let mut inner = sink_service.lock();
                if inner.generation != generation {
                    return;
                }
                match e {
                    SyncEvent::Online => {
                        inner.online = true;
                        if inner
                            .last_error
                            .as_ref()
                            .is_some_and(|e| e.code == WORKER_RESTARTING)
                        {
                            inner.last_error = None;
                        }
                    }
                    SyncEvent::Offline { .. } => inner.online = false,
                    SyncEvent::Restarting { reason, .. } => {
                        // What the status shows until a server answers again.
                        inner.online = false;
                        inner.last_error = Some(ApiError::new(WORKER_RESTARTING, reason.clone()));
                    }
                    _ => {}
                }
            }
            sink_service.emit(SyncEventPayload::from_event(e));
            if matches!(e, SyncEvent::Restarting { .. }) {
                sink_service.emit_state();
            }
        });
        let config = self.config.clone();
        let service = self.clone();
        self.emit_state();
        tokio::spawn(async move {
            // The folders or the server, as the account is configured.
            let result = match portdesk_sync::exchange::account_transport(&session).await {
                Ok(transport) => {
                    Supervisor::with_transport(session, transport, config, sink)
                        .run(rx)
                        .await
                }
                Err(e) => Err(e),
            };
            let error = {
                let mut inner = service.lock();
                let current = inner
                    .worker
                    .as_ref()
                    .is_some_and(|w| w.generation == generation);
                match result {
                    Ok(()) => None,
                    Err(e) => {
                        tracing::warn!(code = e.code(), error = %e, "sync worker stopped");
                        let error = ApiError::from(e);
                        if current {
                            inner.worker = None;
                            inner.last_error = Some(error.clone());
                        }
                        current.then_some(error)
                    }
                }
            };
            if let Some(error) = error {
                service.emit(SyncEventPayload::Stopped { error });
                service.emit_state();
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A keyring that is there but locked: every call fails.
    struct LockedKeyring;

    impl CredentialStore for LockedKeyring {
        fn get(&self, _: &Account, _: SecretKind) -> Result<Option<Secret>, SyncError> {
            Err(SyncError::KeyringUnavailable("collection is locked".into()))
        }
        fn set(&self, _: &Account, _: SecretKind, _: &Secret) -> Result<(), SyncError> {
            Err(SyncError::KeyringUnavailable("collection is locked".into()))
        }
        fn delete(&self, _: &Account, _: SecretKind) -> Result<(), SyncError> {
            Err(SyncError::KeyringUnavailable("collection is locked".into()))
        }
    }

    async fn store(dir: &tempfile::TempDir) -> Store {
        Store::open(&dir.path().join("portdesk.db")).await.unwrap()
    }

    #[tokio::test]
    async fn a_locked_keyring_at_start_up_leaves_the_account_offline_with_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let account = Account::new("http://127.0.0.1:1", "2102980567", "op01");
        remember_account(&store, Some(&account)).await.unwrap();
        let service = SyncService::new(store, Arc::new(LockedKeyring), DEFAULT_SERVER_URL.into());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        service.set_emitter(Arc::new(move |p| sink.lock().unwrap().push(p.clone())));

        service.restore().await;
        assert_eq!(service.account(), Some(account));
        assert_eq!(service.online_state(), OnlineState::Offline);
        assert_eq!(
            service.last_error().map(|e| e.code),
            Some("keyring_unavailable".to_owned())
        );
        // Other features asking for a token get the same clear error.
        let err = service.token().await.unwrap_err();
        assert_eq!(err.code(), "keyring_unavailable");
        // Logging out cannot delete the secrets: it says so and keeps the
        // account, so no secret is left behind silently.
        assert_eq!(
            service.logout().await.unwrap_err().code(),
            "keyring_unavailable"
        );
        assert!(service.account().is_some());
        // No worker ran, so nothing was emitted; kick is harmless.
        service.kick();
        assert!(seen.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn an_exchange_only_account_is_set_up_restored_and_signed_out_without_the_keyring() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let root = dir.path().join("exchange");
        for d in ["OutBox", "SentBox", "FailBox", "InBox"] {
            std::fs::create_dir_all(root.join("Dec").join(d)).unwrap();
        }
        // Every keyring call fails: any use would show as an error here.
        let service = SyncService::new(
            store.clone(),
            Arc::new(LockedKeyring),
            DEFAULT_SERVER_URL.into(),
        );
        let wrong = ExchangeSettings::new(dir.path().join("not-the-client"));
        let e = service
            .sign_in_exchange("2102980567", "op01", wrong)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "not_exchange_root");
        assert_eq!(service.account(), None);

        service
            .sign_in_exchange(" 2102980567", "op01 ", ExchangeSettings::new(root.clone()))
            .await
            .unwrap();
        let account = Account::exchange_only("2102980567", "op01");
        assert_eq!(service.account(), Some(account.clone()));
        assert_eq!(
            remembered_account(&store).await.unwrap(),
            Some(account.clone())
        );
        assert!(AccountView::from(&account).exchange_only);
        assert_eq!(
            service.exchange_settings().await.unwrap().map(|s| s.root),
            Some(root)
        );
        // What needs a server says so, before any network or keyring.
        let no_server = |e: SyncError| e.code();
        assert_eq!(
            service
                .require_server("缴纳税费", "paying duties")
                .map_err(no_server),
            Err("no_server")
        );
        assert_eq!(service.token().await.map_err(no_server), Err("no_server"));
        assert_eq!(
            service.set_exchange_settings(None).await.map_err(no_server),
            Err("no_server")
        );

        // The next start restores it and starts its worker, no keyring asked.
        let again = SyncService::new(
            store.clone(),
            Arc::new(LockedKeyring),
            DEFAULT_SERVER_URL.into(),
        );
        again.restore().await;
        assert_eq!(again.account(), Some(account));
        assert_eq!(again.last_error(), None);
        assert_eq!(again.online_state(), OnlineState::Online);
        again.logout().await.unwrap();
        assert_eq!(again.account(), None);
        assert_eq!(remembered_account(&store).await.unwrap(), None);
    }

    #[tokio::test]
    async fn signed_out_service_has_no_token_and_uses_the_default_server() {
        let dir = tempfile::tempdir().unwrap();
        let service = SyncService::new(
            store(&dir).await,
            Arc::new(MemoryStore::new()),
            "http://example.test:9/".into(),
        );
        service.restore().await;
        assert_eq!(service.online_state(), OnlineState::SignedOut);
        assert_eq!(service.client().base(), "http://example.test:9");
        assert_eq!(service.token().await.unwrap_err().code(), "not_logged_in");
        service.logout().await.unwrap();
    }

    #[test]
    fn worker_events_become_payloads_the_ui_reads() {
        let id = uuid::Uuid::now_v7();
        let p = SyncEventPayload::from_event(&SyncEvent::Entry {
            outbox_seq: 7,
            draft_id: id,
            client_seq_no: "PD1".into(),
            state: EntryState::RetryWait,
            attempts: 2,
            next_attempt_at: None,
            error: Some("rate_limited".into()),
        });
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["kind"], "entry");
        assert_eq!(json["state"], "retry_wait");
        assert_eq!(json["draft_id"], id.to_string());
        let off = serde_json::to_value(SyncEventPayload::from_event(&SyncEvent::Offline {
            reason: "refused".into(),
        }))
        .unwrap();
        assert_eq!(
            off,
            serde_json::json!({"kind": "state", "state": "offline"})
        );
    }
}
