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
    // Spent and presented again: the login's tokens are all revoked.
    let r = m.get(&token2, "/v1/receipts").await;
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "unauthorized");

    // The token-expiry fault: every live access token expires at once.
    let token2 = m.token(DEMO_CODE).await;
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

async fn refresh(m: &Mock, refresh_token: &str) -> reqwest::Response {
    m.http
        .post(m.url("/v1/auth/refresh"))
        .json(&json!({"refresh_token": refresh_token}))
        .send()
        .await
        .unwrap()
}

async fn pair(m: &Mock) -> (String, String) {
    let r = m.login(DEMO_CODE, "op01", "demo1234").await;
    assert_eq!(r.status(), 200);
    let t: Value = r.json().await.unwrap();
    (
        t["token"].as_str().unwrap().to_owned(),
        t["refresh_token"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn parallel_refreshes_spend_a_token_once() {
    let m = Mock::start(&[]).await;
    let (access, refresh_token) = pair(&m).await;
    // Another login of the same operator: a family of its own.
    let (other_access, _) = pair(&m).await;
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let http = m.http.clone();
            let url = m.url("/v1/auth/refresh");
            let body = json!({"refresh_token": refresh_token});
            tokio::spawn(async move {
                let r = http.post(url).json(&body).send().await.unwrap();
                let status = r.status().as_u16();
                (status, r.json::<Value>().await.unwrap())
            })
        })
        .collect();
    let mut won = Vec::new();
    let mut lost = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            200 => won.push(body),
            401 => {
                assert_eq!(body["code"], "unauthorized", "{body}");
                lost += 1;
            }
            other => panic!("refresh answered {other}: {body}"),
        }
    }
    assert_eq!(won.len(), 1, "exactly one refresh wins");
    assert_eq!(lost, 7);
    // The losers presented a spent token: the whole family is revoked,
    // the winner's new pair included.
    let new_access = won[0]["token"].as_str().unwrap();
    let r = m.get(new_access, "/v1/receipts").await;
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "unauthorized");
    assert_eq!(m.get(&access, "/v1/receipts").await.status(), 401);
    let r = refresh(&m, won[0]["refresh_token"].as_str().unwrap()).await;
    assert_eq!(r.status(), 401);
    // The other login is untouched.
    assert_eq!(m.get(&other_access, "/v1/receipts").await.status(), 200);
}

#[tokio::test]
async fn reusing_a_spent_refresh_token_revokes_its_family() {
    let m = Mock::start(&[]).await;
    let (_, r1) = pair(&m).await;
    let r = refresh(&m, &r1).await;
    assert_eq!(r.status(), 200);
    let t2: Value = r.json().await.unwrap();
    let a2 = t2["token"].as_str().unwrap();
    let r2 = t2["refresh_token"].as_str().unwrap();
    assert_eq!(m.get(a2, "/v1/receipts").await.status(), 200);
    // The family carries on through refreshes: a third generation.
    let r = refresh(&m, r2).await;
    assert_eq!(r.status(), 200);
    let t3: Value = r.json().await.unwrap();
    let a3 = t3["token"].as_str().unwrap();
    assert_eq!(m.get(a3, "/v1/receipts").await.status(), 200);

    // The first refresh token again (a stolen copy, say).
    let r = refresh(&m, &r1).await;
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("revoked"),
        "{body}"
    );
    for access in [a2, a3] {
        let r = m.get(access, "/v1/receipts").await;
        assert_eq!(r.status(), 401);
    }
    let r = refresh(&m, t3["refresh_token"].as_str().unwrap()).await;
    assert_eq!(r.status(), 401, "the newest refresh token is revoked too");
    // Logging in again works.
    let (a4, _) = pair(&m).await;
    assert_eq!(m.get(&a4, "/v1/receipts").await.status(), 200);
}

async fn auth_stats(m: &Mock) -> Value {
    m.control(reqwest::Method::GET, "/control/auth-stats", None)
        .await
}

