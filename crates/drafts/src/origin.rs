//! What a clerk does with certificate-of-origin applications (原产地证书申请),
//! independent of any window: create (empty, or from a declaration draft),
//! validate-then-save with the smart-review precheck (`COO-*`), history and
//! restore, and filing through the outbox.
//!
//! Every save runs the precheck for submitting against the enterprise's
//! record (kept locally, see [`OriginDrafts::set_enterprise_record`]) and
//! stores the counts beside the revision, so the list shows status without
//! re-validating. Filing refuses an application with errors: a filing that
//! passes the precheck passes smart review the first time.

use std::sync::Arc;

use portdesk_domain::origin::{
    application_from_declaration, validate_origin_application, EnterpriseRecord, OriginApplication,
    OriginForm,
};
use portdesk_domain::{client_seq_no_for, CodeLists, Problem, Purpose, Severity};
use portdesk_store::{
    FiledApplication, OriginMeta, OriginRevisionMeta, OriginSaveInfo, Store, StoreError,
    StoredCertificate,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::DraftError;

/// Where applications are filed (`POST`).
pub const ORIGIN_APPLICATIONS_PATH: &str = "/v1/origin-applications";

/// `sync_state` key of the enterprise's record (JSON), which box 1 must equal.
pub const ENTERPRISE_RECORD_KEY: &str = "origin.enterprise_record";

/// An application opened in the editor.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct OriginView {
    pub meta: OriginMeta,
    pub application: OriginApplication,
    /// The precheck for submitting.
    pub problems: Vec<Problem>,
    /// The issued certificate, once approved.
    pub certificate: Option<StoredCertificate>,
}

/// The answer to a save.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct OriginSaveResult {
    pub meta: OriginMeta,
    pub problems: Vec<Problem>,
}

fn save_info(problems: &[Problem], note: impl Into<String>) -> OriginSaveInfo {
    let error_count = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count() as u32;
    OriginSaveInfo {
        error_count,
        warning_count: problems.len() as u32 - error_count,
        note: note.into(),
    }
}

/// Applications backed by the local store, checked with the code lists in force.
#[derive(Clone)]
pub struct OriginDrafts {
    store: Store,
    lists: Arc<CodeLists>,
}

