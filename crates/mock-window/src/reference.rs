//! Reference data (参数数据): the code lists and the port fee catalogue,
//! both cacheable with `ETag` / `If-None-Match`.
//!
//! Both bodies are rendered once at start; the ETag is a digest of the
//! exact bytes served, so it changes exactly when the content does.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use portdesk_api::{CodeListsResponse, ErrorBody, PortFeesResponse};
use portdesk_domain::CodeLists;
use sha2::{Digest, Sha256};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Tenant;
use crate::AppState;

/// The port fee catalogue: a data file, not code.
const PORT_FEES: &str = include_str!("../data/port_fees.json");

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(code_lists))
        .routes(routes!(port_fees))
}

/// A body rendered once, with its ETag.
pub struct Cached {
    pub body: String,
    pub etag: String,
}

impl Cached {
    fn new(body: String) -> Self {
        let digest = hex::encode(Sha256::digest(body.as_bytes()));
        Cached {
            etag: format!("\"{}\"", &digest[..32]),
            body,
        }
    }

    /// 304 when the client's `If-None-Match` names this ETag, else 200.
    fn respond(&self, headers: &HeaderMap) -> Response {
        let etag = HeaderValue::from_str(&self.etag).expect("hex etag is a valid header");
        let matches = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(',')
                    .map(|t| t.trim().trim_start_matches("W/"))
                    .any(|t| t == self.etag || t == "*")
            });
        if matches {
            return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
        }
        (
            StatusCode::OK,
            [
                (header::ETAG, etag),
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            ],
            self.body.clone(),
        )
            .into_response()
    }
}

/// Reference data, rendered.
pub struct ReferenceData {
    pub code_lists: Cached,
    pub port_fees: Cached,
}

impl ReferenceData {
    pub fn new(lists: &CodeLists) -> Self {
        let all: Vec<_> = lists.all().cloned().collect();
        let version = all
            .iter()
            .map(|l| l.version_date.clone())
            .max()
            .unwrap_or_default();
        let code_lists = CodeListsResponse {
            version,
            lists: all,
        };
        let fees: PortFeesResponse =
            serde_json::from_str(PORT_FEES).expect("data/port_fees.json is valid (tested)");
        ReferenceData {
            code_lists: Cached::new(
                serde_json::to_string(&code_lists).expect("code lists serialise"),
            ),
            port_fees: Cached::new(serde_json::to_string(&fees).expect("port fees serialise")),
        }
    }
}

/// All code lists with their version dates (代码表).
#[utoipa::path(
    get,
    path = "/v1/reference/code-lists",
    tag = "reference",
    params(("If-None-Match" = Option<String>, Header, description = "ETag of the copy the client holds")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The lists; `ETag` header set", body = CodeListsResponse),
        (status = 304, description = "The client's copy is current"),
        (status = 401, description = "No valid token", body = ErrorBody),
    )
)]
pub async fn code_lists(
    State(state): State<AppState>,
    _tenant: Tenant,
    headers: HeaderMap,
) -> Response {
    state.reference.code_lists.respond(&headers)
}

/// Published port fees of Dalian and Yingkou (口岸收费目录, measure 18).
#[utoipa::path(
    get,
    path = "/v1/reference/port-fees",
    tag = "reference",
    params(("If-None-Match" = Option<String>, Header, description = "ETag of the copy the client holds")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The catalogue; `ETag` header set", body = PortFeesResponse),
        (status = 304, description = "The client's copy is current"),
        (status = 401, description = "No valid token", body = ErrorBody),
    )
)]
pub async fn port_fees(
    State(state): State<AppState>,
    _tenant: Tenant,
    headers: HeaderMap,
) -> Response {
    state.reference.port_fees.respond(&headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_fee_catalogue_is_valid() {
        let fees: PortFeesResponse = serde_json::from_str(PORT_FEES).unwrap();
        assert!(fees.fees.len() >= 20);
        let lists = CodeLists::bundled();
        for f in &fees.fees {
            assert!(lists.contains("port", &f.port_code), "{}", f.port_code);
            assert_eq!(f.currency, "CNY");
            assert!(f.price >= rust_decimal::Decimal::ZERO);
        }
        for port in ["210200", "210800"] {
            assert!(fees.fees.iter().any(|f| f.port_code == port));
        }
    }
}
