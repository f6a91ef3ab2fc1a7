//! Where a certificate-of-origin application stands (申请状态), and what
//! the Single Window's receipts say of it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where an application stands: local states until it is filed, then the
/// meaning of the server's latest answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// 草稿: the precheck finds errors.
    Draft,
    /// 可申报: passes the smart-review precheck.
    Ready,
    /// 待发送: filed, waiting in the outbox.
    Queued,
    /// 已发送: the Single Window has it; review not known yet.
    Sent,
    /// 已受理 (`COO-L`): smart review pending.
    Accepted,
    /// 人工审核 (`COO-M`).
    ManualReview,
    /// 签证通过 (`COO-A`): the certificate is issued and stored.
    Approved,
    /// 退回 (`COO-E`) or refused for good by the server.
    Rejected,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 8] = [
        ApplicationStatus::Draft,
        ApplicationStatus::Ready,
        ApplicationStatus::Queued,
        ApplicationStatus::Sent,
        ApplicationStatus::Accepted,
        ApplicationStatus::ManualReview,
        ApplicationStatus::Approved,
        ApplicationStatus::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Draft => "draft",
            ApplicationStatus::Ready => "ready",
            ApplicationStatus::Queued => "queued",
            ApplicationStatus::Sent => "sent",
            ApplicationStatus::Accepted => "accepted",
            ApplicationStatus::ManualReview => "manual_review",
            ApplicationStatus::Approved => "approved",
            ApplicationStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The status a receipt's code gives. `COO-A` gives none: an application
    /// is approved only once its certificate is stored with it, which the
    /// sync worker fetches when that receipt arrives.
    pub fn from_receipt_code(code: &str) -> Option<Self> {
        Some(match code {
            "COO-L" => ApplicationStatus::Accepted,
            "COO-M" => ApplicationStatus::ManualReview,
            "COO-E" => ApplicationStatus::Rejected,
            _ => return None,
        })
    }

    /// Whether the clerk may still change the application: before filing,
    /// and after a rejection (it is then filed again under the same number).
    pub fn is_editable(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Draft | ApplicationStatus::Ready | ApplicationStatus::Rejected
        )
    }

    /// Filed and not yet decided: the server's review may still change it.
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Queued
                | ApplicationStatus::Sent
                | ApplicationStatus::Accepted
                | ApplicationStatus::ManualReview
        )
    }

    /// The status of a save by its precheck: ready without errors.
    pub fn of_precheck(error_count: u32) -> Self {
        if error_count == 0 {
            ApplicationStatus::Ready
        } else {
            ApplicationStatus::Draft
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_and_receipts_map_as_review_says() {
        for s in ApplicationStatus::ALL {
            assert_eq!(ApplicationStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(
            ApplicationStatus::from_receipt_code("COO-L"),
            Some(ApplicationStatus::Accepted)
        );
        assert_eq!(
            ApplicationStatus::from_receipt_code("COO-E"),
            Some(ApplicationStatus::Rejected)
        );
        // Approval waits for the certificate.
        assert_eq!(ApplicationStatus::from_receipt_code("COO-A"), None);
        assert_eq!(ApplicationStatus::from_receipt_code("P"), None);
        assert!(ApplicationStatus::Accepted.is_pending());
        assert!(!ApplicationStatus::Approved.is_pending());
        assert!(ApplicationStatus::Rejected.is_editable());
    }
}
