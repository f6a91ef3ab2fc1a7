//! A draft as the local store keeps it: its lifecycle status and the facts a
//! list or a history shows without opening the document.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::declaration::IeFlag;
use crate::problem::{Problem, Severity};

/// Where a draft stands (状态). Later states are set by filing and receipts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DraftStatus {
    /// 草稿: has errors that block declaring.
    Draft,
    /// 可申报: passes every declare rule.
    Ready,
    /// 待发送: filed; waiting in the outbox to reach the Single Window.
    Queued,
    /// 已发送: the Single Window took the filing; no receipt applied yet.
    Sent,
    /// 已入库: accepted into the customs database (`L`, two-step `SpL`).
    Accepted,
    /// 已审结: cleared review (`G`, two-step `SpJ`).
    Cleared,
    /// 已放行: released (`P`; two-step `SpK`, goods may leave the port).
    Released,
    /// 已结关: closed (`R`).
    Closed,
    /// 退单: rejected (`E`, `SpE`) or refused for good by the server (a
    /// permanent 4xx); the reasons are on the receipt or the outbox entry.
    Rejected,
}

impl DraftStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DraftStatus::Draft => "draft",
            DraftStatus::Ready => "ready",
            DraftStatus::Queued => "queued",
            DraftStatus::Sent => "sent",
            DraftStatus::Accepted => "accepted",
            DraftStatus::Cleared => "cleared",
            DraftStatus::Released => "released",
            DraftStatus::Closed => "closed",
            DraftStatus::Rejected => "rejected",
        }
    }

    /// Every status, in lifecycle order.
    pub const ALL: [DraftStatus; 9] = [
        DraftStatus::Draft,
        DraftStatus::Ready,
        DraftStatus::Queued,
        DraftStatus::Sent,
        DraftStatus::Accepted,
        DraftStatus::Cleared,
        DraftStatus::Released,
        DraftStatus::Closed,
        DraftStatus::Rejected,
    ];

    /// The status a Single Window receipt code (`L`, `SpK` …) puts a filed
    /// draft in; `None` for a code this version does not know.
    pub fn from_receipt_code(code: &str) -> Option<Self> {
        Some(match code {
            "L" | "SpL" => DraftStatus::Accepted,
            "G" | "SpJ" => DraftStatus::Cleared,
            "P" | "SpK" => DraftStatus::Released,
            "R" => DraftStatus::Closed,
            "E" | "SpE" => DraftStatus::Rejected,
            _ => return None,
        })
    }

    /// Whether customs has accepted the declaration (受理, receipt `L`) or
    /// moved it further: what the goods library learns from.
    pub fn is_accepted(self) -> bool {
        matches!(
            self,
            DraftStatus::Accepted
                | DraftStatus::Cleared
                | DraftStatus::Released
                | DraftStatus::Closed
        )
    }

    /// Whether the draft has been filed (it is in the outbox or beyond).
    pub fn is_filed(self) -> bool {
        !matches!(self, DraftStatus::Draft | DraftStatus::Ready)
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(DraftStatus::Draft),
            "ready" => Some(DraftStatus::Ready),
            "queued" => Some(DraftStatus::Queued),
            "sent" => Some(DraftStatus::Sent),
            "accepted" => Some(DraftStatus::Accepted),
            "cleared" => Some(DraftStatus::Cleared),
            "released" => Some(DraftStatus::Released),
            "closed" => Some(DraftStatus::Closed),
            "rejected" => Some(DraftStatus::Rejected),
            _ => None,
        }
    }
}

/// What one save records beside the document: the result of validating it
/// for declaring, and why it was saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveInfo {
    pub status: DraftStatus,
    pub error_count: u32,
    pub warning_count: u32,
    /// Why this revision exists: `created`, `autosave`, `save`, `import`, `restore r3`.
    pub note: String,
}

impl SaveInfo {
    /// Summarises the problems found when validating for declaring.
    pub fn from_problems(problems: &[Problem], note: impl Into<String>) -> Self {
        let error_count = problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count() as u32;
        let warning_count = problems.len() as u32 - error_count;
        SaveInfo {
            status: if error_count == 0 {
                DraftStatus::Ready
            } else {
                DraftStatus::Draft
            },
            error_count,
            warning_count,
            note: note.into(),
        }
    }
}

/// A draft in a list: enough to show a row without loading the document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DraftMeta {
    #[ts(type = "string")]
    pub id: Uuid,
    pub client_seq_no: String,
    pub ie_flag: IeFlag,
    pub title: String,
    pub status: DraftStatus,
    /// Number of the current revision (1 for a new draft).
    pub revision: i64,
    pub error_count: u32,
    pub warning_count: u32,
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
    #[ts(type = "string")]
    pub updated_at: DateTime<Utc>,
    /// Set while the draft is in the trash (回收站).
    #[ts(type = "string | null")]
    pub trashed_at: Option<DateTime<Utc>>,
}

/// One entry of a draft's history (修订历史).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RevisionMeta {
    pub revision: i64,
    #[ts(type = "string")]
    pub saved_at: DateTime<Utc>,
    pub status: DraftStatus,
    pub error_count: u32,
    pub warning_count: u32,
    pub note: String,
}

/// A page of the drafts list: filter, full-text search, paging.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct DraftQuery {
    /// Full-text search over names, codes, consignee, bill of lading.
    pub text: Option<String>,
    pub status: Option<DraftStatus>,
    pub ie_flag: Option<IeFlag>,
    /// List the trash instead of the live drafts.
    pub trashed: bool,
    pub offset: u32,
    /// 0 means the default page size (50).
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DraftPage {
    pub items: Vec<DraftMeta>,
    /// Matching drafts in all pages.
    pub total: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `as_str`/`parse` agree with each other and with serde's wire form.
    #[test]
    fn status_strings_round_trip() {
        for s in DraftStatus::ALL {
            assert_eq!(DraftStatus::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::Value::String(s.as_str().to_owned())
            );
        }
        assert!(DraftStatus::Queued.is_filed());
        assert!(!DraftStatus::Ready.is_filed());
    }
}
