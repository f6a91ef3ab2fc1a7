//! Tauri commands: each one parses its arguments and calls the drafts
//! library. No rule or SQL lives here.

use portdesk_domain::elements::ElementList;
use portdesk_domain::paperless::{
    required_attachments as paperless_attachments, GoodsKind, RequiredDocument,
};
use portdesk_domain::{
    CodeList, Declaration, DraftMeta, DraftPage, DraftQuery, IeFlag, Problem, Purpose, RevisionMeta,
};
use portdesk_drafts::{DraftView, SaveResult};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::{document_id, ApiError};
use crate::AppState;

type CmdResult<T> = Result<T, ApiError>;

/// Facts for the about box.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub db_path: String,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        data_dir: state.data_dir.display().to_string(),
        db_path: state.db_path.display().to_string(),
    }
}

#[tauri::command]
pub fn code_lists(state: State<'_, AppState>) -> Vec<CodeList> {
    state.drafts.code_lists().all().cloned().collect()
}

/// The declaration element list (申报要素) of a commodity code, when the
/// element file has one: the code's own, else its subheading's.
#[tauri::command]
pub fn declaration_elements(state: State<'_, AppState>, code: String) -> Option<ElementList> {
    state.drafts.code_lists().elements().lookup(&code).cloned()
}

#[tauri::command]
pub async fn create_declaration(
    state: State<'_, AppState>,
    ie_flag: IeFlag,
) -> CmdResult<DraftView> {
    Ok(state.drafts.create(ie_flag).await?)
}

#[tauri::command]
pub async fn save_declaration(
    state: State<'_, AppState>,
    id: String,
    declaration: Declaration,
    note: String,
) -> CmdResult<SaveResult> {
    Ok(state
        .drafts
        .save(document_id(&id)?, &declaration, &note)
        .await?)
}

#[tauri::command]
pub async fn get_declaration(state: State<'_, AppState>, id: String) -> CmdResult<DraftView> {
    Ok(state.drafts.get(document_id(&id)?).await?)
}

#[tauri::command]
pub async fn list_drafts(state: State<'_, AppState>, query: DraftQuery) -> CmdResult<DraftPage> {
    Ok(state.drafts.list(&query).await?)
}

#[tauri::command]
pub async fn draft_history(state: State<'_, AppState>, id: String) -> CmdResult<Vec<RevisionMeta>> {
    Ok(state.drafts.history(document_id(&id)?).await?)
}

#[tauri::command]
pub async fn get_revision(
    state: State<'_, AppState>,
    id: String,
    revision: i64,
) -> CmdResult<Declaration> {
    Ok(state.drafts.revision(document_id(&id)?, revision).await?)
}

#[tauri::command]
pub async fn restore_revision(
    state: State<'_, AppState>,
    id: String,
    revision: i64,
) -> CmdResult<DraftView> {
    Ok(state.drafts.restore(document_id(&id)?, revision).await?)
}

/// 复制报关单: a new draft from draft `id` (`Drafts::copy`), opened by the UI.
#[tauri::command]
pub async fn copy_declaration(state: State<'_, AppState>, id: String) -> CmdResult<DraftView> {
    Ok(state.drafts.copy(document_id(&id)?).await?)
}

#[tauri::command]
pub async fn trash_draft(state: State<'_, AppState>, id: String) -> CmdResult<DraftMeta> {
    Ok(state.drafts.trash(document_id(&id)?).await?)
}

#[tauri::command]
pub async fn untrash_draft(state: State<'_, AppState>, id: String) -> CmdResult<DraftMeta> {
    Ok(state.drafts.untrash(document_id(&id)?).await?)
}

#[tauri::command]
pub async fn empty_trash(state: State<'_, AppState>) -> CmdResult<u64> {
    Ok(state.drafts.empty_trash().await?)
}

#[tauri::command]
pub fn validate_declaration(
    state: State<'_, AppState>,
    declaration: Declaration,
    purpose: Purpose,
) -> Vec<Problem> {
    state.drafts.validate(&declaration, purpose)
}

/// Which documents this declaration must attach, and which a paperless
/// declaration no longer needs (measure 9), with the reason for each.
#[tauri::command]
pub fn required_attachments(declaration: Declaration) -> Vec<RequiredDocument> {
    paperless_attachments(&declaration, GoodsKind::from_declaration(&declaration))
}
