//! Credit ratings, guarantees and tax payment (信用等级、担保与税费支付), as
//! the server keeps and serves them.
//!
//! The rules live in the domain crate (`portdesk_domain::guarantee`,
//! `check_tax_choice`); the server runs them on submission and the client
//! runs them offline before the user declares. So that both sides feed the
//! rules the same data, every type here maps 1:1 onto a domain type:
//! - the enums ([`CreditRating`], [`GuaranteeKind`], [`GuaranteeScope`])
//!   mirror the domain's variant for variant, with the *same* serde names
//!   (`From` both ways, exhaustive matches, so a new variant on either side
//!   breaks the build here instead of drifting);
//! - [`Guarantee`] and [`EnterpriseProfile`] convert into the domain's
//!   `Guarantee` and `Enterprise` with [`Guarantee::to_domain`] and
//!   [`EnterpriseProfile::to_domain`], used by server and client alike;
//! - the tax-payment choice of a submission *is* the domain's
//!   [`TaxPaymentChoice`] (re-exported), so there is nothing to convert.
//!
//! The mirrors exist only because the domain crate does not derive
//! `utoipa::ToSchema`; the wire form of the enums is documented in
//! `docs/formats/tax-guarantee.md` and pinned by tests below.
//!
//! Wire conventions of this crate apply: dates `yyyy-mm-dd`, money a decimal
//! string in CNY. `to_domain` writes the domain's text forms (`yyyyMMdd`,
//! two decimals).

use chrono::{DateTime, NaiveDate, Utc};
use portdesk_domain::guarantee as domain;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use portdesk_domain::guarantee::{Assessment, Deferral, TaxPaymentChoice};

/// Customs credit rating of an enterprise (企业信用等级). Wire names:
/// `advanced_certified`, `general`, `discredited` (as the domain's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CreditRating {
    /// 高级认证企业 (AEO advanced certified): may be exempted from guarantees.
    AdvancedCertified,
    /// 一般信用企业.
    General,
    /// 失信企业: cash deposit only, no summary tax payment.
    Discredited,
}

