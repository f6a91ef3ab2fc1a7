//! Tests of the tax-payment rules: every `TAX-*` rule passing and failing,
//! the document type mapping, the availability explanations and the
//! guarantee health warnings.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
use crate::declaration::{Declaration, FilingMode};
use crate::problem::{Problem, Severity};

const VALID_DECLARATION: &str = include_str!("../../../../tests/fixtures/declaration-valid.json");

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}

fn guarantee(kind: GuaranteeKind, scope: GuaranteeScope, number: &str) -> Guarantee {
    Guarantee {
        kind,
        scope,
        issuer: "BANK OF DALIAN".into(),
        issuer_group: String::new(),
        number: number.into(),
        amount: "1000000".into(),
        currency: "CNY".into(),
        valid_from: "20260101".into(),
        valid_to: "20271231".into(),
        customs_area: "0900".into(),
        quota_used: "200000".into(),
        quota_left: "800000".into(),
    }
}

fn guarantees() -> Vec<Guarantee> {
    use GuaranteeKind as K;
    use GuaranteeScope as S;
    let mut group = guarantee(K::GroupFinance, S::General, "GF-2026-07");
    group.issuer = "LIAONING STEEL GROUP FINANCE CO.".into();
    group.issuer_group = "G-LNSTEEL".into();
    let mut exemption = guarantee(K::AdvancedExemption, S::General, "AEO-2026-01");
    exemption.amount.clear();
    exemption.quota_left.clear();
    exemption.quota_used.clear();
    exemption.valid_to.clear();
    exemption.customs_area.clear();
    exemption.currency.clear();
    let mut cash = guarantee(K::CashDeposit, S::Single, "CD-0001");
    cash.amount = "50000".into();
    cash.quota_used = "0".into();
    cash.quota_left = "50000".into();
    vec![
        guarantee(K::BankLetter, S::General, "BG-2026-001"),
        guarantee(K::TaxInsurance, S::General, "TI-2026-002"),
        guarantee(K::BankLetter, S::Single, "BG-2026-003"),
        group,
        exemption,
        cash,
    ]
}

fn enterprise(rating: CreditRating) -> Enterprise {
    Enterprise {
        rating,
        customs_area: "0900".into(),
        group: Some("G-LNSTEEL".into()),
        has_tripartite_agreement: true,
    }
}

/// The valid fixture with its head in line with `choice` (document type,
/// guarantee release), so only the rule under test reports.
fn declaration_for(choice: &TaxPaymentChoice) -> Declaration {
    let mut d: Declaration = serde_json::from_str(VALID_DECLARATION).unwrap();
    d.head.document_type = document_type_for(choice, d.filing_mode);
    d.head.guarantee_release = choice.release_on_guarantee;
    d
}

fn run(
    choice: &TaxPaymentChoice,
    ent: &Enterprise,
    gs: &[Guarantee],
    duty: Option<Decimal>,
) -> Vec<Problem> {
    check_tax_choice(choice, &declaration_for(choice), ent, gs, today(), duty)
}

fn found(p: &[Problem]) -> Vec<(&str, &str, Severity)> {
    p.iter()
        .map(|p| (p.rule.as_str(), p.field.as_str(), p.severity))
        .collect()
}

const E: Severity = Severity::Error;
const W: Severity = Severity::Warning;
const G: &str = "tax_payment.guarantee_no";

fn summary(number: &str) -> TaxPaymentChoice {
    TaxPaymentChoice {
        summary_tax: true,
        electronic_payment: true,
        guarantee_no: number.into(),
        ..TaxPaymentChoice::default()
    }
}

fn release(number: &str) -> TaxPaymentChoice {
    TaxPaymentChoice {
        release_on_guarantee: true,
        guarantee_no: number.into(),
        ..TaxPaymentChoice::default()
    }
}

#[test]
fn rule_catalogue_is_unique() {
    let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), RULES.len());
    assert!(RULES.iter().all(|r| r.id.starts_with("TAX-")));
}

