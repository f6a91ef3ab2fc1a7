//! Tests of the validator: a fully valid export and import, then for every
//! rule at least one case that fails it (the valid samples are the passing
//! cases of every rule), plus the specifics of each rule.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use super::*;
use crate::declaration::{
    AttachedDocument, Charge, Container, ElectronicAttachment, GoodsLine, IeFlag, MAX_LINES,
};

fn lists() -> &'static CodeLists {
    static LISTS: OnceLock<CodeLists> = OnceLock::new();
    LISTS.get_or_init(CodeLists::bundled)
}

fn s(v: &str) -> String {
    v.to_owned()
}

/// A realistic Dalian export of two lines of steel coils, CFR Osaka, by sea.
pub(crate) fn sample_valid_export() -> Declaration {
    let mut d = Declaration::new(s("PD06H1RX30KSSW337D"), IeFlag::E);
    let h = &mut d.head;
    h.declaring_customs = s("0900");
    h.ie_port = s("0904");
    h.contract_no = s("HSJ-2026-0117");
    h.ie_date = s("20261105");
    h.trade_scc = s("91210200MA0QC4L18M");
    h.trade_code = s("2102930001");
    h.trade_name = s("大连北方钢材进出口有限公司");
    h.overseas_name = s("HANSHIN STEEL TRADING CO., LTD.");
    h.overseas_address = s("2-4-1 UMEDA, KITA-KU, OSAKA 530-0001, JAPAN");
    h.overseas_aeo = s("NO");
    h.owner_scc = s("91210200MA0QC4L18M");
    h.owner_code = s("2102930001");
    h.owner_name = s("大连北方钢材进出口有限公司");
    h.agent_scc = s("91210231MA10XB2P32");
    h.agent_code = s("2102980567");
    h.agent_name = s("大连港通报关有限公司");
    h.transport_mode = s("2");
    h.conveyance_name = s("XIN DA LIAN");
    h.voyage_no = s("026E");
    h.bill_no = s("COSU6312345670");
    h.trade_mode = s("0110");
    h.trade_country = s("JPN");
    h.trading_country = s("JPN");
    h.destination_port = s("JPN000");
    h.departure_port = s("210200");
    h.entry_exit_port = s("210200");
    h.terms_of_sale = s("2");
    h.freight = Charge {
        mark: s("3"),
        value: s("1800"),
        currency: s("USD"),
    };
    h.packages = s("8");
    h.package_kind = s("99");
    h.gross_weight = s("47800");
    h.net_weight = s("47580");
    h.marks = s("N/M");
    h.entry_type = s("M");
    h.document_type = s("  0");
    h.price_declarations = s("000");
    d.lines = vec![
        GoodsLine {
            commodity_code: s("7208390000"),
            name: s("热轧卷板"),
            elements: s("0|0|热轧|非合金钢|宽1500mm|厚2.0mm|Q235B"),
            quantity: s("25.5"),
            unit: s("070"),
            first_quantity: s("25500"),
            first_unit: s("035"),
            unit_price: s("650.00"),
            total_price: s("16575.00"),
            currency: s("USD"),
            origin_country: s("CHN"),
            destination_country: s("JPN"),
            district_code: s("21029"),
            duty_mode: s("1"),
            ..GoodsLine::default()
        },
        GoodsLine {
            commodity_code: s("7210490000"),
            name: s("镀锌卷板"),
            elements: s("0|0|卷板|非合金钢|经镀层|碳0.05%|厚0.8mm宽1250mm|热镀锌|DX51D+Z"),
            quantity: s("22.08"),
            unit: s("070"),
            first_quantity: s("22080"),
            first_unit: s("035"),
            unit_price: s("780.50"),
            total_price: s("17233.44"),
            currency: s("USD"),
            origin_country: s("CHN"),
            destination_country: s("JPN"),
            district_code: s("21029"),
            duty_mode: s("1"),
            ..GoodsLine::default()
        },
    ];
    d.containers = vec![
        Container {
            number: s("TGHU1234567"),
            size_type: s("22G1"),
            line_refs: s("1"),
            part_load: false,
            weight: s("2200"),
        },
        Container {
            number: s("CBHU8123451"),
            size_type: s("22G1"),
            line_refs: s("2"),
            part_load: false,
            weight: s("2200"),
        },
    ];
    // A paperless export needs no invoice (measure 9); the bill of lading stays.
    d.edocs = vec![ElectronicAttachment {
        code: s("00000003"),
        file_name: s("bl-COSU6012345678.pdf"),
        size: s("183204"),
    }];
    d
}

