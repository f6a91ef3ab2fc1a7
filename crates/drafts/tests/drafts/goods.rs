//! The goods library (商品库) through the application layer: a filed
//! declaration accepted by customs (receipt `L`) makes records keyed by
//! part number or code + name, learning again changes nothing, the picker
//! finds them and fills a line keeping its quantities, the clerk's edits
//! are checked, and Excel export/import round-trips in one transaction.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Utc;
use portdesk_domain::goods::GoodsRecord;
use portdesk_domain::{CodeLists, Declaration, GoodsLine};
use portdesk_drafts::{DraftError, Drafts};
use portdesk_store::{NewReceipt, Store};
use uuid::Uuid;

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

/// The valid fixture with its first line given part number `part`, filed.
async fn filed(drafts: &Drafts, part: &str) -> (Uuid, Declaration) {
    let mut decl = valid();
    decl.lines[0].part_number = part.into();
    let view = drafts.import(decl).await.unwrap();
    drafts.file(&[view.meta.id]).await.unwrap();
    let decl = drafts.get(view.meta.id).await.unwrap().declaration;
    (view.meta.id, decl)
}

#[tokio::test]
async fn acceptance_learns_the_lines_keyed_by_part_number_or_code_and_name() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path()).await;
    let (id, decl) = filed(&drafts, "OKUMA-MB46").await;
    // Not accepted yet: refused by hand, nothing learnt.
    let err = drafts.learn_from_declaration(id).await.unwrap_err();
    assert!(matches!(err, DraftError::Invalid { ref field, .. } if field == "status"));
    assert!(drafts.search_goods("", 20).await.unwrap().is_empty());

    drafts
        .store()
        .store_receipts("acct", &[receipt("1", &decl.client_seq_no, "L")], "1")
        .await
        .unwrap();
    let all = drafts.list_goods().await.unwrap();
    assert_eq!(all.len(), decl.lines.len(), "one record a line");
    let first = &decl.lines[0];
    let by_part = drafts.search_goods("OKUMA", 20).await.unwrap();
    assert_eq!(by_part.len(), 1);
    let rec = drafts.get_goods(by_part[0].id).await.unwrap().record;
    assert_eq!(rec.part_number, "OKUMA-MB46");
    assert_eq!(rec.commodity_code, first.commodity_code);
    assert_eq!(rec.elements, first.elements);
    assert_eq!(rec.last_unit_price, first.unit_price);
    assert_eq!(rec.last_currency, first.currency);
    assert_eq!(rec.last_declaration, decl.client_seq_no);
    // A line without part number is keyed by code + name.
    if let Some(second) = decl.lines.get(1) {
        let key = portdesk_domain::goods::goods_key("", &second.commodity_code, &second.name);
        assert!(drafts
            .store()
            .find_goods_by_key(&key.unwrap())
            .await
            .unwrap()
            .is_some());
    }

    // Learning again (by hand, or a repeated receipt) writes nothing.
    assert_eq!(drafts.learn_from_declaration(id).await.unwrap(), None);
    drafts
        .store()
        .store_receipts("acct", &[receipt("1", &decl.client_seq_no, "L")], "1")
        .await
        .unwrap();
    assert_eq!(drafts.goods_history(by_part[0].id).await.unwrap().len(), 1);

    // A second declaration of the same part number updates the one record.
    let mut again = valid();
    again.client_seq_no = portdesk_domain::client_seq_no_for(Uuid::now_v7());
    again.lines[0].part_number = "okuma-mb46".into();
    again.lines[0].unit_price = "1000".into();
    again.lines[0].total_price = "25500.00".into();
    let view = drafts.import(again).await.unwrap();
    drafts.file(&[view.meta.id]).await.unwrap();
    drafts
        .store()
        .store_receipts("acct", &[receipt("2", &view.meta.client_seq_no, "L")], "2")
        .await
        .unwrap();
    assert_eq!(drafts.list_goods().await.unwrap().len(), decl.lines.len());
    let rec = drafts.get_goods(by_part[0].id).await.unwrap();
    assert_eq!(rec.meta.revision, 2);
    assert_eq!(rec.record.last_unit_price, "1000");
    // Last used moved to the later acceptance.
    assert!(rec.meta.last_used > by_part[0].last_used);
}

