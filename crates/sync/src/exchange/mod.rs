//! The Single Window client's exchange folders (报文交换目录) as a second
//! transport: declaration filings travel as declaration messages, and
//! amendments (修撤单) as modification messages, through `Dec/OutBox` and
//! come back as import responses and receipts in `Dec/InBox`, through the
//! same outbox entries and state machine as HTTP. Everything else an
//! account does (login, certificates of origin, guarantees, reference
//! data) stays on the HTTP server beside it.
//!
//! - `folders.rs`: the folders, atomic writes, moves into the archive;
//! - `deliver.rs`: one look at where an entry's file is, and what that says;
//! - `amend.rs`: an amendment's modification message, from the store;
//! - `inbox.rs`: receipts archived under a counter, pages after a cursor.
//!
//! The answers have the HTTP shape the worker already classifies: `201`
//! imported, `102` waiting for the client (not a failure: the backoff does
//! not grow), `422` refused, stuck or not imported; a folder that is not
//! there is the server being away. Docs: `docs/formats/decmessage.md`
//! ("Exchange folders") and `docs/sync.md`.

mod amend;
mod deliver;
mod folders;
mod inbox;

pub use deliver::{
    IMPORT_FAILED, QUEUED, REFUSED, STUCK, TAKEN, TAKEN_PATIENCE, UNWRITABLE, WAITING,
};
pub use folders::{Archive, Folders, OWN_DIR};
pub use inbox::RECEIPT_ID_BASE;
/// The message's declarant fields, part of the settings.
pub use portdesk_message::Declarant;

use std::fs::{File, OpenOptions};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use portdesk_api::ReceiptPage;
use portdesk_store::{DocumentKind, LogDirection, LogEntry, OutboxEntry, Store};
use serde::{Deserialize, Serialize};

use crate::client::{Answer, Client, TransportError};
use crate::credentials::Account;
use crate::secret::Secret;
use crate::session::Session;
use crate::transport::{Call, Reply, Transport};
use crate::SyncError;

/// How an account reaches the exchange folders (`sync_state`, per account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeSettings {
    /// The client's exchange root: the folder holding `Dec`.
    pub root: PathBuf,
    /// What the message needs that a declaration does not hold; an empty
    /// `cop_code` is the account's customs code.
    #[serde(default)]
    pub declarant: Declarant,
    /// A file the client has not acted on for this long is stuck.
    #[serde(default = "default_stuck_after_secs")]
    pub stuck_after_secs: u64,
    /// How often a waiting entry looks at its file again.
    #[serde(default = "default_poll_ms")]
    pub poll_ms: u64,
    /// Our files the client may have to act on at once (OutBox not yet
    /// stuck + SentBox); more wait in our outbox.
    #[serde(default = "default_max_in_flight")]
    pub max_in_flight: usize,
}

fn default_max_in_flight() -> usize {
    32
}

fn default_stuck_after_secs() -> u64 {
    15 * 60
}

fn default_poll_ms() -> u64 {
    2_000
}

impl ExchangeSettings {
    pub fn new(root: PathBuf) -> Self {
        ExchangeSettings {
            root,
            declarant: Declarant::default(),
            stuck_after_secs: default_stuck_after_secs(),
            poll_ms: default_poll_ms(),
            max_in_flight: default_max_in_flight(),
        }
    }

    /// Whether `root` is the client's exchange root (it holds `Dec/OutBox`
    /// and `Dec/InBox`); the error says so in Chinese and English.
    pub fn check_root(&self) -> Result<(), SyncError> {
        let dirs = portdesk_message::exchange::ExchangeDirs::new(self.root.clone());
        if dirs.out_box().is_dir() && dirs.in_box().is_dir() {
            return Ok(());
        }
        let root = self.root.display();
        Err(SyncError::NotExchangeRoot(format!(
            "{root} 下没有 Dec/OutBox 与 Dec/InBox，不是单一窗口客户端的交换目录 / \
             {root} has no Dec/OutBox and Dec/InBox: not the Single Window client's exchange root"
        )))
    }

    pub fn stuck_after(&self) -> Duration {
        Duration::from_secs(self.stuck_after_secs.max(1))
    }

    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight.clamp(1, 10_000)
    }

    pub fn poll(&self) -> Duration {
        Duration::from_millis(self.poll_ms.clamp(20, 60_000))
    }
}

fn settings_key(account: &Account) -> String {
    format!("exchange|{}", account.key())
}

/// The account's exchange settings, if it files through the folders.
pub async fn settings(
    store: &Store,
    account: &Account,
) -> Result<Option<ExchangeSettings>, SyncError> {
    let Some(text) = store.sync_value(&settings_key(account)).await? else {
        return Ok(None);
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| SyncError::Protocol(format!("stored exchange settings: {e}")))
}