/// A Dalian import of two machining centres from Japan, FOB Osaka, by sea,
/// with a preferential certificate of origin.
pub(crate) fn sample_valid_import() -> Declaration {
    let mut d = Declaration::new(s("PD06H1RX30KSSW338A"), IeFlag::I);
    let h = &mut d.head;
    h.declaring_customs = s("0900");
    h.ie_port = s("0902");
    h.contract_no = s("DL-IMP-2026-031");
    h.ie_date = s("20261103");
    h.trade_scc = s("91210200241280379U");
    h.trade_code = s("2102910128");
    h.trade_name = s("大连精工机械有限公司");
    h.overseas_name = s("OSAKA MACHINE TOOLS CORPORATION");
    h.overseas_address = s("3-1-8 NANKO-KITA, SUMINOE-KU, OSAKA, JAPAN");
    h.overseas_aeo = s("NO");
    h.owner_scc = s("91210106MA0P3Q9W5K");
    h.owner_name = s("沈阳精工装备制造有限公司");
    h.agent_scc = s("91210231MA10XB2P32");
    h.agent_code = s("2102980567");
    h.agent_name = s("大连港通报关有限公司");
    h.transport_mode = s("2");
    h.conveyance_name = s("SITC DALIAN");
    h.voyage_no = s("2611N");
    h.bill_no = s("SITDLOSA261103");
    h.trade_mode = s("0110");
    h.levy_kind = s("101");
    h.trade_country = s("JPN");
    h.trading_country = s("JPN");
    h.destination_port = s("JPN000");
    h.departure_port = s("JPN000");
    h.entry_exit_port = s("210200");
    h.terms_of_sale = s("3");
    h.freight = Charge {
        mark: s("3"),
        value: s("850"),
        currency: s("USD"),
    };
    h.insurance = Charge {
        mark: s("1"),
        value: s("0.3"),
        currency: s(""),
    };
    h.packages = s("2");
    h.package_kind = s("23");
    h.gross_weight = s("5230");
    h.net_weight = s("4800");
    h.marks = s("OMT/DL-IMP-2026-031 C/NO.1-2");
    h.goods_place = s("大连港大窑湾集装箱码头");
    h.entry_type = s("M");
    h.document_type = s("SW0");
    h.price_declarations = s("00000");
    d.lines = vec![GoodsLine {
        commodity_code: s("8457101000"),
        name: s("立式加工中心"),
        elements: s("0|3|加工金属用|立式|OKUMA|MB-46VAE"),
        quantity: s("2"),
        unit: s("001"),
        first_quantity: s("2"),
        first_unit: s("001"),
        second_quantity: s("4800"),
        second_unit: s("035"),
        unit_price: s("86500.00"),
        total_price: s("173000.00"),
        currency: s("USD"),
        origin_country: s("JPN"),
        destination_country: s("CHN"),
        district_code: s("21019"),
        duty_mode: s("1"),
        ..Default::default()
    }];
    d.containers = vec![Container {
        number: s("MSKU9070323"),
        size_type: s("45G1"),
        line_refs: s("1"),
        part_load: false,
        weight: s("3900"),
    }];
    d.documents = vec![AttachedDocument {
        code: s("Y"),
        cert_no: s("RCEP-JP-2026-001234"),
    }];
    d.edocs = vec![
        ElectronicAttachment {
            code: s("00000001"),
            file_name: s("invoice.pdf"),
            size: s("95012"),
        },
        ElectronicAttachment {
            code: s("00000003"),
            file_name: s("bill-of-lading.pdf"),
            size: s("120331"),
        },
    ];
    d
}

fn declare(d: &Declaration) -> Vec<Problem> {
    validate_declaration(d, Purpose::Declare, lists())
}

fn draft(d: &Declaration) -> Vec<Problem> {
    validate_declaration(d, Purpose::Draft, lists())
}

fn has(problems: &[Problem], rule: &str, field: &str) -> bool {
    problems.iter().any(|p| p.rule == rule && p.field == field)
}

fn errors(problems: &[Problem]) -> Vec<&Problem> {
    problems.iter().filter(|p| p.is_error()).collect()
}

#[track_caller]
fn assert_clean(problems: &[Problem]) {
    assert!(
        problems.is_empty(),
        "expected no problems, got {problems:#?}"
    );
}

#[track_caller]
fn assert_has(problems: &[Problem], rule: &str, field: &str) {
    assert!(
        has(problems, rule, field),
        "expected {rule} on {field}, got {problems:#?}"
    );
}

#[test]
fn valid_samples_have_no_problems() {
    assert_clean(&declare(&sample_valid_export()));
    assert_clean(&declare(&sample_valid_import()));
    assert_clean(&draft(&sample_valid_export()));
    assert_clean(&draft(&sample_valid_import()));
}

#[derive(Clone, Copy)]
enum Base {
    Export,
    Import,
}

/// One failing case: mutate a valid sample, expect `rule` on `field`.
struct Case {
    base: Base,
    mutate: fn(&mut Declaration),
    rule: &'static str,
    field: &'static str,
    severity: Severity,
}

const fn case(
    base: Base,
    mutate: fn(&mut Declaration),
    rule: &'static str,
    field: &'static str,
) -> Case {
    Case {
        base,
        mutate,
        rule,
        field,
        severity: Severity::Error,
    }
}

