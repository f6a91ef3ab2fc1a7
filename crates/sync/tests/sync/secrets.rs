//! The token and the password never reach the SQLite file (main file, WAL,
//! shared memory, message log) or the logs, even through a re-login after
//! the token expired and retries after faults.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use portdesk_sync::{
    Account, CredentialStore, MemoryStore, Secret, SecretKind, SyncConfig, Worker,
};

use crate::common::*;

/// Collects everything tracing writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_never_reach_the_database_or_the_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_env_filter("trace")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let mock = Mock::start(&[
        "--review-pace-ms",
        "20",
        "--fault-429-rate",
        "0.2",
        "--fault-retry-after-secs",
        "1",
        "--fault-5xx-rate",
        "0.1",
        "--seed",
        "3",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let drafts = open_drafts(dir.path()).await;
    let store = drafts.store().clone();
    create_and_file(&drafts, 30).await;

    let account = Account::new(&mock.base, BROKER, OPERATOR);
    let creds = Arc::new(MemoryStore::new());
    creds
        .set(&account, SecretKind::Password, &Secret::new(PASSWORD))
        .unwrap();
    let config = SyncConfig {
        receipt_poll: Duration::from_millis(200),
        backoff_min: Duration::from_millis(50),
        backoff_max: Duration::from_secs(1),
        ..SyncConfig::default()
    };
    let mut worker = Worker::new(
        store.clone(),
        account.clone(),
        creds.clone(),
        config.clone(),
    );
    worker
        .run_until_idle(Duration::from_secs(60))
        .await
        .unwrap();
    let first_token = creds.get(&account, SecretKind::Token).unwrap().unwrap();

    // Expire every token, file more: the worker must log in again silently.
    let http = reqwest::Client::new();
    let (name, token) = portdesk_testkit::control_header_for(&mock.base);
    let r = http
        .post(format!("{}/control/expire-tokens", mock.base))
        .header(name, token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    create_and_file(&drafts, 10).await;
    let mut worker = Worker::new(store.clone(), account.clone(), creds.clone(), config);
    let summary = worker
        .run_until_idle(Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(summary.counts.done, 40);
    let second_token = creds.get(&account, SecretKind::Token).unwrap().unwrap();
    assert_ne!(first_token, second_token, "no re-login happened");
    let log = store.message_log(None).await.unwrap();
    assert!(log.iter().any(|l| l.status == Some(401)), "no 401 was met");
    assert!(
        log.iter()
            .filter(|l| l.path == "/v1/auth/login" && l.status == Some(200))
            .count()
            >= 2
    );

    // Look for the secrets while the database is still open (WAL and shm present) …
    let needles: Vec<Vec<u8>> = vec![
        PASSWORD.as_bytes().to_vec(),
        first_token.expose().as_bytes().to_vec(),
        second_token.expose().as_bytes().to_vec(),
        // Every access and refresh token of the mock carries these prefixes.
        b"mwa_".to_vec(),
        b"mwr_".to_vec(),
    ];
    let check_files = |when: &str| {
        for suffix in ["", "-wal", "-shm"] {
            let path = dir.path().join(format!("portdesk.db{suffix}"));
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            for n in &needles {
                assert!(
                    !contains(&bytes, n),
                    "{} ({when}) contains {:?}",
                    path.display(),
                    String::from_utf8_lossy(&n[..4])
                );
            }
        }
    };
    check_files("open");
    for l in &log {
        for n in &needles {
            assert!(!contains(l.body.as_bytes(), n), "message log line {l:?}");
        }
    }
    // … and after a checkpoint folded the WAL into the main file.
    store.close().await;
    check_files("closed");

    let logs = captured.0.lock().unwrap().clone();
    assert!(contains(&logs, b"logged in"), "tracing output not captured");
    for n in &needles {
        assert!(!contains(&logs, n), "the logs contain a secret");
    }
}