impl OriginDrafts {
    pub fn new(store: Store, lists: Arc<CodeLists>) -> Self {
        OriginDrafts { store, lists }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The enterprise's record box 1 is checked against (empty until set:
    /// then box 1 is not compared).
    pub async fn enterprise_record(&self) -> Result<EnterpriseRecord, DraftError> {
        Ok(match self.store.sync_value(ENTERPRISE_RECORD_KEY).await? {
            Some(json) => serde_json::from_str(&json).map_err(StoreError::from)?,
            None => EnterpriseRecord::default(),
        })
    }

    pub async fn set_enterprise_record(&self, record: &EnterpriseRecord) -> Result<(), DraftError> {
        let json = serde_json::to_string(record).map_err(StoreError::from)?;
        self.store
            .set_sync_value(ENTERPRISE_RECORD_KEY, Some(&json))
            .await?;
        Ok(())
    }

    /// The precheck of `app` for `purpose`.
    pub async fn validate(
        &self,
        app: &OriginApplication,
        purpose: Purpose,
    ) -> Result<Vec<Problem>, DraftError> {
        let record = self.enterprise_record().await?;
        Ok(validate_origin_application(
            app,
            &record,
            &self.lists,
            purpose,
        ))
    }

    /// A new, empty application of `form` with a fresh client sequence no.
    pub async fn create(&self, form: OriginForm) -> Result<OriginView, DraftError> {
        let id = Uuid::now_v7();
        let mut app = OriginApplication::new(form);
        app.client_seq_no = client_seq_no_for(id);
        self.insert(id, app, "created").await
    }

    /// A new application of `form` pre-filled from declaration draft
    /// `declaration_id` and the enterprise's record.
    pub async fn from_declaration(
        &self,
        declaration_id: Uuid,
        form: OriginForm,
    ) -> Result<OriginView, DraftError> {
        let (_, declaration) = self.store.get_declaration(declaration_id).await?;
        let record = self.enterprise_record().await?;
        let id = Uuid::now_v7();
        let mut app = application_from_declaration(&declaration, form, &record);
        app.client_seq_no = client_seq_no_for(id);
        self.insert(id, app, "from declaration").await
    }

    /// Saves `app` as the next revision of application `id`. Filed and
    /// approved applications cannot change (`invalid_input` on `status`);
    /// a rejected one can, and is then filed again.
    pub async fn save(
        &self,
        id: Uuid,
        app: &OriginApplication,
        note: &str,
    ) -> Result<OriginSaveResult, DraftError> {
        let (meta, _) = self.store.get_origin(id).await?;
        if !meta.status.is_editable() {
            return Err(DraftError::Invalid {
                field: "status".into(),
                message: format!(
                    "application {} is {} and can no longer be changed",
                    meta.client_seq_no,
                    meta.status.as_str()
                ),
            });
        }
        let problems = self.validate(app, Purpose::Declare).await?;
        let info = save_info(&problems, note);
        let meta = self.store.save_origin(id, app, &info).await?;
        Ok(OriginSaveResult { meta, problems })
    }

    pub async fn get(&self, id: Uuid) -> Result<OriginView, DraftError> {
        let (meta, application) = self.store.get_origin(id).await?;
        let problems = self.validate(&application, Purpose::Declare).await?;
        let certificate = self.store.certificate(id).await?;
        Ok(OriginView {
            meta,
            application,
            problems,
            certificate,
        })
    }

    pub async fn list(&self) -> Result<Vec<OriginMeta>, DraftError> {
        Ok(self.store.list_origins().await?)
    }

    pub async fn history(&self, id: Uuid) -> Result<Vec<OriginRevisionMeta>, DraftError> {
        Ok(self.store.origin_history(id).await?)
    }

    pub async fn revision(&self, id: Uuid, revision: i64) -> Result<OriginApplication, DraftError> {
        Ok(self.store.origin_revision(id, revision).await?)
    }

    /// Makes an earlier revision current again by saving it as a new one.
    pub async fn restore(&self, id: Uuid, revision: i64) -> Result<OriginView, DraftError> {
        let (meta, _) = self.store.get_origin(id).await?;
        if !meta.status.is_editable() {
            return Err(DraftError::Invalid {
                field: "status".into(),
                message: format!(
                    "application {} is {}",
                    meta.client_seq_no,
                    meta.status.as_str()
                ),
            });
        }
        let old = self.store.origin_revision(id, revision).await?;
        let problems = self.validate(&old, Purpose::Declare).await?;
        let info = save_info(&problems, format!("restore r{revision}"));
        self.store.restore_origin(id, revision, &info).await?;
        self.get(id).await
    }

    /// Files application `id`: refuses it with `not_ready` when the precheck
    /// finds errors, else records the filed revision (status `queued`) and
    /// its outbox entry (`POST /v1/origin-applications`, the exact body, a
    /// fresh idempotency key) in one transaction.
    pub async fn file(&self, id: Uuid) -> Result<FiledApplication, DraftError> {
        let (meta, app) = self.store.get_origin(id).await?;
        if !meta.status.is_editable() {
            return Err(DraftError::Invalid {
                field: "status".into(),
                message: format!(
                    "application {} is {}; only a draft or a rejected application is filed",
                    meta.client_seq_no,
                    meta.status.as_str()
                ),
            });
        }
        let problems = self.validate(&app, Purpose::Declare).await?;
        let info = save_info(&problems, "file");
        if info.error_count > 0 {
            return Err(DraftError::NotReady {
                id,
                errors: info.error_count,
            });
        }
        let body = serde_json::to_vec(&app).map_err(StoreError::from)?;
        Ok(self
            .store
            .file_origin(id, &app, &info, "POST", ORIGIN_APPLICATIONS_PATH, &body)
            .await?)
    }

    async fn insert(
        &self,
        id: Uuid,
        app: OriginApplication,
        note: &str,
    ) -> Result<OriginView, DraftError> {
        let problems = self.validate(&app, Purpose::Declare).await?;
        let info = save_info(&problems, note);
        let meta = self.store.create_origin(id, &app, &info).await?;
        Ok(OriginView {
            meta,
            application: app,
            problems,
            certificate: None,
        })
    }
}
