//! Certificates of origin after filing: finding out what review decided and
//! bringing the issued certificate home.
//!
//! The outbox worker delivers an application like any write (its answer is
//! an `OriginApplicationView`, not a declaration's `FilingAnswer`, so the
//! entry's `seq_no` stays empty). [`refresh_application`] therefore finds
//! the server's application no. itself: from the application row, the
//! delivered entry, a receipt for the client sequence no., or the logged
//! answer of the entry. It then asks `GET /v1/origin-applications/{seq_no}`
//! and stores the status, and the certificate once approved, with the
//! application. [`fetch_published_keys`] caches the issuer's public keys for
//! offline verification.

use std::path::Path;

use portdesk_api::origin::{OriginApplicationView, OriginStatus};
use portdesk_api::receipts::RejectionReason;
use portdesk_seal::PublicSeal;
use portdesk_store::{
    ApplicationStatus, EntryState, LogDirection, OriginMeta, Store, StoredCertificate,
};
use uuid::Uuid;

use crate::client::{Call, Client};
use crate::{Secret, SyncError};

/// What a refresh found.
#[derive(Debug, Clone, PartialEq)]
pub struct Refreshed {
    pub meta: OriginMeta,
    /// Why review rejected it (empty otherwise).
    pub reasons: Vec<RejectionReason>,
}

/// The server's application no. of `id`, if it can be known yet.
async fn find_seq_no(store: &Store, meta: &OriginMeta) -> Result<Option<String>, SyncError> {
    if let Some(s) = meta.seq_no.as_deref().filter(|s| !s.is_empty()) {
        return Ok(Some(s.to_owned()));
    }
    let entries = store.outbox_for_draft(meta.id).await?;
    for e in entries.iter().rev() {
        if let Some(s) = e.seq_no.as_deref().filter(|s| !s.is_empty()) {
            return Ok(Some(s.to_owned()));
        }
    }
    let receipts = store.receipts_for(&meta.client_seq_no).await?;
    if let Some(r) = receipts.iter().rev().find(|r| !r.receipt.seq_no.is_empty()) {
        return Ok(Some(r.receipt.seq_no.clone()));
    }
    // The delivered entry's answer, as logged: it is the application view.
    for e in entries.iter().rev().filter(|e| e.state == EntryState::Done) {
        for line in store.message_log(Some(e.seq)).await?.iter().rev() {
            if line.direction != LogDirection::Response {
                continue;
            }
            if let Ok(v) = serde_json::from_str::<OriginApplicationView>(&line.body) {
                return Ok(Some(v.seq_no));
            }
        }
    }
    Ok(None)
}

/// The reasons of the latest `COO-E` receipt stored for `client_seq_no`.
async fn rejection_reasons(
    store: &Store,
    client_seq_no: &str,
) -> Result<Vec<RejectionReason>, SyncError> {
    let receipts = store.receipts_for(client_seq_no).await?;
    let Some(latest) = receipts.iter().rev().find(|r| r.receipt.code == "COO-E") else {
        return Ok(Vec::new());
    };
    serde_json::from_str(&latest.receipt.reasons).map_err(|e| {
        SyncError::Protocol(format!(
            "reasons of receipt {}: {e}",
            latest.receipt.server_id
        ))
    })
}

/// Local status of a filed application whose latest filing is not delivered
/// (or whose server number is not known yet): from its latest outbox entry.
fn status_from_outbox(state: EntryState) -> ApplicationStatus {
    match state {
        EntryState::Queued | EntryState::Sending | EntryState::RetryWait => {
            ApplicationStatus::Queued
        }
        EntryState::Done => ApplicationStatus::Sent,
        EntryState::Failed => ApplicationStatus::Rejected,
    }
}

/// `GET /v1/origin-applications/{seq_no}` with the bearer token; the
/// request and answer go to the message log.
pub async fn fetch_application(
    client: &Client,
    store: &Store,
    token: &Secret,
    seq_no: &str,
) -> Result<OriginApplicationView, SyncError> {
    let path = format!("/v1/origin-applications/{seq_no}");
    let answer = client.fetch(store, Call::get(&path, Some(token))).await?;
    serde_json::from_slice::<OriginApplicationView>(&answer.body)
        .map_err(|e| SyncError::Protocol(format!("origin application: {e}")))
}

