//! The `portdesk` binary as a user runs it: on the sample files in
//! tests/fixtures and on a real database in a temp dir.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name)
}

fn portdesk(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portdesk"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .output()
        .expect("run portdesk")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn validate_accepts_the_valid_sample() {
    let data = tempfile::tempdir().unwrap();
    let out = portdesk(
        data.path(),
        &[
            "validate",
            fixture("declaration-valid.json").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("0 error(s)"), "{}", stdout(&out));
}

#[test]
fn validate_rejects_the_invalid_sample_with_rule_ids() {
    let data = tempfile::tempdir().unwrap();
    let out = portdesk(
        data.path(),
        &[
            "validate",
            fixture("declaration-invalid.json").to_str().unwrap(),
        ],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    for rule in ["DEC-SCC", "DEC-X01", "DEC-CNTR", "DEC-CODE"] {
        assert!(text.contains(rule), "rule {rule} missing from:\n{text}");
    }
    // Each problem line names the field it concerns.
    assert!(text.contains("head.net_weight"), "{text}");
}

#[test]
fn validate_reports_a_broken_file_without_panicking() {
    let data = tempfile::tempdir().unwrap();
    let bad = data.path().join("bad.json");
    std::fs::write(&bad, r#"{"client_seq_no": 5}"#).unwrap();
    let out = portdesk(data.path(), &["validate", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.json"));
}

#[test]
fn import_then_export_round_trips_and_reimport_adds_a_revision() {
    let data = tempfile::tempdir().unwrap();
    let valid = fixture("declaration-valid.json");
    let out = portdesk(data.path(), &["import", valid.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains("\tready\tr1\t"), "{}", stdout(&out));

    // The same declaration again: same draft, next revision, never a twin.
    let out = portdesk(data.path(), &["import", valid.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("\tr1\t"),
        "identical import writes no revision: {}",
        stdout(&out)
    );

    let export = data.path().join("export.json");
    let out = portdesk(data.path(), &["export", "--out", export.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bundle: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&export).unwrap()).unwrap();
    assert_eq!(bundle["format"], "portdesk.declarations");
    let declarations = bundle["declarations"].as_array().unwrap();
    assert_eq!(declarations.len(), 1);
    let original: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&valid).unwrap()).unwrap();
    assert_eq!(declarations[0]["client_seq_no"], original["client_seq_no"]);
    assert_eq!(
        declarations[0]["head"]["trade_name"],
        original["head"]["trade_name"]
    );
}

#[test]
fn schema_describes_the_declaration() {
    let data = tempfile::tempdir().unwrap();
    let out = portdesk(data.path(), &["schema"]);
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(schema["title"], "Declaration");
    assert!(schema["properties"]["head"].is_object());
}
