//! Spreadsheets in and out of the app (电子表格导入导出): the open dialog
//! and the import preview, pasted rows, saving a preview, the saved import
//! layouts, and writing a declaration, the drafts list or the template as
//! `.xlsx` through the save dialog. The work is the drafts layer's
//! (`portdesk_drafts::spreadsheets`), the same the CLI runs.
//!
//! The page never names a path: `pick_sheet_import` opens the dialog in
//! Rust and previews the file picked; `preview_picked_sheet` previews that
//! same file again (another layout, another target draft) and nothing
//! else; the export commands open the save dialog and write where the
//! clerk chose. Under the `e2e` feature the hooks of `message_commands`
//! (`--e2e-pick-files=`, `--e2e-save-file=`) answer in place of the dialogs.

use std::path::PathBuf;
use std::sync::Mutex;

use portdesk_domain::{Declaration, DraftQuery};
use portdesk_drafts::messages::FileProblem;
use portdesk_drafts::spreadsheets::{SheetLayoutInfo, SheetPreview};
use portdesk_drafts::SaveResult;
use portdesk_sheet::Layout;
use tauri::{AppHandle, Runtime, State};

use crate::error::{document_id, ApiError};
use crate::message_commands::{dialog_failed, e2e_answer};
use crate::AppState;

type CmdResult<T> = Result<T, ApiError>;

/// The spreadsheet the open dialog last gave: the only file a preview reads.
#[derive(Default)]
pub struct PickedSheet {
    open: Mutex<Option<PathBuf>>,
}

impl PickedSheet {
    pub(crate) fn set(&self, path: Option<PathBuf>) {
        *self.open.lock().unwrap_or_else(|e| e.into_inner()) = path;
    }

    pub(crate) fn get(&self) -> Option<PathBuf> {
        self.open.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// For tests: as if the open dialog had returned `path`.
    #[cfg(test)]
    pub(crate) fn picked_for_open(&self, path: PathBuf) {
        self.set(Some(path));
    }
}

pub(crate) fn file_error(e: FileProblem) -> ApiError {
    ApiError {
        field: e.element.clone(),
        ..ApiError::new(&e.code, e.message)
    }
}

fn into_id(into: Option<String>) -> CmdResult<Option<uuid::Uuid>> {
    into.as_deref().map(document_id).transpose()
}

/// The system's open dialog for one spreadsheet (*.xlsx, *.xls, *.csv).
pub(crate) async fn open_dialog<R: Runtime>(app: &AppHandle<R>) -> CmdResult<Option<PathBuf>> {
    if let Some(list) = e2e_answer("e2e-pick-files", "PORTDESK_E2E_PICK_FILES") {
        return Ok(list.split(';').next().map(PathBuf::from));
    }
    use tauri_plugin_dialog::DialogExt;
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("导入电子表格 Import a spreadsheet")
        .add_filter(
            "电子表格 Spreadsheets (*.xlsx, *.xls, *.csv)",
            &["xlsx", "xls", "csv"],
        )
        .pick_file(move |file| {
            let _ = tx.send(file);
        });
    match rx.await.map_err(dialog_failed)? {
        Some(f) => Ok(Some(f.into_path().map_err(dialog_failed)?)),
        None => Ok(None),
    }
}

/// The system's save dialog proposing `name`; the path chosen, none when cancelled.
pub(crate) async fn save_dialog<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    name: String,
) -> CmdResult<Option<PathBuf>> {
    if let Some(p) = e2e_answer("e2e-save-file", "PORTDESK_E2E_SAVE_FILE") {
        return Ok(Some(PathBuf::from(p)));
    }
    use tauri_plugin_dialog::DialogExt;
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .set_file_name(name)
        .add_filter("Excel (*.xlsx)", &["xlsx"])
        .save_file(move |file| {
            let _ = tx.send(file);
        });
    match rx.await.map_err(dialog_failed)? {
        Some(f) => Ok(Some(f.into_path().map_err(dialog_failed)?)),
        None => Ok(None),
    }
}

/// Opens the open dialog and previews the spreadsheet picked through
/// `layout` (none: the one whose headers match) into draft `into` (none:
/// new drafts). None when the dialog was cancelled. Writes nothing.
#[tauri::command]
pub async fn pick_sheet_import<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    picked: State<'_, PickedSheet>,
    layout: Option<String>,
    into: Option<String>,
) -> CmdResult<Option<SheetPreview>> {
    let into = into_id(into)?;
    let Some(path) = open_dialog(&app).await? else {
        return Ok(None);
    };
    picked.set(Some(path.clone()));
    let preview = state
        .drafts
        .preview_sheet_import(&path, layout.as_deref(), into)
        .await?;
    Ok(Some(preview))
}

