//! Messages we cannot read: an error naming the element and the line, with
//! a stable code, never a panic; and every limit.

use portdesk_domain::{Declaration, GoodsLine, IeFlag};
use portdesk_message::{
    read, write, Fragment, MessageError, Unmodelled, WriteOptions, MAX_DEPTH, MAX_ELEMENTS,
    MAX_INPUT_BYTES, MAX_LINES,
};
use rand::{Rng, SeedableRng};

fn err(text: &str) -> MessageError {
    read(text.as_bytes()).expect_err("must not read")
}

const OPEN: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DecMessage xmlns=\"http://www.chinaport.gov.cn/dec\" Version=\"4.8\">\n";

fn message(body: &str) -> String {
    format!("{OPEN}{body}</DecMessage>\n")
}

const HEAD: &str = "<DecHead><IEFlag>I</IEFlag></DecHead>\n";
const LISTS: &str = "<DecLists/>\n";
const SIGN: &str = "<DecSign><ClientSeqNo>PD1</ClientSeqNo></DecSign>\n";

fn assert_at(e: &MessageError, code: &str, element: &str, line: usize) {
    assert_eq!(e.code(), code, "{e}");
    assert_eq!(e.element(), Some(element), "{e}");
    assert_eq!(e.line(), Some(line), "{e}");
    let shown = e.to_string();
    assert!(
        shown.contains(element) && shown.contains(&format!("line {line}")),
        "{shown}"
    );
}

#[test]
fn the_minimal_message_reads() {
    let m = read(message(&format!("{HEAD}{LISTS}{SIGN}")).as_bytes()).unwrap();
    assert_eq!(m.declaration.client_seq_no, "PD1");
}

#[test]
fn truncated_xml_names_the_open_element_and_the_last_line() {
    let full = crate::message_fixture("bare-4.8.xml");
    let text = String::from_utf8(full).unwrap();
    let cut = &text[..text.find("<GName>").unwrap()];
    let e = err(cut);
    let last_line = cut.lines().count();
    assert_at(
        &e,
        "message.malformed",
        "DecMessage/DecLists/DecList",
        last_line,
    );
    // Cut inside a tag.
    let e = err(&text[..text.find("<GName>").unwrap() + 3]);
    assert_eq!(e.code(), "message.malformed", "{e}");
    assert!(
        e.element()
            .unwrap()
            .starts_with("DecMessage/DecLists/DecList"),
        "{e}"
    );
}

#[test]
fn mismatched_end_tag_is_malformed_at_its_line() {
    let e = err(&message("<DecHead>\n<IEFlag>I</IEFlg>\n</DecHead>"));
    assert_at(&e, "message.malformed", "DecMessage/DecHead/IEFlag", 4);
}

#[test]
fn garbage_and_empty_input_are_errors() {
    for input in [
        "",
        "   ",
        "not xml at all",
        "{\"client_seq_no\":\"x\"}",
        "<",
    ] {
        let e = read(input.as_bytes()).expect_err(input);
        assert_eq!(e.code(), "message.malformed", "{input:?}: {e}");
        assert!(e.line().is_some());
    }
}

#[test]
fn a_wrong_root_is_named() {
    let e = err("<?xml version=\"1.0\"?>\n\n<DecModMessage><EntryId/></DecModMessage>");
    assert_at(&e, "message.wrong_root", "DecModMessage", 3);
}

#[test]
fn another_namespace_is_refused() {
    let e = err("<DecMessage xmlns=\"urn:other\" Version=\"4.8\"/>");
    assert_at(&e, "message.wrong_namespace", "DecMessage", 1);
}

#[test]
fn version_must_be_4_8_or_5_0() {
    let e = err("<DecMessage xmlns=\"http://www.chinaport.gov.cn/dec\" Version=\"3.1\"/>");
    assert_at(&e, "message.unsupported_version", "DecMessage/@Version", 1);
    let e = err("<DecMessage xmlns=\"http://www.chinaport.gov.cn/dec\"/>");
    assert_at(&e, "message.missing", "DecMessage/@Version", 1);
}

#[test]
fn missing_required_blocks_are_named() {
    let e = err(&message(&format!("{LISTS}{SIGN}")));
    assert_at(&e, "message.missing", "DecMessage/DecHead", 2);
    let e = err(&message(&format!("{HEAD}{SIGN}")));
    assert_at(&e, "message.missing", "DecMessage/DecLists", 2);
    let e = err(&message(&format!("{HEAD}{LISTS}")));
    assert_at(&e, "message.missing", "DecMessage/DecSign", 2);
    let e = err(&message(&format!(
        "{HEAD}{LISTS}\n<DecSign><OperType>G</OperType></DecSign>"
    )));
    assert_at(&e, "message.missing", "DecMessage/DecSign/ClientSeqNo", 6);
    let e = err(&message(&format!(
        "{HEAD}{LISTS}<DecSign><ClientSeqNo> </ClientSeqNo></DecSign>"
    )));
    assert_at(&e, "message.missing", "DecMessage/DecSign/ClientSeqNo", 5);
    let e = err(&message(&format!("<DecHead/>{LISTS}{SIGN}")));
    assert_at(&e, "message.missing", "DecMessage/DecHead/IEFlag", 3);
    let e = err("<ImportMessage>\n<SWImpHead/>\n</ImportMessage>");
    assert_at(&e, "message.missing", "ImportMessage/SWImpData", 1);
    let e = err("<ImportMessage>\n<SWImpData>\n</SWImpData>\n</ImportMessage>");
    assert_at(
        &e,
        "message.missing",
        "ImportMessage/SWImpData/DecMessage",
        2,
    );
}

