//! Spreadsheet imports on a real SQLite file: a preview writes nothing, a
//! refused or failing save changes nothing (drafts, revisions and bodies
//! byte for byte), a save of several parts is one transaction, and lines
//! go into an open draft after its own.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use portdesk_domain::{CodeLists, Declaration, DraftQuery};
use portdesk_drafts::{DraftError, Drafts};
use portdesk_store::Store;
use rust_decimal::Decimal;

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

/// Every draft (live and trashed) with its list row, every revision's
/// metadata and body as the store gives them back, and the saved layouts:
/// what "nothing changed" means.
async fn snapshot(drafts: &Drafts) -> Vec<String> {
    let mut out = Vec::new();
    for trashed in [false, true] {
        let page = drafts
            .list(&DraftQuery {
                trashed,
                limit: 500,
                ..DraftQuery::default()
            })
            .await
            .unwrap();
        for meta in page.items {
            out.push(serde_json::to_string(&meta).unwrap());
            for rev in drafts.history(meta.id).await.unwrap() {
                out.push(serde_json::to_string(&rev).unwrap());
                let body = drafts.revision(meta.id, rev.revision).await.unwrap();
                out.push(serde_json::to_string(&body).unwrap());
            }
        }
    }
    for l in drafts.list_sheet_layouts().await.unwrap() {
        out.push(serde_json::to_string(&l).unwrap());
    }
    out
}

#[tokio::test]
async fn a_cancelled_or_failed_import_leaves_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path()).await;
    let draft = drafts.import(valid()).await.unwrap();
    let mut edited = draft.declaration.clone();
    edited.head.remarks = "r2".into();
    drafts.save(draft.meta.id, &edited, "edit").await.unwrap();
    let layout = portdesk_sheet::Layout::from_json(
        &std::fs::read_to_string(fixture("excel/packing-list-odd.layout.json")).unwrap(),
    )
    .unwrap();
    drafts.save_sheet_layout(&layout).await.unwrap();
    let before = snapshot(&drafts).await;
    assert!(before.len() >= 6);

    // Cancelled: previews that are never saved.
    let p = drafts
        .preview_sheet_import(
            &fixture("excel/packing-list-odd.xlsx"),
            Some("海兴装箱单"),
            Some(draft.meta.id),
        )
        .await
        .unwrap();
    assert_eq!(p.parts[0].lines.len(), 2 + 5);
    drafts
        .preview_sheet_import(&fixture("excel/invoice-73.xlsx"), None, None)
        .await
        .unwrap();
    drafts
        .preview_pasted_lines("8471300000\t笔记本电脑\t\t3\n", Some(draft.meta.id))
        .await
        .unwrap();
    assert_eq!(snapshot(&drafts).await, before, "previews write nothing");

    // Refused: unreadable cells, whatever parts are sent.
    let broken = drafts
        .preview_sheet_import(
            &fixture("excel/broken.xlsx"),
            Some("template"),
            Some(draft.meta.id),
        )
        .await
        .unwrap();
    assert_eq!(broken.unreadable.len(), 4);
    let e = drafts
        .save_sheet_import(broken.ticket, vec![valid()])
        .await
        .unwrap_err();
    assert!(
        matches!(&e, DraftError::Invalid { field, .. } if field == "unreadable"),
        "{e}"
    );

    // Refused: a part over 50 lines, a file that is no spreadsheet.
    let mut long = valid();
    long.lines = vec![long.lines[0].clone(); 51];
    let e = drafts
        .save_sheet_import(p.ticket, vec![long])
        .await
        .unwrap_err();
    assert!(
        matches!(&e, DraftError::Invalid { field, .. } if field == "parts[0].lines"),
        "{e}"
    );
    let e = drafts
        .preview_sheet_import(&fixture("declaration-valid.json"), None, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, DraftError::Invalid { field, .. } if field == "layout"),
        "{e}"
    );

    // Failing halfway: the open draft's part is fine, then two new parts
    // claim one client sequence no.; the store refuses the second and the
    // whole save is rolled back, the open draft's new revision with it.
    let mut twin = Declaration::new("PD0000000000TWIN01".into(), portdesk_domain::IeFlag::E);
    twin.lines = valid().lines;
    let e = drafts
        .save_sheet_import(
            p.ticket,
            vec![p.parts[0].clone(), twin.clone(), twin.clone()],
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "client_seq_no_taken", "{e}");
    assert_eq!(
        snapshot(&drafts).await,
        before,
        "a failed save changes nothing"
    );

    // The same preview still saves once fixed.
    let saved = drafts
        .save_sheet_import(p.ticket, vec![p.parts[0].clone()])
        .await
        .unwrap();
    assert_eq!(saved[0].meta.id, draft.meta.id);
    assert_eq!(saved[0].meta.revision, 3);
    assert_ne!(snapshot(&drafts).await, before);
}

