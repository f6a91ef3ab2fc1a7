//! Offline: with the server away (connection refused) the worker pauses
//! the queue, reports `Offline`, probes politely, and resumes by itself
//! when the server answers; nothing is lost or failed meanwhile.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use portdesk_sync::{
    Account, CredentialStore, MemoryStore, Secret, SecretKind, SyncConfig, SyncEvent, Worker,
};

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pauses_while_offline_and_resumes_when_the_server_answers() {
    // A port nobody listens on (yet).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let drafts = open_drafts(dir.path()).await;
    let store = drafts.store().clone();
    create_and_file(&drafts, 5).await;

    let account = Account::new(&format!("http://127.0.0.1:{port}"), BROKER, OPERATOR);
    let creds = Arc::new(MemoryStore::new());
    creds
        .set(&account, SecretKind::Password, &Secret::new(PASSWORD))
        .unwrap();
    let events: Arc<Mutex<Vec<SyncEvent>>> = Arc::default();
    let sink = events.clone();
    let config = SyncConfig {
        receipt_poll: Duration::from_millis(200),
        probe_min: Duration::from_millis(100),
        probe_max: Duration::from_millis(400),
        ..SyncConfig::default()
    };
    let mut worker = Worker::new(store.clone(), account, creds, config).on_event(Arc::new(
        move |e: &SyncEvent| sink.lock().unwrap().push(e.clone()),
    ));
    let run = tokio::spawn(async move { worker.run_until_idle(Duration::from_secs(60)).await });

    tokio::time::sleep(Duration::from_millis(1500)).await;
    {
        let seen = events.lock().unwrap();
        assert!(
            seen.iter().any(|e| matches!(e, SyncEvent::Offline { .. })),
            "{seen:?}"
        );
    }
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!((counts.done, counts.failed), (0, 0), "{counts:?}");
    // Polite: while away, a few probes, not a request storm.
    let probes = store.message_log(None).await.unwrap().len();
    assert!(probes < 40, "{probes} log lines while offline");

    let _mock = Mock::start_on(port, &["--review-pace-ms", "20"]);
    let summary = run.await.unwrap().expect("resumes and finishes");
    assert_eq!(summary.counts.done, 5);
    assert_eq!(summary.counts.failed, 0);
    assert!(events
        .lock()
        .unwrap()
        .iter()
        .any(|e| matches!(e, SyncEvent::Online)));
}
