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

/// CPU seconds (user + system) process `pid` has used so far, from
/// `/proc/PID/stat` (Linux; 100 ticks a second): where each side's time
/// goes, the mock's and this process's, on the same cores.
fn cpu_seconds(pid: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return f64::NAN;
    };
    // Fields after the command name, which may hold spaces: state is [0],
    // utime [11], stime [12].
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// A side's wall time and the CPU seconds the mock and this process spent in it.
struct Side {
    wall: Duration,
    mock_cpu: f64,
    client_cpu: f64,
}

/// Times `run` and charges the CPU both processes used meanwhile to it.
async fn measured<F: std::future::Future<Output = ()>>(mock: &MockProcess, run: F) -> Side {
    let mock_pid = mock.pid().to_string();
    let (mock0, self0) = (cpu_seconds(&mock_pid), cpu_seconds("self"));
    let started = Instant::now();
    run.await;
    Side {
        wall: started.elapsed(),
        mock_cpu: cpu_seconds(&mock_pid) - mock0,
        client_cpu: cpu_seconds("self") - self0,
    }
}

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

async fn raw_ingest(n: usize) -> Side {
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
    let base = mock.base.clone();
    measured(&mock, async move {
        let mut tasks = tokio::task::JoinSet::new();
        for body in bodies {
            let (http, token, base, permits) =
                (http.clone(), token.clone(), base.clone(), permits.clone());
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
    })
    .await
}

async fn client_sync(n: usize) -> (Duration, Side) {
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
    let synced = measured(&mock, async {
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
        stopper.await.unwrap();
    })
    .await;
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
        println!("| N | side | time | rate | CPU: mock | CPU: client |");
        println!("| --- | --- | --- | --- | --- | --- |");
        for (name, side) in [
            (format!("mock raw ingest (bare reqwest loop, {CONCURRENCY} in flight)"), &raw),
            (format!("PortDesk sync worker ({CONCURRENCY} in flight, outbox in SQLite)"), &synced),
        ] {
            println!(
                "| {n} | {name} | {:.2} s | {:.0} /s | {:.1} s | {:.1} s |",
                side.wall.as_secs_f64(),
                rate(side.wall),
                side.mock_cpu,
                side.client_cpu
            );
        }
        println!(
            "| {n} | filing locally (validate, 1 transaction: revisions + outbox) | {:.2} s | {:.0} /s | | |",
            filed.as_secs_f64(),
            rate(filed)
        );
        println!(
            "worker / bare generator: {:.0} %",
            100.0 * raw.wall.as_secs_f64() / synced.wall.as_secs_f64()
        );
    });
}
