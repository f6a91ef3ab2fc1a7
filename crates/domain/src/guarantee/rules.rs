//! The `TAX-*` rules: whether a declaration's tax-payment choice can work
//! with the enterprise's rating and guarantees, and the health of one
//! guarantee.
//!
//! Field paths: problems about the choice name `tax_payment.<field>`
//! (problems about the chosen guarantee sit on `tax_payment.guarantee_no`,
//! beside the guarantee picker); problems about the declaration head name
//! `head.<field>`; [`guarantee_warnings`] names `guarantee.<field>`.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::document_type::document_type_for;
use super::{
    CreditRating, Deferral, Enterprise, Guarantee, GuaranteeKind, GuaranteeScope, TaxPaymentChoice,
};
use crate::declaration::Declaration;
use crate::problem::{Problem, Severity};
use crate::rules::{parse_decimal, RuleInfo};

/// Stable rule ids; never renumber.
pub mod rule {
    /// Summary tax needs a valid general bank letter or tax insurance.
    pub const SUMMARY_GUARANTEE: &str = "TAX-SUMMARY-GUARANTEE";
    /// Release on guarantee or deferral without a guarantee, or an unknown guarantee number.
    pub const GUARANTEE_REQ: &str = "TAX-GUARANTEE-REQ";
    /// The guarantee is outside its validity period.
    pub const GUARANTEE_EXPIRED: &str = "TAX-GUARANTEE-EXPIRED";
    /// The guarantee belongs to another customs area.
    pub const GUARANTEE_AREA: &str = "TAX-GUARANTEE-AREA";
    /// The guarantee's quota is exhausted or below the estimated duty.
    pub const GUARANTEE_QUOTA: &str = "TAX-GUARANTEE-QUOTA";
    /// A discredited enterprise: cash deposit only, no summary tax.
    pub const DISCREDITED: &str = "TAX-DISCREDITED";
    /// Only an advanced-certified enterprise may claim the exemption.
    pub const EXEMPTION: &str = "TAX-EXEMPTION";
    /// Electronic payment (and the paperless tax bill) needs a tripartite agreement (warning).
    pub const EPAY: &str = "TAX-EPAY";
    /// A group finance guarantee serves only its own group's enterprises.
    pub const GROUP: &str = "TAX-GROUP";
    /// Choices that exclude each other (summary tax with deferral).
    pub const COMBINATION: &str = "TAX-COMBINATION";
    /// Declaration head disagrees with the choice: document type, `ChkSurety` (warning).
    pub const HEAD: &str = "TAX-HEAD";
    /// A guarantee's amount, date, currency or area is malformed.
    pub const FMT: &str = "TAX-FMT";
    /// Guarantee expires within 30 days (warning).
    pub const GUARANTEE_EXPIRING: &str = "TAX-GUARANTEE-EXPIRING";
    /// Guarantee quota below 10 % of its amount (warning).
    pub const GUARANTEE_LOW: &str = "TAX-GUARANTEE-LOW";
}

/// [`rule::GUARANTEE_EXPIRING`] fires this many days before the end.
pub const EXPIRING_WITHIN_DAYS: i64 = 30;

/// [`rule::GUARANTEE_LOW`] fires below this share of the amount.
pub const LOW_QUOTA_PERCENT: u32 = 10;

