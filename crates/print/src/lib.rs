//! Printed documents: the customs declaration (报关单草单/核对单, the
//! `declaration` module, docs/printed-declaration.md) and, below, the
//! self-printing (自助打印) of approved certificates of origin: one PDF/A-2b
//! per certificate, A4, the form's numbered boxes with English titles and
//! small Chinese ones, the goods table continued on further sheets when it
//! overflows, the exporter's seal and signer's signature in the declaration
//! box, and the issuer's seal (the `portdesk-seal` QR text) as a vector QR
//! code in the certification box.
//!
//! Rendering is pure: bytes in, bytes out, no files. The font is bundled
//! (`assets/fonts`, OFL); a declaration may add a system CJK font the caller
//! read ([`FallbackFont`]) for names outside GB2312. Every character of
//! every printed field is checked against the fonts before anything is
//! drawn, so a character none has is an error naming the field
//! ([`PrintError::MissingGlyph`]), never an empty box on the paper.
//!
//! - `layout` turns a [`PrintJob`] into pages of drawing operations (all
//!   measuring, line breaking and glyph checks happen there);
//! - `draw` hands those pages to krilla, which subsets the font to the
//!   glyphs used and checks PDF/A-2b conformance;
//! - `qr` draws the seal as filled rectangles, one per run of dark modules.

mod declaration;
mod draw;
mod font;
mod layout;
mod qr;

use chrono::{DateTime, NaiveDate, Utc};
use portdesk_domain::origin::{box_label, OriginApplication, OriginForm};
use portdesk_domain::CodeLists;

pub use declaration::{
    page_count as declaration_page_count, render_declaration, DeclarationJob, SheetKind,
    CONTAINER_PAGE_CONTAINERS, FIRST_PAGE_CONTAINERS, FIRST_PAGE_LINES, GOODS_PAGE_LINES,
    WATERMARK,
};
pub use font::{bundled_font_has, FallbackFont};
pub use layout::{form_boxes, BoxTitle};

/// One approved certificate to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintJob {
    /// The application as approved (its form decides the layout).
    pub application: OriginApplication,
    /// The 16-character certificate number the server assigned.
    pub certificate_number: String,
    pub issue_date: NaiveDate,
    /// The QR text the server sealed the certificate with (`PDC1:…`).
    pub qr_text: String,
    /// The enterprise's seal (印章), PNG, printed in the declaration box.
    pub seal_png: Option<Vec<u8>>,
    /// The authorised signatory's signature, PNG, beside the seal.
    pub signature_png: Option<Vec<u8>>,
    /// Creation time written into the PDF's metadata; `None` means now. A
    /// fixed value makes the output byte-for-byte reproducible.
    pub printed_at: Option<DateTime<Utc>>,
}

/// Why a certificate cannot be printed. [`PrintError::code`] is stable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrintError {
    /// A character of `field` (a path into the document such as
    /// `items[2].description`, `lines[3].name`, or `certificate_number`) is
    /// in none of the fonts (the bundled one, the fallback).
    #[error("{field}: no font has a glyph for {ch:?} (U+{:04X}) / 字体中没有该字符", *ch as u32)]
    MissingGlyph { field: String, ch: char },
    /// A fixed-size box cannot hold `field` even at the smallest type size.
    #[error("{field}: too long to fit its box")]
    TooLong { field: String },
    /// A seal or signature image is not a readable PNG.
    #[error("the {which} is not a readable PNG image: {reason}")]
    BadImage { which: &'static str, reason: String },
    /// The QR text cannot be encoded as a QR code (too long, empty).
    #[error("the QR text cannot be printed as a QR code: {0}")]
    BadQr(String),
    /// The certificate number is malformed or not of the application's form.
    #[error("bad certificate number {0:?}")]
    BadCertificateNumber(String),
    /// Krilla refused the document (a PDF/A validation error, a bug).
    #[error("PDF generation failed: {0}")]
    Pdf(String),
}

impl PrintError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            PrintError::MissingGlyph { .. } => "missing_glyph",
            PrintError::TooLong { .. } => "too_long",
            PrintError::BadImage { .. } => "bad_image",
            PrintError::BadQr(_) => "bad_qr",
            PrintError::BadCertificateNumber(_) => "bad_certificate_number",
            PrintError::Pdf(_) => "pdf",
        }
    }

    /// How the UI names the offending box on `form`, `("第7栏 货物描述（第3项）",
    /// "Box 7 goods description (item 3)")`, for errors about an application
    /// field; `None` for other errors.
    pub fn box_label(&self, form: OriginForm) -> Option<(String, String)> {
        match self {
            PrintError::MissingGlyph { field, .. } | PrintError::TooLong { field }
                if !field.starts_with("label") =>
            {
                Some(box_label(form, field))
            }
            _ => None,
        }
    }
}

/// Renders one certificate to a PDF/A-2b document, English labels of codes
/// (countries, units, package kinds, ports) taken from the bundled code
/// lists.
pub fn render(job: &PrintJob) -> Result<Vec<u8>, PrintError> {
    render_with(job, bundled_code_lists())
}

/// [`render`] with the code lists in force (a newer list may have replaced
/// a bundled one).
pub fn render_with(job: &PrintJob, code_lists: &CodeLists) -> Result<Vec<u8>, PrintError> {
    let pages = layout::layout(job, code_lists)?;
    let info = draw::DocInfo {
        title: format!(
            "Certificate of Origin 原产地证书 {}",
            job.certificate_number
        ),
        // The certificate's values are English; the Chinese is box titles only.
        language: "en",
        printed_at: job.printed_at,
    };
    let assets = draw::Assets {
        seal_png: job.seal_png.as_deref(),
        signature_png: job.signature_png.as_deref(),
        qr_text: Some(&job.qr_text),
    };
    draw::draw(&info, &font::FontSet::bundled()?, None, &assets, &pages)
}

/// Renders `jobs` one after the other, calling `progress(done, total)`
/// after each, so a shell can show a progress bar. One failure does not
/// stop the batch: each job has its own result.
pub fn render_batch(
    jobs: &[PrintJob],
    mut progress: impl FnMut(usize, usize),
) -> Vec<Result<Vec<u8>, PrintError>> {
    let lists = bundled_code_lists();
    let total = jobs.len();
    jobs.iter()
        .enumerate()
        .map(|(i, job)| {
            let result = render_with(job, lists);
            progress(i + 1, total);
            result
        })
        .collect()
}

fn bundled_code_lists() -> &'static CodeLists {
    static LISTS: std::sync::OnceLock<CodeLists> = std::sync::OnceLock::new();
    LISTS.get_or_init(CodeLists::bundled)
}