#[test]
fn plain_choice_passes() {
    let gen = enterprise(CreditRating::General);
    assert_eq!(run(&TaxPaymentChoice::default(), &gen, &[], None), []);
    let self_assessed = TaxPaymentChoice {
        assessment: Assessment::SelfAssessment,
        electronic_payment: true,
        paperless_tax_bill: true,
        ..TaxPaymentChoice::default()
    };
    assert_eq!(run(&self_assessed, &gen, &[], None), []);
}

#[test]
fn tax_summary_guarantee() {
    let gen = enterprise(CreditRating::General);
    let gs = guarantees();
    assert_eq!(run(&summary("BG-2026-001"), &gen, &gs, None), []);
    assert_eq!(run(&summary("TI-2026-002"), &gen, &gs, None), []);
    // None chosen, a single bank letter, a cash deposit, a group finance guarantee.
    for number in ["", "BG-2026-003", "CD-0001", "GF-2026-07"] {
        assert_eq!(
            found(&run(&summary(number), &gen, &gs, None)),
            [("TAX-SUMMARY-GUARANTEE", G, E)],
            "{number:?}"
        );
    }
}

#[test]
fn tax_guarantee_req() {
    let gen = enterprise(CreditRating::General);
    let gs = guarantees();
    assert_eq!(run(&release("BG-2026-003"), &gen, &gs, None), []);
    assert_eq!(
        found(&run(&release(""), &gen, &gs, None)),
        [("TAX-GUARANTEE-REQ", G, E)]
    );
    assert_eq!(
        found(&run(&release("BG-1999-999"), &gen, &gs, None)),
        [("TAX-GUARANTEE-REQ", G, E)]
    );
    let deferred = TaxPaymentChoice {
        deferral: Deferral::Deferred,
        ..TaxPaymentChoice::default()
    };
    assert_eq!(
        found(&run(&deferred, &gen, &gs, None)),
        [("TAX-GUARANTEE-REQ", G, E)]
    );
}

#[test]
fn tax_guarantee_expired() {
    let gen = enterprise(CreditRating::General);
    let mut gs = guarantees();
    gs[0].valid_to = "20261127".into(); // the last day still counts
    assert_eq!(run(&summary("BG-2026-001"), &gen, &gs, None), []);
    gs[0].valid_to = "20261126".into();
    let p = run(&summary("BG-2026-001"), &gen, &gs, None);
    assert_eq!(found(&p), [("TAX-GUARANTEE-EXPIRED", G, E)]);
    assert!(
        p[0].message_en.contains("expired on 20261126"),
        "{}",
        p[0].message_en
    );
    gs[0].valid_to = "20271231".into();
    gs[0].valid_from = "20261201".into();
    assert_eq!(
        found(&run(&summary("BG-2026-001"), &gen, &gs, None)),
        [("TAX-GUARANTEE-EXPIRED", G, E)]
    );
}

#[test]
fn tax_guarantee_area() {
    let gen = enterprise(CreditRating::General);
    let mut gs = guarantees();
    // 0904 is under the same directly-under customs (Dalian) as 0900.
    gs[0].customs_area = "0904".into();
    assert_eq!(run(&summary("BG-2026-001"), &gen, &gs, None), []);
    gs[0].customs_area = "0800".into();
    let p = run(&summary("BG-2026-001"), &gen, &gs, None);
    assert_eq!(found(&p), [("TAX-GUARANTEE-AREA", G, E)]);
    assert!(p[0].message_zh.contains("0800"));
}

#[test]
fn tax_guarantee_quota() {
    let gen = enterprise(CreditRating::General);
    let mut gs = guarantees();
    let duty = |s: &str| Some(s.parse::<Decimal>().unwrap());
    assert_eq!(run(&summary("BG-2026-001"), &gen, &gs, duty("800000")), []);
    assert_eq!(
        found(&run(&summary("BG-2026-001"), &gen, &gs, duty("800000.01"))),
        [("TAX-GUARANTEE-QUOTA", G, E)]
    );
    gs[0].quota_left = "0".into();
    assert_eq!(
        found(&run(&summary("BG-2026-001"), &gen, &gs, None)),
        [("TAX-GUARANTEE-QUOTA", G, E)]
    );
}

