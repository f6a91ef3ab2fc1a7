//! Tauri commands of the Single Window side: log in and out, file a draft
//! into the outbox, and read the sync state (outbox, receipts, message
//! log) for the sync panel and the editor's receipt timeline. Each parses
//! its arguments and calls `SyncService`, `Drafts` or the store.

use portdesk_api::{ErrorBody, RejectionReason};
use portdesk_domain::DraftMeta;
use portdesk_store::{LogEntry, OutboxEntry, StoredReceipt};
use portdesk_sync::{Account, Secret};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::{document_id, ApiError};
use crate::sync::{AccountView, OnlineState};
use crate::AppState;

type CmdResult<T> = Result<T, ApiError>;

/// Outbox entries per state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
pub struct OutboxCountsView {
    pub queued: u64,
    pub sending: u64,
    pub retry_wait: u64,
    pub done: u64,
    pub failed: u64,
}

/// The header indicator and the sync panel's summary.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SyncStatus {
    pub account: Option<AccountView>,
    pub state: OnlineState,
    pub counts: OutboxCountsView,
    /// Why the worker is not running (keyring locked, worker busy…).
    pub last_error: Option<ApiError>,
    /// The server URL the login screen offers.
    pub default_server: String,
}

/// One rejection reason: rule, field path (`head.bill_no`), message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReasonView {
    pub rule: String,
    pub field: String,
    pub message_zh: String,
    pub message_en: String,
}

impl From<RejectionReason> for ReasonView {
    fn from(r: RejectionReason) -> Self {
        ReasonView {
            rule: r.rule,
            field: r.field,
            message_zh: r.message_zh,
            message_en: r.message_en,
        }
    }
}

/// Why the server refused an entry for good.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FailureView {
    pub code: String,
    pub message: String,
    pub reasons: Vec<ReasonView>,
}

/// One outbox entry for the sync panel.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OutboxEntryView {
    pub seq: i64,
    pub draft_id: String,
    pub revision: i64,
    pub client_seq_no: String,
    /// `queued`, `sending`, `retry_wait`, `done`, `failed`.
    pub state: String,
    pub attempts: u32,
    /// RFC 3339: when a `retry_wait` entry goes again.
    pub next_attempt_at: String,
    /// The last transient error code (`rate_limited`, `offline`…).
    pub last_error: Option<String>,
    pub failure: Option<FailureView>,
    /// Unified no. (统一编号), once delivered.
    pub seq_no: Option<String>,
    pub http_status: Option<u16>,
}

impl From<OutboxEntry> for OutboxEntryView {
    fn from(e: OutboxEntry) -> Self {
        let failure = e.failure.as_deref().map(|f| {
            match serde_json::from_str::<ErrorBody>(f) {
                Ok(b) => FailureView {
                    code: b.code,
                    message: b.message,
                    reasons: b.reasons.into_iter().map(ReasonView::from).collect(),
                },
                // Written by an older client or not JSON: show it as is.
                Err(_) => FailureView {
                    code: "unknown".to_owned(),
                    message: f.to_owned(),
                    reasons: Vec::new(),
                },
            }
        });
        OutboxEntryView {
            seq: e.seq,
            draft_id: e.document_id.to_string(),
            revision: e.revision,
            client_seq_no: e.client_seq_no,
            state: e.state.as_str().to_owned(),
            attempts: e.attempts,
            next_attempt_at: e.next_attempt_at.to_rfc3339(),
            last_error: e.last_error,
            failure,
            seq_no: e.seq_no,
            http_status: e.http_status,
        }
    }
}

/// One receipt (回执) of a draft's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReceiptView {
    pub code: String,
    pub seq_no: String,
    pub entry_id: Option<String>,
    /// RFC 3339, the server's time.
    pub issued_at: String,
    pub message_zh: String,
    pub message_en: String,
    pub reasons: Vec<ReasonView>,
}

impl From<StoredReceipt> for ReceiptView {
    fn from(r: StoredReceipt) -> Self {
        let reasons: Vec<RejectionReason> =
            serde_json::from_str(&r.receipt.reasons).unwrap_or_default();
        ReceiptView {
            code: r.receipt.code,
            seq_no: r.receipt.seq_no,
            entry_id: r.receipt.entry_id,
            issued_at: r.receipt.issued_at.to_rfc3339(),
            message_zh: r.receipt.message_zh,
            message_en: r.receipt.message_en,
            reasons: reasons.into_iter().map(ReasonView::from).collect(),
        }
    }
}

