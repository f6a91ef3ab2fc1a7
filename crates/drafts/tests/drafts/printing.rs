//! The printed declaration through the application layer on a real SQLite
//! file: a saved draft's sheet is watermarked until a receipt releases it
//! (and then carries the customs number), written where asked or into the
//! data dir; a GBK name finds the system font in the folders given, and
//! without one the error names the field and nothing is written.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use chrono::Utc;
use portdesk_domain::{CodeLists, Declaration, DraftStatus};
use portdesk_drafts::printing::{DeclarationPrints, SheetKind};
use portdesk_drafts::Drafts;
use portdesk_store::{NewReceipt, Store};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name)
}

fn valid() -> Declaration {
    serde_json::from_str(&std::fs::read_to_string(fixture("declaration-valid.json")).unwrap())
        .unwrap()
}

fn text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) installed");
    String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

const WATERMARK: &str = "未放行草单DRAFT";

#[tokio::test]
async fn a_draft_is_watermarked_until_released_and_gbk_names_use_the_system_font() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("portdesk.db")).await.unwrap();
    let drafts = Drafts::new(store.clone(), Arc::new(CodeLists::bundled()));
    let mut d = valid();
    d.head.trade_name = "大连镕达钢材进出口有限公司".into();
    let view = drafts.import(d).await.unwrap();
    let id = view.meta.id;

    // No font folder with the character: refused naming the field.
    let empty = tempfile::tempdir().unwrap();
    let none = DeclarationPrints::with_font_dirs(
        drafts.clone(),
        dir.path().to_owned(),
        vec![empty.path().to_owned()],
    );
    let err = none.save_pdf(id, SheetKind::Draft, None).await.unwrap_err();
    assert_eq!(err.code(), "missing_glyph");
    assert_eq!(err.field(), Some("head.trade_name"));
    assert!(!dir.path().join("declarations").exists(), "nothing written");

    // The Debian font folder `scripts/setup.sh --tests` fills.
    let prints = DeclarationPrints::with_font_dirs(
        drafts.clone(),
        dir.path().to_owned(),
        vec![PathBuf::from("/usr/share/fonts/truetype/wqy")],
    );
    let path = prints.save_pdf(id, SheetKind::Draft, None).await.unwrap();
    assert_eq!(
        path,
        dir.path()
            .join("declarations")
            .join(format!("{}-draft.pdf", view.meta.client_seq_no))
    );
    let t = text(&path);
    assert!(t.contains("大连镕达钢材进出口有限公司"), "{t}");
    assert!(t.contains(WATERMARK));

    // Released by a P receipt: no watermark, the customs number printed.
    store
        .store_receipts(
            "acct",
            &[NewReceipt {
                server_id: "1".into(),
                client_seq_no: view.meta.client_seq_no.clone(),
                seq_no: "S1".into(),
                entry_id: Some("090420261000000042".into()),
                code: "P".into(),
                message_zh: "放行".into(),
                message_en: "released".into(),
                reasons: "[]".into(),
                issued_at: Utc::now(),
            }],
            "1",
        )
        .await
        .unwrap();
    assert_eq!(
        drafts.get(id).await.unwrap().meta.status,
        DraftStatus::Released
    );
    let out = dir.path().join("released.pdf");
    prints
        .save_pdf(id, SheetKind::Draft, Some(&out))
        .await
        .unwrap();
    let t = text(&out);
    assert!(!t.contains(WATERMARK));
    assert!(t.contains("090420261000000042"));

    // A batch of the check sheet, one unknown id failing on its own.
    let mut seen = Vec::new();
    let results = prints
        .batch(
            &[id, uuid::Uuid::now_v7()],
            SheetKind::Check,
            false,
            |d, t| seen.push((d, t)),
        )
        .await;
    assert_eq!(seen, [(1, 2), (2, 2)]);
    assert!(results[0]
        .1
        .as_ref()
        .unwrap()
        .ends_with(format!("{}-check.pdf", view.meta.client_seq_no)));
    assert!(results[1].1.is_err());
}
