//! The claims map inside the COSE payload, and [`VerifiedSeal`], what a
//! successfully opened seal says.
//!
//! Small integer keys and dates as day numbers keep the payload
//! short (a QR code of ~35 mm has to stay readable); the full certified
//! fields are not in the QR code, only their SHA-256 digest, so the paper
//! itself is what is checked against the seal.
//!
//! | key | claim | CBOR type |
//! | --- | --- | --- |
//! | 1 | certificate number | text, 16 chars |
//! | 2 | form letter | text, `C`/`E`/`R` |
//! | 3 | (first) invoice number | text |
//! | 4 | (first) invoice date | uint, days since 1970-01-01 |
//! | 5 | exporter's credit code | text |
//! | 6 | importing country | text, alpha-3 |
//! | 7 | SHA-256 of the canonical certified fields | bytes, 32 |
//! | 8 | issue date | uint, days since 1970-01-01 |
//! | 9 | last day of validity | uint, days since 1970-01-01 |
//!
//! Dates are counted in days since 1970-01-01, the integer of RFC 8943's
//! `full-date` (tag 100, left out): 3 bytes until the year 2149, where a
//! `yyyyMMdd` integer takes 5.

use chrono::NaiveDate;
use coset::cbor::value::Value;
use portdesk_domain::origin::{parse_certificate_number, CertifiedFields, OriginForm};
use serde::{Deserialize, Serialize};

use crate::SealError;

const CERTIFICATE_NUMBER: i64 = 1;
const FORM: i64 = 2;
const INVOICE_NUMBER: i64 = 3;
const INVOICE_DATE: i64 = 4;
const EXPORTER_CREDIT_CODE: i64 = 5;
const IMPORTING_COUNTRY: i64 = 6;
const DIGEST: i64 = 7;
const ISSUE_DATE: i64 = 8;
const EXPIRY_DATE: i64 = 9;

/// The claims of a seal whose signature verified and which had not expired
/// on the day it was checked. Compare it with the printed certificate
/// through [`VerifiedSeal::matches`]: the clear claims are there to show a
/// person which certificate the QR code is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedSeal {
    /// Base64url key id of the key that signed it.
    pub key_id: String,
    pub certificate_number: String,
    pub form: OriginForm,
    /// Number of the first invoice (the official site looks certificates up
    /// by certificate and invoice number). Further invoices are covered by
    /// the digest.
    pub invoice_number: String,
    pub invoice_date: NaiveDate,
    pub exporter_credit_code: String,
    /// Alpha-3.
    pub importing_country: String,
    /// SHA-256 of `CertifiedFields::canonical_bytes`.
    pub digest: [u8; 32],
    pub issue_date: NaiveDate,
    /// Last day of validity.
    pub expiry_date: NaiveDate,
}

impl VerifiedSeal {
    /// Whether `fields` (read from the printed certificate, or rebuilt from
    /// the application) are exactly the certified ones: same digest, and the
    /// clear claims agree too.
    pub fn matches(&self, fields: &CertifiedFields) -> bool {
        let Some(first) = fields.invoices.first() else {
            return false;
        };
        fields.digest() == self.digest
            && fields.certificate_number == self.certificate_number
            && fields.form == self.form
            && first.number == self.invoice_number
            && first.date == ymd(self.invoice_date)
            && fields.exporter_credit_code == self.exporter_credit_code
            && fields.importing_country == self.importing_country
            && fields.issue_date == ymd(self.issue_date)
            && fields.expiry_date == ymd(self.expiry_date)
    }

    /// [`Self::matches`] as a result: `digest_mismatch` when they differ.
    pub fn check(&self, fields: &CertifiedFields) -> Result<(), SealError> {
        if self.matches(fields) {
            Ok(())
        } else {
            Err(SealError::DigestMismatch)
        }
    }
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// `yyyyMMdd` text → date.
fn parse_ymd(s: &str) -> Option<NaiveDate> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y%m%d").ok()
}

const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");

fn date_int(d: NaiveDate) -> u64 {
    // Certified dates are parsed `yyyyMMdd`, years 1000-9999; earlier ones
    // would be negative and are refused by `encode`.
    u64::try_from((d - EPOCH).num_days()).unwrap_or(0)
}

fn int_date(n: u64) -> Option<NaiveDate> {
    // Up to the year 9999, as a `yyyyMMdd` field can hold.
    if n > 2_932_896 {
        return None;
    }
    EPOCH.checked_add_days(chrono::Days::new(n))
}

