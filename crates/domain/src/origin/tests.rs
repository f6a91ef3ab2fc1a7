//! Tests of the certificate-of-origin precheck: every `COO-*` rule passing
//! and failing, the fixtures, pre-filling from a declaration and the
//! canonical certified fields.

use chrono::NaiveDate;

use super::*;
use crate::code_list::CodeLists;
use crate::declaration::Declaration;
use crate::problem::{Problem, Purpose, Severity};

const VALID_E: &str = include_str!("../../../../tests/fixtures/origin-e-valid.json");
const INVALID_E: &str = include_str!("../../../../tests/fixtures/origin-e-invalid.json");
const VALID_DECLARATION: &str = include_str!("../../../../tests/fixtures/declaration-valid.json");

fn record() -> EnterpriseRecord {
    EnterpriseRecord {
        name_en: "DALIAN NORTHERN STEEL IMPORT & EXPORT CO., LTD.".into(),
        address_en: "NO. 1 GANGWAN STREET, ZHONGSHAN DISTRICT, DALIAN, LIAONING, CHINA".into(),
        credit_code: "91210200MA0QC4L18M".into(),
        customs_code: "2102930001".into(),
    }
}

fn valid_e() -> OriginApplication {
    serde_json::from_str(VALID_E).expect("valid fixture parses")
}

fn check(app: &OriginApplication) -> Vec<Problem> {
    validate_origin_application(app, &record(), &CodeLists::bundled(), Purpose::Declare)
}

fn draft_check(app: &OriginApplication) -> Vec<Problem> {
    validate_origin_application(app, &record(), &CodeLists::bundled(), Purpose::Draft)
}

/// `(rule, field)` of every problem.
fn found(problems: &[Problem]) -> Vec<(String, String)> {
    problems
        .iter()
        .map(|p| (p.rule.clone(), p.field.clone()))
        .collect()
}

/// Asserts `app` has exactly the problems `expected` (rule, field).
#[track_caller]
fn assert_problems(app: &OriginApplication, expected: &[(&str, &str)]) {
    let got = found(&check(app));
    let want: Vec<(String, String)> = expected
        .iter()
        .map(|(r, f)| ((*r).to_owned(), (*f).to_owned()))
        .collect();
    assert_eq!(got, want, "{:#?}", check(app));
}

// ---------------------------------------------------------------- fixtures

#[test]
fn valid_fixture_passes_the_precheck() {
    let app = valid_e();
    assert_eq!(check(&app), []);
    assert_eq!(draft_check(&app), []);
}

#[test]
fn valid_fixture_round_trips_and_rejects_unknown_keys() {
    let app = valid_e();
    let again: OriginApplication =
        serde_json::from_str(&serde_json::to_string(&app).unwrap()).unwrap();
    assert_eq!(app, again);
    let text = VALID_E.replacen("\"form\": \"E\",", "\"form\": \"E\", \"surprise\": 1,", 1);
    assert!(serde_json::from_str::<OriginApplication>(&text).is_err());
}

#[test]
fn invalid_fixture_has_the_documented_problems() {
    let app: OriginApplication = serde_json::from_str(INVALID_E).expect("invalid fixture parses");
    assert_problems(
        &app,
        &[
            ("COO-ASCII", "exporter.name"),
            ("COO-EXPORTER", "exporter.address"),
            ("COO-ASCII", "consignee.address"),
            ("COO-CTRL", "transport.route"),
            ("COO-PORT", "transport.port_of_discharge"),
            ("COO-DESC", "items[0].description"),
            ("COO-ITEMS", "items[1].item_no"),
            ("COO-DESC", "items[1].description"),
            ("COO-HS", "items[1].hs_code"),
            ("COO-CRIT", "items[1].origin_criterion"),
            ("COO-DATE", "invoices[0].date"),
            ("COO-DATE", "declaration_date"),
        ],
    );
    assert!(check(&app).iter().all(Problem::is_error));
}