#[test]
fn tax_discredited() {
    let bad = enterprise(CreditRating::Discredited);
    let gs = guarantees();
    assert_eq!(run(&release("CD-0001"), &bad, &gs, None), []);
    assert_eq!(
        found(&run(&summary("BG-2026-001"), &bad, &gs, None)),
        [
            ("TAX-DISCREDITED", "tax_payment.summary_tax", E),
            ("TAX-DISCREDITED", G, E),
        ]
    );
    // Summary tax on a cash deposit: refused for the rating, once.
    assert_eq!(
        found(&run(&summary("CD-0001"), &bad, &gs, None)),
        [("TAX-DISCREDITED", "tax_payment.summary_tax", E)]
    );
    assert_eq!(
        found(&run(&release("TI-2026-002"), &bad, &gs, None)),
        [("TAX-DISCREDITED", G, E)]
    );
}

#[test]
fn tax_exemption() {
    let gs = guarantees();
    let choice = release("AEO-2026-01");
    assert_eq!(
        run(
            &choice,
            &enterprise(CreditRating::AdvancedCertified),
            &gs,
            None
        ),
        []
    );
    assert_eq!(
        found(&run(&choice, &enterprise(CreditRating::General), &gs, None)),
        [("TAX-EXEMPTION", G, E)]
    );
}

#[test]
fn tax_epay() {
    let mut ent = enterprise(CreditRating::General);
    let choice = TaxPaymentChoice {
        electronic_payment: true,
        ..TaxPaymentChoice::default()
    };
    assert_eq!(run(&choice, &ent, &[], None), []);
    ent.has_tripartite_agreement = false;
    assert_eq!(
        found(&run(&choice, &ent, &[], None)),
        [("TAX-EPAY", "tax_payment.electronic_payment", W)]
    );
    let bill_only = TaxPaymentChoice {
        paperless_tax_bill: true,
        ..TaxPaymentChoice::default()
    };
    assert_eq!(
        found(&run(
            &bill_only,
            &enterprise(CreditRating::General),
            &[],
            None
        )),
        [("TAX-EPAY", "tax_payment.paperless_tax_bill", W)]
    );
}

#[test]
fn tax_group() {
    let mut ent = enterprise(CreditRating::General);
    let gs = guarantees();
    let choice = release("GF-2026-07");
    assert_eq!(run(&choice, &ent, &gs, None), []);
    ent.group = Some("G-OTHER".into());
    assert_eq!(found(&run(&choice, &ent, &gs, None)), [("TAX-GROUP", G, E)]);
    ent.group = None;
    assert_eq!(found(&run(&choice, &ent, &gs, None)), [("TAX-GROUP", G, E)]);
}

#[test]
fn tax_combination() {
    let gen = enterprise(CreditRating::General);
    let mut choice = summary("BG-2026-001");
    choice.deferral = Deferral::Instalment;
    assert_eq!(
        found(&run(&choice, &gen, &guarantees(), None)),
        [("TAX-COMBINATION", "tax_payment.deferral", E)]
    );
}

#[test]
fn tax_head_document_type_and_guarantee_release() {
    let gen = enterprise(CreditRating::General);
    let gs = guarantees();
    let choice = summary("BG-2026-001");
    let mut d = declaration_for(&choice);
    assert_eq!(d.head.document_type, "CL0   ");
    d.head.document_type = "CL0".into();
    assert_eq!(check_tax_choice(&choice, &d, &gen, &gs, today(), None), []);
    d.head.document_type = "  0".into();
    d.head.guarantee_release = true;
    let p = check_tax_choice(&choice, &d, &gen, &gs, today(), None);
    assert_eq!(
        found(&p),
        [
            ("TAX-HEAD", "head.document_type", W),
            ("TAX-HEAD", "head.guarantee_release", W),
        ]
    );
    assert!(p[0].message_zh.contains("“CL”"));
}

#[test]
fn tax_fmt_malformed_guarantee() {
    let gen = enterprise(CreditRating::General);
    let mut gs = guarantees();
    gs[0].currency = "USD".into();
    assert_eq!(
        found(&run(&summary("BG-2026-001"), &gen, &gs, None)),
        [("TAX-FMT", G, E)]
    );
    gs[0].currency = "CNY".into();
    gs[0].valid_to = "2027-12-31".into();
    assert_eq!(
        found(&run(&summary("BG-2026-001"), &gen, &gs, None)),
        [("TAX-FMT", G, E)]
    );
}

