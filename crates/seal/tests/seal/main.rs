//! Sealing and opening a certificate's QR payload end to end: the server's
//! side (`seal`, `sign_fields`) against the client's (`open`, `matches`,
//! `verify_fields`), and every way a tampered or foreign code must fail.

mod props;

use chrono::NaiveDate;
use portdesk_domain::origin::{CertifiedFields, OriginApplication};
use portdesk_seal::{
    open, seal, sign_fields, verify, verify_fields, PublicSeal, SealError, SealKey, PREFIX,
};

const NUMBER: &str = "E26470ZC41091001";

fn issue() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 10).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn application() -> OriginApplication {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/origin-e-valid.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn fields() -> CertifiedFields {
    CertifiedFields::from_application(&application(), NUMBER, issue())
}

/// A fixed test key, so the example in docs/formats/qr-payload.md can be
/// reproduced.
fn test_key() -> SealKey {
    SealKey::from_seed_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        .unwrap()
}

#[test]
fn round_trip() {
    let key = test_key();
    let f = fields();
    let qr = seal(&key, &f).unwrap();
    assert!(qr.starts_with(PREFIX));
    let opened = open(&qr, &[key.public()], issue()).unwrap();
    assert_eq!(opened.certificate_number, NUMBER);
    assert_eq!(opened.invoice_number, "HSJ2026117");
    assert_eq!(opened.invoice_date, day(2026, 11, 2));
    assert_eq!(opened.exporter_credit_code, "91210200MA0QC4L18M");
    assert_eq!(opened.importing_country, "VNM");
    assert_eq!(opened.issue_date, issue());
    assert_eq!(opened.expiry_date, day(2027, 11, 9));
    assert_eq!(opened.digest, f.digest());
    assert_eq!(opened.key_id, key.key_id());
    assert!(opened.matches(&f));
    assert_eq!(verify(&qr, &[key.public()], issue(), &f).unwrap(), opened);
    // Still valid on its last day; a trailing newline from a scanner is fine.
    assert!(open(&format!("{qr}\n"), &[key.public()], day(2027, 11, 9)).is_ok());
    // The right key is found among several.
    let keys = [SealKey::generate().public(), key.public()];
    assert!(open(&qr, &keys, issue()).is_ok());
    // Sealing is deterministic (Ed25519 is), so a reprint has the same code.
    assert_eq!(seal(&key, &f).unwrap(), qr);
    println!("example QR text ({} chars): {qr}", qr.len());
    println!("public key: {}", key.public().to_json());
}

#[test]
fn the_documented_example_is_what_seal_gives() {
    // docs/formats/qr-payload.md shows the fixture sealed with the test key;
    // Ed25519 is deterministic, so any change to the layout shows up here.
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/formats/qr-payload.md"
    ))
    .unwrap();
    let key = test_key();
    let qr = seal(&key, &fields()).unwrap();
    assert!(
        doc.contains(&format!("\n{qr}\n")),
        "update the example: {qr}"
    );
    assert!(doc.contains(&key.public().to_json()));
    assert!(doc.contains(&fields().digest_hex()));
    assert!(doc.contains(&format!("**{} characters**", qr.len())));
}

#[test]
fn realistic_payload_is_small_enough_for_a_35mm_qr_code() {
    let key = SealKey::generate();
    let qr = seal(&key, &fields()).unwrap();
    println!(
        "QR text length (fixture, 10-char invoice no.): {}",
        qr.len()
    );
    assert!(qr.len() < 300, "QR text is {} characters", qr.len());
    // A long invoice number still fits a version 10 code at error
    // correction M (57 modules, up to 311 alphanumeric characters): 0.6 mm
    // modules at 35 mm, readable from paper.
    let mut f = fields();
    f.invoices[0].number = "INV-2026-0000000123".into();
    let long = seal(&key, &f).unwrap();
    println!("QR text length (19-char invoice no.): {}", long.len());
    for text in [&qr, &long] {
        let q = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
            .unwrap();
        println!("QR version {:?}, {} modules", q.version(), q.width());
        assert!(q.width() <= 57, "{} modules", q.width());
    }
}

