//! Filing flows after the first declaration, for the shell and the CLI:
//! completing a two-step declaration (完整申报) and its 14-day deadline,
//! amendments (修撤单), and conflicts with the server's version.
//!
//! Each write goes through the outbox exactly like a declaration (a new
//! revision and an entry with a fresh idempotency key in one transaction);
//! the sync worker delivers it.

use chrono::{DateTime, Duration, Utc};
use portdesk_api::{apply_changes, AmendmentReason, AmendmentRequest, FieldChange};
use portdesk_domain::{Declaration, Purpose, SaveInfo};
use portdesk_store::{AmendRequest, Conflict, FileRequest, Filed, Resolution, StoreError};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::{DraftError, DraftView, Drafts, DECLARATIONS_PATH};

/// Days between the summary's acceptance (`SpL`) and the latest complete
/// declaration; the Single Window refuses later ones (`SW-TWO-STEP-14D`).
pub const TWO_STEP_WINDOW_DAYS: i64 = 14;
/// From this many days left on, the deadline is shown as a reminder
/// (our choice: three working days' notice is what a broker needs to
/// gather the complete data).
pub const REMINDER_DAYS: i64 = 3;

/// `POST` path of the complete declaration of filing `seq_no`.
pub fn complete_path(seq_no: &str) -> String {
    format!("{DECLARATIONS_PATH}/{seq_no}/complete")
}

/// `POST` path of the amendments of filing `seq_no`.
pub fn amendments_path(seq_no: &str) -> String {
    format!("{DECLARATIONS_PATH}/{seq_no}/amendments")
}

/// Where the two-step deadline stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    /// More than [`REMINDER_DAYS`] left.
    Open,
    /// [`REMINDER_DAYS`] or fewer left: remind the clerk.
    Reminder,
    /// The window has closed; the server will refuse the complete declaration.
    Overdue,
    /// The complete declaration has been delivered.
    Completed,
}

/// The 14-day window of a two-step declaration (两步申报完整申报期限).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FilingDeadline {
    /// When the summary was accepted (its `SpL` receipt).
    #[ts(type = "string")]
    pub summary_accepted_at: DateTime<Utc>,
    /// The last instant the complete declaration is accepted.
    #[ts(type = "string")]
    pub deadline: DateTime<Utc>,
    /// Days left, counting a started day as a whole one; 0 once overdue.
    pub days_left: i64,
    pub state: DeadlineState,
    /// Whether the summary has been released (`SpK`), so it can be completed now.
    pub can_complete: bool,
}

/// The deadline of a summary accepted at `accepted_at`, seen at `now`.
pub fn two_step_deadline(accepted_at: DateTime<Utc>, now: DateTime<Utc>) -> FilingDeadline {
    let deadline = accepted_at + Duration::days(TWO_STEP_WINDOW_DAYS);
    let left = deadline - now;
    let day_ms = Duration::days(1).num_milliseconds();
    let left_ms = left.num_milliseconds();
    let days_left = if left_ms <= 0 {
        0
    } else {
        (left_ms + day_ms - 1) / day_ms
    };
    let state = if left_ms < 0 {
        DeadlineState::Overdue
    } else if left <= Duration::days(REMINDER_DAYS) {
        DeadlineState::Reminder
    } else {
        DeadlineState::Open
    };
    FilingDeadline {
        summary_accepted_at: accepted_at,
        deadline,
        days_left,
        state,
        can_complete: false,
    }
}

/// One field that differs between the local and the server's version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldDifference {
    /// Dot path in the interchange form, e.g. `head.conveyance_name`.
    pub field: String,
    /// `null` when the field is absent on that side.
    pub local: Option<String>,
    pub server: Option<String>,
}

/// An open conflict: both versions and what differs.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ConflictView {
    pub id: i64,
    #[ts(type = "string")]
    pub draft_id: Uuid,
    pub seq_no: String,
    /// The local revision the server's version diverged from.
    pub base_revision: i64,
    #[ts(type = "string")]
    pub detected_at: DateTime<Utc>,
    /// The draft's current document.
    pub local: Declaration,
    pub server: Declaration,
    pub differences: Vec<FieldDifference>,
}

