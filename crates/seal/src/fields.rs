//! The detached signature an approved certificate carries in the Single
//! Window's API: Ed25519 over `CertifiedFields::canonical_bytes`, base64
//! (standard alphabet, padded). It lets the client check a certificate it
//! received before printing it, without the QR encoding in between.
//!
//! No message can be valid both here and as a QR seal: canonical bytes
//! start with `{`, a COSE Sig_structure with the CBOR array byte `0x84`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use portdesk_domain::origin::CertifiedFields;

use crate::{PublicSeal, SealError, SealKey};

/// Base64 of the Ed25519 signature by `key` over the canonical bytes of
/// `fields`.
pub fn sign_fields(key: &SealKey, fields: &CertifiedFields) -> String {
    STANDARD.encode(key.sign(&fields.canonical_bytes()))
}

/// Checks a [`sign_fields`] signature: `bad_encoding` if it is not base64 of
/// 64 bytes, `bad_signature` if it does not verify under `key`.
pub fn verify_fields(
    key: &PublicSeal,
    fields: &CertifiedFields,
    signature: &str,
) -> Result<(), SealError> {
    let sig = STANDARD
        .decode(signature.trim())
        .map_err(|_| SealError::encoding("the signature is not base64"))?;
    if sig.len() != 64 {
        return Err(SealError::encoding("an Ed25519 signature has 64 bytes"));
    }
    key.verify(&fields.canonical_bytes(), &sig)
}
