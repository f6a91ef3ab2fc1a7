//! Certificates of origin (原产地证书): the answers about an application,
//! the approved certificate with its seal, the published sealing keys and
//! the public verification service.
//!
//! The application itself is the domain's `OriginApplication` sent as is
//! (`docs/formats/origin-application.md`); the certified fields are the
//! domain's `CertifiedFields`, carried as JSON objects so this crate keeps
//! no second copy of either.

use chrono::{DateTime, NaiveDate, Utc};
use portdesk_domain::origin::{CertifiedFields, OriginApplication, OriginForm};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::receipts::{Receipt, RejectionReason};

/// Where an application stands (证书申请状态): the meaning of its latest receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OriginStatus {
    /// `COO-L`: received, smart review (智能审核) pending.
    Accepted,
    /// `COO-M`: smart review handed it to a person (人工审核).
    ManualReview,
    /// `COO-A`: approved, the certificate is issued (签证通过).
    Approved,
    /// `COO-E`: rejected with reasons (退回).
    Rejected,
}

impl OriginStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OriginStatus::Accepted => "accepted",
            OriginStatus::ManualReview => "manual_review",
            OriginStatus::Approved => "approved",
            OriginStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            OriginStatus::Accepted,
            OriginStatus::ManualReview,
            OriginStatus::Approved,
            OriginStatus::Rejected,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }
}

/// An issued certificate: what the exporter needs to self-print it (自助打印).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OriginCertificate {
    /// 16 chars: form letter + 2-digit year + 9-char registration no. + 4-digit serial.
    pub number: String,
    pub issue_date: NaiveDate,
    /// Last day of validity (one year).
    pub expiry_date: NaiveDate,
    /// The domain's `CertifiedFields`: what `signature` and `qr_text` cover.
    #[schema(value_type = Object)]
    pub certified: CertifiedFields,
    /// Base64 Ed25519 signature over the certified fields' canonical bytes
    /// (`portdesk_seal::sign_fields`).
    pub signature: String,
    /// The QR code's text (`PDC1:…`, `docs/formats/qr-payload.md`).
    pub qr_text: String,
    /// Id of the sealing key (see `GET /v1/keys`).
    pub key_id: String,
}

/// `POST /v1/origin-applications` and `GET /v1/origin-applications/{seq_no}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OriginApplicationView {
    /// The server's number of the application (申请编号), 18 chars; its id in URLs.
    pub seq_no: String,
    pub client_seq_no: String,
    #[schema(value_type = String, example = "E")]
    pub form: OriginForm,
    pub status: OriginStatus,
    pub created_at: DateTime<Utc>,
    /// When review (smart or manual) decided it.
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was rejected (`COO-*` rule ids, or `SW-ORIGIN-MANUAL`).
    pub reasons: Vec<RejectionReason>,
    /// Receipts of this application, in order (also in `GET /v1/receipts`).
    pub receipts: Vec<Receipt>,
    /// The application as stored: the print data of an approved certificate.
    #[schema(value_type = Object)]
    pub application: OriginApplication,
    /// Present once approved.
    pub certificate: Option<OriginCertificate>,
}

/// `POST /control/origin/{seq_no}/decide`: the manual reviewer's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OriginDecision {
    pub approve: bool,
    /// Why; becomes the rejection reason's message when not approved.
    #[serde(default)]
    pub reason: String,
}

/// A published sealing key: the JWK of RFC 8037, as `portdesk_seal::PublicSeal`
/// reads and writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PublicKeyJwk {
    /// `OKP`.
    pub kty: String,
    /// `Ed25519`.
    pub crv: String,
    /// `EdDSA`.
    pub alg: String,
    /// Key id, base64url without padding.
    pub kid: String,
    /// The public key, base64url without padding.
    pub x: String,
}

/// `GET /v1/certificates/verify`: the public verification service (证书核查).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CertificateVerification {
    pub number: String,
    pub invoice: String,
    /// Issued and not expired on the server's date (China time).
    pub valid: bool,
    /// `valid` or `expired`.
    pub state: String,
    pub issue_date: NaiveDate,
    pub expiry_date: NaiveDate,
    #[schema(value_type = Object)]
    pub certified: CertifiedFields,
    pub signature: String,
    pub key_id: String,
}
