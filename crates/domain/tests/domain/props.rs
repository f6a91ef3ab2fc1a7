//! Property tests of the validators: declarations and origin applications
//! that start as the interchange fixtures and have fields replaced by
//! hostile text (control characters, non-BMP, huge strings, numbers written
//! every way) and items repeated or removed. Validation must never panic,
//! must say the same twice, must name fields that exist, and must keep a
//! fileable declaration fileable through a JSON round trip.
//!
//! Each target runs a short pass in `cargo test` and as long as asked under
//! `PORTDESK_FUZZ_SECS` (tests/fuzz/run.sh, docs/reliability.md).

use chrono::NaiveDate;
use portdesk_domain::origin::{self, CertifiedFields, EnterpriseRecord, OriginApplication};
use portdesk_domain::{
    application_from_declaration, paperless, parse_certificate_number, parse_decimal,
    validate_declaration, validate_origin_application, CodeLists, Declaration, OriginForm, Problem,
    Purpose,
};
use portdesk_testkit::fuzz::{self, JsonEdit};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::Value;

const DECLARATIONS: [&str; 4] = [
    include_str!("../../../../tests/fixtures/declaration-valid.json"),
    include_str!("../../../../tests/fixtures/declaration-invalid.json"),
    include_str!("../../../../tests/fixtures/declaration-two-step-summary.json"),
    include_str!("../../../../tests/fixtures/declaration-two-step-full.json"),
];
const ORIGINS: [&str; 2] = [
    include_str!("../../../../tests/fixtures/origin-e-valid.json"),
    include_str!("../../../../tests/fixtures/origin-e-invalid.json"),
];

/// Gate cases per target: a couple of seconds each in a debug build.
const GATE_CASES: u32 = 96;

fn record() -> EnterpriseRecord {
    EnterpriseRecord {
        name_en: "DALIAN NORTHERN STEEL IMPORT & EXPORT CO., LTD.".into(),
        address_en: "NO. 1 GANGWAN STREET, ZHONGSHAN DISTRICT, DALIAN, LIAONING, CHINA".into(),
        credit_code: "91210200MA0QC4L18M".into(),
        customs_code: "2102930001".into(),
    }
}

/// Applies `edits` to the JSON of `fixture`, skipping each edit after which
/// the document no longer deserializes as a `T` (an enum value replaced by
/// text is a parse error, which the import tests cover, not a validator
/// input). Returns the value and its JSON as written back.
fn perturbed<T>(fixture: &str, edits: &[JsonEdit]) -> (T, Value)
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let mut doc: Value = serde_json::from_str(fixture).expect("fixture parses");
    for edit in edits {
        let mut next = doc.clone();
        if edit.apply(&mut next) && serde_json::from_value::<T>(next.clone()).is_ok() {
            doc = next;
        }
    }
    let value: T = serde_json::from_value(doc).expect("kept only edits that parse");
    // Field paths refer to the interchange form, every field written out
    // (a fixture may leave defaulted fields out).
    let written = serde_json::to_value(&value).expect("serializes");
    (value, written)
}

/// Whether `path` (`head.freight.value`, `lines[2].unit`, `items[0]`)
/// names a node of `doc`.
fn resolves(doc: &Value, path: &str) -> bool {
    let mut node = doc;
    for part in path.split('.') {
        let (key, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            match node.get(key) {
                Some(n) => node = n,
                None => return false,
            }
        }
        for index in rest.split('[').skip(1) {
            let Some(i) = index
                .strip_suffix(']')
                .and_then(|i| i.parse::<usize>().ok())
            else {
                return false;
            };
            match node.get(i) {
                Some(n) => node = n,
                None => return false,
            }
        }
    }
    true
}

fn check_problems(
    problems: &[Problem],
    doc: &Value,
    known_rules: &[&str],
) -> Result<(), TestCaseError> {
    for p in problems {
        prop_assert!(
            resolves(doc, &p.field),
            "problem names a field the document does not have: {p:?}"
        );
        prop_assert!(
            known_rules.contains(&p.rule.as_str()),
            "unknown rule id: {p:?}"
        );
        prop_assert!(
            !p.message_zh.is_empty() && !p.message_en.is_empty(),
            "{p:?}"
        );
    }
    Ok(())
}

fn declaration_rules() -> Vec<&'static str> {
    portdesk_domain::validate::RULES
        .iter()
        .chain(paperless::RULES)
        .map(|r| r.id)
        .collect()
}

