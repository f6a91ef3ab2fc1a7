//! Offline verification's inputs: the issuer keys to trust (files the user
//! names, else the copy cached in the data dir) and the QR text of a
//! certificate given as the text itself, an image of the code or the PDF.
//!
//! Shared by `portdesk verify` and the desktop verify screen, so both read
//! keys and codes the same way. The only I/O of this crate lives here:
//! images and PDFs are read with the system's tools (poppler's `pdftoppm`
//! to rasterise, zbar's `zbarimg` to decode), the same a clerk has
//! installed to print.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::PublicSeal;

/// Keys fetched from the Single Window are cached here, in the data dir.
pub const KEY_CACHE_FILE: &str = "seal-keys.json";

/// Why the keys or the QR text could not be read. [`OfflineError::code`] is stable.
#[derive(Debug, thiserror::Error)]
pub enum OfflineError {
    /// No key given and none cached.
    #[error("no issuer key: pass a key file (the Single Window's published keys) or sync once to cache them")]
    NoKey,
    /// A key file is unreadable or not in the published form.
    #[error("{path}: {reason}")]
    BadKeyFile { path: String, reason: String },
    /// `pdftoppm` or `zbarimg` is not installed.
    #[error("cannot run {tool}; install it (Debian: apt-get install poppler-utils zbar-tools)")]
    ToolMissing { tool: &'static str },
    /// The image holds no readable QR code.
    #[error("no QR code found in {0}")]
    NoQr(String),
    /// The PDF cannot be rasterised.
    #[error("{path} is not a readable PDF: {reason}")]
    BadPdf { path: String, reason: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl OfflineError {
    pub fn code(&self) -> &'static str {
        match self {
            OfflineError::NoKey => "no_key",
            OfflineError::BadKeyFile { .. } => "bad_key_file",
            OfflineError::ToolMissing { .. } => "tool_missing",
            OfflineError::NoQr(_) => "no_qr",
            OfflineError::BadPdf { .. } => "bad_pdf",
            OfflineError::Io(_) => "io",
        }
    }
}

/// Reads one key or an array of keys in the published JSON form.
pub fn read_keys(path: &Path) -> Result<Vec<PublicSeal>, OfflineError> {
    let bad = |reason: String| OfflineError::BadKeyFile {
        path: path.display().to_string(),
        reason,
    };
    let text = read_bounded(path, MAX_KEY_FILE).map_err(|e| bad(e.to_string()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        one => vec![one],
    };
    items
        .into_iter()
        .map(|v| serde_json::from_value(v).map_err(|e| bad(format!("not a published key: {e}"))))
        .collect()
}

/// The keys to trust: those in `key_files`, else the ones cached in `data_dir`.
pub fn trusted_keys(
    key_files: &[PathBuf],
    data_dir: Option<&Path>,
) -> Result<Vec<PublicSeal>, OfflineError> {
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
        return Err(OfflineError::NoKey);
    }
    Ok(keys)
}

fn run_tool(cmd: &mut Command, tool: &'static str) -> Result<std::process::Output, OfflineError> {
    cmd.output().map_err(|_| OfflineError::ToolMissing { tool })
}

/// The QR text in an image file.
pub fn qr_from_image(image: &Path) -> Result<String, OfflineError> {
    let out = run_tool(
        Command::new("zbarimg").args(["--raw", "-q"]).arg(image),
        "zbarimg",
    )?;
    let text = String::from_utf8_lossy(&out.stdout).trim_end().to_owned();
    if !out.status.success() || text.is_empty() {
        return Err(OfflineError::NoQr(image.display().to_string()));
    }
    // One code per certificate page; the first page carries the certificate's.
    Ok(text.lines().next().unwrap_or_default().to_owned())
}

/// The QR text on the first page of a certificate PDF.
pub fn qr_from_pdf(pdf: &Path) -> Result<String, OfflineError> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let dir = std::env::temp_dir().join(format!("portdesk-verify-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let prefix = dir.join("page");
    let result = run_tool(
        Command::new("pdftoppm")
            .args(["-r", "300", "-png", "-f", "1", "-l", "1", "-singlefile"])
            .arg(pdf)
            .arg(&prefix),
        "pdftoppm",
    )
    .and_then(|out| {
        if out.status.success() {
            qr_from_image(&prefix.with_extension("png"))
        } else {
            Err(OfflineError::BadPdf {
                path: pdf.display().to_string(),
                reason: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
            })
        }
    });
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// The QR text named by `input`: a PDF, an image, a `.txt` file, or the text itself.
pub fn qr_text(input: &str) -> Result<String, OfflineError> {
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
        "txt" => Ok(read_bounded(path, MAX_QR_FILE)?.trim_end().to_owned()),
        other => {
            // The tools read it, not us: refuse what no certificate is.
            let size = std::fs::metadata(path)?.len();
            if size > MAX_SCAN_FILE {
                return Err(too_large(path, size, MAX_SCAN_FILE).into());
            }
            if other == "pdf" {
                qr_from_pdf(path)
            } else {
                qr_from_image(path)
            }
        }
    }
}

/// The largest issuer key file read: a few hundred keys.
pub const MAX_KEY_FILE: u64 = 1024 * 1024;
/// The largest `.txt` file of QR text read (the text itself is far smaller).
pub const MAX_QR_FILE: u64 = 64 * 1024;
/// The largest image or PDF handed to the scanning tools.
pub const MAX_SCAN_FILE: u64 = 64 * 1024 * 1024;

fn too_large(path: &Path, size: u64, limit: u64) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!(
            "{}: too large ({size} bytes); at most {limit} bytes is read",
            path.display()
        ),
    )
}

/// Reads a text file of at most `limit` bytes, stopping at `limit + 1`
/// whatever the file's stated size (a FIFO, a growing file).
fn read_bounded(path: &Path, limit: u64) -> std::io::Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut text = String::new();
    file.take(limit + 1).read_to_string(&mut text)?;
    if text.len() as u64 > limit {
        return Err(too_large(path, text.len() as u64, limit));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_and_qr_files_past_their_limit_are_refused_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys.json");
        std::fs::write(&keys, vec![b' '; MAX_KEY_FILE as usize + 1]).unwrap();
        let err = read_keys(&keys).unwrap_err();
        assert_eq!(err.code(), "bad_key_file");
        assert!(err.to_string().contains("too large"), "{err}");
        assert!(err.to_string().contains("keys.json"), "{err}");
        let qr = dir.path().join("qr.txt");
        std::fs::write(&qr, vec![b'A'; MAX_QR_FILE as usize + 1]).unwrap();
        let err = qr_text(qr.to_str().unwrap()).unwrap_err();
        assert!(err.to_string().contains("qr.txt: too large"), "{err}");
        std::fs::write(&qr, "PD1:abc\n").unwrap();
        assert_eq!(qr_text(qr.to_str().unwrap()).unwrap(), "PD1:abc");
    }

    #[test]
    fn text_that_is_no_file_is_the_qr_text() {
        assert_eq!(qr_text("PDC1:ABC").unwrap(), "PDC1:ABC");
    }

    #[test]
    fn no_key_anywhere_is_a_clear_error() {
        let dir = std::env::temp_dir().join(format!("portdesk-nokey-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let e = trusted_keys(&[], Some(&dir)).unwrap_err();
        assert_eq!(e.code(), "no_key");
        let bad = dir.join("bad.json");
        std::fs::write(&bad, "{\"kty\":\"RSA\"}").unwrap();
        let e = trusted_keys(&[bad], Some(&dir)).unwrap_err();
        assert_eq!(e.code(), "bad_key_file");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
