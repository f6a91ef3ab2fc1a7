//! Credentials: the operator's password and the current bearer token, per
//! account, in the OS keyring (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows) behind [`CredentialStore`].
//!
//! Nothing here touches the database: the account's non-secret identity
//! (server, customs code, operator) may be stored elsewhere, the secrets only
//! in the keyring. When the keyring cannot be reached (no Secret Service, a
//! locked collection) the error is `keyring_unavailable`: the caller reports
//! it and the rest of the app (drafts, filing into the outbox) keeps working
//! offline.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::secret::Secret;
use crate::SyncError;

/// Who talks to which server: server URL + enterprise customs code +
/// operator. Not secret.
///
/// An empty `server` is an exchange-only account (仅交换目录): it files
/// through the Single Window client's exchange folders and has no HTTP
/// server, so no password, token or keyring entry. Its key
/// `|customs_code|operator` cannot meet an HTTP account's, whose key starts
/// with the URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Account {
    /// Base URL, without a trailing slash, e.g. `http://127.0.0.1:8421`;
    /// empty for an exchange-only account.
    pub server: String,
    /// Enterprise customs code (海关编码), e.g. `2102961234`.
    pub customs_code: String,
    /// Operator id (操作员), e.g. `op01`.
    pub operator: String,
}

impl Account {
    pub fn new(server: &str, customs_code: &str, operator: &str) -> Self {
        Account {
            server: server.trim_end_matches('/').to_owned(),
            customs_code: customs_code.to_owned(),
            operator: operator.to_owned(),
        }
    }

    /// An account with no server that files through the exchange folders only.
    pub fn exchange_only(customs_code: &str, operator: &str) -> Self {
        Account::new("", customs_code, operator)
    }

    /// Whether the account has an HTTP server (else it is exchange-only).
    pub fn has_server(&self) -> bool {
        !self.server.trim().is_empty()
    }

    /// `server|customs_code|operator`: the keyring user name and the key of
    /// per-account state.
    pub fn key(&self) -> String {
        format!("{}|{}|{}", self.server, self.customs_code, self.operator)
    }

    /// `server|customs_code`: receipts belong to the enterprise, so its
    /// cursor is shared by its operators.
    pub fn enterprise_key(&self) -> String {
        format!("{}|{}", self.server, self.customs_code)
    }
}

/// Which secret of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretKind {
    Password,
    Token,
}

impl SecretKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SecretKind::Password => "password",
            SecretKind::Token => "token",
        }
    }
}

/// Where secrets live. Calls may block briefly (D-Bus round trips).
pub trait CredentialStore: Send + Sync {
    /// The secret, or `None` when none is stored.
    fn get(&self, account: &Account, kind: SecretKind) -> Result<Option<Secret>, SyncError>;
    fn set(&self, account: &Account, kind: SecretKind, secret: &Secret) -> Result<(), SyncError>;
    /// Removes the secret; removing a missing one is not an error.
    fn delete(&self, account: &Account, kind: SecretKind) -> Result<(), SyncError>;
}

/// The keyring service name every PortDesk entry is filed under.
pub const KEYRING_SERVICE: &str = "portdesk";

/// The OS keyring through the `keyring` crate.
#[derive(Debug, Default, Clone)]
pub struct KeyringStore;

impl KeyringStore {
    fn entry(account: &Account, kind: SecretKind) -> Result<keyring::Entry, SyncError> {
        let user = format!("{}:{}", kind.as_str(), account.key());
        keyring::Entry::new(KEYRING_SERVICE, &user).map_err(map_keyring)
    }
}

impl CredentialStore for KeyringStore {
    fn get(&self, account: &Account, kind: SecretKind) -> Result<Option<Secret>, SyncError> {
        match Self::entry(account, kind)?.get_password() {
            Ok(s) => Ok(Some(Secret::new(s))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring(e)),
        }
    }