#[test]
fn duplicates_of_mapped_elements_are_refused() {
    let e = err(&message(&format!("{HEAD}{HEAD}{LISTS}{SIGN}")));
    assert_at(&e, "message.duplicate", "DecMessage/DecHead", 4);
    let e = err(&message(&format!(
        "<DecHead><IEFlag>I</IEFlag>\n<TradeName>a</TradeName>\n<TradeName>b</TradeName></DecHead>{LISTS}{SIGN}"
    )));
    assert_at(&e, "message.duplicate", "DecMessage/DecHead/TradeName", 5);
    let e = err(&message(&format!(
        "{HEAD}<DecLists>\n<DecList><GNo>1</GNo></DecList>\n<DecList><GNo>1</GNo></DecList></DecLists>{SIGN}"
    )));
    assert_at(
        &e,
        "message.duplicate",
        "DecMessage/DecLists/DecList/GNo",
        6,
    );
}

#[test]
fn invalid_values_are_named() {
    let e = err(&message(&format!(
        "<DecHead>\n<IEFlag>X</IEFlag></DecHead>{LISTS}{SIGN}"
    )));
    assert_at(&e, "message.invalid_value", "DecMessage/DecHead/IEFlag", 4);
    let e = err(&message(&format!(
        "<DecHead><IEFlag>I</IEFlag><ChkSurety>Y</ChkSurety></DecHead>{LISTS}{SIGN}"
    )));
    assert_at(
        &e,
        "message.invalid_value",
        "DecMessage/DecHead/ChkSurety",
        3,
    );
    let e = err(&message(&format!(
        "{HEAD}{LISTS}<DecContainers><Container><LclFlag>2</LclFlag></Container></DecContainers>{SIGN}"
    )));
    assert_at(
        &e,
        "message.invalid_value",
        "DecMessage/DecContainers/Container/LclFlag",
        5,
    );
    let e = err(&message(&format!(
        "{HEAD}<DecLists><DecList><GNo>one</GNo></DecList></DecLists>{SIGN}"
    )));
    assert_at(
        &e,
        "message.invalid_value",
        "DecMessage/DecLists/DecList/GNo",
        4,
    );
    let e = err(&message(&format!(
        "{HEAD}{LISTS}<DecSign><ClientSeqNo>PD1</ClientSeqNo><OperType>Z</OperType></DecSign>"
    )));
    assert_at(
        &e,
        "message.invalid_value",
        "DecMessage/DecSign/OperType",
        5,
    );
    let e = err(&message(&format!(
        "<DecHead><IEFlag>I</IEFlag><NoteS>&nbsp;</NoteS></DecHead>{LISTS}{SIGN}"
    )));
    assert_at(&e, "message.malformed", "DecMessage/DecHead/NoteS", 3);
}

#[test]
fn encodings_we_cannot_decode_are_errors() {
    let e = read(b"<?xml version=\"1.0\" encoding=\"EBCDIC-XX\"?><DecMessage/>").unwrap_err();
    assert_eq!(e.code(), "message.unknown_encoding");
    assert!(e.to_string().contains("EBCDIC-XX"), "{e}");
    // UTF-8 (the default) with a stray Latin-1 byte on line 3.
    let mut bytes = b"<?xml version=\"1.0\"?>\n<DecMessage>\n<X>".to_vec();
    bytes.push(0xE9);
    bytes.extend_from_slice(b"</X></DecMessage>");
    let e = read(&bytes).unwrap_err();
    assert_eq!(
        (e.code(), e.line()),
        ("message.undecodable", Some(3)),
        "{e}"
    );
    // Declared GBK, with a lead byte followed by an invalid trail on line 2.
    let bytes = b"<?xml version=\"1.0\" encoding=\"GBK\"?>\n<DecMessage>\xFF\xFF</DecMessage>";
    let e = read(bytes).unwrap_err();
    assert_eq!(
        (e.code(), e.line()),
        ("message.undecodable", Some(2)),
        "{e}"
    );
}

#[test]
fn input_larger_than_the_limit_is_refused_before_parsing() {
    let bytes = vec![b' '; MAX_INPUT_BYTES + 1];
    let e = read(&bytes).unwrap_err();
    assert_eq!(e.code(), "message.too_large");
    assert_eq!(
        e,
        MessageError::TooLarge {
            size: MAX_INPUT_BYTES + 1,
            limit: MAX_INPUT_BYTES
        }
    );
}

