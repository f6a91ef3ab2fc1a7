//! Reference data for offline use (参数数据): the caller's guarantees with
//! their quotas (`GET /v1/guarantees`), its enterprise profile
//! (`GET /v1/enterprise`) and the port fee catalogue
//! (`GET /v1/reference/port-fees`, with `If-None-Match` / `ETag`), fetched
//! with the bearer token and cached in the store (`reference_cache`), where
//! `portdesk_drafts::tax` reads them to check a tax-payment choice offline.
//!
//! When to refresh (the callers decide; `docs/tax-guarantee.md`): after a
//! login, after a receipt that reserves quota ([`receipt_moves_quota`]:
//! release `P`), after a payment ([`pay`] refreshes by itself), and on
//! demand. Offline the cache stays as it was and its age is shown.
//!
//! Every call is written to the message log like the worker's calls (no
//! secrets: the token only travels in the `Authorization` header).

use portdesk_api::{EnterpriseProfile, GuaranteeList, PaymentAnswer, PortFeesResponse};
use portdesk_store::{ReferenceKind, Store};
use uuid::Uuid;

use crate::client::{Call, Client};
use crate::credentials::Account;
use crate::error::SyncError;
use crate::secret::Secret;

/// Path of each reference document.
pub fn path_of(kind: ReferenceKind) -> &'static str {
    match kind {
        ReferenceKind::Guarantees => "/v1/guarantees",
        ReferenceKind::Enterprise => "/v1/enterprise",
        ReferenceKind::PortFees => "/v1/reference/port-fees",
    }
}

/// What one fetch did to the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fetched {
    /// A 200: the cached copy was replaced.
    Updated,
    /// A 304: the cached copy is current; only its age was reset.
    NotModified,
}

/// The outcome of [`refresh_all`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refreshed {
    pub guarantees: Fetched,
    pub enterprise: Fetched,
    pub port_fees: Fetched,
}

/// Whether a receipt code changes a guarantee's quota, so the guarantees
/// should be fetched again: `P` (released) reserves a summary-tax
/// declaration's duty estimate. (Payment restores it; [`pay`] refreshes.)
pub fn receipt_moves_quota(code: &str) -> bool {
    code == "P"
}

/// Fetches one reference document and caches it. Port fees (and anything
/// with a cached ETag) go with `If-None-Match`; a 304 keeps the copy and
/// resets its age. The body must parse as its wire type before it replaces
/// the cached copy, so a bad answer never spoils a good cache.
pub async fn refresh(
    client: &Client,
    store: &Store,
    account: &Account,
    token: &Secret,
    kind: ReferenceKind,
) -> Result<Fetched, SyncError> {
    let path = path_of(kind);
    let cached = store.reference(kind).await?;
    // A copy fetched by another account is not this one's: fetch it whole.
    let etag = cached
        .filter(|c| c.account == account.key())
        .and_then(|c| c.etag);
    let call = Call {
        if_none_match: etag.as_deref(),
        ..Call::get(path, Some(token))
    };
    let reply = client.fetch(store, call).await?;
    if reply.status == 304 {
        store.touch_reference(kind).await?;
        return Ok(Fetched::NotModified);
    }
    let body = reply.text();
    let parsed = match kind {
        ReferenceKind::Guarantees => serde_json::from_str::<GuaranteeList>(&body).map(drop),
        ReferenceKind::Enterprise => serde_json::from_str::<EnterpriseProfile>(&body).map(drop),
        ReferenceKind::PortFees => serde_json::from_str::<PortFeesResponse>(&body).map(drop),
    };
    parsed.map_err(|e| SyncError::Protocol(format!("GET {path}: {e}")))?;
    store
        .put_reference(kind, &account.key(), &body, reply.etag.as_deref())
        .await?;
    tracing::debug!(kind = kind.as_str(), "reference data refreshed");
    Ok(Fetched::Updated)
}

/// Refreshes the guarantees, the enterprise profile and the port fees.
pub async fn refresh_all(
    client: &Client,
    store: &Store,
    account: &Account,
    token: &Secret,
) -> Result<Refreshed, SyncError> {
    Ok(Refreshed {
        guarantees: refresh(client, store, account, token, ReferenceKind::Guarantees).await?,
        enterprise: refresh(client, store, account, token, ReferenceKind::Enterprise).await?,
        port_fees: refresh(client, store, account, token, ReferenceKind::PortFees).await?,
    })
}

