//! The certified fields of an approved certificate and their canonical byte
//! form: what the issuer signs and what anyone holding the paper verifies
//! from its QR code. Server and client must produce the same bytes from the
//! same fields, so the encoding is fixed here and documented in
//! `docs/formats/origin-application.md`.
//!
//! Canonical form (version 1): one JSON object, UTF-8, no whitespace
//! between tokens, object keys sorted by their UTF-8 bytes at every level,
//! arrays in their given order, every value a string except the format
//! version `"v":1`. Strings are escaped the way `serde_json` writes them
//! (`"` `\` and control characters only; everything else verbatim, no
//! `\u` escapes for non-ASCII). Values are carried exactly as certified: no
//! trimming, case folding or number normalisation (`25.50` ≠ `25.5`), so a
//! changed character anywhere changes the bytes.
//!
//! No crypto here beyond the SHA-256 digest the QR code carries; signing
//! and verifying are the issuer's and the printer's business.

use chrono::{Months, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::{OriginApplication, OriginForm};

/// Version of the canonical encoding; part of the bytes, so a future change
/// of the field set cannot be confused with this one.
const CANONICAL_VERSION: u64 = 1;

/// An invoice as certified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CertifiedInvoice {
    pub number: String,
    /// `yyyyMMdd`.
    pub date: String,
}

/// A goods item as certified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CertifiedItem {
    pub hs_code: String,
    pub description: String,
    pub quantity: String,
    /// Unit code (code list `unit`).
    pub unit: String,
}

/// The fields a self-printed certificate's signature covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CertifiedFields {
    /// 16-char certificate number.
    pub certificate_number: String,
    pub form: OriginForm,
    pub exporter_credit_code: String,
    pub exporter_name: String,
    pub consignee_name: String,
    /// Alpha-3.
    pub importing_country: String,
    pub invoices: Vec<CertifiedInvoice>,
    pub items: Vec<CertifiedItem>,
    /// `yyyyMMdd`.
    pub issue_date: String,
    /// Last day of validity, `yyyyMMdd`.
    pub expiry_date: String,
}

/// Last day a certificate issued on `issue` is valid: one year, i.e. the
/// day before the anniversary (issued 2026-11-10 → valid through
/// 2027-11-09; issued 2028-02-29 → 2029-02-27). The exact day count is
/// assumed; the reference says only "validity 1 year".
pub fn expiry_date(issue: NaiveDate) -> NaiveDate {
    issue
        .checked_add_months(Months::new(12))
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

impl CertifiedFields {
    /// The certified fields of an approved `app` given its number and issue
    /// date. Item marks, weights and values are not covered: the
    /// verification site identifies a certificate by number and invoice,
    /// and the QR code only has to prove the goods and parties unchanged.
    pub fn from_application(
        app: &OriginApplication,
        certificate_number: &str,
        issue_date: NaiveDate,
    ) -> Self {
        CertifiedFields {
            certificate_number: certificate_number.to_owned(),
            form: app.form,
            exporter_credit_code: app.exporter.credit_code.clone(),
            exporter_name: app.exporter.name.clone(),
            consignee_name: app.consignee.name.clone(),
            importing_country: app.importing_country.clone(),
            invoices: app
                .invoices
                .iter()
                .map(|i| CertifiedInvoice {
                    number: i.number.clone(),
                    date: i.date.clone(),
                })
                .collect(),
            items: app
                .items
                .iter()
                .map(|i| CertifiedItem {
                    hs_code: i.hs_code.clone(),
                    description: i.description.clone(),
                    quantity: i.quantity.clone(),
                    unit: i.unit.clone(),
                })
                .collect(),
            issue_date: ymd(issue_date),
            expiry_date: ymd(expiry_date(issue_date)),
        }
    }

    /// The canonical bytes (see the module documentation).
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut value = serde_json::to_value(self).expect("plain strings serialise");
        if let Value::Object(map) = &mut value {
            map.insert("v".into(), Value::from(CANONICAL_VERSION));
        }
        let mut out = Vec::new();
        write_canonical(&value, &mut out);
        out
    }

    /// SHA-256 of [`Self::canonical_bytes`].
    pub fn digest(&self) -> [u8; 32] {
        Sha256::digest(self.canonical_bytes()).into()
    }

    /// [`Self::digest`] as 64 lower-case hex digits, as the QR code carries it.
    pub fn digest_hex(&self) -> String {
        use std::fmt::Write;
        self.digest()
            .iter()
            .fold(String::with_capacity(64), |mut s, b| {
                let _ = write!(s, "{b:02x}");
                s
            })
    }
}

/// Writes `v` with sorted keys and no whitespace. Keys are sorted here
/// rather than trusting the map type: serde_json's `preserve_order` feature,
/// switched on by any crate in the build, would keep insertion order.
fn write_canonical(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            out.push(b'{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(&Value::String(k.clone()), out);
                out.push(b':');
                write_canonical(&map[k], out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        scalar => out.extend_from_slice(
            serde_json::to_string(scalar)
                .expect("scalars serialise")
                .as_bytes(),
        ),
    }
}
