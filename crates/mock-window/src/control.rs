//! The mock's control surface (`/control`): fault knobs, the server clock,
//! token expiry and what customs does on its own. Never faulted.
//!
//! Whoever reaches `/control` can rewrite the server's behaviour, so every
//! request must pass [`control_guard`], in this order:
//! 1. the peer is a loopback address, whatever address the server listens on;
//! 2. the `Host` header names loopback with the bound port (`127.0.0.1:PORT`,
//!    `localhost:PORT`, `[::1]:PORT`): a web page that rebinds its own DNS
//!    name to 127.0.0.1 sends its own name, and is refused (403);
//! 3. the header [`CONTROL_TOKEN_HEADER`] carries the token the mock printed
//!    at start-up (second stdout line `control token: …`); missing or wrong
//!    answers 401. A page cannot read that token, and a custom header on a
//!    cross-origin request needs a CORS preflight the mock never grants.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use portdesk_api::{
    error_code, AuthStats, ClockAdvance, ClockState, ErrorBody, ExpireTokensAnswer, FaultSettings,
    FieldChange,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, JsonBody};
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_faults, put_faults))
        .routes(routes!(get_clock, advance_clock))
        .routes(routes!(expire_tokens))
        .routes(routes!(auth_stats))
        .routes(routes!(customs_amend))
}

/// The header that carries the control token.
pub const CONTROL_TOKEN_HEADER: &str = "x-control-token";

/// What a `/control` request must show: the token, and the port the server
/// is bound to (for the `Host` check).
#[derive(Debug, Clone)]
pub struct ControlAccess {
    token: String,
    port: u16,
}

impl ControlAccess {
    /// A given token (checked: at least 16 visible ASCII characters, so it
    /// fits a header and is not guessable by accident), or a random one.
    pub fn new(token: Option<String>, port: u16) -> Result<Self, String> {
        let token = match token {
            Some(t) => {
                if t.len() < 16 || !t.bytes().all(|b| b.is_ascii_graphic()) {
                    return Err(
                        "the control token (--control-token or MOCK_CONTROL_TOKEN) must be at least 16 visible ASCII characters".into(),
                    );
                }
                t
            }
            None => hex::encode(rand::random::<[u8; 32]>()),
        };
        Ok(ControlAccess { token, port })
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// Compares digests, so the time taken says nothing about how much of
    /// a guess was right.
    fn token_matches(&self, presented: &[u8]) -> bool {
        Sha256::digest(presented) == Sha256::digest(self.token.as_bytes())
    }

    fn host_allowed(&self, host: &str) -> bool {
        let port = self.port.to_string();
        ["127.0.0.1", "localhost", "[::1]"].iter().any(|name| {
            host.strip_prefix(name)
                .and_then(|rest| rest.strip_prefix(':'))
                .is_some_and(|p| p == port)
        })
    }
}

/// Middleware for every `/control` route: loopback peer, loopback `Host`,
/// and the control token (see the module documentation).
pub async fn control_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    if let Some(p) = peer.filter(|p| !p.ip().is_loopback()) {
        tracing::warn!(peer = %p, "/control refused: not a loopback peer");
        return ApiError::new(
            StatusCode::FORBIDDEN,
            error_code::FORBIDDEN,
            "/control answers loopback clients only",
        )
        .into_response();
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !state.control.host_allowed(host) {
        tracing::warn!(host, "/control refused: Host is not this loopback server");
        return ApiError::new(
            StatusCode::FORBIDDEN,
            error_code::FORBIDDEN,
            format!(
                "/control answers only requests whose Host header is 127.0.0.1:{0}, localhost:{0} or [::1]:{0}",
                state.control.port
            ),
        )
        .into_response();
    }
    let presented = req.headers().get(CONTROL_TOKEN_HEADER);
    match presented {
        Some(t) if state.control.token_matches(t.as_bytes()) => next.run(req).await,
        other => {
            let why = if other.is_some() {
                "wrong X-Control-Token"
            } else {
                "/control needs the X-Control-Token header (the mock prints the token at start-up)"
            };
            tracing::warn!("/control refused: {why}");
            ApiError::unauthorized(why).into_response()
        }
    }
}

/// The fault knobs in force.
#[utoipa::path(
    get,
    path = "/control/faults",
    tag = "control",
    responses((status = 200, description = "Fault knobs", body = FaultSettings))
)]
pub async fn get_faults(State(state): State<AppState>) -> Json<FaultSettings> {
    Json(state.faults.settings())
}

/// Replace the fault knobs (missing fields take their defaults: off); the
/// RNG restarts from `seed`.
#[utoipa::path(
    put,
    path = "/control/faults",
    tag = "control",
    request_body = FaultSettings,
    responses(
        (status = 200, description = "Fault knobs now in force", body = FaultSettings),
        (status = 400, description = "Malformed settings", body = ErrorBody),
    )
)]
pub async fn put_faults(
    State(state): State<AppState>,
    JsonBody(settings): JsonBody<FaultSettings>,
) -> Result<Json<FaultSettings>, ApiError> {
    for (name, rate) in [
        ("error_5xx_rate", settings.error_5xx_rate),
        ("commit_then_fail_rate", settings.commit_then_fail_rate),
        ("rate_429", settings.rate_429),
        ("drop_rate", settings.drop_rate),
        ("untaken_rate", settings.untaken_rate),
        ("import_failed_rate", settings.import_failed_rate),
        ("malformed_receipt_rate", settings.malformed_receipt_rate),
        ("duplicate_receipt_rate", settings.duplicate_receipt_rate),
        ("partial_write_rate", settings.partial_write_rate),
    ] {
        if !(0.0..=1.0).contains(&rate) {
            return Err(ApiError::bad_request(
                error_code::INVALID_BODY,
                format!("{name} must be within 0..=1"),
            ));
        }
    }
    tracing::info!(?settings, "fault knobs set");
    state.faults.set(settings);
    Ok(Json(state.faults.settings()))
}

