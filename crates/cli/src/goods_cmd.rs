//! `portdesk goods list|search|show|import|export` (商品库), over
//! `portdesk_drafts::goods` as the app uses it (docs/goods-library.md).
//! Lines are tab-separated: ID, part no., code, name, last price and
//! currency, last used.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use portdesk_store::GoodsMeta;
use uuid::Uuid;

use crate::open_drafts;

#[derive(Subcommand)]
pub enum GoodsCommand {
    /// Every record, most recently used first.
    List,
    /// The records the picker lists for TEXT (part no., code or name), at most 20.
    Search { text: String },
    /// One record as JSON (its body), with its history on stderr.
    Show { id: Uuid },
    /// Import a 商品库 workbook (.xlsx, .xls, .csv) in one transaction;
    /// nothing is saved while a row has a problem (each printed).
    Import { file: PathBuf },
    /// Write the library as a 商品库 workbook.
    Export {
        out: PathBuf,
        /// Replace OUT if it exists.
        #[arg(long)]
        force: bool,
    },
}

fn column(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

fn print_meta(m: &GoodsMeta) {
    println!(
        "{}\t{}\t{}\t{}\t{} {}\t{}",
        m.id,
        column(&m.part_number),
        column(&m.commodity_code),
        column(&m.name),
        column(&m.last_unit_price),
        column(&m.last_currency),
        m.last_used
            .map(|t| t.to_rfc3339())
            .unwrap_or_else(|| "-".into())
    );
}

pub async fn goods(data_dir: Option<PathBuf>, command: GoodsCommand) -> anyhow::Result<ExitCode> {
    let drafts = open_drafts(data_dir).await?;
    match command {
        GoodsCommand::List => {
            for g in drafts.list_goods().await? {
                print_meta(&g.meta);
            }
        }
        GoodsCommand::Search { text } => {
            for m in drafts.search_goods(&text, 20).await? {
                print_meta(&m);
            }
        }
        GoodsCommand::Show { id } => {
            let view = drafts.get_goods(id).await?;
            println!("{}", serde_json::to_string_pretty(&view.record)?);
            for r in drafts.goods_history(id).await? {
                eprintln!(
                    "r{}\t{}\t{}",
                    r.revision,
                    r.saved_at.to_rfc3339(),
                    column(&r.note)
                );
            }
        }
        GoodsCommand::Import { file } => {
            let preview = drafts.preview_goods_import(&file)?;
            if preview.error_count > 0 {
                for c in &preview.unreadable {
                    println!("refused\t{}\t{}", c.field, column(&c.message_en));
                }
                for row in &preview.rows {
                    for p in &row.problems {
                        println!("refused\t{}\t{}", p.field, column(&p.message_en));
                    }
                }
                eprintln!("{} problem(s); nothing imported", preview.error_count);
                return Ok(ExitCode::FAILURE);
            }
            let counts = drafts.import_goods(&file).await?;
            println!(
                "imported\t{} created\t{} updated\t{} unchanged",
                counts.created, counts.updated, counts.unchanged
            );
        }
        GoodsCommand::Export { out, force } => {
            let n = drafts
                .export_goods(&out, force)
                .await
                .map_err(|e| anyhow::anyhow!("{}: {}", e.code, e.message))?;
            eprintln!("{n} record(s) written to {}", out.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
