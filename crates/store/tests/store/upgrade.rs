//! A database written by the previous release (schema 0006) opens with
//! today's code: every draft, revision, origin application, outbox entry,
//! receipt, log row and setting is still there and readable, the outbox
//! entries and receipts now name their document's kind, and the file was
//! copied aside before it was migrated.
//!
//! `tests/fixtures/store-0006.db` was written at commit 55f08ac by that
//! release's store API: three declarations (one filed and delivered with
//! receipts L, G, P; one saved twice; one trashed), an origin application
//! saved twice and filed (its entry still queued), the message log of the
//! delivery plus one receipt pull, and two `sync_state` values.

use portdesk_store::{DocumentKind, EntryState, LogDirection, Store};

#[tokio::test]
async fn a_database_of_the_previous_release_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portdesk.db");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/store-0006.db"),
        &path,
    )
    .unwrap();
    let store = Store::open(&path).await.unwrap();
    assert_eq!(store.integrity_check().await.unwrap(), "ok");

    // Declarations: all three, the trashed one included, with every revision.
    let live = store.list_drafts(&Default::default()).await.unwrap().items;
    let trashed = store
        .list_drafts(&portdesk_domain::DraftQuery {
            trashed: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .items;
    assert_eq!((live.len(), trashed.len()), (2, 1));
    let mut revisions = 0;
    for meta in live.iter().chain(&trashed) {
        let (m, decl) = store.get_declaration(meta.id).await.unwrap();
        assert_eq!(decl.client_seq_no, m.client_seq_no);
        let history = store.history(meta.id).await.unwrap();
        for h in &history {
            store.revision(meta.id, h.revision).await.unwrap();
        }
        revisions += history.len();
    }
    assert_eq!(revisions, 5);
    let filed = live
        .iter()
        .find(|m| m.status == portdesk_domain::DraftStatus::Released)
        .expect("the delivered declaration, released by its P receipt");

    // The origin application with its three revisions.
    let origins = store.list_origins().await.unwrap();
    assert_eq!(origins.len(), 1);
    let origin = &origins[0];
    assert_eq!(store.origin_history(origin.id).await.unwrap().len(), 3);
    let (_, app) = store.get_origin(origin.id).await.unwrap();
    assert_eq!(app.remarks, "second revision");

    // Outbox entries now carry their document's kind.
    let entries = store.outbox_entries().await.unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(
        (entries[0].kind, entries[0].document_id, entries[0].state),
        (DocumentKind::Declaration, filed.id, EntryState::Done)
    );
    assert_eq!(
        (entries[1].kind, entries[1].document_id, entries[1].state),
        (
            DocumentKind::OriginApplication,
            origin.id,
            EntryState::Queued
        )
    );

    // Receipts, in the server's order, matched to their draft.
    let receipts = store.receipts_for(&filed.client_seq_no).await.unwrap();
    let codes: Vec<&str> = receipts.iter().map(|r| r.receipt.code.as_str()).collect();
    assert_eq!(codes, ["L", "G", "P"]);
    assert!(receipts.iter().all(|r| r.draft_id() == Some(filed.id)));

    // The message log: the claimed request, its answer, the receipt pull.
    let log = store.message_log(None).await.unwrap();
    let directions: Vec<LogDirection> = log.iter().map(|l| l.direction).collect();
    assert_eq!(
        directions,
        [
            LogDirection::Request,
            LogDirection::Response,
            LogDirection::Request
        ]
    );
    assert_eq!(log[0].outbox_seq, Some(entries[0].seq));
    assert!(store.sync_value("account").await.unwrap().is_some());
    assert!(!store
        .receipt_cursor("http://127.0.0.1:8421|2102980567")
        .await
        .unwrap()
        .is_empty());

    // The copy taken before migrating is the old file, whole: schema 0006
    // and its five revisions.
    let copy = dir.path().join("portdesk.db.before-0007");
    let old = sqlx::SqlitePool::connect_with(
        sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&copy)
            .read_only(true),
    )
    .await
    .unwrap();
    let version: i64 = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&old)
        .await
        .unwrap();
    let old_revisions: i64 = sqlx::query_scalar("SELECT count(*) FROM revisions")
        .fetch_one(&old)
        .await
        .unwrap();
    assert_eq!((version, old_revisions), (6, 5));
    store.close().await;
    // Opening again migrates nothing and copies nothing more.
    let again = Store::open(&path).await.unwrap();
    let copies = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".before-")
        })
        .count();
    assert_eq!(copies, 1);
    again.close().await;
}
