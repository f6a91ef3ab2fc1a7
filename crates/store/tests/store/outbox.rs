//! The outbox (migration 0002): filing writes the revision and the entry
//! together, entries move through their states, receipts are stored once
//! and drive the draft's status, the message log is append-only.

use chrono::Utc;
use portdesk_domain::{client_seq_no_for, Declaration, DraftStatus, IeFlag, SaveInfo};
use portdesk_store::{
    AttemptResult, EntryState, FileRequest, LogDirection, LogEntry, NewReceipt, Outcome, Store,
    StoreError,
};
use uuid::Uuid;

fn ready() -> SaveInfo {
    SaveInfo {
        status: DraftStatus::Ready,
        error_count: 0,
        warning_count: 0,
        note: "save".into(),
    }
}

fn receipt(id: &str, csn: &str, code: &str) -> NewReceipt {
    NewReceipt {
        server_id: id.into(),
        client_seq_no: csn.into(),
        seq_no: "E09002026000000001".into(),
        entry_id: None,
        code: code.into(),
        message_zh: "z".into(),
        message_en: "e".into(),
        reasons: "[]".into(),
        issued_at: Utc::now(),
    }
}

#[tokio::test]
async fn filing_lifecycle() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("portdesk.db")).await.unwrap();
    let id = Uuid::now_v7();
    let decl = Declaration::new(client_seq_no_for(id), IeFlag::E);
    store.create_declaration(id, &decl, &ready()).await.unwrap();
    let req = FileRequest {
        draft_id: id,
        declaration: &decl,
        info: ready(),
        method: "POST",
        path: "/v1/declarations",
        body: b"{\"declaration\":{}}".to_vec(),
    };
    let filed = store
        .file_declarations(std::slice::from_ref(&req))
        .await
        .unwrap();
    // An unchanged document still gets a revision: the filing event.
    assert_eq!(filed[0].meta.revision, 2);
    assert_eq!(filed[0].meta.status, DraftStatus::Queued);
    assert_eq!(store.history(id).await.unwrap()[0].note, "file");
    // A second filing while the first is pending is refused, and writes nothing.
    let err = store
        .file_declarations(std::slice::from_ref(&req))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::FilingInProgress { .. }), "{err}");
    assert_eq!(store.history(id).await.unwrap().len(), 2);

    // Claim: sending, attempt counted, request logged.
    let claimed = store.claim_due(Utc::now(), 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].body, req.body);
    assert_eq!(claimed[0].attempts, 1);
    assert!(store.claim_due(Utc::now(), 10).await.unwrap().is_empty());
    // A restart finds it in flight: queued again, same key.
    assert_eq!(store.requeue_in_flight().await.unwrap(), 1);
    let again = store.claim_due(Utc::now(), 10).await.unwrap();
    assert_eq!(again[0].idempotency_key, claimed[0].idempotency_key);
    assert_eq!(again[0].attempts, 2);

    // A transient failure: retry_wait, not due before its time.
    let later = Utc::now() + chrono::Duration::seconds(60);
    let retry = AttemptResult {
        outbox_seq: again[0].seq,
        outcome: Outcome::Retry {
            next_attempt_at: later,
            error: "rate_limited".into(),
            counts: true,
        },
        log: vec![],
    };
    store.record_outcomes("acct", &[retry]).await.unwrap();
    assert!(store.claim_due(Utc::now(), 10).await.unwrap().is_empty());
    let e = &store.outbox_entries().await.unwrap()[0];
    assert_eq!((e.state, e.failures), (EntryState::RetryWait, 1));
    let due = store.claim_due(later, 10).await.unwrap();
    let done = AttemptResult {
        outbox_seq: due[0].seq,
        outcome: Outcome::Done {
            http_status: 201,
            seq_no: "E09002026000000001".into(),
            receipt: Some(receipt("1", &decl.client_seq_no, "L")),
            answer: None,
        },
        log: vec![],
    };
    store.record_outcomes("acct", &[done]).await.unwrap();
    assert_eq!(store.outbox_counts().await.unwrap().done, 1);
    let (meta, _) = store.get_declaration(id).await.unwrap();
    assert_eq!(meta.status, DraftStatus::Accepted);

    // Receipts: stored once, cursor moves with them, the latest applies.
    let page = [
        receipt("1", &decl.client_seq_no, "L"),
        receipt("2", &decl.client_seq_no, "G"),
        receipt("3", &decl.client_seq_no, "R"),
    ];
    let new = store.store_receipts("acct", &page, "3").await.unwrap();
    assert_eq!(new.len(), 2);
    assert_eq!(store.receipt_cursor("acct").await.unwrap(), "3");
    assert_eq!(store.receipt_cursor("other").await.unwrap(), "0");
    let (meta, _) = store.get_declaration(id).await.unwrap();
    assert_eq!(meta.status, DraftStatus::Closed);
    assert_eq!(store.filings_awaiting_receipts(&["R"]).await.unwrap(), 0);

    // The message log refuses updates and deletes.
    store
        .append_log(&[LogEntry {
            at: Utc::now(),
            direction: LogDirection::Response,
            method: "GET".into(),
            path: "/v1/receipts".into(),
            outbox_seq: None,
            idempotency_key: None,
            status: Some(200),
            retry_after_ms: None,
            body: String::new(),
            truncated: None,
        }])
        .await
        .unwrap();
    let n = store.message_log(None).await.unwrap().len();
    assert!(n >= 4, "{n}");
    store.close().await;
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join("portdesk.db").display()
    ))
    .await
    .unwrap();
    assert!(sqlx::query("DELETE FROM message_log")
        .execute(&pool)
        .await
        .is_err());
    assert!(sqlx::query("UPDATE message_log SET body = 'x'")
        .execute(&pool)
        .await
        .is_err());
}

#[tokio::test]
async fn failed_entry_marks_the_draft_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("portdesk.db")).await.unwrap();
    let id = Uuid::now_v7();
    let decl = Declaration::new(client_seq_no_for(id), IeFlag::E);
    store.create_declaration(id, &decl, &ready()).await.unwrap();
    store
        .file_declarations(&[FileRequest {
            draft_id: id,
            declaration: &decl,
            info: ready(),
            method: "POST",
            path: "/v1/declarations",
            body: b"{}".to_vec(),
        }])
        .await
        .unwrap();
    let e = store.claim_due(Utc::now(), 1).await.unwrap().remove(0);
    store
        .record_outcomes(
            "acct",
            &[AttemptResult {
                outbox_seq: e.seq,
                outcome: Outcome::Failed {
                    http_status: Some(422),
                    failure: r#"{"code":"invalid_body","message":"x"}"#.into(),
                },
                log: vec![],
            }],
        )
        .await
        .unwrap();
    let (meta, _) = store.get_declaration(id).await.unwrap();
    assert_eq!(meta.status, DraftStatus::Rejected);
    let e = &store.outbox_for_draft(id).await.unwrap()[0];
    assert_eq!(e.state, EntryState::Failed);
    assert!(e.failure.as_deref().unwrap().contains("invalid_body"));
    // Terminal: filing again is allowed (a corrected declaration).
    store
        .file_declarations(&[FileRequest {
            draft_id: id,
            declaration: &decl,
            info: ready(),
            method: "POST",
            path: "/v1/declarations",
            body: b"{}".to_vec(),
        }])
        .await
        .unwrap();
}