#[test]
fn a_huge_element_count_stops_at_the_limit() {
    let mut text = String::from(OPEN);
    text.push_str("<DecOtherPacks>\n");
    // The root and the wrapper are elements 1 and 2.
    for _ in 0..MAX_ELEMENTS - 2 {
        text.push_str("<P/>");
    }
    text.push_str("\n<P/></DecOtherPacks></DecMessage>");
    let e = err(&text);
    // Line 4 holds elements 3..=MAX_ELEMENTS; the next one, on line 5, is over.
    assert_at(
        &e,
        "message.too_many_elements",
        "DecMessage/DecOtherPacks/P",
        5,
    );
    // One fewer is read as far as the missing DecHead.
    let at_limit = text.replacen("<P/>", "", 1);
    assert_eq!(err(&at_limit).code(), "message.missing");
}

#[test]
fn more_goods_lines_than_the_domain_allows_are_refused() {
    let mut body = String::from(HEAD);
    body.push_str("<DecLists>\n");
    // Line 3 the head, 4 <DecLists>, line 4 + i the i-th DecList.
    for i in 1..=MAX_LINES + 1 {
        body.push_str(&format!("<DecList><GNo>{i}</GNo></DecList>\n"));
    }
    body.push_str("</DecLists>");
    body.push_str(SIGN);
    let e = err(&message(&body));
    assert_at(
        &e,
        "message.too_many_lines",
        "DecMessage/DecLists/DecList",
        5 + MAX_LINES,
    );
}

#[test]
fn the_writer_refuses_what_the_reader_would_refuse() {
    let mut d = Declaration::new(String::new(), IeFlag::I);
    let e = write(&d, &WriteOptions::default()).unwrap_err();
    assert_eq!(e.code(), "message.unwritable");
    assert!(e.to_string().contains("client_seq_no"), "{e}");

    d.client_seq_no = "PD1".into();
    d.lines = vec![GoodsLine::default(); MAX_LINES + 1];
    let e = write(&d, &WriteOptions::default()).unwrap_err();
    assert!(e.to_string().contains("lines"), "{e}");

    d.lines.clear();
    d.head.remarks = "bell\u{7}".into();
    let e = write(&d, &WriteOptions::default()).unwrap_err();
    assert!(
        e.to_string().contains("head.remarks") && e.to_string().contains("U+0007"),
        "{e}"
    );

    d.head.remarks.clear();
    for (xml, name) in [("<Broken>", "Broken"), ("<A>x</A>", "B"), ("text", "T")] {
        let opts = WriteOptions {
            unmodelled: Unmodelled {
                head: vec![Fragment {
                    parent: "DecHead".into(),
                    name: name.into(),
                    xml: xml.into(),
                }],
                ..Unmodelled::default()
            },
            ..WriteOptions::default()
        };
        let e = write(&d, &opts).unwrap_err();
        assert!(e.to_string().contains("unmodelled.head[0]"), "{e}");
    }
}

#[test]
fn nesting_deeper_than_the_limit_is_refused() {
    // The root is level 1: MAX_DEPTH levels are read, one more is not.
    let nest = |levels: usize| {
        let mut t = String::from(OPEN);
        t.push_str(&"<N>".repeat(levels - 1));
        t.push('\n');
        t.push_str(&"</N>".repeat(levels - 1));
        t.push_str("</DecMessage>");
        t
    };
    assert_eq!(err(&nest(MAX_DEPTH)).code(), "message.missing");
    let e = err(&nest(MAX_DEPTH + 1));
    assert_eq!(e.code(), "message.too_deep", "{e}");
    // OPEN is two lines; the nest starts on line 3.
    assert_eq!(e.line(), Some(3));
    assert!(e.element().unwrap().ends_with("/N/N"), "{e}");
    // Far deeper input stops at the same limit instead of overflowing the stack.
    assert_eq!(err(&nest(100_000)).code(), "message.too_deep");
}

#[test]
fn random_corruptions_are_errors_or_messages_never_panics() {
    let clean = crate::message_fixture("bare-4.8.xml");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut errors = 0;
    for _ in 0..2000 {
        let mut bytes = clean.clone();
        for _ in 0..rng.random_range(1..4) {
            if bytes.is_empty() {
                break;
            }
            let at = rng.random_range(0..bytes.len());
            match rng.random_range(0..3) {
                0 => bytes[at] = rng.random(),
                1 => {
                    bytes.remove(at);
                }
                _ => bytes.truncate(at),
            }
        }
        match read(&bytes) {
            Ok(m) => assert!(!m.declaration.client_seq_no.trim().is_empty()),
            Err(e) => {
                errors += 1;
                assert!(e.code().starts_with("message."));
                assert!(e.line().is_some(), "{e}");
            }
        }
    }
    // Most corruptions break the file; the test must have exercised errors.
    assert!(errors > 500, "{errors}");
}
