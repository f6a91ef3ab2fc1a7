//! Identity and tenancy (身份认证): login, token refresh, and the [`Tenant`]
//! every protected handler acts for.
//!
//! Tokens are random, handed out once, and stored only as SHA-256 digests.
//! An expired token answers `token_expired`, an unknown one `unauthorized`,
//! so a client knows whether refreshing can help.
//!
//! Refresh tokens come in families (one per login); a spent one presented
//! again revokes its family. Logins pass [`crate::throttle`] first.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use argon2::{Argon2, PasswordHash, PasswordVerifier};
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::{Extension, Json};
use portdesk_api::{
    error_code, CreditRating, EnterpriseSummary, ErrorBody, LoginRequest, RefreshRequest,
    TokenResponse,
};
use sha2::{Digest, Sha256};
use sqlx::{Row, SqliteConnection};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::clock::to_datetime;
use crate::error::{ApiError, JsonBody};
use crate::throttle::OperatorKey;
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
///
/// Throttled per operator and per client address (429 with `Retry-After`);
/// an unknown operator is checked against a dummy hash of the same cost, so
/// it takes as long and counts the same (see [`crate::throttle`]).
#[utoipa::path(
    post,
    path = "/v1/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Token pair", body = TokenResponse),
        (status = 401, description = "Wrong customs code, operator or password", body = ErrorBody),
        (status = 429, description = "Too many failed logins for this operator or address; see Retry-After", body = ErrorBody),
        (status = 503, description = "Too many logins being checked at once; see Retry-After", body = ErrorBody),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    JsonBody(req): JsonBody<LoginRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let addr = peer.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |Extension(c)| c.0.ip());
    let key = OperatorKey {
        customs_code: req.customs_code.clone(),
        operator: req.operator.clone(),
    };
    let attempt = state.throttle.admit(key, addr).map_err(|wait| {
        tracing::info!(customs_code = %req.customs_code, operator = %req.operator, %addr, wait, "login throttled");
        ApiError::retry_after(
            StatusCode::TOO_MANY_REQUESTS,
            error_code::RATE_LIMITED,
            "too many failed logins for this operator or from this address",
            wait,
        )
    })?;
    let row = sqlx::query(
        "SELECT o.id, o.password_hash, e.id FROM operators o
         JOIN enterprises e ON e.id = o.enterprise_id
         WHERE e.customs_code = ? AND o.operator = ?",
    )
    .bind(&req.customs_code)
    .bind(&req.operator)
    .fetch_optional(&state.db)
    .await?;
    // No such operator: the same work against a hash no password matches.
    let hash: String = match &row {
        Some(r) => r.get(1),
        None => state.dummy_hash.as_str().to_owned(),
    };
    let Some(place) = state.hash_gate.enter() else {
        // Not checked, so neither a failure nor a success.
        attempt.abandon();
        return Err(ApiError::retry_after(
            StatusCode::SERVICE_UNAVAILABLE,
            error_code::UNAVAILABLE,
            "too many logins are being checked at once",
            1,
        ));
    };
    let permit = state.hash_gate.run_permit(&place).await;
    // Verification is CPU work: keep it off the async workers. The permit
    // moves into the blocking task, so a client that hangs up does not free
    // a place while its check still runs (and holds its memory).
    let password = req.password.clone();
    let verified = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false);
    drop(place);
    let row = match row {
        Some(row) if verified => row,
        _ => {
            attempt.failed();
            tracing::info!(customs_code = %req.customs_code, operator = %req.operator, "login refused");
            return Err(ApiError::unauthorized(
                "wrong customs code, operator or password",
            ));
        }
    };
    attempt.succeeded();
    let family = hex::encode(rand::random::<[u8; 16]>());
    let mut tx = state.db.begin().await?;
    let pair = insert_pair(&state, &mut tx, row.get(2), row.get(0), &family).await?;
    tx.commit().await?;
    let answer = token_response(&state, pair, row.get(2), &req.operator).await?;
    tracing::info!(customs_code = %req.customs_code, operator = %req.operator, "logged in");
    Ok(Json(answer))
}

