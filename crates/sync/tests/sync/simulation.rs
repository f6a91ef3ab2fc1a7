//! A simulation of the outbox worker against a simulated Single Window with
//! random faults and crashes, checking the exactly-once invariants over
//! generated histories.
//!
//! The worker is the real one on a real SQLite file; only the far end is
//! simulated: [`SimWindow`] implements `Transport` over an in-memory server
//! that keeps filings by idempotency key and by client document number, as
//! the Single Window does. Every request draws the next fault of the
//! history: a 5xx, a 429 with a (short) delay, 409 in flight, a connection
//! dropped before the server commits, one dropped after it committed (the
//! answer is lost), a delay, the server being away, or a crash: the request
//! hangs, the worker's future is dropped mid-turn (before or after the server
//! committed) and a new worker starts on the same database, as after a
//! killed process. Past the end of its fault list a history is fault-free,
//! so every history can finish.
//!
//! Invariants of every history, once a worker ran to idle:
//! - every filed document is filed exactly once on the server: one filing
//!   per client document number, never a second filing under another key;
//! - every request for one document carried one and the same idempotency
//!   key, the outbox entry's, with the same bytes;
//! - nothing is lost: every outbox entry is `done` with the server's unified
//!   no., none failed or still pending;
//! - every receipt is stored once: each document has exactly `L`, `R`.
//!
//! Short pass in `cargo test` (GATE_HISTORIES); long under
//! `PORTDESK_FUZZ_SECS` (tests/fuzz/run.sh, docs/reliability.md).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use portdesk_api::{ErrorBody, FilingAnswer, FilingStatus, Receipt, ReceiptCode, ReceiptPage};
use portdesk_domain::FilingMode;
use portdesk_store::{EntryState, LogDirection, LogEntry, OutboxEntry, Store};
use portdesk_sync::client::{Answer, TransportError};
use portdesk_sync::transport::{Call, Reply};
use portdesk_sync::{
    Account, CredentialStore, MemoryStore, Secret, SecretKind, Session, SyncConfig, SyncError,
    Transport, Worker,
};
use portdesk_testkit::fuzz;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use tokio::sync::Notify;
use uuid::Uuid;

use crate::common::*;

/// Histories in the gate's short pass: 48 took 19.6 s on the shared
/// 2-core machine (about 0.4 s each), so 32 stay near 13 s.
const GATE_HISTORIES: u32 = 32;

/// Totals over the histories of one run, printed at its end: evidence
/// that the faults the invariants survive were actually drawn.
static TOTAL_REQUESTS: AtomicUsize = AtomicUsize::new(0);
static TOTAL_CRASHES: AtomicUsize = AtomicUsize::new(0);

/// Never contacted: the worker's token is stored, so it never logs in.
const SERVER: &str = "http://127.0.0.1:9";
const TOKEN: &str = "simulated-token";

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    /// Answered normally.
    Pass,
    /// Answered normally after a delay (ms): requests overtake each other.
    Delay(u64),
    /// An HTTP 5xx; nothing committed.
    ServerError(u16),
    /// 429 with a `Retry-After` of this many ms; nothing committed.
    RateLimited(u64),
    /// 409 `idempotency_key_in_flight`; nothing committed.
    InFlight,
    /// The connection drops before the server commits.
    DropBefore,
    /// The server commits, then the connection drops: the answer is lost.
    DropAfterCommit,
    /// Connection refused: the server is away (the worker goes offline).
    Offline,
    /// The worker is killed while this request is in flight, after the
    /// server committed it or before.
    Crash { committed: bool },
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        4 => Just(Fault::Pass),
        2 => (0u64..15).prop_map(Fault::Delay),
        2 => prop::sample::select(vec![500u16, 502, 503, 504]).prop_map(Fault::ServerError),
        1 => (0u64..30).prop_map(Fault::RateLimited),
        1 => Just(Fault::InFlight),
        2 => Just(Fault::DropBefore),
        2 => Just(Fault::DropAfterCommit),
        1 => Just(Fault::Offline),
        1 => any::<bool>().prop_map(|committed| Fault::Crash { committed }),
    ]
}

