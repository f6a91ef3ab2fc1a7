//! `portdesk import` (files and folders of declaration messages and JSON
//! declarations, each file on its own) and `portdesk export` (a JSON bundle,
//! or one declaration message per draft). The reading, checking, importing
//! and writing are the drafts layer's (`portdesk_drafts::messages`), shared
//! with the app; this module prints the summary and sets the exit status.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;
use portdesk_domain::{DraftMeta, DraftQuery};
use portdesk_drafts::interchange::Bundle;
use portdesk_drafts::messages::{
    expand_inputs, message_file_name, read_declarant, write_file_atomically, FileImportOutcome,
    MessageOperType, MessageOptions,
};
use portdesk_drafts::Drafts;

use crate::convert_cmd::OperTypeArg;

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum ExportFormat {
    /// One JSON export bundle (docs/formats/declaration.md).
    Json,
    /// One declaration message per draft, `<client_seq_no>.xml` in --out DIR.
    Decmessage,
    /// An .xlsx in --out FILE: with --id one declaration in the template's
    /// layout (it imports back unchanged), else the drafts list.
    Xlsx,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    /// json: the bundle file (default stdout); decmessage: the folder
    /// (created if missing).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Only drafts matching this full-text search.
    #[arg(long)]
    search: Option<String>,
    #[arg(long, value_enum, default_value = "json")]
    format: ExportFormat,
    /// decmessage: wrap each in the ImportMessage envelope of the client's import.
    #[arg(long)]
    envelope: bool,
    /// decmessage: G save as draft (暂存) or C declare (申报).
    #[arg(long, value_enum, default_value = "g")]
    oper_type: OperTypeArg,
    /// decmessage: the account's filing settings (CopCode, InputerName, …)
    /// as JSON with the fields of portdesk_message::Declarant.
    #[arg(long, value_name = "FILE.json")]
    declarant: Option<PathBuf>,
    /// decmessage: overwrite message files already in the folder; xlsx:
    /// overwrite the file.
    #[arg(long)]
    force: bool,
    /// xlsx: the draft (id or client sequence no.) to export; without it
    /// the drafts list (matching --search).
    #[arg(long)]
    id: Option<String>,
}

/// `-` for a column with nothing to say, so every line has its columns.
fn column(s: Option<String>) -> String {
    match s {
        Some(s) if !s.is_empty() => s.replace(['\t', '\n', '\r'], " "),
        _ => "-".to_owned(),
    }
}

/// One line per declaration imported, or one for the file refused.
fn print_outcome(out: &mut impl Write, o: &FileImportOutcome) -> std::io::Result<()> {
    let file = column(Some(o.path.clone()));
    if let Some(e) = &o.error {
        return writeln!(
            out,
            "{file}\terror\t{}\t{}\t{}\t{}",
            e.code,
            column(e.element.clone()),
            column(e.line.map(|l| l.to_string())),
            column(Some(e.message.clone()))
        );
    }
    for m in &o.drafts {
        writeln!(
            out,
            "{file}\tok\t{}\t{}\tr{}\t{}",
            m.client_seq_no,
            m.status.as_str(),
            m.revision,
            m.error_count + m.warning_count
        )?;
    }
    Ok(())
}

