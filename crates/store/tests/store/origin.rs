//! Certificate-of-origin applications on a real SQLite file: revisions,
//! unchanged saves, restore, filing with its outbox entry, the certificate.

use portdesk_domain::client_seq_no_for;
use portdesk_domain::origin::{CertifiedFields, OriginApplication, OriginForm, OriginItem};
use portdesk_store::{ApplicationStatus, EntryState, OriginSaveInfo, Store, StoredCertificate};
use uuid::Uuid;

fn info(errors: u32, note: &str) -> OriginSaveInfo {
    OriginSaveInfo {
        error_count: errors,
        warning_count: 0,
        note: note.into(),
    }
}

async fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("origin.db")).await.unwrap();
    (dir, store)
}

fn app(id: Uuid) -> OriginApplication {
    let mut a = OriginApplication::new(OriginForm::E);
    a.client_seq_no = client_seq_no_for(id);
    a.consignee.name = "HANOI STEEL TRADING JSC".into();
    a
}

#[tokio::test]
async fn saves_are_revisions_and_unchanged_saves_write_nothing() {
    let (_dir, store) = open().await;
    let id = Uuid::now_v7();
    let mut a = app(id);
    let meta = store
        .create_origin(id, &a, &info(3, "created"))
        .await
        .unwrap();
    assert_eq!(meta.revision, 1);
    assert_eq!(meta.status, ApplicationStatus::Draft);
    assert_eq!(meta.form, OriginForm::E);
    assert_eq!(meta.title, "HANOI STEEL TRADING JSC");

    // The same document again: no new revision.
    let same = store
        .save_origin(id, &a, &info(3, "autosave"))
        .await
        .unwrap();
    assert_eq!(same.revision, 1);

    a.items.push(OriginItem {
        item_no: "1".into(),
        description: "HOT ROLLED STEEL COILS ***".into(),
        ..OriginItem::default()
    });
    let second = store
        .save_origin(id, &a, &info(0, "autosave"))
        .await
        .unwrap();
    assert_eq!(second.revision, 2);
    assert_eq!(second.status, ApplicationStatus::Ready);
    assert_eq!(
        second.title,
        "HANOI STEEL TRADING JSC · HOT ROLLED STEEL COILS"
    );

    let history = store.origin_history(id).await.unwrap();
    assert_eq!(
        history.iter().map(|h| h.revision).collect::<Vec<_>>(),
        vec![2, 1]
    );
    assert_eq!(history[1].note, "created");
    assert_eq!(store.origin_revision(id, 1).await.unwrap().items.len(), 0);

    // Restoring r1 appends it as r3; the history keeps r2.
    let restored = store
        .restore_origin(id, 1, &info(3, "restore r1"))
        .await
        .unwrap();
    assert_eq!(restored.revision, 3);
    let (_, current) = store.get_origin(id).await.unwrap();
    assert!(current.items.is_empty());
    assert_eq!(store.origin_revision(id, 2).await.unwrap().items.len(), 1);
    assert_eq!(
        store.origin_revision(id, 9).await.unwrap_err().code(),
        "revision_not_found"
    );

    // The client sequence no. is fixed.
    let mut other = current.clone();
    other.client_seq_no = "PD0000000000000000".into();
    let e = store
        .save_origin(id, &other, &info(0, "x"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "client_seq_no_changed");
    assert_eq!(store.list_origins().await.unwrap().len(), 1);
    assert_eq!(
        store
            .find_origin_by_client_seq_no(&current.client_seq_no)
            .await
            .unwrap(),
        Some(id)
    );
}

#[tokio::test]
async fn a_second_application_cannot_take_the_same_number() {
    let (_dir, store) = open().await;
    let id = Uuid::now_v7();
    store
        .create_origin(id, &app(id), &info(0, "created"))
        .await
        .unwrap();
    let e = store
        .create_origin(Uuid::now_v7(), &app(id), &info(0, "created"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "client_seq_no_taken");
    let e = store.get_origin(Uuid::now_v7()).await.unwrap_err();
    assert_eq!(e.code(), "not_found");
}

#[tokio::test]
async fn filing_writes_the_revision_and_its_outbox_entry_together() {
    let (_dir, store) = open().await;
    let id = Uuid::now_v7();
    let a = app(id);
    store
        .create_origin(id, &a, &info(0, "created"))
        .await
        .unwrap();
    let body = serde_json::to_vec(&a).unwrap();
    let filed = store
        .file_origin(
            id,
            &a,
            &info(0, "file"),
            "POST",
            "/v1/origin-applications",
            &body,
        )
        .await
        .unwrap();
    // Filing an unchanged document is still a revision of its own.
    assert_eq!(filed.meta.revision, 2);
    assert_eq!(filed.meta.status, ApplicationStatus::Queued);
    let entries = store.outbox_for_draft(id).await.unwrap();
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(e.state, EntryState::Queued);
    assert_eq!(e.path, "/v1/origin-applications");
    assert_eq!(e.body, body, "exact body bytes");
    assert_eq!(e.revision, 2);
    assert_eq!(e.idempotency_key, filed.idempotency_key);
    assert_eq!(e.client_seq_no, a.client_seq_no);

    let again = store
        .file_origin(
            id,
            &a,
            &info(0, "file"),
            "POST",
            "/v1/origin-applications",
            &body,
        )
        .await
        .unwrap_err();
    assert_eq!(again.code(), "filing_in_progress");
    assert_eq!(
        store.origin_history(id).await.unwrap().len(),
        2,
        "refusal wrote nothing"
    );
}

#[tokio::test]
async fn the_certificate_is_stored_with_the_application() {
    let (_dir, store) = open().await;
    let id = Uuid::now_v7();
    let a = app(id);
    store
        .create_origin(id, &a, &info(0, "created"))
        .await
        .unwrap();
    assert_eq!(store.certificate(id).await.unwrap(), None);
    let meta = store
        .set_origin_status(id, ApplicationStatus::Accepted, Some("COO260000000000001"))
        .await
        .unwrap();
    assert_eq!(meta.seq_no.as_deref(), Some("COO260000000000001"));
    assert_eq!(meta.revision, 1, "a status is no revision");

    let issue = chrono::NaiveDate::from_ymd_opt(2026, 11, 10).unwrap();
    let cert = StoredCertificate {
        number: "E262102300010001".into(),
        issue_date: "2026-11-10".into(),
        expiry_date: "2027-11-09".into(),
        certified: CertifiedFields::from_application(&a, "E262102300010001", issue),
        signature: "c2ln".into(),
        qr_text: "PDC1:XYZ".into(),
        key_id: "kid1".into(),
        application: a.clone(),
    };
    let meta = store
        .store_certificate(id, "COO260000000000001", &cert)
        .await
        .unwrap();
    assert_eq!(meta.status, ApplicationStatus::Approved);
    assert_eq!(meta.certificate_number.as_deref(), Some("E262102300010001"));
    assert_eq!(store.certificate(id).await.unwrap(), Some(cert.clone()));
    // Stored twice: still one certificate, unchanged.
    store
        .store_certificate(id, "COO260000000000001", &cert)
        .await
        .unwrap();
    assert_eq!(store.certificate(id).await.unwrap(), Some(cert));
}