#[test]
fn messages_name_the_box_in_both_languages() {
    let mut app = valid_e();
    app.items[0].description = "STEEL COILS".into();
    let p = &check(&app)[0];
    assert_eq!(p.rule, "COO-DESC");
    assert!(
        p.message_zh.starts_with("第7栏 货物描述（第1项）"),
        "{}",
        p.message_zh
    );
    assert!(
        p.message_en.starts_with("Box 7 goods description (item 1)"),
        "{}",
        p.message_en
    );
    app.form = OriginForm::R;
    let p = check(&app)
        .into_iter()
        .find(|p| p.rule == "COO-DESC")
        .unwrap();
    assert!(
        p.message_en.starts_with("Box 8 goods description"),
        "{}",
        p.message_en
    );
}

#[test]
fn rule_catalogue_is_complete_and_unique() {
    let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(
        ids,
        [
            "COO-REQ",
            "COO-FMT",
            "COO-ASCII",
            "COO-CTRL",
            "COO-DESC",
            "COO-HS",
            "COO-PORT",
            "COO-EXPORTER",
            "COO-DATE",
            "COO-CRIT",
            "COO-ITEMS"
        ]
    );
}

// ------------------------------------------------------------ COO-REQ

#[test]
fn coo_req_boxes_per_form() {
    let mut app = valid_e();
    app.transport.vessel.clear();
    app.items[0].origin_criterion.clear();
    app.items[0].fob_value.clear();
    app.declaration_place = "  ".into();
    assert_problems(
        &app,
        &[
            ("COO-REQ", "transport.vessel"),
            ("COO-REQ", "items[0].origin_criterion"),
            ("COO-REQ", "items[0].fob_value"),
            ("COO-REQ", "declaration_place"),
        ],
    );
    // A draft may be incomplete.
    assert_eq!(draft_check(&app), []);

    // Form C has no vessel, criterion or FOB requirement (and no criterion box).
    let mut c = valid_e();
    c.form = OriginForm::C;
    for it in &mut c.items {
        it.origin_criterion.clear();
        it.fob_value.clear();
        it.currency.clear();
    }
    c.transport.vessel.clear();
    assert_problems(&c, &[]);

    // RCEP: producer, country of origin; FOB only under a value rule.
    let mut r = valid_e();
    r.form = OriginForm::R;
    r.items[0].origin_criterion = "CTC".into();
    r.items[0].fob_value.clear();
    r.items[0].currency.clear();
    r.items[1].fob_value.clear();
    assert_problems(
        &r,
        &[
            ("COO-REQ", "producer.name"),
            ("COO-REQ", "items[0].country_of_origin"),
            ("COO-REQ", "items[1].fob_value"),
            ("COO-REQ", "items[1].country_of_origin"),
        ],
    );
    r.producer.name = "SEE BOX 8".into();
    r.items[0].country_of_origin = "CHN".into();
    r.items[1].country_of_origin = "CHN".into();
    r.items[1].fob_value = "17233.44".into();
    assert_problems(&r, &[]);
}

#[test]
fn coo_req_consignee_to_order_needs_no_address() {
    let mut app = valid_e();
    app.consignee.name = "TO ORDER".into();
    app.consignee.address.clear();
    app.consignee.country.clear();
    assert_problems(&app, &[]);
    app.consignee.name.clear();
    assert_problems(
        &app,
        &[
            ("COO-REQ", "consignee.name"),
            ("COO-REQ", "consignee.address"),
            ("COO-REQ", "consignee.country"),
        ],
    );
}

#[test]
fn coo_req_needs_an_invoice() {
    let mut app = valid_e();
    app.invoices.clear();
    assert_problems(&app, &[("COO-REQ", "invoices")]);
    app.invoices.push(OriginInvoice::default());
    assert_problems(
        &app,
        &[
            ("COO-REQ", "invoices[0].number"),
            ("COO-REQ", "invoices[0].date"),
        ],
    );
}

// ------------------------------------------------------------ COO-FMT

