//! What a client can hold of the server: headers sent slowly are cut off,
//! idle connections are closed, connections beyond the cap wait without
//! stopping the server, and bodies beyond the limit are refused.

use std::time::Duration;

use crate::common::*;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads until the server closes the connection; what it sent.
async fn read_to_close(mut s: tokio::net::tcp::OwnedReadHalf) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    out
}

#[tokio::test]
async fn a_client_dripping_its_headers_is_cut_off() {
    let m = Mock::start(&["--header-read-timeout-ms", "400"]).await;
    let stream = TcpStream::connect(("127.0.0.1", m.process().port()))
        .await
        .unwrap();
    let (read, mut write) = stream.into_split();
    let reader = tokio::spawn(read_to_close(read));
    // 300 bytes at one per 50 ms would take 15 s; the server allows 0.4 s.
    let request = format!(
        "GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: {}\r\n\r\n",
        "a".repeat(250)
    );
    let mut sent = 0;
    for b in request.as_bytes() {
        if reader.is_finished() || write.write_all(&[*b]).await.is_err() {
            break;
        }
        sent += 1;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        sent < request.len(),
        "the server waited for all {sent} bytes"
    );
    let answer = String::from_utf8_lossy(&reader.await.unwrap()).into_owned();
    assert!(!answer.contains("200 OK"), "{answer}");
    // The server itself is fine.
    let r = m.http.get(m.url("/openapi.json")).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn an_idle_connection_is_closed_after_the_idle_timeout() {
    // Header timeout far away: only the idle timeout can close it.
    let m = Mock::start(&[
        "--header-read-timeout-ms",
        "3600000",
        "--idle-timeout-ms",
        "300",
    ])
    .await;
    let stream = TcpStream::connect(("127.0.0.1", m.process().port()))
        .await
        .unwrap();
    let (read, mut write) = stream.into_split();
    let reader = tokio::spawn(read_to_close(read));
    write
        .write_all(b"GET /v1/keys HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    // Keep-alive: after its answer the connection stays open, idle, until
    // the server closes it. (The bound only stops a broken build hanging.)
    let answer = tokio::time::timeout(Duration::from_secs(60), reader)
        .await
        .expect("the idle connection was never closed")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn connections_beyond_the_cap_do_not_stop_the_server() {
    let m = Mock::start(&["--max-connections", "2", "--header-read-timeout-ms", "300"]).await;
    let port = m.process().port();
    // Four sockets that never send a byte: two are served (and time out),
    // two wait to be accepted (and then time out in turn).
    let mut readers = Vec::new();
    let mut writers = Vec::new();
    for _ in 0..4 {
        let (read, write) = TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap()
            .into_split();
        readers.push(tokio::spawn(read_to_close(read)));
        writers.push(write);
    }
    // A real request still gets its answer.
    let r = m.http.get(m.url("/openapi.json")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    for r in readers {
        assert!(r.await.unwrap().is_empty(), "closed without an answer");
    }
}

#[tokio::test]
async fn a_body_beyond_the_limit_is_refused_with_413() {
    let m = Mock::start(&["--body-limit-bytes", "2048"]).await;
    let token = m.token(BROKER).await;
    let big = json!({"customs_code": "x".repeat(4096), "operator": "op01", "password": "p"});
    let r = m
        .http
        .post(m.url("/v1/auth/login"))
        .json(&big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "invalid_body");
    // A write through the guard (and the request log) too.
    let mut filing = submission(export_declaration("PDBIG0000000000001"));
    filing["declaration"]["head"]["marks"] = json!("M".repeat(4096));
    let r = m.post(&token, "/v1/declarations", "big-1", &filing).await;
    assert_eq!(r.status(), 413);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "invalid_body");
    assert!(body["message"].as_str().unwrap().contains("2048"), "{body}");
    // And /control.
    let r = m
        .control_request(reqwest::Method::PUT, "/control/faults")
        .json(&json!({"seed": 1, "pad": "p".repeat(4096)}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
}
