//! The unmodelled blocks travel with the declaration (`extensions.decmessage`
//! of the JSON interchange format): message → JSON → message keeps them,
//! and JSON → message → JSON gives back the same declaration, extensions
//! included — for every fixture and 1,000 generated declarations.

use portdesk_domain::Declaration;
use portdesk_message::{read, write, Fragment, OperType, Unmodelled, Version, WriteOptions};
use portdesk_testkit::fuzz;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::generated::generate;
use crate::{json_fixtures, message_fixture, read_fixture};

const MESSAGES: &[&str] = &[
    "bare-4.8.xml",
    "empties.xml",
    "envelope-5.0.xml",
    "export-swapped.xml",
    "gbk.xml",
    "shuffled.xml",
    "unknown.xml",
];

/// Through the interchange format as a file would carry it.
fn through_json(d: &Declaration) -> Declaration {
    let text = serde_json::to_string_pretty(d).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn options(m: &portdesk_message::ReadMessage) -> WriteOptions {
    WriteOptions {
        envelope: m.envelope,
        oper_type: m.oper_type.unwrap_or_default(),
        version: m.version,
        declarant: m.declarant.clone(),
        // Empty: the writer takes the declaration's own extensions.
        unmodelled: Unmodelled::default(),
    }
}

#[test]
fn every_fixture_message_keeps_its_blocks_through_json() {
    for name in MESSAGES {
        let first = read_fixture(name);
        let kept = Unmodelled::from_declaration(&first.declaration).unwrap();
        let json = through_json(&first.declaration);
        assert_eq!(json, first.declaration, "{name}: JSON changed it");
        let bytes = write(&json, &options(&first)).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        let second = read(&bytes).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
        assert_eq!(second.declaration, first.declaration, "{name}\n{text}");
        assert_eq!(
            Unmodelled::from_declaration(&second.declaration).unwrap(),
            kept,
            "{name}"
        );
        // Every fragment the first read kept is in the message again, in
        // its block (the writer's own defaults are the only additions).
        let (a, b) = (&first.unmodelled, &second.unmodelled);
        let within = |x: &[Fragment], y: &[Fragment]| {
            for f in x {
                let same_default = y.iter().any(|g| g.name == f.name);
                assert!(y.contains(f) || same_default, "{name}: {} lost", f.xml);
            }
        };
        within(&a.head, &b.head);
        within(&a.sign, &b.sign);
        within(&a.envelope_head, &b.envelope_head);
        for (x, y) in [(&a.free_text, &b.free_text), (&a.blocks, &b.blocks)] {
            for f in x {
                assert!(y.contains(f), "{name}: {} lost", f.xml);
            }
        }
        for (x, y) in [
            (&a.lines, &b.lines),
            (&a.containers, &b.containers),
            (&a.documents, &b.documents),
            (&a.edocs, &b.edocs),
        ] {
            for (i, frags) in x.iter().enumerate() {
                for f in frags {
                    assert!(y[i].contains(f), "{name}: {} lost", f.xml);
                }
            }
        }
        // Writing again from the JSON writes the same bytes.
        let again = write(&through_json(&second.declaration), &options(&second)).unwrap();
        assert_eq!(again, bytes, "{name}: the second write differs");
    }
}

#[test]
fn the_fixtures_with_blocks_carry_them_and_our_own_messages_carry_none() {
    let d = read_fixture("bare-4.8.xml").declaration;
    let un = Unmodelled::from_declaration(&d).unwrap();
    let names: Vec<&str> = un.blocks.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["DecRequestCerts", "DecOtherPacks"]);
    // The writer's defaults are not kept: SpecDeclFlag is, SeqNo empty is not.
    let head: Vec<&str> = un.head.iter().map(|f| f.name.as_str()).collect();
    assert!(
        head.contains(&"SpecDeclFlag") && !head.contains(&"SeqNo"),
        "{head:?}"
    );
    let json = serde_json::to_value(&d).unwrap();
    assert!(
        json["extensions"]["decmessage"]["blocks"].is_array(),
        "{json}"
    );

    for (name, mut d) in json_fixtures() {
        if d.client_seq_no.is_empty() {
            d.client_seq_no = "PD06H1RX30KSSW3399".into();
        }
        for envelope in [false, true] {
            let opts = WriteOptions {
                envelope,
                ..WriteOptions::default()
            };
            let back = read(&write(&d, &opts).unwrap()).unwrap();
            assert!(back.declaration.extensions.is_empty(), "{name}");
            let text = serde_json::to_string(&back.declaration).unwrap();
            assert!(!text.contains("extensions"), "{name}: {text}");
        }
    }
}

