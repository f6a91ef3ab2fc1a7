//! Answers a careful reviewer's server could send, over loopback from a
//! small scripted server: a 50 MiB receipt page, with its length declared
//! and without; a captive portal's HTML and a 7 MiB non-page with 200; a
//! day of identical empty polls; a 307 on login; headers a byte a second;
//! plain http to another machine; issuer keys swapped or withdrawn. The
//! client survives each: no panic, the worker alive, the data directory
//! small, the password nowhere but the configured server.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portdesk_store::Store;
use portdesk_sync::client::{insecure_server, max_answer, Client, TransportError};
use portdesk_sync::origin::fetch_published_keys;
use portdesk_sync::{
    Account, CredentialStore, MemoryStore, Secret, SecretKind, SyncConfig, Worker,
};

use crate::common::*;

const FIFTY_MIB: usize = 50 * 1024 * 1024;

/// Serves one connection: reads the request head, writes `head`, then up
/// to 50 MiB of body until the client hangs up. Returns the base URL and
/// the thread, which ends by itself.
fn serve_once(head: &'static str) -> (String, std::thread::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let thread = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_write_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut request = Vec::new();
        let mut byte = [0u8; 1];
        while !request.ends_with(b"\r\n\r\n") && request.len() < 64 * 1024 {
            if conn.read(&mut byte).unwrap_or(0) == 0 {
                break;
            }
            request.push(byte[0]);
        }
        if conn.write_all(head.as_bytes()).is_err() {
            return 0;
        }
        let chunk = vec![b' '; 1024 * 1024];
        let mut sent = 0;
        while sent < FIFTY_MIB {
            if conn.write_all(&chunk).is_err() {
                break;
            }
            sent += chunk.len();
        }
        sent
    });
    (base, thread)
}

async fn pull(base: &str) -> (Result<portdesk_sync::client::Answer, TransportError>, usize) {
    let client = Client::new(base, Duration::from_secs(30));
    let (result, log) = client.receipts(&Secret::new("t"), "0", 500).await;
    let logged: usize = log.iter().map(|l| l.body.len()).sum();
    (result, logged)
}

