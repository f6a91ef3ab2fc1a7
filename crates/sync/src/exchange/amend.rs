//! Amendments (修撤单) through the folders: an amendment entry's
//! modification message (`DecModMessage`) and the answer the worker records
//! once the client imported it. The store is read here, before the file
//! logic (`deliver.rs`) runs; [`modification`] itself is pure.
//!
//! The message says what the server did with the amendment over HTTP:
//! the entry's changes applied to the declaration as last delivered before
//! the entry (what the server holds), not the entry's revision, which may
//! carry edits of the draft never filed.

use std::sync::OnceLock;

use chrono::Utc;
use portdesk_api::{apply_changes, AmendmentAnswer, AmendmentRequest};
use portdesk_domain::{CodeLists, Declaration, FilingMode};
use portdesk_message::modification::{
    modification_from_amendment, write_modification, ModificationRequest, ModificationWriteOptions,
};
use portdesk_message::{Declarant, MessageError, OperType};
use portdesk_store::{OutboxEntry, Store};

use super::deliver::{Outgoing, Unwritable};
use crate::client::TransportError;

/// The code lists for the items' `OldName`/`NewName`: the bundled ones,
/// made once (names only; the validation uses the app's lists).
fn lists() -> &'static CodeLists {
    static LISTS: OnceLock<CodeLists> = OnceLock::new();
    LISTS.get_or_init(CodeLists::bundled)
}

/// What amendment entry `entry` of filing `seq_no` writes and answers.
/// A store that cannot be read is a dropped attempt (tried again with
/// backoff); what the message cannot carry is [`Outgoing::Unwritable`].
pub(crate) async fn prepare(
    store: &Store,
    declarant: Declarant,
    entry: &OutboxEntry,
    seq_no: &str,
) -> Result<Outgoing, TransportError> {
    let dropped = |e: portdesk_store::StoreError| {
        TransportError::Dropped(format!("reading the amendment's declaration: {e}"))
    };
    let request: AmendmentRequest = match serde_json::from_slice(&entry.body) {
        Ok(r) => r,
        Err(e) => {
            return Ok(Outgoing::Unwritable(Unwritable {
                field: String::new(),
                message: format!("outbox entry {} is no amendment: {e}", entry.seq),
            }))
        }
    };
    let Some(delivered) = store
        .delivered_before(entry.document_id, entry.seq)
        .await
        .map_err(dropped)?
    else {
        return Ok(Outgoing::Unwritable(Unwritable {
            field: "entry_id".into(),
            message: format!(
                "declaration {} was never delivered before this amendment",
                entry.client_seq_no
            ),
        }));
    };
    let original = store
        .revision(entry.document_id, delivered.revision)
        .await
        .map_err(dropped)?;
    // The customs no. from the filing's receipts, once customs gave one.
    let entry_id = store
        .receipts_for(&entry.client_seq_no)
        .await
        .map_err(dropped)?
        .into_iter()
        .rev()
        .find_map(|r| r.receipt.entry_id.filter(|e| !e.trim().is_empty()))
        .unwrap_or_default();
    Ok(modification(
        &original, &request, seq_no, &entry_id, declarant,
    ))
}

/// The modification message of `request` on `original` and the answer its
/// import gets; see the module docs.
pub(crate) fn modification(
    original: &Declaration,
    request: &AmendmentRequest,
    seq_no: &str,
    entry_id: &str,
    declarant: Declarant,
) -> Outgoing {
    let message = apply_changes(original, &request.changes)
        .map_err(|e| Unwritable {
            field: e.field,
            message: e.message,
        })
        .and_then(|amended| {
            let req = ModificationRequest {
                dec_seq_no: seq_no.to_owned(),
                entry_id: entry_id.to_owned(),
                reason: request.reason.as_str().to_owned(),
                note: request.note.clone(),
                oper_type: OperType::C,
                declarant,
                phone: String::new(),
            };
            modification_from_amendment(original, &amended, &req, lists())
                .and_then(|m| write_modification(&m, &ModificationWriteOptions::default()))
                .map_err(|e| match e {
                    MessageError::Unwritable { field, reason } => Unwritable {
                        message: format!(
                            "修撤单报文无法表达此修改 / the modification message cannot carry this change: {field}: {reason}"
                        ),
                        field,
                    },
                    other => Unwritable {
                        field: String::new(),
                        message: other.to_string(),
                    },
                })
        });
    let two_step = original.filing_mode != FilingMode::OneStep;
    let tolerated = request.reason.tolerated_on(original.advance, two_step);
    Outgoing::Amendment {
        message,
        answer: Box::new(AmendmentAnswer {
            // The client's import response numbers nothing of ours.
            amendment_id: 0,
            client_seq_no: request.client_seq_no.clone(),
            seq_no: seq_no.to_owned(),
            reason: request.reason,
            changes: request.changes.clone(),
            no_error_recorded: tolerated,
            error_recorded: !tolerated,
            // Not known on this side of the folders.
            errors_recorded_total: 0,
            created_at: Utc::now(),
        }),
    }
}
