//! `portdesk import` of declaration messages and folders of them (each file
//! on its own, a summary line per file, exit 1 when any was refused) and
//! `portdesk export --format decmessage` (one message per draft that reads
//! back equal to the draft, unmodelled blocks included).

use std::path::Path;

use portdesk_domain::Declaration;
use serde_json::Value;

use crate::common::{fixture, portdesk, text};

fn copy_fixture(name: &str, to: &Path) {
    std::fs::copy(fixture("decmessage").join(name), to.join(name)).unwrap();
}

/// The drafts in `data` as the JSON export bundle has them, by sequence no.
fn exported(data: &Path) -> Vec<Declaration> {
    let out = portdesk(data, &["export"]);
    assert!(out.status.success(), "{}", text(&out));
    let bundle: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut ds: Vec<Declaration> = serde_json::from_value(bundle["declarations"].clone()).unwrap();
    ds.sort_by(|a, b| a.client_seq_no.cmp(&b.client_seq_no));
    ds
}

#[test]
fn a_folder_of_good_and_bad_files_imports_the_good_ones_and_says_why_not_the_others() {
    let data = tempfile::tempdir().unwrap();
    let folder = data.path().join("inbox");
    std::fs::create_dir(&folder).unwrap();
    for name in ["bare-4.8.xml", "gbk.xml", "envelope-5.0.xml"] {
        copy_fixture(name, &folder);
    }
    std::fs::copy(fixture("declaration-valid.json"), folder.join("valid.json")).unwrap();
    // A message cut short: malformed, with the element and line.
    let bare = std::fs::read_to_string(fixture("decmessage/bare-4.8.xml")).unwrap();
    let cut = &bare[..bare.find("<DecLists>").unwrap()];
    std::fs::write(folder.join("cut.xml"), cut).unwrap();
    // A message with no ClientSeqNo: missing, named.
    let start = bare.find("<ClientSeqNo>").unwrap();
    let end = bare.find("</ClientSeqNo>").unwrap() + "</ClientSeqNo>".len();
    std::fs::write(
        folder.join("no-seq.xml"),
        format!("{}{}", &bare[..start], &bare[end..]),
    )
    .unwrap();
    std::fs::write(folder.join("photo.json"), b"\x89PNG....").unwrap();
    // Not taken: another extension, and a folder inside.
    std::fs::write(folder.join("notes.txt"), "not a declaration").unwrap();
    std::fs::create_dir(folder.join("old")).unwrap();
    copy_fixture("shuffled.xml", &folder.join("old"));

    let out = portdesk(data.path(), &["import", folder.to_str().unwrap()]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    let lines: Vec<Vec<&str>> = stdout.lines().map(|l| l.split('\t').collect()).collect();
    let names: Vec<String> = lines
        .iter()
        .map(|l| {
            Path::new(l[0])
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    // Sorted by name; one line per file.
    assert_eq!(
        names,
        [
            "bare-4.8.xml",
            "cut.xml",
            "envelope-5.0.xml",
            "gbk.xml",
            "no-seq.xml",
            "photo.json",
            "valid.json"
        ],
        "{shown}"
    );
    let line = |name: &str| {
        lines
            .iter()
            .zip(&names)
            .find(|(_, n)| *n == name)
            .map(|(l, _)| l.clone())
            .unwrap()
    };
    let ok = line("bare-4.8.xml");
    assert_eq!(ok.len(), 6, "{shown}");
    assert_eq!(&ok[1..3], ["ok", "PD06H1RX30KSSW3301"]);
    assert_eq!(ok[4], "r1");
    assert!(ok[5].parse::<u32>().is_ok(), "{shown}");
    assert_eq!(line("gbk.xml")[2], "PD06H1RX30KSSW3307");
    assert_eq!(
        line("valid.json")[2..5],
        ["PD06H1RX30KSSW337D", "ready", "r1"]
    );

    let cut = line("cut.xml");
    assert_eq!(cut.len(), 6, "{shown}");
    assert_eq!(&cut[1..3], ["error", "message.malformed"], "{shown}");
    assert!(cut[4].parse::<u32>().unwrap() > 1, "{shown}");
    let missing = line("no-seq.xml");
    assert_eq!(
        &missing[1..4],
        ["error", "message.missing", "DecMessage/DecSign/ClientSeqNo"],
        "{shown}"
    );
    assert!(missing[5].contains("ClientSeqNo"), "{shown}");
    assert_eq!(
        &line("photo.json")[1..5],
        ["error", "file.unknown_format", "-", "-"]
    );

    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("imported 4 declaration(s) from 4 file(s); 3 file(s) refused"),
        "{shown}"
    );
    // The good ones are drafts, unmodelled blocks kept; the bad ones are not.
    let stored = exported(data.path());
    let seqs: Vec<&str> = stored.iter().map(|d| d.client_seq_no.as_str()).collect();
    assert_eq!(
        seqs,
        [
            "PD06H1RX30KSSW3301",
            "PD06H1RX30KSSW3302",
            "PD06H1RX30KSSW3307",
            "PD06H1RX30KSSW337D"
        ]
    );
    let bare = portdesk_message::read(&std::fs::read(fixture("decmessage/bare-4.8.xml")).unwrap())
        .unwrap();
    assert_eq!(stored[0], bare.declaration);
    assert!(stored[0].extensions.decmessage.is_some());

    // All good: exit 0.
    let out = portdesk(
        data.path(),
        &[
            "import",
            folder.join("gbk.xml").to_str().unwrap(),
            folder.join("valid.json").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn export_as_messages_writes_one_file_per_draft_that_reads_back_equal() {
    let data = tempfile::tempdir().unwrap();
    let inbox = data.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    for name in ["bare-4.8.xml", "export-swapped.xml", "unknown.xml"] {
        copy_fixture(name, &inbox);
    }
    std::fs::copy(fixture("declaration-valid.json"), inbox.join("valid.json")).unwrap();
    let out = portdesk(data.path(), &["import", inbox.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let drafts = exported(data.path());
    assert_eq!(drafts.len(), 4);

    let outbox = data.path().join("out/messages");
    let settings = data.path().join("declarant.json");
    std::fs::write(
        &settings,
        r#"{"cop_code":"2102980567","inputer_name":"李明"}"#,
    )
    .unwrap();
    let args = [
        "export",
        "--format",
        "decmessage",
        "--out",
        outbox.to_str().unwrap(),
        "--envelope",
        "--oper-type",
        "c",
        "--declarant",
        settings.to_str().unwrap(),
    ];
    let out = portdesk(data.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let mut files: Vec<_> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let expected: Vec<String> = drafts
        .iter()
        .map(|d| format!("{}.xml", d.client_seq_no))
        .collect();
    assert_eq!(files, expected);
    for d in &drafts {
        let bytes = std::fs::read(outbox.join(format!("{}.xml", d.client_seq_no))).unwrap();
        let mut back = portdesk_message::read(&bytes).unwrap();
        assert!(back.envelope);
        assert_eq!(back.oper_type, Some(portdesk_message::OperType::C));
        assert_eq!(back.declarant.cop_code, "2102980567");
        assert_eq!(back.declarant.inputer_name, "李明");
        portdesk_message::keep_draft_only_fields(&mut back.declaration, d);
        // Equal to the draft, its unmodelled blocks (extensions) included.
        assert_eq!(&back.declaration, d, "{}", d.client_seq_no);
    }
    let text_of = |seq: &str| std::fs::read_to_string(outbox.join(format!("{seq}.xml"))).unwrap();
    assert!(text_of("PD06H1RX30KSSW3301").contains("<PackType>92</PackType>"));

    // A second export refuses to overwrite, writing nothing; --force does.
    let marker = outbox.join("PD06H1RX30KSSW3301.xml");
    std::fs::write(&marker, "mine").unwrap();
    let out = portdesk(data.path(), &args);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&marker).unwrap(), "mine");
    let mut forced = args.to_vec();
    forced.push("--force");
    let out = portdesk(data.path(), &forced);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(std::fs::read_to_string(&marker)
        .unwrap()
        .contains("<DecMessage"));

    // The default stays the JSON bundle; decmessage needs a folder.
    let out = portdesk(data.path(), &["export", "--format", "decmessage"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--out"));
}
