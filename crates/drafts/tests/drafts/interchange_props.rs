//! Property tests of the JSON interchange import (`read_declarations`):
//! arbitrary text, byte-damaged files and structurally mutated valid files
//! are read or refused with an error, never a panic; what is read writes
//! back and reads again to the same declarations, as one file or a bundle.
//!
//! Short pass in `cargo test`; long under `PORTDESK_FUZZ_SECS`
//! (tests/fuzz/run.sh, docs/reliability.md).

use portdesk_domain::Declaration;
use portdesk_drafts::interchange::{read_declarations, Bundle, InterchangeError};
use portdesk_testkit::fuzz;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;
use serde_json::Value;

const FIXTURES: [&str; 4] = [
    include_str!("../../../../tests/fixtures/declaration-valid.json"),
    include_str!("../../../../tests/fixtures/declaration-invalid.json"),
    include_str!("../../../../tests/fixtures/declaration-two-step-summary.json"),
    include_str!("../../../../tests/fixtures/declaration-two-step-full.json"),
];

const GATE_CASES: u32 = 128;

/// Reads `text`; on success checks that writing the declarations back (one
/// file for one, a bundle for several) reads again to the same.
fn read_and_round_trip(text: &str) -> Result<(), TestCaseError> {
    match read_declarations(text) {
        Ok(declarations) => {
            let written = if declarations.len() == 1 {
                serde_json::to_string(&declarations[0])
            } else {
                serde_json::to_string(&Bundle::new(declarations.clone()))
            }
            .expect("read declarations serialize");
            let again = read_declarations(&written)
                .map_err(|e| TestCaseError::fail(format!("written file does not read: {e}")))?;
            prop_assert_eq!(again, declarations);
        }
        Err(e) => {
            prop_assert!(!e.to_string().is_empty(), "an error says nothing");
            if let InterchangeError::Unsupported { format, .. } = &e {
                prop_assert!(e.to_string().contains(format.as_str()), "{e}");
            }
        }
    }
    Ok(())
}

/// A file as written by PortDesk: one fixture, or a bundle of some.
fn valid_file() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0..FIXTURES.len()).prop_map(|i| serde_json::from_str(FIXTURES[i]).unwrap()),
        prop::collection::vec(0..FIXTURES.len(), 0..4).prop_map(|picks| {
            let ds: Vec<Declaration> = picks
                .into_iter()
                .map(|i| serde_json::from_str(FIXTURES[i]).unwrap())
                .collect();
            serde_json::to_value(Bundle::new(ds)).unwrap()
        }),
    ]
}

/// Damage to the bytes of a file: cut, a byte flipped, text inserted.
#[derive(Debug, Clone)]
enum ByteDamage {
    Truncate(Index),
    Flip(Index, u8),
    Insert(Index, String),
}

fn byte_damage() -> impl Strategy<Value = ByteDamage> {
    prop_oneof![
        any::<Index>().prop_map(ByteDamage::Truncate),
        (any::<Index>(), 0u8..8).prop_map(|(i, bit)| ByteDamage::Flip(i, bit)),
        (
            any::<Index>(),
            prop_oneof![
                fuzz::nasty_text(),
                Just("{".to_owned()),
                Just("\"".to_owned()),
                Just("\\u".to_owned()),
                Just(",".to_owned())
            ]
        )
            .prop_map(|(i, t)| ByteDamage::Insert(i, t)),
    ]
}

fn damaged(text: &str, damage: &[ByteDamage]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for d in damage {
        match d {
            ByteDamage::Truncate(i) => bytes.truncate(i.index(bytes.len() + 1)),
            ByteDamage::Flip(i, bit) if !bytes.is_empty() => {
                let at = i.index(bytes.len());
                bytes[at] ^= 1 << bit;
            }
            ByteDamage::Flip(..) => {}
            ByteDamage::Insert(i, t) => {
                let at = i.index(bytes.len() + 1);
                bytes.splice(at..at, t.bytes());
            }
        }
    }
    // A file that is not UTF-8 is refused before parsing; its readable
    // rest is what a lossy reader would hand over.
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn import_arbitrary_text() {
    let strategy = prop_oneof![
        any::<String>(),
        prop::collection::vec(any::<u8>(), 0..512)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        fuzz::any_json().prop_map(|v| v.to_string()),
        // Nesting far past serde_json's recursion limit.
        (1usize..20_000, prop_oneof![Just('['), Just('{')]).prop_map(|(n, c)| {
            let open = if c == '[' { "[" } else { "{\"a\":" };
            open.repeat(n)
        }),
    ];
    fuzz::check(
        "drafts::import_arbitrary_text",
        file!(),
        GATE_CASES,
        strategy,
        |text| read_and_round_trip(&text),
    );
}

#[test]
fn import_mutated_valid_files() {
    let strategy = (valid_file(), fuzz::any_edits(6));
    fuzz::check(
        "drafts::import_mutated_files",
        file!(),
        GATE_CASES,
        strategy,
        |(mut doc, edits)| {
            for edit in &edits {
                edit.apply(&mut doc);
            }
            read_and_round_trip(&doc.to_string())?;
            read_and_round_trip(&serde_json::to_string_pretty(&doc).unwrap())
        },
    );
}

#[test]
fn import_damaged_bytes() {
    let strategy = (valid_file(), prop::collection::vec(byte_damage(), 1..4));
    fuzz::check(
        "drafts::import_damaged_bytes",
        file!(),
        GATE_CASES,
        strategy,
        |(doc, damage)| {
            let text = serde_json::to_string_pretty(&doc).unwrap();
            read_and_round_trip(&damaged(&text, &damage))
        },
    );
}

#[test]
fn valid_files_round_trip_exactly() {
    // Typed edits only, so every case is a file that reads.
    let strategy = (
        prop::collection::vec((0..FIXTURES.len(), fuzz::text_edits(4)), 1..4),
        any::<bool>(),
    );
    fuzz::check(
        "drafts::round_trip",
        file!(),
        GATE_CASES,
        strategy,
        |(picks, as_bundle)| {
            let mut ds = Vec::new();
            for (i, edits) in picks {
                let mut doc: Value = serde_json::from_str(FIXTURES[i]).unwrap();
                for edit in &edits {
                    let mut next = doc.clone();
                    if edit.apply(&mut next)
                        && serde_json::from_value::<Declaration>(next.clone()).is_ok()
                    {
                        doc = next;
                    }
                }
                ds.push(serde_json::from_value::<Declaration>(doc).unwrap());
            }
            let text = if as_bundle || ds.len() > 1 {
                serde_json::to_string(&Bundle::new(ds.clone())).unwrap()
            } else {
                serde_json::to_string_pretty(&ds[0]).unwrap()
            };
            let read = read_declarations(&text)
                .map_err(|e| TestCaseError::fail(format!("a valid file is refused: {e}")))?;
            prop_assert_eq!(&read, &ds);
            let again = serde_json::to_string(&Bundle::new(read)).unwrap();
            prop_assert_eq!(read_declarations(&again).unwrap(), ds);
            Ok(())
        },
    );
}