/// A draft's filings and receipts, for the editor's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DraftTimeline {
    /// Oldest first.
    pub outbox: Vec<OutboxEntryView>,
    /// In the server's order.
    pub receipts: Vec<ReceiptView>,
}

/// One line of the message log (审计日志), secrets already removed.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LogLineView {
    /// Position in the log: pass it as `before` for the next page.
    pub seq: i64,
    pub at: String,
    /// `request`, `response`, `error`.
    pub direction: String,
    pub method: String,
    pub path: String,
    pub outbox_seq: Option<i64>,
    pub idempotency_key: Option<String>,
    pub status: Option<u16>,
    pub retry_after_ms: Option<i64>,
    /// The whole body, or its start when `body_size` is set.
    pub body: String,
    /// Set when the log kept only the start: bytes of the whole body …
    pub body_size: Option<u64>,
    /// … and its SHA-256 (hex).
    pub body_sha256: Option<String>,
}

impl From<(i64, LogEntry)> for LogLineView {
    fn from((seq, l): (i64, LogEntry)) -> Self {
        let (body_size, body_sha256) = l.truncated.map(|t| (t.size, t.sha256)).unzip();
        LogLineView {
            seq,
            at: l.at.to_rfc3339(),
            direction: l.direction.as_str().to_owned(),
            method: l.method,
            path: l.path,
            outbox_seq: l.outbox_seq,
            idempotency_key: l.idempotency_key.map(|k| k.to_string()),
            status: l.status,
            retry_after_ms: l.retry_after_ms,
            body: l.body,
            body_size,
            body_sha256,
        }
    }
}

/// A draft just filed into the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FiledView {
    pub meta: DraftMeta,
    pub outbox_seq: i64,
    pub idempotency_key: String,
}

fn required(field: &str, value: &str) -> CmdResult<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ApiError::invalid(field, format!("{field} is required")));
    }
    Ok(v.to_owned())
}

/// The login form's fields, checked before any network call.
pub fn check_login(
    server: &str,
    customs_code: &str,
    operator: &str,
    password: &str,
) -> CmdResult<Account> {
    let server = required("server", server)?;
    if !(server.starts_with("http://") || server.starts_with("https://")) {
        return Err(ApiError::invalid(
            "server",
            "the server URL must start with http:// or https://",
        ));
    }
    let (code, operator) = check_enterprise(customs_code, operator)?;
    if password.is_empty() {
        return Err(ApiError::invalid("password", "password is required"));
    }
    Ok(Account::new(&server, &code, &operator))
}

/// The customs code and operator of either sign-in form.
fn check_enterprise(customs_code: &str, operator: &str) -> CmdResult<(String, String)> {
    let code = required("customs_code", customs_code)?;
    if code.len() != 10 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ApiError::invalid(
            "customs_code",
            "the enterprise customs code has 10 letters or digits",
        ));
    }
    Ok((code, required("operator", operator)?))
}

/// The exchange-only sign-in form's account fields, checked as the login
/// form checks them.
pub fn check_exchange_account(customs_code: &str, operator: &str) -> CmdResult<Account> {
    let (code, operator) = check_enterprise(customs_code, operator)?;
    Ok(Account::exchange_only(&code, &operator))
}

/// 通过单一窗口客户端申报（无服务器）: sets up an account that files through
/// the exchange folders of `settings` only, with no server, no password and
/// nothing in the keyring, remembers it and starts its worker. Errors name
/// the form's field (`root` for a folder that is not the client's).
#[tauri::command]
pub async fn start_exchange_account(
    state: State<'_, AppState>,
    customs_code: String,
    operator: String,
    settings: ExchangeSettingsView,
) -> CmdResult<SyncStatus> {
    let account = check_exchange_account(&customs_code, &operator)?;
    let settings = settings.into_settings()?;
    state
        .sync
        .start_exchange_account(&account.customs_code, &account.operator, settings)
        .await
        .map_err(|e| {
            let mut err = ApiError::from(e);
            if err.code == "not_exchange_root" {
                err.field = Some("root".to_owned());
            }
            err
        })?;
    status(&state).await
}

