//! Hand-worked estimates: each test writes its arithmetic beside the
//! figures, with a small rate file of its own (rates are test inputs, not
//! tariff facts).

use super::*;
use crate::{AttachedDocument, GoodsLine};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn entry(code: &str, mfn: Option<&str>) -> TariffEntry {
    TariffEntry {
        code: code.into(),
        mfn_rate: mfn.map(Into::into),
        assumed: true,
        ..Default::default()
    }
}

fn tariff(entries: Vec<TariffEntry>) -> TariffRates {
    TariffRates {
        version_date: "2026-12-01".into(),
        source: "test".into(),
        default_vat_rate: "13".into(),
        entries,
    }
}

fn fx() -> ExchangeRates {
    ExchangeRates {
        version_date: "2026-12-01".into(),
        source: "test".into(),
        months: vec![
            MonthRates {
                month: "2026-12".into(),
                assumed: true,
                rates: [("USD", "7"), ("EUR", "8")]
                    .iter()
                    .map(|(c, r)| (c.to_string(), r.to_string()))
                    .collect(),
            },
            MonthRates {
                month: "2026-11".into(),
                assumed: true,
                rates: [("USD".to_string(), "7.1".to_string())].into(),
            },
        ],
    }
}

fn line(code: &str, total: &str, cur: &str) -> GoodsLine {
    GoodsLine {
        commodity_code: code.into(),
        total_price: total.into(),
        currency: cur.into(),
        origin_country: "USA".into(),
        ..Default::default()
    }
}

fn decl(ie: IeFlag, terms: &str, lines: Vec<GoodsLine>) -> Declaration {
    let mut x = Declaration::new("PD1".into(), ie);
    x.head.terms_of_sale = terms.into();
    x.lines = lines;
    x
}

fn charge(mark: &str, value: &str, cur: &str) -> Charge {
    Charge {
        mark: mark.into(),
        value: value.into(),
        currency: cur.into(),
    }
}

#[test]
fn cif_import_is_value_times_rate_then_vat_on_value_plus_duty() {
    let t = tariff(vec![entry("8471300000", Some("5"))]);
    let x = decl(IeFlag::I, "1", vec![line("8471300000", "1000.00", "USD")]);
    // November: USD 7.1. value = 1000 × 7.1 = 7100.00; CIF adds nothing.
    // duty = 7100.00 × 5 % = 355.00; VAT = (7100 + 355) × 13 % = 969.15.
    let e = estimate(&x, &t, &fx(), None, "2026-11");
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    let l = &e.lines[0];
    assert_eq!(l.exchange_rate, d("7.1"));
    assert_eq!(l.value_cny, d("7100.00"));
    assert_eq!(l.customs_value, d("7100.00"));
    assert_eq!(l.duty, d("355.00"));
    assert_eq!(l.vat, d("969.15"));
    assert_eq!(l.rate_source, RateSource::Mfn);
    assert_eq!(e.total_payable, d("1324.15"));
    assert!(e.assumed);
}

fn fob_two_lines(freight: Charge, insurance: Charge) -> DutyEstimate {
    let t = tariff(vec![
        entry("8457101000", Some("10")),
        entry("8471300000", Some("0")),
    ]);
    let mut x = decl(
        IeFlag::I,
        "3",
        vec![
            line("8457101000", "600.00", "USD"),
            line("8471300000", "400.00", "USD"),
        ],
    );
    x.head.freight = freight;
    x.head.insurance = insurance;
    x.head.gross_weight = "2000".into();
    estimate(&x, &t, &fx(), None, "2026-12")
}

#[test]
fn fob_import_adds_freight_total_and_insurance_rate_apportioned_by_value() {
    // values: 600 × 7 = 4200.00, 400 × 7 = 2800.00, goods 7000.00.
    // freight mark 3: 100 USD × 7 = 700.00 → 420.00 / 280.00 (by value).
    // insurance mark 1: 0.3 % of (7000 + 700) = 23.10 → 13.86 / 9.24.
    // line 1: CV 4200 + 420 + 13.86 = 4633.86; duty 10 % = 463.386 → 463.39;
    //         VAT (4633.86 + 463.39) × 13 % = 662.6425 → 662.64.
    // line 2: CV 2800 + 280 + 9.24 = 3089.24; duty 0; VAT 401.6012 → 401.60.
    let e = fob_two_lines(charge("3", "100", "USD"), charge("1", "0.3", ""));
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    assert_eq!(e.lines[0].customs_value, d("4633.86"));
    assert_eq!(e.lines[0].duty, d("463.39"));
    assert_eq!(e.lines[0].vat, d("662.64"));
    assert_eq!(e.lines[1].customs_value, d("3089.24"));
    assert_eq!(e.lines[1].duty, d("0.00"));
    assert_eq!(e.lines[1].vat, d("401.60"));
    // CV total = 7000 + 700 + 23.10 exactly.
    assert_eq!(e.total_customs_value, d("7723.10"));
    assert_eq!(e.total_payable, d("463.39") + d("662.64") + d("401.60"));
}