fn failing_cases() -> Vec<Case> {
    use Base::*;
    vec![
        // DEC-REQ
        case(
            Export,
            |d| d.head.trade_name.clear(),
            rule::REQ,
            "head.trade_name",
        ),
        case(
            Export,
            |d| d.head.agent_scc = s("  "),
            rule::REQ,
            "head.agent_scc",
        ),
        case(
            Import,
            |d| d.head.goods_place.clear(),
            rule::REQ,
            "head.goods_place",
        ),
        case(
            Export,
            |d| d.lines[1].duty_mode.clear(),
            rule::REQ,
            "lines[1].duty_mode",
        ),
        case(Export, |d| d.lines.clear(), rule::REQ, "lines"),
        case(
            Export,
            |d| d.containers[0].size_type.clear(),
            rule::REQ,
            "containers[0].size_type",
        ),
        case(
            Import,
            |d| d.documents[0].cert_no.clear(),
            rule::REQ,
            "documents[0].cert_no",
        ),
        case(
            Export,
            |d| d.lines[0].second_unit = s("035"),
            rule::REQ,
            "lines[0].second_quantity",
        ),
        case(
            Import,
            |d| {
                d.head.owner_scc.clear();
                d.head.owner_code.clear();
            },
            rule::REQ,
            "head.owner_scc",
        ),
        // DEC-FMT
        case(
            Export,
            |d| d.head.declaring_customs = s("09OO"),
            rule::FMT,
            "head.declaring_customs",
        ),
        case(
            Export,
            |d| d.head.ie_date = s("20260230"),
            rule::FMT,
            "head.ie_date",
        ),
        case(
            Export,
            |d| d.head.ie_date = s("2026-11-05"),
            rule::FMT,
            "head.ie_date",
        ),
        case(
            Export,
            |d| d.head.record_no = s("C0900"),
            rule::FMT,
            "head.record_no",
        ),
        case(
            Export,
            |d| d.head.licence_no = s("21AB123456"),
            rule::FMT,
            "head.licence_no",
        ),
        case(
            Export,
            |d| d.head.trade_code = s("210293000"),
            rule::FMT,
            "head.trade_code",
        ),
        case(
            Export,
            |d| d.head.owner_code = s("ABC"),
            rule::FMT,
            "head.owner_code",
        ),
        case(
            Export,
            |d| d.head.trade_scc = s("91210200MA0QC4L18"),
            rule::FMT,
            "head.trade_scc",
        ),
        case(
            Export,
            |d| d.head.trade_scc = s("91210200ma0qc4l18m"),
            rule::FMT,
            "head.trade_scc",
        ),
        case(
            Export,
            |d| d.head.trade_scc = s("91210200MA0QC4L1OM"),
            rule::FMT,
            "head.trade_scc",
        ),
        case(
            Export,
            |d| d.head.gross_weight = s("47800.123456"),
            rule::FMT,
            "head.gross_weight",
        ),
        case(
            Export,
            |d| d.head.gross_weight = s("0.5"),
            rule::FMT,
            "head.gross_weight",
        ),
        case(
            Export,
            |d| d.head.freight.value = s("1,800"),
            rule::FMT,
            "head.freight.value",
        ),
        case(
            Export,
            |d| d.head.freight.value = s("1234567890123"),
            rule::FMT,
            "head.freight.value",
        ),
        case(
            Export,
            |d| d.head.freight.mark = s("4"),
            rule::FMT,
            "head.freight.mark",
        ),
        case(
            Import,
            |d| d.head.insurance.mark = s("2"),
            rule::FMT,
            "head.insurance.mark",
        ),
        case(
            Export,
            |d| d.head.packages = s("0"),
            rule::FMT,
            "head.packages",
        ),
        case(
            Export,
            |d| d.head.packages = s("8.5"),
            rule::FMT,
            "head.packages",
        ),
        case(
            Export,
            |d| d.head.entry_type = s("X"),
            rule::FMT,
            "head.entry_type",
        ),
        case(
            Export,
            |d| d.head.document_type = s("  5"),
            rule::FMT,
            "head.document_type",
        ),
        case(
            Export,
            |d| d.head.document_type = s("XX0"),
            rule::FMT,
            "head.document_type",
        ),
        case(
            Export,
            |d| d.head.document_type = s("SW0ABCD"),
            rule::FMT,
            "head.document_type",
        ),
        case(
            Export,
            |d| d.head.price_declarations = s("012"),
            rule::FMT,
            "head.price_declarations",
        ),
        case(
            Export,
            |d| d.head.destination_port = s("JPN00"),
            rule::FMT,
            "head.destination_port",
        ),
        case(
            Export,
            |d| d.head.trade_country = s("jpn"),
            rule::FMT,
            "head.trade_country",
        ),
        case(
            Export,
            |d| d.head.trade_mode = s("110"),
            rule::FMT,
            "head.trade_mode",
        ),
        case(
            Export,
            |d| d.head.contract_no = "X".repeat(33),
            rule::FMT,
            "head.contract_no",
        ),
        case(
            Export,
            |d| d.client_seq_no = s("PD123"),
            rule::FMT,
            "client_seq_no",
        ),
        case(
            Export,
            |d| d.filing_mode = FilingMode::TwoStepSummary,
            rule::FMT,
            "filing_mode",
        ),
        case(
            Export,
            |d| d.lines[0].commodity_code = s("720839000"),
            rule::FMT,
            "lines[0].commodity_code",
        ),
        case(
            Export,
            |d| d.lines[0].commodity_code = s("720839"),
            rule::FMT,
            "lines[0].commodity_code",
        ),
        case(
            Export,
            |d| d.lines[0].quantity = s("0"),
            rule::FMT,
            "lines[0].quantity",
        ),
        case(
            Export,
            |d| d.lines[0].quantity = s("25.5t"),
            rule::FMT,
            "lines[0].quantity",
        ),
        case(
            Export,
            |d| d.lines[0].unit_price = s("650.12345"),
            rule::FMT,
            "lines[0].unit_price",
        ),
        case(
            Export,
            |d| d.lines[0].total_price = s("16575.001"),
            rule::FMT,
            "lines[0].total_price",
        ),
        case(
            Export,
            |d| d.lines[0].elements = s("5|0|热轧"),
            rule::ELEM_CODE,
            "lines[0].elements",
        ),
        case(
            Export,
            |d| d.lines[0].elements = s("0|7|热轧"),
            rule::ELEM_CODE,
            "lines[0].elements",
        ),
        case(
            Export,
            |d| d.containers[0].number = s("tghu1234567"),
            rule::FMT,
            "containers[0].number",
        ),
        case(
            Export,
            |d| d.containers[0].number = s("TGHU123456"),
            rule::FMT,
            "containers[0].number",
        ),
        case(
            Export,
            |d| d.containers[0].line_refs = s("1,3"),
            rule::FMT,
            "containers[0].line_refs",
        ),
        case(
            Export,
            |d| d.containers[0].size_type = s("22G"),
            rule::FMT,
            "containers[0].size_type",
        ),
        case(
            Export,
            |d| d.edocs[0].code = s("1"),
            rule::FMT,
            "edocs[0].code",
        ),
        // DEC-CODE
        case(
            Export,
            |d| d.head.declaring_customs = s("0100"),
            rule::CODE,
            "head.declaring_customs",
        ),
        case(
            Export,
            |d| d.head.transport_mode = s("Q"),
            rule::CODE,
            "head.transport_mode",
        ),
        case(
            Export,
            |d| d.head.trade_mode = s("0111"),
            rule::CODE,
            "head.trade_mode",
        ),
        case(
            Import,
            |d| d.head.levy_kind = s("102"),
            rule::CODE,
            "head.levy_kind",
        ),
        case(
            Export,
            |d| d.head.trading_country = s("XYZ"),
            rule::CODE,
            "head.trading_country",
        ),
        case(
            Export,
            |d| d.head.destination_port = s("XYZ000"),
            rule::CODE,
            "head.destination_port",
        ),
        case(
            Export,
            |d| d.head.departure_port = s("999999"),
            rule::CODE,
            "head.departure_port",
        ),
        case(
            Export,
            |d| d.head.terms_of_sale = s("8"),
            rule::CODE,
            "head.terms_of_sale",
        ),
        case(
            Export,
            |d| d.head.freight.currency = s("ABC"),
            rule::CODE,
            "head.freight.currency",
        ),
        case(
            Export,
            |d| d.head.package_kind = s("98"),
            rule::CODE,
            "head.package_kind",
        ),
        case(
            Export,
            |d| d.lines[0].unit = s("999"),
            rule::CODE,
            "lines[0].unit",
        ),
        case(
            Export,
            |d| d.lines[0].first_unit = s("034"),
            rule::CODE,
            "lines[0].first_unit",
        ),
        case(
            Export,
            |d| d.lines[1].currency = s("XXX"),
            rule::CODE,
            "lines[1].currency",
        ),
        case(
            Export,
            |d| d.lines[1].origin_country = s("ZZZ"),
            rule::CODE,
            "lines[1].origin_country",
        ),
        case(
            Export,
            |d| d.lines[1].district_code = s("99999"),
            rule::CODE,
            "lines[1].district_code",
        ),
        case(
            Export,
            |d| d.lines[1].duty_mode = s("0"),
            rule::CODE,
            "lines[1].duty_mode",
        ),
        case(
            Import,
            |d| d.documents[0].code = s("Q"),
            rule::CODE,
            "documents[0].code",
        ),
        // DEC-SCC / DEC-CNTR
        case(
            Export,
            |d| d.head.trade_scc = s("91210200MA0QC4L18N"),
            rule::SCC,
            "head.trade_scc",
        ),
        case(
            Import,
            |d| d.head.owner_scc = s("91210106MA0P3Q9W6K"),
            rule::SCC,
            "head.owner_scc",
        ),
        case(
            Export,
            |d| d.head.agent_scc = s("91210231MA10XB2P33"),
            rule::SCC,
            "head.agent_scc",
        ),
        case(
            Export,
            |d| d.containers[1].number = s("CBHU8123452"),
            rule::CNTR,
            "containers[1].number",
        ),
        // DEC-X01 .. DEC-X10
        case(
            Export,
            |d| d.head.net_weight = s("47800.5"),
            rule::X01,
            "head.net_weight",
        ),
        case(
            Export,
            |d| d.head.package_kind = s("00"),
            rule::X02,
            "head.packages",
        ),
        case(
            Import,
            |d| d.head.freight = Charge::default(),
            rule::X03,
            "head.freight.value",
        ),
        case(
            Import,
            |d| d.head.insurance = Charge::default(),
            rule::X03,
            "head.insurance.value",
        ),
        case(
            Export,
            |d| d.head.freight = Charge::default(),
            rule::X03,
            "head.freight.value",
        ),
        case(
            Export,
            |d| d.head.freight.currency.clear(),
            rule::X03,
            "head.freight.currency",
        ),
        case(
            Export,
            |d| d.head.freight.mark.clear(),
            rule::X03,
            "head.freight.mark",
        ),
        case(
            Export,
            |d| d.head.other_charges.mark = s("1"),
            rule::X03,
            "head.other_charges.value",
        ),
        case(
            Export,
            |d| d.head.voyage_no.clear(),
            rule::X04,
            "head.voyage_no",
        ),
        case(
            Import,
            |d| d.head.bill_no.clear(),
            rule::X04,
            "head.bill_no",
        ),
        case(
            Export,
            |d| d.lines[1].destination_country = s("KOR"),
            rule::X05,
            "lines[1].destination_country",
        ),
        case(
            Export,
            |d| d.head.destination_port = s("KOR000"),
            rule::X05,
            "head.destination_port",
        ),
        case(
            Export,
            |d| d.head.trade_mode = s("0654"),
            rule::X05,
            "head.trade_country",
        ),
        case(
            Export,
            |d| d.head.trade_mode = s("1427"),
            rule::X05,
            "lines[0].destination_country",
        ),
        case(
            Import,
            |d| d.lines[0].duty_mode = s("3"),
            rule::X06,
            "lines[0].duty_mode",
        ),
        case(
            Import,
            |d| {
                d.head.trade_mode = s("0214");
                d.head.levy_kind = s("101");
            },
            rule::X06,
            "head.levy_kind",
        ),
        case(
            Import,
            |d| {
                d.head.trade_mode = s("0615");
                d.head.levy_kind = s("503");
            },
            rule::X06,
            "lines[0].duty_mode",
        ),
        case(
            Export,
            |d| d.lines[1].total_price = s("17233.45"),
            rule::X08,
            "lines[1].total_price",
        ),
        case(
            Export,
            |d| {
                let line = d.lines[0].clone();
                d.lines = vec![line; 51];
            },
            rule::X08,
            "lines",
        ),
        case(
            Import,
            |d| d.edocs.truncate(1),
            rule::X09,
            "documents[0].code",
        ),
        case(Import, |d| d.edocs.clear(), rule::X09, "documents[0].code"),
        case(
            Export,
            |d| d.head.trade_name = s("大连北方钢材\u{7}进出口有限公司"),
            rule::X10,
            "head.trade_name",
        ),
        case(
            Export,
            |d| d.lines[0].name = s("热轧卷板\n"),
            rule::X10,
            "lines[0].name",
        ),
        case(
            Export,
            |d| d.head.overseas_name = s("HANSHIN STEEL TRADING CO.，LTD."),
            rule::X10,
            "head.overseas_name",
        ),
        case(
            Export,
            |d| d.head.overseas_address = s("大阪市北区梅田2-4-1"),
            rule::X10,
            "head.overseas_address",
        ),
    ]
}