/// The claims map of `fields`, CBOR-encoded. Only approved, valid
/// certificates are sealed, so malformed fields are refused rather than
/// carried.
pub(crate) fn encode(fields: &CertifiedFields) -> Result<Vec<u8>, SealError> {
    let invalid = |what: &str| SealError::InvalidFields(what.to_owned());
    let number = parse_certificate_number(&fields.certificate_number)
        .map_err(|e| invalid(&format!("certificate number: {e}")))?;
    if number.form != Some(fields.form) {
        return Err(invalid("the certificate number's letter is not the form's"));
    }
    let invoice = fields
        .invoices
        .first()
        .ok_or_else(|| invalid("a certificate needs an invoice"))?;
    let invoice_date =
        parse_ymd(&invoice.date).ok_or_else(|| invalid("invoice date is not yyyyMMdd"))?;
    let issue = parse_ymd(&fields.issue_date).ok_or_else(|| invalid("issue date"))?;
    let expiry = parse_ymd(&fields.expiry_date).ok_or_else(|| invalid("expiry date"))?;
    if [invoice_date, issue, expiry].iter().any(|d| *d < EPOCH) {
        return Err(invalid("dates before 1970 cannot be sealed"));
    }

    let text = |s: &str| Value::Text(s.to_owned());
    let date = |d: NaiveDate| Value::Integer(date_int(d).into());
    // Keys in ascending order, integers in their shortest form (ciborium's
    // default): the deterministic encoding of RFC 8949 §4.2.1.
    let map = Value::Map(vec![
        (CERTIFICATE_NUMBER.into(), text(&fields.certificate_number)),
        (FORM.into(), Value::Text(fields.form.letter().to_string())),
        (INVOICE_NUMBER.into(), text(&invoice.number)),
        (INVOICE_DATE.into(), date(invoice_date)),
        (
            EXPORTER_CREDIT_CODE.into(),
            text(&fields.exporter_credit_code),
        ),
        (IMPORTING_COUNTRY.into(), text(&fields.importing_country)),
        (DIGEST.into(), Value::Bytes(fields.digest().to_vec())),
        (ISSUE_DATE.into(), date(issue)),
        (EXPIRY_DATE.into(), date(expiry)),
    ]);
    let mut out = Vec::with_capacity(128);
    coset::cbor::ser::into_writer(&map, &mut out)
        .map_err(|e| SealError::InvalidFields(format!("CBOR: {e}")))?;
    Ok(out)
}

/// Reads a claims map. Every claim is required and no other key is allowed:
/// a later layout gets a new prefix instead of silently extra claims.
pub(crate) fn decode(payload: &[u8], key_id: String) -> Result<VerifiedSeal, SealError> {
    let bad = |what: &str| SealError::encoding(format!("claims: {what}"));
    let value: Value = coset::cbor::de::from_reader(payload).map_err(SealError::encoding)?;
    let Value::Map(entries) = value else {
        return Err(bad("not a map"));
    };
    let mut slots: [Option<Value>; 9] = Default::default();
    for (k, v) in entries {
        let key = k
            .as_integer()
            .and_then(|i| i64::try_from(i).ok())
            .filter(|i| (1..=9).contains(i))
            .ok_or_else(|| bad("unknown key"))?;
        let slot = &mut slots[(key - 1) as usize];
        if slot.replace(v).is_some() {
            return Err(bad("duplicate key"));
        }
    }
    let mut take = |key: i64| slots[(key - 1) as usize].take();
    let text = |v: Option<Value>, what: &str| match v {
        Some(Value::Text(s)) => Ok(s),
        _ => Err(bad(what)),
    };
    let date = |v: Option<Value>, what: &str| {
        v.as_ref()
            .and_then(Value::as_integer)
            .and_then(|i| u64::try_from(i).ok())
            .and_then(int_date)
            .ok_or_else(|| bad(what))
    };

    let certificate_number = text(take(CERTIFICATE_NUMBER), "certificate number")?;
    parse_certificate_number(&certificate_number).map_err(|_| bad("certificate number"))?;
    let form = text(take(FORM), "form")?;
    let form = match form.as_str() {
        "C" => OriginForm::C,
        "E" => OriginForm::E,
        "R" => OriginForm::R,
        _ => return Err(bad("form")),
    };
    let invoice_number = text(take(INVOICE_NUMBER), "invoice number")?;
    let invoice_date = date(take(INVOICE_DATE), "invoice date")?;
    let exporter_credit_code = text(take(EXPORTER_CREDIT_CODE), "exporter credit code")?;
    let importing_country = text(take(IMPORTING_COUNTRY), "importing country")?;
    let digest = match take(DIGEST) {
        Some(Value::Bytes(b)) => <[u8; 32]>::try_from(b).map_err(|_| bad("digest length"))?,
        _ => return Err(bad("digest")),
    };
    let issue_date = date(take(ISSUE_DATE), "issue date")?;
    let expiry_date = date(take(EXPIRY_DATE), "expiry date")?;
    Ok(VerifiedSeal {
        key_id,
        certificate_number,
        form,
        invoice_number,
        invoice_date,
        exporter_credit_code,
        importing_country,
        digest,
        issue_date,
        expiry_date,
    })
}
