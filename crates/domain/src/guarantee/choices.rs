//! Which tax-payment options are open to an enterprise today, each with the
//! reason, so the UI can grey out an option and say why instead of letting
//! the user pick it and fail at customs.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::rules::{parse_guarantee, unusable_message, usability};
use super::{CreditRating, Enterprise, Guarantee, GuaranteeKind, GuaranteeScope};

/// One option of the tax-payment panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaxOption {
    SelfAssessment,
    ElectronicPayment,
    PaperlessTaxBill,
    SummaryTax,
    ReleaseOnGuarantee,
    DeferredPayment,
    InstalmentPayment,
    BankLetter,
    TaxInsurance,
    GroupFinance,
    AdvancedExemption,
    CashDeposit,
}

/// Whether an option is open, and why (or why not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ChoiceAvailability {
    pub choice: TaxOption,
    pub allowed: bool,
    pub reason_zh: String,
    pub reason_en: String,
}

fn open(choice: TaxOption, zh: impl Into<String>, en: impl Into<String>) -> ChoiceAvailability {
    ChoiceAvailability {
        choice,
        allowed: true,
        reason_zh: zh.into(),
        reason_en: en.into(),
    }
}

fn closed(choice: TaxOption, zh: impl Into<String>, en: impl Into<String>) -> ChoiceAvailability {
    ChoiceAvailability {
        allowed: false,
        ..open(choice, zh, en)
    }
}

/// Guarantees of `kinds` (and `scope`, if given) the enterprise may use
/// today: valid, of its own directly-under customs, with quota left, and
/// allowed to it (exemption only when advanced certified, group finance
/// only for its group, cash deposit only when discredited). `Err` gives the
/// reason of the first unusable one, for the explanation.
fn usable<'a>(
    ent: &Enterprise,
    guarantees: &'a [Guarantee],
    today: NaiveDate,
    kinds: &[GuaranteeKind],
    scope: Option<GuaranteeScope>,
) -> Result<&'a Guarantee, Option<(String, String)>> {
    let mut why = None;
    for g in guarantees
        .iter()
        .filter(|g| kinds.contains(&g.kind) && scope.is_none_or(|s| g.scope == s))
    {
        let permitted = match g.kind {
            _ if ent.rating == CreditRating::Discredited => g.kind == GuaranteeKind::CashDeposit,
            GuaranteeKind::AdvancedExemption => ent.rating == CreditRating::AdvancedCertified,
            GuaranteeKind::GroupFinance => {
                ent.group.as_deref().map(str::trim) == Some(g.issuer_group.trim())
            }
            _ => true,
        };
        if !permitted {
            continue;
        }
        let number = g.number.trim();
        match parse_guarantee(g) {
            Err((_, zh, en)) => {
                why.get_or_insert((
                    format!("担保{number}的{zh}格式不正确"),
                    format!("the {en} of guarantee {number} is malformed"),
                ));
            }
            Ok(p) => match usability(g, &p, today, Some(ent.customs_area.trim()), None) {
                Ok(()) => return Ok(g),
                Err(u) => {
                    let (_, zh, en) = unusable_message(&u, number);
                    why.get_or_insert((zh, en));
                }
            },
        }
    }
    Err(why)
}

/// Every option of the tax-payment panel for `ent` with its `guarantees` on
/// `today`, in panel order. Guarantees count when they belong to the
/// enterprise's own directly-under customs (the declaring customs is not
/// known yet; [`super::check_tax_choice`] checks it per declaration).
pub fn available_choices(
    ent: &Enterprise,
    guarantees: &[Guarantee],
    today: NaiveDate,
) -> Vec<ChoiceAvailability> {
    use GuaranteeKind as K;
    use TaxOption as T;
    let discredited = ent.rating == CreditRating::Discredited;
    let mut out = Vec::new();

    out.push(open(
        T::SelfAssessment,
        "企业可自行计算、申报并缴纳税款",
        "The enterprise may compute, declare and pay its own duties",
    ));
    for option in [T::ElectronicPayment, T::PaperlessTaxBill] {
        out.push(if ent.has_tripartite_agreement {
            open(
                option,
                "已签订三方协议",
                "A tripartite agreement is on record",
            )
        } else {
            closed(
                option,
                "须先与银行、海关签订三方协议",
                "Needs a tripartite agreement with the bank and customs first",
            )
        });
    }

    let explain = |found: Result<&Guarantee, Option<(String, String)>>,
                   option: TaxOption,
                   none_zh: &str,
                   none_en: &str| match found {
        Ok(g) => open(
            option,
            format!("可使用担保{}", g.number.trim()),
            format!("Guarantee {} can be used", g.number.trim()),
        ),
        Err(Some((zh, en))) => closed(option, zh, capitalise(&en)),
        Err(None) => closed(option, none_zh, none_en),
    };

    out.push(if discredited {
        closed(
            T::SummaryTax,
            "失信企业不能适用汇总征税",
            "A discredited enterprise cannot use summary tax payment",
        )
    } else {
        explain(
            usable(
                ent,
                guarantees,
                today,
                &[K::BankLetter, K::TaxInsurance],
                Some(GuaranteeScope::General),
            ),
            T::SummaryTax,
            "须先备案银行保函或关税保证保险总担保",
            "Needs a general bank letter of guarantee or tax-guarantee insurance on record",
        )
    });

    let all = [
        K::BankLetter,
        K::TaxInsurance,
        K::GroupFinance,
        K::AdvancedExemption,
        K::CashDeposit,
    ];
    for option in [
        T::ReleaseOnGuarantee,
        T::DeferredPayment,
        T::InstalmentPayment,
    ] {
        out.push(explain(
            usable(ent, guarantees, today, &all, None),
            option,
            "须先备案一份有效担保",
            "Needs a valid guarantee on record",
        ));
    }

    for (option, kind) in [
        (T::BankLetter, K::BankLetter),
        (T::TaxInsurance, K::TaxInsurance),
        (T::GroupFinance, K::GroupFinance),
    ] {
        let (kind_zh, kind_en) = kind.label();
        out.push(if discredited {
            closed(
                option,
                "失信企业只能缴纳保证金",
                "A discredited enterprise may only pay a cash deposit",
            )
        } else if kind == K::GroupFinance && ent.group.is_none() {
            closed(
                option,
                "企业不属于任何企业集团",
                "The enterprise belongs to no enterprise group",
            )
        } else {
            explain(
                usable(ent, guarantees, today, &[kind], None),
                option,
                &format!("没有可用的{kind_zh}"),
                &format!("No usable {kind_en} on record"),
            )
        });
    }

    out.push(if ent.rating == CreditRating::AdvancedCertified {
        open(
            T::AdvancedExemption,
            "高级认证企业可免于提供担保",
            "An advanced-certified enterprise may be exempt from guarantees",
        )
    } else {
        closed(
            T::AdvancedExemption,
            "只有高级认证企业可免担保",
            "Only advanced-certified enterprises may claim the exemption",
        )
    });
    out.push(open(
        T::CashDeposit,
        "保证金担保任何企业都可使用",
        "A cash deposit is open to every enterprise",
    ));
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