#[test]
fn every_rule_fails_on_its_case() {
    let mut covered = BTreeSet::new();
    for (i, c) in failing_cases().iter().enumerate() {
        let mut d = match c.base {
            Base::Export => sample_valid_export(),
            Base::Import => sample_valid_import(),
        };
        (c.mutate)(&mut d);
        let problems = declare(&d);
        let hit = problems
            .iter()
            .find(|p| p.rule == c.rule && p.field == c.field);
        let Some(hit) = hit else {
            panic!(
                "case {i}: expected {} on {}, got {problems:#?}",
                c.rule, c.field
            );
        };
        assert_eq!(hit.severity, c.severity, "case {i}: severity of {}", c.rule);
        assert!(!hit.message_zh.is_empty() && !hit.message_en.is_empty());
        covered.insert(c.rule);
    }
    // X07 and ELEM-REQ are warnings and have their own tests.
    covered.insert(rule::X07);
    covered.insert(rule::ELEM_REQ);
    let all: BTreeSet<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(covered, all, "every rule has a failing case");
}

#[test]
fn one_mistake_gives_one_problem() {
    // A format error is not repeated as a code or cross-field error.
    let mut d = sample_valid_export();
    d.head.trade_mode = s("0111");
    assert_eq!(declare(&d).len(), 1);
    let mut d = sample_valid_export();
    d.containers[0].number = s("TGHU1234568");
    let p = declare(&d);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].rule, rule::CNTR);
    assert!(p[0].message_en.contains("TGHU1234568"));
}

