//! What every protected /v1 request passes before and after its handler:
//! injected faults, then (for writes) authentication and idempotency.
//!
//! Order matters and is the contract:
//! 1. rate-based faults that strike *before* any work: 429, 503, dropped
//!    connection (writes only, unless `apply_to_reads`);
//! 2. writes: the bearer token, then the `Idempotency-Key` (missing → 400;
//!    known key + same body → the stored answer replayed byte for byte;
//!    different body → 422; still in flight → 409), then the key is held
//!    "in flight";
//! 3. added latency (while the key is in flight, so a test can observe 409);
//! 4. the handler; its answer is stored under the key (5xx answers are not,
//!    so a retry can succeed);
//! 5. commit-then-fail: the stored answer is replaced by a 500 or a
//!    dropped connection. A retry with the same key replays the stored one.
//!
//! The handler runs in its own task: a client that hangs up mid-request
//! does not cancel work half done, just as a real server would not.

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use portdesk_api::{error_code, header as api_header, CommitFailMode, ErrorBody};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::auth::{authenticate, Tenant};
use crate::error::{read_body, ApiError};
use crate::faults::drop_response;
use crate::AppState;

/// Largest response body the guard buffers to store (requests are bounded
/// by `--body-limit-bytes`). Answers are small JSON; this is a backstop.
const RESPONSE_LIMIT: usize = 16 * 1024 * 1024;

/// Axum middleware for the protected /v1 routes.
pub async fn v1_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let settings = state.faults.settings();
    let is_write = !matches!(*req.method(), Method::GET | Method::HEAD);
    // Drawn for every request, so the sequence depends on the count only.
    let draw = state.faults.draw();
    let faultable = is_write || settings.apply_to_reads;
    if faultable {
        if draw.rate_limited {
            tracing::info!(path = %req.uri().path(), "fault: 429");
            let mut body = ErrorBody::new(error_code::RATE_LIMITED, "too many requests");
            body.retry_after_secs = Some(settings.retry_after_secs);
            let mut r = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
            r.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(settings.retry_after_secs),
            );
            return r;
        }
        if draw.error_5xx {
            tracing::info!(path = %req.uri().path(), "fault: 503 before work");
            return ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                error_code::UNAVAILABLE,
                "service temporarily unavailable",
            )
            .into_response();
        }
        if draw.drop {
            tracing::info!(path = %req.uri().path(), "fault: drop before work");
            return drop_response();
        }
    }
    let latency = std::time::Duration::from_millis(settings.latency_ms);
    if !is_write {
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        return next.run(req).await;
    }
    let response = match idempotent_write(&state, req, next, latency).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    if draw.commit_then_fail && response.status().is_success() {
        tracing::info!("fault: commit then fail");
        return match settings.commit_then_fail_mode {
            CommitFailMode::Drop => drop_response(),
            CommitFailMode::Error500 => ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                error_code::INTERNAL,
                "internal error after the request was processed",
            )
            .into_response(),
        };
    }
    response
}

/// A stored answer, or why there is none to run.
enum Begin {
    Fresh,
    Replay {
        status: u16,
        content_type: Option<String>,
        body: Vec<u8>,
    },
}

async fn idempotent_write(
    state: &AppState,
    req: Request,
    next: Next,
    latency: std::time::Duration,
) -> Result<Response, ApiError> {
    let tenant = authenticate(state, req.headers()).await?;
    let key = req
        .headers()
        .get(api_header::IDEMPOTENCY_KEY)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .map(str::to_owned)
        .ok_or_else(|| {
            ApiError::bad_request(
                error_code::IDEMPOTENCY_KEY_MISSING,
                "every write needs an Idempotency-Key header (1-200 chars)",
            )
        })?;
    let (mut parts, body) = req.into_parts();
    let bytes = read_body(body, state.body_limit).await?;
    let hash = request_hash(&parts.method, parts.uri.path(), &bytes);
    let task_state = state.clone();
    // Claiming the key, doing the work and storing the answer run in one
    // task the client cannot cancel: were the claim made here, a client that
    // hung up right after it would leave the key in flight (409 to every
    // retry) until the key expired.
    let work = tokio::spawn(async move {
        if let Begin::Replay {
            status,
            content_type,
            body,
        } = begin(&task_state, &tenant, &key, &hash).await?
        {
            tracing::info!(%key, "replaying a stored answer");
            return Ok(replay(status, content_type, body));
        }
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        parts.extensions.insert(tenant.clone());
        let response = next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
        finish(&task_state, &tenant, &key, response).await
    });
    match work.await {
        Ok(r) => r,
        Err(e) => Err(ApiError::Corrupt(format!("handler task failed: {e}"))),
    }
}

