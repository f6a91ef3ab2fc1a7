//! The issuer's Ed25519 key pair: [`SealKey`] (private, server only) and
//! [`PublicSeal`] (published, JWK-like JSON, what a verifier holds).
//!
//! A key id is the first [`KEY_ID_LEN`] bytes of SHA-256 of the raw 32-byte
//! public key, so it is derived rather than chosen: a published key whose
//! `kid` does not match its `x` is refused, and two keys can never be
//! published under one id by mistake.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::SealError;

/// Bytes of a key id. Four bytes keep the QR code short (every byte is 1.5
/// characters of it) while an accidental collision between an issuer's few
/// keys stays practically impossible (2^-32 per pair); the id only selects a
/// key, the signature is what proves anything.
pub const KEY_ID_LEN: usize = 4;

fn key_id_of(public: &VerifyingKey) -> [u8; KEY_ID_LEN] {
    let hash = Sha256::digest(public.as_bytes());
    let mut kid = [0u8; KEY_ID_LEN];
    kid.copy_from_slice(&hash[..KEY_ID_LEN]);
    kid
}

/// The issuer's private sealing key (Ed25519). Only the server has one.
/// `Debug` shows the key id, never the secret.
#[derive(Clone)]
pub struct SealKey {
    signing: SigningKey,
    kid: [u8; KEY_ID_LEN],
}

impl fmt::Debug for SealKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealKey")
            .field("kid", &self.key_id())
            .finish_non_exhaustive()
    }
}

impl SealKey {
    fn from_signing(signing: SigningKey) -> Self {
        let kid = key_id_of(&signing.verifying_key());
        SealKey { signing, kid }
    }

    /// A new random key from the operating system's CSPRNG.
    ///
    /// # Panics
    /// If the operating system has no random source (a broken system, not
    /// a matter of input).
    pub fn generate() -> Self {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).expect("the operating system's random source is available");
        Self::from_seed(seed)
    }

    /// The key of a raw 32-byte Ed25519 seed (RFC 8032 private key).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self::from_signing(SigningKey::from_bytes(&seed))
    }

    /// The key of a seed given as 64 hex digits (either case).
    pub fn from_seed_hex(hex: &str) -> Result<Self, SealError> {
        let bytes = decode_hex(hex.trim())
            .ok_or_else(|| SealError::BadKey("the seed must be 64 hex digits".into()))?;
        let seed: [u8; 32] = bytes
            .try_into()
            .map_err(|_| SealError::BadKey("the seed must be 64 hex digits".into()))?;
        Ok(Self::from_seed(seed))
    }

    /// The seed as 64 lower-case hex digits. Secret: store it like a password.
    pub fn to_seed_hex(&self) -> String {
        encode_hex(self.signing.as_bytes())
    }

    /// Reads a PKCS#8 private key (DER).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, SealError> {
        SigningKey::from_pkcs8_der(der)
            .map(Self::from_signing)
            .map_err(|e| SealError::BadKey(format!("PKCS#8: {e}")))
    }

    /// Reads a PKCS#8 private key (PEM, `-----BEGIN PRIVATE KEY-----`), the
    /// form `openssl genpkey -algorithm ed25519` writes.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, SealError> {
        SigningKey::from_pkcs8_pem(pem)
            .map(Self::from_signing)
            .map_err(|e| SealError::BadKey(format!("PKCS#8: {e}")))
    }

    /// The key as PKCS#8 DER.
    pub fn to_pkcs8_der(&self) -> Result<Vec<u8>, SealError> {
        self.signing
            .to_pkcs8_der()
            .map(|doc| doc.as_bytes().to_vec())
            .map_err(|e| SealError::BadKey(format!("PKCS#8: {e}")))
    }

    /// The key as PKCS#8 PEM (LF line endings).
    pub fn to_pkcs8_pem(&self) -> Result<String, SealError> {
        self.signing
            .to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
            .map(|pem| pem.as_str().to_owned())
            .map_err(|e| SealError::BadKey(format!("PKCS#8: {e}")))
    }

    /// The public half, to publish.
    pub fn public(&self) -> PublicSeal {
        PublicSeal {
            key: self.signing.verifying_key(),
            kid: self.kid,
        }
    }

    /// The key id, base64url without padding (as in the published JSON).
    pub fn key_id(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.kid)
    }

    pub(crate) fn kid_bytes(&self) -> &[u8; KEY_ID_LEN] {
        &self.kid
    }

    pub(crate) fn sign(&self, message: &[u8]) -> [u8; 64] {
        use ed25519_dalek::Signer as _;
        self.signing.sign(message).to_bytes()
    }
}

/// A published public sealing key. Serialises to the JWK form of RFC 8037,
/// `{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","kid":"…","x":"…"}`, `kid`
/// and `x` base64url without padding. When reading, `kty` and `crv` may be
/// omitted, but `alg` must be `EdDSA` and `kid` must be the id derived from
/// `x`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Jwk", into = "Jwk")]
pub struct PublicSeal {
    key: VerifyingKey,
    kid: [u8; KEY_ID_LEN],
}

