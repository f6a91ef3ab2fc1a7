//! The receipt cursor: no loss and no repeat across pages and across a
//! server restart (kill -9) with reviews pending; filings, receipts and
//! idempotent answers survive the restart.

use std::collections::HashSet;
use std::time::Duration;

use crate::common::*;
use serde_json::Value;

async fn page(m: &Mock, token: &str, since: &str, limit: u32) -> Value {
    m.get(token, &format!("/v1/receipts?since={since}&limit={limit}"))
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn cursor_survives_pages_and_restart() {
    // A slow pace so reviews are still pending when the server dies.
    let mut m = Mock::start(&["--review-pace-ms", "400"]).await;
    let token = m.token(BROKER).await;
    let mut seqs = Vec::new();
    let mut first_answer = None;
    for i in 0..3 {
        let body = submission(export_declaration(&format!("PDCURS00000000000{i}")));
        let r = m
            .post(&token, "/v1/declarations", &format!("cur-{i}"), &body)
            .await;
        assert_eq!(r.status(), 201);
        let bytes = r.bytes().await.unwrap();
        let a: Value = serde_json::from_slice(&bytes).unwrap();
        seqs.push(a["seq_no"].as_str().unwrap().to_owned());
        if i == 0 {
            first_answer = Some((body, bytes));
        }
    }
    // Read part of the feed in pages of 2 before the restart.
    let mut seen: Vec<Value> = Vec::new();
    let mut since = "0".to_owned();
    tokio::time::sleep(Duration::from_millis(450)).await;
    for _ in 0..2 {
        let p = page(&m, &token, &since, 2).await;
        seen.extend(p["receipts"].as_array().unwrap().iter().cloned());
        since = p["next"].as_str().unwrap().to_owned();
    }
    assert!(!seen.is_empty());

    // kill -9 and start again on the same file, with a quick pace.
    m.restart_with(&["--review-pace-ms", "50"]).await;
    // The token is persisted (hashed) too.
    let token2 = token.clone();
    for s in &seqs {
        m.wait_status(&token2, s, "closed").await;
    }
    loop {
        let p = page(&m, &token2, &since, 2).await;
        let rs = p["receipts"].as_array().unwrap();
        seen.extend(rs.iter().cloned());
        since = p["next"].as_str().unwrap().to_owned();
        if !p["has_more"].as_bool().unwrap() && rs.is_empty() {
            break;
        }
    }
    // Nothing lost, nothing repeated, ascending cursors, L→G→P→R each.
    let cursors: Vec<i64> = seen
        .iter()
        .map(|r| r["cursor"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(cursors.windows(2).all(|w| w[0] < w[1]), "{cursors:?}");
    assert_eq!(cursors.iter().collect::<HashSet<_>>().len(), cursors.len());
    assert_eq!(seen, m.all_receipts(&token2).await, "paged = whole feed");
    for s in &seqs {
        assert_eq!(codes_of(&seen, s), ["L", "G", "P", "R"], "{s}");
    }
    // An empty page keeps the cursor.
    let p = page(&m, &token2, &since, 2).await;
    assert_eq!(p["next"], since.as_str());

    // The idempotent answer survived: byte-identical replay after the restart.
    let (body, bytes) = first_answer.unwrap();
    let r = m.post(&token2, "/v1/declarations", "cur-0", &body).await;
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    assert_eq!(r.bytes().await.unwrap(), bytes);
    // And the filing: same ids by client document id.
    let list: Value = m
        .get(&token2, "/v1/declarations?client_seq_no=PDCURS000000000000")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"][0]["seq_no"], seqs[0].as_str());
}
