//! One account's standing with the Single Window (会话): its HTTP client,
//! its bearer token, and the one rule for a refused token.
//!
//! The token comes from memory, else the OS keyring, else a fresh login
//! with the password stored there. A request refused with 401
//! (`not_logged_in`) forgets the token (memory and keyring), logs in again
//! once and is sent once more ([`Session::authorized`]); a server that does
//! not answer is `offline`. The worker, certificates, reference data and
//! duty payment all go through a `Session`, and clones share one token, so
//! the app's features and its worker log in again once, not each on its own.
//!
//! An exchange-only account (no server, [`Account::has_server`]) has no
//! token: the session never touches the keyring for it, and a request that
//! needs one is refused with `no_server` before any network call.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use portdesk_store::Store;

use crate::client::{self, Client, TransportError};
use crate::credentials::{Account, CredentialStore, SecretKind};
use crate::secret::Secret;
use crate::SyncError;

/// See the module docs. Cheap to clone; clones share the token.
#[derive(Clone)]
pub struct Session {
    client: Client,
    store: Store,
    account: Account,
    creds: Arc<dyn CredentialStore>,
    token: Arc<Mutex<Option<Secret>>>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("account", &self.account.key())
            .finish_non_exhaustive()
    }
}

impl Session {
    /// A session of `account`; requests time out after `timeout`.
    pub fn new(
        store: Store,
        account: Account,
        creds: Arc<dyn CredentialStore>,
        timeout: Duration,
    ) -> Self {
        Session {
            client: Client::new(&account.server, timeout),
            store,
            account,
            creds,
            token: Arc::new(Mutex::new(None)),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn account(&self) -> &Account {
        &self.account
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn credentials(&self) -> &Arc<dyn CredentialStore> {
        &self.creds
    }

    fn cell(&self) -> std::sync::MutexGuard<'_, Option<Secret>> {
        self.token.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `no_server` for an exchange-only account: nothing to log in to.
    fn need_server(&self) -> Result<(), SyncError> {
        if self.account.has_server() {
            return Ok(());
        }
        Err(SyncError::no_server(
            "登录或访问服务器",
            "logging in or reaching the Single Window's server",
        ))
    }

    /// The token in memory, else the keyring's; no network. `None` for an
    /// exchange-only account, without asking the keyring.
    pub fn stored_token(&self) -> Result<Option<Secret>, SyncError> {
        if !self.account.has_server() {
            return Ok(None);
        }
        if let Some(t) = self.cell().clone() {
            return Ok(Some(t));
        }
        let stored = self.creds.get(&self.account, SecretKind::Token)?;
        if let Some(t) = &stored {
            *self.cell() = Some(t.clone());
        }
        Ok(stored)
    }

    /// A token to send: [`Session::stored_token`], else a fresh login with
    /// the stored password (`not_logged_in` when there is none).
    pub async fn token(&self) -> Result<Secret, SyncError> {
        self.need_server()?;
        match self.stored_token()? {
            Some(t) => Ok(t),
            None => self.log_in_again().await,
        }
    }

    /// Logs in now with the stored password and keeps the token (memory and
    /// keyring; a keyring that will not take it leaves it in memory).
    pub async fn log_in_again(&self) -> Result<Secret, SyncError> {
        self.need_server()?;
        let password = self
            .creds
            .get(&self.account, SecretKind::Password)?
            .ok_or_else(|| SyncError::NotLoggedIn(self.account.key()))?;
        let token = login(&self.client, &self.store, &self.account, &password).await?;
        self.keep_token(token.clone());
        Ok(token)
    }

    /// Keeps a token obtained by an explicit login.
    pub fn keep_token(&self, token: Secret) {
        if let Err(e) = self.creds.set(&self.account, SecretKind::Token, &token) {
            tracing::warn!(code = e.code(), "could not keep the token in the keyring");
        }
        *self.cell() = Some(token);
    }

    /// Drops the token (memory and keyring) after the server refused it;
    /// the next [`Session::token`] logs in again.
    pub fn forget_token(&self) {
        *self.cell() = None;
        if !self.account.has_server() {
            return;
        }
        self.creds.delete(&self.account, SecretKind::Token).ok();
    }

    /// Runs `request` with a token. If the server refused it
    /// (`not_logged_in`), the token is forgotten and `request` runs once
    /// more after a fresh login; any other outcome is returned as it is.
    pub async fn authorized<T, F, Fut>(&self, request: F) -> Result<T, SyncError>
    where
        F: Fn(Secret) -> Fut,
        Fut: Future<Output = Result<T, SyncError>>,
    {
        let token = self.token().await?;
        match request(token).await {
            Err(SyncError::NotLoggedIn(reason)) => {
                tracing::info!(%reason, "token refused; logging in again");
                self.forget_token();
                let token = self.log_in_again().await?;
                request(token).await
            }
            other => other,
        }
    }
}

/// Logs in and returns the token; the request and (redacted) answer go to
/// the message log. `login_failed` when the server refuses the password.
pub async fn login(
    client: &Client,
    store: &Store,
    account: &Account,
    password: &Secret,
) -> Result<Secret, SyncError> {
    // Before the password leaves: never to a server in the clear.
    if let Some(reason) = client::insecure_server(client.base()) {
        return Err(SyncError::InsecureServer(reason));
    }
    let (result, log) = client.login(account, password).await;
    store.append_log(&log).await?;
    let answer = match result {
        Ok(a) => a,
        Err(TransportError::Offline(m)) | Err(TransportError::Dropped(m)) => {
            return Err(SyncError::Offline(m))
        }
    };
    if answer.status == 200 {
        let t = client::parse_token(&answer).map_err(SyncError::Protocol)?;
        tracing::info!(operator = %t.operator, enterprise = %t.enterprise.customs_code, "logged in");
        return Ok(Secret::new(t.token));
    }
    if client::is_bad_credentials(&answer) {
        return Err(SyncError::LoginFailed(format!(
            "HTTP {} for {}",
            answer.status,
            account.key()
        )));
    }
    Err(SyncError::Protocol(format!(
        "login answered HTTP {}",
        answer.status
    )))
}
