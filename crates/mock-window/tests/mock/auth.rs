//! Login, token expiry (server clock and control endpoint), refresh, and
//! tenant isolation.

use crate::common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn login_expiry_and_refresh() {
    let m = Mock::start(&["--token-ttl-secs", "600"]).await;
    // The documented demo login.
    let r = m.login(DEMO_CODE, "op01", "demo1234").await;
    assert_eq!(r.status(), 200);
    let t: Value = r.json().await.unwrap();
    assert_eq!(t["token_type"], "Bearer");
    assert_eq!(t["expires_in"], 600);
    assert_eq!(t["enterprise"]["credit_rating"], "advanced_certified");
    let token = t["token"].as_str().unwrap().to_owned();

    // Wrong password and no token: `unauthorized`.
    let r = m.login(DEMO_CODE, "op01", "wrong").await;
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "unauthorized");
    let r = m.http.get(m.url("/v1/receipts")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "unauthorized");
    let r = m.get("mwa_not-a-token", "/v1/receipts").await;
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "unauthorized");

    assert_eq!(m.get(&token, "/v1/receipts").await.status(), 200);
    // Past the TTL on the server clock: `token_expired`.
    m.advance_clock(601).await;
    let r = m.get(&token, "/v1/receipts").await;
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "token_expired");

    // Refresh gives a working token; the refresh token is single-use.
    let refresh = t["refresh_token"].as_str().unwrap();
    let r = m
        .http
        .post(m.url("/v1/auth/refresh"))
        .json(&json!({"refresh_token": refresh}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let t2: Value = r.json().await.unwrap();
    let token2 = t2["token"].as_str().unwrap().to_owned();
    assert_ne!(token2, token);
    assert_eq!(m.get(&token2, "/v1/receipts").await.status(), 200);
    let r = m
        .http
        .post(m.url("/v1/auth/refresh"))
        .json(&json!({"refresh_token": refresh}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // The token-expiry fault: every live access token expires at once.
    let expired = m
        .control(reqwest::Method::POST, "/control/expire-tokens", None)
        .await;
    assert!(expired["expired"].as_u64().unwrap() >= 1);
    let r = m.get(&token2, "/v1/receipts").await;
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "token_expired");
    // Writes too are refused with `token_expired`, before the key is looked at.
    let r = m
        .post(
            &token2,
            "/v1/declarations",
            "k",
            &submission(export_declaration("PD0000000000000001")),
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "token_expired");
}

#[tokio::test]
async fn an_enterprise_never_sees_another_enterprises_filings() {
    let m = Mock::start(&[]).await;
    let broker = m.token(BROKER).await;
    let other = m.token(DEMO_CODE).await;
    let r = m
        .post(
            &broker,
            "/v1/declarations",
            "iso-1",
            &submission(export_declaration("PDISO0000000000001")),
        )
        .await;
    assert_eq!(r.status(), 201);
    let a: Value = r.json().await.unwrap();
    let seq_no = a["seq_no"].as_str().unwrap();
    assert_eq!(
        m.get(&broker, &format!("/v1/declarations/{seq_no}"))
            .await
            .status(),
        200
    );

    // Another enterprise: 404 with no data, on read and on write.
    let r = m.get(&other, &format!("/v1/declarations/{seq_no}")).await;
    assert_eq!(r.status(), 404);
    let body = r.text().await.unwrap();
    assert!(!body.contains("PDISO0000000000001"), "{body}");
    let r = m
        .post(
            &other,
            &format!("/v1/declarations/{seq_no}/amendments"),
            "iso-2",
            &json!({"client_seq_no": "AM1", "reason": "other"}),
        )
        .await;
    assert_eq!(r.status(), 404);
    let list: Value = m
        .get(&other, "/v1/declarations?client_seq_no=PDISO0000000000001")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    // Nor its receipts.
    let receipts = m.all_receipts(&other).await;
    assert!(receipts.iter().all(|r| r["seq_no"] != seq_no));
    // The owner finds it by client document id.
    let list: Value = m
        .get(&broker, "/v1/declarations?client_seq_no=PDISO0000000000001")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["seq_no"], seq_no);
}