/// One generated history.
#[derive(Debug, Clone)]
struct History {
    /// Documents filed before the first worker starts.
    docs: usize,
    /// Documents filed after the first worker stopped (crashed or idle).
    late_docs: usize,
    /// The fault of the n-th request (sends and receipt pulls alike).
    faults: Vec<Fault>,
    concurrency: usize,
    batch: u32,
    /// Most receipts per page the server returns (paging is exercised).
    page: u32,
}

fn history() -> impl Strategy<Value = History> {
    (
        1usize..=5,
        0usize..=2,
        prop::collection::vec(fault(), 0..20),
        1usize..=4,
        1u32..=4,
        1u32..=3,
    )
        .prop_map(
            |(docs, late_docs, faults, concurrency, batch, page)| History {
                docs,
                late_docs,
                faults,
                concurrency,
                batch,
                page,
            },
        )
}

/// A filing as the simulated server holds it.
#[derive(Debug)]
struct Filing {
    key: Uuid,
    answer: Vec<u8>,
}

/// What an idempotency key is bound to.
#[derive(Debug)]
struct KeyRecord {
    client_seq_no: String,
    body: Vec<u8>,
    answer: Vec<u8>,
}

#[derive(Debug, Default)]
struct ServerState {
    /// Requests so far: the index into the fault list.
    requests: usize,
    filings: BTreeMap<String, Filing>,
    keys: BTreeMap<Uuid, KeyRecord>,
    /// Every idempotency key any request for a document carried.
    keys_seen: BTreeMap<String, BTreeSet<Uuid>>,
    receipts: Vec<Receipt>,
    /// Broken invariants seen from the server's side.
    violations: Vec<String>,
    /// Faults of each kind that were drawn, for the record.
    crashes: usize,
}

/// The simulated Single Window, and the transport to it.
struct SimWindow {
    faults: Vec<Fault>,
    page: u32,
    state: Mutex<ServerState>,
    /// Fired by a `Crash` fault: the test drops the worker.
    crash: Notify,
}

