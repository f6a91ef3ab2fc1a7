//! Export in the template's layout, import through the template layout:
//! the same declaration, for every declaration fixture.

use portdesk_domain::{CodeLists, Declaration, IeFlag};
use portdesk_sheet::{
    extract, read_workbook, template_columns, template_layout, write_declaration, write_template,
    Part,
};

const FIXTURES: &[&str] = &[
    "declaration-valid.json",
    "declaration-invalid.json",
    "declaration-two-step-full.json",
    "declaration-two-step-summary.json",
];

fn fixture(name: &str) -> Declaration {
    let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// What importing `bytes` as a new declaration through the template gives.
pub fn import_template(bytes: &[u8]) -> Declaration {
    let lists = CodeLists::bundled();
    let book = read_workbook(bytes, "x.xlsx").unwrap();
    let found = extract(&book, &template_layout(), &lists).unwrap();
    assert!(found.unreadable.is_empty(), "{:#?}", found.unreadable);
    found.onto(Declaration::new(String::new(), IeFlag::I))
}

#[test]
fn every_fixture_comes_back_the_same() {
    let lists = CodeLists::bundled();
    for name in FIXTURES {
        let d = fixture(name);
        let bytes = write_declaration(&d, &lists).unwrap();
        assert_eq!(import_template(&bytes), d, "{name}");
    }
}

#[test]
fn the_template_has_its_sheets_and_headers() {
    let lists = CodeLists::bundled();
    let book = read_workbook(&write_template(&lists).unwrap(), "t.xlsx").unwrap();
    for part in Part::ALL {
        let sheet = book.sheet(part.sheet_name()).unwrap();
        let columns = portdesk_sheet::template_columns(part);
        for (i, c) in columns.iter().enumerate() {
            assert_eq!(sheet.cell(1, i as u32).text(), c.zh);
            assert_eq!(sheet.cell(2, i as u32).text(), c.en);
        }
        assert_eq!(sheet.rows.len(), 2, "{}: no data", part.sheet_name());
    }
    // The long lists (countries, ports) are on the hidden sheet.
    let lists_sheet = book.sheet(portdesk_sheet::template::LISTS_SHEET).unwrap();
    assert!(lists_sheet.rows.len() > 200);
    // An empty template reads as nothing.
    let empty = import_template(&write_template(&lists).unwrap());
    assert_eq!(empty, Declaration::new(String::new(), IeFlag::I));
}

/// Awkward text a clerk's draft may hold: XML specials, CJK, blanks at
/// either end, tabs and line ends, an emoji, formula-looking text.
const PIECES: &[&str] = &[
    "A",
    " ",
    "  ",
    "大连",
    "精工",
    "|",
    "&",
    "<",
    ">",
    "\"",
    "'",
    "&amp;",
    "]]>",
    "\n",
    "\r\n",
    "\t",
    "+",
    "=1+1",
    "DX51D+Z",
    "😀",
    "N/M",
    "€",
    "ｆｕｌｌ",
    "0110",
];

fn awkward() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    proptest::collection::vec(proptest::sample::select(PIECES), 0..4).prop_map(|p| p.concat())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    /// Every free-text field of the head and lines (no code list, not a
    /// number) replaced by awkward text still comes back as written.
    #[test]
    fn awkward_text_comes_back_the_same(texts in proptest::collection::vec(awkward(), 200)) {
        use portdesk_sheet::template::Kind;
        let lists = CodeLists::bundled();
        let base = fixture("declaration-valid.json");
        let mut value = serde_json::to_value(&base).unwrap();
        let mut next = texts.into_iter();
        for (part, at) in [(Part::Head, "head"), (Part::Lines, "lines")] {
            let columns: Vec<_> = template_columns(part)
                .into_iter()
                .filter(|c| c.kind == Kind::Text && c.code_list.is_none() && !c.import_only)
                // An empty form type imports as a new declaration's `0`
                // (docs/formats/excel.md); the sequence no. names the draft.
                .filter(|c| !matches!(c.field.as_str(), "client_seq_no" | "entry_type"))
                .collect();
            let targets: Vec<&mut serde_json::Value> = match at {
                "head" => vec![&mut value["head"]],
                _ => value["lines"].as_array_mut().unwrap().iter_mut().collect(),
            };
            for t in targets {
                for c in &columns {
                    let mut slot = &mut *t;
                    for seg in c.field.split('.') {
                        slot = &mut slot[seg];
                    }
                    *slot = next.next().unwrap_or_default().into();
                }
            }
        }
        let d: Declaration = serde_json::from_value(value).unwrap();
        let bytes = write_declaration(&d, &lists).unwrap();
        proptest::prop_assert_eq!(import_template(&bytes), d);
    }
}
