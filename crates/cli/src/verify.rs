//! `portdesk verify`: checks a self-printed certificate of origin offline.
//!
//! The input is the QR text itself, an image of the QR code, or the PDF.
//! Images and PDFs are read with the system's tools (poppler's `pdftoppm`
//! to rasterise, zbar's `zbarimg` to decode), the same a clerk would have
//! installed to print; the signature is then checked against the issuer's
//! published keys with no network.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{bail, Context};
use chrono::NaiveDate;
use portdesk_seal::{open, PublicSeal, VerifiedSeal};

/// Keys fetched from the Single Window are cached here, in the data dir.
pub const KEY_CACHE_FILE: &str = "seal-keys.json";

/// Reads one key or an array of keys in the published JSON form.
fn read_keys(path: &Path) -> anyhow::Result<Vec<PublicSeal>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        one => vec![one],
    };
    items
        .into_iter()
        .map(|v| {
            serde_json::from_value(v)
                .with_context(|| format!("{}: not a published key", path.display()))
        })
        .collect()
}

/// The keys to trust: those named on the command line, else the cached ones.
pub fn trusted_keys(
    key_files: &[PathBuf],
    data_dir: Option<&Path>,
) -> anyhow::Result<Vec<PublicSeal>> {
    let mut keys = Vec::new();
    for f in key_files {
        keys.extend(read_keys(f)?);
    }
    if keys.is_empty() {
        if let Some(cache) = data_dir
            .map(|d| d.join(KEY_CACHE_FILE))
            .filter(|p| p.exists())
        {
            keys.extend(read_keys(&cache)?);
        }
    }
    if keys.is_empty() {
        bail!("no issuer key: pass --key FILE.json (the Single Window's published keys) or sync once to cache them");
    }
    Ok(keys)
}

fn run_tool(cmd: &mut Command, what: &str) -> anyhow::Result<std::process::Output> {
    cmd.output().with_context(|| {
        format!("cannot run {what}; install it (Debian: apt-get install poppler-utils zbar-tools)")
    })
}

/// The QR text in an image file.
fn qr_from_image(image: &Path) -> anyhow::Result<String> {
    let out = run_tool(
        Command::new("zbarimg").args(["--raw", "-q"]).arg(image),
        "zbarimg",
    )?;
    let text = String::from_utf8_lossy(&out.stdout).trim_end().to_owned();
    if !out.status.success() || text.is_empty() {
        bail!("no QR code found in {}", image.display());
    }
    // One code per certificate page; the first page carries the certificate's.
    Ok(text.lines().next().unwrap_or_default().to_owned())
}

/// The QR text on the first page of a certificate PDF.
fn qr_from_pdf(pdf: &Path) -> anyhow::Result<String> {
    let dir = tempfile::tempdir()?;
    let prefix = dir.path().join("page");
    let out = run_tool(
        Command::new("pdftoppm")
            .args(["-r", "300", "-png", "-f", "1", "-l", "1", "-singlefile"])
            .arg(pdf)
            .arg(&prefix),
        "pdftoppm",
    )?;
    if !out.status.success() {
        bail!(
            "{} is not a readable PDF: {}",
            pdf.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    qr_from_image(&prefix.with_extension("png"))
}

/// The QR text named by `input`: a PDF, an image, or the text itself.
pub fn qr_text(input: &str) -> anyhow::Result<String> {
    let path = Path::new(input);
    if !path.is_file() {
        return Ok(input.to_owned());
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match ext.as_str() {
        "pdf" => qr_from_pdf(path),
        "txt" => Ok(std::fs::read_to_string(path)?.trim_end().to_owned()),
        _ => qr_from_image(path),
    }
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