impl PublicSeal {
    /// The key of a raw 32-byte Ed25519 public key.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, SealError> {
        let key = VerifyingKey::from_bytes(bytes)
            .map_err(|_| SealError::BadKey("not an Ed25519 public key".into()))?;
        if key.is_weak() {
            // A small-order point: any signature would verify under it.
            return Err(SealError::BadKey("weak Ed25519 public key".into()));
        }
        Ok(PublicSeal {
            kid: key_id_of(&key),
            key,
        })
    }

    /// The raw 32-byte public key.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// The key id, base64url without padding.
    pub fn key_id(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.kid)
    }

    /// The published JSON (see the type's documentation).
    pub fn to_json(&self) -> String {
        serde_json::to_string(&Jwk::from(self.clone())).unwrap_or_default()
    }

    /// Reads the published JSON.
    pub fn from_json(json: &str) -> Result<Self, SealError> {
        serde_json::from_str(json).map_err(|e| SealError::BadKey(e.to_string()))
    }

    pub(crate) fn kid_bytes(&self) -> &[u8; KEY_ID_LEN] {
        &self.kid
    }

    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), SealError> {
        let sig =
            ed25519_dalek::Signature::from_slice(signature).map_err(|_| SealError::BadSignature)?;
        // Strict: rejects non-canonical signatures and small-order
        // components, so one certificate has exactly one valid signature.
        self.key
            .verify_strict(message, &sig)
            .map_err(|_| SealError::BadSignature)
    }
}

/// The wire form of [`PublicSeal`].
#[derive(Serialize, Deserialize)]
struct Jwk {
    #[serde(default = "okp")]
    kty: String,
    #[serde(default = "ed25519")]
    crv: String,
    alg: String,
    kid: String,
    x: String,
}

fn okp() -> String {
    "OKP".into()
}

fn ed25519() -> String {
    "Ed25519".into()
}

impl From<PublicSeal> for Jwk {
    fn from(p: PublicSeal) -> Self {
        Jwk {
            kty: okp(),
            crv: ed25519(),
            alg: "EdDSA".into(),
            kid: p.key_id(),
            x: URL_SAFE_NO_PAD.encode(p.key.as_bytes()),
        }
    }
}

impl TryFrom<Jwk> for PublicSeal {
    type Error = SealError;

    fn try_from(j: Jwk) -> Result<Self, SealError> {
        if j.kty != "OKP" || j.crv != "Ed25519" || j.alg != "EdDSA" {
            return Err(SealError::BadKey(
                "only OKP / Ed25519 / EdDSA keys are accepted".into(),
            ));
        }
        let x = URL_SAFE_NO_PAD
            .decode(j.x.as_bytes())
            .map_err(|_| SealError::BadKey("x must be base64url without padding".into()))?;
        let x: [u8; 32] = x
            .try_into()
            .map_err(|_| SealError::BadKey("x must be 32 bytes".into()))?;
        let key = PublicSeal::from_bytes(&x)?;
        if key.key_id() != j.kid {
            return Err(SealError::BadKey(format!(
                "kid {} does not belong to this key (expected {})",
                j.kid,
                key.key_id()
            )));
        }
        Ok(key)
    }
}

fn encode_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    s
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    s.as_bytes()
        .chunks(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_hex_and_pkcs8_round_trip() {
        let key = SealKey::from_seed([7; 32]);
        let hex = key.to_seed_hex();
        assert_eq!(hex.len(), 64);
        assert_eq!(SealKey::from_seed_hex(&hex).unwrap().public(), key.public());
        assert_eq!(
            SealKey::from_seed_hex(&hex.to_uppercase())
                .unwrap()
                .public(),
            key.public()
        );
        let der = key.to_pkcs8_der().unwrap();
        assert_eq!(
            SealKey::from_pkcs8_der(&der).unwrap().public(),
            key.public()
        );
        let pem = key.to_pkcs8_pem().unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        assert_eq!(
            SealKey::from_pkcs8_pem(&pem).unwrap().public(),
            key.public()
        );
        for bad in ["", "00", &hex[1..], &format!("{}zz", &hex[2..])] {
            assert_eq!(SealKey::from_seed_hex(bad).unwrap_err().code(), "bad_key");
        }
        assert!(!format!("{key:?}").contains(&hex));
    }

    #[test]
    fn public_key_json_round_trips_and_checks_kid() {
        let key = SealKey::generate().public();
        let json = key.to_json();
        assert!(json.contains(r#""alg":"EdDSA""#), "{json}");
        assert_eq!(PublicSeal::from_json(&json).unwrap(), key);
        // kty and crv may be left out.
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let short = serde_json::json!({"kid": v["kid"], "alg": "EdDSA", "x": v["x"]});
        assert_eq!(PublicSeal::from_json(&short.to_string()).unwrap(), key);
        // A kid that does not belong to x, or another algorithm, is refused.
        let other = SealKey::generate().public();
        let wrong = serde_json::json!({"kid": other.key_id(), "alg": "EdDSA", "x": v["x"]});
        assert_eq!(
            PublicSeal::from_json(&wrong.to_string())
                .unwrap_err()
                .code(),
            "bad_key"
        );
        let es = serde_json::json!({"kid": v["kid"], "alg": "ES256", "x": v["x"]});
        assert!(PublicSeal::from_json(&es.to_string()).is_err());
    }
}