/// The clerk's choice for a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConflictChoice {
    /// Take the server's version (a new revision, note `server`).
    Server,
    /// Keep the local version; the server's stays on record.
    Mine,
}

/// An amendment as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AmendmentView {
    pub amendment_id: String,
    pub seq_no: String,
    pub reason: String,
    pub changes: Vec<AmendmentChange>,
    pub note: String,
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
    /// Outbox state: queued, sending, retry_wait, done, failed.
    pub state: String,
    /// `true`: tolerated, 不记录差错 / no error recorded; `null` until answered.
    pub no_error_recorded: Option<bool>,
}

/// One field change of an amendment (the wire's `FieldChange`, for the UI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AmendmentChange {
    pub field: String,
    pub value: String,
}

impl Drafts {
    /// The two-step deadline of a draft whose summary was accepted; `None`
    /// for other drafts.
    pub async fn filing_deadline(&self, id: Uuid) -> Result<Option<FilingDeadline>, DraftError> {
        let (meta, _) = self.store().get_declaration(id).await?;
        let Some(accepted) = self
            .store()
            .summary_accepted_at(&meta.client_seq_no)
            .await?
        else {
            return Ok(None);
        };
        let mut d = two_step_deadline(accepted, Utc::now());
        let delivered = self.store().last_delivered(id).await?;
        if delivered.is_some_and(|e| e.path.ends_with("/complete")) {
            d.state = DeadlineState::Completed;
        }
        d.can_complete = d.state != DeadlineState::Completed
            && self
                .latest_receipt_code(&meta.client_seq_no)
                .await?
                .as_deref()
                == Some("SpK");
        Ok(Some(d))
    }

    async fn latest_receipt_code(&self, client_seq_no: &str) -> Result<Option<String>, DraftError> {
        Ok(self
            .store()
            .receipts_for(client_seq_no)
            .await?
            .into_iter()
            .rfind(|r| r.receipt.code != "M")
            .map(|r| r.receipt.code))
    }

    /// Files the complete declaration (完整申报) of a two-step draft whose
    /// summary was released (`SpK`): the draft's document with the mode set
    /// to `two_step_complete` (and the document type's mode digit to `6`)
    /// becomes a new revision, and `POST /v1/declarations/{seq_no}/complete`
    /// goes to the outbox with the same client document id. Refused with
    /// `not_released` before `SpK`, `not_ready` when rules fail.
    pub async fn complete(&self, id: Uuid) -> Result<Filed, DraftError> {
        let (meta, declaration) = self.store().get_declaration(id).await?;
        let released = self
            .latest_receipt_code(&meta.client_seq_no)
            .await?
            .as_deref()
            == Some("SpK");
        let delivered = self.store().last_delivered(id).await?;
        let Some(delivered) = delivered.filter(|_| released) else {
            return Err(DraftError::NotReleased { id });
        };
        let declaration = declaration.into_two_step_complete();
        // The complete declaration carries the draft's tax choice too (the
        // server checks it again), refused offline like a first filing.
        let (info, body) = self.submission(id, &declaration, "complete").await?;
        let path = complete_path(&delivered.seq_no);
        let filed = self
            .store()
            .file_declarations(&[FileRequest {
                draft_id: id,
                declaration: &declaration,
                info,
                method: "POST",
                path: &path,
                body,
            }])
            .await?;
        Ok(filed.into_iter().next().expect("one request, one filing"))
    }

