//! Property targets of the message reader for the fuzz runner
//! (`tests/fuzz/run.sh`, docs/reliability.md): arbitrary bytes and damaged
//! hand-written messages are read or refused with an error, never a panic;
//! whatever is read and can be written reads back to the same declaration.

use portdesk_message::{read, write, WriteOptions};
use portdesk_testkit::fuzz;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;

use crate::message_fixture;

const GATE_CASES: u32 = 64;

const FIXTURES: &[&str] = &[
    "bare-4.8.xml",
    "empties.xml",
    "envelope-5.0.xml",
    "export-swapped.xml",
    "gbk.xml",
    "shuffled.xml",
    "unknown.xml",
];

/// Reads `bytes`; what reads and writes must read back the same.
fn read_and_round_trip(bytes: &[u8]) -> Result<(), TestCaseError> {
    let Ok(message) = read(bytes) else {
        return Ok(());
    };
    // In the form it was read: a bare write drops the envelope's parts.
    let options = WriteOptions {
        envelope: message.envelope,
        version: message.version,
        declarant: message.declarant.clone(),
        unmodelled: message.unmodelled.clone(),
        ..WriteOptions::default()
    };
    // The writer may refuse what it cannot hold; then there is nothing to
    // compare, and no panic is all that is asked.
    let Ok(written) = write(&message.declaration, &options) else {
        return Ok(());
    };
    let again = read(&written)
        .map_err(|e| TestCaseError::fail(format!("our own message does not read: {e}")))?;
    // The modelled fields come back the same. The kept blocks are compared
    // on valid messages (extensions.rs): a damaged one can hold a fragment
    // named like a mapped element, which the writer skips (the declaration
    // wins), so its extensions may shrink, never grow.
    let plain = |d: &portdesk_domain::Declaration| portdesk_domain::Declaration {
        extensions: Default::default(),
        ..d.clone()
    };
    prop_assert_eq!(plain(&again.declaration), plain(&message.declaration));
    let (kept, back) = (
        portdesk_message::Unmodelled::from_declaration(&message.declaration),
        portdesk_message::Unmodelled::from_declaration(&again.declaration),
    );
    let (Ok(kept), Ok(back)) = (kept, back) else {
        return Err(TestCaseError::fail("extensions that do not read"));
    };
    for f in back.blocks.iter().chain(&back.head).chain(&back.sign) {
        prop_assert!(
            kept.blocks.contains(f) || kept.head.contains(f) || kept.sign.contains(f),
            "a fragment appeared: {}",
            f.xml
        );
    }
    Ok(())
}

/// One damage to a message: a byte replaced, bytes cut or text inserted.
#[derive(Debug, Clone)]
enum Damage {
    Replace(Index, u8),
    Truncate(Index),
    Insert(Index, String),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Damage::Replace(i, b)),
        any::<Index>().prop_map(Damage::Truncate),
        (any::<Index>(), fuzz::nasty_text()).prop_map(|(i, t)| Damage::Insert(i, t)),
        (
            any::<Index>(),
            prop_oneof![
                Just("<DecList>".to_owned()),
                Just("</DecHead>".to_owned()),
                Just("<![CDATA[".to_owned()),
                Just("&#0;".to_owned()),
                Just("<?xml version=\"1.0\" encoding=\"GBK\"?>".to_owned()),
            ]
        )
            .prop_map(|(i, t)| Damage::Insert(i, t)),
    ]
}

fn apply(bytes: &mut Vec<u8>, d: &Damage) {
    if bytes.is_empty() {
        return;
    }
    match d {
        Damage::Replace(i, b) => {
            let at = i.index(bytes.len());
            bytes[at] = *b;
        }
        Damage::Truncate(i) => bytes.truncate(i.index(bytes.len())),
        Damage::Insert(i, text) => {
            let at = i.index(bytes.len());
            bytes.splice(at..at, text.bytes());
        }
    }
}

#[test]
fn read_arbitrary_bytes() {
    let strategy = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..4096),
        fuzz::nasty_text().prop_map(String::into_bytes),
    ];
    fuzz::check(
        "message::read_arbitrary",
        file!(),
        GATE_CASES,
        strategy,
        |bytes| read_and_round_trip(&bytes),
    );
}

#[test]
fn read_damaged_messages() {
    let fixtures: Vec<Vec<u8>> = FIXTURES.iter().map(|f| message_fixture(f)).collect();
    let strategy = (0..fixtures.len(), prop::collection::vec(damage(), 1..5));
    fuzz::check(
        "message::read_damaged",
        file!(),
        GATE_CASES,
        strategy,
        |(i, damages)| {
            let mut bytes = fixtures[i].clone();
            for d in &damages {
                apply(&mut bytes, d);
            }
            read_and_round_trip(&bytes)
        },
    );
}