#[test]
fn every_changed_byte_fails() {
    let key = test_key();
    let qr = seal(&key, &fields()).unwrap();
    let raw = base45::decode(&qr[PREFIX.len()..]).unwrap();
    // Flip each byte of the COSE structure in turn (claims, header and
    // signature alike): it must never open.
    for i in 0..raw.len() {
        let mut bad = raw.clone();
        bad[i] ^= 0x01;
        let text = format!("{PREFIX}{}", base45::encode(&bad));
        let err = open(&text, &[key.public()], issue()).unwrap_err();
        assert!(
            [
                "bad_signature",
                "bad_encoding",
                "unknown_key",
                "bad_algorithm"
            ]
            .contains(&err.code()),
            "byte {i}: {err:?}"
        );
    }
    // Specifically, the last 64 bytes are the signature.
    let mut bad = raw.clone();
    let n = bad.len();
    bad[n - 1] ^= 0x80;
    let text = format!("{PREFIX}{}", base45::encode(&bad));
    assert_eq!(
        open(&text, &[key.public()], issue()).unwrap_err(),
        SealError::BadSignature
    );
}

#[test]
fn a_claim_changed_and_resigned_by_another_key_fails() {
    let key = test_key();
    let forger = SealKey::generate();
    let mut f = fields();
    f.items[0].quantity = "255".into();
    // Sealed by someone else: an unknown key id.
    let forged = seal(&forger, &f).unwrap();
    let err = open(&forged, &[key.public()], issue()).unwrap_err();
    assert_eq!(err.code(), "unknown_key");
    assert!(matches!(err, SealError::UnknownKey { kid } if kid == forger.key_id()));
}

#[test]
fn a_swapped_key_id_fails_the_signature() {
    // A forger who copies the issuer's key id into the protected header.
    let key = test_key();
    let forger = SealKey::generate();
    let qr = seal(&forger, &fields()).unwrap();
    let raw = base45::decode(&qr[PREFIX.len()..]).unwrap();
    let theirs = base64_url(&forger.key_id());
    let ours = base64_url(&key.key_id());
    let pos = raw
        .windows(theirs.len())
        .position(|w| w == theirs.as_slice())
        .unwrap();
    let mut bad = raw.clone();
    bad[pos..pos + ours.len()].copy_from_slice(&ours);
    let text = format!("{PREFIX}{}", base45::encode(&bad));
    assert_eq!(
        open(&text, &[key.public()], issue()).unwrap_err(),
        SealError::BadSignature
    );
}

fn base64_url(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .unwrap()
}

#[test]
fn expired_fails() {
    let key = test_key();
    let qr = seal(&key, &fields()).unwrap();
    let err = open(&qr, &[key.public()], day(2027, 11, 10)).unwrap_err();
    assert_eq!(
        err,
        SealError::Expired {
            expiry: day(2027, 11, 9)
        }
    );
    assert_eq!(err.code(), "expired");
}

#[test]
fn prefix_and_encoding_errors() {
    let key = test_key();
    let qr = seal(&key, &fields()).unwrap();
    let keys = [key.public()];
    let code = |t: &str| open(t, &keys, issue()).unwrap_err().code();
    assert_eq!(code("HC1:6BFOXN"), "bad_prefix");
    assert_eq!(code(&qr.replacen("PDC1:", "PDC2:", 1)), "bad_prefix");
    assert_eq!(code(&qr.to_lowercase()), "bad_prefix");
    assert_eq!(code("PDC1:"), "bad_encoding");
    assert_eq!(code("PDC1:abc"), "bad_encoding");
    assert_eq!(code(&qr[..qr.len() - 6]), "bad_encoding");
    assert_eq!(code(&format!("PDC1:{}", "0".repeat(3000))), "bad_encoding");
    // A zlib bomb is refused, not inflated.
    let bomb = {
        use std::io::Write as _;
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&vec![0u8; 1 << 20]).unwrap();
        e.finish().unwrap()
    };
    assert_eq!(
        code(&format!("PDC1:{}", base45::encode(&bomb))),
        "bad_encoding"
    );
}

#[test]
fn a_compressed_payload_opens_too() {
    // seal() only compresses when it helps; a reader must accept both.
    let key = test_key();
    let qr = seal(&key, &fields()).unwrap();
    let raw = base45::decode(&qr[PREFIX.len()..]).unwrap();
    let z = {
        use std::io::Write as _;
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&raw).unwrap();
        e.finish().unwrap()
    };
    let text = format!("{PREFIX}{}", base45::encode(&z));
    assert_eq!(
        open(&text, &[key.public()], issue()).unwrap(),
        open(&qr, &[key.public()], issue()).unwrap()
    );
}

