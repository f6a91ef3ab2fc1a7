//! What a clerk does with declaration drafts, independent of any window:
//! create, validate-then-save, history and restore, trash, import and export.
//!
//! Every save validates the document for declaring and stores the outcome
//! beside the new revision, so the list can show status and problem counts
//! without re-validating 100k drafts. The desktop shell and the CLI both call
//! these functions; neither re-implements them.

use std::sync::Arc;

use portdesk_api::SubmitDeclaration;
use portdesk_domain::DraftStatus;
use portdesk_domain::{
    client_seq_no_for, validate_declaration, CodeLists, Declaration, DraftMeta, DraftPage,
    DraftQuery, IeFlag, Problem, Purpose, RevisionMeta, SaveInfo,
};
use portdesk_store::{FileRequest, Filed, Store, StoreError};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

pub mod certificates;
pub mod code_lists;
pub mod data_files;
pub mod estimate;
pub mod files;
pub mod flows;
pub mod goods;
pub mod interchange;
pub mod messages;
pub mod origin;
pub mod printing;
pub mod spreadsheets;
pub mod tax;
pub mod templates;

pub use code_lists::load_code_lists;
pub use data_files::load_dated;
pub use flows::{
    two_step_deadline, AmendmentChange, AmendmentView, ConflictChoice, ConflictView, DeadlineState,
    FieldDifference, FilingDeadline,
};

/// File name of the local database inside the data dir.
pub const DB_FILE: &str = "portdesk.db";
/// Environment variable naming the data dir (database, code-list updates);
/// the desktop app and the CLI both read it, so they see the same drafts.
pub const DATA_DIR_ENV: &str = "PORTDESK_DATA_DIR";

/// How the first revision of a copy is noted, followed by the original's
/// client sequence no. (`copied from PD…`); the UI translates it.
pub const COPIED_FROM: &str = "copied from ";

/// Where declarations are filed (`POST`).
pub const DECLARATIONS_PATH: &str = "/v1/declarations";

/// A draft opened in the editor: its metadata, the document and what
/// validation for declaring finds in it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct DraftView {
    pub meta: DraftMeta,
    pub declaration: Declaration,
    pub problems: Vec<Problem>,
}

/// The answer to a save: the new state of the draft and its problems.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SaveResult {
    pub meta: DraftMeta,
    pub problems: Vec<Problem>,
}

#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The document given does not belong to this draft (another sequence no.).
    #[error("field {field}: {message}")]
    Invalid { field: String, message: String },
    /// Filing asked for a draft that breaks declare rules.
    #[error("draft {id} has {errors} error(s); fix them before filing")]
    NotReady { id: Uuid, errors: u32 },
    /// The complete declaration (完整申报) before the summary was released
    /// (`SpK`). zh: 概要申报尚未准予提离，暂不能完整申报.
    #[error("draft {id}: the two-step summary is not released (SpK) yet")]
    NotReleased { id: Uuid },
    /// An amendment of a draft the Single Window never received.
    /// zh: 报关单尚未申报成功，不能修撤.
    #[error("draft {id} has not been delivered to the Single Window")]
    NotFiled { id: Uuid },
    /// No conflict with this id. zh: 冲突记录不存在.
    #[error("no conflict {id}")]
    ConflictNotFound { id: i64 },
    /// The tax-payment choice fails a `TAX-*` rule against the cached
    /// guarantees and enterprise profile (checked before sending; see `tax.rs`).
    #[error("draft {id}: {rule} on {field}: {message}")]
    TaxRefused {
        id: Uuid,
        rule: String,
        field: String,
        message: String,
    },
}

/// Every error code a drafts operation can answer with.
pub fn error_codes() -> Vec<&'static str> {
    let mut codes = portdesk_store::ERROR_CODES.to_vec();
    codes.push("invalid_input");
    codes.push("not_ready");
    codes.push("not_released");
    codes.push("not_filed");
    codes.push("conflict_not_found");
    codes.push("tax_refused");
    codes
}

