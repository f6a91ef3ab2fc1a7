//! Why a seal cannot be made or does not verify. Each variant has a stable
//! [`SealError::code`] for the UI's message catalog and the server's API;
//! the `Display` text is for logs and may change.

use chrono::NaiveDate;

/// Why sealing, opening or verifying failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// The text does not start with the expected prefix (`PDC1:`): not a
    /// PortDesk certificate QR code, or a version this build cannot read.
    #[error("not a certificate seal: the text must start with {expected:?}")]
    BadPrefix { expected: &'static str },
    /// Base45, zlib, CBOR, COSE or the claims map are malformed.
    #[error("malformed seal: {0}")]
    BadEncoding(String),
    /// The COSE algorithm is not EdDSA (or is missing from the protected
    /// header, where it must be so that it is signed).
    #[error("unsupported signature algorithm: only EdDSA (Ed25519) is accepted")]
    BadAlgorithm,
    /// No published key has this key id.
    #[error("signed by an unknown key (kid {kid})")]
    UnknownKey {
        /// The key id of the payload, base64url.
        kid: String,
    },
    /// The signature does not verify: the payload or the signature was
    /// changed, or it was signed by another key.
    #[error("the signature does not verify")]
    BadSignature,
    /// The certificate's validity ended before the day of checking.
    #[error("the certificate expired on {expiry}")]
    Expired { expiry: NaiveDate },
    /// The printed fields are not the ones the seal certifies.
    #[error("the certificate's fields do not match its seal")]
    DigestMismatch,
    /// The fields cannot be sealed (no invoice, a malformed date or
    /// certificate number): only approved, valid certificates are sealed.
    #[error("cannot seal these fields: {0}")]
    InvalidFields(String),
    /// A key could not be read (hex seed, PKCS#8, JWK).
    #[error("bad key: {0}")]
    BadKey(String),
}

impl SealError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            SealError::BadPrefix { .. } => "bad_prefix",
            SealError::BadEncoding(_) => "bad_encoding",
            SealError::BadAlgorithm => "bad_algorithm",
            SealError::UnknownKey { .. } => "unknown_key",
            SealError::BadSignature => "bad_signature",
            SealError::Expired { .. } => "expired",
            SealError::DigestMismatch => "digest_mismatch",
            SealError::InvalidFields(_) => "invalid_fields",
            SealError::BadKey(_) => "bad_key",
        }
    }

    pub(crate) fn encoding(what: impl std::fmt::Display) -> Self {
        SealError::BadEncoding(what.to_string())
    }
}
