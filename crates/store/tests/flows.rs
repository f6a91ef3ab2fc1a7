//! Amendments through the outbox and conflicts with the server's version,
//! on a real SQLite file.

use chrono::Utc;
use portdesk_domain::{client_seq_no_for, Declaration, DraftStatus, IeFlag, SaveInfo};
use portdesk_store::{
    AmendRequest, AttemptResult, EntryState, FileRequest, Outcome, Resolution, Store,
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
