//! The sync crate's error type, with a stable code per kind (the UI
//! translates codes; never rename one).

use portdesk_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The OS keyring cannot be reached (no Secret Service, locked
    /// collection). Filing still works; syncing needs the password.
    #[error("the system keyring is unavailable: {0}")]
    KeyringUnavailable(String),
    /// The keyring answered with something unusable.
    #[error("keyring: {0}")]
    Keyring(String),
    /// No account, or no stored password for it: `portdesk login` first.
    #[error("not logged in: {0}")]
    NotLoggedIn(String),
    /// The server refused the stored credentials.
    #[error("login refused: {0}")]
    LoginFailed(String),
    /// The server setting is refused: plain http to another machine.
    #[error("{0}")]
    InsecureServer(String),
    /// The server could not be reached.
    #[error("server unreachable: {0}")]
    Offline(String),
    /// The server answered something this client does not understand.
    #[error("unexpected answer: {0}")]
    Protocol(String),
    /// Another worker (the app, or `portdesk sync`) is delivering from this
    /// database; only one may at a time. zh: 另一个投递进程（桌面程序或
    /// `portdesk sync`）正在使用此数据库，请待其结束后再试。
    #[error("another worker is delivering from this database: {0}")]
    WorkerBusy(String),
    /// The worker lease's lock file cannot be used (permissions, disk).
    #[error("worker lease: {0}")]
    Lease(String),
    /// The folder named as the exchange root is not the Single Window
    /// client's (no `Dec/OutBox`, `Dec/InBox`); or the settings are unreadable.
    #[error("{0}")]
    NotExchangeRoot(String),
    /// The account files through the exchange folders only and has no
    /// HTTP server for this (certificates, guarantees, reference data, duty
    /// payment, login). zh: 此账户仅通过单一窗口客户端交换目录申报，没有配置服务器。
    #[error("{0}")]
    NoServer(String),
    /// `run_until_idle` gave up.
    #[error("not idle after {0:?}")]
    Timeout(std::time::Duration),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Every code [`SyncError::code`] can give, besides the store's.
pub const ERROR_CODES: &[&str] = &[
    "keyring_unavailable",
    "keyring_error",
    "not_logged_in",
    "login_failed",
    "insecure_server",
    "offline",
    "protocol",
    "timeout",
    "worker_busy",
    "lease_error",
    "not_exchange_root",
    "no_server",
];

impl SyncError {
    /// `no_server` for `what` (e.g. "certificates of origin"), in Chinese
    /// and English.
    pub fn no_server(what_zh: &str, what_en: &str) -> Self {
        SyncError::NoServer(format!(
            "此账户仅通过交换目录申报，没有配置服务器，无法{what_zh} / \
             this account files through the exchange folders only: {what_en} needs a server"
        ))
    }

    pub fn code(&self) -> &'static str {
        match self {
            SyncError::KeyringUnavailable(_) => "keyring_unavailable",
            SyncError::Keyring(_) => "keyring_error",
            SyncError::NotLoggedIn(_) => "not_logged_in",
            SyncError::LoginFailed(_) => "login_failed",
            SyncError::InsecureServer(_) => "insecure_server",
            SyncError::Offline(_) => "offline",
            SyncError::Protocol(_) => "protocol",
            SyncError::Timeout(_) => "timeout",
            SyncError::WorkerBusy(_) => "worker_busy",
            SyncError::Lease(_) => "lease_error",
            SyncError::NotExchangeRoot(_) => "not_exchange_root",
            SyncError::NoServer(_) => "no_server",
            SyncError::Store(e) => e.code(),
        }
    }
}