#[tokio::test]
async fn a_picked_record_fills_a_line_keeping_its_quantities() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path()).await;
    let meta = drafts
        .save_goods(
            None,
            &GoodsRecord {
                part_number: " BOLT-M8 ".into(),
                commodity_code: "7318151000".into(),
                name: "螺栓".into(),
                elements: "0|3|钢制|M8".into(),
                unit: "007".into(),
                first_unit: "035".into(),
                origin_country: "CHN".into(),
                last_unit_price: "0.25".into(),
                last_currency: "USD".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(meta.part_number, "BOLT-M8", "trimmed");
    let found = drafts.search_goods("螺栓", 20).await.unwrap();
    assert_eq!(found[0].id, meta.id);
    let line = GoodsLine {
        quantity: "400".into(),
        first_quantity: "3.2".into(),
        destination_country: "CHN".into(),
        district_code: "21029".into(),
        ..Default::default()
    };
    let filled = drafts.fill_line_from_goods(meta.id, &line).await.unwrap();
    assert_eq!(filled.part_number, "BOLT-M8");
    assert_eq!(filled.commodity_code, "7318151000");
    assert_eq!(filled.elements, "0|3|钢制|M8");
    assert_eq!(filled.unit_price, "0.25");
    assert_eq!(filled.quantity, "400");
    assert_eq!(filled.first_quantity, "3.2");
    assert_eq!(filled.district_code, "21029");
    assert_eq!(filled.total_price, "100.00");
}

#[tokio::test]
async fn bad_edits_are_refused_by_field_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path()).await;
    let rec = GoodsRecord {
        name: "螺栓".into(),
        ..Default::default()
    };
    let meta = drafts.save_goods(None, &rec).await.unwrap();
    let mut bad = rec.clone();
    bad.part_number = "P".repeat(33);
    let err = drafts.save_goods(Some(meta.id), &bad).await.unwrap_err();
    assert!(
        matches!(err, DraftError::Invalid { ref field, .. } if field == "part_number"),
        "{err:?}"
    );
    let err = drafts
        .save_goods(Some(meta.id), &GoodsRecord::default())
        .await
        .unwrap_err();
    assert!(matches!(err, DraftError::Invalid { ref field, .. } if field == "name"));
    assert_eq!(drafts.get_goods(meta.id).await.unwrap().meta.revision, 1);
    // Deleted: out of the search, history kept.
    drafts.delete_goods(meta.id).await.unwrap();
    assert!(drafts.search_goods("螺栓", 20).await.unwrap().is_empty());
    assert_eq!(drafts.goods_history(meta.id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn excel_export_and_import_round_trip_and_a_bad_row_saves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path()).await;
    for (part, name) in [("A-1", "螺栓"), ("A-2", "螺母"), ("", "垫圈")] {
        drafts
            .save_goods(
                None,
                &GoodsRecord {
                    part_number: part.into(),
                    commodity_code: "7318151000".into(),
                    name: name.into(),
                    note: "常用".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
    let path = dir.path().join("goods.xlsx");
    assert_eq!(drafts.export_goods(&path, false).await.unwrap(), 3);

    // Into another library: all three created, again: all unchanged.
    let other = tempfile::tempdir().unwrap();
    let fresh = open(other.path()).await;
    let preview = fresh.preview_goods_import(&path).unwrap();
    assert_eq!(preview.error_count, 0, "{preview:?}");
    assert_eq!(preview.rows.len(), 3);
    assert_eq!(preview.rows[0].row, 3, "after the two header rows");
    let counts = fresh.import_goods(&path).await.unwrap();
    assert_eq!((counts.created, counts.updated), (3, 0));
    let counts = fresh.import_goods(&path).await.unwrap();
    assert_eq!(counts.unchanged, 3);
    let mut a = drafts.list_goods().await.unwrap();
    let mut b = fresh.list_goods().await.unwrap();
    a.sort_by(|x, y| x.record.name.cmp(&y.record.name));
    b.sort_by(|x, y| x.record.name.cmp(&y.record.name));
    let records = |v: Vec<portdesk_drafts::goods::GoodsView>| {
        v.into_iter().map(|g| g.record).collect::<Vec<_>>()
    };
    assert_eq!(records(a), records(b));

    // A CSV with an over-long part number on row 3 and a duplicate on row 4.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!(
            "商品料号,商品名称\nB-1,新品\n{},太长\nB-1,重复\n",
            "X".repeat(33)
        ),
    )
    .unwrap();
    let preview = drafts.preview_goods_import(&bad).unwrap();
    assert_eq!(preview.error_count, 2);
    assert_eq!(preview.rows[1].problems[0].field, "part_number");
    assert!(preview.rows[1].problems[0].message_en.contains("row 3"));
    assert!(preview.rows[2].problems[0].message_zh.contains("第2行"));
    let err = drafts.import_goods(&bad).await.unwrap_err();
    assert!(matches!(err, DraftError::Invalid { ref field, .. } if field == "part_number"));
    assert!(drafts.search_goods("新品", 20).await.unwrap().is_empty());
}