#[test]
fn coo_fmt_codes_dates_numbers_and_flags() {
    let mut app = valid_e();
    app.client_seq_no = "pd123".into();
    app.exporter.credit_code = "91210200MA0QC4L18N".into();
    app.consignee.country = "VN".into();
    app.transport.means = "S".into();
    app.transport.departure_date = "20261131".into();
    app.items[0].package_count = "0".into();
    app.items[0].package_kind = "12X".into();
    app.items[0].quantity = "-1".into();
    app.items[0].unit = "KGS".into();
    app.items[1].gross_weight = "1,200".into();
    app.items[1].fob_value = "17233.445".into();
    app.items[1].currency = "USDOLLAR".into();
    app.flags.exhibition = true; // on form E: fine
    assert_problems(
        &app,
        &[
            ("COO-FMT", "client_seq_no"),
            ("COO-FMT", "exporter.credit_code"),
            ("COO-FMT", "consignee.country"),
            ("COO-FMT", "transport.means"),
            ("COO-FMT", "transport.departure_date"),
            ("COO-FMT", "items[0].package_count"),
            ("COO-FMT", "items[0].package_kind"),
            ("COO-FMT", "items[0].quantity"),
            ("COO-FMT", "items[0].unit"),
            ("COO-FMT", "items[1].gross_weight"),
            ("COO-FMT", "items[1].fob_value"),
            ("COO-FMT", "items[1].currency"),
        ],
    );
    // The same in a draft: formats are checked while typing.
    assert_eq!(found(&draft_check(&app)).len(), 12);
}

#[test]
fn coo_fmt_flags_the_form_does_not_have() {
    let mut app = valid_e();
    app.form = OriginForm::R;
    app.producer.name = "NOT AVAILABLE".into();
    for it in &mut app.items {
        it.country_of_origin = "CHN".into();
    }
    app.flags = OriginFlags {
        issued_retroactively: true,
        exhibition: true,
        movement_certificate: true,
        third_party_invoicing: true,
    };
    assert_problems(&app, &[("COO-FMT", "flags.exhibition")]);
    app.form = OriginForm::C;
    app.producer = OriginParty::default();
    for it in &mut app.items {
        it.country_of_origin.clear();
        it.origin_criterion.clear();
    }
    assert_eq!(
        found(&check(&app))
            .iter()
            .map(|(r, f)| format!("{r} {f}"))
            .collect::<Vec<_>>(),
        [
            "COO-FMT flags.issued_retroactively",
            "COO-FMT flags.exhibition",
            "COO-FMT flags.movement_certificate",
            "COO-FMT flags.third_party_invoicing",
        ]
    );
}

// ---------------------------------------------------------- COO-ASCII

#[test]
fn coo_ascii_rejects_chinese_full_width_punctuation_and_spaces() {
    let mut app = valid_e();
    app.consignee.name = "河内钢铁贸易公司".into();
    app.items[0].description = "HOT ROLLED STEEL COILS（Q235B）***".into();
    app.remarks = "SHIPPED\u{3000}IN 2 LOTS".into();
    app.transport.vessel = "XIN DA LIAN V.026E\u{00A0}".into();
    let p = check(&app);
    assert_eq!(
        found(&p),
        [
            ("COO-ASCII".to_owned(), "consignee.name".to_owned()),
            ("COO-ASCII".to_owned(), "transport.vessel".to_owned()),
            ("COO-ASCII".to_owned(), "items[0].description".to_owned()),
            ("COO-ASCII".to_owned(), "remarks".to_owned()),
        ]
    );
    assert!(
        p[0].message_zh.contains("中文字符“河”"),
        "{}",
        p[0].message_zh
    );
    assert!(p[2]
        .message_en
        .contains("full-width or Chinese punctuation \"（\""));
    assert!(p[3].message_zh.contains("全角空格"));
    // The mechanical fix makes the punctuation and spaces pass.
    app.items[0].description = clean_english_text(&app.items[0].description);
    app.remarks = clean_english_text(&app.remarks);
    app.transport.vessel = clean_english_text(&app.transport.vessel);
    app.consignee.name = "HANOI STEEL TRADING JOINT STOCK COMPANY".into();
    assert_problems(&app, &[]);
}

#[test]
fn coo_ascii_code_with_full_width_digit_is_reported_once() {
    let mut app = valid_e();
    app.items[0].hs_code = "７20839".into();
    assert_problems(&app, &[("COO-ASCII", "items[0].hs_code")]);
}

// ----------------------------------------------------------- COO-CTRL