#[test]
fn fob_import_freight_per_ton_gives_the_same_as_the_equal_total() {
    // freight mark 2: 50 USD per ton × 2000 kg / 1000 × 7 = 700.00, the
    // same as the 100 USD total above, so every figure is the same.
    let per_ton = fob_two_lines(charge("2", "50", "USD"), charge("1", "0.3", ""));
    let total = fob_two_lines(charge("3", "100", "USD"), charge("1", "0.3", ""));
    assert!(per_ton.problems.is_empty(), "{:?}", per_ton.problems);
    assert_eq!(per_ton.lines, total.lines);
}

#[test]
fn fob_import_freight_rate_and_foreign_insurance_total() {
    // freight mark 1: 5 % of 7000 = 350.00 → 210.00 / 140.00.
    // insurance mark 3: 10 EUR × 8 = 80.00 → 48.00 / 32.00.
    // line 1: CV 4200 + 210 + 48 = 4458.00; duty 445.80;
    //         VAT (4458 + 445.80) × 13 % = 637.494 → 637.49.
    // line 2: CV 2800 + 140 + 32 = 2972.00; VAT 386.36.
    let e = fob_two_lines(charge("1", "5", ""), charge("3", "10", "EUR"));
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    assert_eq!(e.lines[0].customs_value, d("4458.00"));
    assert_eq!(e.lines[0].duty, d("445.80"));
    assert_eq!(e.lines[0].vat, d("637.49"));
    assert_eq!(e.lines[1].customs_value, d("2972.00"));
    assert_eq!(e.lines[1].vat, d("386.36"));
}

#[test]
fn insurance_by_unit_price_is_refused_by_name() {
    let e = fob_two_lines(charge("3", "100", "USD"), charge("2", "1", "USD"));
    assert!(e
        .problems
        .iter()
        .any(|p| p.rule == rule::BAD_MARK && p.field == "head.insurance.mark"));
}

#[test]
fn apportion_gives_the_remainder_to_the_last_line() {
    let w = [d("1"), d("1"), d("1")];
    assert_eq!(
        apportion(d("100.00"), &w),
        vec![d("33.33"), d("33.33"), d("33.34")]
    );
    assert_eq!(apportion(d("0.01"), &w).iter().sum::<Decimal>(), d("0.01"));
}

#[test]
fn agreement_rate_applies_to_lines_of_a_member_origin_under_a_y_document() {
    let mut e8 = entry("8501520000", Some("8"));
    e8.agreement_rates = vec![AgreementRate {
        agreement: "15".into(),
        countries: vec!["KOR".into()],
        rate: "2".into(),
    }];
    let t = tariff(vec![e8]);
    let mut korean = line("8501520000", "10000", "CNY");
    korean.origin_country = "KOR".into();
    let mut x = decl(
        IeFlag::I,
        "1",
        vec![korean, line("8501520000", "10000", "CNY")],
    );
    x.documents = vec![AttachedDocument {
        code: "Y".into(),
        cert_no: "<15>K123".into(),
    }];
    assert_eq!(claimed_agreement(&x).as_deref(), Some("15"));
    // Korean line: 10000 × 2 % = 200.00; VAT 10200 × 13 % = 1326.00.
    // US line: MFN 10000 × 8 % = 800.00; VAT 10800 × 13 % = 1404.00.
    let e = estimate_declaration(
        &x,
        &t,
        &fx(),
        chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
    );
    assert_eq!(e.lines[0].rate_source, RateSource::Agreement("15".into()));
    assert_eq!(e.lines[0].duty, d("200.00"));
    assert_eq!(e.lines[0].vat, d("1326.00"));
    assert_eq!(e.lines[1].rate_source, RateSource::Mfn);
    assert_eq!(e.lines[1].duty, d("800.00"));
    assert_eq!(e.lines[1].vat, d("1404.00"));
    // Without the Y document both lines pay MFN.
    x.documents.clear();
    let e = estimate_declaration(
        &x,
        &t,
        &fx(),
        chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
    );
    assert_eq!(e.lines[0].duty, d("800.00"));
}