    /// Files an amendment (修撤单) of a delivered filing: the changes are
    /// applied to the draft (a new revision, note `amend`, status kept) and
    /// `POST /v1/declarations/{seq_no}/amendments` goes to the outbox with a
    /// fresh amendment id. A change naming no field is refused with
    /// `invalid_input` and that field; a draft never delivered with `not_filed`.
    pub async fn amend(
        &self,
        id: Uuid,
        reason: AmendmentReason,
        changes: Vec<FieldChange>,
        note: &str,
    ) -> Result<Filed, DraftError> {
        let (_, current) = self.store().get_declaration(id).await?;
        let delivered = self
            .store()
            .last_delivered(id)
            .await?
            .ok_or(DraftError::NotFiled { id })?;
        if changes.is_empty() {
            return Err(DraftError::Invalid {
                field: "changes".into(),
                message: "an amendment changes at least one field".into(),
            });
        }
        let amended = apply_changes(&current, &changes).map_err(|e| DraftError::Invalid {
            field: e.field,
            message: e.message,
        })?;
        let problems = self.validate(&amended, Purpose::Declare);
        let info = SaveInfo::from_problems(&problems, "amend");
        let amendment_id = Uuid::now_v7().simple().to_string();
        let request = AmendmentRequest {
            client_seq_no: amendment_id.clone(),
            reason,
            changes,
            note: note.to_owned(),
        };
        let body = serde_json::to_vec(&request).map_err(StoreError::from)?;
        let changes_json = serde_json::to_string(&request.changes).map_err(StoreError::from)?;
        let path = amendments_path(&delivered.seq_no);
        Ok(self
            .store()
            .amend_declaration(&AmendRequest {
                file: FileRequest {
                    draft_id: id,
                    declaration: &amended,
                    info,
                    method: "POST",
                    path: &path,
                    body,
                },
                amendment_id: &amendment_id,
                seq_no: &delivered.seq_no,
                reason: reason.as_str(),
                changes: &changes_json,
                note,
            })
            .await?)
    }

    /// The amendments of a draft, oldest first.
    pub async fn amendments(&self, id: Uuid) -> Result<Vec<AmendmentView>, DraftError> {
        self.store()
            .amendments_for(id)
            .await?
            .into_iter()
            .map(|a| {
                let changes: Vec<FieldChange> =
                    serde_json::from_str(&a.changes).map_err(StoreError::from)?;
                Ok(AmendmentView {
                    amendment_id: a.amendment_id,
                    seq_no: a.seq_no,
                    reason: a.reason,
                    changes: changes
                        .into_iter()
                        .map(|c| AmendmentChange {
                            field: c.field,
                            value: c.value,
                        })
                        .collect(),
                    note: a.note,
                    created_at: a.created_at,
                    state: a.state.as_str().to_owned(),
                    no_error_recorded: a.no_error_recorded,
                })
            })
            .collect()
    }

    /// Open conflicts of a draft with both versions and their differences.
    pub async fn conflicts(&self, id: Uuid) -> Result<Vec<ConflictView>, DraftError> {
        let (_, local) = self.store().get_declaration(id).await?;
        Ok(self
            .store()
            .open_conflicts(id)
            .await?
            .into_iter()
            .map(|c| conflict_view(c, &local))
            .collect())
    }

    /// Resolves a conflict: `server` makes the server's version the current
    /// revision (note `server`), `mine` keeps the draft as it is. Both keep
    /// the server's version on record. Unknown id: `conflict_not_found`.
    pub async fn resolve_conflict(
        &self,
        conflict_id: i64,
        choice: ConflictChoice,
    ) -> Result<DraftView, DraftError> {
        let resolution = match choice {
            ConflictChoice::Server => Resolution::Server,
            ConflictChoice::Mine => Resolution::Mine,
        };
        // The problem counts of the server's version, for its revision.
        let Some(draft_id) = self.store().conflict_draft(conflict_id).await? else {
            return Err(DraftError::ConflictNotFound { id: conflict_id });
        };
        let server = self
            .store()
            .conflicts(draft_id)
            .await?
            .into_iter()
            .find(|c| c.id == conflict_id)
            .map(|c| c.server);
        let problems = server
            .as_ref()
            .map(|s| self.validate(s, Purpose::Declare))
            .unwrap_or_default();
        let info = SaveInfo::from_problems(&problems, "server");
        self.store()
            .resolve_conflict(conflict_id, resolution, &info)
            .await?
            .ok_or(DraftError::ConflictNotFound { id: conflict_id })?;
        self.get(draft_id).await
    }
}

fn conflict_view(c: Conflict, local: &Declaration) -> ConflictView {
    ConflictView {
        differences: differences(local, &c.server),
        id: c.id,
        draft_id: c.draft_id,
        seq_no: c.seq_no,
        base_revision: c.base_revision,
        detected_at: c.detected_at,
        local: local.clone(),
        server: c.server,
    }
}

