//! The mock's control surface (`/control`): fault knobs, the server clock
//! and token expiry. Never faulted, never authenticated, and answered only
//! to loopback peers, whatever address the server listens on.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use portdesk_api::{
    error_code, ClockAdvance, ClockState, ErrorBody, ExpireTokensAnswer, FaultSettings, FieldChange,
};
use serde::{Deserialize, Serialize};
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
        .routes(routes!(customs_amend))
}

/// Middleware: `/control` only for loopback peers.
pub async fn loopback_only(req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    match peer {
        Some(p) if !p.ip().is_loopback() => ApiError::new(
            StatusCode::FORBIDDEN,
            error_code::FORBIDDEN,
            "/control answers loopback clients only",
        )
        .into_response(),
        _ => next.run(req).await,
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
#[utoipa::path(
    post,
    path = "/control/clock",
    tag = "control",
    request_body = ClockAdvance,
    responses((status = 200, description = "Server time after the move", body = ClockState))
)]
pub async fn advance_clock(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<ClockAdvance>,
) -> Result<Json<ClockState>, ApiError> {
    state
        .clock
        .advance_ms(req.advance_secs.saturating_mul(1000));
    crate::db::save_clock_offset(&state.db, state.clock.offset_ms()).await?;
    // Reviews that just fell due should not wait for the next poll.
    state.review_wakeup.notify_one();
    tracing::info!(advance_secs = req.advance_secs, "clock moved");
    Ok(Json(clock_state(&state)))
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
