//! `portdesk template save|list|new|diff|rename|delete` (报关单模板),
//! `portdesk defaults set|clear|show|self-filing` (初始值) and `portdesk new`
//! (a new declaration with the defaults), over `portdesk_drafts::templates`
//! as the app uses it (docs/templates.md).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use portdesk_domain::{DraftMeta, IeFlag};
use portdesk_drafts::templates::DifferenceKind;
use portdesk_drafts::Drafts;
use uuid::Uuid;

use crate::flows_cmd::resolve;
use crate::open_drafts;

#[derive(Subcommand)]
pub enum TemplateCommand {
    /// Save a draft as a new template named NAME (goods and containers
    /// kept; what a copy clears cleared).
    Save {
        name: String,
        /// Draft id or client sequence number.
        #[arg(long)]
        from: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// List the templates: ID, I/E, revision, name, note.
    List,
    /// A new draft from the template NAME or ID, printed as `import` prints one.
    New {
        /// Template name or id.
        template: String,
    },
    /// The fields of a draft made from a template that differ from it:
    /// FIELD, label, template value, current value (tab-separated).
    Diff {
        /// Draft id or client sequence number.
        target: String,
    },
    /// Rename a template (and set its note).
    Rename {
        /// Template name or id.
        template: String,
        new_name: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Delete a template (it is kept in the trash; drafts made from it still compare).
    Delete {
        /// Template name or id.
        template: String,
    },
}

#[derive(Subcommand)]
pub enum DefaultsCommand {
    /// Set the default value of FIELD (head.trade_mode, head.freight.currency, lines.unit …).
    Set { field: String, value: String },
    /// Clear the default value of FIELD.
    Clear { field: String },
    /// Print the self-filing switch, the enterprise, and each default.
    Show,
    /// 本企业自理申报: the enterprise also fills the consignee/consignor and
    /// consuming/producing unit of a new declaration.
    SelfFiling {
        #[arg(value_enum)]
        state: OnOff,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Ie {
    I,
    E,
}

/// A template id, or the name of a live one.
async fn template_id(drafts: &Drafts, target: &str) -> anyhow::Result<Uuid> {
    if let Ok(id) = Uuid::parse_str(target) {
        return Ok(id);
    }
    drafts
        .find_template(target)
        .await?
        .with_context(|| format!("no template named {target:?}"))
}

fn column(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

/// The line `import` prints for a draft: `TARGET ok SEQ STATUS rREV PROBLEMS`.
fn print_draft(target: &str, m: &DraftMeta) {
    println!(
        "{}\tok\t{}\t{}\tr{}\t{}",
        column(target),
        m.client_seq_no,
        m.status.as_str(),
        m.revision,
        m.error_count + m.warning_count
    );
}

/// Prints a refusal (`refused CODE FIELD MESSAGE`) and gives exit 1.
fn refused(e: &portdesk_drafts::DraftError) -> ExitCode {
    println!(
        "refused\t{}\t{}\t{}",
        e.code(),
        e.field().unwrap_or("-"),
        column(&e.to_string())
    );
    ExitCode::FAILURE
}

pub async fn template(
    data_dir: Option<PathBuf>,
    command: TemplateCommand,
) -> anyhow::Result<ExitCode> {
    let drafts = open_drafts(data_dir).await?;
    match command {
        TemplateCommand::Save { name, from, note } => {
            let id = resolve(&drafts, &from).await?;
            match drafts.save_as_template(id, &name, &note).await {
                Ok(t) => {
                    println!("saved\t{}\t{}\tr{}", t.id, column(&t.name), t.revision);
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => Ok(refused(&e)),
            }
        }
        TemplateCommand::List => {
            for t in drafts.list_templates().await? {
                let ie = match t.ie_flag {
                    IeFlag::I => "I",
                    IeFlag::E => "E",
                };
                println!(
                    "{}\t{ie}\tr{}\t{}\t{}",
                    t.id,
                    t.revision,
                    column(&t.name),
                    column(&t.note)
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        TemplateCommand::New { template } => {
            let id = template_id(&drafts, &template).await?;
            match drafts.new_from_template(id).await {
                Ok(view) => {
                    print_draft(&template, &view.meta);
                    eprintln!(
                        "new draft {} (id {}) from template {template}",
                        view.meta.client_seq_no, view.meta.id
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => Ok(refused(&e)),
            }
        }
        TemplateCommand::Diff { target } => {
            let id = resolve(&drafts, &target).await?;
            let Some(diff) = drafts.template_differences(id).await? else {
                eprintln!("{target} was not made from a template");
                return Ok(ExitCode::FAILURE);
            };
            eprintln!(
                "differences from template {} r{}: {}",
                diff.template.name,
                diff.template_revision,
                diff.differences.len()
            );
            for d in &diff.differences {
                let kind = match d.kind {
                    DifferenceKind::Changed => "changed",
                    DifferenceKind::Added => "added",
                    DifferenceKind::Removed => "removed",
                };
                println!(
                    "{}\t{kind}\t{} / {}\t{}\t{}",
                    d.field,
                    d.label_zh,
                    d.label_en,
                    column(d.template.as_deref().unwrap_or("-")),
                    column(d.current.as_deref().unwrap_or("-"))
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        TemplateCommand::Rename {
            template,
            new_name,
            note,
        } => {
            let id = template_id(&drafts, &template).await?;
            match drafts.rename_template(id, &new_name, &note).await {
                Ok(t) => {
                    println!("renamed\t{}\t{}", t.id, column(&t.name));
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => Ok(refused(&e)),
            }
        }
        TemplateCommand::Delete { template } => {
            let id = template_id(&drafts, &template).await?;
            let t = drafts.delete_template(id).await?;
            println!("deleted\t{}\t{}", t.id, column(&t.name));
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub async fn defaults(
    data_dir: Option<PathBuf>,
    command: DefaultsCommand,
) -> anyhow::Result<ExitCode> {
    let drafts = open_drafts(data_dir).await?;
    let result = match command {
        DefaultsCommand::Set { field, value } => drafts.set_default(&field, &value).await,
        DefaultsCommand::Clear { field } => drafts.clear_default(&field).await,
        DefaultsCommand::SelfFiling { state } => {
            drafts.set_self_filing(matches!(state, OnOff::On)).await
        }
        DefaultsCommand::Show => drafts.defaults().await,
    };
    let view = match result {
        Ok(v) => v,
        Err(e) => return Ok(refused(&e)),
    };
    println!(
        "self-filing\t{}",
        if view.self_filing { "on" } else { "off" }
    );
    match &view.enterprise {
        Some(e) => println!(
            "enterprise\t{}\t{}\t{}",
            e.scc,
            e.customs_code,
            column(&e.name)
        ),
        None => println!("enterprise\t-"),
    }
    for d in &view.values {
        println!("{}\t{}", d.path, column(&d.value));
    }
    Ok(ExitCode::SUCCESS)
}

/// `portdesk new --ie I|E`: a new declaration with the defaults applied.
pub async fn new(data_dir: Option<PathBuf>, ie: Ie) -> anyhow::Result<ExitCode> {
    let drafts = open_drafts(data_dir).await?;
    let flag = match ie {
        Ie::I => IeFlag::I,
        Ie::E => IeFlag::E,
    };
    let view = drafts.create(flag).await?;
    print_draft("new", &view.meta);
    eprintln!(
        "new draft {} (id {})",
        view.meta.client_seq_no, view.meta.id
    );
    Ok(ExitCode::SUCCESS)
}