/// Every `TAX-*` rule with its severity. `TAX-GUARANTEE-QUOTA` is an error in
/// [`check_tax_choice`]; [`guarantee_warnings`] reports only warnings and
/// errors for an expired or malformed guarantee.
pub const RULES: &[RuleInfo] = &[
    RuleInfo::new(
        rule::SUMMARY_GUARANTEE,
        Severity::Error,
        "汇总征税须有有效的银行保函或关税保证保险总担保",
        "Summary tax needs a valid general bank letter or tax insurance",
    ),
    RuleInfo::new(
        rule::GUARANTEE_REQ,
        Severity::Error,
        "所选方式须提供担保",
        "The choice needs a guarantee",
    ),
    RuleInfo::new(
        rule::GUARANTEE_EXPIRED,
        Severity::Error,
        "担保不在有效期内",
        "Guarantee outside its validity",
    ),
    RuleInfo::new(
        rule::GUARANTEE_AREA,
        Severity::Error,
        "担保不属于申报地海关关区",
        "Guarantee of another customs area",
    ),
    RuleInfo::new(
        rule::GUARANTEE_QUOTA,
        Severity::Error,
        "担保额度不足",
        "Guarantee quota insufficient",
    ),
    RuleInfo::new(
        rule::DISCREDITED,
        Severity::Error,
        "失信企业只能缴纳保证金，不能汇总征税",
        "Discredited enterprise: cash deposit only, no summary tax",
    ),
    RuleInfo::new(
        rule::EXEMPTION,
        Severity::Error,
        "只有高级认证企业可免担保",
        "Only advanced-certified enterprises are exempt",
    ),
    RuleInfo::new(
        rule::EPAY,
        Severity::Warning,
        "电子支付须签订三方协议",
        "Electronic payment needs a tripartite agreement",
    ),
    RuleInfo::new(
        rule::GROUP,
        Severity::Error,
        "财务公司担保仅限本集团企业",
        "Group finance guarantee only for the group's enterprises",
    ),
    RuleInfo::new(
        rule::COMBINATION,
        Severity::Error,
        "所选缴税方式互相排斥",
        "Tax choices exclude each other",
    ),
    RuleInfo::new(
        rule::HEAD,
        Severity::Warning,
        "报关单单据类型或担保验放与缴税方式不符",
        "Document type or guarantee release disagrees with the choice",
    ),
    RuleInfo::new(
        rule::FMT,
        Severity::Error,
        "担保信息格式错误",
        "Guarantee data malformed",
    ),
    RuleInfo::new(
        rule::GUARANTEE_EXPIRING,
        Severity::Warning,
        "担保30天内到期",
        "Guarantee expires within 30 days",
    ),
    RuleInfo::new(
        rule::GUARANTEE_LOW,
        Severity::Warning,
        "担保余额不足10%",
        "Guarantee quota below 10%",
    ),
];

fn parse_ymd(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y%m%d").ok()
}

fn money(s: &str) -> Option<Decimal> {
    parse_decimal(s.trim(), 15, 2).ok()
}

/// A guarantee's typed values, parsed; `Err` names the first malformed one.
pub(crate) struct Parsed {
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub amount: Option<Decimal>,
    pub quota_left: Option<Decimal>,
}

/// Which field of a guarantee is malformed: (field, zh, en).
pub(crate) type Malformed = (&'static str, &'static str, &'static str);

/// Parses `g`. Instruments with a quota need an end date, an amount, a
/// quota left and `CNY`; the exemption needs nothing but is parsed if filled.
pub(crate) fn parse_guarantee(g: &Guarantee) -> Result<Parsed, Malformed> {
    let q = g.kind.has_quota();
    let date = |s: &str, need: bool, f: Malformed| match (s.trim().is_empty(), parse_ymd(s)) {
        (true, _) if !need => Ok(None),
        (_, Some(d)) => Ok(Some(d)),
        _ => Err(f),
    };
    let dec = |s: &str, need: bool, f: Malformed| match (s.trim().is_empty(), money(s)) {
        (true, _) if !need => Ok(None),
        (_, Some(d)) => Ok(Some(d)),
        _ => Err(f),
    };
    let parsed = Parsed {
        valid_from: date(
            &g.valid_from,
            false,
            ("valid_from", "生效日期", "start date"),
        )?,
        valid_to: date(&g.valid_to, q, ("valid_to", "到期日期", "end date"))?,
        amount: dec(&g.amount, q, ("amount", "担保金额", "amount"))?,
        quota_left: dec(&g.quota_left, q, ("quota_left", "剩余额度", "quota left"))?,
    };
    dec(
        &g.quota_used,
        false,
        ("quota_used", "已用额度", "quota used"),
    )?;
    if q && g.currency.trim() != "CNY" {
        return Err(("currency", "币制（应为CNY）", "currency (must be CNY)"));
    }
    let area = g.customs_area.trim();
    if q && !(area.len() == 4 && area.bytes().all(|b| b.is_ascii_digit())) {
        return Err(("customs_area", "关区（4位数字）", "customs area (4 digits)"));
    }
    Ok(parsed)
}

/// Why a guarantee cannot secure a new declaration today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unusable {
    NotYetValid(NaiveDate),
    Expired(NaiveDate),
    OtherArea(String),
    Exhausted,
    BelowDuty(Decimal, Decimal),
}