/// Previews the spreadsheet picked last again, with another layout or
/// target draft. `not_picked` when no file was picked.
#[tauri::command]
pub async fn preview_picked_sheet(
    state: State<'_, AppState>,
    picked: State<'_, PickedSheet>,
    layout: Option<String>,
    into: Option<String>,
) -> CmdResult<SheetPreview> {
    let into = into_id(into)?;
    let path = picked.get().ok_or_else(|| {
        ApiError::new("not_picked", "no spreadsheet was picked in the open dialog")
    })?;
    Ok(state
        .drafts
        .preview_sheet_import(&path, layout.as_deref(), into)
        .await?)
}

/// Previews rows pasted from Excel or WPS (tab-separated) as goods lines of
/// draft `into` (none: a new draft). Writes nothing.
#[tauri::command]
pub async fn preview_pasted_lines(
    state: State<'_, AppState>,
    text: String,
    into: Option<String>,
) -> CmdResult<SheetPreview> {
    let into = into_id(into)?;
    Ok(state.drafts.preview_pasted_lines(&text, into).await?)
}

/// Saves preview `ticket`'s parts as the clerk left them, in one
/// transaction: the drafts updated and created, each with its problems.
#[tauri::command]
pub async fn save_sheet_import(
    state: State<'_, AppState>,
    ticket: String,
    parts: Vec<Declaration>,
) -> CmdResult<Vec<SaveResult>> {
    let ticket = uuid::Uuid::parse_str(&ticket)
        .map_err(|_| ApiError::invalid("ticket", format!("not a preview ticket: {ticket}")))?;
    Ok(state.drafts.save_sheet_import(ticket, parts).await?)
}

/// The built-in template layout, then the saved ones.
#[tauri::command]
pub async fn sheet_layouts(state: State<'_, AppState>) -> CmdResult<Vec<SheetLayoutInfo>> {
    Ok(state.drafts.list_sheet_layouts().await?)
}

/// Saves `layout` under its name, replacing one of that name.
#[tauri::command]
pub async fn save_sheet_layout(
    state: State<'_, AppState>,
    layout: Layout,
) -> CmdResult<SheetLayoutInfo> {
    Ok(state.drafts.save_sheet_layout(&layout).await?)
}

/// Deletes saved layout `name`; whether there was one.
#[tauri::command]
pub async fn delete_sheet_layout(state: State<'_, AppState>, name: String) -> CmdResult<bool> {
    Ok(state.drafts.delete_sheet_layout(&name).await?)
}

/// Opens the save dialog proposing `<client_seq_no>.xlsx` and writes draft
/// `id` there in the template's layout; the path written, none when cancelled.
#[tauri::command]
pub async fn export_declaration_xlsx<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<Option<String>> {
    let id = document_id(&id)?;
    let view = state.drafts.get(id).await?;
    let name = portdesk_drafts::messages::message_file_name(&view.meta.client_seq_no)
        .replace(".xml", ".xlsx");
    let Some(path) = save_dialog(&app, "导出Excel Export to Excel", name).await? else {
        return Ok(None);
    };
    // The clerk confirmed any overwrite in the save dialog.
    state
        .drafts
        .export_declaration_xlsx(id, &path, true)
        .await
        .map_err(file_error)?;
    Ok(Some(path.display().to_string()))
}

/// Opens the save dialog and writes the drafts `query` finds (every page)
/// as a list; the path written, none when cancelled.
#[tauri::command]
pub async fn export_drafts_xlsx<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    query: DraftQuery,
) -> CmdResult<Option<String>> {
    let Some(path) = save_dialog(
        &app,
        "导出草稿列表 Export the drafts list",
        "drafts.xlsx".into(),
    )
    .await?
    else {
        return Ok(None);
    };
    state
        .drafts
        .export_drafts_xlsx(&query, &path, true)
        .await
        .map_err(file_error)?;
    Ok(Some(path.display().to_string()))
}

