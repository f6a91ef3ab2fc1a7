//! Identity and tenancy (身份认证): login, token refresh, and the [`Tenant`]
//! every protected handler acts for.
//!
//! Tokens are random, handed out once, and stored only as SHA-256 digests.
//! An expired token answers `token_expired`, an unknown one `unauthorized`,
//! so a client knows whether refreshing can help.

use argon2::{Argon2, PasswordHash, PasswordVerifier};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::Json;
use portdesk_api::{
    CreditRating, EnterpriseSummary, ErrorBody, LoginRequest, RefreshRequest, TokenResponse,
};
use sha2::{Digest, Sha256};
use sqlx::Row;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::clock::to_datetime;
use crate::error::{ApiError, JsonBody};
use crate::AppState;

/// Refresh tokens live a week (server time).
const REFRESH_TTL_MS: i64 = 7 * 24 * 3600 * 1000;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(refresh))
}

/// The enterprise and operator a request acts for (当前企业).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub enterprise_id: i64,
    pub customs_code: String,
    pub scc: String,
    pub operator_id: i64,
}

impl FromRequestParts<AppState> for Tenant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        // The /v1 guard authenticates writes before the handler runs.
        if let Some(t) = parts.extensions.get::<Tenant>() {
            return Ok(t.clone());
        }
        authenticate(state, &parts.headers).await
    }
}

/// SHA-256 hex digest of a token: what the database keeps.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token(prefix: &str) -> String {
    format!("{prefix}{}", hex::encode(rand::random::<[u8; 32]>()))
}

/// Checks the bearer token of a request.
pub async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Tenant, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::unauthorized("a bearer token is required"))?;
    let row = sqlx::query(
        "SELECT t.expires_at, t.revoked, t.operator_id, e.id, e.customs_code, e.scc
         FROM tokens t JOIN enterprises e ON e.id = t.enterprise_id
         WHERE t.token_hash = ? AND t.kind = 'access'",
    )
    .bind(token_digest(token))
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| ApiError::unauthorized("unknown token"))?;
    if row.get::<i64, _>(1) != 0 {
        return Err(ApiError::unauthorized("revoked token"));
    }
    if row.get::<i64, _>(0) <= state.clock.now_ms() {
        return Err(ApiError::token_expired());
    }
    Ok(Tenant {
        operator_id: row.get(2),
        enterprise_id: row.get(3),
        customs_code: row.get(4),
        scc: row.get(5),
    })
}

/// Log in (登录) with customs code, operator and password.
#[utoipa::path(
    post,
    path = "/v1/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Token pair", body = TokenResponse),
        (status = 401, description = "Wrong customs code, operator or password", body = ErrorBody),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<LoginRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let row = sqlx::query(
        "SELECT o.id, o.password_hash, e.id FROM operators o
         JOIN enterprises e ON e.id = o.enterprise_id
         WHERE e.customs_code = ? AND o.operator = ?",
    )
    .bind(&req.customs_code)
    .bind(&req.operator)
    .fetch_optional(&state.db)
    .await?;
    let denied = || ApiError::unauthorized("wrong customs code, operator or password");
    let row = row.ok_or_else(denied)?;
    let hash: String = row.get(1);
    // Verification is CPU work: keep it off the async workers.
    let password = req.password.clone();
    let ok = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false);
    if !ok {
        tracing::info!(customs_code = %req.customs_code, operator = %req.operator, "login refused");
        return Err(denied());
    }
    let answer = issue_tokens(&state, row.get(2), row.get(0), &req.operator).await?;
    tracing::info!(customs_code = %req.customs_code, operator = %req.operator, "logged in");
    Ok(Json(answer))
}

