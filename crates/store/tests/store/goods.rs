//! The goods library (migration 0012): records are revisioned documents,
//! a receipt `L` or later learns the declaration's lines once, the picker's
//! search finds by part number, code or name, most recently used first.

use chrono::Utc;
use portdesk_domain::goods::GoodsRecord;
use portdesk_domain::{client_seq_no_for, Declaration, DraftStatus, GoodsLine, IeFlag, SaveInfo};
use portdesk_store::{FileRequest, NewReceipt, Store, StoreError};
use uuid::Uuid;

async fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("portdesk.db")).await.unwrap();
    (dir, store)
}

fn ready() -> SaveInfo {
    SaveInfo {
        status: DraftStatus::Ready,
        error_count: 0,
        warning_count: 0,
        note: "save".into(),
    }
}

fn line(part: &str, code: &str, name: &str, price: &str) -> GoodsLine {
    GoodsLine {
        part_number: part.into(),
        commodity_code: code.into(),
        name: name.into(),
        elements: "0|3|钢制".into(),
        quantity: "10".into(),
        unit: "007".into(),
        unit_price: price.into(),
        currency: "USD".into(),
        origin_country: "CHN".into(),
        ..Default::default()
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

/// A filed declaration with `lines`; returns its client sequence no.
async fn filed(store: &Store, lines: Vec<GoodsLine>) -> (Uuid, String) {
    let id = Uuid::now_v7();
    let mut decl = Declaration::new(client_seq_no_for(id), IeFlag::I);
    decl.lines = lines;
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
    (id, decl.client_seq_no)
}

async fn record_of(store: &Store, key: &str) -> (Uuid, GoodsRecord, i64) {
    let id = store.find_goods_by_key(key).await.unwrap().expect(key);
    let (meta, rec) = store.get_goods(id).await.unwrap();
    (id, rec, meta.revision)
}

#[tokio::test]
async fn an_accepting_receipt_learns_each_line_once() {
    let (_dir, store) = open().await;
    let (_, csn) = filed(
        &store,
        vec![
            line("BOLT-M8", "7318151000", "螺栓", "0.12"),
            line("", "7318160000", "螺母", "0.05"),
            line("", "", "", ""),
        ],
    )
    .await;
    // A receipt before acceptance learns nothing.
    store
        .store_receipts("acct", &[receipt("1", &csn, "E")], "1")
        .await
        .unwrap();
    assert!(store.search_goods("", 20).await.unwrap().is_empty());

    store
        .store_receipts("acct", &[receipt("2", &csn, "L")], "2")
        .await
        .unwrap();
    let all = store.search_goods("", 20).await.unwrap();
    assert_eq!(all.len(), 2, "the empty line makes no record: {all:?}");
    let (bolt, rec, revision) = record_of(&store, "P:BOLT-M8").await;
    assert_eq!(rec.commodity_code, "7318151000");
    assert_eq!(rec.last_unit_price, "0.12");
    assert_eq!(rec.last_declaration, csn);
    assert!(rec.last_used.is_some());
    assert_eq!(revision, 1);
    let (_, nut, _) = record_of(&store, "C:7318160000|螺母").await;
    assert_eq!(nut.name, "螺母");

    // Later receipts of the same filing, and the same receipt again, learn nothing more.
    store
        .store_receipts(
            "acct",
            &[
                receipt("2", &csn, "L"),
                receipt("3", &csn, "P"),
                receipt("4", &csn, "R"),
            ],
            "4",
        )
        .await
        .unwrap();
    assert_eq!(store.goods_history(bolt).await.unwrap().len(), 1);
    assert_eq!(store.search_goods("", 20).await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_second_declaration_updates_the_record_and_unchanged_writes_nothing() {
    let (_dir, store) = open().await;
    let (_, a) = filed(&store, vec![line("BOLT-M8", "7318151000", "螺栓", "0.12")]).await;
    store
        .store_receipts("acct", &[receipt("1", &a, "L")], "1")
        .await
        .unwrap();
    let (_, b) = filed(
        &store,
        vec![line("bolt-m8", "7318151000", "螺栓 M8", "0.15")],
    )
    .await;
    store
        .store_receipts("acct", &[receipt("2", &b, "L")], "2")
        .await
        .unwrap();
    let (id, rec, revision) = record_of(&store, "P:BOLT-M8").await;
    assert_eq!(revision, 2, "same part number (case folded): one record");
    assert_eq!(rec.last_unit_price, "0.15");
    assert_eq!(rec.name, "螺栓 M8");
    assert_eq!(
        store.goods_history(id).await.unwrap()[0].note,
        format!("learnt from {b}")
    );

    // Saving what it holds writes no revision; a change does.
    store.save_goods(id, &rec, "edited").await.unwrap();
    assert_eq!(store.goods_history(id).await.unwrap().len(), 2);
    let mut edited = rec.clone();
    edited.note = "常用".into();
    let meta = store.save_goods(id, &edited, "edited").await.unwrap();
    assert_eq!(meta.revision, 3);
    assert_eq!(store.goods_revision(id, 2).await.unwrap(), rec);
}

#[tokio::test]
async fn search_by_part_number_code_or_name_recent_first() {
    let (_dir, store) = open().await;
    let old = GoodsRecord {
        part_number: "AB-1234".into(),
        commodity_code: "8471300000".into(),
        name: "便携式电脑".into(),
        last_used: Some(Utc::now() - chrono::Duration::days(3)),
        ..Default::default()
    };
    let new = GoodsRecord {
        part_number: "XY-9".into(),
        commodity_code: "8471410000".into(),
        name: "台式电脑".into(),
        last_used: Some(Utc::now()),
        ..Default::default()
    };
    let never = GoodsRecord {
        commodity_code: "8471500000".into(),
        name: "电脑主机".into(),
        ..Default::default()
    };
    for r in [&old, &new, &never] {
        store
            .create_goods(Uuid::now_v7(), r, "typed")
            .await
            .unwrap();
    }
    let names = |q: &'static str| {
        let store = &store;
        async move {
            store
                .search_goods(q, 20)
                .await
                .unwrap()
                .into_iter()
                .map(|m| m.name)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(names("电脑").await, ["台式电脑", "便携式电脑", "电脑主机"]);
    assert_eq!(names("8471").await, ["台式电脑", "便携式电脑", "电脑主机"]);
    assert_eq!(names("ab-12").await, ["便携式电脑"]);
    // Contains: a middle part of a part number or code.
    assert_eq!(names("234").await, ["便携式电脑"]);
    assert_eq!(names("1410").await, ["台式电脑"]);
    assert_eq!(names("便携").await, ["便携式电脑"]);
    assert!(names("打印机").await.is_empty());
    assert_eq!(store.search_goods("", 2).await.unwrap().len(), 2);
}

#[tokio::test]
async fn keys_are_unique_among_live_records_and_import_is_all_or_nothing() {
    let (_dir, store) = open().await;
    let rec = GoodsRecord {
        part_number: "P1".into(),
        name: "螺栓".into(),
        ..Default::default()
    };
    let id = Uuid::now_v7();
    store.create_goods(id, &rec, "typed").await.unwrap();
    let err = store
        .create_goods(Uuid::now_v7(), &rec, "typed")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::GoodsKeyTaken { .. }), "{err:?}");

    // Import: P1 updated, P2 created, in one transaction.
    let mut p1 = rec.clone();
    p1.commodity_code = "7318151000".into();
    let p2 = GoodsRecord {
        part_number: "P2".into(),
        name: "螺母".into(),
        ..Default::default()
    };
    let counts = store.import_goods(&[p1.clone(), p2.clone()]).await.unwrap();
    assert_eq!(
        (counts.created, counts.updated, counts.unchanged),
        (1, 1, 0)
    );
    let again = store.import_goods(&[p1, p2]).await.unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 2));
    // A failing record rolls the whole import back.
    let bad = GoodsRecord::default();
    let p3 = GoodsRecord {
        part_number: "P3".into(),
        ..Default::default()
    };
    assert!(store.import_goods(&[p3, bad]).await.is_err());
    assert!(store.find_goods_by_key("P:P3").await.unwrap().is_none());

    // Trashed: gone from search, the key free again.
    store.trash_goods(id).await.unwrap();
    assert!(store.search_goods("P1", 20).await.unwrap().is_empty());
    store
        .create_goods(Uuid::now_v7(), &rec, "typed")
        .await
        .unwrap();
    assert_eq!(store.list_goods().await.unwrap().len(), 2);
}