/// Sets (or, with `None`, clears) the account's exchange settings. The
/// worker picks them up when it starts.
pub async fn set_settings(
    store: &Store,
    account: &Account,
    settings: Option<&ExchangeSettings>,
) -> Result<(), SyncError> {
    let text = settings
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| SyncError::Protocol(e.to_string()))?;
    store
        .set_sync_value(&settings_key(account), text.as_deref())
        .await?;
    Ok(())
}

/// The transport `session`'s account is configured with: the exchange
/// folders beside the HTTP server when it has exchange settings, else the
/// HTTP server alone; an account without a server has the folders alone
/// (`no_server` when it has none configured). The one place the choice is
/// made (app and CLI).
pub async fn account_transport(session: &Session) -> Result<Arc<dyn Transport>, SyncError> {
    let account = session.account();
    let http = account.has_server().then(|| session.client().clone());
    Ok(match (settings(session.store(), account).await?, http) {
        (Some(s), http) => Arc::new(
            ExchangeTransport::new(s, &account.customs_code, http)
                .with_store(session.store().clone()),
        ),
        (None, Some(http)) => Arc::new(http),
        (None, None) => {
            return Err(SyncError::NoServer(
                "此账户既没有服务器也没有交换目录，无法申报 / \
                 this account has neither a server nor an exchange folder to file through"
                    .to_owned(),
            ))
        }
    })
}

/// See the module docs.
pub struct ExchangeTransport {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    folders: Folders,
    settings: ExchangeSettings,
    customs_code: String,
    http: Option<Client>,
    /// Where an amendment's declarations are read (`amend.rs`); without
    /// it amendments go to `http`.
    store: Option<Store>,
    /// The receipt archive's counter and hashes; also serialises scans.
    index: Mutex<Option<inbox::ArchiveIndex>>,
    /// Held while this process uses the root: one PortDesk per exchange
    /// root, or two would archive each other's answers.
    lock: Mutex<Option<File>>,
}

impl ExchangeTransport {
    /// Over the folders of `settings`; `http` carries what the folders
    /// do not (certificates, and amendments unless [`Self::with_store`]),
    /// and its receipts are merged in.
    pub fn new(settings: ExchangeSettings, customs_code: &str, http: Option<Client>) -> Self {
        ExchangeTransport {
            inner: Arc::new(Inner {
                folders: Folders::new(&settings.root),
                settings,
                customs_code: customs_code.to_owned(),
                http,
                store: None,
                index: Mutex::new(None),
                lock: Mutex::new(None),
            }),
        }
    }

    pub fn folders(&self) -> &Folders {
        &self.inner.folders
    }

    /// Amendments travel by folder too, their declarations read from
    /// `store` (the account's database). Call before the transport is shared.
    pub fn with_store(mut self, store: Store) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.store = Some(store);
        }
        self
    }

    /// The declarant fields of the messages: the settings', the account's
    /// customs code where they name no `cop_code`.
    fn declarant(&self) -> Declarant {
        let mut declarant = self.inner.settings.declarant.clone();
        if declarant.cop_code.trim().is_empty() {
            declarant.cop_code = self.inner.customs_code.clone();
        }
        declarant
    }
}

impl Inner {
    /// A folder gone (an unmounted share): let the lock go, so the next
    /// call checks the folders again before using them.
    fn release_if_away<T>(&self, result: &Result<T, TransportError>) {
        if matches!(result, Err(TransportError::Offline(_))) {
            *self.lock.lock().unwrap_or_else(|p| p.into_inner()) = None;
        }
    }

    /// Takes the root's lock once (released by the OS when the process
    /// ends, a SIGKILL included).
    fn lock_root(&self) -> Result<(), TransportError> {
        let mut held = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        if held.is_some() {
            return Ok(());
        }
        let away = |e: std::io::Error| {
            TransportError::Offline(format!(
                "exchange folder {}: {e}",
                self.folders.root().display()
            ))
        };
        self.folders.prepare().map_err(away)?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.folders.lock_path())
            .map_err(away)?;
        match file.try_lock() {
            Ok(()) => {
                *held = Some(file);
                Ok(())
            }
            Err(std::fs::TryLockError::WouldBlock) => Err(TransportError::Offline(format!(
                "exchange folder {} is in use by another PortDesk",
                self.folders.root().display()
            ))),
            Err(std::fs::TryLockError::Error(e)) => Err(away(e)),
        }
    }
}

