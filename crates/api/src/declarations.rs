//! Declarations (报关单申报): submission envelopes and the server's answers.

use chrono::{DateTime, Utc};
use portdesk_domain::{Declaration, FilingMode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::guarantees::TaxPaymentChoice;
use crate::receipts::Receipt;

/// `POST /v1/declarations` and `POST /v1/declarations/{seq_no}/complete`.
///
/// The declaration's own `client_seq_no` is the client's document id: the
/// server never creates two filings for one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitDeclaration {
    /// The declaration in the interchange form (`docs/formats/declaration.md`).
    #[schema(value_type = Object)]
    pub declaration: Declaration,
    /// Guarantee (担保) the declaration draws on, by its number. Older form
    /// of `tax_payment.guarantee_no`: used when `tax_payment` names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guarantee_no: Option<String>,
    /// How the duties are paid (税费支付方式): the domain's
    /// `TaxPaymentChoice` (`docs/formats/tax-guarantee.md`): `assessment`
    /// (`customs`/`self_assessment`), `electronic_payment`, `summary_tax`,
    /// `paperless_tax_bill`, `release_on_guarantee`, `deferral`
    /// (`none`/`deferred`/`instalment`), `guarantee_no`; every key optional.
    /// Checked with `check_tax_choice` (`TAX-*` rule ids); absent = customs
    /// assessment, nothing to secure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub tax_payment: Option<TaxPaymentChoice>,
}

/// Where a filing stands (申报状态): the meaning of its latest receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FilingStatus {
    /// `E`/`SpE`: rejected (退单).
    Rejected,
    /// `SpL`: two-step summary accepted.
    SummaryAccepted,
    /// `SpJ`: summary cleared.
    SummaryCleared,
    /// `SpK`: goods may leave the port; waiting for the complete declaration.
    SummaryReleased,
    /// `L`: accepted into the customs database.
    Accepted,
    /// `G`: cleared review (审结).
    Cleared,
    /// `P`: released (放行).
    Released,
    /// `R`: closed (结关).
    Closed,
}

impl FilingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FilingStatus::Rejected => "rejected",
            FilingStatus::SummaryAccepted => "summary_accepted",
            FilingStatus::SummaryCleared => "summary_cleared",
            FilingStatus::SummaryReleased => "summary_released",
            FilingStatus::Accepted => "accepted",
            FilingStatus::Cleared => "cleared",
            FilingStatus::Released => "released",
            FilingStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            FilingStatus::Rejected,
            FilingStatus::SummaryAccepted,
            FilingStatus::SummaryCleared,
            FilingStatus::SummaryReleased,
            FilingStatus::Accepted,
            FilingStatus::Cleared,
            FilingStatus::Released,
            FilingStatus::Closed,
        ]
        .into_iter()
        .find(|f| f.as_str() == s)
    }
}

/// The answer of every declaration write: the server's ids and a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FilingAnswer {
    /// Unified no. (统一编号, SeqNo), 18 chars; also the filing's id in URLs.
    pub seq_no: String,
    /// Customs no. (海关编号, EntryId), 18 digits, once accepted.
    pub entry_id: Option<String>,
    pub client_seq_no: String,
    #[schema(value_type = String, example = "one_step")]
    pub filing_mode: FilingMode,
    pub status: FilingStatus,
    /// The receipt this write produced (or, for an existing filing, its latest).
    pub receipt: Receipt,
}

/// Why an amendment (修撤单) is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AmendmentReason {
    /// Import date changed (进口日期变更). Tolerated after advance or two-step declaration.
    ImportDateChange,
    /// Conveyance changed: reloading, stowage (运输工具变更/换装/配载). Tolerated likewise.
    ConveyanceChange,
    /// Mistyped or wrong data (录入错误).
    DataEntryError,
    /// Quantity or weight changed (数量/重量变更).
    QuantityChange,
    /// Price changed (价格变更).
    PriceChange,
    /// Commodity code changed (商品编号变更).
    CommodityCodeChange,
    /// Anything else (其他).
    Other,
}

impl AmendmentReason {
    pub fn as_str(self) -> &'static str {
        match self {
            AmendmentReason::ImportDateChange => "import_date_change",
            AmendmentReason::ConveyanceChange => "conveyance_change",
            AmendmentReason::DataEntryError => "data_entry_error",
            AmendmentReason::QuantityChange => "quantity_change",
            AmendmentReason::PriceChange => "price_change",
            AmendmentReason::CommodityCodeChange => "commodity_code_change",
            AmendmentReason::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
    }

    /// Whether policy measure 1 (容错) may excuse this reason: only after an
    /// advance or two-step declaration, decided by the server.
    pub fn is_tolerable(self) -> bool {
        matches!(
            self,
            AmendmentReason::ImportDateChange | AmendmentReason::ConveyanceChange
        )
    }

    /// Whether an amendment for this reason of a filing made in advance or
    /// in two steps (`two_step`: summary or complete) is tolerated (不记录差错):
    /// the server's rule, also what the exchange-folder transport reports,
    /// since the client's import response does not say.
    pub fn tolerated_on(self, advance: bool, two_step: bool) -> bool {
        self.is_tolerable() && (advance || two_step)
    }
}

/// One changed field of an amendment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldChange {
    /// Field path, e.g. `head.ie_date`.
    pub field: String,
    pub value: String,
}

