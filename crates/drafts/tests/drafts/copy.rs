//! Copying a draft (复制报关单) on a real SQLite file: a new draft with a
//! new id and client sequence no., history from r1 noted with the original,
//! status by validation, none of the original's filing, and the original
//! unchanged.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use portdesk_domain::{CodeLists, Declaration, DraftStatus, Purpose, SaveInfo};
use portdesk_drafts::Drafts;
use portdesk_store::Store;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name)
}

fn valid() -> Declaration {
    serde_json::from_str(&std::fs::read_to_string(fixture("declaration-valid.json")).unwrap())
        .unwrap()
}

async fn open(dir: &Path) -> Drafts {
    let store = Store::open(&dir.join("portdesk.db")).await.unwrap();
    Drafts::new(store, Arc::new(CodeLists::bundled()))
}

#[tokio::test]
async fn a_copy_is_a_new_draft_from_r1_and_the_original_does_not_change() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path()).await;
    let original = drafts.import(valid()).await.unwrap();
    let before = drafts.get(original.meta.id).await.unwrap();
    let history_before = drafts.history(original.meta.id).await.unwrap();

    let copy = drafts.copy(original.meta.id).await.unwrap();
    assert_ne!(copy.meta.id, original.meta.id);
    assert_ne!(copy.meta.client_seq_no, original.meta.client_seq_no);
    assert_eq!(copy.declaration.client_seq_no, copy.meta.client_seq_no);
    assert_eq!(copy.meta.client_seq_no.len(), 18);
    assert_eq!(copy.meta.revision, 1);
    let history = drafts.history(copy.meta.id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        history[0].note,
        format!("copied from {}", original.meta.client_seq_no)
    );

    // What the contract clears (this is an export) and keeps.
    let d = &copy.declaration;
    assert_eq!(d.head.ie_date, "");
    assert!(d.edocs.is_empty());
    assert_eq!(d.lines, before.declaration.lines);
    assert_eq!(d.containers, before.declaration.containers);
    assert_eq!(d.documents, before.declaration.documents);
    // Stored as returned.
    assert_eq!(&drafts.get(copy.meta.id).await.unwrap().declaration, d);

    // Status and counts are the copy's own validation.
    let info = SaveInfo::from_problems(&drafts.validate(d, Purpose::Declare), "");
    assert_eq!(copy.meta.status, info.status);
    assert_eq!(copy.meta.error_count, info.error_count);
    assert_eq!(copy.meta.warning_count, info.warning_count);

    // The original: same document, same revision, same history.
    let after = drafts.get(original.meta.id).await.unwrap();
    assert_eq!(after.declaration, before.declaration);
    assert_eq!(after.meta.revision, before.meta.revision);
    assert_eq!(
        drafts.history(original.meta.id).await.unwrap(),
        history_before
    );
}

#[tokio::test]
async fn a_copy_of_a_filed_draft_is_not_filed_and_a_bad_one_is_a_draft() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path()).await;
    let original = drafts.import(valid()).await.unwrap();
    assert_eq!(original.meta.error_count, 0, "{:?}", original.problems);
    drafts.file(&[original.meta.id]).await.unwrap();
    assert_eq!(
        drafts.get(original.meta.id).await.unwrap().meta.status,
        DraftStatus::Queued
    );

    let copy = drafts.copy(original.meta.id).await.unwrap();
    assert!(!copy.meta.status.is_filed(), "{:?}", copy.meta.status);
    assert!(drafts
        .store()
        .outbox_for_draft(copy.meta.id)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        drafts.get(original.meta.id).await.unwrap().meta.status,
        DraftStatus::Queued,
        "the original stays filed"
    );
    assert_eq!(
        drafts
            .store()
            .outbox_for_draft(original.meta.id)
            .await
            .unwrap()
            .len(),
        1
    );

    // A document with errors copies into a draft that has them too.
    let mut bad = valid();
    bad.client_seq_no = String::new();
    bad.head.trade_scc = "NOT-A-CODE".into();
    let bad = drafts.import(bad).await.unwrap();
    let copy = drafts.copy(bad.meta.id).await.unwrap();
    assert_eq!(copy.meta.status, DraftStatus::Draft);
    assert!(copy.meta.error_count > 0);
}

#[tokio::test]
async fn a_message_drafts_copy_leaves_its_blocks_behind() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path()).await;
    let outcome = drafts
        .import_files(&[fixture("decmessage/bare-4.8.xml")])
        .await
        .remove(0);
    let id = outcome.drafts[0].id;
    assert!(drafts
        .get(id)
        .await
        .unwrap()
        .declaration
        .extensions
        .decmessage
        .is_some());
    let copy = drafts.copy(id).await.unwrap();
    assert!(copy.declaration.extensions.is_empty());
    assert!(copy.declaration.edocs.is_empty());
    assert!(!copy.declaration.advance);
    // The original keeps them.
    assert!(drafts
        .get(id)
        .await
        .unwrap()
        .declaration
        .extensions
        .decmessage
        .is_some());
}

#[tokio::test]
async fn copying_a_draft_that_does_not_exist_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path()).await;
    let e = drafts.copy(uuid::Uuid::now_v7()).await.unwrap_err();
    assert_eq!(e.code(), "not_found");
    assert_eq!(drafts.list(&Default::default()).await.unwrap().total, 0);
}