/// `POST /v1/declarations`, `POST /v1/declarations/{seq_no}/complete` and,
/// with a store to read the declarations from, `POST
/// /v1/declarations/{seq_no}/amendments`: the filings that travel through
/// the folders.
fn travels_by_folder(entry: &OutboxEntry, has_store: bool) -> bool {
    entry.kind == DocumentKind::Declaration
        && entry.method == "POST"
        && (entry.path == DECLARATIONS_PATH
            || complete_of(&entry.path).is_some()
            || (has_store && amendment_of(&entry.path).is_some()))
}

const DECLARATIONS_PATH: &str = "/v1/declarations";

/// The summary's unified no. of a complete-declaration path.
fn complete_of(path: &str) -> Option<&str> {
    seq_no_before(path, "/complete")
}

/// The filing's unified no. of an amendment path.
fn amendment_of(path: &str) -> Option<&str> {
    seq_no_before(path, "/amendments")
}

fn seq_no_before<'a>(path: &'a str, suffix: &str) -> Option<&'a str> {
    let rest = path.strip_prefix(DECLARATIONS_PATH)?.strip_prefix('/')?;
    let seq_no = rest.strip_suffix(suffix)?;
    (!seq_no.is_empty() && !seq_no.contains('/')).then_some(seq_no)
}

/// The receipt cursor of both sides: `pdx1:<archive counter>:<HTTP cursor>`.
/// A cursor stored before the folders were configured is the HTTP one.
fn split_cursor(since: &str) -> (u64, &str) {
    since
        .strip_prefix("pdx1:")
        .and_then(|rest| rest.split_once(':'))
        .and_then(|(x, http)| Some((x.parse().ok()?, http)))
        .unwrap_or((0, since))
}

fn join_cursor(exchange: u64, http: &str) -> String {
    format!("pdx1:{exchange}:{http}")
}

fn line(
    method: &str,
    path: &str,
    outbox_seq: Option<i64>,
    answer: &Result<Answer, TransportError>,
) -> LogEntry {
    let (direction, status, body) = match answer {
        Ok(a) => (LogDirection::Response, Some(a.status), a.text()),
        Err(e) => (LogDirection::Error, None, e.message().to_owned()),
    };
    LogEntry {
        at: chrono::Utc::now(),
        direction,
        method: method.to_owned(),
        path: path.to_owned(),
        outbox_seq,
        idempotency_key: None,
        status,
        retry_after_ms: answer
            .as_ref()
            .ok()
            .and_then(|a| a.retry_after)
            .map(|d| d.as_millis() as i64),
        body,
        truncated: None,
    }
}

/// `what` in Chinese and in English.
fn unsupported((zh, en): (&str, &str)) -> Answer {
    Answer {
        status: 501,
        retry_after: Some(Duration::from_secs(300)),
        etag: None,
        body: serde_json::to_vec(&portdesk_api::ErrorBody::new(
            "exchange_unsupported",
            format!("没有配置服务器，交换目录无法{zh} / {en} needs a server: the exchange folders cannot carry it"),
        ))
        .unwrap_or_default(),
    }
}

