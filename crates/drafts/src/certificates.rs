//! Certificates of origin once approved (原产地证书自助打印), for the desktop
//! shell and the CLI alike: the print job of an approved application with
//! the user's seal and signature images, the PDF written to
//! `<data dir>/certificates/<number>.pdf` (or where the caller says), printing
//! through the system's print command at actual size, batches with progress,
//! and offline verification against the cached issuer keys.
//!
//! Files it keeps, all inside the data dir: `certificates/<number>.pdf`,
//! `origin/seal.png` and `origin/signature.png` (copied there so a moved
//! original does not break printing); the issuer keys are cached by sync
//! (`seal-keys.json`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use portdesk_domain::limits::IMAGE_FILE;
use portdesk_domain::origin::CertifiedFields;
use portdesk_domain::CodeLists;
use portdesk_print::{PrintError, PrintJob};
use portdesk_seal::offline::{self, OfflineError};
use portdesk_seal::{SealError, VerifiedSeal};
use portdesk_store::StoredCertificate;
use uuid::Uuid;

use crate::files::read_limited;
use crate::origin::OriginDrafts;
use crate::DraftError;

/// Folder of rendered certificates inside the data dir.
const PDF_DIR: &str = "certificates";
/// Folder of the user's seal and signature images inside the data dir.
const IMAGE_DIR: &str = "origin";
/// Largest seal or signature image taken: the limits table's
/// (`portdesk_domain::limits::IMAGE_FILE`), read through `crate::files`.
pub const MAX_IMAGE_BYTES: u64 = IMAGE_FILE.max_bytes;

/// Why a certificate could not be rendered, printed or verified.
#[derive(Debug, thiserror::Error)]
pub enum CertificateError {
    #[error(transparent)]
    Draft(#[from] DraftError),
    #[error(transparent)]
    Print(#[from] PrintError),
    #[error(transparent)]
    Offline(#[from] OfflineError),
    /// zh: 申请尚未签证通过，没有证书可打印.
    #[error("application {id} has no certificate yet")]
    NotApproved { id: Uuid },
    /// zh: 本机没有打印命令(lp)，请打开 PDF 按实际大小打印.
    #[error("this system has no print command (lp); open the PDF and print it from the viewer at actual size")]
    NoPrintCommand,
    #[error("{0}")]
    PrintFailed(String),
    /// The file given as a seal or signature is not a PNG (or too large).
    #[error("{path}: {message}")]
    BadImage { path: String, message: String },
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("{0}")]
    Corrupt(String),
    #[error("field {field}: {message}")]
    Invalid { field: String, message: String },
}

impl CertificateError {
    /// Stable code for the UI and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            CertificateError::Draft(e) => e.code(),
            CertificateError::Print(e) => e.code(),
            CertificateError::Offline(e) => e.code(),
            CertificateError::NotApproved { .. } => "not_approved",
            CertificateError::NoPrintCommand => "no_print_command",
            CertificateError::PrintFailed(_) => "print_failed",
            CertificateError::BadImage { .. } => "bad_image",
            CertificateError::Io { .. } => "io",
            CertificateError::Corrupt(_) => "corrupt",
            CertificateError::Invalid { .. } => "invalid_input",
        }
    }

    /// The field (or argument) the error concerns, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            CertificateError::Draft(e) => e.field(),
            CertificateError::Print(
                PrintError::MissingGlyph { field, .. } | PrintError::TooLong { field },
            ) => Some(field),
            CertificateError::BadImage { .. } => Some("path"),
            CertificateError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}

/// Every code [`CertificateError::code`] adds to the drafts' codes.
pub const ERROR_CODES: &[&str] = &[
    "not_approved",
    "no_print_command",
    "print_failed",
    "bad_image",
    "io",
    "corrupt",
];

pub(crate) fn io(path: &Path, e: std::io::Error) -> CertificateError {
    CertificateError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Which image is printed in the declaration box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    /// 印章.
    Seal,
    /// 签名.
    Signature,
}

impl ImageKind {
    pub fn file(self) -> &'static str {
        match self {
            ImageKind::Seal => "seal.png",
            ImageKind::Signature => "signature.png",
        }
    }
}

/// Which of the images are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Images {
    pub seal: bool,
    pub signature: bool,
}

