//! Declaration files in and out of the app: the system's open and save
//! dialogs (opened from here, never from the page), importing the files
//! picked and exporting the open declaration as a message. The reading,
//! checking and writing are the drafts layer's (`portdesk_drafts::messages`),
//! the same the CLI runs.
//!
//! The page only ever names paths the dialogs gave it: every path a pick
//! returns is remembered, and import/export refuse any other (`not_picked`),
//! so a compromised page cannot read or write where the clerk did not
//! point. Under the `e2e` feature only, `--e2e-pick-files=A;B` /
//! `PORTDESK_E2E_PICK_FILES` and `--e2e-save-file=P` /
//! `PORTDESK_E2E_SAVE_FILE` answer in place of the dialogs, which WebDriver
//! cannot drive.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Mutex;

use portdesk_drafts::messages::{
    message_file_name, write_file_atomically, FileImportOutcome, FileProblem, MessageOptions,
    MAX_BATCH_FILES,
};
use tauri::{AppHandle, Runtime, State};

use crate::error::{document_id, ApiError};
use crate::AppState;

type CmdResult<T> = Result<T, ApiError>;

/// Codes these commands answer with besides the drafts' own; read by the
/// bindings generator (a test).
#[cfg(test)]
pub const ERROR_CODES: &[&str] = &["not_picked", "dialog_failed"];

/// Paths the dialogs returned and not used yet: what import may read and
/// export may write.
#[derive(Default)]
pub struct PickedPaths {
    open: Mutex<HashSet<PathBuf>>,
    save: Mutex<HashSet<PathBuf>>,
}

impl PickedPaths {
    fn remember(set: &Mutex<HashSet<PathBuf>>, paths: &[PathBuf]) {
        let mut set = set.lock().unwrap_or_else(|e| e.into_inner());
        set.extend(paths.iter().cloned());
    }

    /// Takes `path` out of `set`: true when a dialog gave it.
    fn take(set: &Mutex<HashSet<PathBuf>>, path: &PathBuf) -> bool {
        set.lock().unwrap_or_else(|e| e.into_inner()).remove(path)
    }

    /// For tests: as if the open dialog had returned `paths`.
    #[cfg(test)]
    pub(crate) fn picked_for_open(&self, paths: &[PathBuf]) {
        Self::remember(&self.open, paths);
    }

    #[cfg(test)]
    pub(crate) fn picked_for_save(&self, path: PathBuf) {
        Self::remember(&self.save, &[path]);
    }
}

/// The test hook's answer, if this build has one and it is set.
#[cfg(feature = "e2e")]
pub(crate) fn e2e_answer(arg: &str, env: &str) -> Option<String> {
    let prefix = format!("--{arg}=");
    std::env::args()
        .find_map(|a| a.strip_prefix(&prefix).map(str::to_owned))
        .or_else(|| std::env::var(env).ok())
        .filter(|v| !v.is_empty())
}

#[cfg(not(feature = "e2e"))]
pub(crate) fn e2e_answer(_arg: &str, _env: &str) -> Option<String> {
    None
}

pub(crate) fn dialog_failed(e: impl std::fmt::Display) -> ApiError {
    ApiError::new("dialog_failed", format!("the file dialog failed: {e}"))
}

/// Opens the system's multi-select open dialog (*.xml, *.json); the paths
/// picked, none when cancelled.
#[tauri::command]
pub async fn pick_declaration_files<R: Runtime>(
    app: AppHandle<R>,
    picked: State<'_, PickedPaths>,
) -> CmdResult<Vec<String>> {
    let paths: Vec<PathBuf> = match e2e_answer("e2e-pick-files", "PORTDESK_E2E_PICK_FILES") {
        Some(list) => list.split(';').map(PathBuf::from).collect(),
        None => {
            use tauri_plugin_dialog::DialogExt;
            let (tx, rx) = tokio::sync::oneshot::channel();
            app.dialog()
                .file()
                .set_title("导入报关单 Import declarations")
                .add_filter("报关单报文或JSON (*.xml, *.json)", &["xml", "json"])
                .pick_files(move |files| {
                    let _ = tx.send(files);
                });
            let files = rx.await.map_err(dialog_failed)?.unwrap_or_default();
            files
                .into_iter()
                .map(|f| f.into_path().map_err(dialog_failed))
                .collect::<Result<_, _>>()?
        }
    };
    PickedPaths::remember(&picked.open, &paths);
    Ok(paths.iter().map(|p| p.display().to_string()).collect())
}

/// Imports each of `paths` (each one a dialog gave) as drafts, each file on
/// its own: per file the drafts it became, or why it was refused.
#[tauri::command]
pub async fn import_declaration_files(
    state: State<'_, AppState>,
    picked: State<'_, PickedPaths>,
    paths: Vec<String>,
) -> CmdResult<Vec<FileImportOutcome>> {
    if paths.len() > MAX_BATCH_FILES {
        return Err(ApiError::invalid(
            "paths",
            format!("more than {MAX_BATCH_FILES} files in one import"),
        ));
    }
    let mut outcomes = Vec::with_capacity(paths.len());
    for path in paths {
        let file = PathBuf::from(&path);
        if !PickedPaths::take(&picked.open, &file) {
            outcomes.push(FileImportOutcome {
                path,
                drafts: Vec::new(),
                error: Some(FileProblem {
                    code: "not_picked".into(),
                    element: None,
                    line: None,
                    message: "not a file picked in the open dialog".into(),
                }),
            });
            continue;
        }
        outcomes.extend(state.drafts.import_files(&[file]).await);
    }
    Ok(outcomes)
}

