//! Answers a careful reviewer's server could send, over loopback from a
//! small scripted server: a 50 MiB receipt page, with its length declared
//! and without. The client refuses each beyond its limit for that kind of
//! answer, without reading it into memory or into the message log.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use portdesk_sync::client::{max_answer, Client, TransportError};
use portdesk_sync::Secret;

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
