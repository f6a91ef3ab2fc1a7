//! Review (审核): the background task that issues the receipts after a
//! write, one step every `review_pace_ms`.
//!
//! The schedule lives in the `review_jobs` table, so a review pending when
//! the server stops resumes when it starts again. Paths:
//! - one-step (and the complete step of a two-step declaration):
//!   `L` (issued by the write) → `G` → `P` → `R`, or `L` → `E`;
//! - two-step summary: `SpL` (by the write) → `SpJ` → `SpK`, or `SpL` → `SpE`.
//!
//! Release (`P`) of a summary-tax declaration first reserves its duty
//! estimate on its guarantee ([`crate::guarantees::reserve_on_release`]);
//! when the quota no longer covers it, the filing gets `E`
//! (`TAX-GUARANTEE-QUOTA`) instead of `P`, in the same transaction.
//!
//! Origin applications have their own schedule (`origin_review_jobs`),
//! run by [`crate::origin::run_due`] from the same loop.
//!
//! Deterministic rejection for tests and demos: a declaration whose remarks
//! (`head.remarks`) contain `#REJECT:<field path>` is rejected on review
//! with rule `SW-REVIEW` naming that field (several markers, several reasons).

use std::time::Duration;

use portdesk_api::{FilingStatus, ReceiptCode, RejectionReason};
use portdesk_domain::Declaration;
use sqlx::{Row, SqliteConnection};

use crate::error::ApiError;
use crate::{guarantees, origin, receipts, AppState};

/// Rule id of a rejection decided on review (the `#REJECT:` trigger).
pub const RULE_REVIEW: &str = "SW-REVIEW";
/// The marker in the remarks that triggers it.
pub const REJECT_MARKER: &str = "#REJECT:";

/// Longest the task sleeps without looking: the clock may have been moved.
const MAX_IDLE: Duration = Duration::from_millis(500);

/// The status a receipt puts a filing in.
pub fn status_after(code: ReceiptCode) -> FilingStatus {
    match code {
        ReceiptCode::L => FilingStatus::Accepted,
        ReceiptCode::E | ReceiptCode::SpE => FilingStatus::Rejected,
        ReceiptCode::G => FilingStatus::Cleared,
        ReceiptCode::P => FilingStatus::Released,
        ReceiptCode::R => FilingStatus::Closed,
        ReceiptCode::SpL => FilingStatus::SummaryAccepted,
        ReceiptCode::SpJ => FilingStatus::SummaryCleared,
        ReceiptCode::SpK => FilingStatus::SummaryReleased,
        // Never scheduled: an amendment receipt is issued with the filing's
        // status left as it is (see `declarations::apply_amendment`).
        ReceiptCode::M => FilingStatus::Accepted,
        // Origin applications have their own status; a declaration never
        // gets these codes.
        ReceiptCode::CooE => FilingStatus::Rejected,
        ReceiptCode::CooL | ReceiptCode::CooA | ReceiptCode::CooM => FilingStatus::Accepted,
    }
}

/// The receipt due after `code` for this declaration, if any.
pub fn next_code(code: ReceiptCode, declaration: &Declaration) -> Option<ReceiptCode> {
    let rejected = !review_rejections(declaration).is_empty();
    match code {
        ReceiptCode::L if rejected => Some(ReceiptCode::E),
        ReceiptCode::L => Some(ReceiptCode::G),
        ReceiptCode::G => Some(ReceiptCode::P),
        ReceiptCode::P => Some(ReceiptCode::R),
        ReceiptCode::SpL if rejected => Some(ReceiptCode::SpE),
        ReceiptCode::SpL => Some(ReceiptCode::SpJ),
        ReceiptCode::SpJ => Some(ReceiptCode::SpK),
        // R closes; SpK waits for the complete declaration; E/SpE are final.
        ReceiptCode::R | ReceiptCode::SpK | ReceiptCode::E | ReceiptCode::SpE => None,
        ReceiptCode::M => None,
        ReceiptCode::CooL | ReceiptCode::CooA | ReceiptCode::CooE | ReceiptCode::CooM => None,
    }
}

/// The reasons the `#REJECT:<field>` markers in the remarks ask for.
pub fn review_rejections(declaration: &Declaration) -> Vec<RejectionReason> {
    let remarks = &declaration.head.remarks;
    remarks
        .match_indices(REJECT_MARKER)
        .map(|(at, _)| {
            let rest = &remarks[at + REJECT_MARKER.len()..];
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '#' | ',' | ';' | '，' | '；'))
                .unwrap_or(rest.len());
            let field = if end == 0 { "head" } else { &rest[..end] };
            RejectionReason {
                rule: RULE_REVIEW.into(),
                field: field.into(),
                message_zh: format!("审核退单：{field} 与查验/单证不符，请核实后重新申报"),
                message_en: format!(
                    "Rejected on review: {field} does not match the documents; check it and declare again"
                ),
            }
        })
        .collect()
}

