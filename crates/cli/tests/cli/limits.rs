//! Local input limits from the command line (docs/limits.md): an import
//! with an over-long field, or a file over the import limit, is refused with
//! an error naming the field or the file, and the drafts already stored stay
//! exactly as they were (import takes the other files of the run on their
//! own; `file` refuses the whole run).

use std::path::Path;

use portdesk_domain::limits::IMPORT_FILE;
use serde_json::Value;

use crate::common::*;

/// The drafts in `data` as `portdesk export` writes them.
fn exported(data: &Path) -> Vec<Value> {
    let export = data.join("export.json");
    let out = portdesk(data, &["export", "--out", export.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let bundle: Value = serde_json::from_str(&std::fs::read_to_string(&export).unwrap()).unwrap();
    bundle["declarations"].as_array().unwrap().clone()
}

/// The valid sample under another client sequence number: a second draft.
fn another_valid(dir: &Path) -> std::path::PathBuf {
    let mut d: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("declaration-valid.json")).unwrap())
            .unwrap();
    d["client_seq_no"] = Value::String("PD0000000000000777".into());
    let path = dir.join("another.json");
    std::fs::write(&path, d.to_string()).unwrap();
    path
}

/// A data dir holding the valid sample, imported once (ready, r1).
fn with_one_draft() -> tempfile::TempDir {
    let data = tempfile::tempdir().unwrap();
    let valid = fixture("declaration-valid.json");
    let out = portdesk(data.path(), &["import", valid.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\tready\tr1\t"));
    data
}

#[test]
fn a_3_mib_remark_is_refused_naming_the_field_and_nothing_saved_changes() {
    let data = with_one_draft();
    let before = exported(data.path());
    // The stored declaration with megabytes of remarks: would be its r2.
    let mut d: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("declaration-valid.json")).unwrap())
            .unwrap();
    let n = 3 * 1024 * 1024;
    d["head"]["remarks"] = Value::String("备".repeat(n));
    let long = data.path().join("long-remarks.json");
    std::fs::write(&long, d.to_string()).unwrap();
    let fine = another_valid(data.path());

    // validate says what is wrong, beside the field.
    let out = portdesk(data.path(), &["validate", long.to_str().unwrap()]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(shown.contains("DEC-FMT"), "{shown}");
    assert!(
        shown.contains(&format!(
            "remarks (head.remarks): at most 255 characters, {n} given"
        )),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("备注最多255个字符，现有{n}个")),
        "{shown}"
    );
    assert!(
        shown.len() < 4096,
        "the value is not echoed: {} bytes",
        shown.len()
    );

    // import refuses the file (each file on its own: the fine one listed
    // first is imported), exit 1, the field named on its summary line.
    let out = portdesk(
        data.path(),
        &["import", long.to_str().unwrap(), fine.to_str().unwrap()],
    );
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let refused = stdout
        .lines()
        .find(|l| l.contains("long-remarks.json"))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(
        refused.contains("\terror\tfile.too_long\thead.remarks\t-\t"),
        "{shown}"
    );
    assert!(refused.contains("at most 255 characters"), "{shown}");
    assert!(
        stdout.contains("another.json\tok\tPD0000000000000777\t"),
        "{shown}"
    );
    let after = exported(data.path());
    assert_eq!(after.len(), 2, "{shown}");
    assert!(after.contains(&before[0]), "the stored draft is unchanged");
    let before = after;

    // file (import + file) refuses it the same way, before touching the store.
    let out = portdesk(data.path(), &["file", long.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("head.remarks"));
    assert_eq!(exported(data.path()), before);
}

#[test]
fn a_file_over_the_import_limit_is_refused_naming_it_and_nothing_saved_changes() {
    let data = with_one_draft();
    let before = exported(data.path());
    let fine = another_valid(data.path());
    // One byte over, sparse: the size is refused before a byte is read.
    let big = data.path().join("big-bundle.json");
    std::fs::write(&big, b"{").unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&big)
        .unwrap()
        .set_len(IMPORT_FILE.max_bytes + 1)
        .unwrap();

    // import takes each file on its own: the big one refused on its line, exit 1.
    let out = portdesk(data.path(), &["import", big.to_str().unwrap()]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with(&format!("{}\terror\tfile.too_large\t", big.display())),
        "{shown}"
    );
    assert!(
        stdout.contains(&format!(
            "import file too large ({} bytes); at most 32 MiB ({} bytes) is read",
            IMPORT_FILE.max_bytes + 1,
            IMPORT_FILE.max_bytes
        )),
        "{shown}"
    );
    assert_eq!(exported(data.path()), before, "the store is unchanged");

    for command in ["validate", "file"] {
        let out = portdesk(
            data.path(),
            &[command, fine.to_str().unwrap(), big.to_str().unwrap()],
        );
        let shown = text(&out);
        assert_eq!(out.status.code(), Some(2), "{command}: {shown}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&big.display().to_string()), "{shown}");
        assert!(
            stderr.contains(&format!(
                "import file too large ({} bytes); at most 32 MiB ({} bytes) is read",
                IMPORT_FILE.max_bytes + 1,
                IMPORT_FILE.max_bytes
            )),
            "{shown}"
        );
        if command != "validate" {
            assert!(
                out.stdout.is_empty(),
                "{command} imported something: {shown}"
            );
        }
    }
    assert_eq!(exported(data.path()), before, "the store is unchanged");
}

#[test]
fn json_documents_given_by_path_are_bounded_too() {
    let data = tempfile::tempdir().unwrap();
    let big = data.path().join("application.json");
    std::fs::write(&big, b"{").unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&big)
        .unwrap()
        .set_len(portdesk_domain::limits::DOCUMENT_FILE.max_bytes + 1)
        .unwrap();
    let out = portdesk(data.path(), &["origin", "check", big.to_str().unwrap()]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(
        shown.contains("application.json: JSON file too large"),
        "{shown}"
    );
}
