//! Message → declaration → message keeps what we do not model.

use portdesk_message::{read, write, Fragment, WriteOptions};

use crate::read_fixture;

fn again(
    name: &str,
) -> (
    portdesk_message::ReadMessage,
    String,
    portdesk_message::ReadMessage,
) {
    let first = read_fixture(name);
    let opts = WriteOptions {
        envelope: first.envelope,
        oper_type: first.oper_type.unwrap_or_default(),
        version: first.version,
        declarant: first.declarant.clone(),
        unmodelled: first.unmodelled.clone(),
    };
    let bytes = write(&first.declaration, &opts).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let second = read(&bytes).unwrap_or_else(|e| panic!("{e}\n{text}"));
    (first, text, second)
}

#[test]
fn every_hand_written_message_survives_a_rewrite() {
    for name in [
        "bare-4.8.xml",
        "envelope-5.0.xml",
        "gbk.xml",
        "shuffled.xml",
        "empties.xml",
        "unknown.xml",
        "export-swapped.xml",
    ] {
        let (first, _, second) = again(name);
        assert_eq!(second.declaration, first.declaration, "{name}");
        assert_eq!(second.declarant, first.declarant, "{name}");
        assert_eq!(second.envelope, first.envelope, "{name}");
        assert_eq!(second.version, first.version, "{name}");
        // What the first read kept comes back verbatim (the writer adds
        // only the defaults it always writes: DeclTrnRel, Sign, …).
        let kept = |frags: &[Fragment], back: &[Fragment]| {
            for f in frags {
                assert!(back.contains(f), "{name}: {} lost", f.xml);
            }
        };
        let (a, b) = (&first.unmodelled, &second.unmodelled);
        kept(&a.envelope_head, &b.envelope_head);
        kept(&a.head, &b.head);
        kept(&a.free_text, &b.free_text);
        kept(&a.sign, &b.sign);
        kept(&a.blocks, &b.blocks);
        for (x, y) in [
            (&a.lines, &b.lines),
            (&a.containers, &b.containers),
            (&a.documents, &b.documents),
            (&a.edocs, &b.edocs),
        ] {
            for (i, frags) in x.iter().enumerate() {
                kept(frags, &y[i]);
            }
        }
    }
}

#[test]
fn blocks_go_back_where_they_came_from() {
    let (_, text, _) = again("bare-4.8.xml");
    let pos = |s: &str| {
        text.find(s)
            .unwrap_or_else(|| panic!("{s} missing\n{text}"))
    };
    assert!(pos("<DecRequestCerts>") > pos("</DecLicenseDocus>"));
    assert!(pos("<DecOtherPacks>") < pos("<DecFreeTxt>"));
    assert!(pos("<ClassMark>0</ClassMark>") > pos("<DecList>"));
    assert!(pos("<GoodsContaWt>5230</GoodsContaWt>") < pos("</Container>"));
    assert!(pos("<DecBpNo>13900001111</DecBpNo>") > pos("<DecFreeTxt>"));
    assert!(pos("<HostId>HOST01</HostId>") > pos("<DecSign>"));
    assert!(pos("<EdocFomatType>US</EdocFomatType>") > pos("<EdocRealation>"));
    // The message's own DeclTrnRel replaces the writer's default, once.
    assert_eq!(text.matches("<DeclTrnRel>").count(), 1);
    assert_eq!(
        text.matches("<Sign>").count() + text.matches("<Sign/>").count(),
        1
    );
    // The envelope's own CopMsgId is kept, not replaced by the ClientSeqNo.
    let (_, text, _) = again("envelope-5.0.xml");
    assert!(
        text.contains("<CopMsgId>MSG-20261103-0001</CopMsgId>"),
        "{text}"
    );
    assert_eq!(text.matches("<MsgType>").count(), 1);
}

#[test]
fn a_fragment_naming_a_mapped_element_does_not_override_the_declaration() {
    let mut first = read_fixture("bare-4.8.xml");
    first.unmodelled.head.push(Fragment {
        parent: "DecHead".into(),
        name: "TradeName".into(),
        xml: "<TradeName>stale</TradeName>".into(),
    });
    let opts = WriteOptions {
        unmodelled: first.unmodelled.clone(),
        ..WriteOptions::default()
    };
    let text = String::from_utf8(write(&first.declaration, &opts).unwrap()).unwrap();
    assert!(!text.contains("stale"));
    assert_eq!(
        read(text.as_bytes()).unwrap().declaration,
        first.declaration
    );
}