/// Logs in; the password and token go only to the OS keyring.
#[tauri::command]
pub async fn login(
    state: State<'_, AppState>,
    server: String,
    customs_code: String,
    operator: String,
    password: String,
) -> CmdResult<SyncStatus> {
    let account = check_login(&server, &customs_code, &operator, &password)?;
    state
        .sync
        .login(account, Secret::new(password))
        .await
        .map_err(|e| {
            let mut err = ApiError::from(e);
            // Point the form at the field to fix.
            err.field = match err.code.as_str() {
                "login_failed" => Some("password".to_owned()),
                "offline" | "protocol" | "insecure_server" => Some("server".to_owned()),
                _ => None,
            };
            err
        })?;
    status(&state).await
}

/// Stops the worker and deletes the secrets.
#[tauri::command]
pub async fn logout(state: State<'_, AppState>) -> CmdResult<SyncStatus> {
    state.sync.logout().await?;
    status(&state).await
}

async fn status(state: &AppState) -> CmdResult<SyncStatus> {
    let c = state
        .drafts
        .store()
        .outbox_counts()
        .await
        .map_err(portdesk_drafts::DraftError::from)?;
    Ok(SyncStatus {
        account: state.sync.account().as_ref().map(AccountView::from),
        state: state.sync.online_state(),
        counts: OutboxCountsView {
            queued: c.queued,
            sending: c.sending,
            retry_wait: c.retry_wait,
            done: c.done,
            failed: c.failed,
        },
        last_error: state.sync.last_error(),
        default_server: state.sync.default_server().to_owned(),
    })
}

#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> CmdResult<SyncStatus> {
    status(&state).await
}

/// Every outbox entry, newest first.
#[tauri::command]
pub async fn outbox_entries(state: State<'_, AppState>) -> CmdResult<Vec<OutboxEntryView>> {
    let mut entries: Vec<OutboxEntryView> = state
        .drafts
        .store()
        .outbox_entries()
        .await
        .map_err(portdesk_drafts::DraftError::from)?
        .into_iter()
        .map(OutboxEntryView::from)
        .collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.seq));
    Ok(entries)
}

/// 申报: files the draft (a new revision and its outbox entry in one
/// transaction; `not_ready` when declare rules fail) and wakes the worker.
/// Works signed out and offline: the entry waits in the outbox.
#[tauri::command]
pub async fn file_declaration(state: State<'_, AppState>, id: String) -> CmdResult<FiledView> {
    let id = document_id(&id)?;
    let filed = state.drafts.file(&[id]).await?;
    state.sync.kick();
    let f = filed
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::new("db", "filing returned nothing"))?;
    Ok(FiledView {
        meta: f.meta,
        outbox_seq: f.outbox_seq,
        idempotency_key: f.idempotency_key.to_string(),
    })
}

/// The draft's outbox entries and receipts (the editor's timeline).
#[tauri::command]
pub async fn draft_receipts(state: State<'_, AppState>, id: String) -> CmdResult<DraftTimeline> {
    let id = document_id(&id)?;
    let view = state.drafts.get(id).await?;
    let store = state.drafts.store();
    let outbox = store
        .outbox_for_draft(id)
        .await
        .map_err(portdesk_drafts::DraftError::from)?;
    let receipts = store
        .receipts_for(&view.meta.client_seq_no)
        .await
        .map_err(portdesk_drafts::DraftError::from)?;
    Ok(DraftTimeline {
        outbox: outbox.into_iter().map(OutboxEntryView::from).collect(),
        receipts: receipts.into_iter().map(ReceiptView::from).collect(),
    })
}

/// A page of the message log, newest first, optionally of one entry:
/// lines before `before` (a line's `seq`; the newest when absent).
#[tauri::command]
pub async fn message_log(
    state: State<'_, AppState>,
    outbox_seq: Option<i64>,
    before: Option<i64>,
    limit: Option<u32>,
) -> CmdResult<Vec<LogLineView>> {
    let limit = limit.unwrap_or(200).clamp(1, 5000);
    let lines = state
        .drafts
        .store()
        .message_log_page(outbox_seq, before, limit)
        .await
        .map_err(portdesk_drafts::DraftError::from)?;
    Ok(lines.into_iter().map(LogLineView::from).collect())
}

