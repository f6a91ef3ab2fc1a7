//! Tauri commands for certificates of origin (原产地证书): applications
//! (create, from a declaration, save, history, restore, submit), approval,
//! self-printing (render to PDF, open in the system viewer, print, batch) and
//! offline verification. Each command translates its arguments and errors
//! and calls the application layer (`portdesk_drafts::origin`,
//! `portdesk_drafts::certificates`, `portdesk_sync::origin`); no rule and no
//! file layout lives here.

use portdesk_domain::origin::{EnterpriseRecord, OriginApplication, OriginForm};
use portdesk_domain::{Problem, Purpose};
use portdesk_drafts::origin::{OriginSaveResult, OriginView};
use portdesk_store::{OriginMeta, OriginRevisionMeta};
use portdesk_workspace::certificates::{
    BatchItem, ImageKind, OriginImages, OriginRefresh, VerifyResult,
};
use tauri::{AppHandle, Emitter, Runtime, State};
use uuid::Uuid;

use crate::error::{document_id, ApiError};
use crate::AppState;

type CmdResult<T> = Result<T, ApiError>;

/// Tauri event of [`BatchProgress`].
pub const BATCH_EVENT: &str = "origin-batch-progress";

#[tauri::command]
pub async fn origin_list(state: State<'_, AppState>) -> CmdResult<Vec<OriginMeta>> {
    Ok(state.origins.list().await?)
}

#[tauri::command]
pub async fn origin_create(state: State<'_, AppState>, form: OriginForm) -> CmdResult<OriginView> {
    Ok(state.origins.create(form).await?)
}

/// A new application pre-filled from declaration draft `declaration_id`.
#[tauri::command]
pub async fn origin_from_declaration(
    state: State<'_, AppState>,
    declaration_id: String,
    form: OriginForm,
) -> CmdResult<OriginView> {
    let id = Uuid::parse_str(&declaration_id).map_err(|_| {
        ApiError::invalid(
            "declaration_id",
            format!("not a draft id: {declaration_id}"),
        )
    })?;
    Ok(state.origins.from_declaration(id, form).await?)
}

#[tauri::command]
pub async fn origin_get(state: State<'_, AppState>, id: String) -> CmdResult<OriginView> {
    Ok(state.origins.get(document_id(&id)?).await?)
}

#[tauri::command]
pub async fn origin_save(
    state: State<'_, AppState>,
    id: String,
    application: OriginApplication,
    note: String,
) -> CmdResult<OriginSaveResult> {
    Ok(state
        .origins
        .save(document_id(&id)?, &application, &note)
        .await?)
}

/// The smart-review precheck of an application being typed.
#[tauri::command]
pub async fn origin_validate(
    state: State<'_, AppState>,
    application: OriginApplication,
) -> CmdResult<Vec<Problem>> {
    Ok(state
        .origins
        .validate(&application, Purpose::Declare)
        .await?)
}

#[tauri::command]
pub async fn origin_history(
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<Vec<OriginRevisionMeta>> {
    Ok(state.origins.history(document_id(&id)?).await?)
}

#[tauri::command]
pub async fn origin_restore(
    state: State<'_, AppState>,
    id: String,
    revision: i64,
) -> CmdResult<OriginView> {
    Ok(state.origins.restore(document_id(&id)?, revision).await?)
}

/// The enterprise's record that box 1 must equal.
#[tauri::command]
pub async fn origin_enterprise_record(state: State<'_, AppState>) -> CmdResult<EnterpriseRecord> {
    Ok(state.origins.enterprise_record().await?)
}

#[tauri::command]
pub async fn origin_set_enterprise_record(
    state: State<'_, AppState>,
    record: EnterpriseRecord,
) -> CmdResult<()> {
    Ok(state.origins.set_enterprise_record(&record).await?)
}

/// Files the application through the outbox and wakes the worker.
#[tauri::command]
pub async fn origin_submit(state: State<'_, AppState>, id: String) -> CmdResult<OriginMeta> {
    // The folders carry no certificate application: refused before it
    // enters the outbox, not failed there later.
    state.sync.require_server(
        "提交原产地证书申请",
        "submitting a certificate-of-origin application",
    )?;
    let filed = state.origins.file(document_id(&id)?).await?;
    state.sync.kick();
    Ok(filed.meta)
}

/// Asks the server what review decided; stores the certificate once
/// approved, and caches the issuer's keys for offline verification.
#[tauri::command]
pub async fn origin_refresh(state: State<'_, AppState>, id: String) -> CmdResult<OriginRefresh> {
    state.refresh_origin(document_id(&id)?).await
}

/// Renders the certificate of application `id` to
/// `<data dir>/certificates/<number>.pdf`; returns the path.
#[tauri::command]
pub async fn origin_render_pdf(state: State<'_, AppState>, id: String) -> CmdResult<String> {
    let path = state.certificates.save_pdf(document_id(&id)?, None).await?;
    Ok(path.display().to_string())
}

/// Renders the certificate and opens it in the system's PDF viewer.
#[tauri::command]
pub async fn origin_open_pdf<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<String> {
    use tauri_plugin_opener::OpenerExt;
    let path = state.certificates.save_pdf(document_id(&id)?, None).await?;
    app.opener()
        .open_path(path.display().to_string(), None::<&str>)
        .map_err(|e| ApiError::new("open_failed", e.to_string()))?;
    Ok(path.display().to_string())
}

/// Renders and prints the certificate through the system's print command;
/// returns what the spooler said (the job id).
#[tauri::command]
pub async fn origin_print(state: State<'_, AppState>, id: String) -> CmdResult<String> {
    Ok(state.certificates.print(document_id(&id)?).await?)
}

/// Renders (and with `print`, prints) many certificates, sending
/// [`BATCH_EVENT`] progress after each; one failure does not stop the batch.
#[tauri::command]
pub async fn origin_batch<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    ids: Vec<String>,
    print: bool,
) -> CmdResult<Vec<BatchItem>> {
    let ids = ids
        .iter()
        .map(|raw| document_id(raw))
        .collect::<CmdResult<Vec<_>>>()?;
    Ok(state
        .batch_certificates(&ids, print, |progress| {
            if let Err(e) = app.emit(BATCH_EVENT, &progress) {
                tracing::warn!(error = %e, "cannot emit batch progress");
            }
        })
        .await)
}

