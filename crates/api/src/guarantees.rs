//! Credit ratings and guarantees (信用等级与担保), as the server keeps them.
//! Quota reservation and restoration build on these types.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Customs credit rating of an enterprise (企业信用等级).
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
    pub fn as_str(self) -> &'static str {
        match self {
            CreditRating::AdvancedCertified => "advanced_certified",
            CreditRating::General => "general",
            CreditRating::Discredited => "discredited",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            CreditRating::AdvancedCertified,
            CreditRating::General,
            CreditRating::Discredited,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// Guarantee instrument (担保方式).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GuaranteeKind {
    /// 银行保函.
    BankLetterOfGuarantee,
    /// 关税保证保险.
    TaxGuaranteeInsurance,
    /// 企业集团财务公司担保.
    GroupFinanceCompany,
    /// 高级认证企业免担保.
    AdvancedCertifiedExemption,
    /// 保证金.
    CashDeposit,
}

impl GuaranteeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GuaranteeKind::BankLetterOfGuarantee => "bank_letter_of_guarantee",
            GuaranteeKind::TaxGuaranteeInsurance => "tax_guarantee_insurance",
            GuaranteeKind::GroupFinanceCompany => "group_finance_company",
            GuaranteeKind::AdvancedCertifiedExemption => "advanced_certified_exemption",
            GuaranteeKind::CashDeposit => "cash_deposit",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            GuaranteeKind::BankLetterOfGuarantee,
            GuaranteeKind::TaxGuaranteeInsurance,
            GuaranteeKind::GroupFinanceCompany,
            GuaranteeKind::AdvancedCertifiedExemption,
            GuaranteeKind::CashDeposit,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// A guarantee on record (担保备案) with its quota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Guarantee {
    /// Guarantee no.: letter, policy or deposit receipt number.
    pub guarantee_no: String,
    pub kind: GuaranteeKind,
    /// Customs code of the enterprise it secures.
    pub enterprise_customs_code: String,
    /// Bank, insurer or finance company; empty for an exemption or a deposit.
    pub issuer: String,
    /// Quota (担保额度).
    #[schema(value_type = String, example = "5000000.00")]
    pub amount: Decimal,
    pub currency: String,
    /// Quota reserved by released goods whose duties are not yet paid.
    #[schema(value_type = String, example = "1250000.00")]
    pub quota_used: Decimal,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// Customs area it is valid for (关区), e.g. `0900`.
    pub customs_area: String,
}