#[tokio::test]
async fn a_50_mib_page_with_its_length_declared_is_refused_unread() {
    let (base, server) = serve_once(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 52428800\r\n\r\n",
    );
    let started = Instant::now();
    let (result, logged) = pull(&base).await;
    match result {
        Err(TransportError::Dropped(reason)) => {
            assert!(reason.contains("larger than"), "{reason}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(logged < 4096, "the log holds {logged} bytes of it");
    assert!(started.elapsed() < Duration::from_secs(20));
    drop(server);
}

#[tokio::test]
async fn a_page_that_grows_past_the_limit_is_dropped_mid_stream() {
    let (base, server) = serve_once(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n",
    );
    let (result, logged) = pull(&base).await;
    match result {
        Err(TransportError::Dropped(reason)) => {
            assert!(reason.contains("larger than"), "{reason}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(logged < 4096, "the log holds {logged} bytes of it");
    // The client stopped reading near its limit, not at 50 MiB.
    let sent = tokio::task::spawn_blocking(move || server.join().unwrap())
        .await
        .unwrap();
    assert!(
        sent < FIFTY_MIB,
        "the server could write all {sent} bytes; the client read on past {}",
        max_answer::RECEIPT_PAGE
    );
}

/// A scripted HTTP server: every connection gets one answer, made by
/// `answer` from the request head, and is closed. Records the request
/// heads (with any body) it saw.
struct Scripted {
    base: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Scripted {
    fn start(answer: impl Fn(&str) -> Vec<u8> + Send + 'static) -> Scripted {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let seen: Arc<Mutex<Vec<String>>> = Arc::default();
        let log = seen.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { return };
                let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
                let mut request = Vec::new();
                let mut byte = [0u8; 1];
                while !request.ends_with(b"\r\n\r\n") && request.len() < 64 * 1024 {
                    if conn.read(&mut byte).unwrap_or(0) == 0 {
                        break;
                    }
                    request.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&request).into_owned();
                let length = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                    })
                    .unwrap_or(0);
                let mut body = vec![0u8; length.min(1024 * 1024)];
                let _ = conn.read_exact(&mut body);
                let reply = answer(&head);
                log.lock()
                    .unwrap()
                    .push(format!("{head}{}", String::from_utf8_lossy(&body)));
                let _ = conn.write_all(&reply);
            }
        });
        Scripted { base, seen }
    }

    fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

fn http(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// A worker of an account on `base` with a token already stored (no login).
async fn worker_on(base: &str, dir: &Path, config: SyncConfig) -> (Store, Worker) {
    let store = Store::open(&dir.join("portdesk.db")).await.unwrap();
    let account = Account::new(base, BROKER, OPERATOR);
    let creds = Arc::new(MemoryStore::new());
    creds
        .set(&account, SecretKind::Token, &Secret::new("mwa_test"))
        .unwrap();
    creds
        .set(&account, SecretKind::Password, &Secret::new(PASSWORD))
        .unwrap();
    let worker = Worker::new(store.clone(), account, creds, config);
    (store, worker)
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_captive_portal_and_a_7_mib_page_do_not_stop_the_worker_or_fill_the_disk() {
    // Half the pulls get a portal's login page with 200, the others a page
    // just under the receipt limit that is not a receipt page either.
    let big = {
        let mut b = b"{\"receipts\": \"".to_vec();
        b.extend(std::iter::repeat_n(b'x', 7 * 1024 * 1024));
        b.extend_from_slice(b"\"}");
        b
    };
    let turn = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let server = Scripted::start(move |_| {
        if turn
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            .is_multiple_of(2)
        {
            http(
                "200 OK",
                "text/html",
                b"<html><body>Please log in to the Wi-Fi</body></html>",
            )
        } else {
            http("200 OK", "application/json", &big)
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let config = SyncConfig {
        receipt_poll: Duration::from_millis(10),
        ..SyncConfig::default()
    };
    let (store, mut worker) = worker_on(&server.base, dir.path(), config).await;
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(async move { worker.run(stop_rx).await });
    while server.requests().len() < 40 {
        assert!(!running.is_finished(), "the worker stopped");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.send(true).unwrap();
    running.await.unwrap().unwrap();
    let grown = dir_size(dir.path());
    assert!(grown < 20 * 1024 * 1024, "the data dir holds {grown} bytes");
    let log = store.message_log(None).await.unwrap();
    let truncated = log.iter().filter(|l| l.truncated.is_some()).count();
    assert!(truncated >= 1, "the 7 MiB page is logged truncated");
    assert!(log
        .iter()
        .all(|l| l.body.len() <= portdesk_store::LOG_BODY_LIMIT));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identical_empty_polls_add_no_rows_so_an_idle_day_stays_under_100() {
    // The same empty page for every poll. A day of polls every 2 s is
    // 43,200; the worker's turn floor makes that 15 minutes of test, so
    // this shows the count does not grow with the polls: the rows after 20
    // polls are the rows after 250.
    let server = Scripted::start(|_| {
        http(
            "200 OK",
            "application/json",
            br#"{"receipts":[],"next":"0","has_more":false}"#,
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let config = SyncConfig {
        receipt_poll: Duration::ZERO,
        ..SyncConfig::default()
    };
    let (store, mut worker) = worker_on(&server.base, dir.path(), config).await;
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(async move { worker.run(stop_rx).await });
    let mut rows_early = None;
    while server.requests().len() < 250 {
        assert!(!running.is_finished(), "the worker stopped");
        if rows_early.is_none() && server.requests().len() >= 20 {
            rows_early = Some(store.message_log_rows().await.unwrap());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.send(true).unwrap();
    running.await.unwrap().unwrap();
    let rows = store.message_log_rows().await.unwrap();
    assert_eq!(Some(rows), rows_early, "rows grew with the polls");
    assert!((2..=100).contains(&rows), "{rows}");
}

#[tokio::test]
async fn a_redirect_on_login_is_not_followed_and_the_password_goes_nowhere_else() {
    let elsewhere = Scripted::start(|_| http("200 OK", "application/json", b"{}"));
    let target = format!("{}/v1/auth/login", elsewhere.base);
    let server = Scripted::start(move |_| {
        format!(
            "HTTP/1.1 307 Temporary Redirect\r\nLocation: {target}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .into_bytes()
    });
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("portdesk.db")).await.unwrap();
    let account = Account::new(&server.base, BROKER, OPERATOR);
    let client = Client::new(&server.base, Duration::from_secs(10));
    let err = portdesk_sync::login(&client, &store, &account, &Secret::new("s3cret-pw"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "protocol", "{err}");
    assert!(err.to_string().contains("307"), "{err}");
    assert_eq!(server.requests().len(), 1);
    assert!(server.requests()[0].contains("s3cret-pw"));
    assert!(
        elsewhere.requests().is_empty(),
        "the login was re-sent elsewhere"
    );
    // Nor is the password in the log.
    for line in store.message_log(None).await.unwrap() {
        assert!(!line.body.contains("s3cret-pw"), "{line:?}");
    }
}

#[tokio::test]
async fn plain_http_to_another_machine_is_refused_before_anything_is_sent() {
    for server in [
        "http://192.0.2.10:8080",
        "http://example.com",
        "ftp://127.0.0.1",
    ] {
        assert!(insecure_server(server).is_some(), "{server}");
    }
    for server in [
        "https://example.com",
        "http://127.0.0.1:7700",
        "http://localhost:1",
        "http://[::1]:9",
    ] {
        assert_eq!(insecure_server(server), None, "{server}");
    }
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("portdesk.db")).await.unwrap();
    // TEST-NET-1: nothing answers there, and nothing must be tried.
    let account = Account::new("http://192.0.2.10:8080", BROKER, OPERATOR);
    let client = Client::new(&account.server, Duration::from_secs(2));
    let err = portdesk_sync::login(&client, &store, &account, &Secret::new(PASSWORD))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "insecure_server");
    assert!(err.to_string().contains("http://192.0.2.10:8080"), "{err}");
    assert_eq!(store.message_log_rows().await.unwrap(), 0);
    // And a request by any other path is refused without a connection.
    let (result, _) = client.receipts(&Secret::new("t"), "0", 1).await;
    match result {
        Err(TransportError::Offline(reason)) => assert!(reason.contains("https"), "{reason}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn headers_sent_a_byte_a_second_end_in_a_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let Ok((mut conn, _)) = listener.accept() else {
            return;
        };
        for b in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" {
            if conn.write_all(&[*b]).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    });
    let started = Instant::now();
    let client = Client::new(&base, Duration::from_secs(3));
    let (result, log) = client.receipts(&Secret::new("t"), "0", 1).await;
    assert!(
        matches!(result, Err(TransportError::Dropped(_))),
        "{result:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(15));
    assert_eq!(log.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issuer_keys_are_trusted_on_first_use_and_merged_never_replaced() {
    let first = Mock::start(&[]);
    let second = Mock::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("portdesk.db")).await.unwrap();
    let cache = dir.path().join(portdesk_seal::offline::KEY_CACHE_FILE);
    let fetch = |base: String| {
        let store = store.clone();
        let cache = cache.clone();
        async move {
            fetch_published_keys(&Client::new(&base, Duration::from_secs(10)), &store, &cache).await
        }
    };
    assert_eq!(fetch(first.base.clone()).await.unwrap(), 1);
    let trusted_first = std::fs::read_to_string(&cache).unwrap();
    // Another database, another key: added beside the first.
    assert_eq!(fetch(second.base.clone()).await.unwrap(), 2);
    assert_eq!(fetch(first.base.clone()).await.unwrap(), 2);
    let both = std::fs::read_to_string(&cache).unwrap();

    // A server that offers the first key id with another key, or an empty
    // list, or junk: the trusted keys stay exactly as they were.
    let first_key: serde_json::Value =
        serde_json::from_str::<Vec<serde_json::Value>>(&trusted_first)
            .unwrap()
            .remove(0);
    let second_keys: Vec<serde_json::Value> = serde_json::from_str(&both).unwrap();
    let other = second_keys
        .iter()
        .find(|k| k["kid"] != first_key["kid"])
        .unwrap();
    let mut swapped = first_key.clone();
    swapped["x"] = other["x"].clone();
    let swapped = serde_json::to_vec(&vec![swapped]).unwrap();
    for body in [swapped, b"[]".to_vec(), b"<html>".to_vec()] {
        let server = Scripted::start(move |_| http("200 OK", "application/json", &body));
        let result = fetch(server.base.clone()).await;
        if let Ok(n) = result {
            assert_eq!(n, 2, "nothing removed");
        }
        assert_eq!(std::fs::read_to_string(&cache).unwrap(), both);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn absurd_retry_after_values_park_an_entry_an_hour_at_most_and_panic_nothing() {
    // Every filing answered 429 with a delay past the year 2058 or past
    // the end of chrono's range, in the header and in the body.
    for secs in ["1000000000", "99999999999999"] {
        let body =
            format!(r#"{{"code":"rate_limited","message":"slow down","retry_after_secs":{secs}}}"#);
        let server = Scripted::start(move |head| {
            if head.starts_with("POST /v1/declarations") {
                let mut reply = format!(
                    "HTTP/1.1 429 Too Many Requests\r\nRetry-After: {secs}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                )
                .into_bytes();
                reply.extend_from_slice(body.as_bytes());
                reply
            } else {
                http(
                    "200 OK",
                    "application/json",
                    br#"{"receipts":[],"next":"0","has_more":false}"#,
                )
            }
        });
        let dir = tempfile::tempdir().unwrap();
        let drafts = open_drafts(dir.path()).await;
        create_and_file(&drafts, 2).await;
        drop(drafts);
        let (store, mut worker) = worker_on(&server.base, dir.path(), SyncConfig::default()).await;
        let err = worker
            .run_until_idle(Duration::from_secs(2))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "timeout", "{err}");
        let latest = chrono::Utc::now() + chrono::Duration::seconds(3600 + 60);
        for e in store.outbox_entries().await.unwrap() {
            assert_eq!(e.state, portdesk_store::EntryState::RetryWait, "{e:?}");
            assert!(
                e.next_attempt_at <= latest,
                "{secs}: parked until {}",
                e.next_attempt_at
            );
        }
        // A restart reads the stored instants back without a panic.
        let (_, mut again) = worker_on(&server.base, dir.path(), SyncConfig::default()).await;
        assert_eq!(
            again
                .run_until_idle(Duration::from_millis(500))
                .await
                .unwrap_err()
                .code(),
            "timeout"
        );
    }
}