/// Trade a refresh token for a new token pair (刷新令牌).
///
/// A refresh token is spent once: the spend is one conditional update in
/// the same transaction that issues the new pair, so of several parallel
/// refreshes exactly one wins. Presenting a spent refresh token again means
/// two parties hold it (one of them a thief): every token of its family
/// (the login it descends from) is revoked, and both must log in again.
#[utoipa::path(
    post,
    path = "/v1/auth/refresh",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New token pair; the old refresh token is spent", body = TokenResponse),
        (status = 401, description = "Unknown, spent or expired refresh token (a spent one revokes its whole family)", body = ErrorBody),
    )
)]
pub async fn refresh(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<RefreshRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let digest = token_digest(&req.refresh_token);
    let mut tx = state.db.begin().await?;
    let row = sqlx::query(
        "SELECT t.enterprise_id, t.operator_id, t.expires_at, t.revoked, o.operator, t.family
         FROM tokens t JOIN operators o ON o.id = t.operator_id
         WHERE t.token_hash = ? AND t.kind = 'refresh'",
    )
    .bind(&digest)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| ApiError::unauthorized("unknown refresh token"))?;
    let family: Option<String> = row.get(5);
    if row.get::<i64, _>(3) != 0 {
        return Err(reuse(tx, family.as_deref()).await?);
    }
    if row.get::<i64, _>(2) <= state.clock.now_ms() {
        return Err(ApiError::token_expired());
    }
    let spent = sqlx::query("UPDATE tokens SET revoked = 1 WHERE token_hash = ? AND revoked = 0")
        .bind(&digest)
        .execute(&mut *tx)
        .await?;
    if spent.rows_affected() != 1 {
        // Spent between the read and the update: a reuse all the same.
        return Err(reuse(tx, family.as_deref()).await?);
    }
    // Tokens from before families existed start one now.
    let family = family.unwrap_or_else(|| hex::encode(rand::random::<[u8; 16]>()));
    let pair = insert_pair(&state, &mut tx, row.get(0), row.get(1), &family).await?;
    tx.commit().await?;
    let operator: String = row.get(4);
    Ok(Json(
        token_response(&state, pair, row.get(0), &operator).await?,
    ))
}

/// A spent refresh token presented again: revokes its family, and the answer.
async fn reuse(
    mut tx: sqlx::Transaction<'_, sqlx::Sqlite>,
    family: Option<&str>,
) -> Result<ApiError, ApiError> {
    let Some(family) = family else {
        return Ok(ApiError::unauthorized("refresh token already used"));
    };
    let revoked = sqlx::query("UPDATE tokens SET revoked = 1 WHERE family = ? AND revoked = 0")
        .bind(family)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::warn!(
        revoked = revoked.rows_affected(),
        "a spent refresh token was presented again: its family is revoked"
    );
    Ok(ApiError::unauthorized(
        "refresh token already used; every token of this login is revoked, log in again",
    ))
}

/// A token pair just stored, before it becomes an answer.
struct Pair {
    token: String,
    expires_at: i64,
    refresh_token: String,
    refresh_expires_at: i64,
}

/// Stores a new access and refresh token of `family` in the caller's transaction.
async fn insert_pair(
    state: &AppState,
    conn: &mut SqliteConnection,
    enterprise_id: i64,
    operator_id: i64,
    family: &str,
) -> Result<Pair, ApiError> {
    let now = state.clock.now_ms();
    let ttl_ms = i64::try_from(state.token_ttl_secs)
        .unwrap_or(i64::MAX)
        .saturating_mul(1000);
    let pair = Pair {
        token: new_token("mwa_"),
        expires_at: now.saturating_add(ttl_ms),
        refresh_token: new_token("mwr_"),
        refresh_expires_at: now.saturating_add(REFRESH_TTL_MS),
    };
    for (t, kind, exp) in [
        (&pair.token, "access", pair.expires_at),
        (&pair.refresh_token, "refresh", pair.refresh_expires_at),
    ] {
        sqlx::query(
            "INSERT INTO tokens (token_hash, kind, enterprise_id, operator_id, expires_at, family)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(token_digest(t))
        .bind(kind)
        .bind(enterprise_id)
        .bind(operator_id)
        .bind(exp)
        .bind(family)
        .execute(&mut *conn)
        .await?;
    }
    Ok(pair)
}

async fn token_response(
    state: &AppState,
    pair: Pair,
    enterprise_id: i64,
    operator: &str,
) -> Result<TokenResponse, ApiError> {
    Ok(TokenResponse {
        token: pair.token,
        token_type: "Bearer".into(),
        expires_at: to_datetime(pair.expires_at),
        expires_in: state.token_ttl_secs,
        refresh_token: pair.refresh_token,
        refresh_expires_at: to_datetime(pair.refresh_expires_at),
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
