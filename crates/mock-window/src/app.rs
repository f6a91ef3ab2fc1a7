//! The router: each area of the API is a module exposing
//! `routes() -> OpenApiRouter<AppState>`, and this is the one place they
//! are put together. Adding an area (certificates of origin, guarantee
//! quotas …) is one line in [`protected`] (or [`public`]).
//!
//! Every route goes through `OpenApiRouter`, so the OpenAPI document is
//! generated from the very routes served; `tests/openapi.rs` checks both ways.

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::response::IntoResponse;
use axum::Router;
use portdesk_api::error_code;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::error::ApiError;
use crate::openapi::ApiDoc;
use crate::{
    auth, certificates, control, declarations, guarantees, guard, openapi, origin, receipts,
    reference, request_log, AppState,
};

/// /v1 areas behind the guard (token, faults, idempotency of writes).
fn protected() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(declarations::routes())
        .merge(receipts::routes())
        .merge(reference::routes())
        .merge(guarantees::routes())
        .merge(origin::routes())
}

/// Areas without a token: login itself, this document, the published
/// sealing keys and the certificate verification service. Never faulted.
fn public() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(auth::routes())
        .merge(certificates::routes())
        .merge(openapi::routes())
}

/// The whole API as an `OpenApiRouter`, before state is applied.
pub fn api(state: &AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(
            protected()
                .layer(from_fn_with_state(state.clone(), guard::v1_guard))
                // Outside the guard: a write is logged even when a fault
                // answers for it.
                .layer(from_fn_with_state(state.clone(), request_log::log_writes)),
        )
        .merge(public())
        .merge(
            control::routes()
                .merge(origin::control_routes())
                .layer(from_fn_with_state(state.clone(), control::control_guard)),
        )
}

/// The OpenAPI document as served and committed (pretty JSON + newline).
pub fn openapi_document(state: &AppState) -> String {
    let (_, doc) = api(state).split_for_parts();
    let mut s = doc
        .to_pretty_json()
        .expect("the OpenAPI document serialises");
    s.push('\n');
    s
}

/// The served router, with the document filled in for `/openapi.json`.
pub fn router(state: AppState) -> Router {
    let (router, doc) = api(&state).split_for_parts();
    let mut json = doc
        .to_pretty_json()
        .expect("the OpenAPI document serialises");
    json.push('\n');
    let _ = state.openapi_json.set(json);
    router
        // The one request-body limit: the JSON extractors obey it, and the
        // guard and the request log buffer with the same number.
        .layer(DefaultBodyLimit::max(state.body_limit))
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, error_code::NO_ROUTE, "no such route")
                .into_response()
        })
        .with_state(state)
}