#[test]
fn code_messages_name_field_and_code() {
    let mut d = sample_valid_export();
    d.lines[0].unit = s("999");
    let p = declare(&d);
    assert_eq!(p.len(), 1);
    assert!(
        p[0].message_zh.contains("999") && p[0].message_zh.contains("第1项成交计量单位"),
        "{p:?}"
    );
    assert!(
        p[0].message_en.contains("999") && p[0].message_en.contains("line 1 unit traded"),
        "{p:?}"
    );
}

#[test]
fn draft_with_only_ie_flag_reports_only_the_draft_fields() {
    let d = Declaration::new(String::new(), IeFlag::I);
    let p = draft(&d);
    let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "head.declaring_customs",
            "head.agent_scc",
            "head.agent_code",
            "head.agent_name",
            "head.trading_country",
            "head.price_declarations",
        ]
    );
    assert!(p.iter().all(|p| p.rule == rule::REQ && p.is_error()));
}

#[test]
fn draft_and_declare_require_different_fields() {
    let mut d = Declaration::new(s("PD06H1RX30KSSW337D"), IeFlag::E);
    d.lines.push(GoodsLine::default());
    let draft_req: BTreeSet<String> = draft(&d)
        .into_iter()
        .filter(|p| p.rule == rule::REQ)
        .map(|p| p.field)
        .collect();
    let declare_req: BTreeSet<String> = declare(&d)
        .into_iter()
        .filter(|p| p.rule == rule::REQ)
        .map(|p| p.field)
        .collect();
    assert!(draft_req.contains("lines[0].commodity_code"));
    assert!(!draft_req.contains("head.trade_scc"));
    assert!(!draft_req.contains("lines[0].name"));
    assert!(declare_req.contains("head.trade_scc"));
    assert!(declare_req.contains("lines[0].name"));
    assert!(declare_req.contains("head.gross_weight"));
    assert!(draft_req.is_subset(&declare_req));
    // Goods location is an import field.
    assert!(!declare_req.contains("head.goods_place"));
}

