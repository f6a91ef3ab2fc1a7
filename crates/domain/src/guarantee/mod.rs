//! Paying and securing duties (税费支付与担保), policy measure 7: how a
//! declaration's duties are assessed and paid (self-assessment, summary tax
//! payment, electronic payment, paperless tax bill, deferral) and the
//! guarantees an enterprise keeps that those choices draw on (bank letter,
//! tax-guarantee insurance, group finance company, advanced-certified
//! exemption, cash deposit).
//!
//! The client's job is to say *before* the user declares whether a choice
//! can work: an expired guarantee, one of another customs area, an
//! exhausted quota or a credit rating that forbids the choice all fail at
//! customs otherwise. So:
//! - [`check_tax_choice`] checks a declaration's choice (`TAX-*` rules, [`RULES`]);
//! - [`available_choices`] explains which options are open to an enterprise
//!   and why the others are not;
//! - [`guarantee_warnings`] flags a guarantee about to expire or run out;
//! - [`document_type_for`] derives the declaration's document type (单据类型).
//!
//! As elsewhere in the domain, typed amounts and dates are text and parsed
//! here; money is `rust_decimal`. Rules marked *assumed* in
//! `docs/formats/tax-guarantee.md` are kept in one place each, easy to change.

mod choices;
mod document_type;
mod rules;
#[cfg(test)]
mod tests;

pub use choices::{available_choices, ChoiceAvailability, TaxOption};
pub use document_type::document_type_for;
pub use rules::{
    check_tax_choice, guarantee_warnings, rule, EXPIRING_WITHIN_DAYS, LOW_QUOTA_PERCENT, RULES,
};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Who computes the duties.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Assessment {
    /// Customs computes (default).
    #[default]
    Customs,
    /// Self-assessment, 自报自缴: the enterprise computes, declares and pays.
    SelfAssessment,
}

/// Deferred or instalment payment (document types `TT` / `IT`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Deferral {
    #[default]
    None,
    /// Deferred payment, 延期缴纳 (`TT`).
    Deferred,
    /// Payment by instalments, 分期缴纳 (`IT`).
    Instalment,
}

/// How a declaration's duties are paid (税费支付方式). Kept beside the
/// declaration, not inside it: the declaration carries only its results
/// (document type, `ChkSurety`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TaxPaymentChoice {
    pub assessment: Assessment,
    /// Electronic payment, 电子支付 (through a tripartite agreement).
    pub electronic_payment: bool,
    /// Summary tax payment, 汇总征税 (`CL`).
    pub summary_tax: bool,
    /// Paperless tax bill, 税单无纸化 (`SW`).
    pub paperless_tax_bill: bool,
    /// Release on guarantee, 担保验放 (`ChkSurety`).
    pub release_on_guarantee: bool,
    pub deferral: Deferral,
    /// Number of the guarantee this declaration draws on; empty when none.
    pub guarantee_no: String,
}

/// Guarantee instrument (担保方式).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GuaranteeKind {
    /// Bank letter of guarantee, 银行保函.
    BankLetter,
    /// Tax-guarantee insurance, 关税保证保险.
    TaxInsurance,
    /// Group finance company guarantee, 企业集团财务公司担保.
    GroupFinance,
    /// Advanced-certified enterprise exemption, 高级认证企业免担保 (no instrument).
    AdvancedExemption,
    /// Cash deposit, 保证金.
    CashDeposit,
}

impl GuaranteeKind {
    /// Whether the kind has an amount, a quota and a validity period to
    /// check. The exemption is a status, not an instrument.
    pub fn has_quota(self) -> bool {
        self != GuaranteeKind::AdvancedExemption
    }

    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            GuaranteeKind::BankLetter => ("银行保函", "bank letter of guarantee"),
            GuaranteeKind::TaxInsurance => ("关税保证保险", "tax-guarantee insurance"),
            GuaranteeKind::GroupFinance => {
                ("企业集团财务公司担保", "group finance company guarantee")
            }
            GuaranteeKind::AdvancedExemption => {
                ("高级认证企业免担保", "advanced-certified exemption")
            }
            GuaranteeKind::CashDeposit => ("保证金", "cash deposit"),
        }
    }
}

/// General (总担保, many declarations up to its quota) or single (单项担保,
/// one declaration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GuaranteeScope {
    General,
    Single,
}

/// A guarantee on record with customs (担保备案).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Guarantee {
    pub kind: GuaranteeKind,
    pub scope: GuaranteeScope,
    /// Bank, insurer or finance company; empty for the exemption and a cash deposit.
    #[serde(default)]
    pub issuer: String,
    /// Group id of the issuing finance company (group finance guarantees only).
    #[serde(default)]
    pub issuer_group: String,
    /// Letter, policy or deposit number.
    #[serde(default)]
    pub number: String,
    /// Amount secured, ≤15 + 2 digits.
    #[serde(default)]
    pub amount: String,
    /// `CNY`.
    #[serde(default)]
    pub currency: String,
    /// `yyyyMMdd`.
    #[serde(default)]
    pub valid_from: String,
    /// `yyyyMMdd`, last day of validity.
    #[serde(default)]
    pub valid_to: String,
    /// Customs area (4 digits): the beneficiary customs; the first two digits
    /// are the directly-under customs (`09` Dalian, `08` Shenyang).
    #[serde(default)]
    pub customs_area: String,
    /// Part of the quota reserved by released goods.
    #[serde(default)]
    pub quota_used: String,
    /// Part of the quota still free.
    #[serde(default)]
    pub quota_left: String,
}

/// Customs credit rating (企业信用等级) [assumed model].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CreditRating {
    /// 高级认证企业 (AEO advanced certified).
    AdvancedCertified,
    /// 一般信用企业.
    General,
    /// 失信企业.
    Discredited,
}

/// The declaring enterprise, as far as tax choices care.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Enterprise {
    pub rating: CreditRating,
    /// Registered customs area, 4 digits.
    #[serde(default)]
    pub customs_area: String,
    /// Id of the enterprise group it belongs to, if any.
    #[serde(default)]
    pub group: Option<String>,
    /// Tripartite agreement (enterprise, bank, customs) for electronic payment.
    #[serde(default)]
    pub has_tripartite_agreement: bool,
}
