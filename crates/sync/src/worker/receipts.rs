//! Receipts: pulled from the persistent cursor, stored with the cursor in
//! one transaction, reported as events; and the certificates that review
//! approved, brought home so the store says approved with no editor open.

use std::time::Instant;

use portdesk_api::Receipt;
use portdesk_store::{NewReceipt, StoredReceipt};

use super::{SyncEvent, Worker};
use crate::client::{self, TransportError};
use crate::SyncError;

impl Worker {
    /// Pulls receipts from the cursor until the server has no more.
    pub(super) async fn pull_receipts(&mut self) -> Result<(), SyncError> {
        self.pull_requested = false;
        self.last_pull = Some(Instant::now());
        let key = self.session.account().enterprise_key();
        loop {
            let Some(token) = self.bearer() else {
                return Ok(());
            };
            let since = self.session.store().receipt_cursor(&key).await?;
            let (result, log) = self.transport.receipts(&token, &since, 500).await;
            // A poll answered exactly as the last one (an empty page at the
            // same cursor, all day while idle) is no news: the log records
            // the change of state, not each poll.
            let signature = result.as_ref().ok().map(answer_signature);
            if signature.is_none() || signature != self.last_poll {
                self.session.store().append_log(&log).await?;
            }
            self.last_poll = signature;
            let answer = match result {
                Ok(a) => a,
                Err(TransportError::Offline(reason)) => {
                    self.go_offline(reason);
                    return Ok(());
                }
                Err(TransportError::Dropped(reason)) => {
                    tracing::warn!(%reason, "receipt pull failed; will try again");
                    return Ok(());
                }
            };
            if answer.status == 401 {
                self.forget_token();
                return match self.login().await {
                    Ok(()) => {
                        self.pull_requested = true;
                        Ok(())
                    }
                    Err(SyncError::Offline(reason)) => {
                        self.go_offline(reason);
                        Ok(())
                    }
                    Err(e) => Err(e),
                };
            }
            if answer.status != 200 {
                tracing::warn!(
                    status = answer.status,
                    "receipt pull refused; will try again"
                );
                return Ok(());
            }
            // A 200 that is not a receipt page (a captive portal's HTML, a
            // proxy's error) is the network's fault, not a reason to stop
            // syncing: the answer is in the log, the pull is tried again.
            let page = match client::parse_receipts(&answer) {
                Ok(page) => page,
                Err(reason) => {
                    tracing::warn!(%reason, "unreadable receipt page; will try again");
                    return Ok(());
                }
            };
            let receipts: Vec<NewReceipt> = page.receipts.iter().map(new_receipt).collect();
            let stored = self
                .session
                .store()
                .store_receipts(&key, &receipts, &page.next)
                .await?;
            self.receipts_stored(&stored).await?;
            if !page.has_more {
                return Ok(());
            }
        }
    }

    /// Reports newly stored receipts. An `M` among them already noted its
    /// conflict check in the same transaction; the turn reads it back.
    pub(super) async fn receipts_stored(
        &mut self,
        stored: &[StoredReceipt],
    ) -> Result<(), SyncError> {
        for r in stored {
            (self.sink)(&SyncEvent::Receipt {
                client_seq_no: r.receipt.client_seq_no.clone(),
                draft_id: r.draft_id(),
                seq_no: r.receipt.seq_no.clone(),
                code: r.receipt.code.clone(),
            });
        }
        Ok(())
    }

    /// Brings home the certificates review approved (`COO-A` receipts): an
    /// application is approved in the store only with its certificate, and
    /// no editor needs to be open for that. A fetch that fails is tried
    /// again next turn (the receipt that asks for it stays stored).
    pub(super) async fn fetch_approved_certificates(&mut self) -> Result<(), SyncError> {
        if !self.has_server() {
            // Certificates travel only over HTTP: nothing to fetch from.
            return Ok(());
        }
        for id in self.session.store().origins_awaiting_certificate().await? {
            let Some(token) = self.token.clone().filter(|_| self.online) else {
                return Ok(());
            };
            // Certificates travel over the HTTP API whatever the transport.
            match crate::origin::refresh_application(
                self.session.client(),
                self.session.store(),
                &token,
                id,
            )
            .await
            {
                Ok(r) => {
                    tracing::debug!(%id, status = r.meta.status.as_str(), "origin application refreshed")
                }
                Err(SyncError::Offline(reason)) => {
                    self.go_offline(reason);
                }
                Err(SyncError::NotLoggedIn(_)) => {
                    // Logged in again at the next turn.
                    self.forget_token();
                }
                Err(e) => {
                    tracing::warn!(%id, error = %e, "certificate not fetched; will try again")
                }
            }
        }
        Ok(())
    }
}

/// What identifies an answer for "the same as last time": status and body.
fn answer_signature(answer: &client::Answer) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    answer.status.hash(&mut h);
    answer.body.hash(&mut h);
    h.finish()
}

pub(super) fn new_receipt(r: &Receipt) -> NewReceipt {
    NewReceipt {
        server_id: r.cursor.clone(),
        client_seq_no: r.client_seq_no.clone(),
        seq_no: r.seq_no.clone(),
        entry_id: r.entry_id.clone(),
        code: r.code.as_str().to_owned(),
        message_zh: r.message_zh.clone(),
        message_en: r.message_en.clone(),
        reasons: serde_json::to_string(&r.reasons).unwrap_or_else(|_| "[]".to_owned()),
        issued_at: r.issued_at,
    }
}