#[test]
fn drafts_check_filled_formats_but_not_consistency() {
    let mut d = sample_valid_export();
    d.head.net_weight = s("99999"); // > gross: X01, not a draft concern
    d.head.trade_name.clear(); // S only
    d.lines[0].total_price = s("1.00"); // X08 total
    d.head.ie_date = s("20261340"); // format: reported in drafts too
    d.head.trade_scc = s("91210200MA0QC4L18N"); // checksum: too
    d.lines[0].name = s("热轧\t卷板"); // text hygiene: too
    let p = draft(&d);
    let got: Vec<(&str, &str)> = p
        .iter()
        .map(|p| (p.rule.as_str(), p.field.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (rule::FMT, "head.ie_date"),
            (rule::SCC, "head.trade_scc"),
            (rule::X10, "lines[0].name"),
        ]
    );
    // A draft over 50 lines is already wrong.
    let mut d = sample_valid_export();
    d.lines = vec![d.lines[0].clone(); 51];
    assert_has(&draft(&d), rule::X08, "lines");
}

/// A two-step summary (概要申报) of an import: only the summary fields.
fn sample_summary() -> Declaration {
    let full = sample_valid_import();
    let mut d = Declaration::new(full.client_seq_no.clone(), IeFlag::I);
    d.filing_mode = FilingMode::TwoStepSummary;
    let (h, f) = (&mut d.head, &full.head);
    h.declaring_customs = f.declaring_customs.clone();
    h.ie_port = f.ie_port.clone();
    h.trade_scc = f.trade_scc.clone();
    h.trade_code = f.trade_code.clone();
    h.trade_name = f.trade_name.clone();
    h.agent_scc = f.agent_scc.clone();
    h.agent_code = f.agent_code.clone();
    h.agent_name = f.agent_name.clone();
    h.transport_mode = f.transport_mode.clone();
    h.conveyance_name = f.conveyance_name.clone();
    h.voyage_no = f.voyage_no.clone();
    h.bill_no = f.bill_no.clone();
    h.trade_mode = f.trade_mode.clone();
    h.gross_weight = f.gross_weight.clone();
    h.document_type = s("SW5");
    let l = &full.lines[0];
    d.lines = vec![GoodsLine {
        commodity_code: s("845710"),
        name: l.name.clone(),
        quantity: l.quantity.clone(),
        unit: l.unit.clone(),
        total_price: l.total_price.clone(),
        currency: l.currency.clone(),
        origin_country: l.origin_country.clone(),
        ..GoodsLine::default()
    }];
    d.containers = vec![Container {
        number: s("MSKU9070323"),
        ..Container::default()
    }];
    d
}