/// Schedules `code` for a filing, due one pace from now.
pub async fn schedule(
    conn: &mut SqliteConnection,
    state: &AppState,
    filing_id: i64,
    code: ReceiptCode,
) -> Result<(), sqlx::Error> {
    let pace = state.faults.settings().review_pace_ms as i64;
    sqlx::query("INSERT INTO review_jobs (filing_id, code, due_at) VALUES (?, ?, ?)")
        .bind(filing_id)
        .bind(code.as_str())
        .bind(state.clock.now_ms() + pace)
        .execute(conn)
        .await?;
    Ok(())
}

/// Runs the review schedule (declarations and origin applications) for ever.
pub async fn run(state: AppState) {
    loop {
        let due = match (run_due(&state).await, origin::run_due(&state).await) {
            (Ok(a), Ok(b)) => Ok(match (a, b) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }),
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        let wait = match due {
            Ok(Some(next_due)) => {
                Duration::from_millis((next_due - state.clock.now_ms()).max(0) as u64).min(MAX_IDLE)
            }
            Ok(None) => MAX_IDLE,
            Err(e) => {
                tracing::error!(error = %e, "review step failed");
                MAX_IDLE
            }
        };
        if wait.is_zero() {
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = state.review_wakeup.notified() => {}
        }
    }
}

/// Processes every job that is due; returns when the next one falls due.
async fn run_due(state: &AppState) -> Result<Option<i64>, ApiError> {
    loop {
        let now = state.clock.now_ms();
        let mut tx = state.db.begin().await?;
        let job = sqlx::query(
            "SELECT id, filing_id, code FROM review_jobs
             WHERE done = 0 AND due_at <= ? ORDER BY due_at, id LIMIT 1",
        )
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(job) = job else {
            let next: Option<i64> =
                sqlx::query_scalar("SELECT MIN(due_at) FROM review_jobs WHERE done = 0")
                    .fetch_one(&mut *tx)
                    .await?;
            return Ok(next);
        };
        let (job_id, filing_id, code): (i64, i64, String) = (job.get(0), job.get(1), job.get(2));
        sqlx::query("UPDATE review_jobs SET done = 1 WHERE id = ?")
            .bind(job_id)
            .execute(&mut *tx)
            .await?;
        let code = ReceiptCode::parse(&code)
            .ok_or_else(|| ApiError::Corrupt(format!("review job code {code}")))?;
        let row =
            sqlx::query("SELECT enterprise_id, status, declaration FROM filings WHERE id = ?")
                .bind(filing_id)
                .fetch_one(&mut *tx)
                .await?;
        let status: String = row.get(1);
        // A rejected filing gets no further receipts from an older schedule.
        if status != FilingStatus::Rejected.as_str() {
            let declaration: Declaration = serde_json::from_str(row.get::<&str, _>(2))?;
            let (code, reasons) = match code {
                ReceiptCode::E | ReceiptCode::SpE => (code, review_rejections(&declaration)),
                ReceiptCode::P => match guarantees::reserve_on_release(&mut tx, filing_id).await? {
                    None => (code, Vec::new()),
                    Some(quota) => (ReceiptCode::E, vec![quota]),
                },
                _ => (code, Vec::new()),
            };
            receipts::issue(&mut tx, state, row.get(0), filing_id, code, &reasons, now).await?;
            sqlx::query("UPDATE filings SET status = ? WHERE id = ?")
                .bind(status_after(code).as_str())
                .bind(filing_id)
                .execute(&mut *tx)
                .await?;
            if let Some(next) = next_code(code, &declaration) {
                schedule(&mut tx, state, filing_id, next).await?;
            }
        }
        tx.commit().await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portdesk_domain::IeFlag;

    #[test]
    fn reject_markers_name_their_fields() {
        let mut d = Declaration::new("PD0000000000000001".into(), IeFlag::I);
        d.head.remarks = "see #REJECT:head.bill_no, also #REJECT:lines[0].name".into();
        let r = review_rejections(&d);
        let fields: Vec<_> = r.iter().map(|r| r.field.as_str()).collect();
        assert_eq!(fields, ["head.bill_no", "lines[0].name"]);
        assert!(r.iter().all(|r| r.rule == RULE_REVIEW));
        assert_eq!(next_code(ReceiptCode::L, &d), Some(ReceiptCode::E));
        d.head.remarks.clear();
        assert_eq!(next_code(ReceiptCode::L, &d), Some(ReceiptCode::G));
        assert_eq!(next_code(ReceiptCode::SpJ, &d), Some(ReceiptCode::SpK));
        assert_eq!(next_code(ReceiptCode::SpK, &d), None);
    }
}