#[tokio::test]
async fn login_is_throttled_after_wrong_passwords() {
    let m = Mock::start(&["--login-max-failures", "3"]).await;
    for _ in 0..3 {
        let r = m.login(DEMO_CODE, "op01", "wrong").await;
        assert_eq!(r.status(), 401);
    }
    let r = m.login(DEMO_CODE, "op01", "wrong").await;
    assert_eq!(r.status(), 429);
    let retry_after: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "rate_limited");
    assert_eq!(body["retry_after_secs"], retry_after);
    // Locked out: the right password too waits for the window.
    let r = m.login(DEMO_CODE, "op01", "demo1234").await;
    assert_eq!(r.status(), 429);
    // Another operator of the same enterprise is not.
    let r = m.login(DEMO_CODE, "op02", "demo5678").await;
    assert_eq!(r.status(), 200);
    assert_eq!(auth_stats(&m).await["throttled"], 2);
}

#[tokio::test]
async fn a_successful_login_forgives_earlier_typos() {
    let m = Mock::start(&["--login-max-failures", "3"]).await;
    for _ in 0..10 {
        assert_eq!(m.login(DEMO_CODE, "op01", "typo").await.status(), 401);
        assert_eq!(m.login(DEMO_CODE, "op01", "typo").await.status(), 401);
        assert_eq!(m.login(DEMO_CODE, "op01", "demo1234").await.status(), 200);
    }
}

#[tokio::test]
async fn login_is_throttled_per_address_across_operators() {
    let m = Mock::start(&["--login-max-failures-per-addr", "4"]).await;
    for op in ["op01", "op02", "op03", "op04"] {
        assert_eq!(m.login(DEMO_CODE, op, "wrong").await.status(), 401);
    }
    let r = m.login(BROKER, "op01", "demo1234").await;
    assert_eq!(r.status(), 429, "the address is over its limit");
    assert!(r.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn unknown_operators_are_checked_and_throttled_like_known_ones() {
    let m = Mock::start(&["--login-max-failures", "2"]).await;
    let before = auth_stats(&m).await["password_checks"].as_u64().unwrap();
    // An unknown operator of a known enterprise, and an unknown enterprise.
    for (code, op) in [(DEMO_CODE, "ghost"), ("9999999999", "op01")] {
        let r = m.login(code, op, "whatever").await;
        assert_eq!(r.status(), 401);
        let body: Value = r.json().await.unwrap();
        assert_eq!(
            body["message"], "wrong customs code, operator or password",
            "the same answer as a wrong password"
        );
    }
    let after = auth_stats(&m).await["password_checks"].as_u64().unwrap();
    assert_eq!(after - before, 2, "each went through a password check");
    assert_eq!(m.login(DEMO_CODE, "ghost", "x").await.status(), 401);
    // Two failures: the unknown operator is throttled like a real one.
    assert_eq!(m.login(DEMO_CODE, "ghost", "x").await.status(), 429);
}

/// The mock's peak resident memory in KiB (`VmHWM`), for the report.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test]
async fn parallel_wrong_logins_are_answered_without_unbounded_work() {
    let m = Mock::start(&[]).await;
    let tasks: Vec<_> = (0..128)
        .map(|i| {
            let http = m.http.clone();
            let url = m.url("/v1/auth/login");
            let body = json!({"customs_code": DEMO_CODE, "operator": "op01", "password": format!("guess{i}")});
            tokio::spawn(async move {
                let r = http.post(url).json(&body).send().await.unwrap();
                r.status().as_u16()
            })
        })
        .collect();
    let mut counts = std::collections::BTreeMap::<u16, u32>::new();
    for t in tasks {
        *counts.entry(t.await.unwrap()).or_default() += 1;
    }
    // Attempts in flight count as failures: exactly the limit (5) is ever
    // checked, every other guess is throttled at once.
    assert_eq!(
        counts,
        [(401, 5), (429, 123)].into_iter().collect(),
        "{counts:?}"
    );
    let stats = auth_stats(&m).await;
    assert_eq!(stats["password_checks"], 5);
    assert_eq!(stats["throttled"], 123);
    if let Some(kib) = peak_rss_kib(m.process().pid()) {
        eprintln!("mock-window peak RSS after 128 parallel wrong logins: {kib} KiB");
    }
}