/// Verifies a certificate offline: `input` is the QR text, or the path of
/// an image of the code or of the PDF. Keys: the cached published ones.
#[tauri::command]
pub async fn origin_verify(state: State<'_, AppState>, input: String) -> CmdResult<VerifyResult> {
    Ok(state.certificates.verify(&input).await?.into())
}

/// Which of the seal and signature images are set.
#[tauri::command]
pub fn origin_images(state: State<'_, AppState>) -> OriginImages {
    state.certificates.images().into()
}

/// Copies the PNG at `path` into the data dir as the seal or signature
/// printed on certificates; an empty path removes it.
#[tauri::command]
pub fn origin_set_image(
    state: State<'_, AppState>,
    kind: ImageKind,
    path: String,
) -> CmdResult<OriginImages> {
    Ok(state.certificates.set_image(kind.into(), &path)?.into())
}

/// Every error code these commands add to the drafts' and sync's: printing
/// (`portdesk_print`), reading keys and codes (`portdesk_seal::offline`) and
/// the commands' own. Read by the bindings generator (a test).
#[cfg(test)]
pub const ERROR_CODES: &[&str] = &[
    "missing_glyph",
    "too_long",
    "bad_image",
    "bad_qr",
    "bad_certificate_number",
    "pdf",
    "no_key",
    "bad_key_file",
    "tool_missing",
    "no_qr",
    "bad_pdf",
    "not_approved",
    "open_failed",
    "no_print_command",
    "print_failed",
];