#[test]
fn two_step_summary_needs_only_the_summary_fields() {
    let d = sample_summary();
    assert_clean(&declare(&d));
    // The summary's own requirements hold.
    let mut d2 = sample_summary();
    d2.head.voyage_no.clear();
    d2.lines[0].origin_country.clear();
    d2.containers[0].number.clear();
    let p = declare(&d2);
    assert_has(&p, rule::REQ, "head.voyage_no");
    assert_has(&p, rule::REQ, "lines[0].origin_country");
    assert_has(&p, rule::REQ, "containers[0].number");
    assert!(!has(&p, rule::X04, "head.voyage_no"), "not reported twice");
    // A full 10-digit code is accepted too (inspection goods).
    let mut d3 = sample_summary();
    d3.lines[0].commodity_code = s("8457101000");
    assert_clean(&declare(&d3));
    // The same declaration as one-step lacks most of the S column.
    let mut d4 = sample_summary();
    d4.filing_mode = FilingMode::OneStep;
    d4.head.document_type = s("SW0");
    let p = declare(&d4);
    assert_has(&p, rule::FMT, "lines[0].commodity_code");
    assert_has(&p, rule::REQ, "head.terms_of_sale");
    assert_has(&p, rule::REQ, "lines[0].district_code");
    // Complete declaration: position 3 is 6.
    let mut d5 = sample_valid_import();
    d5.filing_mode = FilingMode::TwoStepComplete;
    assert_has(&declare(&d5), rule::FMT, "head.document_type");
    d5.head.document_type = s("SW6");
    assert_clean(&declare(&d5));
}

#[test]
fn ports_accept_country_prefix_or_listed_codes() {
    for port in ["JPN000", "JPN017", "USALAX", "HKG000", "210200"] {
        let mut d = sample_valid_import();
        d.head.departure_port = s(port);
        assert_clean(&declare(&d));
    }
}

#[test]
fn licence_numbers() {
    use super::fields::is_licence_no;
    assert!(is_licence_no("21-AB-123456"));
    assert!(is_licence_no("21-ab-1"));
    assert!(is_licence_no("21-AB-12345678901234"));
    assert!(!is_licence_no("21-AB-123456789012345"));
    assert!(!is_licence_no("21-AB-"));
    assert!(!is_licence_no("2-AB-1"));
    assert!(!is_licence_no("21-AB-12_3"));
    let mut d = sample_valid_export();
    d.head.licence_no = s("21-AB-123456");
    assert_clean(&declare(&d));
}

#[test]
fn x03_terms_of_sale_table() {
    // (flag, terms, freight needed, insurance needed)
    let table = [
        (IeFlag::I, "1", false, false),
        (IeFlag::I, "2", false, true),
        (IeFlag::I, "3", true, true),
        (IeFlag::I, "4", true, false),
        (IeFlag::I, "7", true, true),
        (IeFlag::E, "1", true, true),
        (IeFlag::E, "2", true, false),
        (IeFlag::E, "3", false, false),
        (IeFlag::E, "4", false, true),
    ];
    for (flag, terms, freight, insurance) in table {
        let mut d = match flag {
            IeFlag::I => sample_valid_import(),
            IeFlag::E => sample_valid_export(),
        };
        d.head.terms_of_sale = s(terms);
        d.head.freight = Charge::default();
        d.head.insurance = Charge::default();
        let p = declare(&d);
        assert_eq!(
            has(&p, rule::X03, "head.freight.value"),
            freight,
            "{flag:?} {terms} freight"
        );
        assert_eq!(
            has(&p, rule::X03, "head.insurance.value"),
            insurance,
            "{flag:?} {terms} insurance"
        );
    }
}

#[test]
fn x05_applies_to_exports_only() {
    let mut d = sample_valid_import();
    d.lines[0].destination_country = s("KOR");
    assert!(!declare(&d).iter().any(|p| p.rule == rule::X05));
    // Deep processing transfer: everything goes to CHN, domestic port.
    let mut d = sample_valid_export();
    d.head.trade_mode = s("0654");
    d.head.trade_country = s("CHN");
    d.head.trading_country = s("CHN");
    d.head.destination_port = s("210800");
    for l in &mut d.lines {
        l.destination_country = s("CHN");
    }
    assert_clean(&declare(&d));
}

