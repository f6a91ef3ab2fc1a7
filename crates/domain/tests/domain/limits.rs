//! The length table (`portdesk_domain::limits`) is what the validators
//! enforce: every row, one unit over its limit, gives exactly one problem
//! naming exactly that field; at the limit, none. Values are set through
//! the JSON form (the paths the table names), so a row naming a field the
//! model does not have fails to parse.

use portdesk_domain::limits::{
    declaration_overlong, FieldLimit, Source, Unit, DECLARATION_LIMITS, FILE_LIMITS, ORIGIN_LIMITS,
};
use portdesk_domain::origin::EnterpriseRecord;
use portdesk_domain::{
    validate_declaration, validate_origin_application, CodeLists, Declaration, IeFlag,
    OriginApplication, Problem, Purpose, SaveInfo,
};
use serde_json::Value;

const VALID: &str = include_str!("../../../../tests/fixtures/declaration-valid.json");
const ORIGIN_VALID: &str = include_str!("../../../../tests/fixtures/origin-e-valid.json");

/// A declaration with one of each collection row, so every path exists.
fn declaration_json() -> Value {
    let mut v: Value = serde_json::from_str(VALID).unwrap();
    for (collection, row) in [
        ("documents", r#"{"code":"Y","cert_no":"X"}"#),
        (
            "edocs",
            r#"{"code":"00000001","file_name":"a.pdf","size":"1"}"#,
        ),
    ] {
        if v[collection].as_array().unwrap().is_empty() {
            v[collection] = Value::Array(vec![serde_json::from_str(row).unwrap()]);
        }
    }
    // Through the model, so fields the fixture leaves to their defaults
    // (the line's part number) are there to set.
    let d: Declaration = serde_json::from_value(v).unwrap();
    serde_json::to_value(&d).unwrap()
}

/// `lines[].name` → `lines[0].name`: the concrete path the validator names.
fn concrete(pattern: &str) -> String {
    pattern.replacen("[]", "[0]", 1)
}

/// Sets the field at `pattern` (index 0 of a collection) in `v`.
fn set(v: &mut Value, pattern: &str, text: &str) {
    let mut at = v;
    for segment in pattern.split('.') {
        at = match segment.strip_suffix("[]") {
            Some(collection) => &mut at[collection][0],
            None => {
                assert!(
                    at.get(segment).is_some(),
                    "{pattern}: no field {segment} in the model"
                );
                &mut at[segment]
            }
        };
    }
    *at = Value::String(text.to_owned());
}

/// A text of exactly `n` units of `unit`, made of Chinese characters, so a
/// count in bytes instead of characters (or the other way round) shows.
fn text_of(unit: Unit, n: usize) -> String {
    match unit {
        Unit::Chars => "中".repeat(n),
        Unit::GbkBytes => "中".repeat(n / 2) + &"a".repeat(n % 2),
    }
}

/// The problems that are the table's length problem of `field`.
fn length_problems<'a>(problems: &'a [Problem], field: &str) -> Vec<&'a Problem> {
    let marker = format!("({field}): at most");
    problems
        .iter()
        .filter(|p| p.message_en.contains(&marker))
        .collect()
}

fn check_row(
    row: &FieldLimit,
    base: &Value,
    validate: &dyn Fn(&Value) -> Vec<Problem>,
) -> Result<(), String> {
    let field = concrete(row.path);
    let mut over = base.clone();
    set(&mut over, row.path, &text_of(row.unit, row.max + 1));
    let problems = validate(&over);
    let lengths = length_problems(&problems, &field);
    let unit = match row.unit {
        Unit::Chars => "characters",
        Unit::GbkBytes => "bytes (counted in GBK, 2 a Chinese character)",
    };
    let expected_en = format!("at most {} {unit}, {} given", row.max, row.max + 1);
    if lengths.len() != 1 || !lengths[0].message_en.contains(&expected_en) {
        let named: Vec<&Problem> = problems.iter().filter(|p| p.field == field).collect();
        return Err(format!(
            "{field} one over: expected one problem \"{expected_en}\", got {named:#?}"
        ));
    }
    let p = lengths[0];
    if !(p.is_error()
        && p.field == field
        && p.rule.ends_with("-FMT")
        && p.message_zh.contains(&format!("最多{}个", row.max)))
    {
        return Err(format!("{field}: {p:?}"));
    }
    if problems
        .iter()
        .any(|q| q.field != field && q.message_en.contains("): at most"))
    {
        return Err(format!(
            "{field}: another field reported too long: {problems:#?}"
        ));
    }

    let mut at = base.clone();
    set(&mut at, row.path, &text_of(row.unit, row.max));
    let problems = validate(&at);
    if !length_problems(&problems, &field).is_empty() {
        return Err(format!("{field} at its limit reported: {problems:#?}"));
    }
    Ok(())
}