impl DraftError {
    /// Stable code for the UI and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            DraftError::Store(e) => e.code(),
            DraftError::Invalid { .. } => "invalid_input",
            DraftError::NotReady { .. } => "not_ready",
            DraftError::NotReleased { .. } => "not_released",
            DraftError::NotFiled { .. } => "not_filed",
            DraftError::ConflictNotFound { .. } => "conflict_not_found",
            DraftError::TaxRefused { .. } => "tax_refused",
        }
    }

    /// The field the error concerns, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            DraftError::Invalid { field, .. } | DraftError::TaxRefused { field, .. } => Some(field),
            DraftError::Store(_)
            | DraftError::NotReady { .. }
            | DraftError::NotReleased { .. }
            | DraftError::NotFiled { .. }
            | DraftError::ConflictNotFound { .. } => None,
        }
    }
}

/// Declaration drafts backed by the local store and checked with the code
/// lists in force.
#[derive(Clone)]
pub struct Drafts {
    store: Store,
    lists: Arc<CodeLists>,
    /// Check the tax-payment choice offline before filing (`tax.rs`).
    tax_check: bool,
    /// Rate files of the duty estimate (`estimate.rs`).
    estimate_rates: Arc<estimate::EstimateRates>,
    /// Spreadsheet previews waiting to be saved (`spreadsheets.rs`).
    sheet_tickets: Arc<std::sync::Mutex<spreadsheets::Tickets>>,
}

impl Drafts {
    pub fn new(store: Store, lists: Arc<CodeLists>) -> Self {
        Drafts {
            store,
            lists,
            tax_check: true,
            estimate_rates: Arc::new(estimate::EstimateRates::bundled()),
            sheet_tickets: Arc::default(),
        }
    }