impl CreditRating {
    pub const ALL: [CreditRating; 3] = [
        CreditRating::AdvancedCertified,
        CreditRating::General,
        CreditRating::Discredited,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CreditRating::AdvancedCertified => "advanced_certified",
            CreditRating::General => "general",
            CreditRating::Discredited => "discredited",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl From<CreditRating> for domain::CreditRating {
    fn from(r: CreditRating) -> Self {
        match r {
            CreditRating::AdvancedCertified => domain::CreditRating::AdvancedCertified,
            CreditRating::General => domain::CreditRating::General,
            CreditRating::Discredited => domain::CreditRating::Discredited,
        }
    }
}

impl From<domain::CreditRating> for CreditRating {
    fn from(r: domain::CreditRating) -> Self {
        match r {
            domain::CreditRating::AdvancedCertified => CreditRating::AdvancedCertified,
            domain::CreditRating::General => CreditRating::General,
            domain::CreditRating::Discredited => CreditRating::Discredited,
        }
    }
}

/// Guarantee instrument (担保方式). Wire names as the domain's:
/// `bank_letter`, `tax_insurance`, `group_finance`, `advanced_exemption`,
/// `cash_deposit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GuaranteeKind {
    /// 银行保函 (bank letter of guarantee).
    BankLetter,
    /// 关税保证保险 (tax-guarantee insurance).
    TaxInsurance,
    /// 企业集团财务公司担保 (group finance company guarantee).
    GroupFinance,
    /// 高级认证企业免担保 (advanced-certified exemption; no instrument).
    AdvancedExemption,
    /// 保证金 (cash deposit).
    CashDeposit,
}

impl GuaranteeKind {
    pub const ALL: [GuaranteeKind; 5] = [
        GuaranteeKind::BankLetter,
        GuaranteeKind::TaxInsurance,
        GuaranteeKind::GroupFinance,
        GuaranteeKind::AdvancedExemption,
        GuaranteeKind::CashDeposit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GuaranteeKind::BankLetter => "bank_letter",
            GuaranteeKind::TaxInsurance => "tax_insurance",
            GuaranteeKind::GroupFinance => "group_finance",
            GuaranteeKind::AdvancedExemption => "advanced_exemption",
            GuaranteeKind::CashDeposit => "cash_deposit",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl From<GuaranteeKind> for domain::GuaranteeKind {
    fn from(k: GuaranteeKind) -> Self {
        match k {
            GuaranteeKind::BankLetter => domain::GuaranteeKind::BankLetter,
            GuaranteeKind::TaxInsurance => domain::GuaranteeKind::TaxInsurance,
            GuaranteeKind::GroupFinance => domain::GuaranteeKind::GroupFinance,
            GuaranteeKind::AdvancedExemption => domain::GuaranteeKind::AdvancedExemption,
            GuaranteeKind::CashDeposit => domain::GuaranteeKind::CashDeposit,
        }
    }
}

impl From<domain::GuaranteeKind> for GuaranteeKind {
    fn from(k: domain::GuaranteeKind) -> Self {
        match k {
            domain::GuaranteeKind::BankLetter => GuaranteeKind::BankLetter,
            domain::GuaranteeKind::TaxInsurance => GuaranteeKind::TaxInsurance,
            domain::GuaranteeKind::GroupFinance => GuaranteeKind::GroupFinance,
            domain::GuaranteeKind::AdvancedExemption => GuaranteeKind::AdvancedExemption,
            domain::GuaranteeKind::CashDeposit => GuaranteeKind::CashDeposit,
        }
    }
}

/// General (总担保: many declarations up to the quota) or single (单项担保:
/// one declaration). Wire names `general`, `single`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GuaranteeScope {
    General,
    Single,
}

impl GuaranteeScope {
    pub fn as_str(self) -> &'static str {
        match self {
            GuaranteeScope::General => "general",
            GuaranteeScope::Single => "single",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [GuaranteeScope::General, GuaranteeScope::Single]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

impl From<GuaranteeScope> for domain::GuaranteeScope {
    fn from(s: GuaranteeScope) -> Self {
        match s {
            GuaranteeScope::General => domain::GuaranteeScope::General,
            GuaranteeScope::Single => domain::GuaranteeScope::Single,
        }
    }
}

impl From<domain::GuaranteeScope> for GuaranteeScope {
    fn from(s: domain::GuaranteeScope) -> Self {
        match s {
            domain::GuaranteeScope::General => GuaranteeScope::General,
            domain::GuaranteeScope::Single => GuaranteeScope::Single,
        }
    }
}

/// A guarantee on record (担保备案) with its quota: one item of
/// `GET /v1/guarantees`. Field names are the domain `Guarantee`'s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Guarantee {
    /// Letter, policy, deposit or approval number (担保编号); its id in URLs.
    pub number: String,
    pub kind: GuaranteeKind,
    pub scope: GuaranteeScope,
    /// Bank, insurer or finance company; empty for an exemption.
    pub issuer: String,
    /// Group id of the issuing finance company (group finance only), else empty.
    #[serde(default)]
    pub issuer_group: String,
    /// Amount secured (担保额度), CNY.
    #[schema(value_type = String, example = "5000000.00")]
    pub amount: Decimal,
    /// Always `CNY`.
    pub currency: String,
    /// Reserved by released summary-tax declarations whose duties are unpaid.
    #[schema(value_type = String, example = "1250000.00")]
    pub quota_used: Decimal,
    /// `amount - quota_used`, never below zero.
    #[schema(value_type = String, example = "3750000.00")]
    pub quota_left: Decimal,
    /// First day of validity.
    pub valid_from: NaiveDate,
    /// Last day of validity (inclusive).
    pub valid_to: NaiveDate,
    /// Customs area it secures (关区, 4 digits, e.g. `0900`); the first two
    /// digits, the directly-under customs, must match the declaring customs.
    pub customs_area: String,
}

/// A decimal as the domain's text form: two places, `1250000.00`.
fn money_text(d: Decimal) -> String {
    let mut d = d.round_dp(2);
    d.rescale(2);
    d.to_string()
}

impl Guarantee {
    /// The domain's `Guarantee`: what `check_tax_choice` reads.
    pub fn to_domain(&self) -> domain::Guarantee {
        domain::Guarantee {
            kind: self.kind.into(),
            scope: self.scope.into(),
            issuer: self.issuer.clone(),
            issuer_group: self.issuer_group.clone(),
            number: self.number.clone(),
            amount: money_text(self.amount),
            currency: self.currency.clone(),
            valid_from: self.valid_from.format("%Y%m%d").to_string(),
            valid_to: self.valid_to.format("%Y%m%d").to_string(),
            customs_area: self.customs_area.clone(),
            quota_used: money_text(self.quota_used),
            quota_left: money_text(self.quota_left),
        }
    }
}

/// `GET /v1/guarantees`: the caller's guarantees, by number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GuaranteeList {
    pub items: Vec<Guarantee>,
}

/// `GET /v1/enterprise`: the caller enterprise, with what `check_tax_choice`
/// needs offline (rating, customs area, group, tripartite agreement).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EnterpriseProfile {
    /// Customs code (海关编码), 10 chars.
    pub customs_code: String,
    /// Unified social credit code (统一社会信用代码), 18 chars.
    pub scc: String,
    pub name_zh: String,
    pub name_en: String,
    /// Customs credit rating (信用等级).
    pub rating: CreditRating,
    /// Registered customs area (主管关区), 4 digits.
    pub customs_area: String,
    /// Enterprise group it belongs to (企业集团), if any.
    pub group: Option<String>,
    /// Tripartite agreement (三方协议: enterprise, bank, customs) for electronic payment.
    pub has_tripartite_agreement: bool,
}

impl EnterpriseProfile {
    /// The domain's `Enterprise`: what `check_tax_choice` reads.
    pub fn to_domain(&self) -> domain::Enterprise {
        domain::Enterprise {
            rating: self.rating.into(),
            customs_area: self.customs_area.clone(),
            group: self.group.clone(),
            has_tripartite_agreement: self.has_tripartite_agreement,
        }
    }
}

/// `POST /v1/declarations/{seq_no}/payment`: the duties of a released
/// summary-tax declaration are paid (汇总征税缴税) and its reservation on
/// the guarantee is released.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PaymentAnswer {
    /// Unified no. of the filing paid for.
    pub seq_no: String,
    /// Duties paid: the estimate reserved at release, CNY.
    #[schema(value_type = String, example = "122830.00")]
    pub amount_paid: Decimal,
    /// Quota given back to the guarantee (the same amount).
    #[schema(value_type = String, example = "122830.00")]
    pub quota_restored: Decimal,
    pub paid_at: DateTime<Utc>,
    /// The guarantee after the payment.
    pub guarantee: Guarantee,
}