#[test]
fn document_type_mapping() {
    use Deferral as D;
    use FilingMode as M;
    let c = |assess: Assessment, summary_tax: bool, paperless: bool, deferral: Deferral| {
        TaxPaymentChoice {
            assessment: assess,
            summary_tax,
            paperless_tax_bill: paperless,
            deferral,
            ..TaxPaymentChoice::default()
        }
    };
    let cu = Assessment::Customs;
    let sa = Assessment::SelfAssessment;
    for (choice, mode, expected) in [
        (c(cu, false, false, D::None), M::OneStep, "  0   "),
        (c(cu, true, false, D::None), M::OneStep, "CL0   "),
        (c(cu, false, true, D::None), M::OneStep, "SW0   "),
        (c(cu, true, true, D::None), M::OneStep, "CL0   "),
        (c(cu, false, false, D::Deferred), M::OneStep, "TT0   "),
        (c(cu, false, false, D::Instalment), M::OneStep, "IT0   "),
        (c(sa, true, true, D::Deferred), M::OneStep, "TT0   "),
        (c(sa, false, false, D::None), M::OneStep, "Z 0   "),
        (c(sa, true, false, D::None), M::OneStep, "ZC0   "),
        (c(sa, true, true, D::None), M::OneStep, "ZC0   "),
        (c(sa, false, true, D::None), M::OneStep, "ZW0   "),
        (c(cu, true, false, D::None), M::TwoStepSummary, "CL5   "),
        (c(cu, false, false, D::None), M::TwoStepComplete, "  6   "),
    ] {
        let got = document_type_for(&choice, mode);
        assert_eq!(got, expected, "{choice:?} {mode:?}");
        assert_eq!(got.len(), 6);
    }
}

#[test]
fn document_types_pass_the_declaration_validator() {
    use crate::code_list::CodeLists;
    use crate::problem::Purpose;
    use crate::validate::validate_declaration;
    let lists = CodeLists::bundled();
    for choice in [
        summary("X"),
        TaxPaymentChoice {
            assessment: Assessment::SelfAssessment,
            paperless_tax_bill: true,
            ..TaxPaymentChoice::default()
        },
        TaxPaymentChoice {
            deferral: Deferral::Instalment,
            ..TaxPaymentChoice::default()
        },
    ] {
        let d = declaration_for(&choice);
        let p = validate_declaration(&d, Purpose::Declare, &lists);
        assert_eq!(p, [], "{}", d.head.document_type);
    }
}

fn availability(ent: &Enterprise, gs: &[Guarantee]) -> Vec<(TaxOption, bool)> {
    available_choices(ent, gs, today())
        .into_iter()
        .map(|c| {
            assert!(!c.reason_zh.is_empty() && !c.reason_en.is_empty(), "{c:?}");
            (c.choice, c.allowed)
        })
        .collect()
}

#[test]
fn available_choices_for_a_general_enterprise() {
    use TaxOption as T;
    let got = availability(&enterprise(CreditRating::General), &guarantees());
    assert_eq!(
        got,
        [
            (T::SelfAssessment, true),
            (T::ElectronicPayment, true),
            (T::PaperlessTaxBill, true),
            (T::SummaryTax, true),
            (T::ReleaseOnGuarantee, true),
            (T::DeferredPayment, true),
            (T::InstalmentPayment, true),
            (T::BankLetter, true),
            (T::TaxInsurance, true),
            (T::GroupFinance, true),
            (T::AdvancedExemption, false),
            (T::CashDeposit, true),
        ]
    );
}

#[test]
fn available_choices_for_a_discredited_enterprise() {
    use TaxOption as T;
    let mut ent = enterprise(CreditRating::Discredited);
    ent.has_tripartite_agreement = false;
    let all = available_choices(&ent, &guarantees(), today());
    let allowed: Vec<TaxOption> = all.iter().filter(|c| c.allowed).map(|c| c.choice).collect();
    assert_eq!(
        allowed,
        [
            T::SelfAssessment,
            T::ReleaseOnGuarantee, // on the cash deposit
            T::DeferredPayment,
            T::InstalmentPayment,
            T::CashDeposit,
        ]
    );
    let summary = all.iter().find(|c| c.choice == T::SummaryTax).unwrap();
    assert!(summary.reason_zh.contains("失信"));
    let epay = all
        .iter()
        .find(|c| c.choice == T::ElectronicPayment)
        .unwrap();
    assert!(epay.reason_en.contains("tripartite"));
}

