//! `portdesk origin …`: certificates of origin (原产地证书) from the command
//! line, through the same application layer the app uses
//! (`portdesk_drafts::origin`, `portdesk_drafts::certificates`): the
//! smart-review precheck of a file, the enterprise record it compares with,
//! submission through the outbox (`portdesk sync` delivers it and brings the
//! certificate home) and the approved certificate saved as a PDF.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use portdesk_domain::limits::{origin_overlong, DOCUMENT_FILE};
use portdesk_domain::origin::{EnterpriseRecord, OriginApplication};
use portdesk_domain::{Purpose, Severity};
use portdesk_drafts::files::read_text_limited;
use portdesk_drafts::origin::OriginDrafts;
use uuid::Uuid;

use crate::{open_workspace, print_problems, Lang};

#[derive(clap::Subcommand)]
pub enum OriginCommand {
    /// The smart-review precheck (智能审核预检) of an application file
    /// against the enterprise record; exit 1 when it finds an error.
    Check {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "both")]
        lang: Lang,
        /// Print the problems as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Set the enterprise record (企业备案信息: English name and address,
    /// credit code, customs code) the precheck compares the exporter with.
    Record { file: PathBuf },
    /// Save an application file and file it through the outbox; `sync`
    /// delivers it. An application already here (same client seq. no.) is
    /// saved as its next revision and filed again.
    Submit { file: PathBuf },
    /// Save the approved certificate of an application as a PDF.
    Print {
        /// Application id or client sequence number.
        target: String,
        #[arg(long)]
        out: PathBuf,
    },
}

/// A JSON document (application, enterprise record) read up to
/// [`DOCUMENT_FILE`]'s size.
fn read_json<T: serde::de::DeserializeOwned>(file: &Path) -> anyhow::Result<T> {
    let text = read_text_limited(file, &DOCUMENT_FILE)?;
    serde_json::from_str(&text).with_context(|| format!("{}", file.display()))
}

async fn origins(data_dir: Option<PathBuf>) -> anyhow::Result<OriginDrafts> {
    Ok(open_workspace(data_dir).await?.origins)
}

async fn find(origins: &OriginDrafts, target: &str) -> anyhow::Result<Uuid> {
    if let Ok(id) = Uuid::parse_str(target) {
        return Ok(id);
    }
    origins
        .store()
        .find_origin_by_client_seq_no(target)
        .await?
        .with_context(|| format!("no application {target}"))
}

pub async fn run(data_dir: Option<PathBuf>, command: OriginCommand) -> anyhow::Result<ExitCode> {
    match command {
        OriginCommand::Check { file, lang, json } => {
            let app: OriginApplication = read_json(&file)?;
            let problems = origins(data_dir)
                .await?
                .validate(&app, Purpose::Declare)
                .await?;
            if json {
                println!("{}", serde_json::to_string(&problems)?);
            } else {
                print_problems(
                    &format!("{} {}", file.display(), app.client_seq_no),
                    &problems,
                    lang,
                );
            }
            let errors = problems.iter().any(|p| p.severity == Severity::Error);
            Ok(if errors {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        OriginCommand::Record { file } => {
            let record: EnterpriseRecord = read_json(&file)?;
            origins(data_dir)
                .await?
                .set_enterprise_record(&record)
                .await?;
            println!("record\t{}\t{}", record.customs_code, record.name_en);
            Ok(ExitCode::SUCCESS)
        }
        OriginCommand::Submit { file } => {
            let mut app: OriginApplication = read_json(&file)?;
            // Refused before anything is saved, like a declaration's import.
            let overlong = origin_overlong(&app);
            if !overlong.is_empty() {
                let messages: Vec<String> = overlong
                    .iter()
                    .map(|o| {
                        let (zh, en) = portdesk_domain::origin::box_label(app.form, &o.field);
                        o.messages(&zh, &en).1
                    })
                    .collect();
                anyhow::bail!("{}: {}", file.display(), messages.join("; "));
            }
            let origins = origins(data_dir).await?;
            let existing = match app.client_seq_no.trim() {
                "" => None,
                csn => origins.store().find_origin_by_client_seq_no(csn).await?,
            };
            let id = match existing {
                Some(id) => id,
                None => {
                    let created = origins.create(app.form).await?;
                    app.client_seq_no = created.application.client_seq_no.clone();
                    created.meta.id
                }
            };
            let saved = origins.save(id, &app, "import").await?;
            let filed = origins.file(id).await.inspect_err(|e| {
                if e.code() == "not_ready" {
                    print_problems(&app.client_seq_no, &saved.problems, Lang::Both);
                }
            })?;
            println!(
                "{}\t{}\t{}",
                filed.meta.id,
                filed.meta.client_seq_no,
                filed.meta.status.as_str()
            );
            Ok(ExitCode::SUCCESS)
        }
        OriginCommand::Print { target, out } => {
            let workspace = open_workspace(data_dir).await?;
            let id = find(&workspace.origins, &target).await?;
            let path = workspace
                .certificates
                .save_pdf(id, Some(&out))
                .await
                .map_err(|e| anyhow::anyhow!("[{}] {e}", e.code()))?;
            println!("{}", path.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}