/// Pays the duties of a released summary-tax declaration (汇总征税缴税,
/// `POST /v1/declarations/{seq_no}/payment`), which gives its reservation
/// back to the guarantee, then refreshes the cached guarantees. The server
/// pays once whatever the retries; `idempotency_key` should be kept by the
/// caller across retries of the same payment.
pub async fn pay(
    client: &Client,
    store: &Store,
    account: &Account,
    token: &Secret,
    seq_no: &str,
    idempotency_key: Uuid,
) -> Result<PaymentAnswer, SyncError> {
    let path = format!("/v1/declarations/{seq_no}/payment");
    let call = Call {
        method: reqwest::Method::POST,
        idempotency_key: Some(idempotency_key),
        ..Call::get(&path, Some(token))
    };
    let reply = client.fetch(store, call).await?;
    let answer: PaymentAnswer = serde_json::from_slice(&reply.body)
        .map_err(|e| SyncError::Protocol(format!("POST {path}: {e}")))?;
    refresh(client, store, account, token, ReferenceKind::Guarantees).await?;
    Ok(answer)
}

/// Where a draft's duties stand for the pay action (缴纳税款): whether it
/// was filed for summary tax payment (汇总征税, paid after release on the
/// guarantee), the filing the customs released (its `P` receipt), and the
/// payment once this client made it.
#[derive(Debug, Clone, PartialEq)]
pub struct DutyStatus {
    /// The draft's tax choice is summary tax: its duties are paid after release.
    pub summary_tax: bool,
    /// Unified no. (统一编号) of the last released filing of the draft.
    pub released_seq_no: Option<String>,
    /// The server's answer to this client's payment, once made.
    pub paid: Option<PaymentAnswer>,
}

impl DutyStatus {
    /// Released, summary tax, and not paid from here yet.
    pub fn payable(&self) -> bool {
        self.summary_tax && self.released_seq_no.is_some() && self.paid.is_none()
    }
}

/// `sync_state` key holding the idempotency key of a payment in progress:
/// kept until it succeeds, so a retry after a lost answer is the same
/// payment to the server.
fn payment_key_key(seq_no: &str) -> String {
    format!("duty_payment_key:{seq_no}")
}

/// `sync_state` key holding the `PaymentAnswer` JSON of a payment made.
fn paid_key(seq_no: &str) -> String {
    format!("duty_paid:{seq_no}")
}

/// The duty status of draft `id` from the local store (no network).
pub async fn duty_status(store: &Store, id: Uuid) -> Result<DutyStatus, SyncError> {
    let (_, declaration) = store.get_declaration(id).await?;
    let summary_tax = store
        .tax_choice(id, None)
        .await?
        .is_some_and(|c| c.summary_tax);
    let released_seq_no = store
        .receipts_for(&declaration.client_seq_no)
        .await?
        .into_iter()
        .filter(|r| receipt_moves_quota(&r.receipt.code))
        .map(|r| r.receipt.seq_no)
        .next_back();
    let paid = match &released_seq_no {
        Some(seq_no) => match store.sync_value(&paid_key(seq_no)).await? {
            Some(json) => Some(
                serde_json::from_str(&json)
                    .map_err(|e| SyncError::Protocol(format!("stored payment of {seq_no}: {e}")))?,
            ),
            None => None,
        },
        None => None,
    };
    Ok(DutyStatus {
        summary_tax,
        released_seq_no,
        paid,
    })
}

/// Pays the duties of draft `id`'s released filing with [`pay`] and
/// records the answer, so the pay action is offered once. The idempotency
/// key is stored before the call and reused by retries. `Ok(None)`: there
/// is nothing to pay (not summary tax, or not released yet); a payment
/// already recorded is answered again without a call.
pub async fn pay_duties(
    client: &Client,
    store: &Store,
    account: &Account,
    token: &Secret,
    id: Uuid,
) -> Result<Option<DutyStatus>, SyncError> {
    let mut status = duty_status(store, id).await?;
    if status.paid.is_some() {
        return Ok(Some(status));
    }
    let (true, Some(seq_no)) = (status.summary_tax, status.released_seq_no.clone()) else {
        return Ok(None);
    };
    let key = match store.sync_value(&payment_key_key(&seq_no)).await? {
        Some(k) => Uuid::parse_str(&k)
            .map_err(|e| SyncError::Protocol(format!("stored payment key of {seq_no}: {e}")))?,
        None => {
            let k = Uuid::now_v7();
            store
                .set_sync_value(&payment_key_key(&seq_no), Some(&k.to_string()))
                .await?;
            k
        }
    };
    let answer = pay(client, store, account, token, &seq_no, key).await?;
    let json = serde_json::to_string(&answer)
        .map_err(|e| SyncError::Protocol(format!("payment of {seq_no}: {e}")))?;
    store
        .set_sync_value(&paid_key(&seq_no), Some(&json))
        .await?;
    store
        .set_sync_value(&payment_key_key(&seq_no), None)
        .await?;
    status.paid = Some(answer);
    Ok(Some(status))
}