#[test]
fn available_choices_explain_an_unusable_guarantee() {
    use TaxOption as T;
    let mut gs = guarantees();
    gs.retain(|g| g.kind == GuaranteeKind::BankLetter && g.scope == GuaranteeScope::General);
    gs[0].valid_to = "20261031".into();
    let ent = Enterprise {
        group: None,
        ..enterprise(CreditRating::AdvancedCertified)
    };
    let all = available_choices(&ent, &gs, today());
    let get = |t| all.iter().find(|c| c.choice == t).unwrap();
    assert!(!get(T::SummaryTax).allowed);
    assert!(
        get(T::SummaryTax).reason_en.contains("expired on 20261031"),
        "{:?}",
        get(T::SummaryTax)
    );
    assert!(!get(T::GroupFinance).allowed);
    assert!(get(T::GroupFinance)
        .reason_en
        .contains("no enterprise group"));
    assert!(get(T::AdvancedExemption).allowed);
    assert!(!get(T::TaxInsurance).allowed);
    // Another customs area.
    gs[0].valid_to = "20271231".into();
    gs[0].customs_area = "0800".into();
    let all = available_choices(&ent, &gs, today());
    let s = all.iter().find(|c| c.choice == T::SummaryTax).unwrap();
    assert!(!s.allowed && s.reason_zh.contains("0800"), "{s:?}");
}

#[test]
fn guarantee_health() {
    let mut g = guarantee(
        GuaranteeKind::BankLetter,
        GuaranteeScope::General,
        "BG-2026-001",
    );
    assert_eq!(guarantee_warnings(&g, today()), []);
    // Expiring: 30 days left warns, 31 does not.
    g.valid_to = "20261227".into();
    let p = guarantee_warnings(&g, today());
    assert_eq!(
        found(&p),
        [("TAX-GUARANTEE-EXPIRING", "guarantee.valid_to", W)]
    );
    assert!(p[0].message_en.contains("30 days left"));
    g.valid_to = "20261228".into();
    assert_eq!(guarantee_warnings(&g, today()), []);
    g.valid_to = "20261120".into();
    assert_eq!(
        found(&guarantee_warnings(&g, today())),
        [("TAX-GUARANTEE-EXPIRED", "guarantee.valid_to", E)]
    );
    // Low: under 10 % of the amount.
    g.valid_to = "20271231".into();
    g.quota_left = "100000".into();
    assert_eq!(guarantee_warnings(&g, today()), []);
    g.quota_left = "99999.99".into();
    assert_eq!(
        found(&guarantee_warnings(&g, today())),
        [("TAX-GUARANTEE-LOW", "guarantee.quota_left", W)]
    );
    g.quota_left = "abc".into();
    assert_eq!(
        found(&guarantee_warnings(&g, today())),
        [("TAX-FMT", "guarantee.quota_left", E)]
    );
    // The exemption has no quota to run low.
    let ex = guarantees().remove(4);
    assert_eq!(ex.kind, GuaranteeKind::AdvancedExemption);
    assert_eq!(guarantee_warnings(&ex, today()), []);
}

#[test]
fn types_round_trip_as_snake_case_json() {
    let choice = summary("BG-2026-001");
    let text = serde_json::to_string(&choice).unwrap();
    assert!(text.contains("\"assessment\":\"customs\""), "{text}");
    assert!(text.contains("\"deferral\":\"none\""), "{text}");
    assert_eq!(
        serde_json::from_str::<TaxPaymentChoice>(&text).unwrap(),
        choice
    );
    let g = &guarantees()[3];
    let text = serde_json::to_string(g).unwrap();
    assert!(text.contains("\"kind\":\"group_finance\""), "{text}");
    assert_eq!(&serde_json::from_str::<Guarantee>(&text).unwrap(), g);
}
