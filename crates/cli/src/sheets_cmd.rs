//! Spreadsheets from the command line: `portdesk import FILE.xlsx|.xls|.csv
//! [--layout NAME] [--into ID|CSN]`, `portdesk export --format xlsx`,
//! `portdesk layout save|list|show|delete` and `portdesk template-sheet`.
//! The preview, save, layouts and writers are the drafts layer's
//! (`portdesk_drafts::spreadsheets`), shared with the app; this module
//! prints and sets the exit status.
//!
//! An import prints the preview's unreadable cells and problems, then saves
//! what the preview built (split into several drafts over 50 lines) and
//! prints one summary line per draft, as a message import does:
//! `FILE ok SEQ STATUS rREV PROBLEMS`. With an unreadable cell it prints
//! `FILE error sheet.unreadable_cell SHEET!CELL - MESSAGE` for each,
//! saves nothing and exits 1.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use portdesk_drafts::messages::FileProblem;
use portdesk_drafts::Drafts;
use portdesk_sheet::Layout;

use crate::Lang;

/// Whether `path` is a spreadsheet by its name (`.xlsx`, `.xls`, `.xlsm`, `.csv`).
pub fn is_sheet(path: &Path) -> bool {
    path.extension().and_then(|x| x.to_str()).is_some_and(|x| {
        ["xlsx", "xlsm", "xls", "csv"]
            .iter()
            .any(|e| x.eq_ignore_ascii_case(e))
    })
}

fn clean(s: &str) -> String {
    if s.is_empty() {
        "-".into()
    } else {
        s.replace(['\t', '\n', '\r'], " ")
    }
}

/// Imports one spreadsheet: preview, print, save. `Ok(false)` when it was
/// refused (nothing saved).
pub async fn import_sheet(
    drafts: &Drafts,
    file: &Path,
    layout: Option<&str>,
    into: Option<&str>,
) -> anyhow::Result<bool> {
    let mut out = std::io::stdout().lock();
    let name = clean(&file.display().to_string());
    let into = match into {
        Some(t) => Some(crate::flows_cmd::resolve(drafts, t).await?),
        None => None,
    };
    let preview = match drafts.preview_sheet_import(file, layout, into).await {
        Ok(p) => p,
        Err(e) => {
            let p = FileProblem::from(e);
            writeln!(
                out,
                "{name}\terror\t{}\t{}\t-\t{}",
                p.code,
                clean(p.element.as_deref().unwrap_or("")),
                clean(&p.message)
            )?;
            return Ok(false);
        }
    };
    if let Some(l) = &preview.layout {
        eprintln!(
            "{}: layout {l}{}",
            file.display(),
            if preview.layout_suggested {
                " (matched by its headers)"
            } else {
                ""
            }
        );
    }
    if !preview.unreadable.is_empty() {
        for c in &preview.unreadable {
            writeln!(
                out,
                "{name}\terror\tsheet.unreadable_cell\t{}!{}{}\t-\t{} / {}",
                clean(&c.sheet),
                c.column,
                c.row,
                clean(&c.message_en),
                clean(&c.message_zh)
            )?;
        }
        eprintln!(
            "{}: {} unreadable cell(s); nothing was saved",
            file.display(),
            preview.unreadable.len()
        );
        return Ok(false);
    }
    for (i, problems) in preview.problems.iter().enumerate() {
        let what = format!("{} part {}", file.display(), i + 1);
        crate::print_problems(&what, problems, Lang::Both);
    }
    let saved = match drafts
        .save_sheet_import(preview.ticket, preview.parts.clone())
        .await
    {
        Ok(s) => s,
        Err(e) => {
            let p = FileProblem::from(e);
            writeln!(
                out,
                "{name}\terror\t{}\t{}\t-\t{}",
                p.code,
                clean(p.element.as_deref().unwrap_or("")),
                clean(&p.message)
            )?;
            return Ok(false);
        }
    };
    for s in &saved {
        let m = &s.meta;
        writeln!(
            out,
            "{name}\tok\t{}\t{}\tr{}\t{}",
            m.client_seq_no,
            m.status.as_str(),
            m.revision,
            m.error_count + m.warning_count
        )?;
    }
    if saved.len() > 1 {
        let t = &preview.totals;
        eprintln!(
            "{}: {} lines split into {} declarations (packages {}, gross {} kg, net {} kg, apportioned by {:?})",
            file.display(),
            t.lines,
            saved.len(),
            t.packages,
            t.gross_weight,
            t.net_weight,
            t.basis
        );
    }
    Ok(true)
}