/// Field-by-field differences of two declarations, as dot paths in the
/// interchange form, in document order. `extensions` are not compared: the
/// server never holds the message blocks a draft keeps.
pub fn differences(local: &Declaration, server: &Declaration) -> Vec<FieldDifference> {
    declaration_changes(local, server)
        .into_iter()
        .map(|c| FieldDifference {
            field: c.path.join("."),
            local: c.left,
            server: c.right,
        })
        .collect()
}

/// One leaf field whose value differs between two declarations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LeafChange {
    /// The field's path segments in the interchange form
    /// (`["lines", "0", "unit"]`).
    pub(crate) path: Vec<String>,
    /// `None` when the field is absent (or null) on that side.
    pub(crate) left: Option<String>,
    pub(crate) right: Option<String>,
}

/// The one diff engine of declarations (conflicts, templates): every leaf
/// that differs, `left`'s fields in document order, then those only
/// `right` has. `extensions` are left out: they travel with a message, not
/// with the fields a clerk compares.
pub(crate) fn declaration_changes(left: &Declaration, right: &Declaration) -> Vec<LeafChange> {
    let mut a = Vec::new();
    let mut b = Vec::new();
    let fields = |d: &Declaration| {
        let mut v = serde_json::to_value(d).unwrap_or_default();
        if let Some(map) = v.as_object_mut() {
            map.remove("extensions");
        }
        v
    };
    flatten(&mut Vec::new(), &fields(left), &mut a);
    flatten(&mut Vec::new(), &fields(right), &mut b);
    let mut out = Vec::new();
    for (field, value) in &a {
        let other = b.iter().find(|(f, _)| f == field).map(|(_, v)| v.clone());
        if other.as_ref() != Some(value) {
            out.push(LeafChange {
                path: field.clone(),
                left: Some(value.clone()),
                right: other,
            });
        }
    }
    for (field, value) in &b {
        if !a.iter().any(|(f, _)| f == field) {
            out.push(LeafChange {
                path: field.clone(),
                left: None,
                right: Some(value.clone()),
            });
        }
    }
    out
}

fn flatten(prefix: &mut Vec<String>, v: &serde_json::Value, out: &mut Vec<(Vec<String>, String)>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                prefix.push(k.clone());
                flatten(prefix, v, out);
                prefix.pop();
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                prefix.push(i.to_string());
                flatten(prefix, v, out);
                prefix.pop();
            }
        }
        serde_json::Value::String(s) => out.push((prefix.clone(), s.clone())),
        serde_json::Value::Null => {}
        other => out.push((prefix.clone(), other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn deadline_reminds_from_three_days_and_closes_after_fourteen() {
        let accepted = Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap();
        let d = two_step_deadline(accepted, accepted + Duration::days(1));
        assert_eq!(d.deadline, accepted + Duration::days(14));
        assert_eq!((d.days_left, d.state), (13, DeadlineState::Open));
        let d = two_step_deadline(accepted, accepted + Duration::hours(11 * 24 - 1));
        assert_eq!((d.days_left, d.state), (4, DeadlineState::Open));
        let d = two_step_deadline(accepted, accepted + Duration::days(11));
        assert_eq!((d.days_left, d.state), (3, DeadlineState::Reminder));
        let d = two_step_deadline(accepted, accepted + Duration::hours(13 * 24 + 12));
        assert_eq!((d.days_left, d.state), (1, DeadlineState::Reminder));
        let d = two_step_deadline(accepted, accepted + Duration::days(14));
        assert_eq!((d.days_left, d.state), (0, DeadlineState::Reminder));
        let d = two_step_deadline(accepted, accepted + Duration::days(15));
        assert_eq!((d.days_left, d.state), (0, DeadlineState::Overdue));
    }

    #[test]
    fn differences_name_each_changed_field() {
        let local = Declaration::new("PD0000000000000001".into(), portdesk_domain::IeFlag::I);
        let mut server = local.clone();
        server.head.conveyance_name = "COSCO TIANJIN".into();
        server.advance = true;
        let d = differences(&local, &server);
        let fields: Vec<&str> = d.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(fields, ["advance", "head.conveyance_name"], "{d:?}");
        assert_eq!(d[1].server.as_deref(), Some("COSCO TIANJIN"));
        assert!(differences(&local, &local).is_empty());
    }
}
