//! Tauri commands for the printed declaration (报关单草单/核对单): save the
//! PDF where the clerk chooses (the save dialog opened from Rust, so the
//! page names no path), open it in the system viewer, print it, and
//! batches over drafts. Each command translates and calls the application
//! layer (`portdesk_drafts::printing`, `portdesk_workspace::printing`).

use std::path::PathBuf;

use portdesk_drafts::printing::kind_slug;
use portdesk_workspace::certificates::BatchItem;
use portdesk_workspace::printing::PrintKind;
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::error::{document_id, ApiError};
use crate::message_commands::e2e_answer;
use crate::AppState;

type CmdResult<T> = Result<T, ApiError>;

/// Tauri event of a declaration batch's [`BatchProgress`](portdesk_workspace::certificates::BatchProgress).
pub const DECLARATION_BATCH_EVENT: &str = "declaration-batch-progress";

fn dialog_failed(e: impl std::fmt::Display) -> ApiError {
    ApiError::new("dialog_failed", e.to_string())
}

/// Opens the save dialog proposing `<client seq no>-<kind>.pdf` and writes
/// the `kind` sheet of draft `id` there; the path written, none when the
/// clerk cancelled.
#[tauri::command]
pub async fn declaration_save_pdf<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    kind: PrintKind,
) -> CmdResult<Option<String>> {
    let id = document_id(&id)?;
    let view = state.drafts.get(id).await?;
    let name = format!("{}-{}.pdf", view.meta.client_seq_no, kind_slug(kind.into()));
    let path = match e2e_answer("e2e-save-file", "PORTDESK_E2E_SAVE_FILE") {
        Some(p) => Some(PathBuf::from(p)),
        None => {
            use tauri_plugin_dialog::DialogExt;
            let (tx, rx) = tokio::sync::oneshot::channel();
            app.dialog()
                .file()
                .set_title("保存报关单 PDF Save the declaration PDF")
                .set_file_name(name)
                .add_filter("PDF (*.pdf)", &["pdf"])
                .save_file(move |file| {
                    let _ = tx.send(file);
                });
            match rx.await.map_err(dialog_failed)? {
                Some(f) => Some(f.into_path().map_err(dialog_failed)?),
                None => None,
            }
        }
    };
    let Some(path) = path else { return Ok(None) };
    let written = state.prints.save_pdf(id, kind.into(), Some(&path)).await?;
    Ok(Some(written.display().to_string()))
}

/// Renders the sheet into the data folder and opens it in the system's
/// PDF viewer; the path.
#[tauri::command]
pub async fn declaration_open_pdf<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    kind: PrintKind,
) -> CmdResult<String> {
    use tauri_plugin_opener::OpenerExt;
    let path = state
        .prints
        .save_pdf(document_id(&id)?, kind.into(), None)
        .await?;
    app.opener()
        .open_path(path.display().to_string(), None::<&str>)
        .map_err(|e| ApiError::new("open_failed", e.to_string()))?;
    Ok(path.display().to_string())
}

/// Renders and prints the sheet through the system's print command; what
/// the spooler said (the job id).
#[tauri::command]
pub async fn declaration_print(
    state: State<'_, AppState>,
    id: String,
    kind: PrintKind,
) -> CmdResult<String> {
    Ok(state.prints.print(document_id(&id)?, kind.into()).await?)
}

/// Renders (and with `print`, prints) the sheet of many drafts into the
/// data folder, sending [`DECLARATION_BATCH_EVENT`] after each.
#[tauri::command]
pub async fn declaration_batch<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    ids: Vec<String>,
    kind: PrintKind,
    print: bool,
) -> CmdResult<Vec<BatchItem>> {
    let ids = ids
        .iter()
        .map(|raw| document_id(raw))
        .collect::<CmdResult<Vec<_>>>()?;
    Ok(state
        .batch_declarations(&ids, kind, print, |progress| {
            if let Err(e) = app.emit(DECLARATION_BATCH_EVENT, &progress) {
                tracing::warn!(error = %e, "cannot emit batch progress");
            }
        })
        .await)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::command_tests::harness;

    /// Through IPC: the draft sheet of an imported draft into the data
    /// folder by batch, and a bad kind refused by argument parsing.
    #[test]
    fn declaration_batch_through_ipc() {
        let h = harness();
        let d: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/declaration-valid.json"))
                .unwrap();
        let created = h
            .call("create_declaration", json!({ "ieFlag": "E" }))
            .unwrap();
        let id = created["meta"]["id"].as_str().unwrap().to_owned();
        let mut d = d;
        d["client_seq_no"] = created["declaration"]["client_seq_no"].clone();
        h.call(
            "save_declaration",
            json!({ "id": id, "declaration": d, "note": "import" }),
        )
        .unwrap();
        let items = h
            .call(
                "declaration_batch",
                json!({ "ids": [id], "kind": "check", "print": false }),
            )
            .unwrap();
        let path = items[0]["path"].as_str().expect("a path");
        assert!(path.ends_with("-check.pdf"), "{path}");
        assert!(std::fs::read(path).unwrap().starts_with(b"%PDF"));
        let err = h
            .call(
                "declaration_batch",
                json!({ "ids": [id], "kind": "inspection", "print": false }),
            )
            .unwrap_err();
        assert!(
            err.to_string().contains("inspection") || err.to_string().contains("variant"),
            "{err}"
        );
    }
}
