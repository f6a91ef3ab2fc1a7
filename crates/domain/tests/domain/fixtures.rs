//! The interchange fixtures in `tests/fixtures/` (repository root) parse as
//! a `Declaration` and validate as documented: other tools and the CLI tests
//! rely on them.

use portdesk_domain::{validate_declaration, CodeLists, Declaration, Purpose, Severity};

const VALID: &str = include_str!("../../../../tests/fixtures/declaration-valid.json");
const INVALID: &str = include_str!("../../../../tests/fixtures/declaration-invalid.json");

#[test]
fn valid_fixture_has_no_problems_for_declaring() {
    let d: Declaration = serde_json::from_str(VALID).expect("valid fixture parses");
    let problems = validate_declaration(&d, Purpose::Declare, &CodeLists::bundled());
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn valid_fixture_round_trips() {
    let d: Declaration = serde_json::from_str(VALID).unwrap();
    let again: Declaration = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
    assert_eq!(d, again);
}

#[test]
fn invalid_fixture_has_the_documented_errors() {
    let d: Declaration = serde_json::from_str(INVALID).expect("invalid fixture still parses");
    let problems = validate_declaration(&d, Purpose::Declare, &CodeLists::bundled());
    let errors: Vec<(&str, &str)> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| (p.rule.as_str(), p.field.as_str()))
        .collect();
    assert_eq!(
        errors,
        [
            ("DEC-SCC", "head.trade_scc"),
            ("DEC-CODE", "head.trade_mode"),
            ("DEC-X01", "head.net_weight"),
            ("DEC-CODE", "lines[1].unit"),
            ("DEC-CNTR", "containers[0].number"),
        ]
    );
}

#[test]
fn unknown_fields_are_rejected() {
    let text = VALID.replacen(
        "\"advance\": false,",
        "\"advance\": false, \"surprise\": 1,",
        1,
    );
    assert!(serde_json::from_str::<Declaration>(&text).is_err());
}
