//! The worker delivers, pulls receipts and reads back only through its
//! `Transport`: a transport that wraps the HTTP client and counts what
//! passes through it sees every entry sent and every receipt pull, and
//! the filing reaches its final receipt as over plain HTTP.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use portdesk_store::{LogEntry, OutboxEntry};
use portdesk_sync::client::Client;
use portdesk_sync::transport::{Call, Reply};
use portdesk_sync::{
    Account, CredentialStore, MemoryStore, Secret, SecretKind, Session, SyncConfig, Transport,
    Worker,
};

use crate::common::*;

#[derive(Default)]
struct Counts {
    sent: AtomicUsize,
    pulls: AtomicUsize,
}

struct Counting {
    http: Client,
    counts: Arc<Counts>,
}

impl Transport for Counting {
    fn send_entry<'a>(
        &'a self,
        entry: &'a OutboxEntry,
        token: &'a Secret,
    ) -> Call<'a, Reply<LogEntry>> {
        self.counts.sent.fetch_add(1, Ordering::SeqCst);
        Transport::send_entry(&self.http, entry, token)
    }

    fn receipts<'a>(
        &'a self,
        token: &'a Secret,
        since: &'a str,
        limit: u32,
    ) -> Call<'a, Reply<Vec<LogEntry>>> {
        self.counts.pulls.fetch_add(1, Ordering::SeqCst);
        Transport::receipts(&self.http, token, since, limit)
    }

    fn get_filing<'a>(
        &'a self,
        token: &'a Secret,
        seq_no: &'a str,
    ) -> Call<'a, Reply<Vec<LogEntry>>> {
        Transport::get_filing(&self.http, token, seq_no)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_goes_through_its_transport() {
    let mock = Mock::start(&["--review-pace-ms", "20"]);
    let dir = tempfile::tempdir().unwrap();
    let drafts = open_drafts(dir.path()).await;
    let csns = create_and_file(&drafts, 3).await;

    let account = Account::new(&mock.base, BROKER, OPERATOR);
    let creds = Arc::new(MemoryStore::new());
    creds
        .set(&account, SecretKind::Password, &Secret::new(PASSWORD))
        .unwrap();
    let session = Session::new(
        drafts.store().clone(),
        account,
        creds,
        Duration::from_secs(20),
    );
    let counts = Arc::new(Counts::default());
    let transport = Arc::new(Counting {
        http: session.client().clone(),
        counts: counts.clone(),
    });
    let config = SyncConfig {
        receipt_poll: Duration::from_millis(50),
        ..SyncConfig::default()
    };
    let mut worker = Worker::with_transport(session, transport, config);
    let summary = worker
        .run_until_idle(Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(summary.counts.done, 3, "{summary:?}");
    assert_eq!(counts.sent.load(Ordering::SeqCst), 3);
    assert!(counts.pulls.load(Ordering::SeqCst) >= 1);
    for csn in &csns {
        let codes: Vec<String> = drafts
            .store()
            .receipts_for(csn)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.receipt.code)
            .collect();
        assert_eq!(
            codes.last().map(String::as_str),
            Some("R"),
            "{csn}: {codes:?}"
        );
    }
}