/// Opens the system's save dialog for draft `id`'s message, proposing
/// `<client_seq_no>.xml`; the path chosen, none when cancelled.
#[tauri::command]
pub async fn pick_message_save_path<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    picked: State<'_, PickedPaths>,
    id: String,
) -> CmdResult<Option<String>> {
    let view = state.drafts.get(document_id(&id)?).await?;
    let name = message_file_name(&view.meta.client_seq_no);
    let path = match e2e_answer("e2e-save-file", "PORTDESK_E2E_SAVE_FILE") {
        Some(p) => Some(PathBuf::from(p)),
        None => {
            use tauri_plugin_dialog::DialogExt;
            let (tx, rx) = tokio::sync::oneshot::channel();
            app.dialog()
                .file()
                .set_title("导出报文 Export message")
                .set_file_name(name)
                .add_filter("报关单报文 (*.xml)", &["xml"])
                .save_file(move |file| {
                    let _ = tx.send(file);
                });
            match rx.await.map_err(dialog_failed)? {
                Some(f) => Some(f.into_path().map_err(dialog_failed)?),
                None => None,
            }
        }
    };
    Ok(path.map(|p| {
        PickedPaths::remember(&picked.save, std::slice::from_ref(&p));
        p.display().to_string()
    }))
}

/// Writes draft `id` as a declaration message to `path` (one the save
/// dialog gave), its unmodelled blocks written back; the path written.
#[tauri::command]
pub async fn export_declaration_message(
    state: State<'_, AppState>,
    picked: State<'_, PickedPaths>,
    id: String,
    path: String,
    options: MessageOptions,
) -> CmdResult<String> {
    let id = document_id(&id)?;
    let file = PathBuf::from(&path);
    if !PickedPaths::take(&picked.save, &file) {
        return Err(ApiError {
            field: Some("path".into()),
            ..ApiError::new("not_picked", "not a path chosen in the save dialog")
        });
    }
    let (_, bytes) = state.drafts.export_message(id, &options).await?;
    // The clerk confirmed any overwrite in the save dialog.
    write_file_atomically(&file, &bytes, true).map_err(|e| ApiError {
        field: e.element.clone(),
        ..ApiError::new(&e.code, e.message)
    })?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use tauri::Manager;

    use super::PickedPaths;
    use crate::command_tests::harness;

    fn fixture(name: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/decmessage")
            .join(name)
    }

    #[test]
    fn import_takes_only_picked_files_and_export_only_the_picked_path() {
        let h = harness();
        let picked = h.app().state::<PickedPaths>();
        let good = fixture("bare-4.8.xml");
        picked.picked_for_open(std::slice::from_ref(&good));
        let other = fixture("gbk.xml");
        let answer = h
            .call(
                "import_declaration_files",
                json!({ "paths": [good.display().to_string(), other.display().to_string()] }),
            )
            .expect("import answers per file");
        let outcomes = answer.as_array().unwrap();
        assert_eq!(outcomes.len(), 2);
        let meta = &outcomes[0]["drafts"][0];
        assert_eq!(meta["client_seq_no"], "PD06H1RX30KSSW3301");
        assert!(outcomes[0]["error"].is_null());
        assert_eq!(outcomes[1]["error"]["code"], "not_picked");
        assert!(outcomes[1]["drafts"].as_array().unwrap().is_empty());
        // A path is good for one import only.
        let again = h
            .call(
                "import_declaration_files",
                json!({ "paths": [good.display().to_string()] }),
            )
            .unwrap();
        assert_eq!(again[0]["error"]["code"], "not_picked");

        let id = meta["id"].as_str().unwrap().to_owned();
        let out = h.data.path().join("out.xml");
        let options = json!({ "envelope": true, "oper_type": "C" });
        let refused = h
            .call(
                "export_declaration_message",
                json!({ "id": id, "path": out.display().to_string(), "options": options }),
            )
            .unwrap_err();
        assert_eq!(refused["code"], "not_picked");
        assert!(!out.exists());
        picked.picked_for_save(out.clone());
        h.call(
            "export_declaration_message",
            json!({ "id": id, "path": out.display().to_string(), "options": options }),
        )
        .expect("export to the picked path");
        let back = portdesk_message::read(&std::fs::read(&out).unwrap()).unwrap();
        assert!(back.envelope);
        assert_eq!(back.oper_type, Some(portdesk_message::OperType::C));
        assert_eq!(back.declaration.client_seq_no, "PD06H1RX30KSSW3301");
        assert!(back.declaration.extensions.decmessage.is_some());
    }
}