#[test]
fn coo_ctrl_rejects_pasted_control_characters() {
    let mut app = valid_e();
    app.exporter.name = "DALIAN NORTHERN STEEL IMPORT & EXPORT CO., LTD.\u{200B}".into();
    app.items[1].quantity = "22.08\r".into();
    app.invoices[0].number = "HSJ\u{7}2026117".into();
    assert_problems(
        &app,
        &[
            ("COO-CTRL", "exporter.name"),
            ("COO-CTRL", "items[1].quantity"),
            ("COO-CTRL", "invoices[0].number"),
        ],
    );
    // Line breaks are fine where the box prints several lines.
    let mut ok = valid_e();
    ok.items[0].description = "HOT ROLLED NON-ALLOY STEEL COILS\nQ235B ***".into();
    ok.marks = "HANOI\nC/NO. 1-8".into();
    assert_problems(&ok, &[]);
    ok.invoices[0].number = "HSJ\n2026117".into();
    assert_problems(&ok, &[("COO-CTRL", "invoices[0].number")]);
}

// ----------------------------------------------------------- COO-DESC

#[test]
fn coo_desc_needs_the_closing_stars_and_a_real_description() {
    let mut app = valid_e();
    app.items[0].description = "HOT ROLLED STEEL COILS **".into();
    app.items[1].description = "  goods  ***  ".into();
    assert_problems(
        &app,
        &[
            ("COO-DESC", "items[0].description"),
            ("COO-DESC", "items[1].description"),
        ],
    );
    for vague in ["SAMPLE***", "Spare  Parts ***", "***", "AB ***"] {
        app.items[0].description = vague.into();
        app.items[1].description = "GALVANIZED STEEL COILS ***".into();
        assert_problems(&app, &[("COO-DESC", "items[0].description")]);
    }
    app.items[0].description = "STEEL SAMPLE PLATES ***".into();
    assert_problems(&app, &[]);
    // Drafts are not held to the closing stars.
    app.items[0].description = "STEEL".into();
    assert_eq!(draft_check(&app), []);
}

// ------------------------------------------------------------- COO-HS

#[test]
fn coo_hs_six_digits_on_every_item() {
    let mut app = valid_e();
    app.items[0].hs_code.clear();
    app.items[1].hs_code = "7210.49".into();
    assert_problems(
        &app,
        &[
            ("COO-HS", "items[0].hs_code"),
            ("COO-HS", "items[1].hs_code"),
        ],
    );
    app.items[0].hs_code = "7208390000".into();
    let p = check(&app);
    assert!(
        p[0].message_en.contains("take the first 6"),
        "{}",
        p[0].message_en
    );
    // A draft reports the malformed code but not the missing one.
    app.items[0].hs_code.clear();
    assert_eq!(
        found(&draft_check(&app)),
        [("COO-HS".to_owned(), "items[1].hs_code".to_owned())]
    );
}

// ----------------------------------------------------------- COO-PORT

#[test]
fn coo_port_codes_not_typed_names() {
    let mut app = valid_e();
    app.transport.port_of_loading = "DALIAN".into();
    app.transport.port_of_discharge = "Haiphong".into();
    assert_problems(
        &app,
        &[
            ("COO-PORT", "transport.port_of_loading"),
            ("COO-PORT", "transport.port_of_discharge"),
        ],
    );
    // Listed domestic ports and `<country>` + 3 are codes.
    app.transport.port_of_loading = "210800".into();
    app.transport.port_of_discharge = "VNMHPH".into();
    assert_problems(&app, &[]);
    app.transport.port_of_loading = "999999".into();
    assert_problems(&app, &[("COO-PORT", "transport.port_of_loading")]);
}

// ------------------------------------------------------- COO-EXPORTER

