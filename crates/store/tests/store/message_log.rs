//! The message log stays bounded and trustworthy (migration 0008): large
//! bodies kept truncated with their size and hash, pages read in SQL,
//! rows outside filings pruned by the one path the trigger allows, rows of
//! filings never.

use chrono::{Duration, Utc};
use portdesk_store::{LogDirection, LogEntry, Store, LOG_BODY_LIMIT, LOG_RETENTION_KEY};
use sha2::{Digest, Sha256};

fn line(path: &str, outbox_seq: Option<i64>, days_ago: i64, body: String) -> LogEntry {
    LogEntry {
        at: Utc::now() - Duration::days(days_ago),
        direction: LogDirection::Response,
        method: "GET".into(),
        path: path.into(),
        outbox_seq,
        idempotency_key: None,
        status: Some(200),
        retry_after_ms: None,
        body,
        truncated: None,
    }
}

async fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("portdesk.db")).await.unwrap();
    (dir, store)
}

#[tokio::test]
async fn a_large_body_is_kept_truncated_with_its_size_and_hash() {
    let (_dir, store) = open().await;
    // Multi-byte characters across the cut: it must land on a boundary.
    let body: String = "回执".repeat(400_000);
    store
        .append_log(&[line("/v1/receipts", None, 0, body.clone())])
        .await
        .unwrap();
    let small = "{\"receipts\":[]}".to_owned();
    store
        .append_log(&[line("/v1/receipts", None, 0, small.clone())])
        .await
        .unwrap();
    let log = store.message_log(None).await.unwrap();
    let big = &log[0];
    assert!(big.body.len() <= LOG_BODY_LIMIT, "{}", big.body.len());
    assert!(body.starts_with(&big.body));
    let whole = big.truncated.as_ref().expect("marked truncated");
    assert_eq!(whole.size, body.len() as u64);
    assert_eq!(whole.sha256, hex::encode(Sha256::digest(body.as_bytes())));
    assert_eq!(log[1].body, small);
    assert_eq!(log[1].truncated, None);
}

#[tokio::test]
async fn pages_come_newest_first_from_sql() {
    let (_dir, store) = open().await;
    let lines: Vec<LogEntry> = (0..10)
        .map(|i| {
            line(
                &format!("/v1/p{i}"),
                (i % 2 == 0).then_some(7),
                0,
                String::new(),
            )
        })
        .collect();
    store.append_log(&lines).await.unwrap();
    let first = store.message_log_page(None, None, 3).await.unwrap();
    let paths: Vec<&str> = first.iter().map(|(_, l)| l.path.as_str()).collect();
    assert_eq!(paths, ["/v1/p9", "/v1/p8", "/v1/p7"]);
    let next = store
        .message_log_page(None, Some(first[2].0), 3)
        .await
        .unwrap();
    assert_eq!(next[0].1.path, "/v1/p6");
    let of_entry = store.message_log_page(Some(7), None, 100).await.unwrap();
    assert_eq!(of_entry.len(), 5);
    assert!(of_entry.iter().all(|(_, l)| l.outbox_seq == Some(7)));
}

#[tokio::test]
async fn pruning_removes_old_rows_outside_filings_and_nothing_else() {
    let (dir, store) = open().await;
    store
        .append_log(&[
            line("/v1/receipts?since=0", None, 120, String::new()),
            line("/v1/declarations", Some(1), 120, "filed".into()),
            line("/v1/receipts?since=1", None, 10, String::new()),
        ])
        .await
        .unwrap();
    assert_eq!(store.log_retention_days().await.unwrap(), 90);
    assert_eq!(store.prune_message_log(Utc::now()).await.unwrap(), 1);
    let left: Vec<String> = store
        .message_log(None)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.path)
        .collect();
    assert_eq!(left, ["/v1/declarations", "/v1/receipts?since=1"]);

    // A shorter retention, set by the user: the recent pull goes too; the
    // filing's row stays whatever its age.
    store
        .set_sync_value(LOG_RETENTION_KEY, Some("7"))
        .await
        .unwrap();
    assert_eq!(store.prune_message_log(Utc::now()).await.unwrap(), 1);
    assert_eq!(store.message_log_rows().await.unwrap(), 1);

    // Outside that path the trigger refuses any delete, of either kind.
    store
        .append_log(&[line("/v1/receipts?since=2", None, 0, String::new())])
        .await
        .unwrap();
    store.close().await;
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join("portdesk.db").display()
    ))
    .await
    .unwrap();
    for sql in [
        "DELETE FROM message_log WHERE outbox_seq IS NULL",
        "DELETE FROM message_log WHERE outbox_seq IS NOT NULL",
    ] {
        assert!(sqlx::query(sql).execute(&pool).await.is_err(), "{sql}");
    }
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM message_log")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 2);
}