/// Trade a refresh token for a new token pair (刷新令牌).
#[utoipa::path(
    post,
    path = "/v1/auth/refresh",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New token pair; the old refresh token is spent", body = TokenResponse),
        (status = 401, description = "Unknown, spent or expired refresh token", body = ErrorBody),
    )
)]
pub async fn refresh(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<RefreshRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let digest = token_digest(&req.refresh_token);
    let row = sqlx::query(
        "SELECT t.enterprise_id, t.operator_id, t.expires_at, t.revoked, o.operator
         FROM tokens t JOIN operators o ON o.id = t.operator_id
         WHERE t.token_hash = ? AND t.kind = 'refresh'",
    )
    .bind(&digest)
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| ApiError::unauthorized("unknown refresh token"))?;
    if row.get::<i64, _>(3) != 0 {
        return Err(ApiError::unauthorized("refresh token already used"));
    }
    if row.get::<i64, _>(2) <= state.clock.now_ms() {
        return Err(ApiError::token_expired());
    }
    sqlx::query("UPDATE tokens SET revoked = 1 WHERE token_hash = ?")
        .bind(&digest)
        .execute(&state.db)
        .await?;
    let operator: String = row.get(4);
    Ok(Json(
        issue_tokens(&state, row.get(0), row.get(1), &operator).await?,
    ))
}

async fn issue_tokens(
    state: &AppState,
    enterprise_id: i64,
    operator_id: i64,
    operator: &str,
) -> Result<TokenResponse, ApiError> {
    let now = state.clock.now_ms();
    let expires_at = now + (state.token_ttl_secs as i64) * 1000;
    let refresh_expires_at = now + REFRESH_TTL_MS;
    let token = new_token("mwa_");
    let refresh_token = new_token("mwr_");
    let mut tx = state.db.begin().await?;
    for (t, kind, exp) in [
        (&token, "access", expires_at),
        (&refresh_token, "refresh", refresh_expires_at),
    ] {
        sqlx::query(
            "INSERT INTO tokens (token_hash, kind, enterprise_id, operator_id, expires_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(token_digest(t))
        .bind(kind)
        .bind(enterprise_id)
        .bind(operator_id)
        .bind(exp)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(TokenResponse {
        token,
        token_type: "Bearer".into(),
        expires_at: to_datetime(expires_at),
        expires_in: state.token_ttl_secs,
        refresh_token,
        refresh_expires_at: to_datetime(refresh_expires_at),
        operator: operator.to_owned(),
        enterprise: enterprise_summary(state, enterprise_id).await?,
    })
}

/// The enterprise as the API shows it.
pub async fn enterprise_summary(
    state: &AppState,
    enterprise_id: i64,
) -> Result<EnterpriseSummary, ApiError> {
    let row = sqlx::query(
        "SELECT customs_code, scc, name_zh, name_en, credit_rating, customs_area
         FROM enterprises WHERE id = ?",
    )
    .bind(enterprise_id)
    .fetch_one(&state.db)
    .await?;
    let declares_for: Vec<String> = sqlx::query_scalar(
        "SELECT p.customs_code FROM agent_relations r JOIN enterprises p ON p.id = r.principal_id
         WHERE r.agent_id = ? ORDER BY p.customs_code",
    )
    .bind(enterprise_id)
    .fetch_all(&state.db)
    .await?;
    let rating: String = row.get(4);
    Ok(EnterpriseSummary {
        customs_code: row.get(0),
        scc: row.get(1),
        name_zh: row.get(2),
        name_en: row.get(3),
        credit_rating: CreditRating::parse(&rating)
            .ok_or_else(|| ApiError::Corrupt(format!("credit rating {rating}")))?,
        customs_area: row.get(5),
        declares_for,
    })
}

/// Whether `agent` may declare for the enterprise with customs code `principal`.
pub async fn may_declare_for(
    state: &AppState,
    agent_id: i64,
    principal: &str,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM agent_relations r JOIN enterprises p ON p.id = r.principal_id
         WHERE r.agent_id = ? AND p.customs_code = ?",
    )
    .bind(agent_id)
    .bind(principal)
    .fetch_optional(&state.db)
    .await?;
    Ok(found.is_some())
}
