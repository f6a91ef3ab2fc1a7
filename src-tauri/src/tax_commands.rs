//! Tauri commands of tax payment, guarantees and port fees (issue 6): each
//! parses its arguments and calls `portdesk_drafts::tax` (choices, offline
//! checks, cached views) or `portdesk_sync::reference` (fetching the
//! reference data with the sync service's account and token). No rule
//! lives here.

use portdesk_domain::guarantee::TaxPaymentChoice;
use portdesk_domain::{Declaration, Problem};
use portdesk_drafts::tax::{
    china_today, EnterpriseView, GuaranteesView, PortFeeEstimate, PortFeesView, TaxPanelView,
};
use portdesk_sync::reference::{self, DutyStatus, Fetched, Refreshed};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::{document_id, ApiError};
use crate::AppState;

type CmdResult<T> = Result<T, ApiError>;

/// Codes of the errors made here (the UI translates each); read by the
/// bindings generator (a test).
#[cfg(test)]
pub const ERROR_CODES: &[&str] = &["nothing_to_pay"];

/// What a refresh of the reference data did, per document:
/// `updated` (new copy), `not_modified` (the copy was current).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReferenceRefresh {
    pub guarantees: String,
    pub enterprise: String,
    pub port_fees: String,
}

fn fetched(f: Fetched) -> String {
    match f {
        Fetched::Updated => "updated",
        Fetched::NotModified => "not_modified",
    }
    .to_owned()
}

impl From<Refreshed> for ReferenceRefresh {
    fn from(r: Refreshed) -> Self {
        ReferenceRefresh {
            guarantees: fetched(r.guarantees),
            enterprise: fetched(r.enterprise),
            port_fees: fetched(r.port_fees),
        }
    }
}

/// The duty and VAT estimate (税费估算) of a draft, from the rate files in
/// force; shown in the tax panel before declaring.
#[tauri::command]
pub async fn duty_estimate(
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<portdesk_domain::tax_estimate::DutyEstimate> {
    Ok(state.drafts.duty_estimate(document_id(&id)?).await?)
}

/// The tax panel of a draft: its choice, the options open (each with the
/// reason), the problems, the implied document type, the guarantees.
#[tauri::command]
pub async fn tax_panel(state: State<'_, AppState>, id: String) -> CmdResult<TaxPanelView> {
    Ok(state.drafts.tax_panel(document_id(&id)?).await?)
}

/// Records the draft's tax-payment choice and answers the panel anew.
#[tauri::command]
pub async fn set_tax_choice(
    state: State<'_, AppState>,
    id: String,
    choice: TaxPaymentChoice,
) -> CmdResult<TaxPanelView> {
    Ok(state
        .drafts
        .set_tax_choice(document_id(&id)?, &choice)
        .await?)
}

/// The check before declaring, for the document as it is in the editor
/// (possibly unsaved). Empty when nothing was synced yet (the panel says so).
#[tauri::command]
pub async fn check_tax(
    state: State<'_, AppState>,
    declaration: Declaration,
    choice: TaxPaymentChoice,
) -> CmdResult<Vec<Problem>> {
    Ok(state
        .drafts
        .check_tax(&declaration, &choice, china_today())
        .await?
        .unwrap_or_default())
}

/// The guarantees as last synced, with their warnings and age.
#[tauri::command]
pub async fn guarantees(state: State<'_, AppState>) -> CmdResult<GuaranteesView> {
    Ok(state.drafts.cached_guarantees(china_today()).await?)
}

/// The enterprise profile as last synced (`null` when never).
#[tauri::command]
pub async fn enterprise_profile(state: State<'_, AppState>) -> CmdResult<Option<EnterpriseView>> {
    Ok(state.drafts.cached_enterprise().await?)
}

/// Fetches guarantees, enterprise profile and port fees with the logged-in
/// account's token and caches them. A refused token is dropped and the
/// refresh tried once more with a fresh login. Offline: `offline`, and the
/// cache stays as it was.
#[tauri::command]
pub async fn refresh_reference(state: State<'_, AppState>) -> CmdResult<ReferenceRefresh> {
    Ok(state.refresh_reference().await?.into())
}

/// The cached port fee catalogue, filtered by `query` (every term must match).
#[tauri::command]
pub async fn port_fees(state: State<'_, AppState>, query: String) -> CmdResult<PortFeesView> {
    Ok(state.drafts.search_port_fees(&query).await?)
}

/// What the published fees of `port_code` come to for `boxes_20` 20-foot
/// and `boxes_40` 40-foot laden boxes with `storage_days` of storage after
/// the free time (the editor passes its declaration's port and containers).
#[tauri::command]
pub async fn port_fee_estimate(
    state: State<'_, AppState>,
    port_code: String,
    boxes_20: u32,
    boxes_40: u32,
    storage_days: u32,
) -> CmdResult<PortFeeEstimate> {
    Ok(state
        .drafts
        .quote_port_fees(&port_code, boxes_20, boxes_40, storage_days)
        .await?)
}

/// Where a draft's duties stand (缴纳税款): the pay button shows when
/// `payable` (released summary-tax declaration, not paid from here yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DutyPayment {
    pub summary_tax: bool,
    /// Unified no. of the released filing (its `P` receipt).
    pub seq_no: Option<String>,
    pub payable: bool,
    /// Duties paid, CNY, once paid.
    pub amount_paid: Option<String>,
    /// Quota given back to the guarantee, CNY, once paid.
    pub quota_restored: Option<String>,
    pub guarantee_no: Option<String>,
    #[ts(type = "string | null")]
    pub paid_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<DutyStatus> for DutyPayment {
    fn from(s: DutyStatus) -> Self {
        DutyPayment {
            payable: s.payable(),
            summary_tax: s.summary_tax,
            seq_no: s.released_seq_no,
            amount_paid: s.paid.as_ref().map(|p| p.amount_paid.to_string()),
            quota_restored: s.paid.as_ref().map(|p| p.quota_restored.to_string()),
            guarantee_no: s.paid.as_ref().map(|p| p.guarantee.number.clone()),
            paid_at: s.paid.as_ref().map(|p| p.paid_at),
        }
    }
}

/// The draft's duty status from the local store (no network).
#[tauri::command]
pub async fn duty_payment(state: State<'_, AppState>, id: String) -> CmdResult<DutyPayment> {
    let id = document_id(&id)?;
    // An unknown draft answers `not_found`, as everywhere.
    state.drafts.tax_choice(id).await?;
    Ok(reference::duty_status(state.drafts.store(), id)
        .await?
        .into())
}

/// Pays the duties of the draft's released summary-tax declaration
/// (汇总征税缴税) with the logged-in account; the server gives the reserved
/// quota back to the guarantee and the cached guarantees are refreshed.
/// `nothing_to_pay` when not released or not summary tax. A refused token
/// is dropped and the payment tried once more after a fresh login (the
/// stored idempotency key keeps it one payment).
#[tauri::command]
pub async fn pay_duties(state: State<'_, AppState>, id: String) -> CmdResult<DutyPayment> {
    let id = document_id(&id)?;
    let paid = state.pay_duties(id).await?;
    paid.map(DutyPayment::from).ok_or_else(|| {
        ApiError::new(
            "nothing_to_pay",
            format!("draft {id}: no released summary-tax declaration to pay"),
        )
    })
}
