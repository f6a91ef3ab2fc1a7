//! The seal of a self-printed certificate of origin: the signed payload its
//! QR code carries, so anyone holding the paper can check it offline
//! against the issuer's published public key (policy measure 13).
//!
//! One crate for both ends, so they cannot drift apart:
//!
//! - the (mock) Single Window holds a [`SealKey`] and calls [`seal`] when it
//!   approves a certificate, and [`sign_fields`] for the detached signature
//!   its API returns with the certificate; the private key never leaves it;
//! - the client holds only [`PublicSeal`]s and calls [`open`] (and
//!   [`VerifiedSeal::matches`]) or [`verify_fields`].
//!
//! The QR text is `PDC1:` + base45(zlib?(COSE_Sign1)), with an
//! Ed25519 (`EdDSA`) signature, the key id in the protected header and a
//! small CBOR claims map as payload; `docs/formats/qr-payload.md` documents
//! every byte. What is certified, and its canonical bytes, is decided by
//! `portdesk_domain::origin::CertifiedFields`; this crate only signs and
//! checks it. No PDF; the only I/O is `offline` (reading trusted keys and
//! a certificate's QR text from an image or PDF for offline verification).

mod claims;
mod error;
mod fields;
mod key;
pub mod offline;
mod qr;

pub use claims::VerifiedSeal;
pub use error::SealError;
pub use fields::{sign_fields, verify_fields};
pub use key::{PublicSeal, SealKey, KEY_ID_LEN};
pub use qr::{open, seal, verify, MAX_QR_TEXT_LEN, PREFIX};
