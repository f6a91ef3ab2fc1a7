//! The fault test: N declarations synced through the real client code
//! against a real mock-window process with faults on (10 % 503 before work,
//! 5 % commit-then-fail (connection dropped after the work is stored), 5 %
//! 429 with `Retry-After: 1`, 5 % dropped connections; fixed seed). Then:
//! every one filed exactly once on the server, none lost, every outbox entry
//! terminal, the same key on every attempt — in the client's log and in the
//! mock's request log, written before its dedup — and no retry before its
//! `Retry-After`.
//!
//! N = `PORTDESK_FAULT_N` (default 1000). `tests/sync/fault-run.sh N` runs it
//! at other sizes.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use portdesk_domain::DraftStatus;
use portdesk_store::{EntryState, LogDirection};
use portdesk_sync::{
    Account, CredentialStore, MemoryStore, Secret, SecretKind, SyncConfig, SyncEvent, Worker,
};

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_declaration_filed_exactly_once_under_faults() {
    let n: usize = std::env::var("PORTDESK_FAULT_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let mock = Mock::start(&[
        "--review-pace-ms",
        "20",
        "--fault-5xx-rate",
        "0.10",
        "--fault-commit-then-fail-rate",
        "0.05",
        "--fault-commit-then-fail-mode",
        "drop",
        "--fault-429-rate",
        "0.05",
        "--fault-retry-after-secs",
        "1",
        "--fault-drop-rate",
        "0.05",
        "--seed",
        "20261127",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let drafts = open_drafts(dir.path()).await;
    let store = drafts.store().clone();
    let started = Instant::now();
    let csns = create_and_file(&drafts, n).await;
    let filed_in = started.elapsed();

    let account = Account::new(&mock.base, BROKER, OPERATOR);
    let creds = Arc::new(MemoryStore::new());
    creds
        .set(&account, SecretKind::Password, &Secret::new(PASSWORD))
        .unwrap();
    let config = SyncConfig {
        concurrency: 8,
        batch: 64,
        receipt_poll: Duration::from_millis(500),
        backoff_min: Duration::from_millis(100),
        backoff_max: Duration::from_secs(5),
        ..SyncConfig::default()
    };
    let events = Arc::new(AtomicUsize::new(0));
    let seen = events.clone();
    let mut worker = Worker::new(store.clone(), account, creds, config).on_event(Arc::new(
        move |e: &SyncEvent| {
            if let SyncEvent::Entry { .. } = e {
                seen.fetch_add(1, Ordering::Relaxed);
            }
        },
    ));
    let t = Instant::now();
    let summary = worker
        .run_until_idle(Duration::from_secs(240))
        .await
        .expect("sync reaches idle");
    let synced_in = t.elapsed();
    eprintln!("N={n}: filed locally in {filed_in:?}, synced in {synced_in:?}; {summary:?}");

    // Every outbox entry terminal and delivered; none failed.
    assert_eq!(summary.counts.pending(), 0);
    assert_eq!(summary.counts.done as usize, n, "{summary:?}");
    assert_eq!(summary.counts.failed, 0, "{:?}", summary.failed);
    assert!(events.load(Ordering::Relaxed) >= n);

    // Faults really happened: some entries needed more than one attempt.
    let entries = store.outbox_entries().await.unwrap();
    let retried = entries.iter().filter(|e| e.attempts > 1).count();
    assert!(retried > n / 10, "only {retried} entries were retried");
    assert!(entries.iter().all(|e| e.state == EntryState::Done));

    // The message log: the same key on every attempt; no send before Retry-After.
    let log = store.message_log(None).await.unwrap();
    let keys: HashMap<i64, _> = entries.iter().map(|e| (e.seq, e.idempotency_key)).collect();
    let mut not_before: HashMap<i64, i64> = HashMap::new();
    let mut waits_checked = 0;
    for line in log.iter().filter(|l| l.outbox_seq.is_some()) {
        let seq = line.outbox_seq.unwrap();
        assert_eq!(line.idempotency_key, Some(keys[&seq]), "entry {seq}");
        let at = line.at.timestamp_millis();
        match line.direction {
            LogDirection::Request => {
                if let Some(nb) = not_before.remove(&seq) {
                    assert!(
                        at >= nb,
                        "entry {seq} resent at {at}, Retry-After until {nb}"
                    );
                    waits_checked += 1;
                }
            }
            LogDirection::Response => {
                if let (Some(429), Some(ms)) = (line.status, line.retry_after_ms) {
                    not_before.insert(seq, at + ms);
                }
            }
            LogDirection::Error => {}
        }
    }
    assert!(
        waits_checked > 0,
        "no 429 was met; the fault knobs did not bite"
    );

    // What the client sent, before the server's dedup by client document
    // id could hide a second filing: one key per document, every one sent.
    crate::exactly_once::check_exactly_once(&mock.requests(), &csns).unwrap();

    // The server: exactly one filing per client document id, all distinct.
    let http = reqwest::Client::new();
    let token = mock.token(&http).await;
    let mut seq_nos = HashSet::new();
    for csn in &csns {
        let items = mock.filings_of(&http, &token, csn).await;
        assert_eq!(items.len(), 1, "{csn} filed {} times", items.len());
        assert!(seq_nos.insert(items[0]["seq_no"].as_str().unwrap().to_owned()));
    }
    assert_eq!(seq_nos.len(), n);

    // Receipts came back and drove every draft to closed.
    for csn in csns.iter().take(50) {
        let id = store.find_by_client_seq_no(csn).await.unwrap().unwrap();
        let (meta, _) = store.get_declaration(id).await.unwrap();
        assert_eq!(meta.status, DraftStatus::Closed, "{csn}");
    }
    let closed = summary
        .receipts
        .iter()
        .find(|(c, _)| c == "R")
        .map(|(_, n)| *n);
    assert_eq!(closed, Some(n as u64));
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
    eprintln!("retried entries: {retried}; Retry-After waits checked: {waits_checked}");
}
