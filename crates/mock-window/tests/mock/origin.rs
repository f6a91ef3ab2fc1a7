//! Certificates of origin over HTTP against the real binary: smart review
//! (approve, reject, manual), the issued certificate's signature and QR
//! seal checked with the published key, the public verification service,
//! idempotency, tenant isolation, and the sealing key across restarts.

use std::time::Duration;

use crate::common::*;
use chrono::{NaiveDate, Utc};
use portdesk_domain::origin::CertifiedFields;
use portdesk_seal::PublicSeal;
use serde_json::{json, Value};

/// The exporter of the origin fixtures: Dalian Northern Steel I&E.
const EXPORTER: &str = "2102930001";

fn fixture(name: &str, client_seq_no: &str) -> Value {
    let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["client_seq_no"] = json!(client_seq_no);
    v
}

async fn submit(m: &Mock, token: &str, key: &str, app: &Value) -> (u16, Value) {
    let r = m.post(token, "/v1/origin-applications", key, app).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

/// Polls (bounded) until the application reaches `status`.
async fn wait(m: &Mock, token: &str, seq_no: &str, status: &str) -> Value {
    for _ in 0..200 {
        let v: Value = m
            .get(token, &format!("/v1/origin-applications/{seq_no}"))
            .await
            .json()
            .await
            .unwrap();
        if v["status"] == status {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{seq_no} never reached {status}");
}

async fn keys(m: &Mock) -> Vec<PublicSeal> {
    let r = m.http.get(m.url("/v1/keys")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn verify(m: &Mock, number: &str, invoice: &str) -> reqwest::Response {
    m.http
        .get(m.url(&format!(
            "/v1/certificates/verify?number={number}&invoice={invoice}"
        )))
        .send()
        .await
        .unwrap()
}

fn receipt_codes(receipts: &[Value], seq_no: &str) -> Vec<String> {
    receipts
        .iter()
        .filter(|r| r["seq_no"] == seq_no)
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn approved_certificate_is_sealed_verifiable_and_expires() {
    let m = Mock::start(&[]).await;
    let token = m.token(EXPORTER).await;
    let app = fixture("origin-e-valid.json", "PDCOO0000000000001");
    let (status, a) = submit(&m, &token, "coo-1", &app).await;
    assert_eq!(status, 201, "{a}");
    assert_eq!(a["status"], "accepted");
    assert_eq!(a["receipts"][0]["code"], "COO-L");
    assert!(a["certificate"].is_null());
    let seq_no = a["seq_no"].as_str().unwrap().to_owned();

    let v = wait(&m, &token, &seq_no, "approved").await;
    let cert = &v["certificate"];
    let number = cert["number"].as_str().unwrap();
    assert_eq!(number.len(), 16);
    assert!(number.starts_with('E'), "form letter: {number}");
    assert_eq!(
        &number[3..12],
        "210230001",
        "registration no. of {EXPORTER}"
    );
    assert_eq!(
        v["application"], app,
        "print data = the application as filed"
    );
    let issue =
        NaiveDate::parse_from_str(cert["issue_date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let expiry =
        NaiveDate::parse_from_str(cert["expiry_date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    assert_eq!(expiry, portdesk_domain::origin::expiry_date(issue));

    // The detached signature and the QR seal verify with the published key.
    let keys = keys(&m).await;
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].key_id(), cert["key_id"].as_str().unwrap());
    let certified: CertifiedFields = serde_json::from_value(cert["certified"].clone()).unwrap();
    assert_eq!(certified.certificate_number, number);
    let signature = cert["signature"].as_str().unwrap();
    portdesk_seal::verify_fields(&keys[0], &certified, signature).unwrap();
    let sealed = portdesk_seal::open(cert["qr_text"].as_str().unwrap(), &keys, issue).unwrap();
    assert!(sealed.matches(&certified));
    assert_eq!(sealed.invoice_number, "HSJ2026117");

    // A changed certified field fails both.
    let mut tampered = certified.clone();
    tampered.items[0].quantity = "255".into();
    assert!(portdesk_seal::verify_fields(&keys[0], &tampered, signature).is_err());
    assert!(!sealed.matches(&tampered));
    let mut tampered = certified.clone();
    tampered.consignee_name = "SOMEONE ELSE".into();
    assert!(portdesk_seal::verify_fields(&keys[0], &tampered, signature).is_err());

    // Receipts in the common feed.
    let receipts = m.all_receipts(&token).await;
    assert_eq!(receipt_codes(&receipts, &seq_no), ["COO-L", "COO-A"]);

    // The public verification service: no token needed.
    let r = verify(&m, number, "HSJ2026117").await;
    assert_eq!(r.status(), 200);
    let found: Value = r.json().await.unwrap();
    assert_eq!(found["valid"], true);
    assert_eq!(found["state"], "valid");
    assert_eq!(found["signature"], cert["signature"]);
    assert_eq!(found["certified"], cert["certified"]);
    assert_eq!(verify(&m, number, "HSJ2026999").await.status(), 404);
    assert_eq!(
        verify(&m, "E26999999999999", "HSJ2026117").await.status(),
        404
    );

    // 366 days on: still found, no longer valid.
    m.advance_clock(366 * 24 * 3600).await;
    let found: Value = verify(&m, number, "HSJ2026117").await.json().await.unwrap();
    assert_eq!(found["valid"], false);
    assert_eq!(found["state"], "expired");
    // The seal itself says so too, offline.
    let today = Utc::now().date_naive() + chrono::Duration::days(366);
    assert!(portdesk_seal::open(cert["qr_text"].as_str().unwrap(), &keys, today).is_err());
}

#[tokio::test]
async fn failing_smart_review_is_rejected_with_coo_rules() {
    let m = Mock::start(&[]).await;
    let token = m.token(EXPORTER).await;
    let app = fixture("origin-e-invalid.json", "PDCOO0000000000002");
    let (status, a) = submit(&m, &token, "coo-bad", &app).await;
    assert_eq!(status, 201, "{a}");
    let seq_no = a["seq_no"].as_str().unwrap().to_owned();
    let v = wait(&m, &token, &seq_no, "rejected").await;
    assert!(v["certificate"].is_null());
    let reasons = v["reasons"].as_array().unwrap();
    assert!(!reasons.is_empty());
    let rules: Vec<&str> = reasons
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert!(rules.iter().all(|r| r.starts_with("COO-")), "{rules:?}");
    assert!(rules.contains(&"COO-ASCII"), "{rules:?}");
    assert!(reasons.iter().all(|r| r["field"].is_string()
        && r["message_zh"].is_string()
        && r["message_en"].is_string()));
    let receipts = m.all_receipts(&token).await;
    assert_eq!(receipt_codes(&receipts, &seq_no), ["COO-L", "COO-E"]);
    let e = receipts.iter().find(|r| r["code"] == "COO-E").unwrap();
    assert_eq!(e["reasons"], v["reasons"]);

    // Sent again, corrected: the same application is reviewed again.
    let fixed = fixture("origin-e-valid.json", "PDCOO0000000000002");
    let (status, again) = submit(&m, &token, "coo-bad-2", &fixed).await;
    assert_eq!(status, 200);
    assert_eq!(again["seq_no"], seq_no.as_str());
    assert_eq!(again["status"], "accepted");
    wait(&m, &token, &seq_no, "approved").await;
}

#[tokio::test]
async fn manual_review_is_routed_and_resolved_by_control() {
    let m = Mock::start(&[]).await;
    let token = m.token(EXPORTER).await;
    let mut app = fixture("origin-e-valid.json", "PDCOO0000000000003");
    app["remarks"] = json!("#MANUAL please");
    let (_, a) = submit(&m, &token, "coo-man-1", &app).await;
    let seq1 = a["seq_no"].as_str().unwrap().to_owned();
    let mut app2 = fixture("origin-e-valid.json", "PDCOO0000000000004");
    app2["items"][0]["description"] = json!("FIVE (5) PALLETS OF DUAL-USE STEEL COILS ***");
    let (_, a) = submit(&m, &token, "coo-man-2", &app2).await;
    let seq2 = a["seq_no"].as_str().unwrap().to_owned();
    wait(&m, &token, &seq1, "manual_review").await;
    wait(&m, &token, &seq2, "manual_review").await;
    // It stays there: review does not decide it by itself.
    tokio::time::sleep(Duration::from_millis(200)).await;
    wait(&m, &token, &seq1, "manual_review").await;

    let decide = |seq: String, body: Value| {
        let m = &m;
        async move {
            m.control_request(
                reqwest::Method::POST,
                &format!("/control/origin/{seq}/decide"),
            )
            .json(&body)
            .send()
            .await
            .unwrap()
        }
    };
    let r = decide(seq1.clone(), json!({"approve": true, "reason": "checked"})).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "approved");
    assert_eq!(v["certificate"]["number"].as_str().unwrap().len(), 16);

    let r = decide(
        seq2.clone(),
        json!({"approve": false, "reason": "licence missing"}),
    )
    .await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "rejected");
    assert_eq!(v["reasons"][0]["rule"], "SW-ORIGIN-MANUAL");
    assert!(v["reasons"][0]["message_en"]
        .as_str()
        .unwrap()
        .contains("licence missing"));
    // Decided once only.
    let r = decide(seq2.clone(), json!({"approve": true})).await;
    assert_eq!(r.status(), 409);
    assert_eq!(
        decide("CO0000000000000000".into(), json!({"approve": true}))
            .await
            .status(),
        404
    );

    let receipts = m.all_receipts(&token).await;
    assert_eq!(receipt_codes(&receipts, &seq1), ["COO-L", "COO-M", "COO-A"]);
    assert_eq!(receipt_codes(&receipts, &seq2), ["COO-L", "COO-M", "COO-E"]);
}

#[tokio::test]
async fn writes_are_idempotent_and_one_per_client_seq_no() {
    let m = Mock::start(&[]).await;
    let token = m.token(EXPORTER).await;
    let app = fixture("origin-e-valid.json", "PDCOO0000000000005");
    let r1 = m
        .post(&token, "/v1/origin-applications", "coo-idem", &app)
        .await;
    assert_eq!(r1.status(), 201);
    let b1 = r1.bytes().await.unwrap();
    // Same key, same body: the stored answer, byte for byte.
    let r2 = m
        .post(&token, "/v1/origin-applications", "coo-idem", &app)
        .await;
    assert_eq!(r2.status(), 201);
    assert_eq!(r2.headers()["idempotent-replayed"], "true");
    assert_eq!(r2.bytes().await.unwrap(), b1);
    // Same key, another body: refused.
    let other = fixture("origin-e-valid.json", "PDCOO0000000000006");
    let r3 = m
        .post(&token, "/v1/origin-applications", "coo-idem", &other)
        .await;
    assert_eq!(r3.status(), 422);
    // New key, same client document id: the existing application.
    let first: Value = serde_json::from_slice(&b1).unwrap();
    let (status, again) = submit(&m, &token, "coo-idem-2", &app).await;
    assert_eq!(status, 200);
    assert_eq!(again["seq_no"], first["seq_no"]);
    // No key, no client_seq_no: refused.
    let r = m
        .http
        .post(m.url("/v1/origin-applications"))
        .bearer_auth(&token)
        .json(&app)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let (status, _) = submit(
        &m,
        &token,
        "coo-idem-3",
        &fixture("origin-e-valid.json", ""),
    )
    .await;
    assert_eq!(status, 400);
    let seq_no = first["seq_no"].as_str().unwrap();
    wait(&m, &token, seq_no, "approved").await;
    let receipts = m.all_receipts(&token).await;
    assert_eq!(
        receipt_codes(&receipts, seq_no),
        ["COO-L", "COO-A"],
        "reviewed once"
    );
}

#[tokio::test]
async fn applications_are_tenant_isolated() {
    let m = Mock::start(&[]).await;
    let owner = m.token(EXPORTER).await;
    let other = m.token(DEMO_CODE).await;
    let app = fixture("origin-e-valid.json", "PDCOO0000000000007");
    let (_, a) = submit(&m, &owner, "coo-ten", &app).await;
    let seq_no = a["seq_no"].as_str().unwrap().to_owned();
    assert_eq!(
        m.get(&other, &format!("/v1/origin-applications/{seq_no}"))
            .await
            .status(),
        404
    );
    assert_eq!(
        m.get(&owner, &format!("/v1/origin-applications/{seq_no}"))
            .await
            .status(),
        200
    );
    // The same client id is another enterprise's own application; filed by
    // someone who is not the exporter, it fails the exporter check.
    let (status, b) = submit(&m, &other, "coo-ten", &app).await;
    assert_eq!(status, 201);
    assert_ne!(b["seq_no"], seq_no.as_str());
    let v = wait(&m, &other, b["seq_no"].as_str().unwrap(), "rejected").await;
    assert!(v["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["rule"] == "COO-EXPORTER"));
    assert!(receipt_codes(&m.all_receipts(&other).await, &seq_no).is_empty());
}

#[tokio::test]
async fn sealing_key_survives_a_restart() {
    let mut m = Mock::start(&[]).await;
    let token = m.token(EXPORTER).await;
    let kid = keys(&m).await[0].key_id();
    let (_, a) = submit(
        &m,
        &token,
        "coo-rs",
        &fixture("origin-e-valid.json", "PDCOO0000000000008"),
    )
    .await;
    let seq_no = a["seq_no"].as_str().unwrap().to_owned();
    let before = wait(&m, &token, &seq_no, "approved").await;
    m.restart_with(&[]).await;
    let after_keys = keys(&m).await;
    assert_eq!(after_keys[0].key_id(), kid, "same key after restart");
    let certified: CertifiedFields =
        serde_json::from_value(before["certificate"]["certified"].clone()).unwrap();
    portdesk_seal::verify_fields(
        &after_keys[0],
        &certified,
        before["certificate"]["signature"].as_str().unwrap(),
    )
    .unwrap();

    // With --seal-key, the key lives in that PEM file instead.
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("seal.pem");
    let flag = pem.display().to_string();
    m.restart_with(&["--seal-key", &flag]).await;
    let file_kid = keys(&m).await[0].key_id();
    assert_ne!(file_kid, kid, "a new key in the new file");
    let text = std::fs::read_to_string(&pem).unwrap();
    assert!(text.starts_with("-----BEGIN PRIVATE KEY-----"));
    m.restart_with(&["--seal-key", &flag]).await;
    assert_eq!(keys(&m).await[0].key_id(), file_kid);
    // The private key is in no answer.
    let token = m.token(EXPORTER).await;
    let body = m
        .get(&token, &format!("/v1/origin-applications/{seq_no}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!body.contains("PRIVATE KEY"));
}