#[test]
fn validate_declaration_perturbed() {
    let lists = CodeLists::bundled();
    let rules = declaration_rules();
    let strategy = (0..DECLARATIONS.len(), fuzz::text_edits(6));
    fuzz::check(
        "domain::validate_declaration",
        file!(),
        GATE_CASES,
        strategy,
        |(which, edits)| {
            let (d, doc) = perturbed::<Declaration>(DECLARATIONS[which], &edits);
            for purpose in [Purpose::Draft, Purpose::Declare] {
                let problems = validate_declaration(&d, purpose, &lists);
                prop_assert_eq!(
                    &problems,
                    &validate_declaration(&d, purpose, &lists),
                    "validation is not deterministic"
                );
                check_problems(&problems, &doc, &rules)?;
            }
            // Whatever was typed survives the interchange form unchanged,
            // and a fileable declaration stays fileable.
            let text = serde_json::to_string(&d).expect("serializes");
            let again: Declaration = serde_json::from_str(&text).expect("its own JSON parses");
            prop_assert_eq!(&again, &d);
            let before = validate_declaration(&d, Purpose::Declare, &lists);
            let after = validate_declaration(&again, Purpose::Declare, &lists);
            prop_assert_eq!(before, after);
            // Helpers that take typed text must not panic on it either.
            for text in [&d.head.gross_weight, &d.head.net_weight, &d.head.packages] {
                let _ = parse_decimal(text, 14, 5);
            }
            Ok(())
        },
    );
}

#[test]
fn validate_origin_application_perturbed() {
    let lists = CodeLists::bundled();
    let rules: Vec<&str> = origin::RULES.iter().map(|r| r.id).collect();
    let record = record();
    let issue = NaiveDate::from_ymd_opt(2026, 11, 10).unwrap();
    let strategy = (0..ORIGINS.len(), fuzz::text_edits(6), fuzz::nasty_text());
    fuzz::check(
        "domain::validate_origin_application",
        file!(),
        GATE_CASES,
        strategy,
        |(which, edits, number)| {
            let (app, doc) = perturbed::<OriginApplication>(ORIGINS[which], &edits);
            for purpose in [Purpose::Draft, Purpose::Declare] {
                let problems = validate_origin_application(&app, &record, &lists, purpose);
                prop_assert_eq!(
                    &problems,
                    &validate_origin_application(&app, &record, &lists, purpose),
                    "precheck is not deterministic"
                );
                check_problems(&problems, &doc, &rules)?;
            }
            let text = serde_json::to_string(&app).expect("serializes");
            let again: OriginApplication = serde_json::from_str(&text).expect("parses");
            prop_assert_eq!(&again, &app);
            // What the seal signs: deterministic bytes for any text.
            let fields = CertifiedFields::from_application(&app, &number, issue);
            prop_assert_eq!(fields.canonical_bytes(), fields.canonical_bytes());
            let _ = parse_certificate_number(&number);
            Ok(())
        },
    );
}

#[test]
fn origin_application_from_perturbed_declaration() {
    let lists = CodeLists::bundled();
    let rules: Vec<&str> = origin::RULES.iter().map(|r| r.id).collect();
    let record = record();
    let forms = [OriginForm::C, OriginForm::E, OriginForm::R];
    let strategy = (0..DECLARATIONS.len(), fuzz::text_edits(6), 0..forms.len());
    fuzz::check(
        "domain::application_from_declaration",
        file!(),
        GATE_CASES,
        strategy,
        |(which, edits, form)| {
            let (d, _) = perturbed::<Declaration>(DECLARATIONS[which], &edits);
            let app = application_from_declaration(&d, forms[form], &record);
            let doc = serde_json::to_value(&app).expect("serializes");
            let problems = validate_origin_application(&app, &record, &lists, Purpose::Declare);
            check_problems(&problems, &doc, &rules)?;
            Ok(())
        },
    );
}

#[test]
fn resolves_reads_field_paths() {
    // The checker the properties rely on: it must be able to say no.
    let doc: Value = serde_json::from_str(DECLARATIONS[0]).unwrap();
    assert!(resolves(&doc, "head.gross_weight"));
    assert!(resolves(&doc, "head.freight.value"));
    assert!(resolves(&doc, "lines[0].unit"));
    assert!(!resolves(&doc, "lines[99].unit"));
    assert!(!resolves(&doc, "head.no_such_field"));
    assert!(!resolves(&doc, "lines[x]"));
}
