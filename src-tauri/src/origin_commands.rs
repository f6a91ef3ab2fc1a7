//! Tauri commands for certificates of origin (原产地证书): applications
//! (create, from a declaration, save, history, restore, submit), approval,
//! self-printing (render to PDF, open in the system viewer, print, batch) and
//! offline verification. Each command translates its arguments and errors
//! and calls the application layer (`portdesk_drafts::origin`,
//! `portdesk_drafts::certificates`, `portdesk_sync::origin`); no rule and no
//! file layout lives here.

use portdesk_domain::origin::{EnterpriseRecord, OriginApplication, OriginForm};
use portdesk_domain::{Problem, Purpose};
use portdesk_drafts::certificates::{self, Images, Verification};
use portdesk_drafts::origin::{OriginSaveResult, OriginView};
use portdesk_seal::offline::KEY_CACHE_FILE;
use portdesk_seal::SealError;
use portdesk_store::{OriginMeta, OriginRevisionMeta};
use portdesk_sync::origin as sync_origin;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, Runtime, State};
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{document_id, ApiError};
use crate::AppState;

type CmdResult<T> = Result<T, ApiError>;

/// Tauri event of [`BatchProgress`].
pub const BATCH_EVENT: &str = "origin-batch-progress";

/// A rejection reason, as review gave it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OriginReason {
    pub rule: String,
    pub field: String,
    pub message_zh: String,
    pub message_en: String,
}

/// What asking the server about an application found.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OriginRefresh {
    pub meta: OriginMeta,
    pub reasons: Vec<OriginReason>,
}

/// Which of the user's images are set.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OriginImages {
    pub seal: bool,
    pub signature: bool,
}

/// Which user image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImageKind {
    /// The enterprise's seal (印章).
    Seal,
    /// The authorised signatory's signature (签名).
    Signature,
}

impl From<ImageKind> for certificates::ImageKind {
    fn from(k: ImageKind) -> Self {
        match k {
            ImageKind::Seal => certificates::ImageKind::Seal,
            ImageKind::Signature => certificates::ImageKind::Signature,
        }
    }
}

impl From<Images> for OriginImages {
    fn from(i: Images) -> Self {
        OriginImages {
            seal: i.seal,
            signature: i.signature,
        }
    }
}

/// One certificate of a batch.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BatchItem {
    pub id: String,
    /// The PDF written, when rendering worked.
    pub path: Option<String>,
    pub error: Option<ApiError>,
}

/// Progress of a batch, sent as [`BATCH_EVENT`] after each certificate.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BatchProgress {
    pub done: u32,
    pub total: u32,
}

/// The outcome of a verification: valid with the certified claims, or why not.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct VerifyResult {
    pub valid: bool,
    /// Why not: a `SealError` code (`bad_signature`, `expired`, `unknown_key` …).
    pub code: Option<String>,
    pub message: Option<String>,
    pub certificate_number: Option<String>,
    pub form: Option<OriginForm>,
    pub invoice_number: Option<String>,
    pub invoice_date: Option<String>,
    pub exporter_credit_code: Option<String>,
    pub importing_country: Option<String>,
    pub issue_date: Option<String>,
    pub expiry_date: Option<String>,
    pub key_id: Option<String>,
    /// The full certified fields, when the certificate is one of this
    /// database's (matched by number and digest).
    pub certified: Option<portdesk_domain::origin::CertifiedFields>,
}

impl VerifyResult {
    fn invalid(e: &SealError) -> Self {
        VerifyResult {
            valid: false,
            code: Some(e.code().to_owned()),
            message: Some(e.to_string()),
            certificate_number: None,
            form: None,
            invoice_number: None,
            invoice_date: None,
            exporter_credit_code: None,
            importing_country: None,
            issue_date: None,
            expiry_date: None,
            key_id: None,
            certified: None,
        }
    }
}

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
    let filed = state.origins.file(document_id(&id)?).await?;
    state.sync.kick();
    Ok(filed.meta)
}

/// Asks the server what review decided; stores the certificate once
/// approved, and caches the issuer's keys for offline verification.
#[tauri::command]
pub async fn origin_refresh(state: State<'_, AppState>, id: String) -> CmdResult<OriginRefresh> {
    let id = document_id(&id)?;
    let session = state.sync.session()?;
    let store = state.origins.store();
    let refreshed =
        session
            .authorized(|token| {
                let session = &session;
                async move {
                    sync_origin::refresh_application(session.client(), store, &token, id).await
                }
            })
            .await?;
    let cache = state.data_dir.join(KEY_CACHE_FILE);
    if refreshed.meta.certificate_number.is_some() {
        // Keys rotate rarely; fetch them with each new certificate so the
        // verify screen works offline for it.
        if let Err(e) = sync_origin::fetch_published_keys(session.client(), store, &cache).await {
            tracing::warn!(code = e.code(), "could not cache the issuer's keys");
        }
    }
    Ok(OriginRefresh {
        meta: refreshed.meta,
        reasons: refreshed
            .reasons
            .into_iter()
            .map(|r| OriginReason {
                rule: r.rule,
                field: r.field,
                message_zh: r.message_zh,
                message_en: r.message_en,
            })
            .collect(),
    })
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
    let parsed = ids
        .iter()
        .map(|raw| document_id(raw))
        .collect::<CmdResult<Vec<_>>>()?;
    let done = state
        .certificates
        .batch(&parsed, print, |done, total| {
            if let Err(e) = app.emit(BATCH_EVENT, &BatchProgress { done, total }) {
                tracing::warn!(error = %e, "cannot emit batch progress");
            }
        })
        .await;
    Ok(done
        .into_iter()
        .map(|(id, result)| match result {
            Ok(path) => BatchItem {
                id: id.to_string(),
                path: Some(path.display().to_string()),
                error: None,
            },
            Err(e) => BatchItem {
                id: id.to_string(),
                path: None,
                error: Some(e.into()),
            },
        })
        .collect())
}

/// Verifies a certificate offline: `input` is the QR text, or the path of
/// an image of the code or of the PDF. Keys: the cached published ones.
#[tauri::command]
pub async fn origin_verify(state: State<'_, AppState>, input: String) -> CmdResult<VerifyResult> {
    Ok(match state.certificates.verify(&input).await? {
        Verification::Invalid(e) => VerifyResult::invalid(&e),
        Verification::Valid { seal, certified } => VerifyResult {
            valid: true,
            code: None,
            message: None,
            certificate_number: Some(seal.certificate_number),
            form: Some(seal.form),
            invoice_number: Some(seal.invoice_number),
            invoice_date: Some(seal.invoice_date.format("%Y-%m-%d").to_string()),
            exporter_credit_code: Some(seal.exporter_credit_code),
            importing_country: Some(seal.importing_country),
            issue_date: Some(seal.issue_date.format("%Y-%m-%d").to_string()),
            expiry_date: Some(seal.expiry_date.format("%Y-%m-%d").to_string()),
            key_id: Some(seal.key_id),
            certified,
        },
    })
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
            h.data.path().join(super::KEY_CACHE_FILE),
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