/// The commands through Tauri's IPC layer (mock runtime): argument names as
/// the UI sends them, answers and errors as it receives them, on a real
/// SQLite file in a temporary data dir.
#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::command_tests::harness;

    #[test]
    fn applications_through_ipc() {
        let h = harness();
        let view = h.call("origin_create", json!({"form": "R"})).unwrap();
        let id = view["meta"]["id"].as_str().unwrap().to_owned();
        assert_eq!(view["meta"]["form"], "R");
        assert_eq!(view["meta"]["status"], "draft");
        assert!(view["certificate"].is_null());

        let mut app = view["application"].clone();
        app["consignee"]["name"] = json!("OSAKA TRADING 株式会社");
        let saved = h
            .call(
                "origin_save",
                json!({"id": id, "application": app, "note": "autosave"}),
            )
            .unwrap();
        assert_eq!(saved["meta"]["revision"], 2);
        assert!(
            saved["problems"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["rule"] == "COO-ASCII" && p["field"] == "consignee.name"),
            "{saved}"
        );
        let history = h.call("origin_history", json!({"id": id})).unwrap();
        assert_eq!(history.as_array().unwrap().len(), 2);
        let restored = h
            .call("origin_restore", json!({"id": id, "revision": 1}))
            .unwrap();
        assert_eq!(restored["meta"]["revision"], 3);
        assert_eq!(restored["application"]["consignee"]["name"], "");
        let list = h.call("origin_list", json!({})).unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);

        // Not ready: filing is refused; not approved: nothing to print.
        let e = h.call("origin_submit", json!({"id": id})).unwrap_err();
        assert_eq!(e["code"], "not_ready");
        let e = h.call("origin_render_pdf", json!({"id": id})).unwrap_err();
        assert_eq!(e["code"], "not_approved");
        let e = h
            .call(
                "origin_from_declaration",
                json!({"declarationId": "nope", "form": "E"}),
            )
            .unwrap_err();
        assert_eq!(e["field"], "declaration_id");
    }

    #[test]
    fn record_images_and_verify_through_ipc() {
        let h = harness();
        let record = json!({"name_en": "DALIAN NORTHERN STEEL", "address_en": "DALIAN",
            "credit_code": "91210200MA0QC4L18M", "customs_code": "2102930001"});
        h.call("origin_set_enterprise_record", json!({"record": record}))
            .unwrap();
        assert_eq!(
            h.call("origin_enterprise_record", json!({})).unwrap(),
            record
        );

        let not_png = h.data.path().join("seal.jpg");
        std::fs::write(&not_png, b"JFIF").unwrap();
        let e = h
            .call(
                "origin_set_image",
                json!({"kind": "seal", "path": not_png.display().to_string()}),
            )
            .unwrap_err();
        assert_eq!(e["code"], "bad_image");
        let png = h.data.path().join("seal.png");
        std::fs::write(&png, b"\x89PNG\r\n\x1a\nrest").unwrap();
        let images = h
            .call(
                "origin_set_image",
                json!({"kind": "seal", "path": png.display().to_string()}),
            )
            .unwrap();
        assert_eq!(images, json!({"seal": true, "signature": false}));
        assert!(h.data.path().join("origin/seal.png").is_file());

        // A PNG one byte over the image limit: refused naming the file and
        // the limit, and the seal set before stays as it was.
        let huge = h.data.path().join("huge-seal.png");
        std::fs::write(&huge, b"\x89PNG\r\n\x1a\n").unwrap();
        let f = std::fs::OpenOptions::new().write(true).open(&huge).unwrap();
        f.set_len(portdesk_domain::limits::IMAGE_FILE.max_bytes + 1)
            .unwrap();
        let e = h
            .call(
                "origin_set_image",
                json!({"kind": "seal", "path": huge.display().to_string()}),
            )
            .unwrap_err();
        assert_eq!(e["code"], "bad_image");
        let message = e["message"].as_str().unwrap();
        assert!(message.contains("huge-seal.png"), "{e}");
        assert!(message.contains("at most 5 MiB"), "{e}");
        assert_eq!(
            std::fs::read(h.data.path().join("origin/seal.png")).unwrap(),
            b"\x89PNG\r\n\x1a\nrest"
        );
        let images = h
            .call("origin_set_image", json!({"kind": "seal", "path": ""}))
            .unwrap();
        assert_eq!(images["seal"], false);

        // No key cached yet: a clear error, not "invalid".
        let e = h
            .call("origin_verify", json!({"input": "PDC1:XYZ"}))
            .unwrap_err();
        assert_eq!(e["code"], "no_key");

        // With the issuer's key cached: a sealed code is valid, a changed
        // one is not (and says why).
        let key = portdesk_seal::SealKey::from_seed([7; 32]);
        std::fs::write(
            h.data.path().join(portdesk_seal::offline::KEY_CACHE_FILE),
            format!("[{}]", key.public().to_json()),
        )
        .unwrap();
        let mut app =
            portdesk_domain::origin::OriginApplication::new(portdesk_domain::origin::OriginForm::E);
        app.exporter.credit_code = "91210200MA0QC4L18M".into();
        app.importing_country = "VNM".into();
        app.invoices.push(portdesk_domain::origin::OriginInvoice {
            number: "HSJ2026117".into(),
            date: "20261102".into(),
        });
        let today = chrono::Utc::now().date_naive();
        let fields = portdesk_domain::origin::CertifiedFields::from_application(
            &app,
            "E262102300010001",
            today,
        );
        let qr = portdesk_seal::seal(&key, &fields).unwrap();
        let ok = h.call("origin_verify", json!({"input": qr})).unwrap();
        assert_eq!(ok["valid"], true, "{ok}");
        assert_eq!(ok["certificate_number"], "E262102300010001");
        assert_eq!(ok["invoice_number"], "HSJ2026117");
        let mut forged: Vec<char> = qr.chars().collect();
        let i = forged.len() / 2;
        forged[i] = if forged[i] == 'A' { 'B' } else { 'A' };
        let forged: String = forged.into_iter().collect();
        let bad = h.call("origin_verify", json!({"input": forged})).unwrap();
        assert_eq!(bad["valid"], false);
        assert!(bad["code"].is_string(), "{bad}");
    }
}
