//! Certificates of origin as the UI sees them (原产地证书): what asking the
//! Single Window about an application found, batches, offline verification
//! and the seal and signature images — the views that cross IPC and the
//! workspace operations that produce them, so the shell only translates.

use portdesk_domain::origin::OriginForm;
use portdesk_drafts::certificates::{self, Images, Verification};
use portdesk_seal::offline::KEY_CACHE_FILE;
use portdesk_seal::SealError;
use portdesk_store::OriginMeta;
use portdesk_sync::origin as sync_origin;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::{ApiError, Workspace};

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

impl From<Verification> for VerifyResult {
    fn from(v: Verification) -> Self {
        match v {
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
        }
    }
}

impl Workspace {
    /// Asks the Single Window what review decided of application `id`
    /// (logging in again once if the token is refused); stores the
    /// certificate once approved, and then caches the issuer's keys so the
    /// verify screen works offline for it.
    pub async fn refresh_origin(&self, id: Uuid) -> Result<OriginRefresh, ApiError> {
        self.sync.require_server(
            "查询原产地证书审核结果",
            "asking what review decided of a certificate of origin",
        )?;
        let session = self.sync.session()?;
        let store = self.origins.store();
        let refreshed = session
            .authorized(|token| {
                let session = &session;
                async move {
                    sync_origin::refresh_application(session.client(), store, &token, id).await
                }
            })
            .await?;
        if refreshed.meta.certificate_number.is_some() {
            // Keys rotate rarely; fetch them with each new certificate.
            if let Err(e) = self.cache_issuer_keys(&session).await {
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

    /// Fetches the issuer's published keys into the data dir's key cache
    /// (`seal-keys.json`), which offline verification trusts; returns how
    /// many there are.
    pub async fn cache_issuer_keys(
        &self,
        session: &portdesk_sync::Session,
    ) -> Result<usize, portdesk_sync::SyncError> {
        if !session.account().has_server() {
            return Err(portdesk_sync::SyncError::no_server(
                "获取签发机构公钥",
                "fetching the issuer's keys",
            ));
        }
        let cache = self.data_dir.join(KEY_CACHE_FILE);
        sync_origin::fetch_published_keys(session.client(), session.store(), &cache).await
    }

    /// Renders (and with `print`, prints) each certificate, calling
    /// `progress` after each; one failure does not stop the batch and is
    /// reported on its item.
    pub async fn batch_certificates(
        &self,
        ids: &[Uuid],
        print: bool,
        mut progress: impl FnMut(BatchProgress),
    ) -> Vec<BatchItem> {
        let results = self
            .certificates
            .batch(ids, print, |done, total| {
                progress(BatchProgress { done, total })
            })
            .await;
        batch_items(results)
    }
}

/// A batch's outcomes as the UI sees them: certificates and printed
/// declarations alike.
pub(crate) fn batch_items(
    results: Vec<(
        Uuid,
        Result<std::path::PathBuf, certificates::CertificateError>,
    )>,
) -> Vec<BatchItem> {
    results
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
        .collect()
}