#[tokio::test]
async fn lines_go_after_the_open_drafts_and_filled_head_fields_replace_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path()).await;
    let draft = drafts.import(valid()).await.unwrap();
    let layout = portdesk_sheet::Layout::from_json(
        &std::fs::read_to_string(fixture("excel/packing-list-odd.layout.json")).unwrap(),
    )
    .unwrap();
    drafts.save_sheet_layout(&layout).await.unwrap();
    let p = drafts
        .preview_sheet_import(
            &fixture("excel/packing-list-odd.xlsx"),
            Some("海兴装箱单"),
            Some(draft.meta.id),
        )
        .await
        .unwrap();
    assert_eq!(p.into, Some(draft.meta.id));
    assert!(!p.layout_suggested);
    let d = &p.parts[0];
    assert_eq!(d.client_seq_no, draft.declaration.client_seq_no);
    assert_eq!(d.lines[..2], draft.declaration.lines[..]);
    assert_eq!(d.lines[2].commodity_code, "7318159090");
    assert_eq!(
        d.head.bill_no, "COSU6399887766",
        "filled in the file: replaced"
    );
    assert_eq!(
        d.head.trade_name, draft.declaration.head.trade_name,
        "empty in the file: kept"
    );
    // The draft's own weights stay: the head had them.
    assert_eq!(d.head.gross_weight, draft.declaration.head.gross_weight);
    assert_eq!(p.rows.len(), 5);
    assert_eq!(
        (p.rows[0].sheet.as_str(), p.rows[0].row),
        ("Packing List", 7)
    );
    assert_eq!(p.rows[0].line_no, 3);
    assert_eq!(p.rows[0].net_weight, "180.5");
    // Containers keep pointing at the draft's lines.
    assert_eq!(d.containers, draft.declaration.containers);

    let saved = drafts
        .save_sheet_import(p.ticket, p.parts.clone())
        .await
        .unwrap();
    assert_eq!(saved.len(), 1);
    let after = drafts.get(draft.meta.id).await.unwrap();
    assert_eq!(after.declaration, p.parts[0]);
    assert_eq!(after.meta.revision, 2);
}

#[tokio::test]
async fn seventy_three_lines_save_as_two_drafts_in_one_go() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path()).await;
    let p = drafts
        .preview_sheet_import(&fixture("excel/invoice-73.xlsx"), None, None)
        .await
        .unwrap();
    assert_eq!(p.layout.as_deref(), Some("template-lines"));
    assert!(p.layout_suggested);
    assert_eq!(p.parts.len(), 2);
    assert_eq!(p.totals.lines, 73);
    assert_eq!(p.totals.parts[0].lines, 50);
    assert_eq!(p.totals.parts[1].lines, 23);
    assert_eq!(p.rows[50].part, 1);
    assert_eq!(p.rows[50].line_no, 1);
    // The head had no totals: the rows' sums, apportioned exactly.
    let packages: u32 = (0..73).map(|i| 1 + i % 3).sum();
    assert_eq!(p.totals.packages, packages.to_string());
    let parts_sum = |f: fn(&portdesk_drafts::spreadsheets::PartTotals) -> &str| -> Decimal {
        p.totals
            .parts
            .iter()
            .map(|t| f(t).parse::<Decimal>().unwrap())
            .sum()
    };
    assert_eq!(parts_sum(|t| &t.packages), Decimal::from(packages));
    assert_eq!(
        parts_sum(|t| &t.net_weight),
        p.totals.net_weight.parse().unwrap()
    );
    assert_eq!(
        parts_sum(|t| &t.gross_weight),
        p.totals.gross_weight.parse().unwrap()
    );
    assert_eq!(p.totals.value.len(), 1);
    assert_eq!(p.totals.value[0].currency, "USD");

    let saved = drafts
        .save_sheet_import(p.ticket, p.parts.clone())
        .await
        .unwrap();
    assert_eq!(saved.len(), 2);
    assert_ne!(saved[0].meta.client_seq_no, saved[1].meta.client_seq_no);
    let page = drafts.list(&DraftQuery::default()).await.unwrap();
    assert_eq!(page.total, 2);
    // Saved is what was previewed, with the sequence nos. given on saving.
    for s in &saved {
        let d = drafts.get(s.meta.id).await.unwrap().declaration;
        let part = p
            .parts
            .iter()
            .find(|x| x.lines.len() == d.lines.len())
            .unwrap();
        assert_eq!(
            Declaration {
                client_seq_no: d.client_seq_no.clone(),
                ..part.clone()
            },
            d
        );
    }
}

#[tokio::test]
async fn a_new_declaration_from_a_sheet_takes_the_defaults_under_what_the_sheet_says() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = open(dir.path()).await;
    // 初始值: the declaring customs and the trading country by default.
    drafts
        .set_default("head.declaring_customs", "0900")
        .await
        .unwrap();
    drafts
        .set_default("head.trading_country", "JPN")
        .await
        .unwrap();
    // The packing list's layout fixes the trade mode and gives the bill no.
    let layout: portdesk_sheet::Layout = serde_json::from_str(
        &std::fs::read_to_string(fixture("excel/packing-list-odd.layout.json")).unwrap(),
    )
    .unwrap();
    drafts.save_sheet_layout(&layout).await.unwrap();
    let p = drafts
        .preview_sheet_import(&fixture("excel/packing-list-odd.xlsx"), None, None)
        .await
        .unwrap();
    let head = &p.parts[0].head;
    assert_eq!(head.declaring_customs, "0900");
    assert_eq!(head.trading_country, "JPN");
    assert_eq!(head.trade_mode, "0110");
    assert_eq!(head.bill_no, "COSU6399887766");
}