/// The exchange-folder settings of the signed-in account as the settings
/// form edits them (报文交换目录): the client's root and the message's
/// declarant fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
pub struct ExchangeSettingsView {
    /// The folder holding `Dec/OutBox`, `SentBox`, `FailBox`, `InBox`.
    pub root: String,
    /// 录入单位代码; empty: the account's customs code.
    pub cop_code: String,
    pub cop_name: String,
    /// 录入员, 申报人, 录入员卡号, 操作员卡号.
    pub inputer_name: String,
    pub declare_name: String,
    pub typist_no: String,
    pub ic_code: String,
    /// Minutes a file may lie untaken before it is shown as stuck.
    pub stuck_after_minutes: u32,
}

/// Lengths the form accepts: the message's own limits, and a path.
const ROOT_MAX_CHARS: usize = 1024;
const DECLARANT_MAX_CHARS: usize = 70;

impl ExchangeSettingsView {
    fn from_settings(s: &portdesk_sync::exchange::ExchangeSettings) -> Self {
        ExchangeSettingsView {
            root: s.root.display().to_string(),
            cop_code: s.declarant.cop_code.clone(),
            cop_name: s.declarant.cop_name.clone(),
            inputer_name: s.declarant.inputer_name.clone(),
            declare_name: s.declarant.declare_name.clone(),
            typist_no: s.declarant.typist_no.clone(),
            ic_code: s.declarant.ic_code.clone(),
            stuck_after_minutes: (s.stuck_after_secs / 60).clamp(1, u64::from(u32::MAX)) as u32,
        }
    }

    fn into_settings(self) -> CmdResult<portdesk_sync::exchange::ExchangeSettings> {
        let root = self.root.trim();
        if root.is_empty() || root.chars().count() > ROOT_MAX_CHARS {
            return Err(ApiError::invalid(
                "root",
                "交换目录不能为空且不超过 1024 个字符 / the exchange folder must be given, at most 1024 characters",
            ));
        }
        let fields = [
            ("cop_code", &self.cop_code),
            ("cop_name", &self.cop_name),
            ("inputer_name", &self.inputer_name),
            ("declare_name", &self.declare_name),
            ("typist_no", &self.typist_no),
            ("ic_code", &self.ic_code),
        ];
        for (field, value) in fields {
            if value.chars().count() > DECLARANT_MAX_CHARS {
                return Err(ApiError::invalid(
                    field,
                    format!("{field} 最多 {DECLARANT_MAX_CHARS} 个字符 / {field}: at most {DECLARANT_MAX_CHARS} characters"),
                ));
            }
        }
        let mut s = portdesk_sync::exchange::ExchangeSettings::new(root.into());
        s.declarant = portdesk_sync::exchange::Declarant {
            cop_code: self.cop_code.trim().to_owned(),
            cop_name: self.cop_name.trim().to_owned(),
            inputer_name: self.inputer_name.trim().to_owned(),
            declare_name: self.declare_name.trim().to_owned(),
            typist_no: self.typist_no.trim().to_owned(),
            ic_code: self.ic_code.trim().to_owned(),
            ..Default::default()
        };
        s.stuck_after_secs = u64::from(self.stuck_after_minutes.clamp(1, 7 * 24 * 60)) * 60;
        Ok(s)
    }
}

/// The signed-in account's exchange settings; `null` when it files over HTTP.
#[tauri::command]
pub async fn exchange_settings(
    state: State<'_, AppState>,
) -> CmdResult<Option<ExchangeSettingsView>> {
    Ok(state
        .sync
        .exchange_settings()
        .await?
        .as_ref()
        .map(ExchangeSettingsView::from_settings))
}

/// Files the account's declarations through the exchange folders
/// (`settings`), or over HTTP again (`null`); the worker restarts on it.
#[tauri::command]
pub async fn set_exchange_settings(
    state: State<'_, AppState>,
    settings: Option<ExchangeSettingsView>,
) -> CmdResult<()> {
    let settings = settings
        .map(ExchangeSettingsView::into_settings)
        .transpose()?;
    state.sync.set_exchange_settings(settings).await?;
    Ok(())
}

/// Code of a retry of an entry that has not failed.
pub const NOT_FAILED: &str = "not_failed";

/// 重新发送: sends failed outbox entry `seq` again (same key and body);
/// `not_failed` when it is not failed.
#[tauri::command]
pub async fn retry_outbox_entry(state: State<'_, AppState>, seq: i64) -> CmdResult<()> {
    if state.sync.retry_entry(seq).await? {
        Ok(())
    } else {
        Err(ApiError::new(
            NOT_FAILED,
            format!("发送记录 {seq} 未失败，无需重发 / outbox entry {seq} is not failed: nothing to retry"),
        ))
    }
}