    fn set(&self, account: &Account, kind: SecretKind, secret: &Secret) -> Result<(), SyncError> {
        Self::entry(account, kind)?
            .set_password(secret.expose())
            .map_err(map_keyring)
    }

    fn delete(&self, account: &Account, kind: SecretKind) -> Result<(), SyncError> {
        match Self::entry(account, kind)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring(e)),
        }
    }
}

/// Maps keyring errors to our codes. The messages are written here, never
/// taken from `BadEncoding`, whose payload is the secret's bytes.
fn map_keyring(e: keyring::Error) -> SyncError {
    match e {
        keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) => {
            SyncError::KeyringUnavailable(inner.to_string())
        }
        keyring::Error::BadEncoding(_) => {
            SyncError::Keyring("the stored secret is not valid UTF-8".to_owned())
        }
        keyring::Error::NoEntry => SyncError::Keyring("no such entry".to_owned()),
        other => SyncError::Keyring(other.to_string()),
    }
}

/// In-memory secrets: for unit tests, and for headless runs that must not
/// touch a keyring (`PORTDESK_CREDENTIALS=memory`). Lost when the process ends.
#[derive(Debug, Default)]
pub struct MemoryStore {
    secrets: Mutex<HashMap<(String, SecretKind), Secret>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }
}

impl CredentialStore for MemoryStore {
    fn get(&self, account: &Account, kind: SecretKind) -> Result<Option<Secret>, SyncError> {
        Ok(self
            .secrets
            .lock()
            .expect("credential map poisoned")
            .get(&(account.key(), kind))
            .cloned())
    }

    fn set(&self, account: &Account, kind: SecretKind, secret: &Secret) -> Result<(), SyncError> {
        self.secrets
            .lock()
            .expect("credential map poisoned")
            .insert((account.key(), kind), secret.clone());
        Ok(())
    }

    fn delete(&self, account: &Account, kind: SecretKind) -> Result<(), SyncError> {
        self.secrets
            .lock()
            .expect("credential map poisoned")
            .remove(&(account.key(), kind));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_round_trip_per_account_and_kind() {
        let store = MemoryStore::new();
        let a = Account::new("http://x/", "2102961234", "op01");
        let b = Account::new("http://x", "2102961234", "op02");
        assert_eq!(a.server, "http://x");
        store
            .set(&a, SecretKind::Password, &Secret::new("pw"))
            .unwrap();
        assert_eq!(
            store.get(&a, SecretKind::Password).unwrap(),
            Some(Secret::new("pw"))
        );
        assert_eq!(store.get(&a, SecretKind::Token).unwrap(), None);
        assert_eq!(store.get(&b, SecretKind::Password).unwrap(), None);
        store.delete(&a, SecretKind::Password).unwrap();
        store.delete(&a, SecretKind::Password).unwrap();
        assert_eq!(store.get(&a, SecretKind::Password).unwrap(), None);
    }

    #[test]
    fn exchange_only_accounts_have_no_server_and_their_own_keys() {
        let x = Account::exchange_only("2102961234", "op01");
        let h = Account::new("http://x", "2102961234", "op01");
        assert!(!x.has_server());
        assert!(h.has_server());
        assert_eq!(x.key(), "|2102961234|op01");
        assert_ne!(x.key(), h.key());
        assert_ne!(x.enterprise_key(), h.enterprise_key());
    }

    #[test]
    fn platform_failures_are_keyring_unavailable() {
        let e = map_keyring(keyring::Error::PlatformFailure("no dbus".into()));
        assert_eq!(e.code(), "keyring_unavailable");
        let e = map_keyring(keyring::Error::NoStorageAccess("locked".into()));
        assert_eq!(e.code(), "keyring_unavailable");
        let e = map_keyring(keyring::Error::BadEncoding(b"secret-bytes".to_vec()));
        assert!(!e.to_string().contains("secret-bytes"));
    }
}
