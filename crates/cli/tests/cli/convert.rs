//! `portdesk convert`: a message to JSON and back, the envelope and oper
//! type flags, and a malformed message exiting 2 with element and line.

use std::path::Path;

use portdesk_domain::Declaration;

use crate::common::{fixture, portdesk, text};

fn message_fixture(name: &str) -> String {
    fixture("decmessage")
        .join(name)
        .to_str()
        .unwrap()
        .to_owned()
}

#[test]
fn a_good_message_prints_the_declaration_json() {
    let data = tempfile::tempdir().unwrap();
    let out = portdesk(
        data.path(),
        &["convert", &message_fixture("gbk.xml"), "--to", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let d: Declaration = serde_json::from_slice(&out.stdout).expect("declaration JSON");
    assert_eq!(d.client_seq_no, "PD06H1RX30KSSW3307");
    assert_eq!(d.head.trade_name, "大连精工机械有限公司");
    assert_eq!(d.lines[0].name, "机床零件");
}

#[test]
fn json_becomes_a_message_and_back_to_the_same_declaration() {
    let data = tempfile::tempdir().unwrap();
    let msg = data.path().join("out.xml");
    let json = fixture("declaration-valid.json");
    let out = portdesk(
        data.path(),
        &[
            "convert",
            json.to_str().unwrap(),
            "--to",
            "decmessage",
            "--envelope",
            "--oper-type",
            "c",
            "--out",
            msg.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let written = std::fs::read_to_string(&msg).unwrap();
    assert!(written.contains("<ImportMessage>"), "{written}");
    assert!(written.contains("<OperType>C</OperType>"), "{written}");
    assert!(written.contains("Version=\"4.8\""), "{written}");

    let out = portdesk(
        data.path(),
        &["convert", msg.to_str().unwrap(), "--to", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let back: Declaration = serde_json::from_slice(&out.stdout).unwrap();
    let original: Declaration =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(back, original);
}

#[test]
fn message_to_message_keeps_unmodelled_blocks_and_takes_the_declarant_file() {
    let data = tempfile::tempdir().unwrap();
    let settings = data.path().join("declarant.json");
    std::fs::write(
        &settings,
        r#"{"cop_code":"2102980999","inputer_name":"张三","typist_no":"8930000099999"}"#,
    )
    .unwrap();
    let out = portdesk(
        data.path(),
        &[
            "convert",
            &message_fixture("bare-4.8.xml"),
            "--to",
            "decmessage",
            "--message-version",
            "5.0",
            "--declarant",
            settings.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let written = String::from_utf8(out.stdout).unwrap();
    assert!(written.contains("Version=\"5.0\""));
    assert!(written.contains("<PackType>92</PackType>"), "{written}");
    assert!(
        written.contains("<InputerName>张三</InputerName>"),
        "{written}"
    );
    assert!(
        written.contains("<CopCode>2102980999</CopCode>"),
        "{written}"
    );
}

fn write_file(dir: &Path, name: &str, body: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn a_malformed_message_exits_2_with_element_and_line() {
    let data = tempfile::tempdir().unwrap();
    let bad = write_file(
        data.path(),
        "bad.xml",
        b"<?xml version=\"1.0\"?>\n<DecMessage xmlns=\"http://www.chinaport.gov.cn/dec\" Version=\"4.8\">\n<DecHead><IEFlag>I</IEFlag></DecHead>\n<DecLists/>\n<DecSign><OperType>G</OperType></DecSign>\n</DecMessage>\n",
    );
    let out = portdesk(data.path(), &["convert", &bad, "--to", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("DecMessage/DecSign/ClientSeqNo"), "{err}");
    assert!(err.contains("line 5"), "{err}");
    assert!(out.stdout.is_empty());

    let truncated = write_file(
        data.path(),
        "cut.xml",
        b"<DecMessage>\n<DecHead>\n<IEFlag>I",
    );
    let out = portdesk(data.path(), &["convert", &truncated, "--to", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("DecMessage/DecHead/IEFlag") && err.contains("line 3"),
        "{err}"
    );
}

#[test]
fn neither_a_message_nor_json_is_refused() {
    let data = tempfile::tempdir().unwrap();
    let other = write_file(data.path(), "x.txt", b"hello");
    let out = portdesk(data.path(), &["convert", &other, "--to", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("neither a declaration message"));
    // A JSON declaration without a sequence number cannot become a message.
    let summary = fixture("declaration-two-step-summary.json");
    let out = portdesk(
        data.path(),
        &["convert", summary.to_str().unwrap(), "--to", "decmessage"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("client_seq_no"));
}
