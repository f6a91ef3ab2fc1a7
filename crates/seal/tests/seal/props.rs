//! Property tests of the QR/COSE decoder (`open`, `verify`): arbitrary
//! scanned text and bytes never panic and never open; a real seal (random
//! key, random issue date) with bits flipped never opens as valid, whether
//! it was written plain, zlib-compressed or with the COSE tag.
//!
//! Short pass in `cargo test`; long under `PORTDESK_FUZZ_SECS`
//! (tests/fuzz/run.sh, docs/reliability.md).

use std::io::{Read as _, Write as _};

use chrono::NaiveDate;
use portdesk_domain::origin::{CertifiedFields, OriginApplication};
use portdesk_seal::{open, seal, verify, SealKey, MAX_QR_TEXT_LEN, PREFIX};
use portdesk_testkit::fuzz;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;

const NUMBER: &str = "E26470ZC41091001";
const APPLICATION: &str = include_str!("../../../../tests/fixtures/origin-e-valid.json");
const GATE_CASES: u32 = 128;

/// Base45's alphabet: what a QR code's alphanumeric mode can hold.
const BASE45: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

fn fields(issue: NaiveDate) -> CertifiedFields {
    let app: OriginApplication = serde_json::from_str(APPLICATION).unwrap();
    CertifiedFields::from_application(&app, NUMBER, issue)
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn inflate(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(bytes)
        .take(1 << 16)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

/// How the COSE structure is laid out before base45.
#[derive(Debug, Clone, Copy)]
enum Layout {
    Plain,
    Zlib,
    /// With CBOR tag 18 (0xD2) in front.
    Tagged,
}

/// A sealed certificate: the key, the day, the fields and the COSE bytes.
#[derive(Debug, Clone)]
struct Sealed {
    key_seed: [u8; 32],
    issue: NaiveDate,
    cose: Vec<u8>,
}

fn sealed() -> impl Strategy<Value = Sealed> {
    (any::<[u8; 32]>(), 0u32..2000).prop_map(|(key_seed, days)| {
        let issue = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(days.into());
        let key = SealKey::from_seed(key_seed);
        let qr = seal(&key, &fields(issue)).expect("the fixture seals");
        let body = base45::decode(&qr[PREFIX.len()..]).unwrap();
        // seal() compresses when it helps; keep the plain structure.
        let cose = if body.first() == Some(&0x78) {
            inflate(&body).unwrap()
        } else {
            body
        };
        Sealed {
            key_seed,
            issue,
            cose,
        }
    })
}

fn laid_out(cose: &[u8], layout: Layout) -> Vec<u8> {
    match layout {
        Layout::Plain => cose.to_vec(),
        Layout::Zlib => zlib(cose),
        Layout::Tagged => [&[0xD2][..], cose].concat(),
    }
}

#[test]
fn open_arbitrary_input() {
    let key = SealKey::from_seed([7; 32]);
    let keys = [key.public()];
    let today = NaiveDate::from_ymd_opt(2026, 11, 10).unwrap();
    let alphabet: Vec<char> = BASE45.chars().collect();
    let strategy = prop_oneof![
        fuzz::nasty_text(),
        fuzz::nasty_text().prop_map(|t| format!("{PREFIX}{t}")),
        prop::collection::vec(prop::sample::select(alphabet), 0..(MAX_QR_TEXT_LEN + 64))
            .prop_map(|cs| format!("{PREFIX}{}", cs.into_iter().collect::<String>())),
        prop::collection::vec(any::<u8>(), 0..600)
            .prop_map(|b| format!("{PREFIX}{}", base45::encode(b))),
        // Arbitrary bytes behind a zlib header, a COSE tag or array head.
        (prop::collection::vec(any::<u8>(), 0..600), 0u8..4).prop_map(|(b, how)| {
            let raw = match how {
                0 => zlib(&b),
                1 => [&[0xD2, 0x84][..], &b].concat(),
                2 => [&[0x84][..], &b].concat(),
                _ => zlib(&[&[0x84][..], &b].concat()),
            };
            format!("{PREFIX}{}", base45::encode(raw))
        }),
        // A zlib bomb: far more than the decoder takes, compressed small.
        (1usize..200_000).prop_map(|n| format!("{PREFIX}{}", base45::encode(zlib(&vec![0x84; n])))),
    ];
    fuzz::check(
        "seal::open_arbitrary",
        file!(),
        GATE_CASES,
        strategy,
        |text| {
            let opened = open(&text, &keys, today);
            prop_assert!(opened.is_err(), "arbitrary text opened: {opened:?}");
            let code = opened.unwrap_err().code();
            prop_assert!(!code.is_empty());
            Ok(())
        },
    );
}

#[test]
fn flipped_seals_never_open() {
    let layouts = [Layout::Plain, Layout::Zlib, Layout::Tagged];
    let strategy = (
        sealed(),
        0..layouts.len(),
        prop::collection::vec((any::<Index>(), 0u8..8), 1..4),
    );
    fuzz::check(
        "seal::flipped_never_opens",
        file!(),
        GATE_CASES,
        strategy,
        |(s, layout, flips)| {
            let key = SealKey::from_seed(s.key_seed);
            let keys = [key.public()];
            let layout = layouts[layout];
            let good = laid_out(&s.cose, layout);
            // The unflipped seal opens: the property can tell the two apart.
            let text = format!("{PREFIX}{}", base45::encode(&good));
            verify(&text, &keys, s.issue, &fields(s.issue))
                .map_err(|e| TestCaseError::fail(format!("the real seal fails: {e}")))?;

            let mut bad = good.clone();
            for (at, bit) in &flips {
                let i = at.index(bad.len());
                bad[i] ^= 1 << bit;
            }
            if bad == good {
                // Two flips of the same bit cancel out: nothing was changed.
                return Ok(());
            }
            let text = format!("{PREFIX}{}", base45::encode(&bad));
            let opened = open(&text, &keys, s.issue);
            if opened.is_ok() {
                // The only flips allowed through are in bits zlib itself
                // ignores (the padding after the last deflate block): the
                // structure the signature covers must be unchanged.
                let inflated = match layout {
                    Layout::Zlib => inflate(&bad),
                    _ => None,
                };
                prop_assert_eq!(
                    inflated.as_deref(),
                    Some(&s.cose[..]),
                    "a changed seal opened: {:?}",
                    opened
                );
            }
            Ok(())
        },
    );
}

#[test]
fn substituted_characters_never_open() {
    // What a misread QR module does: one character of the text replaced
    // by another of base45's alphabet.
    let alphabet: Vec<char> = BASE45.chars().collect();
    let strategy = (
        sealed(),
        prop::collection::vec((any::<Index>(), prop::sample::select(alphabet)), 1..3),
    );
    fuzz::check(
        "seal::substituted_never_opens",
        file!(),
        GATE_CASES,
        strategy,
        |(s, subs)| {
            let key = SealKey::from_seed(s.key_seed);
            let good = base45::encode(&s.cose);
            let mut chars: Vec<char> = good.chars().collect();
            for (at, c) in &subs {
                let i = at.index(chars.len());
                chars[i] = *c;
            }
            let body: String = chars.into_iter().collect();
            if body == good {
                return Ok(());
            }
            let opened = open(&format!("{PREFIX}{body}"), &[key.public()], s.issue);
            prop_assert!(opened.is_err(), "a changed text opened: {opened:?}");
            Ok(())
        },
    );
}
