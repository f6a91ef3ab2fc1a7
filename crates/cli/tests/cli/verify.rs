//! `portdesk verify` as a user runs it: on QR text, on a rendered PDF (read
//! with poppler and zbar), and on tampered input, against a key file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::NaiveDate;
use portdesk_domain::{CertifiedFields, OriginApplication};
use portdesk_print::{render, PrintJob};
use portdesk_seal::{seal, SealKey};

/// Form letter, 2-digit year, 9-char registration no., 4-digit serial.
const CERTIFICATE_NO: &str = "E262102961200001";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name)
}

fn application() -> OriginApplication {
    serde_json::from_str(&std::fs::read_to_string(fixture("origin-e-valid.json")).unwrap()).unwrap()
}

fn issue_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 5).unwrap()
}

/// A key pair standing in for the Single Window's, with its public half
/// written where `--key` can read it.
fn issuer(dir: &Path) -> (SealKey, PathBuf) {
    let key = SealKey::from_seed([7u8; 32]);
    let path = dir.join("issuer-key.json");
    std::fs::write(&path, key.public().to_json()).unwrap();
    (key, path)
}

fn portdesk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portdesk"))
        .args(args)
        .output()
        .expect("run portdesk")
}

#[test]
fn verifies_qr_text_and_refuses_a_changed_one() {
    let dir = tempfile::tempdir().unwrap();
    let (key, key_file) = issuer(dir.path());
    let fields = CertifiedFields::from_application(&application(), CERTIFICATE_NO, issue_date());
    let qr = seal(&key, &fields).unwrap();

    let out = portdesk(&["verify", &qr, "--key", key_file.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("VALID") && text.contains(CERTIFICATE_NO),
        "{text}"
    );

    // One character of the payload changed: the signature no longer holds.
    let mut tampered: Vec<char> = qr.chars().collect();
    let i = tampered.len() - 10;
    tampered[i] = if tampered[i] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    let out = portdesk(&["verify", &tampered, "--key", key_file.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("INVALID"));
}

#[test]
fn verifies_a_printed_pdf_and_refuses_another_issuer() {
    let dir = tempfile::tempdir().unwrap();
    let (key, key_file) = issuer(dir.path());
    let app = application();
    let fields = CertifiedFields::from_application(&app, CERTIFICATE_NO, issue_date());
    let pdf = render(&PrintJob {
        application: app,
        certificate_number: CERTIFICATE_NO.to_owned(),
        issue_date: issue_date(),
        qr_text: seal(&key, &fields).unwrap(),
        seal_png: None,
        signature_png: None,
        printed_at: None,
    })
    .unwrap();
    let pdf_path = dir.path().join("certificate.pdf");
    std::fs::write(&pdf_path, pdf).unwrap();

    let out = portdesk(&[
        "verify",
        pdf_path.to_str().unwrap(),
        "--key",
        key_file.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("HSJ2026117"),
        "the invoice number is read back: {text}"
    );

    // A key that did not sign it: the certificate is not trusted.
    let other = dir.path().join("other-key.json");
    std::fs::write(&other, SealKey::from_seed([9u8; 32]).public().to_json()).unwrap();
    let out = portdesk(&[
        "verify",
        pdf_path.to_str().unwrap(),
        "--key",
        other.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn verify_without_any_key_says_where_to_get_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = portdesk(&[
        "--data-dir",
        dir.path().to_str().unwrap(),
        "verify",
        "PDC1:XYZ",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--key"));
}