/// What offline verification found.
#[derive(Debug, Clone)]
pub enum Verification {
    /// The seal verifies with a trusted key; `certified` is the full set of
    /// certified fields when the certificate is one of this database's and
    /// they match the seal's digest.
    Valid {
        seal: Box<VerifiedSeal>,
        certified: Option<CertifiedFields>,
    },
    /// Why it does not verify.
    Invalid(SealError),
}

/// Certificates of origin of one data directory.
#[derive(Clone)]
pub struct Certificates {
    origins: OriginDrafts,
    lists: Arc<CodeLists>,
    data_dir: PathBuf,
}

impl Certificates {
    pub fn new(origins: OriginDrafts, lists: Arc<CodeLists>, data_dir: PathBuf) -> Self {
        Certificates {
            origins,
            lists,
            data_dir,
        }
    }

    /// The print job of approved application `id`, with the user's images.
    pub async fn print_job(
        &self,
        id: Uuid,
    ) -> Result<(PrintJob, StoredCertificate), CertificateError> {
        let cert = self
            .origins
            .store()
            .certificate(id)
            .await
            .map_err(DraftError::from)?
            .ok_or(CertificateError::NotApproved { id })?;
        let issue_date = NaiveDate::parse_from_str(&cert.issue_date, "%Y-%m-%d").map_err(|e| {
            CertificateError::Corrupt(format!("issue date {}: {e}", cert.issue_date))
        })?;
        Ok((
            PrintJob {
                application: cert.application.clone(),
                certificate_number: cert.number.clone(),
                issue_date,
                qr_text: cert.qr_text.clone(),
                seal_png: self.image(ImageKind::Seal)?,
                signature_png: self.image(ImageKind::Signature)?,
                printed_at: None,
            },
            cert,
        ))
    }

    /// Renders the certificate of `id` and writes it to `out`, or to
    /// `<data dir>/certificates/<number>.pdf`; returns the path. The file is
    /// written beside its place and renamed, so a reader never sees half a PDF.
    pub async fn save_pdf(
        &self,
        id: Uuid,
        out: Option<&Path>,
    ) -> Result<PathBuf, CertificateError> {
        let (job, cert) = self.print_job(id).await?;
        let pdf = portdesk_print::render_with(&job, &self.lists)?;
        let path = match out {
            Some(p) => p.to_path_buf(),
            None => {
                let dir = self.data_dir.join(PDF_DIR);
                std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
                dir.join(format!("{}.pdf", cert.number))
            }
        };
        write_pdf(&path, &pdf)?;
        Ok(path)
    }

    /// Renders and prints the certificate of `id` through the system's print
    /// command; returns what the spooler said (the job id).
    pub async fn print(&self, id: Uuid) -> Result<String, CertificateError> {
        let path = self.save_pdf(id, None).await?;
        print_file(&path)
    }

    /// Renders (and with `print`, prints) each certificate, calling
    /// `progress(done, total)` after each; one failure does not stop the batch.
    pub async fn batch(
        &self,
        ids: &[Uuid],
        print: bool,
        progress: impl FnMut(u32, u32),
    ) -> Vec<(Uuid, Result<PathBuf, CertificateError>)> {
        run_batch(ids, print, progress, |id| self.save_pdf(id, None)).await
    }

    /// Verifies a certificate offline: `input` is the QR text, or the path
    /// of an image of the code or of the PDF. Keys: the cached published ones.
    pub async fn verify(&self, input: &str) -> Result<Verification, CertificateError> {
        let input = input.trim().to_owned();
        if input.is_empty() {
            return Err(CertificateError::Invalid {
                field: "input".into(),
                message: "paste the QR text or choose a file".into(),
            });
        }
        let data_dir = self.data_dir.clone();
        // Reading a PDF or an image runs poppler or zbar: off the async threads.
        let (keys, text) = tokio::task::spawn_blocking(move || {
            let keys = offline::trusted_keys(&[], Some(&data_dir))?;
            let text = offline::qr_text(&input)?;
            Ok::<_, OfflineError>((keys, text))
        })
        .await
        .map_err(|e| CertificateError::Corrupt(e.to_string()))??;
        let seal = match portdesk_seal::open(&text, &keys, Utc::now().date_naive()) {
            Ok(s) => s,
            Err(e) => return Ok(Verification::Invalid(e)),
        };
        let mut certified = None;
        for meta in self.origins.list().await? {
            if meta.certificate_number.as_deref() != Some(seal.certificate_number.as_str()) {
                continue;
            }
            let stored = self
                .origins
                .store()
                .certificate(meta.id)
                .await
                .map_err(DraftError::from)?;
            if let Some(cert) = stored {
                if !seal.matches(&cert.certified) {
                    return Ok(Verification::Invalid(SealError::DigestMismatch));
                }
                certified = Some(cert.certified);
            }
        }
        Ok(Verification::Valid {
            seal: Box::new(seal),
            certified,
        })
    }