/// Whether `g` (parsed as `p`) can secure a declaration of customs area
/// `area` (4 digits; compared by its directly-under customs, the first two)
/// today for `duty`.
pub(crate) fn usability(
    g: &Guarantee,
    p: &Parsed,
    today: NaiveDate,
    area: Option<&str>,
    duty: Option<Decimal>,
) -> Result<(), Unusable> {
    if let Some(from) = p.valid_from.filter(|f| *f > today) {
        return Err(Unusable::NotYetValid(from));
    }
    if let Some(to) = p.valid_to.filter(|t| *t < today) {
        return Err(Unusable::Expired(to));
    }
    if !g.kind.has_quota() {
        return Ok(());
    }
    if let Some(area) = area.filter(|a| a.len() == 4 && a.bytes().all(|b| b.is_ascii_digit())) {
        if g.customs_area.trim().get(..2) != area.get(..2) {
            return Err(Unusable::OtherArea(g.customs_area.trim().to_owned()));
        }
    }
    let left = p.quota_left.unwrap_or_default();
    if left <= Decimal::ZERO {
        return Err(Unusable::Exhausted);
    }
    if let Some(duty) = duty.filter(|d| left < *d) {
        return Err(Unusable::BelowDuty(left, duty));
    }
    Ok(())
}

/// The rule and bilingual reason of an [`Unusable`].
pub(crate) fn unusable_message(u: &Unusable, number: &str) -> (&'static str, String, String) {
    match u {
        Unusable::NotYetValid(d) => (
            rule::GUARANTEE_EXPIRED,
            format!("担保{number}自{}起才生效", d.format("%Y%m%d")),
            format!("guarantee {number} is valid only from {}", d.format("%Y%m%d")),
        ),
        Unusable::Expired(d) => (
            rule::GUARANTEE_EXPIRED,
            format!("担保{number}已于{}到期，不能再担保新的报关单", d.format("%Y%m%d")),
            format!(
                "guarantee {number} expired on {} and secures nothing new",
                d.format("%Y%m%d")
            ),
        ),
        Unusable::OtherArea(a) => (
            rule::GUARANTEE_AREA,
            format!("担保{number}属于关区{a}，与申报地海关不属同一直属海关"),
            format!("guarantee {number} belongs to customs area {a}, not the declaring customs' directly-under customs"),
        ),
        Unusable::Exhausted => (
            rule::GUARANTEE_QUOTA,
            format!("担保{number}额度已用完"),
            format!("guarantee {number} has no quota left"),
        ),
        Unusable::BelowDuty(left, duty) => (
            rule::GUARANTEE_QUOTA,
            format!("担保{number}剩余额度{left}元，低于预估税款{duty}元"),
            format!("guarantee {number} has CNY {left} left, less than the estimated duty of CNY {duty}"),
        ),
    }
}

const CHOICE: &str = "tax_payment.guarantee_no";

/// Kinds summary tax accepts (spec: a general bank letter or tax insurance).
const SUMMARY_TAX_KINDS: &[GuaranteeKind] =
    &[GuaranteeKind::BankLetter, GuaranteeKind::TaxInsurance];

