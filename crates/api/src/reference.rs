//! Reference data (参数数据) the client caches for offline use: the code
//! lists and the published port fees (measure 18, 口岸收费目录清单).

use chrono::NaiveDate;
use portdesk_domain::CodeList;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `GET /v1/reference/code-lists`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CodeListsResponse {
    /// The latest `version_date` of all lists; changes whenever one does.
    pub version: String,
    /// Every code list with its own `version_date`.
    #[schema(value_type = Vec<Object>)]
    pub lists: Vec<CodeList>,
}

/// One published port charge (口岸收费项目).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PortFee {
    /// Port code (6 chars, as in the port list), e.g. `210200` Dalian.
    pub port_code: String,
    pub port_zh: String,
    pub port_en: String,
    /// Who charges it (收费单位).
    pub operator_zh: String,
    pub operator_en: String,
    /// Stable id of the service, e.g. `THC-20`.
    pub service_code: String,
    pub service_zh: String,
    pub service_en: String,
    /// Charging unit (计费单位).
    pub unit_zh: String,
    pub unit_en: String,
    #[schema(value_type = String, example = "690.00")]
    pub price: Decimal,
    pub currency: String,
    pub effective_date: NaiveDate,
    /// Basis or caveat, e.g. a government-set price.
    #[serde(default)]
    pub note: String,
}

/// `GET /v1/reference/port-fees`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PortFeesResponse {
    /// Date of the catalogue, `yyyy-mm-dd`.
    pub version: String,
    /// Where the catalogue comes from.
    pub source: String,
    pub fees: Vec<PortFee>,
}
