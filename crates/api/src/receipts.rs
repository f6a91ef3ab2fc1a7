//! Receipts (回执): what the Single Window says about a filing, pulled by
//! cursor.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Receipt channel codes (回执状态), as in the receipt code list, and the
/// mock's `COO-*` codes of certificate-of-origin applications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum ReceiptCode {
    /// 入海关预录入库: accepted into the customs database.
    L,
    /// 退单: rejected.
    E,
    /// 审结: cleared review.
    G,
    /// 放行: released.
    P,
    /// 结关: closed.
    R,
    /// 概要申报已入库: two-step summary accepted.
    SpL,
    /// 概要申报退单: summary rejected.
    SpE,
    /// 概要申报审结: summary cleared.
    SpJ,
    /// 准予提离: goods may leave the port.
    SpK,
    /// 修撤单已处理: the filing's document was amended (by the enterprise's
    /// amendment or by customs); read it again with `GET
    /// /v1/declarations/{seq_no}`. Leaves the filing's status as it was.
    M,
    /// 原产地证书申请已接收: certificate-of-origin application received.
    #[serde(rename = "COO-L")]
    CooL,
    /// 原产地证书签发: certificate of origin approved and issued.
    #[serde(rename = "COO-A")]
    CooA,
    /// 原产地证书申请退回: application rejected, with reasons.
    #[serde(rename = "COO-E")]
    CooE,
    /// 转人工审核: smart review handed the application to a person.
    #[serde(rename = "COO-M")]
    CooM,
}

impl ReceiptCode {
    /// The code as sent on the wire (`L`, `SpK` …).
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptCode::L => "L",
            ReceiptCode::E => "E",
            ReceiptCode::G => "G",
            ReceiptCode::P => "P",
            ReceiptCode::R => "R",
            ReceiptCode::SpL => "SpL",
            ReceiptCode::SpE => "SpE",
            ReceiptCode::SpJ => "SpJ",
            ReceiptCode::SpK => "SpK",
            ReceiptCode::M => "M",
            ReceiptCode::CooL => "COO-L",
            ReceiptCode::CooA => "COO-A",
            ReceiptCode::CooE => "COO-E",
            ReceiptCode::CooM => "COO-M",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "L" => ReceiptCode::L,
            "E" => ReceiptCode::E,
            "G" => ReceiptCode::G,
            "P" => ReceiptCode::P,
            "R" => ReceiptCode::R,
            "SpL" => ReceiptCode::SpL,
            "SpE" => ReceiptCode::SpE,
            "SpJ" => ReceiptCode::SpJ,
            "SpK" => ReceiptCode::SpK,
            "M" => ReceiptCode::M,
            "COO-L" => ReceiptCode::CooL,
            "COO-A" => ReceiptCode::CooA,
            "COO-E" => ReceiptCode::CooE,
            "COO-M" => ReceiptCode::CooM,
            _ => return None,
        })
    }
}

/// Why a filing was rejected: one rule, one field (退单原因).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RejectionReason {
    /// Rule id: the domain's (`DEC-X01` …) or a server-only one (`SW-…`).
    pub rule: String,
    /// Field path in the interchange form, e.g. `head.bill_no`.
    pub field: String,
    pub message_zh: String,
    pub message_en: String,
}

/// One receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Receipt {
    /// Position in the caller's receipt stream; pass as `since` to read after it.
    pub cursor: String,
    /// Unified no. (统一编号) of the filing; for a `COO-*` receipt, the
    /// origin application's number.
    pub seq_no: String,
    /// Customs no. (海关编号), once accepted.
    pub entry_id: Option<String>,
    pub client_seq_no: String,
    pub code: ReceiptCode,
    pub message_zh: String,
    pub message_en: String,
    /// Machine-readable reasons on `E`/`SpE`; empty otherwise.
    #[serde(default)]
    pub reasons: Vec<RejectionReason>,
    pub issued_at: DateTime<Utc>,
}

/// `GET /v1/receipts?since=…&limit=…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReceiptPage {
    pub receipts: Vec<Receipt>,
    /// Cursor to pass as `since` next time; equals `since` when the page is empty.
    pub next: String,
    /// More receipts are already waiting after `next`.
    pub has_more: bool,
}