/// Every problem with `choice` for declaration `d` of enterprise `ent`,
/// whose guarantees on record are `guarantees`, on `today`. With an
/// `estimated_duty` (CNY) the chosen guarantee's quota must cover it.
pub fn check_tax_choice(
    choice: &TaxPaymentChoice,
    d: &Declaration,
    ent: &Enterprise,
    guarantees: &[Guarantee],
    today: NaiveDate,
    estimated_duty: Option<Decimal>,
) -> Vec<Problem> {
    let mut out = Vec::new();
    let discredited = ent.rating == CreditRating::Discredited;

    if choice.summary_tax && discredited {
        out.push(Problem::error(
            rule::DISCREDITED,
            "tax_payment.summary_tax",
            "失信企业不能适用汇总征税",
            "A discredited enterprise cannot use summary tax payment",
        ));
    }
    if choice.summary_tax && choice.deferral != Deferral::None {
        // Assumed: one declaration has one payment arrangement, and the
        // document type can carry only one of CL / TT / IT.
        out.push(Problem::error(
            rule::COMBINATION,
            "tax_payment.deferral",
            "汇总征税不能同时选择延期或分期缴纳",
            "Summary tax payment cannot be combined with deferred or instalment payment",
        ));
    }

    let number = choice.guarantee_no.trim();
    let chosen = if number.is_empty() {
        None
    } else {
        let found = guarantees.iter().find(|g| g.number.trim() == number);
        if found.is_none() {
            out.push(Problem::error(
                rule::GUARANTEE_REQ,
                CHOICE,
                format!("备案的担保中没有编号为{number}的担保"),
                format!("No guarantee numbered {number} is on record"),
            ));
        }
        found
    };

    // Deferral needing a guarantee is assumed (customs usually asks for one).
    // A discredited enterprise's summary tax is already refused above; its
    // guarantee is not asked for on that account.
    let summary = choice.summary_tax && !discredited;
    let needs = summary || choice.release_on_guarantee || choice.deferral != Deferral::None;
    if needs && number.is_empty() {
        if summary {
            out.push(Problem::error(
                rule::SUMMARY_GUARANTEE,
                CHOICE,
                "汇总征税须选择一份有效的银行保函或关税保证保险总担保",
                "Summary tax payment needs a valid general bank letter of guarantee or tax-guarantee insurance; choose one",
            ));
        } else {
            out.push(Problem::error(
                rule::GUARANTEE_REQ,
                CHOICE,
                "担保验放或延期、分期缴纳须选择一份担保",
                "Release on guarantee and deferred or instalment payment need a guarantee; choose one",
            ));
        }
    }

    if let Some(g) = chosen {
        let (kind_zh, kind_en) = g.kind.label();
        if discredited && g.kind != GuaranteeKind::CashDeposit {
            out.push(Problem::error(
                rule::DISCREDITED,
                CHOICE,
                format!("失信企业只能以保证金担保，不能使用{kind_zh}"),
                format!("A discredited enterprise may only secure duties with a cash deposit, not a {kind_en}"),
            ));
        }
        if summary && !(g.scope == GuaranteeScope::General && SUMMARY_TAX_KINDS.contains(&g.kind)) {
            out.push(Problem::error(
                rule::SUMMARY_GUARANTEE,
                CHOICE,
                format!("汇总征税须使用银行保函或关税保证保险总担保，{number}不符合"),
                format!("Summary tax payment needs a general bank letter or tax-guarantee insurance; {number} is not one"),
            ));
        }
        if g.kind == GuaranteeKind::AdvancedExemption
            && ent.rating != CreditRating::AdvancedCertified
        {
            out.push(Problem::error(
                rule::EXEMPTION,
                CHOICE,
                "只有高级认证企业可以免于提供担保",
                "Only an advanced-certified enterprise may claim the guarantee exemption",
            ));
        }
        if g.kind == GuaranteeKind::GroupFinance
            && ent.group.as_deref().map(str::trim) != Some(g.issuer_group.trim())
        {
            out.push(Problem::error(
                rule::GROUP,
                CHOICE,
                "企业集团财务公司担保只能用于本集团成员企业",
                "A group finance company guarantee serves only enterprises of its own group",
            ));
        }
        match parse_guarantee(g) {
            Err((_, zh, en)) => out.push(Problem::error(
                rule::FMT,
                CHOICE,
                format!("担保{number}的{zh}格式不正确，请核对备案信息"),
                format!("The {en} of guarantee {number} is malformed; check the record"),
            )),
            Ok(p) => {
                let area = d.head.declaring_customs.trim();
                if let Err(u) = usability(g, &p, today, Some(area), estimated_duty) {
                    let (rule, zh, en) = unusable_message(&u, number);
                    out.push(Problem::error(rule, CHOICE, zh, capitalise(&en)));
                }
            }
        }
    }

    if choice.electronic_payment && !ent.has_tripartite_agreement {
        out.push(Problem::warning(
            rule::EPAY,
            "tax_payment.electronic_payment",
            "电子支付须先与银行、海关签订三方协议",
            "Electronic payment needs a tripartite agreement with the bank and customs",
        ));
    }
    if choice.paperless_tax_bill && !choice.electronic_payment {
        // Assumed: the paperless tax bill comes with electronic payment.
        out.push(Problem::warning(
            rule::EPAY,
            "tax_payment.paperless_tax_bill",
            "税单无纸化通常与电子支付一并使用",
            "The paperless tax bill usually goes with electronic payment",
        ));
    }

    let expected = document_type_for(choice, d.filing_mode);
    let typed: Vec<char> = d
        .head
        .document_type
        .chars()
        .chain("  ".chars())
        .take(2)
        .collect();
    let typed: String = typed.into_iter().collect();
    if typed != expected[..2] {
        out.push(Problem::warning(
            rule::HEAD,
            "head.document_type",
            format!("按所选缴税方式，单据类型前两位应为“{}”", &expected[..2]),
            format!(
                "The chosen tax payment makes positions 1-2 of the document type \"{}\"",
                &expected[..2]
            ),
        ));
    }
    if d.head.guarantee_release != choice.release_on_guarantee {
        out.push(Problem::warning(
            rule::HEAD,
            "head.guarantee_release",
            "报关单“担保验放”标志与所选缴税方式不一致",
            "The declaration's guarantee-release flag disagrees with the chosen tax payment",
        ));
    }

    let rank = |id: &str| RULES.iter().position(|r| r.id == id).unwrap_or(RULES.len());
    out.sort_by_key(|p| (field_rank(&p.field), rank(&p.rule)));
    out
}

