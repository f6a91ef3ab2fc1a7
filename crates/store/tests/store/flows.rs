//! Amendments through the outbox, conflicts with the server's version, the
//! conflict checks `M` receipts leave behind, and the filings standing
//! rejected, on a real SQLite file.

use chrono::{Duration, Utc};
use portdesk_domain::{client_seq_no_for, Declaration, DraftStatus, IeFlag, SaveInfo};
use portdesk_store::{
    AmendRequest, AttemptResult, EntryState, FileRequest, NewReceipt, Outcome, Resolution, Store,
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

async fn filed_draft(store: &Store) -> (Uuid, Declaration) {
    let id = Uuid::now_v7();
    let decl = Declaration::new(client_seq_no_for(id), IeFlag::E);
    store.create_declaration(id, &decl, &ready()).await.unwrap();
    let req = FileRequest {
        draft_id: id,
        declaration: &decl,
        info: ready(),
        method: "POST",
        path: "/v1/declarations",
        body: b"{}".to_vec(),
    };
    store.file_declarations(&[req]).await.unwrap();
    let due = store.claim_due(Utc::now(), 10).await.unwrap();
    store
        .record_outcomes(
            "acct",
            &[AttemptResult {
                outbox_seq: due[0].seq,
                outcome: Outcome::Done {
                    http_status: 201,
                    seq_no: "E09002026000000001".into(),
                    receipt: None,
                    answer: None,
                },
                log: vec![],
            }],
        )
        .await
        .unwrap();
    (id, decl)
}

#[tokio::test]
async fn an_amendment_keeps_the_status_and_stores_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("portdesk.db")).await.unwrap();
    let (id, decl) = filed_draft(&store).await;
    let delivered = store.last_delivered(id).await.unwrap().unwrap();
    assert_eq!(delivered.seq_no, "E09002026000000001");
    let mut amended = decl.clone();
    amended.head.ie_date = "20261110".into();
    let filed = store
        .amend_declaration(&AmendRequest {
            file: FileRequest {
                draft_id: id,
                declaration: &amended,
                info: ready(),
                method: "POST",
                path: "/v1/declarations/E09002026000000001/amendments",
                body: b"{\"client_seq_no\":\"A1\"}".to_vec(),
            },
            amendment_id: "A1",
            seq_no: "E09002026000000001",
            reason: "import_date_change",
            changes: r#"[{"field":"head.ie_date","value":"20261110"}]"#,
            note: "",
        })
        .await
        .unwrap();
    // The filing stands: the draft keeps its status; the revision says why.
    assert_eq!(filed.meta.status, DraftStatus::Sent);
    assert_eq!(store.history(id).await.unwrap()[0].note, "amend");
    let a = &store.amendments_for(id).await.unwrap()[0];
    assert_eq!((a.state, a.no_error_recorded), (EntryState::Queued, None));

    let due = store.claim_due(Utc::now(), 10).await.unwrap();
    store
        .record_outcomes(
            "acct",
            &[AttemptResult {
                outbox_seq: due[0].seq,
                outcome: Outcome::Done {
                    http_status: 201,
                    seq_no: "E09002026000000001".into(),
                    receipt: None,
                    answer: Some(r#"{"no_error_recorded":true,"error_recorded":false}"#.into()),
                },
                log: vec![],
            }],
        )
        .await
        .unwrap();
    let a = &store.amendments_for(id).await.unwrap()[0];
    assert_eq!(
        (a.state, a.no_error_recorded),
        (EntryState::Done, Some(true))
    );
    assert_eq!(
        store.last_delivered(id).await.unwrap().unwrap().revision,
        filed.meta.revision
    );
}

#[tokio::test]
async fn conflicts_keep_both_versions_until_resolved() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("portdesk.db")).await.unwrap();
    let (id, decl) = filed_draft(&store).await;
    let base = store.last_delivered(id).await.unwrap().unwrap().revision;
    let mut server = decl.clone();
    server.head.conveyance_name = "COSCO TIANJIN".into();
    let c = store
        .record_conflict(id, "E09002026000000001", base, &server)
        .await
        .unwrap()
        .expect("new");
    // The same server version again is the same conflict.
    assert!(store
        .record_conflict(id, "E09002026000000001", base, &server)
        .await
        .unwrap()
        .is_none());
    assert_eq!(store.open_conflicts(id).await.unwrap().len(), 1);

    // Keep mine: the draft is unchanged, the server's body stays on record.
    let (kept, meta) = store
        .resolve_conflict(c.id, Resolution::Mine, &ready())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.resolution, Some(Resolution::Mine));
    assert_eq!(meta.revision, base);
    assert!(store.open_conflicts(id).await.unwrap().is_empty());
    assert_eq!(store.conflicts(id).await.unwrap()[0].server, server);

    // Take the server's: a new revision with note "server", status kept.
    let mut server2 = server.clone();
    server2.head.voyage_no = "2612N".into();
    let c2 = store
        .record_conflict(id, "E09002026000000001", base, &server2)
        .await
        .unwrap()
        .unwrap();
    let (taken, meta) = store
        .resolve_conflict(c2.id, Resolution::Server, &ready())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(taken.resolved_revision, Some(meta.revision));
    assert_eq!(meta.status, DraftStatus::Sent);
    assert_eq!(store.history(id).await.unwrap()[0].note, "server");
    let (_, current) = store.get_declaration(id).await.unwrap();
    assert_eq!(current, server2);
    // Resolving again changes nothing.
    let (again, meta2) = store
        .resolve_conflict(c2.id, Resolution::Mine, &ready())
        .await
        .unwrap()
        .unwrap();
    assert!(store
        .resolve_conflict(999, Resolution::Mine, &ready())
        .await
        .unwrap()
        .is_none());
    assert_eq!(again.resolution, Some(Resolution::Server));
    assert_eq!(meta2.revision, meta.revision);
}

