//! Logging in (登录) and refreshing the bearer token.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::guarantees::CreditRating;

/// `POST /v1/auth/login`: enterprise customs code + operator + password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Enterprise customs code (海关编码), 10 chars, e.g. `2102961234`.
    pub customs_code: String,
    /// Operator id (操作员), e.g. `op01`.
    pub operator: String,
    pub password: String,
}

/// `POST /v1/auth/refresh`: trade a refresh token for a new token pair.
/// The old refresh token stops working (rotation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// The enterprise a token acts for (企业).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EnterpriseSummary {
    /// Customs code (海关编码), 10 chars.
    pub customs_code: String,
    /// Unified social credit code (统一社会信用代码), 18 chars, GB 32100.
    pub scc: String,
    /// Registered name (企业名称).
    pub name_zh: String,
    pub name_en: String,
    /// Customs credit rating (信用等级).
    pub credit_rating: CreditRating,
    /// Directly-under customs area it is registered with (主管关区), e.g. `0900`.
    pub customs_area: String,
    /// Customs codes of the enterprises it may declare for (代理申报委托).
    pub declares_for: Vec<String>,
}

/// Answer of login and refresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    /// Bearer token for `Authorization: Bearer …`.
    pub token: String,
    /// Always `Bearer`.
    pub token_type: String,
    pub expires_at: DateTime<Utc>,
    /// Seconds from issue to expiry.
    pub expires_in: u64,
    /// Single-use token for `POST /v1/auth/refresh`.
    pub refresh_token: String,
    pub refresh_expires_at: DateTime<Utc>,
    pub operator: String,
    pub enterprise: EnterpriseSummary,
}
