//! The printed declaration (报关单草单/核对单) for the desktop shell and the
//! CLI alike: the print job of a saved draft (released or not, from its
//! status; the customs number and declaration date from its receipts) or of
//! a declaration file, the PDF written to
//! `<data dir>/declarations/<client seq no>-<kind>.pdf` (or where the caller
//! says), printed, or a batch — through the same write, print and batch
//! paths as certificates of origin (`certificates.rs`).
//!
//! Fonts: the print crate's bundled subset covers GB2312. For a character
//! it lacks (a GBK name such as 镕) a system CJK font that has every such
//! character of the declaration is found ([`SystemFonts`]: `fc-list`, else
//! the usual font folders) and kept for the next print.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use portdesk_domain::declaration::Declaration;
use portdesk_domain::limits::FONT_FILE;
use portdesk_domain::DraftStatus;
pub use portdesk_print::SheetKind;
use portdesk_print::{bundled_font_has, DeclarationJob, FallbackFont};
use uuid::Uuid;

use crate::certificates::{io, print_file, run_batch, write_pdf, CertificateError};
use crate::files::read_limited;
use crate::{DraftError, Drafts};

/// Folder of printed declarations inside the data dir.
const PDF_DIR: &str = "declarations";

/// File-name part of a kind: `draft`, `check`.
pub fn kind_slug(kind: SheetKind) -> &'static str {
    match kind {
        SheetKind::Draft => "draft",
        SheetKind::Check => "check",
    }
}

/// The kind named `draft` (草单) or `check` (核对单).
pub fn parse_kind(s: &str) -> Option<SheetKind> {
    match s {
        "draft" => Some(SheetKind::Draft),
        "check" => Some(SheetKind::Check),
        _ => None,
    }
}

/// Printed declarations of one data directory.
#[derive(Clone)]
pub struct DeclarationPrints {
    drafts: Drafts,
    data_dir: PathBuf,
    fonts: SystemFonts,
}

impl DeclarationPrints {
    pub fn new(drafts: Drafts, data_dir: PathBuf) -> Self {
        DeclarationPrints {
            drafts,
            data_dir,
            fonts: SystemFonts::default(),
        }
    }

    /// The same, looking for fallback fonts only in `dirs` (tests).
    pub fn with_font_dirs(drafts: Drafts, data_dir: PathBuf, dirs: Vec<PathBuf>) -> Self {
        DeclarationPrints {
            drafts,
            data_dir,
            fonts: SystemFonts::in_dirs(dirs),
        }
    }

    /// The print job of saved draft `id`: released when its status says so
    /// (已放行, 已结关); the customs number and declaration date from its
    /// receipts.
    pub async fn job(&self, id: Uuid, kind: SheetKind) -> Result<DeclarationJob, CertificateError> {
        let view = self.drafts.get(id).await?;
        let receipts = self
            .drafts
            .store()
            .receipts_for(&view.meta.client_seq_no)
            .await
            .map_err(DraftError::from)?;
        let entry_id = receipts
            .iter()
            .rev()
            .find_map(|r| r.receipt.entry_id.clone().filter(|e| !e.is_empty()));
        let declared_on = receipts.first().map(|r| r.receipt.issued_at.date_naive());
        let released = matches!(
            view.meta.status,
            DraftStatus::Released | DraftStatus::Closed
        );
        let mut job = self.file_job(view.declaration, kind);
        job.released = released;
        job.entry_id = entry_id;
        job.declared_on = declared_on;
        Ok(job)
    }

    /// The print job of a declaration not saved here (a JSON file): never
    /// released, no receipts.
    pub fn file_job(&self, declaration: Declaration, kind: SheetKind) -> DeclarationJob {
        DeclarationJob {
            declaration,
            kind,
            released: false,
            entry_id: None,
            declared_on: None,
            fallback_font: None,
            printed_at: None,
        }
    }

    /// Renders `job` with the code lists in force, finding a system font
    /// when the declaration has characters the bundled font lacks.
    pub fn render(&self, mut job: DeclarationJob) -> Result<Vec<u8>, CertificateError> {
        let missing = missing_chars(&job.declaration);
        // A private-use character is in no font we trust (the print crate
        // refuses it naming the field): no use searching the disk.
        let hopeless = missing.iter().any(|&c| is_private_use(c));
        if !missing.is_empty() && !hopeless && job.fallback_font.is_none() {
            job.fallback_font = self.fonts.covering(&missing);
        }
        Ok(portdesk_print::render_declaration(
            &job,
            self.drafts.code_lists(),
        )?)
    }