/// Imports every file of `inputs` (folders expanded), printing the summary;
/// exit 0 when every file was imported, 1 when any was refused.
pub async fn import(
    drafts: &Drafts,
    inputs: &[PathBuf],
    layout: Option<&str>,
    into: Option<&str>,
) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        !inputs.is_empty(),
        "import needs at least one FILE or FOLDER"
    );
    let (sheets, inputs): (Vec<PathBuf>, Vec<PathBuf>) = inputs
        .iter()
        .cloned()
        .partition(|p| crate::sheets_cmd::is_sheet(p));
    anyhow::ensure!(
        (layout.is_none() && into.is_none()) || inputs.is_empty(),
        "--layout and --into are for spreadsheets (.xlsx, .xls, .csv) only"
    );
    let (mut ok, mut failed, mut declarations) = (0usize, 0usize, 0usize);
    for sheet in &sheets {
        if crate::sheets_cmd::import_sheet(drafts, sheet, layout, into).await? {
            ok += 1;
        } else {
            failed += 1;
        }
    }
    let files = if inputs.is_empty() {
        Vec::new()
    } else {
        expand_inputs(&inputs).map_err(|e| anyhow::anyhow!(e.message))?
    };
    let mut stdout = std::io::stdout().lock();
    for file in &files {
        // One file at a time, so the summary streams on a folder of 1,000.
        for o in drafts.import_files(std::slice::from_ref(file)).await {
            print_outcome(&mut stdout, &o)?;
            if o.error.is_some() {
                failed += 1;
            } else {
                ok += 1;
                declarations += o.drafts.len();
            }
        }
    }
    stdout.flush()?;
    eprintln!("imported {declarations} declaration(s) from {ok} file(s); {failed} file(s) refused");
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Every live draft (matching `search`), in list order.
async fn all_drafts(drafts: &Drafts, search: Option<String>) -> anyhow::Result<Vec<DraftMeta>> {
    let mut metas = Vec::new();
    let mut query = DraftQuery {
        text: search,
        limit: 500,
        ..DraftQuery::default()
    };
    loop {
        let page = drafts.list(&query).await?;
        metas.extend(page.items.iter().cloned());
        query.offset += page.items.len() as u32;
        if page.items.is_empty() || u64::from(query.offset) >= page.total {
            break;
        }
    }
    Ok(metas)
}

pub async fn export(drafts: &Drafts, args: ExportArgs) -> anyhow::Result<ExitCode> {
    if args.format == ExportFormat::Xlsx {
        let out = args
            .out
            .as_deref()
            .context("--format xlsx needs --out FILE.xlsx")?;
        return crate::sheets_cmd::export_xlsx(
            drafts,
            out,
            args.id.as_deref(),
            args.search.clone(),
            args.force,
        )
        .await;
    }
    anyhow::ensure!(args.id.is_none(), "--id is for --format xlsx");
    let metas = all_drafts(drafts, args.search.clone()).await?;
    match args.format {
        // Written above, before listing every draft.
        ExportFormat::Xlsx => {}
        ExportFormat::Json => {
            let mut declarations = Vec::with_capacity(metas.len());
            for meta in &metas {
                declarations.push(drafts.get(meta.id).await?.declaration);
            }
            let text = serde_json::to_string_pretty(&Bundle::new(declarations))?;
            match &args.out {
                Some(path) => std::fs::write(path, text)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => println!("{text}"),
            }
        }
        ExportFormat::Decmessage => {
            let dir = args
                .out
                .as_deref()
                .context("--format decmessage needs --out DIR (one file per draft)")?;
            let options = MessageOptions {
                envelope: args.envelope,
                oper_type: match args.oper_type {
                    OperTypeArg::G => MessageOperType::G,
                    OperTypeArg::C => MessageOperType::C,
                },
                declarant: match &args.declarant {
                    Some(path) => read_declarant(path).map_err(|e| anyhow::anyhow!(e.message))?,
                    None => Default::default(),
                },
            };
            check_targets(&metas, dir, &args)?;
            let mut stdout = std::io::stdout().lock();
            for meta in &metas {
                let path = dir.join(message_file_name(&meta.client_seq_no));
                let (_, bytes) = drafts
                    .export_message(meta.id, &options)
                    .await
                    .with_context(|| format!("draft {}", meta.client_seq_no))?;
                write_file_atomically(&path, &bytes, args.force).map_err(|e| {
                    match e.code.as_str() {
                        "file.exists" => {
                            anyhow::anyhow!("{} (pass --force to overwrite)", e.message)
                        }
                        _ => anyhow::anyhow!(e.message),
                    }
                })?;
                writeln!(stdout, "{}\t{}", path.display(), meta.client_seq_no)?;
            }
            eprintln!("exported {} message(s) to {}", metas.len(), dir.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Makes `dir` and checks, before anything is written, that no two drafts
/// share a file name and (without `--force`) that no file is there yet.
fn check_targets(metas: &[DraftMeta], dir: &Path, args: &ExportArgs) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut names = std::collections::HashSet::new();
    for meta in metas {
        let name = message_file_name(&meta.client_seq_no);
        let path = dir.join(&name);
        anyhow::ensure!(
            names.insert(name.clone()),
            "two drafts would both be written to {}",
            path.display()
        );
        anyhow::ensure!(
            args.force || !path.exists(),
            "{} exists; nothing was written (pass --force to overwrite)",
            path.display()
        );
    }
    Ok(())
}