impl Transport for ExchangeTransport {
    fn send_entry<'a>(
        &'a self,
        entry: &'a OutboxEntry,
        token: &'a Secret,
    ) -> Call<'a, Reply<LogEntry>> {
        Box::pin(async move {
            if !travels_by_folder(entry, self.inner.store.is_some()) {
                return match &self.inner.http {
                    Some(http) => http.send_entry(entry, token).await,
                    None => {
                        let answer = Ok(unsupported(("传送此项申报", "this filing")));
                        let l = line("HTTP", &entry.path, Some(entry.seq), &answer);
                        (answer, l)
                    }
                };
            }
            // The store is read before the file logic, which stays pure.
            let prepared = match (amendment_of(&entry.path), &self.inner.store) {
                (Some(seq_no), Some(store)) => {
                    amend::prepare(store, self.declarant(), entry, seq_no).await
                }
                _ => Ok(deliver::Outgoing::Declaration),
            };
            let inner = self.inner.clone();
            let owned = entry.clone();
            let result = match prepared {
                Ok(outgoing) => tokio::task::spawn_blocking(move || {
                    inner.lock_root()?;
                    let result = deliver::deliver(&inner, &owned, &outgoing);
                    inner.release_if_away(&result);
                    result
                })
                .await
                .unwrap_or_else(|e| Err(TransportError::Dropped(format!("exchange task: {e}")))),
                Err(e) => Err(e),
            };
            let (result, written) = match result {
                Ok((answer, written)) => (Ok(answer), written),
                Err(e) => (Err(e), None),
            };
            let name =
                portdesk_message::exchange::outgoing_file_name(&entry.client_seq_no, entry.seq);
            let path = self.inner.folders.dirs.out_box().join(name);
            let mut l = line(
                "FILE",
                &path.display().to_string(),
                Some(entry.seq),
                &result,
            );
            if let Some(message) = written {
                // What was handed to the client, exactly.
                l.direction = LogDirection::Request;
                l.method = "WRITE".to_owned();
                l.body = String::from_utf8_lossy(&message).into_owned();
            }
            (result, l)
        })
    }

    fn receipts<'a>(
        &'a self,
        token: &'a Secret,
        since: &'a str,
        limit: u32,
    ) -> Call<'a, Reply<Vec<LogEntry>>> {
        Box::pin(async move {
            let (x_since, http_since) = split_cursor(since);
            let inner = self.inner.clone();
            let limit_n = limit.clamp(1, 1000) as usize;
            let folder_page = tokio::task::spawn_blocking(move || {
                inner.lock_root()?;
                let mut index = inner.index.lock().unwrap_or_else(|p| p.into_inner());
                let away = |e: std::io::Error| {
                    TransportError::Offline(format!(
                        "exchange folder {}: {e}",
                        inner.folders.root().display()
                    ))
                };
                if index.is_none() {
                    *index = Some(inbox::ArchiveIndex::load(&inner.folders).map_err(away)?);
                }
                let idx = index.as_mut().expect("loaded above");
                let result = inbox::ingest(&inner.folders, idx)
                    .and_then(|_| inbox::page(&inner.folders, x_since, limit_n))
                    .map_err(away);
                drop(index);
                inner.release_if_away(&result);
                result
            })
            .await
            .unwrap_or_else(|e| Err(TransportError::Dropped(format!("exchange task: {e}"))));
            let in_box = self.inner.folders.dirs.in_box().display().to_string();
            let (mut receipts, x_next, mut has_more) = match folder_page {
                Ok(p) => p,
                Err(e) => {
                    let result = Err(e);
                    let l = line("SCAN", &in_box, None, &result);
                    return (result, vec![l]);
                }
            };
            let mut logs = Vec::new();
            let mut http_next = http_since.to_owned();
            if let Some(http) = &self.inner.http {
                let (result, http_logs) = http.receipts(token, http_since, limit).await;
                logs.extend(http_logs);
                let answer = match result {
                    Ok(a) if a.status == 200 => a,
                    // Not a page (401, 5xx, a captive portal): the worker
                    // decides on the HTTP answer as it would without folders.
                    other => return (other, logs),
                };
                match crate::client::parse_receipts(&answer) {
                    Ok(page) => {
                        receipts.extend(page.receipts);
                        http_next = page.next;
                        has_more |= page.has_more;
                    }
                    Err(_) => return (Ok(answer), logs),
                }
            }
            let page = ReceiptPage {
                receipts,
                next: join_cursor(x_next, &http_next),
                has_more,
            };
            let result = Ok(Answer {
                status: 200,
                retry_after: None,
                etag: None,
                body: serde_json::to_vec(&page).unwrap_or_default(),
            });
            logs.push(line("SCAN", &in_box, None, &result));
            (result, logs)
        })
    }

    fn get_filing<'a>(
        &'a self,
        token: &'a Secret,
        seq_no: &'a str,
    ) -> Call<'a, Reply<Vec<LogEntry>>> {
        Box::pin(async move {
            match &self.inner.http {
                Some(http) => http.get_filing(token, seq_no).await,
                None => {
                    let answer = Ok(unsupported(("回读申报数据", "reading a filing back")));
                    let l = line("HTTP", seq_no, None, &answer);
                    (answer, vec![l])
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_of_both_sides_round_trip_and_old_ones_are_http() {
        assert_eq!(split_cursor("17"), (0, "17"));
        assert_eq!(split_cursor("0"), (0, "0"));
        assert_eq!(split_cursor(&join_cursor(5, "17")), (5, "17"));
        assert_eq!(split_cursor(&join_cursor(5, "a:b")), (5, "a:b"));
        assert_eq!(split_cursor("pdx1:x:1"), (0, "pdx1:x:1"));
    }

    #[test]
    fn only_declaration_filings_and_completes_travel_by_folder() {
        assert_eq!(complete_of("/v1/declarations/S1/complete"), Some("S1"));
        assert_eq!(complete_of("/v1/declarations/S1/amendments"), None);
        assert_eq!(amendment_of("/v1/declarations/S1/amendments"), Some("S1"));
        assert_eq!(amendment_of("/v1/declarations/S1/complete"), None);
        assert_eq!(amendment_of("/v1/declarations/a/b/amendments"), None);
        assert_eq!(complete_of("/v1/declarations//complete"), None);
        assert_eq!(complete_of("/v1/declarations/a/b/complete"), None);
    }
}