#[test]
fn a_tax_of_fifty_yuan_or_less_on_the_declaration_is_waived_the_other_not() {
    let t = tariff(vec![
        entry("6109100021", Some("10")),
        entry("6110200000", Some("40")),
    ]);
    // duty 400 × 10 % = 40.00 ≤ 50: waived; VAT 440 × 13 % = 57.20 stays.
    let e = estimate(
        &decl(IeFlag::I, "1", vec![line("6109100021", "400", "CNY")]),
        &t,
        &fx(),
        None,
        "2026-12",
    );
    assert_eq!((e.total_duty, e.duty_waived), (d("40.00"), true));
    assert_eq!((e.total_vat, e.vat_waived), (d("57.20"), false));
    assert_eq!(e.total_payable, d("57.20"));
    // duty 250 × 40 % = 100.00 stays; VAT 350 × 13 % = 45.50 ≤ 50: waived.
    let e = estimate(
        &decl(IeFlag::I, "1", vec![line("6110200000", "250", "CNY")]),
        &t,
        &fx(),
        None,
        "2026-12",
    );
    assert_eq!((e.duty_waived, e.vat_waived), (false, true));
    assert_eq!(e.total_payable, d("100.00"));
    // Exactly 50.00: "50元以下" includes 50, waived. 500 × 10 % = 50.00.
    let e = estimate(
        &decl(IeFlag::I, "1", vec![line("6109100021", "500", "CNY")]),
        &t,
        &fx(),
        None,
        "2026-12",
    );
    assert!(e.duty_waived);
    // The waiver is per declaration: two lines of 40.00 make 80.00, paid.
    let e = estimate(
        &decl(
            IeFlag::I,
            "1",
            vec![
                line("6109100021", "400", "CNY"),
                line("6109100021", "400", "CNY"),
            ],
        ),
        &t,
        &fx(),
        None,
        "2026-12",
    );
    assert_eq!((e.total_duty, e.duty_waived), (d("80.00"), false));
}

#[test]
fn export_duty_only_for_codes_that_carry_one_on_the_fob_value() {
    let mut steel = entry("7201100000", None);
    steel.export_rate = Some("20".into());
    let t = tariff(vec![steel, entry("8471300000", Some("0"))]);
    // CIF export: freight 100 CNY and insurance 20 CNY come off:
    // pig iron 1000 → 1000 − 100 × 1000/2000 − 20 × 1000/2000 = 940.00,
    // duty 940 × 20 % = 188.00; the laptop line has no export duty; no VAT.
    let mut x = decl(
        IeFlag::E,
        "1",
        vec![
            line("7201100000", "1000", "CNY"),
            line("8471300000", "1000", "CNY"),
        ],
    );
    x.head.freight = charge("3", "100", "CNY");
    x.head.insurance = charge("3", "20", "CNY");
    let e = estimate(&x, &t, &fx(), None, "2026-12");
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    assert_eq!(e.lines[0].customs_value, d("940.00"));
    assert_eq!(e.lines[0].duty, d("188.00"));
    assert_eq!(e.lines[0].vat, d("0.00"));
    assert_eq!(e.lines[1].rate_source, RateSource::NoExportDuty);
    assert_eq!(e.lines[1].duty, d("0.00"));
    assert_eq!(e.total_payable, d("188.00"));
}

#[test]
fn missing_rates_and_bad_numbers_are_named_not_guessed() {
    let t = tariff(vec![entry("8471300000", None)]);
    let mut x = decl(
        IeFlag::I,
        "1",
        vec![
            line("8471300000", "100", "CNY"),
            line("9999999999", "100", "CNY"),
            line("8471300000", "oops", "CNY"),
            line("8471300000", "100", "XXX"),
        ],
    );
    x.head.terms_of_sale = "3".into();
    x.head.freight = charge("3", "abc", "USD");
    let e = estimate(&x, &t, &fx(), None, "2026-12");
    let fields: Vec<_> = e
        .problems
        .iter()
        .map(|p| (p.rule.as_str(), p.field.as_str()))
        .collect();
    assert!(fields.contains(&(rule::NO_RATE, "lines[0].commodity_code")));
    assert!(fields.contains(&(rule::NO_RATE, "lines[1].commodity_code")));
    assert!(fields.contains(&(rule::BAD_NUMBER, "lines[2].total_price")));
    assert!(fields.contains(&(rule::NO_EXCHANGE_RATE, "lines[3].currency")));
    assert!(fields.contains(&(rule::BAD_NUMBER, "head.freight.value")));
    let no_rate = e
        .problems
        .iter()
        .find(|p| p.field == "lines[0].commodity_code")
        .unwrap();
    assert!(no_rate.message_en.contains("no rate for code 8471300000"));
    assert!(e.lines.is_empty());
    assert_eq!(e.total_payable, Decimal::ZERO);
}

#[test]
fn bundled_files_parse_are_dated_and_every_rate_is_marked() {
    let t = TariffRates::bundled();
    let f = ExchangeRates::bundled();
    assert!(crate::dated_data::is_iso_date(&t.version_date));
    assert!(crate::dated_data::is_iso_date(&f.version_date));
    assert!(t.entries.len() >= 40);
    for e in &t.entries {
        assert_eq!(e.code.len(), 10, "{}", e.code);
        assert!(e.assumed && !e.seen_at.is_empty(), "{}", e.code);
        for r in [&e.mfn_rate, &e.vat_rate, &e.export_rate]
            .into_iter()
            .flatten()
        {
            assert!(Decimal::from_str(r).is_ok(), "{} {r}", e.code);
        }
    }
    for m in &f.months {
        assert!(
            m.month.len() == 7 && m.month.as_bytes()[4] == b'-',
            "{}",
            m.month
        );
    }
}