impl SimWindow {
    fn new(h: &History) -> Self {
        SimWindow {
            faults: h.faults.clone(),
            page: h.page,
            state: Mutex::new(ServerState::default()),
            crash: Notify::new(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, ServerState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn next_fault(&self) -> Fault {
        let mut s = self.state();
        let f = self.faults.get(s.requests).copied().unwrap_or(Fault::Pass);
        s.requests += 1;
        f
    }

    fn check_token(&self, token: &Secret) {
        if token.expose() != TOKEN {
            self.state()
                .violations
                .push(format!("request with token {:?}", token.expose()));
        }
    }

    /// Files (or replays) one declaration write, as the server does:
    /// a known key replays its answer; a known document under a new key
    /// is "already filed" (the existing filing) and breaks exactly-once.
    fn commit(&self, key: Uuid, body: &[u8]) -> (u16, Vec<u8>) {
        let mut guard = self.state();
        let s = &mut *guard;
        let csn = client_seq_no_of(body);
        if let Some(k) = s.keys.get(&key) {
            if k.body != body {
                let msg = format!("key {key} reused with other bytes for {}", k.client_seq_no);
                s.violations.push(msg);
                return error(422, "idempotency_key_reused");
            }
            return (200, k.answer.clone());
        }
        if let Some(f) = s.filings.get(&csn) {
            let msg = format!("{csn} filed again under key {key} (first {})", f.key);
            let answer = f.answer.clone();
            s.violations.push(msg);
            return (200, answer);
        }
        let n = s.filings.len() + 1;
        let seq_no = format!("SIM{n:015}");
        let accepted = receipt(s, &seq_no, &csn, ReceiptCode::L);
        let answer = serde_json::to_vec(&FilingAnswer {
            seq_no: seq_no.clone(),
            entry_id: None,
            client_seq_no: csn.clone(),
            filing_mode: FilingMode::OneStep,
            status: FilingStatus::Accepted,
            receipt: accepted,
        })
        .unwrap();
        // Review closes it at once; the worker hears of it by pulling.
        receipt(s, &seq_no, &csn, ReceiptCode::R);
        s.keys.insert(
            key,
            KeyRecord {
                client_seq_no: csn.clone(),
                body: body.to_vec(),
                answer: answer.clone(),
            },
        );
        s.filings.insert(
            csn,
            Filing {
                key,
                answer: answer.clone(),
            },
        );
        (201, answer)
    }

    fn receipt_page(&self, since: &str, limit: u32) -> (u16, Vec<u8>) {
        let s = self.state();
        let Ok(from) = since.parse::<usize>() else {
            return error(400, "bad_cursor");
        };
        let to = s
            .receipts
            .len()
            .min(from.saturating_add(limit.min(self.page) as usize));
        let page = ReceiptPage {
            receipts: s.receipts.get(from..to).unwrap_or_default().to_vec(),
            next: if to > from {
                to.to_string()
            } else {
                since.to_owned()
            },
            has_more: to < s.receipts.len(),
        };
        (200, serde_json::to_vec(&page).unwrap())
    }

    /// Hangs the request and tells the test to kill the worker.
    async fn crash<T>(&self) -> T {
        self.state().crashes += 1;
        self.crash.notify_one();
        std::future::pending().await
    }
}

fn receipt(s: &mut ServerState, seq_no: &str, csn: &str, code: ReceiptCode) -> Receipt {
    let r = Receipt {
        // Position in the stream, 1-based: `since=n` reads after it.
        cursor: (s.receipts.len() + 1).to_string(),
        seq_no: seq_no.to_owned(),
        entry_id: None,
        client_seq_no: csn.to_owned(),
        code,
        message_zh: String::new(),
        message_en: String::new(),
        reasons: Vec::new(),
        issued_at: Utc::now(),
    };
    s.receipts.push(r.clone());
    r
}

/// The client document number in a `POST /v1/declarations` body: what
/// the server files by, read from the bytes as it would be.
fn client_seq_no_of(body: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    v["declaration"]["client_seq_no"]
        .as_str()
        .unwrap_or("<none>")
        .to_owned()
}

fn error(status: u16, code: &str) -> (u16, Vec<u8>) {
    (
        status,
        serde_json::to_vec(&ErrorBody::new(code, "simulated")).unwrap(),
    )
}

fn answered(
    (status, body): (u16, Vec<u8>),
    retry_after: Option<Duration>,
) -> Result<Answer, TransportError> {
    Ok(Answer {
        status,
        retry_after,
        etag: None,
        body,
    })
}

fn log_line(
    path: &str,
    entry: Option<&OutboxEntry>,
    result: &Result<Answer, TransportError>,
) -> LogEntry {
    let (direction, status, body) = match result {
        Ok(a) => (LogDirection::Response, Some(a.status), a.text()),
        Err(e) => (LogDirection::Error, None, e.message().to_owned()),
    };
    LogEntry {
        at: Utc::now(),
        direction,
        method: entry.map_or("GET", |e| e.method.as_str()).to_owned(),
        path: path.to_owned(),
        outbox_seq: entry.map(|e| e.seq),
        idempotency_key: entry.map(|e| e.idempotency_key),
        status,
        retry_after_ms: None,
        body,
        truncated: None,
    }
}

impl Transport for SimWindow {
    fn send_entry<'a>(
        &'a self,
        entry: &'a OutboxEntry,
        token: &'a Secret,
    ) -> Call<'a, Reply<LogEntry>> {
        Box::pin(async move {
            self.check_token(token);
            let csn = client_seq_no_of(&entry.body);
            {
                let mut s = self.state();
                if csn != entry.client_seq_no {
                    let msg = format!("entry {} sends the body of {csn}", entry.client_seq_no);
                    s.violations.push(msg);
                }
                s.keys_seen
                    .entry(csn)
                    .or_default()
                    .insert(entry.idempotency_key);
            }
            let key = entry.idempotency_key;
            let result = match self.next_fault() {
                Fault::Pass => answered(self.commit(key, &entry.body), None),
                Fault::Delay(ms) => {
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                    answered(self.commit(key, &entry.body), None)
                }
                Fault::ServerError(status) => answered(error(status, "internal"), None),
                Fault::RateLimited(ms) => {
                    answered(error(429, "rate_limited"), Some(Duration::from_millis(ms)))
                }
                Fault::InFlight => answered(error(409, "idempotency_key_in_flight"), None),
                Fault::DropBefore => Err(TransportError::Dropped("simulated drop".into())),
                Fault::DropAfterCommit => {
                    self.commit(key, &entry.body);
                    Err(TransportError::Dropped(
                        "simulated drop after commit".into(),
                    ))
                }
                Fault::Offline => Err(TransportError::Offline("simulated refusal".into())),
                Fault::Crash { committed } => {
                    if committed {
                        self.commit(key, &entry.body);
                    }
                    self.crash().await
                }
            };
            let line = log_line(&entry.path, Some(entry), &result);
            (result, line)
        })
    }

    fn receipts<'a>(
        &'a self,
        token: &'a Secret,
        since: &'a str,
        limit: u32,
    ) -> Call<'a, Reply<Vec<LogEntry>>> {
        Box::pin(async move {
            self.check_token(token);
            let result = match self.next_fault() {
                Fault::Pass => answered(self.receipt_page(since, limit), None),
                Fault::Delay(ms) => {
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                    answered(self.receipt_page(since, limit), None)
                }
                Fault::ServerError(status) => answered(error(status, "internal"), None),
                Fault::RateLimited(ms) => {
                    answered(error(429, "rate_limited"), Some(Duration::from_millis(ms)))
                }
                Fault::InFlight => answered(error(409, "conflict"), None),
                Fault::DropBefore | Fault::DropAfterCommit => {
                    Err(TransportError::Dropped("simulated drop".into()))
                }
                Fault::Offline => Err(TransportError::Offline("simulated refusal".into())),
                Fault::Crash { .. } => self.crash().await,
            };
            let line = log_line(&format!("/v1/receipts?since={since}"), None, &result);
            (result, vec![line])
        })
    }

    fn get_filing<'a>(
        &'a self,
        _token: &'a Secret,
        seq_no: &'a str,
    ) -> Call<'a, Reply<Vec<LogEntry>>> {
        Box::pin(async move {
            // No `M` receipt is ever sent, so nothing is read back.
            self.state()
                .violations
                .push(format!("unexpected read back of {seq_no}"));
            let result = answered(error(404, "not_found"), None);
            let line = log_line(&format!("/v1/declarations/{seq_no}"), None, &result);
            (result, vec![line])
        })
    }
}

