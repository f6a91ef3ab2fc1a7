//! Sync throughput: N declarations delivered by the real outbox worker
//! against a real mock-window process, beside the mock's raw ingest rate
//! measured in the same run by a bare load generator (a tokio loop of
//! reqwest POSTs with idempotency keys, same concurrency, no database on
//! the client side). Each side gets a fresh mock database.
//!
//! `benches/sync-throughput.sh [N]` builds the mock and runs this; N
//! defaults to 10000 (`PORTDESK_BENCH_N`). The mock binary is
//! `$PORTDESK_MOCK_BIN`, else the one built in the bench's own profile
//! (`portdesk-testkit` starts it).
//! Review is slowed right down (`--review-pace-ms 600000`) so receipts do
//! not compete with ingest on either side; the worker is stopped once its
//! outbox is empty (all `done`).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use portdesk_domain::{client_seq_no_for, CodeLists, Declaration, Purpose, SaveInfo};
use portdesk_drafts::Drafts;
use portdesk_store::Store;
use portdesk_sync::{
    Account, CredentialStore, MemoryStore, Secret, SecretKind, SyncConfig, Worker,
};
use portdesk_testkit::{MockOptions, MockProcess};
use tokio::sync::Semaphore;
use uuid::Uuid;

const CONCURRENCY: usize = 8;

fn workspace() -> PathBuf {
    portdesk_testkit::workspace()
}

fn start_mock() -> MockProcess {
    let mut options = MockOptions::default().args(&["--review-pace-ms", "600000"]);
    if let Some(bin) = std::env::var_os("PORTDESK_MOCK_BIN") {
        options = options.binary(bin);
    }
    MockProcess::start_with(options)
}

fn declarations(n: usize) -> Vec<(Uuid, Declaration)> {
    let text =
        std::fs::read_to_string(workspace().join("tests/fixtures/declaration-valid.json")).unwrap();
    let base: Declaration = serde_json::from_str(&text).unwrap();
    (0..n)
        .map(|_| {
            let id = Uuid::now_v7();
            (
                id,
                Declaration {
                    client_seq_no: client_seq_no_for(id),
                    ..base.clone()
                },
            )
        })
        .collect()
}

async fn raw_ingest(n: usize) -> Duration {
    let mock = start_mock();
    let http = reqwest::Client::new();
    let login: serde_json::Value = http
        .post(format!("{}/v1/auth/login", mock.base))
        .json(&serde_json::json!({"customs_code": "2102980567", "operator": "op01", "password": "demo1234"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap().to_owned();
    let bodies: Vec<Vec<u8>> = declarations(n)
        .into_iter()
        .map(|(_, d)| serde_json::to_vec(&serde_json::json!({ "declaration": d })).unwrap())
        .collect();
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for body in bodies {
        let (http, token, base, permits) = (
            http.clone(),
            token.clone(),
            mock.base.clone(),
            permits.clone(),
        );
        tasks.spawn(async move {
            let _p = permits.acquire_owned().await.unwrap();
            let r = http
                .post(format!("{base}/v1/declarations"))
                .bearer_auth(&token)
                .header("Idempotency-Key", Uuid::now_v7().to_string())
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "{}", r.status());
            r.bytes().await.unwrap();
        });
    }
    while let Some(r) = tasks.join_next().await {
        r.unwrap();
    }
    started.elapsed()
}

async fn client_sync(n: usize) -> (Duration, Duration) {
    let mock = start_mock();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("portdesk.db")).await.unwrap();
    let drafts = Drafts::new(store.clone(), Arc::new(CodeLists::bundled()));
    let started = Instant::now();
    let mut batch = Vec::new();
    for (id, d) in declarations(n) {
        let info = SaveInfo::from_problems(&drafts.validate(&d, Purpose::Declare), "import");
        batch.push((id, d, info));
    }
    let metas = store.create_declarations(&batch).await.unwrap();
    let ids: Vec<Uuid> = metas.iter().map(|m| m.id).collect();
    drafts.file(&ids).await.unwrap();
    let filed = started.elapsed();

    let account = Account::new(&mock.base, "2102980567", "op01");
    let creds = Arc::new(MemoryStore::new());
    creds
        .set(&account, SecretKind::Password, &Secret::new("demo1234"))
        .unwrap();
    let config = SyncConfig {
        concurrency: CONCURRENCY,
        ..SyncConfig::default()
    };
    let mut worker = Worker::new(store.clone(), account, creds, config);
    let (tx, rx) = tokio::sync::watch::channel(false);
    let watcher = store.clone();
    let started = Instant::now();
    let stopper = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if watcher.outbox_counts().await.unwrap().pending() == 0 {
                let _ = tx.send(true);
                return;
            }
        }
    });
    worker.run(rx).await.unwrap();
    let synced = started.elapsed();
    stopper.await.unwrap();
    let c = store.outbox_counts().await.unwrap();
    assert_eq!(c.done as usize, n, "{c:?}");
    (filed, synced)
}

fn main() {
    // `cargo bench` passes `--bench`; a bare number is N.
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .or_else(|| std::env::var("PORTDESK_BENCH_N").ok()?.parse().ok())
        .unwrap_or(10_000);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let raw = raw_ingest(n).await;
        let (filed, synced) = client_sync(n).await;
        let rate = |d: Duration| n as f64 / d.as_secs_f64();
        println!("| N | side | time | rate |");
        println!("| --- | --- | --- | --- |");
        println!(
            "| {n} | mock raw ingest (bare reqwest loop, {CONCURRENCY} in flight) | {:.2} s | {:.0} /s |",
            raw.as_secs_f64(),
            rate(raw)
        );
        println!(
            "| {n} | PortDesk sync worker ({CONCURRENCY} in flight, outbox in SQLite) | {:.2} s | {:.0} /s |",
            synced.as_secs_f64(),
            rate(synced)
        );
        println!(
            "| {n} | filing locally (validate, 1 transaction: revisions + outbox) | {:.2} s | {:.0} /s |",
            filed.as_secs_f64(),
            rate(filed)
        );
    });
}