#[test]
fn any_changed_certified_field_no_longer_matches() {
    let key = test_key();
    let f = fields();
    let opened = open(&seal(&key, &f).unwrap(), &[key.public()], issue()).unwrap();
    type Change = fn(&mut CertifiedFields);
    let changes: Vec<(&str, Change)> = vec![
        ("certificate_number", |f| {
            f.certificate_number = "E26470ZC41091002".into()
        }),
        ("form", |f| f.form = portdesk_domain::origin::OriginForm::R),
        ("exporter_credit_code", |f| f.exporter_credit_code.push('X')),
        ("exporter_name", |f| f.exporter_name.push(' ')),
        ("consignee_name", |f| f.consignee_name = "TO ORDER".into()),
        ("importing_country", |f| f.importing_country = "THA".into()),
        ("invoices[0].number", |f| f.invoices[0].number.push('1')),
        ("invoices[0].date", |f| {
            f.invoices[0].date = "20261103".into()
        }),
        ("invoices+", |f| f.invoices.push(f.invoices[0].clone())),
        ("items[1].hs_code", |f| f.items[1].hs_code = "721050".into()),
        ("items[0].description", |f| {
            f.items[0].description = f.items[0].description.replace("FIVE", "SIX")
        }),
        ("items[0].quantity", |f| {
            f.items[0].quantity = "25.50".into()
        }),
        ("items[1].unit", |f| f.items[1].unit = "035".into()),
        ("items-", |f| {
            f.items.pop();
        }),
        ("issue_date", |f| f.issue_date = "20261111".into()),
        ("expiry_date", |f| f.expiry_date = "20281109".into()),
    ];
    for (what, change) in changes {
        let mut g = f.clone();
        change(&mut g);
        assert!(!opened.matches(&g), "{what}");
        assert_eq!(opened.check(&g), Err(SealError::DigestMismatch), "{what}");
        assert_eq!(
            verify(&seal(&key, &f).unwrap(), &[key.public()], issue(), &g)
                .unwrap_err()
                .code(),
            "digest_mismatch"
        );
    }
}

#[test]
fn detached_field_signature() {
    let key = test_key();
    let f = fields();
    let sig = sign_fields(&key, &f);
    verify_fields(&key.public(), &f, &sig).unwrap();
    let mut g = f.clone();
    g.consignee_name.push('.');
    assert_eq!(
        verify_fields(&key.public(), &g, &sig),
        Err(SealError::BadSignature)
    );
    assert_eq!(
        verify_fields(&SealKey::generate().public(), &f, &sig),
        Err(SealError::BadSignature)
    );
    assert_eq!(
        verify_fields(&key.public(), &f, "not base64!")
            .unwrap_err()
            .code(),
        "bad_encoding"
    );
    use base64::Engine as _;
    let mut raw = base64::engine::general_purpose::STANDARD
        .decode(&sig)
        .unwrap();
    raw[10] ^= 1;
    let flipped = base64::engine::general_purpose::STANDARD.encode(&raw);
    assert_eq!(
        verify_fields(&key.public(), &f, &flipped),
        Err(SealError::BadSignature)
    );
}

#[test]
fn unsealable_fields_are_refused() {
    let key = test_key();
    let mut f = fields();
    f.invoices.clear();
    assert_eq!(seal(&key, &f).unwrap_err().code(), "invalid_fields");
    let mut f = fields();
    f.certificate_number = "R26470ZC41091001".into(); // letter of another form
    assert_eq!(seal(&key, &f).unwrap_err().code(), "invalid_fields");
    let mut f = fields();
    f.invoices[0].date = "2026-11-02".into();
    assert_eq!(seal(&key, &f).unwrap_err().code(), "invalid_fields");
}

#[test]
fn public_key_json_is_small_and_reads_back() {
    let key = test_key().public();
    let json = key.to_json();
    let back: PublicSeal = serde_json::from_str(&json).unwrap();
    assert_eq!(back, key);
    assert!(json.len() < 150, "{json}");
}
