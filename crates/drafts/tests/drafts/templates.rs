//! Templates (报关单模板) and the defaults of a new declaration (初始值) on
//! a real SQLite file: what a template keeps and clears, a new draft from
//! it with its note and its differences, names unique among live
//! templates, history and restore through the one engine, and the order
//! of the defaults (clerk, then enterprise; a template wins).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use portdesk_domain::{CodeLists, Declaration, IeFlag};
use portdesk_drafts::templates::DifferenceKind;
use portdesk_drafts::Drafts;
use portdesk_store::{ReferenceKind, Store};

const ENTERPRISE: &str = r#"{"customs_code":"2102930001","scc":"91210200MA0QC4L18X",
  "name_zh":"大连北方钢材进出口有限公司","name_en":"Dalian Northern Steel","rating":"general",
  "customs_area":"0900","group":null,"has_tripartite_agreement":false}"#;

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
async fn a_template_keeps_the_goods_clears_what_a_copy_clears_and_makes_new_drafts() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path()).await;
    let original = drafts.import(valid()).await.unwrap();
    let before = drafts.get(original.meta.id).await.unwrap().declaration;
    assert!(
        !before.edocs.is_empty(),
        "the fixture has attachments to clear"
    );

    let t = drafts
        .save_as_template(original.meta.id, "  大连月度出口  ", "每月一票")
        .await
        .unwrap();
    assert_eq!(t.name, "大连月度出口");
    assert_eq!(t.note, "每月一票");
    assert_eq!(t.revision, 1);
    let view = drafts.get_template(t.id).await.unwrap();
    assert_eq!(view.declaration, before.copied(String::new()));
    assert_eq!(view.declaration.client_seq_no, "");
    assert_eq!(view.declaration.lines, before.lines);
    assert_eq!(view.declaration.containers, before.containers);
    assert!(view.declaration.edocs.is_empty());
    // The draft it came from is only read.
    assert_eq!(
        drafts.get(original.meta.id).await.unwrap().declaration,
        before
    );
    assert_eq!(drafts.history(original.meta.id).await.unwrap().len(), 1);

    // A new draft from it: new number, noted, no differences yet.
    let new = drafts.new_from_template(t.id).await.unwrap();
    assert_ne!(new.meta.client_seq_no, original.meta.client_seq_no);
    assert_eq!(new.meta.client_seq_no.len(), 18);
    assert_eq!(new.declaration.client_seq_no, new.meta.client_seq_no);
    assert_eq!(new.declaration.lines, before.lines);
    let history = drafts.history(new.meta.id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].note, "from template 大连月度出口");
    let diff = drafts
        .template_differences(new.meta.id)
        .await
        .unwrap()
        .expect("made from a template");
    assert_eq!(diff.template.id, t.id);
    assert_eq!(diff.template_revision, 1);
    assert!(diff.differences.is_empty(), "{:#?}", diff.differences);

    // Two fields changed: exactly those two are listed, labelled.
    let mut d = new.declaration.clone();
    d.head.bill_no = "DLCN2026120001".into();
    d.lines[0].quantity = "999".into();
    drafts.save(new.meta.id, &d, "autosave").await.unwrap();
    let diff = drafts
        .template_differences(new.meta.id)
        .await
        .unwrap()
        .unwrap();
    let fields: Vec<&str> = diff.differences.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, ["head.bill_no", "lines[0].quantity"]);
    assert_eq!(diff.differences[0].label_zh, "提运单号");
    assert_eq!(
        diff.differences[0].current.as_deref(),
        Some("DLCN2026120001")
    );
    assert_eq!(
        diff.differences[1].template.as_deref(),
        Some(before.lines[0].quantity.as_str())
    );

    // A line added shows as one entry.
    d.lines.push(d.lines[0].clone());
    drafts.save(new.meta.id, &d, "autosave").await.unwrap();
    let diff = drafts
        .template_differences(new.meta.id)
        .await
        .unwrap()
        .unwrap();
    let added = diff.differences.last().unwrap();
    assert_eq!(added.kind, DifferenceKind::Added);
    assert_eq!(added.field, format!("lines[{}]", d.lines.len() - 1));

    // Other drafts were not made from a template.
    assert!(drafts
        .template_differences(original.meta.id)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn names_are_unique_among_live_templates_and_history_comes_with_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path()).await;
    let draft = drafts.import(valid()).await.unwrap();
    let a = drafts
        .save_as_template(draft.meta.id, "A", "")
        .await
        .unwrap();
    let taken = drafts
        .save_as_template(draft.meta.id, "A", "")
        .await
        .unwrap_err();
    assert_eq!(taken.code(), "template_name_taken");
    let b = drafts
        .save_as_template(draft.meta.id, "B", "")
        .await
        .unwrap();
    assert_eq!(
        drafts
            .rename_template(b.id, "A", "")
            .await
            .unwrap_err()
            .code(),
        "template_name_taken"
    );
    let empty = drafts.rename_template(b.id, "  ", "").await.unwrap_err();
    assert_eq!(
        (empty.code(), empty.field()),
        ("invalid_input", Some("name"))
    );
    let renamed = drafts.rename_template(b.id, "B2", "note").await.unwrap();
    assert_eq!((renamed.name.as_str(), renamed.revision), ("B2", 1));

    // Updating from a changed draft is a revision; unchanged writes nothing.
    assert_eq!(
        drafts
            .update_template(a.id, draft.meta.id)
            .await
            .unwrap()
            .revision,
        1
    );
    let mut d = draft.declaration.clone();
    d.head.remarks = "新备注".into();
    drafts.save(draft.meta.id, &d, "autosave").await.unwrap();
    let a2 = drafts.update_template(a.id, draft.meta.id).await.unwrap();
    assert_eq!(a2.revision, 2);
    let history = drafts.template_history(a.id).await.unwrap();
    assert_eq!(history.len(), 2);
    assert!(history[0].note.starts_with("update from "), "{history:?}");
    let restored = drafts.restore_template(a.id, 1).await.unwrap();
    assert_eq!(restored.revision, 3);
    assert_ne!(
        drafts
            .get_template(a.id)
            .await
            .unwrap()
            .declaration
            .head
            .remarks,
        "新备注"
    );

    // A draft made from r3 still compares with r3 after the template moves on.
    let from_a = drafts.new_from_template(a.id).await.unwrap();
    drafts.update_template(a.id, draft.meta.id).await.unwrap();
    let diff = drafts
        .template_differences(from_a.meta.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(diff.template_revision, 3);
    assert!(diff.differences.is_empty(), "{:#?}", diff.differences);
    // Updating the template from that draft itself: it compares with the new revision.
    let mut changed = from_a.declaration.clone();
    changed.head.bill_no = "DLCN2026120009".into();
    drafts
        .save(from_a.meta.id, &changed, "autosave")
        .await
        .unwrap();
    let diff = drafts
        .template_differences(from_a.meta.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(diff.differences.len(), 1);
    let a5 = drafts.update_template(a.id, from_a.meta.id).await.unwrap();
    assert_eq!(a5.revision, 5);
    let diff = drafts
        .template_differences(from_a.meta.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(diff.template_revision, 5);
    assert!(diff.differences.is_empty(), "{:#?}", diff.differences);

    // Deleting frees the name; a deleted template makes no drafts.
    let names = |ts: Vec<portdesk_store::TemplateMeta>| -> Vec<String> {
        ts.into_iter().map(|t| t.name).collect()
    };
    assert_eq!(names(drafts.list_templates().await.unwrap()), ["A", "B2"]);
    drafts.delete_template(a.id).await.unwrap();
    assert_eq!(names(drafts.list_templates().await.unwrap()), ["B2"]);
    assert_eq!(
        drafts.new_from_template(a.id).await.unwrap_err().code(),
        "trashed"
    );
    drafts
        .save_as_template(draft.meta.id, "A", "")
        .await
        .unwrap();
    // The draft made from the deleted one still shows its differences.
    assert!(drafts
        .template_differences(from_a.meta.id)
        .await
        .unwrap()
        .is_some());
}

#[tokio::test]
async fn a_new_declaration_takes_clerk_defaults_then_the_enterprise() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path()).await;
    // No defaults, no enterprise: an empty declaration, as before.
    let plain = drafts.create(IeFlag::E).await.unwrap();
    assert_eq!(
        plain.declaration,
        Declaration::new(plain.meta.client_seq_no.clone(), IeFlag::E)
    );

    drafts
        .set_default("head.declaring_customs", "0900")
        .await
        .unwrap();
    drafts
        .set_default("head.agent_name", "代理报关行")
        .await
        .unwrap();
    drafts.set_default("lines.currency", "USD").await.unwrap();
    let refused = drafts
        .set_default("head.declaring_customs", "09000")
        .await
        .unwrap_err();
    assert_eq!(refused.field(), Some("head.declaring_customs"));
    assert_eq!(
        drafts
            .set_default("head.nope", "x")
            .await
            .unwrap_err()
            .field(),
        Some("head.nope")
    );
    drafts
        .store()
        .put_reference(ReferenceKind::Enterprise, "acct", ENTERPRISE, None)
        .await
        .unwrap();

    let d = drafts.create(IeFlag::E).await.unwrap().declaration;
    assert_eq!(d.head.declaring_customs, "0900");
    assert_eq!(
        d.head.agent_name, "代理报关行",
        "the clerk's value comes first"
    );
    assert_eq!(d.head.agent_scc, "91210200MA0QC4L18X");
    assert_eq!(d.head.agent_code, "2102930001");
    assert_eq!(d.head.trade_scc, "", "self-filing is off");

    let view = drafts.set_self_filing(true).await.unwrap();
    assert!(view.self_filing);
    assert_eq!(view.values.len(), 3);
    assert_eq!(
        view.enterprise.as_ref().unwrap().name,
        "大连北方钢材进出口有限公司"
    );
    assert!(view.fields.iter().any(|f| f.path == "lines.unit"));
    let d = drafts.create(IeFlag::I).await.unwrap().declaration;
    assert_eq!(d.head.trade_name, "大连北方钢材进出口有限公司");
    assert_eq!(d.head.owner_code, "2102930001");

    // From a template: the template wins, the enterprise fills what is empty,
    // the clerk's defaults stay out.
    let mut source = valid();
    source.head.agent_name = String::new();
    source.head.declaring_customs = "0800".into();
    let draft = drafts.import(source).await.unwrap();
    let t = drafts
        .save_as_template(draft.meta.id, "T", "")
        .await
        .unwrap();
    let d = drafts.new_from_template(t.id).await.unwrap().declaration;
    assert_eq!(d.head.declaring_customs, "0800");
    assert_eq!(d.head.agent_name, "大连北方钢材进出口有限公司");
    assert_eq!(d.head.trade_name, valid().head.trade_name);

    let view = drafts.clear_default("head.agent_name").await.unwrap();
    assert_eq!(view.values.len(), 2);
    let view = drafts.set_self_filing(false).await.unwrap();
    assert!(!view.self_filing);
}
