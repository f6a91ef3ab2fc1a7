//! The OpenAPI description of the server, generated from the handlers'
//! `#[utoipa::path]` annotations and the wire types' schemas, served at
//! `/openapi.json` and committed as `docs/openapi.json`.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "PortDesk mock Single Window",
        description = "Mock of the China International Trade Single Window (国际贸易单一窗口) for PortDesk: login, declarations with asynchronous review receipts, idempotent writes, guarantees with quotas and summary tax, certificates of origin with sealed QR codes, reference data, fault injection. See docs/mock-window.md.",
        license(name = "MIT", identifier = "MIT"),
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Login and token refresh (登录)"),
        (name = "declarations", description = "Declarations, two-step completion, amendments (报关单申报)"),
        (name = "receipts", description = "Receipts pulled by cursor (回执)"),
        (name = "guarantees", description = "Guarantees and quotas, the enterprise profile, paying summary tax (担保与税费)"),
        (name = "origin", description = "Certificates of origin: applications, smart review, the issued certificate (原产地证书)"),
        (name = "certificates", description = "Published sealing keys and the public certificate verification service (证书核查); no token"),
        (name = "reference", description = "Code lists and port fees (参数数据)"),
        (name = "control", description = "Mock only: fault knobs, clock, token expiry; loopback only"),
        (name = "meta", description = "This document"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(openapi_json))
}

/// This OpenAPI document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json"))
)]
pub async fn openapi_json(State(state): State<AppState>) -> Response {
    let body = state.openapi_json.get().cloned().unwrap_or_default();
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}
