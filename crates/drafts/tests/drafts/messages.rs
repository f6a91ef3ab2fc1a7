//! Declaration messages through the drafts layer, on a real SQLite file: a
//! message imported keeps its unmodelled blocks as the draft's extensions,
//! saves keep them, export writes them back, filing over HTTP leaves them
//! out, and extensions over their limit are refused before anything is
//! written.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use portdesk_domain::limits::EXTENSIONS_MAX_BYTES;
use portdesk_domain::CodeLists;
use portdesk_drafts::messages::{MessageOperType, MessageOptions};
use portdesk_drafts::Drafts;
use portdesk_store::Store;

fn message(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/decmessage")
        .join(name)
}

async fn open(dir: &Path) -> Drafts {
    let store = Store::open(&dir.join("portdesk.db")).await.unwrap();
    Drafts::new(store, Arc::new(CodeLists::bundled()))
}

#[tokio::test]
async fn a_message_becomes_a_draft_that_exports_with_its_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path()).await;
    let outcomes = drafts
        .import_files(&[message("bare-4.8.xml"), dir.path().join("missing.xml")])
        .await;
    assert_eq!(outcomes.len(), 2);
    assert!(outcomes[0].error.is_none(), "{:?}", outcomes[0]);
    let meta = &outcomes[0].drafts[0];
    assert_eq!(meta.client_seq_no, "PD06H1RX30KSSW3301");
    let missing = outcomes[1].error.as_ref().unwrap();
    assert_eq!(missing.code, "file.unreadable");
    assert!(outcomes[1].drafts.is_empty());

    // The editor sends the whole declaration back: the blocks stay.
    let mut view = drafts.get(meta.id).await.unwrap();
    assert!(view.declaration.extensions.decmessage.is_some());
    view.declaration.head.remarks = "改过".into();
    drafts
        .save(meta.id, &view.declaration, "autosave")
        .await
        .unwrap();

    let (seq, bytes) = drafts
        .export_message(
            meta.id,
            &MessageOptions {
                oper_type: MessageOperType::C,
                ..MessageOptions::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(seq, "PD06H1RX30KSSW3301");
    let back = portdesk_message::read(&bytes).unwrap();
    assert_eq!(back.declaration, view.declaration);
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("<DecRequestCerts>") && text.contains("<OperType>C</OperType>"));

    // Filing over HTTP sends the declaration without them.
    let mut ready = view.declaration.clone();
    let valid: portdesk_domain::Declaration = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../tests/fixtures/declaration-valid.json"),
        )
        .unwrap(),
    )
    .unwrap();
    ready = portdesk_domain::Declaration {
        client_seq_no: ready.client_seq_no,
        extensions: ready.extensions,
        ..valid
    };
    let saved = drafts.save(meta.id, &ready, "fix").await.unwrap();
    assert_eq!(saved.meta.error_count, 0, "{:?}", saved.problems);
    drafts.file(&[meta.id]).await.unwrap();
    let entries = drafts.store().outbox_for_draft(meta.id).await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&entries[0].body).unwrap();
    assert!(body["declaration"].get("extensions").is_none(), "{body}");
    assert_eq!(body["declaration"]["client_seq_no"], "PD06H1RX30KSSW3301");
}

#[tokio::test]
async fn extensions_over_their_limit_are_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path()).await;
    let mut d = portdesk_message::read(&std::fs::read(message("gbk.xml")).unwrap())
        .unwrap()
        .declaration;
    let big = "x".repeat(EXTENSIONS_MAX_BYTES);
    d.extensions.decmessage = Some(serde_json::json!({ "blocks": [big] }));
    let e = drafts.import(d.clone()).await.unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert_eq!(e.field(), Some("extensions"));
    assert!(drafts
        .store()
        .find_by_client_seq_no(&d.client_seq_no)
        .await
        .unwrap()
        .is_none());

    let file = dir.path().join("big.json");
    std::fs::write(&file, serde_json::to_string(&d).unwrap()).unwrap();
    let outcome = drafts.import_files(&[file]).await.remove(0);
    let e = outcome.error.unwrap();
    assert_eq!(e.code, "file.too_long");
    assert_eq!(e.element.as_deref(), Some("extensions"));

    // A save is refused the same way; the draft keeps its revision.
    d.extensions = Default::default();
    let view = drafts.import(d.clone()).await.unwrap();
    d.extensions.decmessage =
        Some(serde_json::json!({ "blocks": ["x".repeat(EXTENSIONS_MAX_BYTES)] }));
    let e = drafts.save(view.meta.id, &d, "autosave").await.unwrap_err();
    assert_eq!(e.field(), Some("extensions"));
    assert_eq!(drafts.get(view.meta.id).await.unwrap().meta.revision, 1);
}

#[tokio::test]
async fn a_message_imported_again_keeps_the_drafts_advance_flag_and_json_sets_it() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path()).await;
    let first = drafts.import_files(&[message("gbk.xml")]).await.remove(0);
    let id = first.drafts[0].id;
    let mut view = drafts.get(id).await.unwrap();
    view.declaration.advance = true;
    view.declaration.head.remarks = "提前申报".into();
    drafts.save(id, &view.declaration, "save").await.unwrap();

    // The message has no element for `advance`: the draft's stays.
    let again = drafts.import_files(&[message("gbk.xml")]).await.remove(0);
    assert_eq!(again.drafts[0].id, id);
    let back = drafts.get(id).await.unwrap().declaration;
    assert!(back.advance);
    assert_eq!(back.head.remarks, "");

    // A JSON file carries it: what the file says goes.
    let mut json = back.clone();
    json.advance = false;
    let file = dir.path().join("d.json");
    std::fs::write(&file, serde_json::to_string(&json).unwrap()).unwrap();
    let outcome = drafts.import_files(&[file]).await.remove(0);
    assert!(outcome.error.is_none(), "{outcome:?}");
    assert!(!drafts.get(id).await.unwrap().declaration.advance);
}
