//! An account with no server (exchange-only, 仅交换目录) against the real
//! mock playing the Single Window client: filings reach done and their
//! final receipts through the folders alone, nothing logs in, the keyring
//! is never asked, an amendment goes by folder too, what the folders
//! cannot carry fails as
//! `exchange_unsupported`, a changed filing's read-back is skipped rather
//! than waited for, and folders that are not there are the server away.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use portdesk_api::{AmendmentReason, FieldChange};
use portdesk_domain::origin::{OriginApplication, OriginForm};
use portdesk_domain::CodeLists;
use portdesk_drafts::origin::OriginDrafts;
use portdesk_store::{EntryState, LogEntry, NewReceipt, OutboxEntry, Store};
use portdesk_sync::exchange::{self, ExchangeSettings};
use portdesk_sync::transport::{Call, Reply, Transport};
use portdesk_sync::{
    Account, CredentialStore, Secret, SecretKind, Session, SyncConfig, SyncError, Worker,
    FINAL_RECEIPT_CODES,
};

use crate::common::*;

/// A keyring that must never be used: every call is recorded and refused,
/// so a test can prove nothing asked it.
#[derive(Default)]
struct UntouchableKeyring {
    calls: Mutex<Vec<String>>,
}

impl UntouchableKeyring {
    fn refuse(&self, what: &str, account: &Account) -> SyncError {
        self.calls
            .lock()
            .unwrap()
            .push(format!("{what} {}", account.key()));
        SyncError::KeyringUnavailable("this test's keyring must not be used".into())
    }

    fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }
}

impl CredentialStore for UntouchableKeyring {
    fn get(&self, a: &Account, k: SecretKind) -> Result<Option<Secret>, SyncError> {
        Err(self.refuse(&format!("get {}", k.as_str()), a))
    }
    fn set(&self, a: &Account, k: SecretKind, _: &Secret) -> Result<(), SyncError> {
        Err(self.refuse(&format!("set {}", k.as_str()), a))
    }
    fn delete(&self, a: &Account, k: SecretKind) -> Result<(), SyncError> {
        Err(self.refuse(&format!("delete {}", k.as_str()), a))
    }
}

/// The account's transport, counting the read-backs asked of it.
struct CountingReadBacks {
    inner: Arc<dyn Transport>,
    get_filing: AtomicUsize,
}

impl Transport for CountingReadBacks {
    fn send_entry<'a>(
        &'a self,
        entry: &'a OutboxEntry,
        token: &'a Secret,
    ) -> Call<'a, Reply<LogEntry>> {
        self.inner.send_entry(entry, token)
    }

    fn receipts<'a>(
        &'a self,
        token: &'a Secret,
        since: &'a str,
        limit: u32,
    ) -> Call<'a, Reply<Vec<LogEntry>>> {
        self.inner.receipts(token, since, limit)
    }

    fn get_filing<'a>(
        &'a self,
        token: &'a Secret,
        seq_no: &'a str,
    ) -> Call<'a, Reply<Vec<LogEntry>>> {
        self.get_filing.fetch_add(1, Ordering::SeqCst);
        self.inner.get_filing(token, seq_no)
    }
}

fn config() -> SyncConfig {
    SyncConfig {
        receipt_poll: Duration::from_millis(100),
        backoff_min: Duration::from_millis(50),
        backoff_max: Duration::from_secs(1),
        ..SyncConfig::default()
    }
}

