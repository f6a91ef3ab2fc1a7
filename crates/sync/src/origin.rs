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
use std::time::Duration;

use chrono::Utc;
use portdesk_api::origin::{OriginApplicationView, OriginStatus};
use portdesk_api::receipts::RejectionReason;
use portdesk_store::{
    ApplicationStatus, EntryState, LogDirection, LogEntry, OriginMeta, Store, StoredCertificate,
};
use uuid::Uuid;

use crate::{Secret, SyncError};

/// What a refresh found.
#[derive(Debug, Clone, PartialEq)]
pub struct Refreshed {
    pub meta: OriginMeta,
    /// Why review rejected it (empty otherwise).
    pub reasons: Vec<RejectionReason>,
}

const TIMEOUT: Duration = Duration::from_secs(30);

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(TIMEOUT)
        .build()
        .expect("reqwest client builds")
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
    store: &Store,
    server: &str,
    token: &Secret,
    seq_no: &str,
) -> Result<OriginApplicationView, SyncError> {
    let path = format!("/v1/origin-applications/{seq_no}");
    let url = format!("{}{path}", server.trim_end_matches('/'));
    let mut log = vec![LogEntry {
        at: Utc::now(),
        direction: LogDirection::Request,
        method: "GET".into(),
        path: path.clone(),
        outbox_seq: None,
        idempotency_key: None,
        status: None,
        retry_after_ms: None,
        body: String::new(),
    }];
    let answer = http().get(&url).bearer_auth(token.expose()).send().await;
    let result = match answer {
        Ok(r) => {
            let status = r.status().as_u16();
            let body = r
                .text()
                .await
                .map_err(|e| SyncError::Offline(e.to_string()))?;
            log.push(LogEntry {
                at: Utc::now(),
                direction: LogDirection::Response,
                status: Some(status),
                body: body.clone(),
                ..log[0].clone()
            });
            match status {
                200 => serde_json::from_str::<OriginApplicationView>(&body)
                    .map_err(|e| SyncError::Protocol(format!("origin application: {e}"))),
                401 => Err(SyncError::NotLoggedIn(format!("{url}: token refused"))),
                s => Err(SyncError::Protocol(format!("{url}: HTTP {s}: {body}"))),
            }
        }
        Err(e) => {
            log.push(LogEntry {
                at: Utc::now(),
                direction: LogDirection::Error,
                body: e.to_string(),
                ..log[0].clone()
            });
            Err(SyncError::Offline(e.to_string()))
        }
    };
    store.append_log(&log).await?;
    result
}

/// Brings application `id` up to date with the server: its status, and the
/// certificate once approved. Works offline as far as it can: without a
/// server number yet, the status follows the outbox.
pub async fn refresh_application(
    store: &Store,
    server: &str,
    token: &Secret,
    id: Uuid,
) -> Result<Refreshed, SyncError> {
    let (meta, _) = store.get_origin(id).await?;
    if meta.status == ApplicationStatus::Approved || !meta.status.is_pending() {
        // Decided (or never filed): nothing the server can add.
        return Ok(Refreshed {
            meta,
            reasons: Vec::new(),
        });
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
    let view = fetch_application(store, server, token, &seq_no).await?;
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
    store: &Store,
    server: &str,
    token: &Secret,
) -> Result<Vec<OriginMeta>, SyncError> {
    let mut changed = Vec::new();
    for meta in store.list_origins().await? {
        if !meta.status.is_pending() {
            continue;
        }
        let r = refresh_application(store, server, token, meta.id).await?;
        if r.meta.status != meta.status {
            changed.push(r.meta);
        }
    }
    Ok(changed)
}

/// Fetches the issuer's published keys (`GET /v1/keys`, no token) and
/// writes them to `cache` (JSON array), for offline verification.
pub async fn fetch_published_keys(server: &str, cache: &Path) -> Result<usize, SyncError> {
    let url = format!("{}/v1/keys", server.trim_end_matches('/'));
    let r = http()
        .get(&url)
        .send()
        .await
        .map_err(|e| SyncError::Offline(e.to_string()))?;
    if !r.status().is_success() {
        return Err(SyncError::Protocol(format!("{url}: HTTP {}", r.status())));
    }
    let text = r
        .text()
        .await
        .map_err(|e| SyncError::Offline(e.to_string()))?;
    let keys: Vec<serde_json::Value> =
        serde_json::from_str(&text).map_err(|e| SyncError::Protocol(format!("{url}: {e}")))?;
    let tmp = cache.with_extension("json.tmp");
    std::fs::write(&tmp, &text)
        .and_then(|()| std::fs::rename(&tmp, cache))
        .map_err(|e| SyncError::Protocol(format!("cannot write {}: {e}", cache.display())))?;
    Ok(keys.len())
}