fn config(h: &History) -> SyncConfig {
    SyncConfig {
        concurrency: h.concurrency,
        batch: h.batch,
        receipt_poll: Duration::from_millis(5),
        request_timeout: Duration::from_secs(5),
        // Below the worker's 20 ms floor: every retry waits the floor.
        backoff_min: Duration::from_millis(1),
        backoff_max: Duration::from_millis(10),
        probe_min: Duration::from_millis(1),
        probe_max: Duration::from_millis(10),
        lease_wait: Duration::from_secs(5),
    }
}

/// How one worker run ended.
enum Run {
    Idle,
    Crashed,
}

/// Starts a worker on the database as a freshly started process would
/// (its own store handle, the token from the credential store) and runs it
/// until idle or until the simulated server crashes it.
async fn run_worker(
    db: &std::path::Path,
    creds: &Arc<MemoryStore>,
    window: &Arc<SimWindow>,
    config: SyncConfig,
) -> Result<Run, SyncError> {
    let store = Store::open(db).await?;
    let account = Account::new(SERVER, BROKER, OPERATOR);
    let session = Session::new(store, account, creds.clone(), config.request_timeout);
    let mut worker = Worker::with_transport(session, window.clone(), config);
    let ended = tokio::select! {
        r = worker.run_until_idle(Duration::from_secs(30)) => r.map(|_| Run::Idle),
        _ = window.crash.notified() => Ok(Run::Crashed),
    };
    // Dropping the worker mid-turn is the crash: its in-flight requests
    // are aborted and its lease released, as when the process dies.
    drop(worker);
    ended
}

