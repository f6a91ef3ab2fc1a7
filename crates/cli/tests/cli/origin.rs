//! `portdesk origin …` as a user runs it: the precheck of a file (exit 1 on
//! an error, like `validate`), the enterprise record, and against the real
//! mock-window process: submit through the outbox, `sync` until the
//! certificate is home, and the approved certificate saved as a PDF whose
//! text carries its number.

use std::path::Path;
use std::process::Command;

use portdesk_testkit::MockProcess;

use crate::common::*;

/// The exporter of tests/fixtures/origin-e-valid.json, as on record.
const EXPORTER: &str = "2102930001";

/// Writes the exporter's record and sets it in `dir`.
fn set_record(dir: &Path) {
    let record = dir.join("record.json");
    std::fs::write(
        &record,
        serde_json::json!({
            "name_en": "Dalian Northern Steel Import & Export Co., Ltd.",
            "address_en": "NO. 1 GANGWAN STREET, ZHONGSHAN DISTRICT, DALIAN, LIAONING, CHINA",
            "credit_code": "91210200MA0QC4L18M",
            "customs_code": EXPORTER,
        })
        .to_string(),
    )
    .unwrap();
    let out = portdesk(dir, &["origin", "record", record.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn the_precheck_exits_1_naming_rules_and_0_when_clean() {
    let data = tempfile::tempdir().unwrap();
    set_record(data.path());
    let bad = portdesk(
        data.path(),
        &[
            "origin",
            "check",
            fixture("origin-e-invalid.json").to_str().unwrap(),
        ],
    );
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    let stdout = String::from_utf8_lossy(&bad.stdout);
    assert!(stdout.contains("COO-"), "{stdout}");
    assert!(stdout.contains("error"), "{stdout}");

    let good = portdesk(
        data.path(),
        &[
            "origin",
            "check",
            fixture("origin-e-valid.json").to_str().unwrap(),
        ],
    );
    assert_eq!(good.status.code(), Some(0), "{}", text(&good));
    assert!(
        String::from_utf8_lossy(&good.stdout).contains(": 0 error(s)"),
        "{}",
        text(&good)
    );

    // Not an application at all: exit 2, naming the file.
    let junk = data.path().join("junk.json");
    std::fs::write(&junk, "{not json").unwrap();
    let out = portdesk(data.path(), &["origin", "check", junk.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("junk.json"),
        "{}",
        text(&out)
    );
}

#[test]
fn submitted_synced_and_printed_to_a_pdf() {
    let mock = MockProcess::start(&["--review-pace-ms", "20"]);
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    set_record(dir);
    let out = portdesk(
        dir,
        &[
            "login",
            "--server",
            &mock.base,
            "--customs-code",
            EXPORTER,
            "--operator",
            OPERATOR,
        ],
    );
    assert!(out.status.success(), "{}", text(&out));

    let out = portdesk(
        dir,
        &[
            "origin",
            "submit",
            fixture("origin-e-valid.json").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let line = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let fields: Vec<&str> = line.split('\t').collect();
    assert_eq!(fields.len(), 3, "{line}");
    assert_eq!(fields[2], "queued", "{line}");
    let csn = fields[1].to_owned();

    // Not approved yet: a clear error, no PDF.
    let pdf = dir.join("certificate.pdf");
    let early = portdesk(
        dir,
        &["origin", "print", &csn, "--out", pdf.to_str().unwrap()],
    );
    assert_eq!(early.status.code(), Some(2), "{}", text(&early));
    assert!(
        String::from_utf8_lossy(&early.stderr).contains("not_approved"),
        "{}",
        text(&early)
    );
    assert!(!pdf.exists());

    let out = portdesk(dir, &["sync", "--until-idle", "--timeout-secs", "120"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("COO-A 1"), "{}", text(&out));

    let out = portdesk(
        dir,
        &["origin", "print", &csn, "--out", pdf.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out));
    let pdf_text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let pdf_text = String::from_utf8_lossy(&pdf_text.stdout);
    // The 16-character certificate number of a form E starts with E.
    assert!(
        pdf_text
            .split_whitespace()
            .any(|w| w.len() == 16 && w.starts_with('E')),
        "{pdf_text}"
    );
}