#[derive(clap::Subcommand)]
pub enum LayoutCommand {
    /// Save (or replace) layout NAME from a JSON file (docs/formats/excel.md).
    Save { name: String, file: PathBuf },
    /// List the layouts: the built-in `template`, then the saved ones.
    List,
    /// Print layout NAME as JSON.
    Show { name: String },
    /// Delete saved layout NAME.
    Delete { name: String },
}

pub async fn layout(drafts: &Drafts, command: LayoutCommand) -> anyhow::Result<ExitCode> {
    match command {
        LayoutCommand::Save { name, file } => {
            let text = portdesk_drafts::files::read_text_limited(
                &file,
                &portdesk_domain::limits::DOCUMENT_FILE,
            )?;
            // The name on the command line wins over the file's.
            let mut value: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("{}: not JSON", file.display()))?;
            if let Some(obj) = value.as_object_mut() {
                obj.insert("name".into(), name.clone().into());
            }
            let layout: Layout = serde_json::from_value(value)
                .with_context(|| format!("{}: not a layout", file.display()))?;
            let saved = drafts
                .save_sheet_layout(&layout)
                .await
                .with_context(|| format!("layout {name}"))?;
            println!("{}\tsaved", saved.name);
        }
        LayoutCommand::List => {
            for l in drafts.list_sheet_layouts().await? {
                let when = l
                    .updated_at
                    .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                    .unwrap_or_else(|| "built-in".into());
                println!("{}\t{when}\t{}", l.name, clean(&l.layout.description));
            }
        }
        LayoutCommand::Show { name } => {
            let l = drafts.sheet_layout(&name).await?;
            println!("{}", serde_json::to_string_pretty(&l)?);
        }
        LayoutCommand::Delete { name } => {
            if !drafts.delete_sheet_layout(&name).await? {
                anyhow::bail!("no saved layout named {name}");
            }
            println!("{name}\tdeleted");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn file_error(e: FileProblem) -> anyhow::Error {
    match e.code.as_str() {
        "file.exists" => anyhow::anyhow!("{} (pass --force to overwrite)", e.message),
        _ => anyhow::anyhow!(e.message),
    }
}

/// `portdesk template-sheet --out FILE.xlsx`: the template to fill in.
pub fn template_sheet(drafts: &Drafts, out: &Path, force: bool) -> anyhow::Result<ExitCode> {
    drafts.write_template_xlsx(out, force).map_err(file_error)?;
    println!("{}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// `portdesk export --format xlsx --out FILE [--id ID|CSN]`: one
/// declaration in the template's layout, or the drafts list.
pub async fn export_xlsx(
    drafts: &Drafts,
    out: &Path,
    id: Option<&str>,
    search: Option<String>,
    force: bool,
) -> anyhow::Result<ExitCode> {
    match id {
        Some(target) => {
            let id = crate::flows_cmd::resolve(drafts, target).await?;
            drafts
                .export_declaration_xlsx(id, out, force)
                .await
                .map_err(file_error)?;
            println!("{}\t{target}", out.display());
        }
        None => {
            let query = portdesk_domain::DraftQuery {
                text: search,
                ..Default::default()
            };
            let n = drafts
                .export_drafts_xlsx(&query, out, force)
                .await
                .map_err(file_error)?;
            println!("{}\t{n} draft(s)", out.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