    /// Renders draft `id` and writes it to `out`, or to
    /// `<data dir>/declarations/<client seq no>-<kind>.pdf`; returns the path.
    pub async fn save_pdf(
        &self,
        id: Uuid,
        kind: SheetKind,
        out: Option<&Path>,
    ) -> Result<PathBuf, CertificateError> {
        let job = self.job(id, kind).await?;
        self.save_job(job, out)
    }

    /// Renders `job` and writes it to `out` or its place in the data dir.
    pub fn save_job(
        &self,
        job: DeclarationJob,
        out: Option<&Path>,
    ) -> Result<PathBuf, CertificateError> {
        let name = format!(
            "{}-{}.pdf",
            safe_name(&job.declaration.client_seq_no),
            kind_slug(job.kind)
        );
        let pdf = self.render(job)?;
        let path = match out {
            Some(p) => p.to_path_buf(),
            None => {
                let dir = self.data_dir.join(PDF_DIR);
                std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
                dir.join(name)
            }
        };
        write_pdf(&path, &pdf)?;
        Ok(path)
    }

    /// Renders and prints draft `id` through the system's print command.
    pub async fn print(&self, id: Uuid, kind: SheetKind) -> Result<String, CertificateError> {
        let path = self.save_pdf(id, kind, None).await?;
        print_file(&path)
    }

    /// Renders (and with `print`, prints) each draft's sheet, calling
    /// `progress(done, total)` after each; one failure does not stop the batch.
    pub async fn batch(
        &self,
        ids: &[Uuid],
        kind: SheetKind,
        print: bool,
        progress: impl FnMut(u32, u32),
    ) -> Vec<(Uuid, Result<PathBuf, CertificateError>)> {
        run_batch(ids, print, progress, |id| self.save_pdf(id, kind, None)).await
    }
}

fn is_private_use(c: char) -> bool {
    matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD)
}

/// A client sequence number as a file name: letters, digits, `-`, `_`.
fn safe_name(s: &str) -> String {
    let name: String = s
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(64)
        .collect();
    if name.is_empty() {
        "declaration".into()
    } else {
        name
    }
}

/// Every character of the declaration's printed text the bundled font
/// lacks (control characters aside: line breaks are layout, not glyphs).
pub fn missing_chars(declaration: &Declaration) -> BTreeSet<char> {
    let mut d = declaration.clone();
    // Unmodelled message blocks are not printed.
    d.extensions = Default::default();
    let mut out = BTreeSet::new();
    if let Ok(value) = serde_json::to_value(&d) {
        collect(&value, &mut out);
    }
    out
}

fn collect(v: &serde_json::Value, out: &mut BTreeSet<char>) {
    match v {
        serde_json::Value::String(s) => out.extend(
            s.chars()
                .filter(|c| !c.is_control() && !bundled_font_has(*c)),
        ),
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect(v, out)),
        serde_json::Value::Object(o) => o.values().for_each(|v| collect(v, out)),
        _ => {}
    }
}

/// Finds and keeps system CJK fonts (后备字体) for characters outside the
/// bundled subset. `fc-list` (fontconfig) names the installed fonts where
/// it exists; otherwise the usual font folders are scanned. Fonts known to
/// cover GBK are tried first; the first that has every character wins and
/// is kept, so the next declaration with the same characters reads no file.
#[derive(Clone, Default)]
pub struct SystemFonts {
    /// Folders to scan instead of the system's (tests); `None`: the system.
    dirs: Option<Vec<PathBuf>>,
    cache: Arc<Mutex<Cache>>,
}

#[derive(Default)]
struct Cache {
    found: Vec<FallbackFont>,
    /// Characters no font on the system had: not searched for again.
    not_found: BTreeSet<char>,
}

impl SystemFonts {
    pub fn in_dirs(dirs: Vec<PathBuf>) -> Self {
        SystemFonts {
            dirs: Some(dirs),
            cache: Arc::default(),
        }
    }

