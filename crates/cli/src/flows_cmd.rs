//! `portdesk complete` and `portdesk amend`: the two-step complete
//! declaration and amendments (修撤单) queued in the outbox, like `file`;
//! `portdesk sync` delivers them. `portdesk copy` makes a new draft from
//! one (复制报关单).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use portdesk_api::{AmendmentReason, FieldChange};
use portdesk_drafts::Drafts;
use portdesk_store::Filed;
use uuid::Uuid;

use crate::open_drafts;

/// A draft id, or the client document id (ClientSeqNo) of one.
pub(crate) async fn resolve(drafts: &Drafts, target: &str) -> anyhow::Result<Uuid> {
    drafts
        .find_draft(target)
        .await?
        .with_context(|| format!("no draft with id or client sequence number {target}"))
}

fn print_filed(kind: &str, f: &Filed) {
    println!(
        "{kind}\t{}\t{}\tr{}\t{}",
        f.meta.client_seq_no, f.meta.id, f.meta.revision, f.idempotency_key
    );
}

pub async fn complete(data_dir: Option<PathBuf>, target: String) -> anyhow::Result<ExitCode> {
    let drafts = open_drafts(data_dir).await?;
    let id = resolve(&drafts, &target).await?;
    if let Some(d) = drafts.filing_deadline(id).await? {
        eprintln!(
            "deadline\t{}\t{} day(s) left",
            d.deadline.to_rfc3339(),
            d.days_left
        );
    }
    match drafts.complete(id).await {
        Ok(f) => {
            print_filed("completed", &f);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("refused\t{id}\t{}\t{e}", e.code());
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Copies the draft `target` (id or client sequence no.) into a new draft
/// and prints it as `import` prints one (`TARGET ok SEQ STATUS rREV
/// PROBLEMS`), the new id on stderr.
pub async fn copy(data_dir: Option<PathBuf>, target: String) -> anyhow::Result<ExitCode> {
    let drafts = open_drafts(data_dir).await?;
    let id = resolve(&drafts, &target).await?;
    let view = drafts
        .copy(id)
        .await
        .with_context(|| format!("copy {target}"))?;
    let m = &view.meta;
    println!(
        "{}\tok\t{}\t{}\tr{}\t{}",
        target.replace(['\t', '\n', '\r'], " "),
        m.client_seq_no,
        m.status.as_str(),
        m.revision,
        m.error_count + m.warning_count
    );
    eprintln!("copied {target} to {} (id {})", m.client_seq_no, m.id);
    Ok(ExitCode::SUCCESS)
}

/// `changes` are `field=value` pairs (`head.ie_date=20261110`).
pub async fn amend(
    data_dir: Option<PathBuf>,
    target: String,
    reason: String,
    changes: Vec<String>,
    note: String,
) -> anyhow::Result<ExitCode> {
    let reason = AmendmentReason::parse(&reason).with_context(|| {
        format!("unknown reason {reason}: import_date_change, conveyance_change, data_entry_error, quantity_change, price_change, commodity_code_change, other")
    })?;
    let changes = changes
        .iter()
        .map(|c| {
            let (field, value) = c
                .split_once('=')
                .with_context(|| format!("--change {c}: expected FIELD=VALUE"))?;
            Ok(FieldChange {
                field: field.trim().to_owned(),
                value: value.to_owned(),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let drafts = open_drafts(data_dir).await?;
    let id = resolve(&drafts, &target).await?;
    match drafts.amend(id, reason, changes, &note).await {
        Ok(f) => {
            print_filed("amended", &f);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("refused\t{id}\t{}\t{e}", e.code());
            Ok(ExitCode::FAILURE)
        }
    }
}