async fn simulate(h: &History) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open_drafts(dir.path()).await;
    let db = drafts.store().path();
    let mut csns = create_and_file(&drafts, h.docs).await;

    let creds = Arc::new(MemoryStore::new());
    let account = Account::new(SERVER, BROKER, OPERATOR);
    creds
        .set(&account, SecretKind::Token, &Secret::new(TOKEN))
        .unwrap();
    let window = Arc::new(SimWindow::new(h));

    let mut late_filed = false;
    let mut runs = 0;
    loop {
        runs += 1;
        // Every crash consumes a fault; past the list there are none.
        prop_assert!(runs <= h.faults.len() + 2, "the worker never got idle");
        let ended = run_worker(&db, &creds, &window, config(h))
            .await
            .map_err(|e| TestCaseError::fail(format!("run {runs}: worker error: {e}")))?;
        if !late_filed && h.late_docs > 0 {
            // Filed while no worker runs (after a crash or once idle).
            csns.extend(create_and_file(&drafts, h.late_docs).await);
            late_filed = true;
            continue;
        }
        if let Run::Idle = ended {
            break;
        }
    }

    let store = drafts.store();
    let entries = store.outbox_entries().await.unwrap();
    let mut receipts = BTreeMap::new();
    for csn in &csns {
        let codes: Vec<String> = store
            .receipts_for(csn)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.receipt.code)
            .collect();
        receipts.insert(csn.clone(), codes);
    }

    let s = window.state();
    TOTAL_REQUESTS.fetch_add(s.requests, Ordering::Relaxed);
    TOTAL_CRASHES.fetch_add(s.crashes, Ordering::Relaxed);
    prop_assert!(s.violations.is_empty(), "server saw: {:#?}", s.violations);
    prop_assert_eq!(entries.len(), csns.len());
    prop_assert_eq!(s.filings.len(), csns.len(), "filings on the server");
    for csn in &csns {
        prop_assert!(
            entries.iter().any(|e| &e.client_seq_no == csn),
            "{} lost",
            csn
        );
        prop_assert_eq!(&receipts[csn], &["L", "R"], "receipts of {}", csn);
    }
    for entry in &entries {
        let csn = &entry.client_seq_no;
        prop_assert_eq!(entry.state, EntryState::Done, "{:?}", entry);
        let Some(filing) = s.filings.get(csn) else {
            return Err(TestCaseError::fail(format!(
                "{csn} never reached the server"
            )));
        };
        prop_assert_eq!(filing.key, entry.idempotency_key);
        let answer: FilingAnswer = serde_json::from_slice(&filing.answer).unwrap();
        prop_assert_eq!(entry.seq_no.as_deref(), Some(answer.seq_no.as_str()));
        let seen: Vec<Uuid> = s.keys_seen[csn].iter().copied().collect();
        prop_assert_eq!(seen, vec![entry.idempotency_key], "keys sent for {}", csn);
    }
    Ok(())
}

#[test]
fn exactly_once_under_faults_and_crashes() {
    fuzz::check(
        "sync::simulation",
        file!(),
        GATE_HISTORIES,
        history(),
        |h| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(simulate(&h))
        },
    );
    eprintln!(
        "sync::simulation: {} requests answered or faulted, {} worker crashes",
        TOTAL_REQUESTS.load(Ordering::Relaxed),
        TOTAL_CRASHES.load(Ordering::Relaxed)
    );
}

#[test]
fn the_simulated_server_sees_a_second_filing() {
    // The invariants rest on the simulated server noticing a document
    // filed under a second key: it must.
    let h = History {
        docs: 1,
        late_docs: 0,
        faults: Vec::new(),
        concurrency: 1,
        batch: 1,
        page: 1,
    };
    let window = SimWindow::new(&h);
    let body = br#"{"declaration":{"client_seq_no":"PD0000000000000001"}}"#;
    let first = Uuid::now_v7();
    assert_eq!(window.commit(first, body).0, 201);
    assert_eq!(window.commit(first, body).0, 200, "a replay");
    assert!(window.state().violations.is_empty());
    window.commit(Uuid::now_v7(), body);
    assert_eq!(window.state().violations.len(), 1);
    assert_eq!(window.state().filings.len(), 1);
    // The same key with other bytes is refused and noted.
    assert_eq!(window.commit(first, b"{}").0, 422);
    assert_eq!(window.state().violations.len(), 2);
}