    /// Uses `rates` for the duty estimate instead of the bundled files
    /// (the workspace passes the files in force for its data dir).
    pub fn with_estimate_rates(mut self, rates: estimate::EstimateRates) -> Self {
        self.estimate_rates = Arc::new(rates);
        self
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The draft a clerk names on a command line: its id, or its client
    /// document id (客户端编号, ClientSeqNo). An id is taken as given (the
    /// command that uses it says when no draft has it); `None` when no
    /// draft, live or trashed, has the client document id.
    pub async fn find_draft(&self, target: &str) -> Result<Option<Uuid>, DraftError> {
        if let Ok(id) = Uuid::parse_str(target) {
            return Ok(Some(id));
        }
        Ok(self.store.find_by_client_seq_no(target).await?)
    }

    pub fn code_lists(&self) -> &CodeLists {
        &self.lists
    }

    /// Problems found in `declaration` for `purpose`.
    pub fn validate(&self, declaration: &Declaration, purpose: Purpose) -> Vec<Problem> {
        validate_declaration(declaration, purpose, &self.lists)
    }

    /// Creates a new declaration with a fresh id and client sequence no.,
    /// empty but for the defaults (初始值: the clerk's values, then the
    /// synced enterprise; `templates.rs`).
    pub async fn create(&self, ie_flag: IeFlag) -> Result<DraftView, DraftError> {
        let id = Uuid::now_v7();
        let declaration = self.new_declaration(id, ie_flag).await?;
        self.insert(id, declaration, "created").await
    }

    /// Saves `declaration` as the next revision of draft `id`. Extensions
    /// over their size are refused (`invalid_input`): nobody types them, so
    /// there is no keystroke to keep.
    pub async fn save(
        &self,
        id: Uuid,
        declaration: &Declaration,
        note: &str,
    ) -> Result<SaveResult, DraftError> {
        check_extensions(declaration)?;
        let problems = self.validate(declaration, Purpose::Declare);
        let info = SaveInfo::from_problems(&problems, note);
        let meta = self.store.save_declaration(id, declaration, &info).await?;
        Ok(SaveResult { meta, problems })
    }

    pub async fn get(&self, id: Uuid) -> Result<DraftView, DraftError> {
        let (meta, declaration) = self.store.get_declaration(id).await?;
        let problems = self.validate(&declaration, Purpose::Declare);
        Ok(DraftView {
            meta,
            declaration,
            problems,
        })
    }

    pub async fn list(&self, query: &DraftQuery) -> Result<DraftPage, DraftError> {
        Ok(self.store.list_drafts(query).await?)
    }

    pub async fn history(&self, id: Uuid) -> Result<Vec<RevisionMeta>, DraftError> {
        Ok(self.store.history(id).await?)
    }

    pub async fn revision(&self, id: Uuid, revision: i64) -> Result<Declaration, DraftError> {
        Ok(self.store.revision(id, revision).await?)
    }

    /// Makes an earlier revision current again by saving it as a new one.
    pub async fn restore(&self, id: Uuid, revision: i64) -> Result<DraftView, DraftError> {
        let old = self.store.revision(id, revision).await?;
        let problems = self.validate(&old, Purpose::Declare);
        let info = SaveInfo::from_problems(&problems, format!("restore r{revision}"));
        let meta = self.store.restore_revision(id, revision, &info).await?;
        Ok(DraftView {
            meta,
            declaration: old,
            problems,
        })
    }

    pub async fn trash(&self, id: Uuid) -> Result<DraftMeta, DraftError> {
        Ok(self.store.trash(id).await?)
    }

    pub async fn untrash(&self, id: Uuid) -> Result<DraftMeta, DraftError> {
        Ok(self.store.untrash(id).await?)
    }

    /// Deletes everything in the trash, for good. Returns how many drafts went.
    pub async fn empty_trash(&self) -> Result<u64, DraftError> {
        Ok(self.store.empty_trash().await?)
    }

    /// Brings in a declaration from elsewhere (an export, another program).
    /// Its client sequence no. is kept, so the same declaration imported twice
    /// becomes a new revision of one draft, never two drafts that could both
    /// be filed. A declaration with a field over its length
    /// (`portdesk_domain::limits`) is refused with `invalid_input` naming the
    /// field, before anything is written: the file it came from is where to
    /// cut it (an editor's save, by contrast, keeps every keystroke and shows
    /// the problem).
    pub async fn import(&self, declaration: Declaration) -> Result<DraftView, DraftError> {
        check_extensions(&declaration)?;
        if let Some(o) = portdesk_domain::limits::declaration_overlong(&declaration)
            .into_iter()
            .next()
        {
            return Err(DraftError::Invalid {
                message: portdesk_domain::validate::length_problem(&o).message_en,
                field: o.field,
            });
        }
        if declaration.client_seq_no.trim().is_empty() {
            let id = Uuid::now_v7();
            let declaration = Declaration {
                client_seq_no: client_seq_no_for(id),
                ..declaration
            };
            return self.insert(id, declaration, "import").await;
        }
        match self
            .store
            .find_by_client_seq_no(&declaration.client_seq_no)
            .await?
        {
            Some(id) => {
                let saved = self.save(id, &declaration, "import").await?;
                Ok(DraftView {
                    meta: saved.meta,
                    declaration,
                    problems: saved.problems,
                })
            }
            None => self.insert(Uuid::now_v7(), declaration, "import").await,
        }
    }

    /// Copies draft `id` into a new draft (复制报关单): a new id and client
    /// sequence no., the document as `Declaration::copied` leaves it (the
    /// old filing's date, edocs, message blocks and advance flag cleared),
    /// status by validation, history from r1 noted `copied from <csn>`. The
    /// original is only read; the new draft has none of its outbox entries,
    /// receipts, server numbers or tax choice, which the store keeps per
    /// draft. A trashed draft can be copied too: copying is reading.
    pub async fn copy(&self, id: Uuid) -> Result<DraftView, DraftError> {
        let (meta, original) = self.store.get_declaration(id).await?;
        let new_id = Uuid::now_v7();
        let declaration = original.copied(client_seq_no_for(new_id));
        self.insert(
            new_id,
            declaration,
            &format!("{COPIED_FROM}{}", meta.client_seq_no),
        )
        .await
    }

    /// What filing `declaration` sends: refused with `not_ready` when a
    /// declare rule fails, or `tax_refused` when its tax choice fails a
    /// TAX-* rule offline, before anything is written; else the revision's
    /// save info (noted `note`) and the exact `SubmitDeclaration` body bytes
    /// every attempt will carry.
    pub(crate) async fn submission(
        &self,
        id: Uuid,
        declaration: &Declaration,
        note: &str,
    ) -> Result<(SaveInfo, Vec<u8>), DraftError> {
        let problems = self.validate(declaration, Purpose::Declare);
        let info = SaveInfo::from_problems(&problems, note);
        if info.error_count > 0 {
            return Err(DraftError::NotReady {
                id,
                errors: info.error_count,
            });
        }
        let tax_payment = self.tax_for_filing(id, declaration).await?;
        // The message blocks a draft keeps (`extensions`) are for writing the
        // message back; the Single Window's JSON API has no use for them.
        let declaration = &Declaration {
            extensions: Default::default(),
            ..declaration.clone()
        };
        // Built through serde so optional fields the API grows stay at
        // their defaults: absent.
        let submit: SubmitDeclaration = serde_json::from_value(
            serde_json::json!({ "declaration": declaration, "tax_payment": tax_payment }),
        )
        .map_err(StoreError::from)?;
        let body = serde_json::to_vec(&submit).map_err(StoreError::from)?;
        Ok((info, body))
    }

    /// Files drafts with the Single Window: validates each for declaring
    /// (refusing the whole batch with `not_ready` if one has errors), then in
    /// ONE transaction records each as a new revision with status `queued`
    /// and writes its outbox entry: a fresh idempotency key and the exact
    /// `POST /v1/declarations` body the worker will send on every attempt.
    pub async fn file(&self, ids: &[Uuid]) -> Result<Vec<Filed>, DraftError> {
        let mut docs = Vec::with_capacity(ids.len());
        for &id in ids {
            let (_, declaration) = self.store.get_declaration(id).await?;
            let (info, body) = self.submission(id, &declaration, "file").await?;
            docs.push((id, declaration, info, body));
        }
        let requests: Vec<FileRequest<'_>> = docs
            .iter()
            .map(|(id, declaration, info, body)| FileRequest {
                draft_id: *id,
                declaration,
                info: info.clone(),
                method: "POST",
                path: DECLARATIONS_PATH,
                body: body.clone(),
            })
            .collect();
        Ok(self.store.file_declarations(&requests).await?)
    }

    /// Every draft `query` finds, page by page (its offset and limit are
    /// the pager's): for the ready list and the list export.
    pub async fn list_all(&self, query: &DraftQuery) -> Result<Vec<DraftMeta>, DraftError> {
        let mut all = Vec::new();
        let mut q = DraftQuery {
            offset: 0,
            limit: 500,
            ..query.clone()
        };
        loop {
            let page = self.list(&q).await?;
            let n = page.items.len();
            all.extend(page.items);
            q.offset += n as u32;
            if n == 0 || u64::from(q.offset) >= page.total {
                return Ok(all);
            }
        }
    }

    /// Ids of every live draft that passes the declare rules and is not filed.
    pub async fn ready_ids(&self) -> Result<Vec<Uuid>, DraftError> {
        let query = DraftQuery {
            status: Some(DraftStatus::Ready),
            ..DraftQuery::default()
        };
        Ok(self.list_all(&query).await?.iter().map(|m| m.id).collect())
    }

    async fn insert(
        &self,
        id: Uuid,
        declaration: Declaration,
        note: &str,
    ) -> Result<DraftView, DraftError> {
        let problems = self.validate(&declaration, Purpose::Declare);
        let info = SaveInfo::from_problems(&problems, note);
        let meta = self
            .store
            .create_declaration(id, &declaration, &info)
            .await?;
        Ok(DraftView {
            meta,
            declaration,
            problems,
        })
    }
}

/// Refuses a declaration whose `extensions` are over
/// `portdesk_domain::limits::EXTENSIONS_MAX_BYTES`, naming the field.
pub fn check_extensions(declaration: &Declaration) -> Result<(), DraftError> {
    match portdesk_domain::limits::extensions_oversize(declaration) {
        None => Ok(()),
        Some(size) => Err(DraftError::Invalid {
            field: "extensions".into(),
            message: portdesk_domain::limits::extensions_messages(size).1,
        }),
    }
}