fn field_rank(field: &str) -> usize {
    const ORDER: &[&str] = &[
        "tax_payment.assessment",
        "tax_payment.electronic_payment",
        "tax_payment.summary_tax",
        "tax_payment.paperless_tax_bill",
        "tax_payment.release_on_guarantee",
        "tax_payment.deferral",
        "tax_payment.guarantee_no",
        "head.document_type",
        "head.guarantee_release",
    ];
    ORDER
        .iter()
        .position(|f| *f == field)
        .unwrap_or(ORDER.len())
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Health of one guarantee on `today`, for the guarantees list: expired
/// (error), expiring within [`EXPIRING_WITHIN_DAYS`] days, quota left below
/// [`LOW_QUOTA_PERCENT`] % of the amount (warnings), malformed data (error).
pub fn guarantee_warnings(g: &Guarantee, today: NaiveDate) -> Vec<Problem> {
    let mut out = Vec::new();
    let number = g.number.trim();
    let p = match parse_guarantee(g) {
        Ok(p) => p,
        Err((field, zh, en)) => {
            out.push(Problem::error(
                rule::FMT,
                format!("guarantee.{field}"),
                format!("担保{number}的{zh}格式不正确"),
                format!("The {en} of guarantee {number} is malformed"),
            ));
            return out;
        }
    };
    if let Some(to) = p.valid_to {
        let left = (to - today).num_days();
        if left < 0 {
            let (_, zh, en) = unusable_message(&Unusable::Expired(to), number);
            out.push(Problem::error(
                rule::GUARANTEE_EXPIRED,
                "guarantee.valid_to",
                zh,
                capitalise(&en),
            ));
        } else if left <= EXPIRING_WITHIN_DAYS {
            out.push(Problem::warning(
                rule::GUARANTEE_EXPIRING,
                "guarantee.valid_to",
                format!(
                    "担保{number}将于{}到期（剩{left}天），请及时续保",
                    to.format("%Y%m%d")
                ),
                format!(
                    "Guarantee {number} expires on {} ({left} days left); renew it in time",
                    to.format("%Y%m%d")
                ),
            ));
        }
    }
    if let (Some(amount), Some(left)) = (p.amount, p.quota_left) {
        if amount > Decimal::ZERO
            && left * Decimal::ONE_HUNDRED < amount * Decimal::from(LOW_QUOTA_PERCENT)
        {
            out.push(Problem::warning(
                rule::GUARANTEE_LOW,
                "guarantee.quota_left",
                format!("担保{number}剩余额度{left}元，不足总额{amount}元的{LOW_QUOTA_PERCENT}%"),
                format!("Guarantee {number} has CNY {left} left, under {LOW_QUOTA_PERCENT}% of its CNY {amount}"),
            ));
        }
    }
    out
}
