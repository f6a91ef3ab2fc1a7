//! `portdesk print-declaration` as a user runs it: the 50-line fixture
//! file as a check sheet (核对单), a saved draft by its client sequence
//! number as a draft sheet (草单, watermarked: not released), and a
//! character no font has refused naming its field.

use std::process::Command;

use crate::common::*;

fn pdf_text(path: &std::path::Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) installed");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn pages(path: &std::path::Path) -> usize {
    let out = Command::new("pdfinfo").arg(path).output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("a page count")
}

#[test]
fn prints_a_file_and_a_saved_draft_and_names_a_bad_field() {
    let data = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();

    // A file, as the consignor's check sheet.
    let fifty = fixture("declarations/fifty-lines.json");
    let check = out_dir.path().join("check.pdf");
    let out = portdesk(
        data.path(),
        &[
            "print-declaration",
            fifty.to_str().unwrap(),
            "--kind",
            "check",
            "--out",
            check.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        pages(&check),
        portdesk_print::declaration_page_count(50, 10)
    );
    let t = pdf_text(&check);
    assert!(t.contains("核对人") && t.contains("OOLU1235136"), "{t}");
    assert!(!t.contains(portdesk_print::WATERMARK.replace(' ', "").as_str()));

    // A saved draft by its client sequence number: not released, so the
    // draft sheet is watermarked.
    let valid = fixture("declaration-valid.json");
    let out = portdesk(data.path(), &["import", valid.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let draft = out_dir.path().join("draft.pdf");
    let out = portdesk(
        data.path(),
        &[
            "print-declaration",
            "PD06H1RX30KSSW337D",
            "--out",
            draft.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(pages(&draft), 1);
    let t = pdf_text(&draft);
    assert!(t.contains("7208390000") && t.contains("热轧卷板"), "{t}");
    assert!(t.contains(portdesk_print::WATERMARK.replace(' ', "").as_str()));

    // A private-use character: refused, naming the field; nothing written.
    let mut d: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&valid).unwrap()).unwrap();
    d["lines"][1]["name"] = "镀锌\u{E000}卷板".into();
    let bad = out_dir.path().join("bad.json");
    std::fs::write(&bad, d.to_string()).unwrap();
    let refused = out_dir.path().join("refused.pdf");
    let out = portdesk(
        data.path(),
        &[
            "print-declaration",
            bad.to_str().unwrap(),
            "--out",
            refused.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("missing_glyph") && stderr.contains("lines[1].name"),
        "{stderr}"
    );
    assert!(!refused.exists());
}
