//! The request log (`--request-log`, always on under testkit): every /v1
//! write as received, before faults or handlers, and nothing else.

use std::io::Write;

use crate::common::*;
use portdesk_testkit::LoggedRequest;
use serde_json::json;

fn logged(path: &str, key: &str, csn: &str) -> LoggedRequest {
    LoggedRequest {
        method: "POST".into(),
        path: path.into(),
        idempotency_key: Some(key.into()),
        client_seq_no: Some(csn.into()),
    }
}

#[tokio::test]
async fn every_write_is_logged_before_it_is_handled() {
    let m = Mock::start(&[]).await;
    let token = m.token(BROKER).await;
    let a = submission(export_declaration("PDLOG0000000000001"));
    let b = submission(export_declaration("PDLOG0000000000002"));
    assert_eq!(
        m.post(&token, "/v1/declarations", "log-a", &a)
            .await
            .status(),
        201
    );
    // The same filing again under its key: replayed, and logged again.
    let r = m.post(&token, "/v1/declarations", "log-a", &a).await;
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    assert_eq!(
        m.post(&token, "/v1/declarations", "log-b", &b)
            .await
            .status(),
        201
    );
    // Reads are not logged, nor logins (above).
    assert_eq!(m.get(&token, "/v1/receipts").await.status(), 200);
    // A write a fault answers for is logged all the same.
    m.set_faults(json!({"error_5xx_rate": 1.0})).await;
    let c = submission(export_declaration("PDLOG0000000000003"));
    assert_eq!(
        m.post(&token, "/v1/declarations", "log-c", &c)
            .await
            .status(),
        503
    );
    m.set_faults(json!({})).await;
    // No key, no document id: both null.
    let r = m
        .http
        .post(m.url("/v1/declarations"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("[]")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    let expected = vec![
        logged("/v1/declarations", "log-a", "PDLOG0000000000001"),
        logged("/v1/declarations", "log-a", "PDLOG0000000000001"),
        logged("/v1/declarations", "log-b", "PDLOG0000000000002"),
        logged("/v1/declarations", "log-c", "PDLOG0000000000003"),
        LoggedRequest {
            method: "POST".into(),
            path: "/v1/declarations".into(),
            idempotency_key: None,
            client_seq_no: None,
        },
    ];
    assert_eq!(m.process().requests(), expected);

    // A line torn by a kill mid-write is skipped by the reader.
    let path = m.process().dir().join("requests.jsonl");
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(br#"{"method":"POST","pa"#)
        .unwrap();
    assert_eq!(m.process().requests(), expected);
}
