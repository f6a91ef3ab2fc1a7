//! Tauri commands of the goods library (商品库). Each parses its arguments
//! and calls `Drafts` (crates/drafts/src/goods.rs); no rule lives here.
//! Files only through the dialogs opened in Rust (`sheet_commands`): the
//! import reads the spreadsheet the open dialog last gave.

use portdesk_domain::goods::GoodsRecord;
use portdesk_domain::GoodsLine;
use portdesk_drafts::goods::{GoodsImportPreview, GoodsView};
use portdesk_store::{GoodsMeta, GoodsRevisionMeta, GoodsWriteCounts};
use tauri::{AppHandle, Runtime, State};

use crate::error::{document_id, ApiError};
use crate::sheet_commands::{file_error, open_dialog, save_dialog, PickedSheet};
use crate::AppState;

type CmdResult<T> = Result<T, ApiError>;

/// The picker: records matching `query` (part no., code or name), most
/// recently used first, at most `limit` (≤ 20).
#[tauri::command]
pub async fn goods_search(
    state: State<'_, AppState>,
    query: String,
    limit: u32,
) -> CmdResult<Vec<GoodsMeta>> {
    Ok(state.drafts.search_goods(&query, limit).await?)
}

#[tauri::command]
pub async fn goods_list(state: State<'_, AppState>) -> CmdResult<Vec<GoodsView>> {
    Ok(state.drafts.list_goods().await?)
}

#[tauri::command]
pub async fn goods_get(state: State<'_, AppState>, goods_id: String) -> CmdResult<GoodsView> {
    Ok(state.drafts.get_goods(document_id(&goods_id)?).await?)
}

/// Saves an edited record (`goodsId` null: a new one).
#[tauri::command]
pub async fn goods_save(
    state: State<'_, AppState>,
    goods_id: Option<String>,
    record: GoodsRecord,
) -> CmdResult<GoodsMeta> {
    let id = goods_id.as_deref().map(document_id).transpose()?;
    Ok(state.drafts.save_goods(id, &record).await?)
}

#[tauri::command]
pub async fn goods_delete(state: State<'_, AppState>, goods_id: String) -> CmdResult<GoodsMeta> {
    Ok(state.drafts.delete_goods(document_id(&goods_id)?).await?)
}

#[tauri::command]
pub async fn goods_history(
    state: State<'_, AppState>,
    goods_id: String,
) -> CmdResult<Vec<GoodsRevisionMeta>> {
    Ok(state.drafts.goods_history(document_id(&goods_id)?).await?)
}

/// `line` filled from record `goodsId`, its quantities kept.
#[tauri::command]
pub async fn goods_fill_line(
    state: State<'_, AppState>,
    goods_id: String,
    line: GoodsLine,
) -> CmdResult<GoodsLine> {
    Ok(state
        .drafts
        .fill_line_from_goods(document_id(&goods_id)?, &line)
        .await?)
}

/// Opens the open dialog and previews the goods workbook picked (nothing
/// saved); none when cancelled.
#[tauri::command]
pub async fn goods_pick_import<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    picked: State<'_, PickedSheet>,
) -> CmdResult<Option<GoodsImportPreview>> {
    let Some(path) = open_dialog(&app).await? else {
        return Ok(None);
    };
    picked.set(Some(path.clone()));
    Ok(Some(state.drafts.preview_goods_import(&path)?))
}

/// Imports the workbook picked last, in one transaction (refused while a
/// row has a problem). `not_picked` when no file was picked.
#[tauri::command]
pub async fn goods_import_picked(
    state: State<'_, AppState>,
    picked: State<'_, PickedSheet>,
) -> CmdResult<GoodsWriteCounts> {
    let path = picked.get().ok_or_else(|| {
        ApiError::new("not_picked", "no spreadsheet was picked in the open dialog")
    })?;
    Ok(state.drafts.import_goods(&path).await?)
}

/// Opens the save dialog and writes the library as `商品库.xlsx`; the path
/// written, none when cancelled.
#[tauri::command]
pub async fn goods_export<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CmdResult<Option<String>> {
    let Some(path) = save_dialog(
        &app,
        "导出商品库 Export the goods library",
        "商品库.xlsx".into(),
    )
    .await?
    else {
        return Ok(None);
    };
    state
        .drafts
        .export_goods(&path, true)
        .await
        .map_err(file_error)?;
    Ok(Some(path.display().to_string()))
}