fn receipt(server_id: &str, csn: &str, code: &str, reasons: &str) -> NewReceipt {
    NewReceipt {
        server_id: server_id.into(),
        client_seq_no: csn.into(),
        seq_no: "E09002026000000001".into(),
        entry_id: None,
        code: code.into(),
        message_zh: "回执".into(),
        message_en: "receipt".into(),
        reasons: reasons.into(),
        issued_at: Utc::now(),
    }
}

#[tokio::test]
async fn an_m_receipt_leaves_a_conflict_check_until_it_is_compared() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portdesk.db");
    let store = Store::open(&path).await.unwrap();
    let (id, decl) = filed_draft(&store).await;
    let csn = decl.client_seq_no.clone();

    // The M receipt and its check land with the cursor, in one transaction;
    // receipts of other codes or of filings that are no local draft leave none.
    store
        .store_receipts(
            "acct",
            &[
                receipt("1", &csn, "L", "[]"),
                receipt("2", "OTHER000000000001", "M", "[]"),
                receipt("3", &csn, "M", "[]"),
            ],
            "3",
        )
        .await
        .unwrap();
    assert_eq!(store.receipt_cursor("acct").await.unwrap(), "3");
    let checks = store.conflict_checks().await.unwrap();
    assert_eq!(checks.len(), 1, "{checks:?}");
    let first = checks[0].clone();
    assert_eq!(
        (first.draft_id, first.seq_no.as_str(), first.receipts),
        (id, "E09002026000000001", 1)
    );
    assert_eq!(
        store.due_conflict_checks(Utc::now()).await.unwrap().len(),
        1
    );

    // The read failed (5xx): rescheduled with a counted failure.
    let later = Utc::now() + Duration::seconds(60);
    store
        .conflict_check_failed(&first, later, "unavailable", true)
        .await
        .unwrap();
    assert!(store
        .due_conflict_checks(Utc::now())
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store
            .next_conflict_check_at()
            .await
            .unwrap()
            .map(|t| t.timestamp_millis()),
        Some(later.timestamp_millis())
    );
    // Offline does not count for the backoff.
    store
        .conflict_check_failed(&first, later, "offline", false)
        .await
        .unwrap();

    // The worker stops here: the check is in the file, not in its memory.
    store.close().await;
    let store = Store::open(&path).await.unwrap();
    let pending = store.conflict_checks().await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (pending[0].failures, pending[0].last_error.as_deref()),
        (1, Some("offline"))
    );
    // A new worker makes it due at once.
    assert_eq!(store.conflict_checks_due_now().await.unwrap(), 1);
    assert_eq!(
        store.due_conflict_checks(Utc::now()).await.unwrap().len(),
        1
    );

    // Stored again (a repeated pull), the same receipt notes nothing more; a
    // newer M does, and a read made before it cannot clear it.
    store
        .store_receipts("acct", &[receipt("3", &csn, "M", "[]")], "3")
        .await
        .unwrap();
    assert_eq!(store.conflict_checks().await.unwrap()[0].receipts, 1);
    store
        .store_receipts("acct", &[receipt("4", &csn, "M", "[]")], "4")
        .await
        .unwrap();
    assert!(!store.conflict_check_done(&first).await.unwrap());
    let newer = store.conflict_checks().await.unwrap().remove(0);
    assert_eq!(newer.receipts, 2);

    // Compared: the check goes.
    assert!(store.conflict_check_done(&newer).await.unwrap());
    assert!(store.conflict_checks().await.unwrap().is_empty());
    assert_eq!(store.next_conflict_check_at().await.unwrap(), None);
}

#[tokio::test]
async fn filings_standing_rejected_are_those_whose_latest_receipt_is_a_rejection() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("portdesk.db")).await.unwrap();
    let reasons = r#"[{"rule":"TAX-GUARANTEE-QUOTA","field":"tax_payment.guarantee_no","message_zh":"额度不足","message_en":"quota exhausted"}]"#;
    store
        .store_receipts(
            "acct",
            &[
                // Rejected, then an M (says nothing of the review): still rejected.
                receipt("1", "CSN-A", "E", reasons),
                receipt("2", "CSN-A", "M", "[]"),
                // Rejected, corrected and accepted: no longer.
                receipt("3", "CSN-B", "E", reasons),
                receipt("4", "CSN-B", "L", "[]"),
                // A summary rejected.
                receipt("5", "CSN-C", "SpE", "[]"),
                receipt("6", "CSN-D", "R", "[]"),
            ],
            "6",
        )
        .await
        .unwrap();
    let rejected = store.latest_receipts_in(&["E", "SpE"]).await.unwrap();
    let got: Vec<(&str, &str)> = rejected
        .iter()
        .map(|r| (r.receipt.client_seq_no.as_str(), r.receipt.code.as_str()))
        .collect();
    assert_eq!(got, [("CSN-A", "E"), ("CSN-C", "SpE")]);
    assert_eq!(rejected[0].receipt.reasons, reasons);
    assert!(store.latest_receipts_in(&[]).await.unwrap().is_empty());
}