#[test]
fn x06_defaults_and_duty_modes() {
    assert_eq!(default_levy_kind(IeFlag::I, "0214"), Some("502"));
    assert_eq!(default_levy_kind(IeFlag::E, "0214"), Some("502"));
    assert_eq!(default_levy_kind(IeFlag::I, "0615"), Some("503"));
    assert_eq!(default_levy_kind(IeFlag::I, "2025"), Some("789"));
    assert_eq!(default_levy_kind(IeFlag::I, "2225"), Some("789"));
    assert_eq!(default_levy_kind(IeFlag::E, "2225"), None);
    assert_eq!(default_levy_kind(IeFlag::I, "0320"), Some("501"));
    assert_eq!(default_levy_kind(IeFlag::E, "3100"), Some("299"));
    assert_eq!(default_levy_kind(IeFlag::I, "3100"), None);
    assert_eq!(default_levy_kind(IeFlag::I, "0110"), None);
    assert_eq!(expected_duty_mode(IeFlag::I, "0110", "101"), Some("1"));
    for lk in ["401", "789", "799"] {
        assert_eq!(expected_duty_mode(IeFlag::I, "0110", lk), Some("3"));
    }
    assert_eq!(expected_duty_mode(IeFlag::E, "0214", "502"), Some("3"));
    assert_eq!(expected_duty_mode(IeFlag::I, "0615", "503"), Some("3"));
    assert_eq!(expected_duty_mode(IeFlag::E, "0110", "101"), None);
    // Import 0110 + 789 with full exemption is consistent.
    let mut d = sample_valid_import();
    d.head.levy_kind = s("789");
    d.lines[0].duty_mode = s("3");
    assert_clean(&declare(&d));
}

#[test]
fn x07_net_weight_sum_is_a_warning() {
    let mut d = sample_valid_export();
    d.lines[1].first_quantity = s("22000");
    let p = declare(&d);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(
        (p[0].rule.as_str(), p[0].field.as_str()),
        (rule::X07, "head.net_weight")
    );
    assert_eq!(p[0].severity, Severity::Warning);
    assert!(errors(&p).is_empty(), "a warning does not block declaring");
    // Not checked when a line has no quantity in a unit of mass.
    d.lines[1].first_unit = s("007");
    assert_clean(&declare(&d));
    // Grams and tonnes convert.
    let mut d = sample_valid_export();
    d.lines[0].first_unit = s("036");
    d.lines[0].first_quantity = s("25500000");
    assert_clean(&declare(&d));
}

#[test]
fn x08_rounds_half_away_from_zero() {
    let mut d = sample_valid_export();
    d.lines[0].quantity = s("1");
    d.lines[0].unit_price = s("0.125");
    d.lines[0].total_price = s("0.13");
    d.lines[0].first_quantity = s("1000");
    d.lines[1].first_quantity = s("46580");
    assert_clean(&declare(&d));
    d.lines[0].total_price = s("0.12");
    assert_has(&declare(&d), rule::X08, "lines[0].total_price");
    // 50 lines are fine.
    let mut d = sample_valid_export();
    d.lines = vec![d.lines[0].clone(); MAX_LINES];
    d.head.net_weight = s("1275000");
    d.head.gross_weight = s("1280000");
    d.containers.truncate(1);
    assert_clean(&declare(&d));
}

#[test]
fn x10_whitespace_is_a_warning_and_document_type_blanks_are_fine() {
    let mut d = sample_valid_export();
    d.head.trade_name = s(" 大连北方钢材进出口有限公司 ");
    let p = declare(&d);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].rule, rule::X10);
    assert_eq!(p[0].severity, Severity::Warning);
    // The sample's document type starts with blanks and is clean.
    assert!(sample_valid_export().head.document_type.starts_with(' '));
    // Chinese is fine in Chinese fields.
    assert!(!declare(&sample_valid_export())
        .iter()
        .any(|p| p.rule == rule::X10));
}

#[test]
fn problems_are_ordered_by_field_position() {
    let mut d = sample_valid_export();
    d.edocs[0].code = s("1");
    d.documents.push(AttachedDocument {
        code: s("Q"),
        cert_no: s("X"),
    });
    d.containers[1].number = s("CBHU8123452");
    d.lines[1].currency = s("XXX");
    d.lines[0].duty_mode = s("0");
    d.lines[0].commodity_code = s("1");
    d.head.remarks = s(" x");
    d.head.net_weight = s("99999");
    d.head.freight.currency = s("ABC");
    d.head.declaring_customs = s("0100");
    d.client_seq_no = s("x");
    let p = declare(&d);
    let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "client_seq_no",
            "head.declaring_customs",
            "head.freight.currency",
            "head.net_weight",
            "head.net_weight",
            "head.remarks",
            "lines[0].commodity_code",
            "lines[0].duty_mode",
            "lines[1].currency",
            "containers[1].number",
            "documents[0].code",
            "edocs[0].code",
        ]
    );
    // Within one field, rule order: X01 (error) before X07 (warning).
    assert_eq!(
        (p[3].rule.as_str(), p[4].rule.as_str()),
        (rule::X01, rule::X07)
    );
    assert_eq!(p, declare(&d), "deterministic");
}

#[test]
fn rule_catalogue_is_consistent() {
    let ids: BTreeSet<&str> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), RULES.len());
    assert_eq!(ids.len(), 17);
    assert_eq!(
        RULES
            .iter()
            .filter(|r| r.severity == Severity::Warning)
            .count(),
        2
    );
}