#[test]
fn coo_exporter_equals_the_record_up_to_blanks_and_case() {
    let mut app = valid_e();
    app.exporter.name = "  Dalian Northern Steel Import &  Export Co., Ltd. ".into();
    app.exporter.address =
        "NO. 1 GANGWAN STREET,\nZHONGSHAN DISTRICT, DALIAN, LIAONING, CHINA".into();
    assert_problems(&app, &[]);
    app.exporter.name = "DALIAN NORTHERN STEEL CO., LTD.".into();
    app.exporter.credit_code = "91210231MA10XB2P32".into();
    app.exporter.country = "HKG".into();
    let p = check(&app);
    assert_eq!(
        found(&p),
        [
            ("COO-EXPORTER".to_owned(), "exporter.name".to_owned()),
            ("COO-EXPORTER".to_owned(), "exporter.country".to_owned()),
            ("COO-EXPORTER".to_owned(), "exporter.credit_code".to_owned()),
        ]
    );
    assert!(p[0]
        .message_en
        .contains("DALIAN NORTHERN STEEL IMPORT & EXPORT CO., LTD."));
    // Drafts are not compared with the record.
    assert_eq!(draft_check(&app), []);
}

// ----------------------------------------------------------- COO-DATE

#[test]
fn coo_date_invoice_shipment_declaration_order() {
    let mut app = valid_e();
    // Equal dates are fine.
    app.invoices[0].date = "20261105".into();
    app.declaration_date = "20261105".into();
    assert_problems(&app, &[]);
    app.invoices.push(OriginInvoice {
        number: "HSJ2026118".into(),
        date: "20261107".into(),
    });
    assert_problems(
        &app,
        &[
            ("COO-DATE", "invoices[1].date"),
            ("COO-DATE", "declaration_date"),
        ],
    );
}

#[test]
fn coo_date_late_application_should_be_flagged_retroactive() {
    let mut app = valid_e();
    app.declaration_date = "20261110".into();
    let p = check(&app);
    assert_eq!(
        found(&p),
        [(
            "COO-DATE".to_owned(),
            "flags.issued_retroactively".to_owned()
        )]
    );
    assert_eq!(p[0].severity, Severity::Warning);
    app.flags.issued_retroactively = true;
    assert_problems(&app, &[]);
    // Form C has no such flag and no warning.
    let mut c = valid_e();
    c.form = OriginForm::C;
    for it in &mut c.items {
        it.origin_criterion.clear();
    }
    c.declaration_date = "20261201".into();
    assert_problems(&c, &[]);
}

// ----------------------------------------------------------- COO-CRIT

#[test]
fn coo_crit_valid_for_the_form() {
    let mut app = valid_e();
    for ok in ["WO", "PE", "RVC", "RVC 40%", "RVC 52.5%", "CTH", "PSR"] {
        app.items[0].origin_criterion = ok.into();
        assert_problems(&app, &[]);
    }
    for bad in ["CTC", "wo", "RVC 140%", "40%", "RVC 0%", "PE 40%", ","] {
        app.items[0].origin_criterion = bad.into();
        assert_problems(&app, &[("COO-CRIT", "items[0].origin_criterion")]);
    }
    let p = check(&app);
    assert!(
        p[0].message_en.contains("WO, PE, RVC, CTH, PSR"),
        "{}",
        p[0].message_en
    );

    let mut r = valid_e();
    r.form = OriginForm::R;
    r.producer.name = "CONFIDENTIAL".into();
    for it in &mut r.items {
        it.country_of_origin = "CHN".into();
    }
    for ok in ["CTC", "CTC DMI", "RVC, ACU", "CR", "WO"] {
        r.items[0].origin_criterion = ok.into();
        assert_problems(&r, &[]);
    }
    r.items[0].origin_criterion = "PSR".into();
    assert_problems(&r, &[("COO-CRIT", "items[0].origin_criterion")]);

    let mut c = valid_e();
    c.form = OriginForm::C;
    c.items[1].origin_criterion.clear();
    assert_problems(&c, &[("COO-CRIT", "items[0].origin_criterion")]);
}

// ---------------------------------------------------------- COO-ITEMS

#[test]
fn coo_items_count_and_numbering() {
    let mut app = valid_e();
    app.items.clear();
    assert_problems(&app, &[("COO-ITEMS", "items")]);
    assert_eq!(draft_check(&app), []);

    let mut app = valid_e();
    app.items.swap(0, 1);
    assert_problems(
        &app,
        &[
            ("COO-ITEMS", "items[0].item_no"),
            ("COO-ITEMS", "items[1].item_no"),
        ],
    );
    app.items[0].item_no = "1".into();
    app.items[1].item_no = String::new();
    assert_problems(&app, &[("COO-ITEMS", "items[1].item_no")]);
    // A draft tolerates an empty number, not a wrong one.
    assert_eq!(draft_check(&app), []);

    let mut app = valid_e();
    let item = app.items[0].clone();
    app.items = (1..=MAX_ORIGIN_ITEMS + 1)
        .map(|n| OriginItem {
            item_no: n.to_string(),
            ..item.clone()
        })
        .collect();
    assert_problems(&app, &[("COO-ITEMS", "items")]);
}