/// Opens the save dialog and writes the template to fill in; the path
/// written, none when cancelled.
#[tauri::command]
pub async fn save_template_sheet<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CmdResult<Option<String>> {
    let Some(path) = save_dialog(
        &app,
        "下载模板 Save the template",
        "portdesk-template.xlsx".into(),
    )
    .await?
    else {
        return Ok(None);
    };
    state
        .drafts
        .write_template_xlsx(&path, true)
        .map_err(file_error)?;
    Ok(Some(path.display().to_string()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use tauri::Manager;

    use super::PickedSheet;
    use crate::command_tests::harness;

    fn fixture(name: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name)
    }

    #[test]
    fn preview_then_save_through_ipc() {
        let h = harness();
        // Nothing picked yet: nothing to read.
        let refused = h
            .call(
                "preview_picked_sheet",
                json!({ "layout": null, "into": null }),
            )
            .unwrap_err();
        assert_eq!(refused["code"], "not_picked");

        let picked = h.app().state::<PickedSheet>();
        picked.picked_for_open(fixture("excel/declaration-template.xlsx"));
        let preview = h
            .call(
                "preview_picked_sheet",
                json!({ "layout": null, "into": null }),
            )
            .expect("preview");
        assert_eq!(preview["layout"], "template");
        assert_eq!(preview["layout_suggested"], true);
        assert_eq!(preview["parts"].as_array().unwrap().len(), 1);
        assert!(preview["unreadable"].as_array().unwrap().is_empty());
        let listed = h.call("list_drafts", json!({ "query": {} })).unwrap();
        assert_eq!(listed["total"], 0, "a preview writes nothing");

        let saved = h
            .call(
                "save_sheet_import",
                json!({ "ticket": preview["ticket"], "parts": preview["parts"] }),
            )
            .expect("save");
        assert_eq!(saved.as_array().unwrap().len(), 1);
        let listed = h.call("list_drafts", json!({ "query": {} })).unwrap();
        assert_eq!(listed["total"], 1);
        // The ticket is used up.
        let again = h
            .call(
                "save_sheet_import",
                json!({ "ticket": preview["ticket"], "parts": preview["parts"] }),
            )
            .unwrap_err();
        assert_eq!(again["code"], "invalid_input");
        assert_eq!(again["field"], "ticket");
    }

    #[test]
    fn a_preview_with_unreadable_cells_cannot_be_saved_whatever_the_page_sends() {
        let h = harness();
        h.app()
            .state::<PickedSheet>()
            .picked_for_open(fixture("excel/broken.xlsx"));
        let preview = h
            .call(
                "preview_picked_sheet",
                json!({ "layout": "template", "into": null }),
            )
            .expect("preview");
        assert!(!preview["unreadable"].as_array().unwrap().is_empty());
        let refused = h
            .call(
                "save_sheet_import",
                json!({ "ticket": preview["ticket"], "parts": preview["parts"] }),
            )
            .unwrap_err();
        assert_eq!(refused["code"], "invalid_input");
        assert_eq!(refused["field"], "unreadable");
        let listed = h.call("list_drafts", json!({ "query": {} })).unwrap();
        assert_eq!(listed["total"], 0);
    }

    #[test]
    fn pasted_rows_and_layouts_through_ipc() {
        let h = harness();
        let text = "商品编号\t商品名称\t成交数量\t成交计量单位\n8471300000\t笔记本电脑\t10\t台\n";
        let preview = h
            .call(
                "preview_pasted_lines",
                json!({ "text": text, "into": null }),
            )
            .expect("preview");
        assert_eq!(preview["rows"][0]["commodity_code"], "8471300000");
        assert_eq!(
            preview["rows"][0]["unit"], "001",
            "a unit's label becomes its code"
        );
        assert_eq!(preview["source"], "pasted");

        let layouts = h.call("sheet_layouts", json!({})).unwrap();
        assert_eq!(layouts[0]["name"], "template");
        assert_eq!(layouts[0]["builtin"], true);
        let layout = json!({
            "name": "ACME",
            "lines": { "sheet": 1, "header_row": 1, "fields": { "commodity_code": "HS" } }
        });
        let saved = h
            .call("save_sheet_layout", json!({ "layout": layout }))
            .unwrap();
        assert_eq!(saved["name"], "ACME");
        let layouts = h.call("sheet_layouts", json!({})).unwrap();
        let names: Vec<&str> = layouts
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["template", "template-lines", "ACME"]);
        let bad = json!({ "name": "bad", "lines": { "sheet": 1, "fields": { "no_such": "A" } } });
        let refused = h
            .call("save_sheet_layout", json!({ "layout": bad }))
            .unwrap_err();
        assert_eq!(refused["code"], "invalid_input");
        assert_eq!(
            h.call("delete_sheet_layout", json!({ "name": "ACME" }))
                .unwrap(),
            true
        );
        assert_eq!(
            h.call("delete_sheet_layout", json!({ "name": "ACME" }))
                .unwrap(),
            false
        );
    }
}
