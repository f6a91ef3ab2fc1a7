//! Templates (报关单模板) and field defaults on a real SQLite file: the
//! revision engine with no client sequence no., names unique among live
//! templates only, the template a draft came from written with the draft,
//! and default values set and cleared.

use portdesk_domain::{client_seq_no_for, Declaration, IeFlag, SaveInfo};
use portdesk_store::{Store, TemplateSource};
use uuid::Uuid;

async fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("templates.db")).await.unwrap();
    (dir, store)
}

fn body(remarks: &str) -> Declaration {
    let mut d = Declaration::new(String::new(), IeFlag::E);
    d.head.remarks = remarks.into();
    d
}

#[tokio::test]
async fn templates_are_revisioned_without_a_client_seq_no() {
    let (_dir, store) = open().await;
    let a = Uuid::now_v7();
    let b = Uuid::now_v7();
    // Two templates: both without a number, which must not collide.
    store
        .create_template(a, "A", "", &body("1"), "from draft X")
        .await
        .unwrap();
    store
        .create_template(b, "B", "n", &body("1"), "from draft X")
        .await
        .unwrap();
    let taken = store
        .create_template(Uuid::now_v7(), "A", "", &body("1"), "x")
        .await
        .unwrap_err();
    assert_eq!(taken.code(), "template_name_taken");

    assert_eq!(
        store
            .save_template(a, &body("1"), "same", None)
            .await
            .unwrap()
            .revision,
        1
    );
    assert_eq!(
        store
            .save_template(a, &body("2"), "update", None)
            .await
            .unwrap()
            .revision,
        2
    );
    let history = store.template_history(a).await.unwrap();
    let notes: Vec<&str> = history.iter().map(|h| h.note.as_str()).collect();
    assert_eq!(notes, ["update", "from draft X"]);
    assert_eq!(
        store.template_revision(a, 1).await.unwrap().head.remarks,
        "1"
    );
    let restored = store.restore_template(a, 1).await.unwrap();
    assert_eq!(restored.revision, 3);
    assert_eq!(store.get_template(a).await.unwrap().1.head.remarks, "1");
    assert_eq!(
        store.template_revision(a, 9).await.unwrap_err().code(),
        "revision_not_found"
    );

    // Rename: the list row only; a taken name refused; deleted frees it.
    assert_eq!(
        store.rename_template(b, "A", "").await.unwrap_err().code(),
        "template_name_taken"
    );
    let renamed = store.rename_template(a, "A1", "note").await.unwrap();
    assert_eq!((renamed.name.as_str(), renamed.revision), ("A1", 3));
    let trashed = store.trash_template(a).await.unwrap();
    assert!(trashed.trashed_at.is_some());
    assert_eq!(
        store
            .save_template(a, &body("3"), "x", None)
            .await
            .unwrap_err()
            .code(),
        "trashed"
    );
    assert_eq!(store.find_template_by_name("A1").await.unwrap(), None);
    store
        .create_template(Uuid::now_v7(), "A1", "", &body("1"), "x")
        .await
        .unwrap();
    let names: Vec<String> = store
        .list_templates()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["A1", "B"]);
    // Templates are never documents filed under a number.
    assert!(store.find_by_client_seq_no("").await.unwrap().is_none());
}

#[tokio::test]
async fn a_draft_remembers_its_template_and_defaults_are_kept() {
    let (_dir, store) = open().await;
    let t = Uuid::now_v7();
    store
        .create_template(t, "T", "", &body("1"), "x")
        .await
        .unwrap();
    let id = Uuid::now_v7();
    let decl = Declaration::new(client_seq_no_for(id), IeFlag::E);
    let info = SaveInfo::from_problems(&[], "from template T");
    store
        .create_declaration_from_template(
            id,
            &decl,
            &info,
            TemplateSource {
                template_id: t,
                revision: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        store.draft_template(id).await.unwrap(),
        Some(TemplateSource {
            template_id: t,
            revision: 1
        })
    );
    let other = Uuid::now_v7();
    store
        .create_declaration(
            other,
            &Declaration::new(client_seq_no_for(other), IeFlag::I),
            &info,
        )
        .await
        .unwrap();
    assert_eq!(store.draft_template(other).await.unwrap(), None);
    assert_eq!(
        store
            .draft_template(Uuid::now_v7())
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );

    store
        .set_field_default("lines.unit", Some("007"))
        .await
        .unwrap();
    store
        .set_field_default("head.trade_mode", Some("0110"))
        .await
        .unwrap();
    store
        .set_field_default("head.trade_mode", Some("0214"))
        .await
        .unwrap();
    assert_eq!(
        store.field_defaults().await.unwrap(),
        [
            ("head.trade_mode".to_owned(), "0214".to_owned()),
            ("lines.unit".to_owned(), "007".to_owned())
        ]
    );
    store.set_field_default("lines.unit", None).await.unwrap();
    store.set_field_default("lines.unit", None).await.unwrap();
    assert_eq!(store.field_defaults().await.unwrap().len(), 1);
}