// ------------------------------------------------ from a declaration

#[test]
fn application_from_the_valid_declaration_passes_once_completed() {
    let d: Declaration = serde_json::from_str(VALID_DECLARATION).unwrap();
    for form in [OriginForm::C, OriginForm::E, OriginForm::R] {
        let mut app = application_from_declaration(&d, form, &record());
        // What was copied.
        assert_eq!(app.form, form);
        assert_eq!(
            app.source_declaration.as_deref(),
            Some("PD06H1RX30KSSW337D")
        );
        assert_eq!(app.exporter.credit_code, "91210200MA0QC4L18M");
        assert_eq!(app.exporter.country, "CHN");
        assert_eq!(app.consignee.name, "HANSHIN STEEL TRADING CO., LTD.");
        assert_eq!(app.consignee.country, "JPN");
        assert_eq!(app.importing_country, "JPN");
        assert_eq!(app.transport.means, "2");
        assert_eq!(app.transport.departure_date, "20261105");
        assert_eq!(app.transport.vessel, "XIN DA LIAN V.026E");
        assert_eq!(app.transport.port_of_loading, "210200");
        assert_eq!(app.transport.port_of_discharge, "JPN000");
        assert_eq!(app.marks, "N/M");
        assert_eq!(app.items.len(), 2);
        assert_eq!(app.items[0].item_no, "1");
        assert_eq!(app.items[0].hs_code, "720839");
        assert_eq!(app.items[1].hs_code, "721049");
        assert_eq!(app.items[0].description, "热轧卷板");
        assert_eq!(app.items[1].quantity, "22.08");
        assert_eq!(app.items[1].unit, "070");
        assert_eq!(app.items[1].fob_value, "17233.44");
        assert_eq!(app.items[1].currency, "USD");
        assert_eq!(app.invoices, [OriginInvoice::default()]);
        // Two lines: packages are not split per line by the declaration.
        assert_eq!(app.items[0].package_count, "");

        // As copied, smart review would reject the Chinese names.
        let before = check(&app);
        assert!(before.iter().any(|p| p.rule == "COO-ASCII"), "{before:#?}");

        // The clerk completes what a declaration cannot know.
        app.client_seq_no = "PD06H1RX30KSSW4A2C".into();
        let completed = [
            ("5", "HOT ROLLED NON-ALLOY STEEL COILS, Q235B ***"),
            ("3", "HOT-DIP GALVANIZED STEEL COILS, DX51D+Z ***"),
        ];
        for (it, (count, desc)) in app.items.iter_mut().zip(completed) {
            it.package_count = count.into();
            it.package_kind = "99".into();
            it.description = desc.into();
            if form != OriginForm::C {
                it.origin_criterion = "PE".into();
            }
        }
        app.invoices[0] = OriginInvoice {
            number: "HSJ-2026-0117".into(),
            date: "20261101".into(),
        };
        app.declaration_place = "DALIAN, CHINA".into();
        app.declaration_date = "20261105".into();
        if form == OriginForm::R {
            // The producing unit is the exporter itself.
            assert_eq!(app.producer.name, record().name_en);
            assert_eq!(app.items[0].country_of_origin, "CHN");
        }
        assert_eq!(check(&app), [], "{form:?}");
    }
}

// ------------------------------------------------ certified fields

fn certified() -> CertifiedFields {
    let issue = NaiveDate::from_ymd_opt(2026, 11, 10).unwrap();
    let number = certificate_number(OriginForm::E, 2026, "470ZC4109", 1001).unwrap();
    CertifiedFields::from_application(&valid_e(), &number, issue)
}