#[test]
fn options_given_win_over_the_declarations_extensions() {
    let first = read_fixture("bare-4.8.xml");
    let mut opts = options(&first);
    opts.unmodelled.blocks.push(Fragment {
        parent: "DecMessage".into(),
        name: "DecCopLimits".into(),
        xml: "<DecCopLimits><X>1</X></DecCopLimits>".into(),
    });
    let text = String::from_utf8(write(&first.declaration, &opts).unwrap()).unwrap();
    assert!(text.contains("<DecCopLimits>"));
    assert!(!text.contains("<DecRequestCerts>"), "{text}");
}

#[test]
fn extensions_that_are_not_blocks_are_refused_naming_the_field() {
    let mut d = read_fixture("bare-4.8.xml").declaration;
    d.extensions.decmessage = Some(serde_json::json!({ "heads": [] }));
    let e = write(&d, &WriteOptions::default()).unwrap_err();
    assert_eq!(e.code(), "message.unwritable");
    assert!(e.to_string().contains("extensions.decmessage"), "{e}");
    d.extensions.decmessage = Some(serde_json::json!({
        "head": [{ "parent": "DecHead", "name": "X", "xml": "<Y/>" }]
    }));
    let e = write(&d, &WriteOptions::default()).unwrap_err();
    assert!(e.to_string().contains("unmodelled.head[0]"), "{e}");
}

/// The fixture's kept blocks, cut to what `d` has room for (per-item
/// groups beyond its items would not be written) and to what a message
/// of this form carries (the envelope's own parts only when enveloped).
fn fitted(mut un: Unmodelled, d: &Declaration, envelope: bool) -> Unmodelled {
    un.lines.truncate(d.lines.len());
    un.containers.truncate(d.containers.len());
    un.documents.truncate(d.documents.len());
    un.edocs.truncate(d.edocs.len());
    for groups in [
        &mut un.lines,
        &mut un.containers,
        &mut un.documents,
        &mut un.edocs,
    ] {
        while groups.last().is_some_and(Vec::is_empty) {
            groups.pop();
        }
    }
    // The other direction's overseas party is an element the writer writes
    // when `d` goes that way (and then the declaration wins).
    un.head.retain(|f| !f.name.starts_with("Overseas"));
    if !envelope {
        un.envelope_head.clear();
        un.blocks.retain(|f| f.parent != "ImportMessage");
    }
    un
}

#[test]
fn a_thousand_generated_declarations_with_blocks_survive_both_ways() {
    let bases: Vec<Declaration> = json_fixtures().into_iter().map(|(_, d)| d).collect();
    let kept: Vec<Unmodelled> = MESSAGES
        .iter()
        .map(|m| Unmodelled::from_declaration(&read(&message_fixture(m)).unwrap().declaration))
        .collect::<Result<_, _>>()
        .unwrap();
    let strategy = (
        any::<u64>(),
        0..=kept.len(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    );
    fuzz::check(
        "message::extensions_round_trip",
        file!(),
        1000,
        strategy,
        |(seed, pick, envelope, declare, v5)| {
            let mut d = generate(&mut ChaCha8Rng::seed_from_u64(seed), &bases);
            // `kept.len()` stands for a declaration with no blocks at all.
            if let Some(un) = kept.get(pick) {
                d.extensions.decmessage = fitted(un.clone(), &d, envelope).to_extension();
            }
            let opts = WriteOptions {
                envelope,
                oper_type: if declare { OperType::C } else { OperType::G },
                version: if v5 { Version::V5_0 } else { Version::V4_8 },
                ..WriteOptions::default()
            };
            // JSON → message → JSON: the same declaration, blocks included.
            let first = write(&through_json(&d), &opts)
                .map_err(|e| TestCaseError::fail(format!("write: {e}")))?;
            let mut back = read(&first).map_err(|e| {
                TestCaseError::fail(format!("{e}\n{}", String::from_utf8_lossy(&first)))
            })?;
            portdesk_message::keep_draft_only_fields(&mut back.declaration, &d);
            let json = through_json(&back.declaration);
            prop_assert_eq!(&json, &d);
            // Message → JSON → message: the blocks read back are the same,
            // and so is the message.
            let second = write(&json, &opts)
                .map_err(|e| TestCaseError::fail(format!("second write: {e}")))?;
            let again = read(&second).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&again.unmodelled, &back.unmodelled);
            prop_assert_eq!(second, first);
            Ok(())
        },
    );
}