fn clock_state(state: &AppState) -> ClockState {
    ClockState {
        now: state.clock.now(),
        offset_secs: state.clock.offset_ms() / 1000,
    }
}

/// The server clock.
#[utoipa::path(
    get,
    path = "/control/clock",
    tag = "control",
    responses((status = 200, description = "Server time", body = ClockState))
)]
pub async fn get_clock(State(state): State<AppState>) -> Json<ClockState> {
    Json(clock_state(&state))
}

/// Move the server clock; every deadline follows it. Kept across restarts.
/// The clock stays within ten years of the wall clock either way.
#[utoipa::path(
    post,
    path = "/control/clock",
    tag = "control",
    request_body = ClockAdvance,
    responses(
        (status = 200, description = "Server time after the move", body = ClockState),
        (status = 400, description = "advance_secs would take the clock more than 10 years from the wall clock", body = ErrorBody),
    )
)]
pub async fn advance_clock(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<ClockAdvance>,
) -> Result<Json<ClockState>, ApiError> {
    let by_ms = req
        .advance_secs
        .checked_mul(1000)
        .ok_or_else(|| out_of_range(req.advance_secs))?;
    state
        .clock
        .advance_ms(by_ms)
        .map_err(|_| out_of_range(req.advance_secs))?;
    crate::db::save_clock_offset(&state.db, state.clock.offset_ms()).await?;
    // Reviews that just fell due should not wait for the next poll.
    state.review_wakeup.notify_one();
    tracing::info!(advance_secs = req.advance_secs, "clock moved");
    Ok(Json(clock_state(&state)))
}

fn out_of_range(advance_secs: i64) -> ApiError {
    ApiError::bad_request(
        error_code::INVALID_BODY,
        format!(
            "advance_secs {advance_secs} would move the server clock more than {} s (10 years) from the wall clock",
            crate::clock::MAX_OFFSET_MS / 1000
        ),
    )
}

/// What the login defences did so far: password checks run (unknown
/// operators included), attempts throttled, logins refused as busy.
#[utoipa::path(
    get,
    path = "/control/auth-stats",
    tag = "control",
    responses((status = 200, description = "Counters since start", body = AuthStats))
)]
pub async fn auth_stats(State(state): State<AppState>) -> Json<AuthStats> {
    Json(AuthStats {
        password_checks: state.hash_gate.checks(),
        throttled: state.throttle.throttled(),
        busy: state.hash_gate.busy(),
    })
}

/// Expire every live access token now (refresh tokens stay valid).
#[utoipa::path(
    post,
    path = "/control/expire-tokens",
    tag = "control",
    responses((status = 200, description = "How many tokens expired", body = ExpireTokensAnswer))
)]
pub async fn expire_tokens(
    State(state): State<AppState>,
) -> Result<Json<ExpireTokensAnswer>, ApiError> {
    let now = state.clock.now_ms();
    let done = sqlx::query(
        "UPDATE tokens SET expires_at = ? WHERE kind = 'access' AND revoked = 0 AND expires_at > ?",
    )
    .bind(now)
    .bind(now)
    .execute(&state.db)
    .await?;
    tracing::info!(expired = done.rows_affected(), "access tokens expired");
    Ok(Json(ExpireTokensAnswer {
        expired: done.rows_affected(),
    }))
}

/// `POST /control/declarations/{seq_no}/amend`: what customs changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomsAmendment {
    pub changes: Vec<FieldChange>,
}

/// The `M` receipt a customs amendment issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CustomsAmendmentAnswer {
    /// The receipt's cursor position.
    pub receipt: String,
}

/// Customs amends a filing on its own (海关修改): the changes land in the
/// stored filing and an `M` receipt tells the enterprise, whose client then
/// finds its local copy out of date (a conflict to resolve).
#[utoipa::path(
    post,
    path = "/control/declarations/{seq_no}/amend",
    tag = "control",
    request_body = CustomsAmendment,
    params(("seq_no" = String, Path, description = "Unified no. of the filing")),
    responses(
        (status = 200, description = "Applied; the receipt issued", body = CustomsAmendmentAnswer),
        (status = 404, description = "No such filing", body = ErrorBody),
        (status = 422, description = "A change names no field of the declaration", body = ErrorBody),
    )
)]
pub async fn customs_amend(
    State(state): State<AppState>,
    Path(seq_no): Path<String>,
    JsonBody(req): JsonBody<CustomsAmendment>,
) -> Result<Json<CustomsAmendmentAnswer>, ApiError> {
    let receipt = crate::declarations::customs_amend(&state, &seq_no, &req.changes).await?;
    Ok(Json(CustomsAmendmentAnswer {
        receipt: receipt.to_string(),
    }))
}