const GOLDEN: &str = concat!(
    r#"{"certificate_number":"E26470ZC41091001","consignee_name":"HANOI STEEL TRADING JOINT STOCK COMPANY","#,
    r#""expiry_date":"20271109","exporter_credit_code":"91210200MA0QC4L18M","#,
    r#""exporter_name":"DALIAN NORTHERN STEEL IMPORT & EXPORT CO., LTD.","form":"E","importing_country":"VNM","#,
    r#""invoices":[{"date":"20261102","number":"HSJ2026117"}],"issue_date":"20261110","#,
    r#""items":[{"description":"FIVE (5) PALLETS OF HOT ROLLED NON-ALLOY STEEL COILS, WIDTH 1500MM, THICKNESS 2.0MM, Q235B ***","hs_code":"720839","quantity":"25.5","unit":"070"},"#,
    r#"{"description":"THREE (3) PALLETS OF HOT-DIP GALVANIZED NON-ALLOY STEEL COILS, WIDTH 1250MM, THICKNESS 0.8MM ***","hs_code":"721049","quantity":"22.08","unit":"070"}],"#,
    r#""v":1}"#
);

#[test]
fn canonical_bytes_are_the_documented_golden_string() {
    let c = certified();
    assert_eq!(String::from_utf8(c.canonical_bytes()).unwrap(), GOLDEN);
    assert_eq!(c.canonical_bytes(), c.clone().canonical_bytes());
    assert_eq!(c.digest_hex().len(), 64);
    assert_eq!(c.digest_hex(), hex_of(&sha2_of(GOLDEN.as_bytes())));
}

fn sha2_of(b: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(b).into()
}

fn hex_of(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn changing_any_certified_field_changes_the_bytes() {
    let base = certified();
    type Mutation = Box<dyn Fn(&mut CertifiedFields)>;
    let mutations: Vec<Mutation> = vec![
        Box::new(|c| c.certificate_number.replace_range(15..16, "2")),
        Box::new(|c| c.form = OriginForm::R),
        Box::new(|c| c.exporter_credit_code.push('X')),
        Box::new(|c| c.exporter_name.push(' ')),
        Box::new(|c| c.consignee_name = c.consignee_name.to_lowercase()),
        Box::new(|c| c.importing_country = "THA".into()),
        Box::new(|c| c.invoices[0].number.push('1')),
        Box::new(|c| c.invoices[0].date = "20261103".into()),
        Box::new(|c| c.invoices.push(c.invoices[0].clone())),
        Box::new(|c| c.items[0].hs_code = "720838".into()),
        Box::new(|c| c.items[1].description.insert(0, ' ')),
        Box::new(|c| c.items[0].quantity = "25.50".into()),
        Box::new(|c| c.items[0].unit = "035".into()),
        Box::new(|c| c.items.swap(0, 1)),
        Box::new(|c| c.items.pop().map_or((), drop)),
        Box::new(|c| c.issue_date = "20261111".into()),
        Box::new(|c| c.expiry_date = "20271110".into()),
    ];
    let mut seen = std::collections::HashSet::new();
    seen.insert(base.canonical_bytes());
    for (i, m) in mutations.iter().enumerate() {
        let mut c = base.clone();
        m(&mut c);
        assert!(
            seen.insert(c.canonical_bytes()),
            "mutation {i} left the bytes unchanged or collided"
        );
        assert_ne!(c.digest(), base.digest(), "mutation {i}");
    }
}

#[test]
fn canonical_bytes_escape_quotes_and_keep_non_ascii_verbatim() {
    let mut c = certified();
    c.consignee_name = "A \"QUOTED\" \\ NAME é".into();
    let text = String::from_utf8(c.canonical_bytes()).unwrap();
    assert!(
        text.contains(r#""consignee_name":"A \"QUOTED\" \\ NAME é","#),
        "{text}"
    );
    assert!(
        !text.contains(' ') || !text.contains(": "),
        "no whitespace between tokens"
    );
}

#[test]
fn expiry_is_one_year_less_a_day() {
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    assert_eq!(expiry_date(d(2026, 11, 10)), d(2027, 11, 9));
    assert_eq!(expiry_date(d(2028, 2, 29)), d(2029, 2, 27));
    assert_eq!(expiry_date(d(2026, 1, 1)), d(2026, 12, 31));
}
