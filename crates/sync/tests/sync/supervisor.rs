//! The supervisor keeps delivery going when the worker dies: a transport
//! that panics whenever one particular filing is sent crashes the worker;
//! the supervisor restarts it with backoff, that filing is set aside as
//! failed after three crashes with the reason, and every other filing is
//! delivered to the real mock once.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portdesk_store::{EntryState, LogEntry, OutboxEntry};
use portdesk_sync::client::Client;
use portdesk_sync::transport::{Call, Reply};
use portdesk_sync::{
    Account, CredentialStore, MemoryStore, Secret, SecretKind, Session, Supervisor, SyncConfig,
    SyncEvent, Transport, CRASH_LIMIT, WORKER_CRASHED,
};

use crate::common::*;

/// HTTP, except that sending the poisonous filing panics.
struct Poisoned {
    http: Client,
    poison: String,
}

impl Transport for Poisoned {
    fn send_entry<'a>(
        &'a self,
        entry: &'a OutboxEntry,
        token: &'a Secret,
    ) -> Call<'a, Reply<LogEntry>> {
        if entry.client_seq_no == self.poison {
            panic!("poisonous filing {}", entry.client_seq_no);
        }
        Transport::send_entry(&self.http, entry, token)
    }

    fn receipts<'a>(
        &'a self,
        token: &'a Secret,
        since: &'a str,
        limit: u32,
    ) -> Call<'a, Reply<Vec<LogEntry>>> {
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
async fn a_filing_that_crashes_the_worker_three_times_is_set_aside_and_the_rest_go_on() {
    let mock = Mock::start(&["--review-pace-ms", "20"]);
    let dir = tempfile::tempdir().unwrap();
    let drafts = open_drafts(dir.path()).await;
    let csns = create_and_file(&drafts, 4).await;
    let poison = csns[1].clone();

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
    let transport = Arc::new(Poisoned {
        http: session.client().clone(),
        poison: poison.clone(),
    });
    let config = SyncConfig {
        receipt_poll: Duration::from_millis(50),
        backoff_min: Duration::from_millis(10),
        backoff_max: Duration::from_millis(100),
        probe_min: Duration::from_millis(10),
        probe_max: Duration::from_millis(100),
        ..SyncConfig::default()
    };
    let events: Arc<Mutex<Vec<SyncEvent>>> = Arc::default();
    let seen = events.clone();
    let sink = Arc::new(move |e: &SyncEvent| seen.lock().unwrap().push(e.clone()));
    let supervisor = Supervisor::with_transport(session, transport, config, sink);
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(supervisor.run(stop_rx));

    // Until nothing is pending: the supervisor never returns by itself.
    let store = drafts.store().clone();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let counts = store.outbox_counts().await.unwrap();
        if counts.pending() == 0 {
            break;
        }
        assert!(
            !running.is_finished(),
            "the supervisor ended: {:?}",
            events.lock().unwrap()
        );
        assert!(Instant::now() < deadline, "still pending: {counts:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.send(true).unwrap();
    running.await.unwrap().unwrap();

    let entries = store.outbox_entries().await.unwrap();
    for e in &entries {
        if e.client_seq_no == poison {
            assert_eq!(e.state, EntryState::Failed, "{e:?}");
            let failure = e.failure.as_deref().unwrap_or_default();
            assert!(failure.contains(WORKER_CRASHED), "{failure}");
            assert!(failure.contains("poisonous filing"), "{failure}");
        } else {
            assert_eq!(e.state, EntryState::Done, "{e:?}");
        }
    }
    let restarts: Vec<u32> = events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            SyncEvent::Restarting { restarts, .. } => Some(*restarts),
            _ => None,
        })
        .collect();
    assert_eq!(restarts, (1..=CRASH_LIMIT).collect::<Vec<_>>());
    // Each innocent filing reached the server once, the poisonous one never.
    let http = reqwest::Client::new();
    let token = mock.token(&http).await;
    for csn in &csns {
        let filed = mock.filings_of(&http, &token, csn).await.len();
        assert_eq!(filed, usize::from(*csn != poison), "{csn}");
    }
}