/// `POST /v1/declarations/{seq_no}/amendments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AmendmentRequest {
    /// The client's own id of this amendment: one amendment per id, ever.
    pub client_seq_no: String,
    pub reason: AmendmentReason,
    #[serde(default)]
    pub changes: Vec<FieldChange>,
    #[serde(default)]
    pub note: String,
}

/// An amendment as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AmendmentAnswer {
    pub amendment_id: i64,
    pub client_seq_no: String,
    /// Unified no. of the amended filing.
    pub seq_no: String,
    pub reason: AmendmentReason,
    pub changes: Vec<FieldChange>,
    /// Tolerated under measure 1 (容错): not a declaration error.
    pub no_error_recorded: bool,
    /// Counted as a declaration error (申报差错) against the enterprise.
    pub error_recorded: bool,
    /// The enterprise's declaration errors recorded so far, this one included.
    pub errors_recorded_total: i64,
    pub created_at: DateTime<Utc>,
}

/// `GET /v1/declarations/{seq_no}`: a filing with its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FilingView {
    pub seq_no: String,
    pub entry_id: Option<String>,
    pub client_seq_no: String,
    #[schema(value_type = String, example = "one_step")]
    pub filing_mode: FilingMode,
    pub advance: bool,
    pub status: FilingStatus,
    pub created_at: DateTime<Utc>,
    /// When the two-step summary was accepted (`SpL`); the 14 days run from here.
    pub summary_accepted_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub guarantee_no: Option<String>,
    /// The tax-payment choice as last submitted, if any.
    #[schema(value_type = Option<Object>)]
    pub tax_payment: Option<TaxPaymentChoice>,
    /// Duty estimate (CNY) the guarantee's quota must cover: 10 % of the
    /// line totals at the mock's fixed rates (`docs/mock-window.md`).
    #[schema(value_type = Option<String>, example = "122830.00")]
    pub duty_estimate: Option<rust_decimal::Decimal>,
    /// Quota reserved on the guarantee at release (`P`), until paid.
    #[schema(value_type = Option<String>, example = "122830.00")]
    pub quota_reserved: Option<rust_decimal::Decimal>,
    /// When the duties were paid (`POST …/payment`).
    pub paid_at: Option<DateTime<Utc>>,
    /// The declaration as last submitted (the complete one after step 2).
    #[schema(value_type = Object)]
    pub declaration: Declaration,
    pub receipts: Vec<Receipt>,
    pub amendments: Vec<AmendmentAnswer>,
}

/// `GET /v1/declarations`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FilingList {
    pub items: Vec<FilingView>,
}

/// Applies an amendment's field changes to a declaration: the server to its
/// stored filing, the client to its draft, so both arrive at the same
/// document. A field is a dot path in the interchange form (`head.ie_date`,
/// `lines.0.quantity`); the value replaces a text field, or sets a yes/no
/// field from `true`/`false`. Errors name the field that could not be set.
pub fn apply_changes(
    declaration: &Declaration,
    changes: &[FieldChange],
) -> Result<Declaration, FieldChangeError> {
    let mut doc = serde_json::to_value(declaration).map_err(|e| FieldChangeError {
        field: String::new(),
        message: e.to_string(),
    })?;
    for c in changes {
        let err = |message: &str| FieldChangeError {
            field: c.field.clone(),
            message: message.to_owned(),
        };
        let mut at = &mut doc;
        for part in c.field.split('.') {
            at = match at {
                serde_json::Value::Object(map) => map.get_mut(part),
                serde_json::Value::Array(items) => {
                    part.parse::<usize>().ok().and_then(|i| items.get_mut(i))
                }
                _ => None,
            }
            .ok_or_else(|| err("no such field"))?;
        }
        *at = match at {
            serde_json::Value::String(_) | serde_json::Value::Null => {
                serde_json::Value::String(c.value.clone())
            }
            serde_json::Value::Bool(_) => {
                serde_json::Value::Bool(c.value.parse().map_err(|_| err("expects true or false"))?)
            }
            _ => return Err(err("not a single value")),
        };
    }
    serde_json::from_value(doc).map_err(|e| FieldChangeError {
        field: changes.first().map(|c| c.field.clone()).unwrap_or_default(),
        message: e.to_string(),
    })
}

/// A field change that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChangeError {
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for FieldChangeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for FieldChangeError {}

#[cfg(test)]
mod tests {
    use super::*;
    use portdesk_domain::IeFlag;

    #[test]
    fn changes_apply_by_path_and_name_the_bad_field() {
        let mut d = Declaration::new("PD0000000000000001".into(), IeFlag::I);
        d.head.ie_date = "20261103".into();
        let changed = apply_changes(
            &d,
            &[
                FieldChange {
                    field: "head.ie_date".into(),
                    value: "20261110".into(),
                },
                FieldChange {
                    field: "advance".into(),
                    value: "true".into(),
                },
            ],
        )
        .unwrap();
        assert_eq!(changed.head.ie_date, "20261110");
        assert!(changed.advance);
        assert_eq!(d.head.ie_date, "20261103", "the original is untouched");
        let e = apply_changes(
            &d,
            &[FieldChange {
                field: "head.no_such".into(),
                value: "x".into(),
            }],
        )
        .unwrap_err();
        assert_eq!(e.field, "head.no_such");
    }
}