    /// Which of the seal and signature images are set.
    pub fn images(&self) -> Images {
        let dir = self.data_dir.join(IMAGE_DIR);
        Images {
            seal: dir.join(ImageKind::Seal.file()).is_file(),
            signature: dir.join(ImageKind::Signature.file()).is_file(),
        }
    }

    /// Copies the PNG at `path` into the data dir as the seal or signature
    /// printed on certificates; an empty path removes it.
    pub fn set_image(&self, kind: ImageKind, path: &str) -> Result<Images, CertificateError> {
        let dir = self.data_dir.join(IMAGE_DIR);
        let target = dir.join(kind.file());
        let source = Path::new(path.trim());
        if path.trim().is_empty() {
            match std::fs::remove_file(&target) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(&target, e)),
            }
            return Ok(self.images());
        }
        let bad = |message: String| CertificateError::BadImage {
            path: source.display().to_string(),
            message,
        };
        // Refused over the limit before anything is written: the image
        // set before stays.
        let bytes = read_limited(source, &IMAGE_FILE).map_err(|e| bad(e.reason()))?;
        if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Err(bad("not a PNG image".into()));
        }
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
        std::fs::write(&target, &bytes).map_err(|e| io(&target, e))?;
        Ok(self.images())
    }

    fn image(&self, kind: ImageKind) -> Result<Option<Vec<u8>>, CertificateError> {
        let path = self.data_dir.join(IMAGE_DIR).join(kind.file());
        if !path.exists() {
            return Ok(None);
        }
        // Bounded too: the data dir's copy may have been replaced by hand.
        read_limited(&path, &IMAGE_FILE)
            .map(Some)
            .map_err(|e| CertificateError::BadImage {
                path: path.display().to_string(),
                message: e.reason(),
            })
    }
}

/// The system's print command, if there is one: `lp` (CUPS) on Linux and
/// macOS. Windows has no command-line PDF printing without a viewer.
fn print_command() -> Option<&'static str> {
    if cfg!(windows) {
        return None;
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .any(|dir| dir.join("lp").is_file())
        .then_some("lp")
}

/// Writes a rendered PDF beside `path` and renames it there, so a reader
/// never sees half a document. Every printed document goes through here.
pub(crate) fn write_pdf(path: &Path, pdf: &[u8]) -> Result<(), CertificateError> {
    let tmp = path.with_extension("pdf.tmp");
    std::fs::write(&tmp, pdf)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| io(path, e))
}

/// Saves (`save`) and with `print` prints each document of a batch,
/// calling `progress(done, total)` after each; one failure does not stop
/// the batch. Shared by certificates and printed declarations.
pub(crate) async fn run_batch<F, Fut>(
    ids: &[Uuid],
    print: bool,
    mut progress: impl FnMut(u32, u32),
    mut save: F,
) -> Vec<(Uuid, Result<PathBuf, CertificateError>)>
where
    F: FnMut(Uuid) -> Fut,
    Fut: std::future::Future<Output = Result<PathBuf, CertificateError>>,
{
    let total = ids.len() as u32;
    let mut out = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        let result = match save(*id).await {
            Ok(path) if print => print_file(&path).map(|_| path),
            other => other,
        };
        out.push((*id, result));
        progress(i as u32 + 1, total);
    }
    out
}

/// Sends a PDF to the system's print command at actual size; returns what
/// the spooler said (the job id).
pub(crate) fn print_file(path: &Path) -> Result<String, CertificateError> {
    let cmd = print_command().ok_or(CertificateError::NoPrintCommand)?;
    let out = std::process::Command::new(cmd)
        // Actual size: the certificate's boxes are measured in millimetres.
        .args(["-o", "fit-to-page=false", "-o", "sides=two-sided-long-edge"])
        .arg(path)
        .output()
        .map_err(|e| CertificateError::PrintFailed(format!("{cmd}: {e}")))?;
    if !out.status.success() {
        return Err(CertificateError::PrintFailed(
            String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}
