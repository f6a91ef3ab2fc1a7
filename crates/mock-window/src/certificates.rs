//! The sealing key and the public side of certificates of origin: the
//! published keys (`GET /v1/keys`) and the verification service
//! (`GET /v1/certificates/verify`, by certificate and invoice number, as
//! on the official origin site). Neither needs a token: whoever holds a
//! paper certificate may check it.
//!
//! The private key is made on first start and kept in the database (or in
//! the `--seal-key` PEM file), so certificates issued before a restart
//! still verify after it. Nothing here ever writes it into an answer.

use std::path::Path;

use axum::extract::{Query, State};
use axum::Json;
use chrono::{Duration, NaiveDate};
use portdesk_api::{CertificateVerification, ErrorBody, PublicKeyJwk};
use portdesk_domain::origin::CertifiedFields;
use portdesk_seal::SealKey;
use serde::Deserialize;
use sqlx::{Row, SqlitePool};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::start_error::StartError;
use crate::{db, AppState};

/// Setting holding the sealing key (PKCS#8 PEM) when no file is given.
const SEAL_KEY_SETTING: &str = "seal_key_pkcs8_pem";

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(keys))
        .routes(routes!(verify))
}

/// The sealing key: from `file` (created with a new key if missing), else
/// from the database (created on first start).
pub async fn load_seal_key(pool: &SqlitePool, file: Option<&Path>) -> Result<SealKey, StartError> {
    let bad = |e: &dyn std::fmt::Display| StartError::SealKey(e.to_string());
    if let Some(path) = file {
        if path.exists() {
            let pem = std::fs::read_to_string(path)
                .map_err(|e| bad(&format!("{}: {e}", path.display())))?;
            return SealKey::from_pkcs8_pem(&pem).map_err(|e| bad(&e));
        }
        let key = SealKey::generate();
        let pem = key.to_pkcs8_pem().map_err(|e| bad(&e))?;
        write_private(path, &pem).map_err(|e| bad(&format!("{}: {e}", path.display())))?;
        tracing::info!(kid = %key.key_id(), path = %path.display(), "new sealing key written");
        return Ok(key);
    }
    if let Some(pem) = db::setting(pool, SEAL_KEY_SETTING).await? {
        return SealKey::from_pkcs8_pem(&pem).map_err(|e| bad(&e));
    }
    let key = SealKey::generate();
    let pem = key.to_pkcs8_pem().map_err(|e| bad(&e))?;
    db::set_setting(pool, SEAL_KEY_SETTING, &pem).await?;
    tracing::info!(kid = %key.key_id(), "new sealing key stored in the database");
    Ok(key)
}

/// Writes a secret file readable by its owner only (where the OS knows modes).
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)?.write_all(contents.as_bytes())
}

/// Today in China (UTC+8) on the server clock: certificates are dated there.
pub fn china_today(state: &AppState) -> NaiveDate {
    (state.clock.now() + Duration::hours(8)).date_naive()
}

/// The public sealing keys, to cache for offline verification of the QR
/// code on a self-printed certificate. Read with `portdesk_seal::PublicSeal`.
#[utoipa::path(
    get,
    path = "/v1/keys",
    tag = "certificates",
    responses((status = 200, description = "Public sealing keys (JWK, RFC 8037)", body = [PublicKeyJwk]))
)]
pub async fn keys(State(state): State<AppState>) -> Result<Json<Vec<PublicKeyJwk>>, ApiError> {
    // Through serde so the JSON is exactly the seal crate's own JWK form.
    let jwk = serde_json::from_value(serde_json::to_value(state.seal_key.public())?)?;
    Ok(Json(vec![jwk]))
}

/// Query of the verification service.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VerifyQuery {
    /// Certificate number (16 chars).
    pub number: String,
    /// Number of one of the certificate's invoices.
    pub invoice: String,
}

/// Verify a certificate of origin by its number and an invoice number
/// (证书核查): whether it was issued and is still valid on the server's
/// date, with the certified fields and the signature over them.
#[utoipa::path(
    get,
    path = "/v1/certificates/verify",
    tag = "certificates",
    params(VerifyQuery),
    responses(
        (status = 200, description = "Issued; `valid` says whether it is still in force", body = CertificateVerification),
        (status = 404, description = "No certificate with that number and invoice", body = ErrorBody),
    )
)]
pub async fn verify(
    State(state): State<AppState>,
    Query(q): Query<VerifyQuery>,
) -> Result<Json<CertificateVerification>, ApiError> {
    let number = q.number.trim();
    let invoice = q.invoice.trim();
    let row = sqlx::query(
        "SELECT certified, signature, key_id FROM origin_applications
         WHERE certificate_number = ? AND status = 'approved'",
    )
    .bind(number)
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| ApiError::not_found("certificate"))?;
    let certified: CertifiedFields = serde_json::from_str(row.get::<&str, _>(0))?;
    // Any of the certificate's invoices identifies it; case is not a
    // matter of identity for an invoice number typed from paper.
    if !certified
        .invoices
        .iter()
        .any(|i| i.number.trim().eq_ignore_ascii_case(invoice))
        || invoice.is_empty()
    {
        return Err(ApiError::not_found("certificate"));
    }
    let ymd = |s: &str| {
        NaiveDate::parse_from_str(s, "%Y%m%d").map_err(|_| ApiError::Corrupt(format!("date {s}")))
    };
    let issue_date = ymd(&certified.issue_date)?;
    let expiry_date = ymd(&certified.expiry_date)?;
    let valid = china_today(&state) <= expiry_date;
    Ok(Json(CertificateVerification {
        number: number.to_owned(),
        invoice: invoice.to_owned(),
        valid,
        state: if valid { "valid" } else { "expired" }.to_owned(),
        issue_date,
        expiry_date,
        certified,
        signature: row.get(1),
        key_id: row.get(2),
    }))
}