    /// A font that has every one of `chars`, if the system has one. `None`
    /// lets rendering fail naming the field of the first character no font
    /// has.
    pub fn covering(&self, chars: &BTreeSet<char>) -> Option<FallbackFont> {
        let covers = |f: &FallbackFont| chars.iter().all(|c| f.has(*c));
        if let Ok(cache) = self.cache.lock() {
            if let Some(f) = cache.found.iter().find(|f| covers(f)) {
                return Some(f.clone());
            }
            if chars.iter().any(|c| cache.not_found.contains(c)) {
                return None;
            }
        }
        for path in self.candidates() {
            let Ok(bytes) = read_limited(&path, &FONT_FILE) else {
                continue;
            };
            let bytes = Arc::new(bytes);
            // A collection (.ttc) holds several faces; the first few suffice.
            for index in 0..8 {
                let Some(font) = FallbackFont::new(bytes.clone(), index) else {
                    break;
                };
                if covers(&font) {
                    tracing::info!(path = %path.display(), index, "fallback font for printing");
                    if let Ok(mut cache) = self.cache.lock() {
                        cache.found.push(font.clone());
                    }
                    return Some(font);
                }
            }
        }
        if let Ok(mut cache) = self.cache.lock() {
            cache.not_found.extend(chars.iter().copied());
        }
        None
    }

    /// Font files to try, the ones known to cover GBK first.
    fn candidates(&self) -> Vec<PathBuf> {
        let mut files = match &self.dirs {
            Some(dirs) => scan(dirs),
            None => fc_list().unwrap_or_else(|| scan(&system_font_dirs())),
        };
        files.sort_by_key(|p| (preference(p), p.clone()));
        files.dedup();
        files
    }
}

/// Lower is tried first: fonts known for wide CJK coverage.
fn preference(path: &Path) -> u8 {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    const KNOWN: [&str; 7] = [
        "wqy-zenhei",
        "notosanscjk",
        "sourcehansans",
        "wqy-microhei",
        "droidsansfallback",
        "simsun",
        "msyh",
    ];
    KNOWN
        .iter()
        .position(|k| name.replace([' ', '_'], "").contains(k))
        .map_or(u8::MAX, |i| i as u8)
}

/// The CJK font files fontconfig knows, if `fc-list` runs.
fn fc_list() -> Option<Vec<PathBuf>> {
    let out = std::process::Command::new("fc-list")
        .args([":lang=zh", "file"])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let files: Vec<PathBuf> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().strip_suffix(':').map(PathBuf::from))
        .filter(|p| is_font_file(p))
        .collect();
    (!files.is_empty()).then_some(files)
}

fn system_font_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = [
        "/usr/share/fonts",
        "/usr/local/share/fonts",
        "/System/Library/Fonts",
        "/Library/Fonts",
        "C:\\Windows\\Fonts",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    if let Some(home) = std::env::var_os("HOME") {
        let home = PathBuf::from(home);
        dirs.push(home.join(".local/share/fonts"));
        dirs.push(home.join(".fonts"));
    }
    dirs
}

fn is_font_file(p: &Path) -> bool {
    p.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .is_some_and(|e| matches!(e.as_str(), "ttf" | "otf" | "ttc" | "otc"))
}

/// Font files under `dirs`, a few levels deep.
fn scan(dirs: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(dir: &Path, depth: u8, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() && depth < 4 {
                walk(&p, depth + 1, out);
            } else if is_font_file(&p) {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for d in dirs {
        walk(d, 0, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_file_names() {
        for k in [SheetKind::Draft, SheetKind::Check] {
            assert_eq!(parse_kind(kind_slug(k)), Some(k));
        }
        assert_eq!(parse_kind("inspection"), None);
        assert_eq!(safe_name("PD06/../x"), "PD06x");
        assert_eq!(safe_name("//"), "declaration");
    }

    #[test]
    fn gbk_fonts_are_tried_first() {
        let a = PathBuf::from("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
        let b = PathBuf::from("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc");
        assert!(preference(&b) < preference(&a));
        assert!(is_font_file(&b) && !is_font_file(Path::new("x.pcf.gz")));
    }
}
