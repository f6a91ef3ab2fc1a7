//! `portdesk verify`: checks a self-printed certificate of origin offline.
//!
//! The input is the QR text itself, an image of the QR code, or the PDF.
//! Images and PDFs are read with the system's tools (poppler's `pdftoppm`
//! to rasterise, zbar's `zbarimg` to decode), the same a clerk would have
//! installed to print; the signature is then checked against the issuer's
//! published keys with no network. Reading keys and codes is
//! `portdesk_seal::offline`, shared with the desktop verify screen.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use portdesk_seal::{offline, open, PublicSeal, VerifiedSeal};

/// The keys to trust: those named on the command line, else the cached ones.
pub fn trusted_keys(
    key_files: &[PathBuf],
    data_dir: Option<&Path>,
) -> anyhow::Result<Vec<PublicSeal>> {
    match offline::trusted_keys(key_files, data_dir) {
        Err(offline::OfflineError::NoKey) => anyhow::bail!(
            "no issuer key: pass --key FILE.json (the Single Window's published keys) or sync once to cache them"
        ),
        other => Ok(other?),
    }
}

/// The QR text named by `input`: a PDF, an image, or the text itself.
pub fn qr_text(input: &str) -> anyhow::Result<String> {
    Ok(offline::qr_text(input)?)
}

fn print_verified(v: &VerifiedSeal) {
    println!("VALID 有效");
    println!("  certificate no. 证书号   {}", v.certificate_number);
    println!("  form 证书类型            {:?}", v.form);
    println!(
        "  invoice 发票             {} ({})",
        v.invoice_number, v.invoice_date
    );
    println!("  exporter 出口商信用代码  {}", v.exporter_credit_code);
    println!("  importing country 进口国 {}", v.importing_country);
    println!(
        "  issued 签发 / expires 有效期至 {} / {}",
        v.issue_date, v.expiry_date
    );
    println!("  key 签名密钥             {}", v.key_id);
}

/// Verifies `input`; exit 0 when valid, 1 when it is not.
pub fn run(
    input: &str,
    key_files: &[PathBuf],
    data_dir: Option<&Path>,
    today: NaiveDate,
) -> anyhow::Result<ExitCode> {
    let keys = trusted_keys(key_files, data_dir)?;
    let text = qr_text(input)?;
    match open(&text, &keys, today) {
        Ok(v) => {
            print_verified(&v);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("INVALID 无效: {} ({})", e, e.code());
            Ok(ExitCode::FAILURE)
        }
    }
}
