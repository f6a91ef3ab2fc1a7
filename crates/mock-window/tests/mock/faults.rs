//! Each fault knob: latency, 5xx (seed-reproducible), commit-then-fail (500
//! and drop), 429 with Retry-After, dropped connections, slow review; and
//! /control and /openapi.json are never faulted.

use std::time::{Duration, Instant};

use crate::common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn latency_is_added() {
    let m = Mock::start(&["--fault-latency-ms", "300"]).await;
    let token = m.token(BROKER).await;
    let t = Instant::now();
    assert_eq!(m.get(&token, "/v1/receipts").await.status(), 200);
    assert!(
        t.elapsed() >= Duration::from_millis(300),
        "{:?}",
        t.elapsed()
    );
    // The control surface is never slowed.
    let t = Instant::now();
    m.control(reqwest::Method::GET, "/control/faults", None)
        .await;
    assert!(t.elapsed() < Duration::from_millis(300));
}

/// Status codes of `n` fresh writes.
async fn statuses(m: &Mock, token: &str, tag: &str, n: usize) -> Vec<u16> {
    let mut out = Vec::new();
    for i in 0..n {
        let body = submission(export_declaration(&format!("PD5XX{tag}{i:011}")));
        let r = m
            .post(token, "/v1/declarations", &format!("{tag}-{i}"), &body)
            .await;
        out.push(r.status().as_u16());
    }
    out
}

#[tokio::test]
async fn error_5xx_rate_is_reproducible_from_the_seed() {
    let m = Mock::start(&["--fault-5xx-rate", "0.5", "--seed", "7"]).await;
    let token = m.token(BROKER).await;
    let a = statuses(&m, &token, "A", 12).await;
    assert!(a.contains(&503) && a.contains(&201), "{a:?}");
    // Same seed again (setting it restarts the RNG): the same sequence.
    m.set_faults(json!({"error_5xx_rate": 0.5, "seed": 7, "review_pace_ms": 50}))
        .await;
    let b = statuses(&m, &token, "B", 12).await;
    assert_eq!(a, b);
    // 503 came before any work: only the 201s made filings.
    let list: Value = m
        .get(&token, "/v1/declarations")
        .await
        .json()
        .await
        .unwrap();
    let made = a.iter().chain(&b).filter(|s| **s == 201).count();
    assert_eq!(list["items"].as_array().unwrap().len(), made);
    // The answer is a JSON error body.
    m.set_faults(json!({"error_5xx_rate": 1.0})).await;
    let r = m
        .post(
            &token,
            "/v1/declarations",
            "x",
            &submission(export_declaration("PD5XXC00000000000")),
        )
        .await;
    assert_eq!(r.status(), 503);
    assert_eq!(
        r.json::<Value>().await.unwrap()["code"],
        "service_unavailable"
    );
}

#[tokio::test]
async fn commit_then_fail_then_retry_replays_the_committed_answer() {
    let m = Mock::start(&["--fault-commit-then-fail-rate", "1"]).await;
    let token = m.token(BROKER).await;
    let body = submission(export_declaration("PDCTF0000000000001"));
    let r = m.post(&token, "/v1/declarations", "ctf", &body).await;
    assert_eq!(r.status(), 500);
    m.set_faults(json!({"review_pace_ms": 50})).await;
    let r = m.post(&token, "/v1/declarations", "ctf", &body).await;
    assert_eq!(r.status(), 201, "the committed answer");
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["client_seq_no"], "PDCTF0000000000001");
    let list: Value = m
        .get(&token, "/v1/declarations")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    // Drop mode: the client sees a connection error, the work is done.
    m.set_faults(json!({"commit_then_fail_rate": 1.0, "commit_then_fail_mode": "drop", "review_pace_ms": 50}))
        .await;
    let body = submission(export_declaration("PDCTF0000000000002"));
    let e = m
        .try_post(&token, "/v1/declarations", "ctf2", &body)
        .await
        .unwrap_err();
    assert!(!e.is_status(), "{e:?}");
    m.set_faults(json!({"review_pace_ms": 50})).await;
    let r = m.post(&token, "/v1/declarations", "ctf2", &body).await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["idempotent-replayed"], "true");
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let m = Mock::start(&["--fault-429-rate", "1", "--fault-retry-after-secs", "7"]).await;
    let token = m.token(BROKER).await;
    let r = m
        .post(
            &token,
            "/v1/declarations",
            "r",
            &submission(export_declaration("PD429000000000001")),
        )
        .await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "7");
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["code"], "rate_limited");
    assert_eq!(e["retry_after_secs"], 7);
    // Reads are spared unless asked for.
    assert_eq!(m.get(&token, "/v1/receipts").await.status(), 200);
    m.set_faults(json!({"rate_429": 1.0, "apply_to_reads": true}))
        .await;
    assert_eq!(m.get(&token, "/v1/receipts").await.status(), 429);
}

#[tokio::test]
async fn dropped_connection_is_a_connection_error() {
    let m = Mock::start(&["--fault-drop-rate", "1"]).await;
    let token = m.token(BROKER).await;
    let body = submission(export_declaration("PDDROP000000000001"));
    let e = m
        .try_post(&token, "/v1/declarations", "d", &body)
        .await
        .unwrap_err();
    assert!(e.is_request() || e.is_connect(), "{e:?}");
    assert!(e.status().is_none());
    // Nothing was done: after the fault is off, the write creates the filing.
    m.set_faults(json!({"review_pace_ms": 50})).await;
    let r = m.post(&token, "/v1/declarations", "d", &body).await;
    assert_eq!(r.status(), 201);
    assert!(r.headers().get("idempotent-replayed").is_none());
}

#[tokio::test]
async fn slow_review_delays_receipts() {
    let m = Mock::start(&["--review-pace-ms", "60000"]).await;
    let token = m.token(BROKER).await;
    let a: Value = m
        .post(
            &token,
            "/v1/declarations",
            "s",
            &submission(export_declaration("PDSLOW000000000001")),
        )
        .await
        .json()
        .await
        .unwrap();
    let seq = a["seq_no"].as_str().unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(codes_of(&m.all_receipts(&token).await, seq), ["L"]);
    // Moving the clock past the pace lets the next step through.
    m.advance_clock(61).await;
    let token = m.token(BROKER).await;
    m.wait_status(&token, seq, "cleared").await;
}

#[tokio::test]
async fn control_and_openapi_are_never_faulted() {
    let m = Mock::start(&[
        "--fault-5xx-rate",
        "1",
        "--fault-drop-rate",
        "1",
        "--fault-reads",
    ])
    .await;
    for _ in 0..3 {
        assert_eq!(
            m.http
                .get(m.url("/openapi.json"))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        m.control(reqwest::Method::GET, "/control/faults", None)
            .await;
        m.control(reqwest::Method::GET, "/control/clock", None)
            .await;
    }
    // Login neither.
    let _ = m.token(BROKER).await;
}
