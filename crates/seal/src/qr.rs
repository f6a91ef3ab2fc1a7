//! The QR text: `PDC1:` + base45 of a COSE_Sign1 (RFC 9052) whose
//! payload is the claims map, optionally zlib-compressed first. This is the
//! layout of the EU digital COVID certificate (`HC1:`), so its tooling and
//! reasoning carry over: base45 only uses the QR code's alphanumeric
//! characters, which pack 5.5 bits per character instead of 8.
//!
//! Zlib is applied only when it makes the text shorter; with a random digest
//! and signature in it, it usually does not. The reader tells the two apart
//! by the first byte (`0x78` zlib, `0x84` a COSE_Sign1 array). The COSE
//! tag 18 is left out, as the prefix already says what follows (RFC 9052
//! §2 allows that); a tagged structure (`0xD2`) is read as well.

use std::io::Read as _;

use chrono::NaiveDate;
use coset::{iana, CborSerializable as _, CoseSign1, CoseSign1Builder, HeaderBuilder};
use coset::{RegisteredLabelWithPrivate, TaggedCborSerializable as _};
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use portdesk_domain::origin::CertifiedFields;

use crate::{claims, PublicSeal, SealError, SealKey, VerifiedSeal};

/// Prefix of a PortDesk certificate seal, version 1.
pub const PREFIX: &str = "PDC1:";

/// Longest QR text [`open`] accepts; a real one is under 300 characters.
/// Bounds the work an arbitrary scanned code can cause.
pub const MAX_QR_TEXT_LEN: usize = 2048;

/// Longest decompressed COSE structure accepted (a zlib bomb guard).
const MAX_COSE_LEN: u64 = 4096;

/// The QR text sealing `fields`, signed by `key`.
pub fn seal(key: &SealKey, fields: &CertifiedFields) -> Result<String, SealError> {
    let payload = claims::encode(fields)?;
    let protected = HeaderBuilder::new()
        .algorithm(iana::Algorithm::EdDSA)
        .key_id(key.kid_bytes().to_vec())
        .build();
    let sign1 = CoseSign1Builder::new()
        .protected(protected)
        .payload(payload)
        .create_signature(b"", |tbs| key.sign(tbs).to_vec())
        .build();
    let cose = sign1
        .to_vec()
        .map_err(|e| SealError::InvalidFields(format!("COSE: {e}")))?;
    let compressed = zlib(&cose);
    let body = match compressed {
        Some(z) if z.len() < cose.len() => z,
        _ => cose,
    };
    Ok(format!("{PREFIX}{}", base45::encode(body)))
}

fn zlib(bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write as _;
    let mut enc = ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).ok()?;
    enc.finish().ok()
}

/// Opens a scanned QR text: checks the prefix, base45, (zlib), the COSE
/// structure, that the algorithm is EdDSA, that the key id is one of `keys`,
/// the signature, and that the certificate had not expired on `today`.
/// Then compare the result with the printed fields
/// ([`VerifiedSeal::matches`]), or use [`verify`] for both steps.
pub fn open(
    qr_text: &str,
    keys: &[PublicSeal],
    today: NaiveDate,
) -> Result<VerifiedSeal, SealError> {
    // Scanners may add a trailing newline; nothing else is forgiven.
    let qr_text = qr_text.trim_end_matches(['\r', '\n']);
    let body = qr_text
        .strip_prefix(PREFIX)
        .ok_or(SealError::BadPrefix { expected: PREFIX })?;
    if qr_text.len() > MAX_QR_TEXT_LEN {
        return Err(SealError::encoding("the text is too long"));
    }
    let raw = base45::decode(body).map_err(|_| SealError::encoding("not base45"))?;
    let cose = match raw.first() {
        Some(0x78) => inflate(&raw)?,
        _ => raw,
    };
    let sign1 = match cose.first() {
        Some(0xD2) => CoseSign1::from_tagged_slice(&cose),
        _ => CoseSign1::from_slice(&cose),
    }
    .map_err(|e| SealError::encoding(format!("COSE_Sign1: {e}")))?;

    // The algorithm and key id must be protected (signed), so neither can
    // be swapped by editing the unprotected header.
    let header = &sign1.protected.header;
    if header.alg != Some(RegisteredLabelWithPrivate::Assigned(iana::Algorithm::EdDSA)) {
        return Err(SealError::BadAlgorithm);
    }
    let kid = header.key_id.as_slice();
    let kid_text = {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(kid)
    };
    let key = keys
        .iter()
        .find(|k| k.kid_bytes().as_slice() == kid)
        .ok_or_else(|| SealError::UnknownKey {
            kid: kid_text.clone(),
        })?;
    sign1.verify_signature(b"", |sig, tbs| key.verify(tbs, sig))?;

    let payload = sign1
        .payload
        .as_deref()
        .ok_or_else(|| SealError::encoding("detached payload"))?;
    let claims = claims::decode(payload, kid_text)?;
    if today > claims.expiry_date {
        return Err(SealError::Expired {
            expiry: claims.expiry_date,
        });
    }
    Ok(claims)
}

/// [`open`], then [`VerifiedSeal::check`] against the printed `fields`.
pub fn verify(
    qr_text: &str,
    keys: &[PublicSeal],
    today: NaiveDate,
    fields: &CertifiedFields,
) -> Result<VerifiedSeal, SealError> {
    let seal = open(qr_text, keys, today)?;
    seal.check(fields)?;
    Ok(seal)
}

fn inflate(raw: &[u8]) -> Result<Vec<u8>, SealError> {
    let mut out = Vec::new();
    ZlibDecoder::new(raw)
        .take(MAX_COSE_LEN + 1)
        .read_to_end(&mut out)
        .map_err(|_| SealError::encoding("bad zlib data"))?;
    if out.len() as u64 > MAX_COSE_LEN {
        return Err(SealError::encoding("decompressed payload too large"));
    }
    Ok(out)
}