/// Brings application `id` up to date with the server: its status, and the
/// certificate once approved. Works offline as far as it can: without a
/// server number yet, the status follows the outbox.
pub async fn refresh_application(
    client: &Client,
    store: &Store,
    token: &Secret,
    id: Uuid,
) -> Result<Refreshed, SyncError> {
    let (meta, _) = store.get_origin(id).await?;
    if meta.status == ApplicationStatus::Approved || !meta.status.is_pending() {
        // Decided (or never filed): nothing the server can add. A rejection
        // may have been applied by its `COO-E` receipt (the worker stores
        // receipts); its reasons came with that receipt.
        let reasons = match meta.status {
            ApplicationStatus::Rejected => rejection_reasons(store, &meta.client_seq_no).await?,
            _ => Vec::new(),
        };
        return Ok(Refreshed { meta, reasons });
    }
    // Until the latest filing is delivered, the server knows only an older
    // one (a rejected application filed again): the outbox says more.
    let latest = store.outbox_for_draft(id).await?.pop();
    let delivered = latest.as_ref().is_some_and(|e| e.state == EntryState::Done);
    let seq_no = match (delivered, find_seq_no(store, &meta).await?) {
        (true, Some(seq_no)) => seq_no,
        _ => {
            let status = latest.map_or(meta.status, |e| status_from_outbox(e.state));
            let meta = store.set_origin_status(id, status, None).await?;
            return Ok(Refreshed {
                meta,
                reasons: Vec::new(),
            });
        }
    };
    let view = fetch_application(client, store, token, &seq_no).await?;
    let meta = match (view.status, view.certificate) {
        (OriginStatus::Approved, Some(cert)) => {
            let stored = StoredCertificate {
                number: cert.number,
                issue_date: cert.issue_date.format("%Y-%m-%d").to_string(),
                expiry_date: cert.expiry_date.format("%Y-%m-%d").to_string(),
                certified: cert.certified,
                signature: cert.signature,
                qr_text: cert.qr_text,
                key_id: cert.key_id,
                application: view.application,
            };
            store.store_certificate(id, &view.seq_no, &stored).await?
        }
        (status, _) => {
            let local = match status {
                OriginStatus::Accepted => ApplicationStatus::Accepted,
                OriginStatus::ManualReview => ApplicationStatus::ManualReview,
                OriginStatus::Rejected => ApplicationStatus::Rejected,
                // Approved without a certificate: not yet complete, ask again.
                OriginStatus::Approved => ApplicationStatus::Accepted,
            };
            store
                .set_origin_status(id, local, Some(&view.seq_no))
                .await?
        }
    };
    Ok(Refreshed {
        meta,
        reasons: view.reasons,
    })
}

/// Refreshes every application still pending; returns those that changed.
pub async fn refresh_pending(
    client: &Client,
    store: &Store,
    token: &Secret,
) -> Result<Vec<OriginMeta>, SyncError> {
    let mut changed = Vec::new();
    for meta in store.list_origins().await? {
        if !meta.status.is_pending() {
            continue;
        }
        let r = refresh_application(client, store, token, meta.id).await?;
        if r.meta.status != meta.status {
            changed.push(r.meta);
        }
    }
    Ok(changed)
}

/// Fetches the issuer's published keys (`GET /v1/keys`, no token; logged)
/// and merges them into `cache` (JSON array), which offline verification
/// trusts. Trust on first use: the mock makes a new key per database and
/// the real issuer rotates, so no key can be shipped; what was trusted once
/// stays trusted, new key ids are added, nothing is ever removed by a
/// server. A key id is derived from its key (`PublicSeal`), so an answer
/// that offers a different key under a key id already trusted, or any key
/// that does not parse, is refused whole and the cache stays as it was.
/// Returns how many keys the cache holds.
pub async fn fetch_published_keys(
    client: &Client,
    store: &Store,
    cache: &Path,
) -> Result<usize, SyncError> {
    let answer = client.fetch(store, Call::get("/v1/keys", None)).await?;
    let published: Vec<PublicSeal> = serde_json::from_slice(&answer.body).map_err(|e| {
        SyncError::Protocol(format!(
            "GET /v1/keys: refused, not a list of valid issuer keys ({e}); the trusted keys \
             are unchanged"
        ))
    })?;
    let mut trusted = match std::fs::read(cache) {
        Ok(bytes) => serde_json::from_slice::<Vec<PublicSeal>>(&bytes).map_err(|e| {
            SyncError::Protocol(format!("{} is not a list of keys: {e}", cache.display()))
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Err(SyncError::Protocol(format!(
                "cannot read {}: {e}",
                cache.display()
            )))
        }
    };
    let mut added = Vec::new();
    for key in published {
        match trusted.iter().find(|t| t.key_id() == key.key_id()) {
            Some(t) if *t == key => {}
            // Unreachable with derived ids; kept so the rule does not rest
            // on how ids are made.
            Some(_) => {
                return Err(SyncError::Protocol(format!(
                    "GET /v1/keys offers a different key under the trusted key id {}; \
                     refused, the trusted keys are unchanged",
                    key.key_id()
                )))
            }
            None => {
                added.push(key.key_id());
                trusted.push(key);
            }
        }
    }
    if !added.is_empty() {
        tracing::info!(?added, "new issuer keys trusted");
        let text = serde_json::to_vec_pretty(&trusted)
            .map_err(|e| SyncError::Protocol(format!("issuer keys: {e}")))?;
        let tmp = cache.with_extension("json.tmp");
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, cache))
            .map_err(|e| SyncError::Protocol(format!("cannot write {}: {e}", cache.display())))?;
    }
    Ok(trusted.len())
}
