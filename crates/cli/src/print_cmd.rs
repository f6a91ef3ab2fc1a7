//! `portdesk print-declaration`: the printed declaration (报关单草单/核对单)
//! rendered headless, through the application layer the app uses
//! (`portdesk_drafts::printing`): of a declaration file (never released),
//! or of a saved draft named by id or client sequence number (released or
//! not from its status, the customs number from its receipts).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use portdesk_domain::declaration::Declaration;
use portdesk_domain::limits::DOCUMENT_FILE;
use portdesk_drafts::files::read_text_limited;
use portdesk_drafts::printing::SheetKind;

use crate::flows_cmd::resolve;
use crate::open_workspace;

/// Which sheet (`--kind`).
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum KindArg {
    /// 草单: watermarked until the declaration is released.
    Draft,
    /// 核对单: the consignor's check sheet with the sign-off block.
    Check,
}

impl From<KindArg> for SheetKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Draft => SheetKind::Draft,
            KindArg::Check => SheetKind::Check,
        }
    }
}

pub async fn run(
    data_dir: Option<PathBuf>,
    target: String,
    kind: KindArg,
    out: PathBuf,
) -> anyhow::Result<ExitCode> {
    let workspace = open_workspace(data_dir).await?;
    let prints = &workspace.prints;
    let kind = SheetKind::from(kind);
    let as_file = Path::new(&target);
    let result = if as_file.is_file() {
        let text = read_text_limited(as_file, &DOCUMENT_FILE)?;
        let declaration: Declaration =
            serde_json::from_str(&text).with_context(|| target.clone())?;
        prints.save_job(prints.file_job(declaration, kind), Some(&out))
    } else {
        let id = resolve(&workspace.drafts, &target).await?;
        prints.save_pdf(id, kind, Some(&out)).await
    };
    let path = result.map_err(|e| match e.field() {
        Some(field) => anyhow::anyhow!("[{}] {field}: {e}", e.code()),
        None => anyhow::anyhow!("[{}] {e}", e.code()),
    })?;
    println!("{}", path.display());
    Ok(ExitCode::SUCCESS)
}