/// A certificate-of-origin application filed into the outbox: the folders
/// cannot carry it.
async fn file_origin_application(store: &Store) -> String {
    let origins = OriginDrafts::new(store.clone(), Arc::new(CodeLists::bundled()));
    let view = origins.create(OriginForm::E).await.unwrap();
    let text =
        std::fs::read_to_string(workspace().join("tests/fixtures/origin-e-valid.json")).unwrap();
    let app = OriginApplication {
        client_seq_no: view.application.client_seq_no.clone(),
        ..serde_json::from_str(&text).unwrap()
    };
    origins.save(view.meta.id, &app, "autosave").await.unwrap();
    origins.file(view.meta.id).await.unwrap();
    view.application.client_seq_no
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_without_a_server_files_through_the_folders_alone() {
    const N: usize = 6;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("exchange");
    let root_s = root.to_str().unwrap().to_owned();
    let mock = Mock::start(&[
        "--exchange-dir",
        &root_s,
        "--exchange-poll-ms",
        "20",
        "--review-pace-ms",
        "20",
    ]);
    let drafts = open_drafts(&dir.path().join("data")).await;
    let store = drafts.store().clone();
    let csns = create_and_file(&drafts, N).await;
    let origin_csn = file_origin_application(&store).await;

    let account = Account::exchange_only(BROKER, OPERATOR);
    let settings = ExchangeSettings {
        poll_ms: 50,
        ..ExchangeSettings::new(root.clone())
    };
    exchange::set_settings(&store, &account, Some(&settings))
        .await
        .unwrap();
    let keyring = Arc::new(UntouchableKeyring::default());
    let session = Session::new(
        store.clone(),
        account,
        keyring.clone(),
        Duration::from_secs(20),
    );
    let inner = exchange::account_transport(&session).await.unwrap();
    let transport = Arc::new(CountingReadBacks {
        inner,
        get_filing: AtomicUsize::new(0),
    });
    let mut worker = Worker::with_transport(session.clone(), transport.clone(), config());
    let summary = worker
        .run_until_idle(Duration::from_secs(60))
        .await
        .unwrap();

    // Every declaration done, with a final receipt from the folders.
    assert_eq!(summary.counts.done as usize, N, "{summary:?}");
    assert_eq!(summary.counts.failed, 1, "{summary:?}");
    assert_eq!(summary.awaiting_receipts, 0, "{summary:?}");
    for csn in &csns {
        let receipts = store.receipts_for(csn).await.unwrap();
        let last = receipts
            .last()
            .unwrap_or_else(|| panic!("{csn}: no receipt"));
        assert!(
            FINAL_RECEIPT_CODES.contains(&last.receipt.code.as_str()),
            "{csn}: {}",
            last.receipt.code
        );
    }
    // The application fails with the reason, not a network error.
    let entries = store.outbox_entries().await.unwrap();
    let origin = entries
        .iter()
        .find(|e| e.client_seq_no == origin_csn)
        .unwrap();
    assert_eq!(origin.state, EntryState::Failed);
    let failure: serde_json::Value =
        serde_json::from_str(origin.failure.as_deref().unwrap()).unwrap();
    assert_eq!(failure["code"], "exchange_unsupported", "{failure}");

    // Nothing logged in or went over HTTP: the mock saw only files, the
    // message log has no login, and the keyring was never asked.
    let requests = mock.requests();
    assert!(
        requests.iter().all(|r| r.method == "EXCHANGE"),
        "{:?}",
        requests
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect::<Vec<_>>()
    );
    assert_eq!(requests.len(), N);
    let logins: Vec<String> = store
        .message_log(None)
        .await
        .unwrap()
        .into_iter()
        .filter(|l| l.path.contains("/auth/") || l.path.contains("://"))
        .map(|l| format!("{} {}", l.method, l.path))
        .collect();
    assert!(logins.is_empty(), "{logins:?}");
    assert_eq!(keyring.calls(), Vec::<String>::new());
    assert_eq!(session.stored_token().unwrap(), None);
    assert_eq!(
        session.token().await.unwrap_err().code(),
        "no_server",
        "a request needing a token is refused before the network"
    );

    // An amendment travels by folder too, with no server.
    let amended = entries
        .iter()
        .find(|e| e.client_seq_no == csns[1])
        .unwrap()
        .document_id;
    drafts
        .amend(
            amended,
            AmendmentReason::DataEntryError,
            vec![FieldChange {
                field: "head.gross_weight".into(),
                value: "47900".into(),
            }],
            "毛重录错",
        )
        .await
        .unwrap();
    let mut worker = Worker::with_transport(session.clone(), transport.clone(), config());
    let summary = worker
        .run_until_idle(Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(summary.counts.pending(), 0, "{summary:?}");
    let amendments = drafts.amendments(amended).await.unwrap();
    assert_eq!(amendments.len(), 1);
    let failure = store
        .outbox_for_draft(amended)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|e| e.failure)
        .collect::<Vec<_>>();
    assert_eq!(
        amendments[0].state, "done",
        "{:?} {failure:?}",
        amendments[0]
    );
    let requests = mock.requests();
    assert_eq!(requests.len(), N + 1);
    assert!(requests.iter().all(|r| r.method == "EXCHANGE"));

    // Customs changed a filing (an `M` receipt): the folders cannot read
    // it back, so the check is kept, never asked for, and not waited for.
    let checks_before = store.conflict_checks().await.unwrap().len();
    let key = session.account().enterprise_key();
    let cursor = store.receipt_cursor(&key).await.unwrap();
    let done = entries.iter().find(|e| e.client_seq_no == csns[0]).unwrap();
    store
        .store_receipts(
            &key,
            &[NewReceipt {
                server_id: "7".into(),
                client_seq_no: csns[0].clone(),
                seq_no: done.seq_no.clone().unwrap(),
                entry_id: None,
                code: "M".into(),
                message_zh: "海关修改".into(),
                message_en: "changed by customs".into(),
                reasons: "[]".into(),
                issued_at: Utc::now(),
            }],
            &cursor,
        )
        .await
        .unwrap();
    let checks = checks_before + 1;
    assert_eq!(store.conflict_checks().await.unwrap().len(), checks);
    let mut worker = Worker::with_transport(session, transport.clone(), config());
    let summary = worker
        .run_until_idle(Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(summary.conflict_checks as usize, checks, "{summary:?}");
    assert_eq!(transport.get_filing.load(Ordering::SeqCst), 0);
    assert_eq!(keyring.calls(), Vec::<String>::new());
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_its_folders_the_account_is_offline_and_without_settings_no_server() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open_drafts(&dir.path().join("data")).await;
    let store = drafts.store().clone();
    let account = Account::exchange_only(BROKER, OPERATOR);
    let keyring = Arc::new(UntouchableKeyring::default());
    let session = Session::new(
        store.clone(),
        account.clone(),
        keyring.clone(),
        Duration::from_secs(5),
    );
    // No folders configured: there is nothing to file through.
    let e = exchange::account_transport(&session).await.err().unwrap();
    assert_eq!(e.code(), "no_server");

    // Folders configured but not there (an unmounted share): the worker
    // goes offline and the entries wait, none failed.
    let root = dir.path().join("not-mounted");
    exchange::set_settings(&store, &account, Some(&ExchangeSettings::new(root)))
        .await
        .unwrap();
    create_and_file(&drafts, 2).await;
    let transport = exchange::account_transport(&session).await.unwrap();
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let offline = Arc::new(Mutex::new(Vec::new()));
    let seen = offline.clone();
    let mut worker =
        Worker::with_transport(session, transport, config()).on_event(Arc::new(move |e| {
            if let portdesk_sync::SyncEvent::Offline { reason } = e {
                seen.lock().unwrap().push(reason.clone());
                let _ = stop.send(true);
            }
        }));
    worker.run(stop_rx).await.unwrap();
    let reasons = offline.lock().unwrap().clone();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(reasons[0].contains("not-mounted"), "{reasons:?}");
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!((counts.pending(), counts.failed), (2, 0), "{counts:?}");
    assert_eq!(keyring.calls(), Vec::<String>::new());
}