/// The stored answer to a request seen before, marked as a replay.
fn replay(status: u16, content_type: Option<String>, body: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    if let Some(ct) = content_type.and_then(|c| HeaderValue::from_str(&c).ok()) {
        r.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    r.headers_mut().insert(
        api_header::IDEMPOTENT_REPLAYED,
        HeaderValue::from_static("true"),
    );
    r
}

/// SHA-256 over method, path and body: "the same request".
fn request_hash(method: &Method, path: &str, body: &Bytes) -> String {
    let mut h = Sha256::new();
    h.update(method.as_str().as_bytes());
    h.update([0]);
    h.update(path.as_bytes());
    h.update([0]);
    h.update(body);
    hex::encode(h.finalize())
}

/// Looks the key up and, when it is new (or expired), holds it in flight.
async fn begin(
    state: &AppState,
    tenant: &Tenant,
    key: &str,
    hash: &str,
) -> Result<Begin, ApiError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let row = sqlx::query(
        "SELECT request_hash, state, status, content_type, body, expires_at
         FROM idempotency WHERE enterprise_id = ? AND key = ?",
    )
    .bind(tenant.enterprise_id)
    .bind(key)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(row) = row {
        let expires_at: i64 = row.get(5);
        if expires_at > now {
            if row.get::<String, _>(0) != hash {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    error_code::IDEMPOTENCY_KEY_REUSED,
                    "this Idempotency-Key was used with a different request",
                ));
            }
            if row.get::<String, _>(1) == "in_flight" {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    error_code::IDEMPOTENCY_KEY_IN_FLIGHT,
                    "a request with this Idempotency-Key is still being processed",
                ));
            }
            return Ok(Begin::Replay {
                status: row.get::<i64, _>(2) as u16,
                content_type: row.get(3),
                body: row.get(4),
            });
        }
        // Expired: the key is free again. The client document id still
        // prevents a second filing.
        sqlx::query("DELETE FROM idempotency WHERE enterprise_id = ? AND key = ?")
            .bind(tenant.enterprise_id)
            .bind(key)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "INSERT INTO idempotency (enterprise_id, key, request_hash, state, created_at, expires_at)
         VALUES (?, ?, ?, 'in_flight', ?, ?)",
    )
    .bind(tenant.enterprise_id)
    .bind(key)
    .bind(hash)
    .bind(now)
    .bind(now + (state.idempotency_ttl_secs as i64) * 1000)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Begin::Fresh)
}

/// Stores the handler's answer under the key (or frees the key on a 5xx).
async fn finish(
    state: &AppState,
    tenant: &Tenant,
    key: &str,
    response: Response,
) -> Result<Response, ApiError> {
    let (parts, body) = response.into_parts();
    let bytes = match to_bytes(body, RESPONSE_LIMIT).await {
        Ok(b) => b,
        Err(e) => {
            release(state, tenant, key).await?;
            return Err(ApiError::Corrupt(format!("response body: {e}")));
        }
    };
    if parts.status.is_server_error() {
        release(state, tenant, key).await?;
    } else {
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        sqlx::query(
            "UPDATE idempotency SET state = 'done', status = ?, content_type = ?, body = ?
             WHERE enterprise_id = ? AND key = ?",
        )
        .bind(i64::from(parts.status.as_u16()))
        .bind(content_type)
        .bind(bytes.as_ref())
        .bind(tenant.enterprise_id)
        .bind(key)
        .execute(&state.db)
        .await?;
    }
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

async fn release(state: &AppState, tenant: &Tenant, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM idempotency WHERE enterprise_id = ? AND key = ? AND state = 'in_flight'",
    )
    .bind(tenant.enterprise_id)
    .bind(key)
    .execute(&state.db)
    .await?;
    Ok(())
}
