//! Tauri commands of the filing flows after the first declaration: the
//! two-step complete declaration and its deadline, amendments (修撤单), and
//! conflicts with the server's version. Each parses its arguments and calls
//! `Drafts` (crates/drafts/src/flows.rs); the worker is woken after a write.

use portdesk_api::{AmendmentReason, FieldChange};
use portdesk_drafts::{
    AmendmentChange, AmendmentView, ConflictChoice, ConflictView, DraftView, FilingDeadline,
};
use portdesk_store::Filed;
use tauri::State;

use crate::error::{document_id, ApiError};
use crate::sync_commands::FiledView;
use crate::AppState;

type CmdResult<T> = Result<T, ApiError>;

fn filed_view(f: Filed) -> FiledView {
    FiledView {
        meta: f.meta,
        outbox_seq: f.outbox_seq,
        idempotency_key: f.idempotency_key.to_string(),
    }
}

/// The 14-day window of a two-step draft (`null` for other drafts).
#[tauri::command]
pub async fn filing_deadline(
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<Option<FilingDeadline>> {
    Ok(state.drafts.filing_deadline(document_id(&id)?).await?)
}

/// Files the complete declaration (完整申报) of a released two-step summary.
#[tauri::command]
pub async fn complete_declaration(state: State<'_, AppState>, id: String) -> CmdResult<FiledView> {
    let filed = state.drafts.complete(document_id(&id)?).await?;
    state.sync.kick();
    Ok(filed_view(filed))
}

/// Files an amendment: `reason` is an `AmendmentReason` in snake_case
/// (`import_date_change` …), `changes` the fields and their new values.
#[tauri::command]
pub async fn amend_declaration(
    state: State<'_, AppState>,
    id: String,
    reason: String,
    changes: Vec<AmendmentChange>,
    note: String,
) -> CmdResult<FiledView> {
    let id = document_id(&id)?;
    let reason = AmendmentReason::parse(&reason)
        .ok_or_else(|| ApiError::invalid("reason", format!("unknown amendment reason {reason}")))?;
    let changes = changes
        .into_iter()
        .map(|c| FieldChange {
            field: c.field,
            value: c.value,
        })
        .collect();
    let filed = state.drafts.amend(id, reason, changes, &note).await?;
    state.sync.kick();
    Ok(filed_view(filed))
}

/// The draft's amendments with their state and "no error recorded" answer.
#[tauri::command]
pub async fn draft_amendments(
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<Vec<AmendmentView>> {
    Ok(state.drafts.amendments(document_id(&id)?).await?)
}

/// Open conflicts of a draft: both versions and their differences.
#[tauri::command]
pub async fn draft_conflicts(
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<Vec<ConflictView>> {
    Ok(state.drafts.conflicts(document_id(&id)?).await?)
}

/// Resolves a conflict by taking the server's version or keeping the local one.
#[tauri::command]
pub async fn resolve_conflict(
    state: State<'_, AppState>,
    conflict_id: i64,
    choice: ConflictChoice,
) -> CmdResult<DraftView> {
    Ok(state.drafts.resolve_conflict(conflict_id, choice).await?)
}