#[test]
fn every_declaration_row_is_enforced_one_over_and_passes_at_the_limit() {
    let lists = CodeLists::bundled();
    let mut failures = Vec::new();
    for row in DECLARATION_LIMITS {
        let mut base = declaration_json();
        if let Some(flag) = row.ie_flag {
            base["head"]["ie_flag"] = serde_json::to_value(flag).unwrap();
        }
        let validate = |v: &Value| {
            let d: Declaration = serde_json::from_value(v.clone()).expect("declaration parses");
            validate_declaration(&d, Purpose::Draft, &lists)
        };
        if let Err(e) = check_row(row, &base, &validate) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_origin_row_is_enforced_one_over_and_passes_at_the_limit() {
    let lists = CodeLists::bundled();
    let record = EnterpriseRecord::default();
    let base: Value = serde_json::from_str(ORIGIN_VALID).unwrap();
    let mut failures = Vec::new();
    for row in ORIGIN_LIMITS {
        let validate = |v: &Value| {
            let app: OriginApplication = serde_json::from_value(v.clone()).expect("parses");
            validate_origin_application(&app, &record, &lists, Purpose::Draft)
        };
        if let Err(e) = check_row(row, &base, &validate) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every text field of the model has a row: the string leaves of a full
/// declaration's JSON, less the numbers the digit rules bound.
#[test]
fn every_declaration_text_field_has_a_row() {
    const NUMBERS: &[&str] = &[
        "head.freight.value",
        "head.insurance.value",
        "head.other_charges.value",
        "head.packages",
        "head.gross_weight",
        "head.net_weight",
        "lines[].quantity",
        "lines[].first_quantity",
        "lines[].second_quantity",
        "lines[].unit_price",
        "lines[].total_price",
        "containers[].weight",
    ];
    fn leaves(prefix: &str, v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(_) => out.push(prefix.to_owned()),
            Value::Object(m) => {
                for (k, x) in m {
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    leaves(&p, x, out);
                }
            }
            Value::Array(items) => {
                if let Some(first) = items.first() {
                    leaves(&format!("{prefix}[]"), first, out);
                }
            }
            _ => {}
        }
    }
    // Through the model, so fields the fixture leaves to their defaults count.
    let d: Declaration = serde_json::from_value(declaration_json()).unwrap();
    let mut paths = Vec::new();
    leaves("", &serde_json::to_value(&d).unwrap(), &mut paths);
    // Enum-valued strings are not typed text.
    paths.retain(|p| p != "filing_mode" && p != "head.ie_flag");
    for p in paths {
        let listed = DECLARATION_LIMITS.iter().any(|r| r.path == p);
        assert!(
            listed || NUMBERS.contains(&p.as_str()),
            "{p} has no length limit"
        );
        assert!(!(listed && NUMBERS.contains(&p.as_str())), "{p} twice");
    }
}

#[test]
fn the_overseas_name_limit_follows_the_direction() {
    let lists = CodeLists::bundled();
    let mut d: Declaration = serde_json::from_str(VALID).unwrap();
    d.head.overseas_name = "A".repeat(300);
    d.head.ie_flag = IeFlag::E;
    assert!(
        declaration_overlong(&d).is_empty(),
        "export: OverseasConsigneeEname 400"
    );
    d.head.ie_flag = IeFlag::I;
    let over = declaration_overlong(&d);
    assert_eq!(over.len(), 1);
    assert_eq!(over[0].limit.element, "OverseasConsignorEname");
    let problems = validate_declaration(&d, Purpose::Declare, &lists);
    assert_eq!(length_problems(&problems, "head.overseas_name").len(), 1);
}

#[test]
fn declaration_elements_count_gbk_bytes() {
    assert_eq!(Unit::GbkBytes.measure("ab"), 2);
    assert_eq!(Unit::GbkBytes.measure("中文"), 4);
    // é (2 UTF-8 bytes), 中 (3), 😀 (4): each counts 2.
    assert_eq!(Unit::GbkBytes.measure("aé中😀"), 7);
    assert_eq!(Unit::Chars.measure("aé中😀"), 4);

    let lists = CodeLists::bundled();
    let mut d: Declaration = serde_json::from_str(VALID).unwrap();
    // 128 Chinese characters: 128 characters (under 255) but 256 bytes.
    d.lines[0].elements = format!("1|0|{}", "中".repeat(127));
    assert_eq!(Unit::GbkBytes.measure(&d.lines[0].elements), 258);
    let problems = validate_declaration(&d, Purpose::Declare, &lists);
    let over = length_problems(&problems, "lines[0].elements");
    assert_eq!(over.len(), 1, "{problems:#?}");
    assert!(over[0].message_en.contains("at most 255 bytes"), "{over:?}");
    assert!(over[0].message_zh.contains("按GBK计"), "{over:?}");
    // 125 Chinese characters + "1|0|": 254 bytes, fine.
    d.lines[0].elements = format!("1|0|{}", "中".repeat(125));
    let problems = validate_declaration(&d, Purpose::Declare, &lists);
    assert!(length_problems(&problems, "lines[0].elements").is_empty());
}

/// The issue's case: megabytes of remarks used to import as "ready" with no
/// error. Now it is an error (never ready), and the message quotes lengths,
/// not the value.
#[test]
fn megabytes_of_remarks_are_an_error_with_a_short_message() {
    let lists = CodeLists::bundled();
    let mut d: Declaration = serde_json::from_str(VALID).unwrap();
    assert!(validate_declaration(&d, Purpose::Declare, &lists).is_empty());
    let n = 3 * 1024 * 1024;
    d.head.remarks = "x".repeat(n);
    for purpose in [Purpose::Draft, Purpose::Declare] {
        let problems = validate_declaration(&d, purpose, &lists);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        let p = &problems[0];
        assert_eq!(
            (p.rule.as_str(), p.field.as_str()),
            ("DEC-FMT", "head.remarks")
        );
        assert!(p.is_error());
        assert_eq!(p.message_zh, format!("备注最多255个字符，现有{n}个"));
        assert_eq!(
            p.message_en,
            format!("remarks (head.remarks): at most 255 characters, {n} given")
        );
        let info = SaveInfo::from_problems(&problems, "import");
        assert_eq!(info.error_count, 1, "not ready");
    }
}

/// An over-long field with other faults keeps their messages beside the
/// length's, none quoting more than 40 characters of the value.
#[test]
fn an_overlong_field_keeps_its_other_problems_and_quotes_stay_short() {
    let lists = CodeLists::bundled();
    let mut d: Declaration = serde_json::from_str(VALID).unwrap();
    // A country typed as a name: too long, and not a code.
    d.head.trade_country = "CHINA".into();
    let problems = validate_declaration(&d, Purpose::Declare, &lists);
    let rules: Vec<&str> = problems
        .iter()
        .filter(|p| p.field == "head.trade_country")
        .map(|p| p.rule.as_str())
        .collect();
    assert_eq!(rules, ["DEC-FMT", "DEC-FMT"], "{problems:#?}");
    assert_eq!(length_problems(&problems, "head.trade_country").len(), 1);

    // A malformed value of a few hundred characters: cut in the message.
    d.head.trade_country = "JPN".into();
    d.lines[0].elements = format!("9|{}", "z".repeat(300));
    let problems = validate_declaration(&d, Purpose::Declare, &lists);
    let el: Vec<&Problem> = problems
        .iter()
        .filter(|p| p.field == "lines[0].elements")
        .collect();
    assert!(el.len() >= 2, "{el:#?}");
    for p in el {
        assert!(p.message_en.len() < 200, "{p:?}");
    }
    assert!(
        problems.iter().any(|p| p.message_en.contains("z…")),
        "{problems:#?}"
    );
}

#[test]
fn assumed_rows_are_marked_and_file_limits_are_sane() {
    // Every origin row but the two sequence numbers is assumed: no public
    // specification gives the boxes' lengths.
    let spec: Vec<&str> = ORIGIN_LIMITS
        .iter()
        .filter(|r| r.source == Source::Spec)
        .map(|r| r.path)
        .collect();
    assert_eq!(spec, ["client_seq_no", "source_declaration"]);
    for f in FILE_LIMITS {
        assert!(f.max_bytes >= 4096, "{f:?}");
        assert!(!f.what_en.is_empty() && !f.what_zh.is_empty());
    }
}

/// docs/limits.md lists every row and file limit as the code has them.
#[test]
fn the_docs_list_every_row() {
    const DOC: &str = include_str!("../../../../docs/limits.md");
    for (name, max) in [
        (
            "TEMPLATE_NAME_MAX_CHARS",
            portdesk_domain::limits::TEMPLATE_NAME_MAX_CHARS,
        ),
        (
            "TEMPLATE_NOTE_MAX_CHARS",
            portdesk_domain::limits::TEMPLATE_NOTE_MAX_CHARS,
        ),
        (
            "DEFAULT_VALUE_MAX_CHARS",
            portdesk_domain::limits::DEFAULT_VALUE_MAX_CHARS,
        ),
    ] {
        let row = DOC
            .lines()
            .find(|l| l.starts_with(&format!("| `{name}` |")))
            .unwrap_or_else(|| panic!("docs/limits.md lacks {name}"));
        assert!(row.contains(&format!("| {max} characters |")), "{row}");
    }
    for row in DECLARATION_LIMITS.iter().chain(ORIGIN_LIMITS) {
        let when = match row.ie_flag {
            None => "",
            Some(IeFlag::I) => " (import)",
            Some(IeFlag::E) => " (export)",
        };
        let unit = match row.unit {
            Unit::Chars => "characters",
            Unit::GbkBytes => "bytes, GBK",
        };
        let source = match row.source {
            Source::Spec => "spec",
            Source::Assumed => "**assumed**",
        };
        let line = format!(
            "| `{}`{when} | `{}` | {} | {unit} | {source} |",
            row.path, row.element, row.max
        );
        assert!(DOC.contains(&line), "docs/limits.md lacks {line}");
    }
    let rows = DOC.lines().filter(|l| l.starts_with("| `")).count();
    assert_eq!(
        rows,
        // + 1: EXTENSIONS_MAX_BYTES; + 3: the template name and note, a default value.
        DECLARATION_LIMITS.len() + ORIGIN_LIMITS.len() + FILE_LIMITS.len() + 1 + 3,
        "docs/limits.md has rows the code does not"
    );
    for (name, limit, text) in [
        (
            "IMPORT_FILE",
            portdesk_domain::limits::IMPORT_FILE,
            "32 MiB",
        ),
        (
            "MESSAGE_FILE",
            portdesk_domain::limits::MESSAGE_FILE,
            "16 MiB",
        ),
        ("IMAGE_FILE", portdesk_domain::limits::IMAGE_FILE, "5 MiB"),
        ("FONT_FILE", portdesk_domain::limits::FONT_FILE, "64 MiB"),
        (
            "DOCUMENT_FILE",
            portdesk_domain::limits::DOCUMENT_FILE,
            "4 MiB",
        ),
        (
            "CODE_LIST_FILE",
            portdesk_domain::limits::CODE_LIST_FILE,
            "8 MiB",
        ),
        (
            "PASSWORD_INPUT",
            portdesk_domain::limits::PASSWORD_INPUT,
            "4096 bytes",
        ),
    ] {
        let line = DOC
            .lines()
            .find(|l| l.starts_with(&format!("| `{name}`")))
            .unwrap_or_else(|| panic!("docs/limits.md lacks {name}"));
        assert!(line.contains(&format!("| {text} |")), "{line}");
        let shown = if limit.max_bytes.is_multiple_of(1024 * 1024) {
            format!("{} MiB", limit.max_bytes / (1024 * 1024))
        } else {
            format!("{} bytes", limit.max_bytes)
        };
        assert_eq!(shown, text, "{name}");
    }
    assert_eq!(portdesk_domain::limits::EXTENSIONS_MAX_BYTES, 1024 * 1024);
    assert!(DOC.contains("| `EXTENSIONS_MAX_BYTES` |") && DOC.contains("| 1 MiB |"));
}

/// Extensions: kept through JSON, absent when empty, ignored by the rules,
/// and measured against their byte limit.
#[test]
fn extensions_are_kept_ignored_by_validation_and_bounded() {
    use portdesk_domain::limits::{extensions_oversize, EXTENSIONS_MAX_BYTES};
    let lists = CodeLists::bundled();
    let plain: Declaration = serde_json::from_str(VALID).unwrap();
    assert!(!serde_json::to_string(&plain)
        .unwrap()
        .contains("extensions"));
    let mut d = plain.clone();
    d.extensions.decmessage = Some(serde_json::json!({ "blocks": [{ "x": "<X/>" }] }));
    let text = serde_json::to_string(&d).unwrap();
    assert_eq!(serde_json::from_str::<Declaration>(&text).unwrap(), d);
    assert_eq!(
        validate_declaration(&d, Purpose::Declare, &lists),
        validate_declaration(&plain, Purpose::Declare, &lists)
    );
    assert_eq!(extensions_oversize(&d), None);
    // `{"decmessage":"…"}`: the string plus 17 bytes of JSON around it.
    d.extensions.decmessage = Some(Value::String("x".repeat(EXTENSIONS_MAX_BYTES - 17)));
    assert_eq!(extensions_oversize(&d), None);
    d.extensions.decmessage = Some(Value::String("x".repeat(EXTENSIONS_MAX_BYTES - 16)));
    assert_eq!(extensions_oversize(&d), Some(EXTENSIONS_MAX_BYTES + 1));
    // Unknown keys are refused like any unknown field.
    let bad = text.replace("\"decmessage\"", "\"other\"");
    let e = serde_json::from_str::<Declaration>(&bad).unwrap_err();
    assert!(e.to_string().contains("other"), "{e}");
}
