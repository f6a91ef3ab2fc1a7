//! Idempotent writes: missing key, replay, different body, in flight,
//! same client document id under a new key or after the key expired, and
//! keys scoped per enterprise.

use std::time::Duration;

use crate::common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn idempotency_cases() {
    let m = Mock::start(&[]).await;
    let token = m.token(BROKER).await;
    let body = submission(export_declaration("PDIDEM000000000001"));

    // Missing key: 400, and nothing filed.
    let r = m
        .http
        .post(m.url("/v1/declarations"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<Value>().await.unwrap()["code"],
        "idempotency_key_missing"
    );
    assert!(m.all_receipts(&token).await.is_empty());

    // First write, then the same key + same body: byte-identical replay.
    let r1 = m.post(&token, "/v1/declarations", "key-1", &body).await;
    assert_eq!(r1.status(), 201);
    assert!(r1.headers().get("idempotent-replayed").is_none());
    let b1 = r1.bytes().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await; // review moves on meanwhile
    let r2 = m.post(&token, "/v1/declarations", "key-1", &body).await;
    assert_eq!(r2.status(), 201);
    assert_eq!(r2.headers()["idempotent-replayed"], "true");
    assert_eq!(r2.bytes().await.unwrap(), b1);

    // Same key, different body: 422.
    let other = submission(export_declaration("PDIDEM000000000002"));
    let r = m.post(&token, "/v1/declarations", "key-1", &other).await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json::<Value>().await.unwrap()["code"],
        "idempotency_key_reused"
    );

    // Same client document id under a new key: the existing filing (200).
    let first: Value = serde_json::from_slice(&b1).unwrap();
    let r = m.post(&token, "/v1/declarations", "key-2", &body).await;
    assert_eq!(r.status(), 200);
    let again: Value = r.json().await.unwrap();
    assert_eq!(again["seq_no"], first["seq_no"]);
    assert_eq!(again["entry_id"], first["entry_id"]);

    // After the key expired (default TTL one day): still the same filing.
    m.advance_clock(2 * 86_400).await;
    let token = m.token(BROKER).await;
    let r = m.post(&token, "/v1/declarations", "key-1", &body).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("idempotent-replayed").is_none());
    let late: Value = r.json().await.unwrap();
    assert_eq!(late["seq_no"], first["seq_no"]);
    let list: Value = m
        .get(&token, "/v1/declarations?client_seq_no=PDIDEM000000000001")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    // Keys are per enterprise: another enterprise's "key-1" is its own.
    let consignee = m.token("2102930001").await;
    let r = m
        .post(
            &consignee,
            "/v1/declarations",
            "key-1",
            &submission(export_declaration("PDIDEM000000000003")),
        )
        .await;
    assert_eq!(r.status(), 201);
}

#[tokio::test]
async fn a_key_in_flight_answers_409() {
    let m = Mock::start(&[]).await;
    let token = m.token(BROKER).await;
    // Latency holds the first request while its key is in flight.
    m.set_faults(json!({"latency_ms": 1500, "review_pace_ms": 50}))
        .await;
    let body = submission(export_declaration("PDFLIGHT0000000001"));
    let first = {
        let (http, url, token, body) = (
            m.http.clone(),
            m.url("/v1/declarations"),
            token.clone(),
            body.clone(),
        );
        tokio::spawn(async move {
            http.post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", "slow")
                .json(&body)
                .send()
                .await
                .unwrap()
        })
    };
    tokio::time::sleep(Duration::from_millis(400)).await;
    let r = m.post(&token, "/v1/declarations", "slow", &body).await;
    assert_eq!(r.status(), 409);
    assert_eq!(
        r.json::<Value>().await.unwrap()["code"],
        "idempotency_key_in_flight"
    );
    let first = first.await.unwrap();
    assert_eq!(first.status(), 201);
    let b1 = first.bytes().await.unwrap();
    m.set_faults(json!({"review_pace_ms": 50})).await;
    let r = m.post(&token, "/v1/declarations", "slow", &body).await;
    assert_eq!(r.bytes().await.unwrap(), b1);
}
