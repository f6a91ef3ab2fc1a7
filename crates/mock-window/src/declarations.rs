//! Declarations (报关单申报): one-step, advance and two-step filing, the
//! complete step, amendments, and reading filings back.
//!
//! Validation is the domain crate's (`validate_declaration` with
//! `Purpose::Declare`, same rule ids as the client) plus server-only rules
//! the client cannot know (`SW-…`). A declaration that fails them is still
//! stored and numbered, with an `E` receipt carrying the reasons, as the
//! real Single Window does; one that passes is accepted at once (`L` or
//! `SpL`, customs no. assigned) and reviewed afterwards by [`crate::review`].
//!
//! A submission may carry a tax-payment choice (`tax_payment`): it is
//! checked with the domain's `check_tax_choice` by [`crate::guarantees`]
//! and its errors (`TAX-…`) join the other reasons of an `E` receipt. A
//! summary-tax filing reserves its duty estimate on the guarantee at
//! release (`P`) and gives it back on payment.
//!
//! One client document id (ClientSeqNo) is one filing per enterprise, ever:
//! submitting it again returns the existing filing. The one exception is a
//! rejected filing submitted again with changes: that re-declares the same
//! filing (same unified no.) instead of making a second one.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use portdesk_api::{
    apply_changes, error_code, AmendmentAnswer, AmendmentReason, AmendmentRequest, ErrorBody,
    FieldChange, FilingAnswer, FilingList, FilingStatus, FilingView, ReceiptCode, RejectionReason,
    SubmitDeclaration, TaxPaymentChoice,
};
use portdesk_domain::{validate_declaration, Declaration, FilingMode, Purpose};
use rust_decimal::Decimal;
use serde::Deserialize;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{may_declare_for, Tenant};
use crate::clock::to_datetime;
use crate::error::{ApiError, JsonBody};
use crate::guarantees::check_choice;
use crate::ids::{next_entry_id, next_seq_no};
use crate::review::{next_code, schedule, status_after};
use crate::{receipts, AppState};

/// Server-only rule: the consignee must be the caller or a principal of it.
pub const RULE_CONSIGNEE: &str = "SW-CONSIGNEE";
/// Server-only rule: the complete declaration is 14 days late at most.
pub const RULE_TWO_STEP_WINDOW: &str = "SW-TWO-STEP-14D";
/// Server-only rule: the complete declaration must match its summary.
pub const RULE_TWO_STEP_MATCH: &str = "SW-TWO-STEP-MATCH";

/// Days between the summary's acceptance and the latest complete declaration.
pub const TWO_STEP_WINDOW_DAYS: i64 = 14;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(submit, list))
        .routes(routes!(get_one))
        .routes(routes!(complete))
        .routes(routes!(amend))
}

/// A stored filing.
struct Filing {
    id: i64,
    client_seq_no: String,
    seq_no: String,
    entry_id: Option<String>,
    filing_mode: FilingMode,
    advance: bool,
    status: FilingStatus,
    declaration: Declaration,
    guarantee_no: Option<String>,
    created_at: i64,
    summary_accepted_at: Option<i64>,
    completed_at: Option<i64>,
    tax_payment: Option<TaxPaymentChoice>,
    duty_estimate: Option<Decimal>,
    quota_reserved: Option<Decimal>,
    paid_at: Option<i64>,
}

const FILING_COLUMNS: &str = "id, client_seq_no, seq_no, entry_id, filing_mode, advance, status,
     declaration, guarantee_no, created_at, summary_accepted_at, completed_at, tax_payment,
     duty_estimate, quota_reserved, paid_at";

fn opt_decimal(s: Option<String>) -> Result<Option<Decimal>, ApiError> {
    s.map(|s| {
        s.parse::<Decimal>()
            .map_err(|_| ApiError::Corrupt(format!("decimal {s}")))
    })
    .transpose()
}

fn mode_str(m: FilingMode) -> &'static str {
    match m {
        FilingMode::OneStep => "one_step",
        FilingMode::TwoStepSummary => "two_step_summary",
        FilingMode::TwoStepComplete => "two_step_complete",
    }
}

fn parse_mode(s: &str) -> Option<FilingMode> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

fn filing_from_row(row: &SqliteRow) -> Result<Filing, ApiError> {
    let mode: String = row.get(4);
    let status: String = row.get(6);
    Ok(Filing {
        id: row.get(0),
        client_seq_no: row.get(1),
        seq_no: row.get(2),
        entry_id: row.get(3),
        filing_mode: parse_mode(&mode).ok_or_else(|| ApiError::Corrupt(format!("mode {mode}")))?,
        advance: row.get::<i64, _>(5) != 0,
        status: FilingStatus::parse(&status)
            .ok_or_else(|| ApiError::Corrupt(format!("status {status}")))?,
        declaration: serde_json::from_str(row.get::<&str, _>(7))?,
        guarantee_no: row.get(8),
        created_at: row.get(9),
        summary_accepted_at: row.get(10),
        completed_at: row.get(11),
        tax_payment: row
            .get::<Option<&str>, _>(12)
            .map(serde_json::from_str)
            .transpose()?,
        duty_estimate: opt_decimal(row.get(13))?,
        quota_reserved: opt_decimal(row.get(14))?,
        paid_at: row.get(15),
    })
}

/// The caller's filing by unified no.; someone else's is "not found".
async fn load_by_seq_no(
    conn: &mut SqliteConnection,
    tenant: &Tenant,
    seq_no: &str,
) -> Result<Filing, ApiError> {
    let row = sqlx::query(&format!(
        "SELECT {FILING_COLUMNS} FROM filings WHERE enterprise_id = ? AND seq_no = ?"
    ))
    .bind(tenant.enterprise_id)
    .bind(seq_no)
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| ApiError::not_found("declaration"))?;
    filing_from_row(&row)
}

async fn load_by_client_seq_no(
    conn: &mut SqliteConnection,
    tenant: &Tenant,
    client_seq_no: &str,
) -> Result<Option<Filing>, ApiError> {
    let row = sqlx::query(&format!(
        "SELECT {FILING_COLUMNS} FROM filings WHERE enterprise_id = ? AND client_seq_no = ?"
    ))
    .bind(tenant.enterprise_id)
    .bind(client_seq_no)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(filing_from_row).transpose()
}

async fn latest_receipt_id(conn: &mut SqliteConnection, filing_id: i64) -> Result<i64, ApiError> {
    Ok(
        sqlx::query_scalar("SELECT MAX(id) FROM receipts WHERE filing_id = ?")
            .bind(filing_id)
            .fetch_one(conn)
            .await?,
    )
}

async fn answer(
    conn: &mut SqliteConnection,
    f: &Filing,
    receipt_id: i64,
) -> Result<FilingAnswer, ApiError> {
    Ok(FilingAnswer {
        seq_no: f.seq_no.clone(),
        entry_id: f.entry_id.clone(),
        client_seq_no: f.client_seq_no.clone(),
        filing_mode: f.filing_mode,
        status: f.status,
        receipt: receipts::fetch(conn, receipt_id).await?,
    })
}

/// Server-only checks (`SW-CONSIGNEE`): the domestic consignee/consignor is
/// the caller itself, or the caller is the declaring agent of an enterprise
/// it may declare for; a known enterprise's credit code must be its own.
async fn server_checks(
    state: &AppState,
    tenant: &Tenant,
    d: &Declaration,
) -> Result<Vec<RejectionReason>, ApiError> {
    let h = &d.head;
    let mut out = Vec::new();
    let own = h.trade_code == tenant.customs_code;
    let as_agent = h.agent_code == tenant.customs_code
        && may_declare_for(state, tenant.enterprise_id, &h.trade_code).await?;
    if !own && !as_agent {
        out.push(RejectionReason {
            rule: RULE_CONSIGNEE.into(),
            field: "head.trade_code".into(),
            message_zh: "境内收发货人须为本企业，或本企业作为申报单位受其委托代理申报".into(),
            message_en: "The consignee/consignor must be the logged-in enterprise, or one it declares for as the declaring agent".into(),
        });
    }
    let registered: Option<String> =
        sqlx::query_scalar("SELECT scc FROM enterprises WHERE customs_code = ?")
            .bind(&h.trade_code)
            .fetch_optional(&state.db)
            .await?;
    if let Some(scc) = registered {
        if scc != h.trade_scc {
            out.push(RejectionReason {
                rule: RULE_CONSIGNEE.into(),
                field: "head.trade_scc".into(),
                message_zh: "统一社会信用代码与海关编码登记的企业不符".into(),
                message_en: "The credit code is not the one registered for this customs code"
                    .into(),
            });
        }
    }
    Ok(out)
}

/// The tax-payment choice of a submission: `tax_payment`, its guarantee
/// number taken from the older top-level `guarantee_no` when it names none.
/// Without `tax_payment` there is no choice to check (customs assessment).
fn tax_choice(req: &SubmitDeclaration) -> Option<TaxPaymentChoice> {
    let mut choice = req.tax_payment.clone()?;
    if choice.guarantee_no.trim().is_empty() {
        choice.guarantee_no = req.guarantee_no.clone().unwrap_or_default();
    }
    choice.guarantee_no = choice.guarantee_no.trim().to_owned();
    Some(choice)
}

/// The guarantee number a filing records: the choice's, else the older field.
fn guarantee_of(req: &SubmitDeclaration, choice: Option<&TaxPaymentChoice>) -> Option<String> {
    match choice {
        Some(c) if !c.guarantee_no.is_empty() => Some(c.guarantee_no.clone()),
        Some(_) => None,
        None => req.guarantee_no.clone(),
    }
}

/// Every rule a submission must pass (errors only), and the duty estimate
/// when it carries a tax-payment choice.
async fn check_all(
    state: &AppState,
    tenant: &Tenant,
    d: &Declaration,
    choice: Option<&TaxPaymentChoice>,
    refiling: Option<i64>,
) -> Result<(Vec<RejectionReason>, Option<Decimal>), ApiError> {
    let mut reasons = check(state, tenant, d).await?;
    let Some(choice) = choice else {
        return Ok((reasons, None));
    };
    let (tax, estimate) = check_choice(state, tenant, d, choice, refiling).await?;
    reasons.extend(tax);
    Ok((reasons, Some(estimate)))
}

/// Domain rules (errors only; warnings do not block) plus server rules.
async fn check(
    state: &AppState,
    tenant: &Tenant,
    d: &Declaration,
) -> Result<Vec<RejectionReason>, ApiError> {
    let mut reasons: Vec<RejectionReason> =
        validate_declaration(d, Purpose::Declare, &state.code_lists)
            .into_iter()
            .filter(|p| p.is_error())
            .map(|p| RejectionReason {
                rule: p.rule,
                field: p.field,
                message_zh: p.message_zh,
                message_en: p.message_en,
            })
            .collect();
    reasons.extend(server_checks(state, tenant, d).await?);
    Ok(reasons)
}

fn require_client_seq_no(d: &Declaration) -> Result<(), ApiError> {
    if d.client_seq_no.trim().is_empty() {
        return Err(ApiError::bad_request(
            error_code::CLIENT_SEQ_NO_MISSING,
            "declaration.client_seq_no (the client's document id) is required",
        ));
    }
    Ok(())
}

/// Accepts (`L`/`SpL` + customs no.) or rejects (`E`) a checked declaration
/// and schedules its review. Returns the receipt id.
async fn decide(
    conn: &mut SqliteConnection,
    state: &AppState,
    tenant: &Tenant,
    filing_id: i64,
    d: &Declaration,
    reasons: &[RejectionReason],
    now: i64,
) -> Result<i64, ApiError> {
    if !reasons.is_empty() {
        let receipt = receipts::issue(
            conn,
            state,
            tenant.enterprise_id,
            filing_id,
            ReceiptCode::E,
            reasons,
            now,
        )
        .await?;
        sqlx::query("UPDATE filings SET status = ? WHERE id = ?")
            .bind(FilingStatus::Rejected.as_str())
            .bind(filing_id)
            .execute(&mut *conn)
            .await?;
        return Ok(receipt);
    }
    let summary = d.filing_mode == FilingMode::TwoStepSummary;
    let code = if summary {
        ReceiptCode::SpL
    } else {
        ReceiptCode::L
    };
    let entry_id: Option<String> = sqlx::query_scalar("SELECT entry_id FROM filings WHERE id = ?")
        .bind(filing_id)
        .fetch_one(&mut *conn)
        .await?;
    let entry_id = match entry_id {
        Some(e) => e,
        None => next_entry_id(conn, d.head.ie_flag, &d.head.declaring_customs, now).await?,
    };
    sqlx::query(
        "UPDATE filings SET status = ?, entry_id = ?,
         summary_accepted_at = CASE WHEN ? THEN ? ELSE summary_accepted_at END
         WHERE id = ?",
    )
    .bind(status_after(code).as_str())
    .bind(&entry_id)
    .bind(summary)
    .bind(now)
    .bind(filing_id)
    .execute(&mut *conn)
    .await?;
    let receipt =
        receipts::issue(conn, state, tenant.enterprise_id, filing_id, code, &[], now).await?;
    if let Some(next) = next_code(code, d) {
        schedule(conn, state, filing_id, next).await?;
    }
    Ok(receipt)
}

/// File a declaration (申报): one-step, advance (`advance: true`) or the
/// summary of a two-step declaration (`filing_mode: two_step_summary`).
#[utoipa::path(
    post,
    path = "/v1/declarations",
    tag = "declarations",
    request_body = SubmitDeclaration,
    params(("Idempotency-Key" = String, Header, description = "Retry-stable key of this write")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Stored: accepted (`L`/`SpL`, customs no.) or rejected (`E` with reasons)", body = FilingAnswer),
        (status = 200, description = "This client document id was filed before: the existing filing", body = FilingAnswer),
        (status = 400, description = "No Idempotency-Key, no client_seq_no, or malformed body", body = ErrorBody),
        (status = 401, description = "No valid token (`unauthorized` / `token_expired`)", body = ErrorBody),
        (status = 409, description = "The key's first request is still in flight", body = ErrorBody),
        (status = 422, description = "The key was used with a different body", body = ErrorBody),
        (status = 429, description = "Fault: rate limited, see Retry-After", body = ErrorBody),
        (status = 503, description = "Fault: unavailable, nothing was done", body = ErrorBody),
    )
)]
pub async fn submit(
    State(state): State<AppState>,
    tenant: Tenant,
    JsonBody(req): JsonBody<SubmitDeclaration>,
) -> Result<(StatusCode, Json<FilingAnswer>), ApiError> {
    let choice = tax_choice(&req);
    let guarantee_no = guarantee_of(&req, choice.as_ref());
    let tax_json = choice.as_ref().map(serde_json::to_string).transpose()?;
    let d = req.declaration;
    require_client_seq_no(&d)?;
    if d.filing_mode == FilingMode::TwoStepComplete {
        return Err(ApiError::bad_request(
            error_code::INVALID_BODY,
            "a two-step complete declaration goes to POST /v1/declarations/{seq_no}/complete",
        ));
    }
    // Checks read the database through the pool: run them before taking
    // the connection for the transaction. A rejected filing declared again
    // does not compete with itself for quota.
    let refiling: Option<i64> =
        sqlx::query_scalar("SELECT id FROM filings WHERE enterprise_id = ? AND client_seq_no = ?")
            .bind(tenant.enterprise_id)
            .bind(&d.client_seq_no)
            .fetch_optional(&state.db)
            .await?;
    let (reasons, estimate) = check_all(&state, &tenant, &d, choice.as_ref(), refiling).await?;
    let estimate = estimate.map(|e| e.to_string());
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    if let Some(existing) = load_by_client_seq_no(&mut tx, &tenant, &d.client_seq_no).await? {
        if existing.status == FilingStatus::Rejected
            && (existing.declaration != d || existing.tax_payment != choice)
        {
            // Re-declaring a rejected filing: same filing, same unified no.
            sqlx::query(
                "UPDATE filings SET declaration = ?, filing_mode = ?, advance = ?, guarantee_no = ?,
                 tax_payment = ?, duty_estimate = ? WHERE id = ?",
            )
            .bind(serde_json::to_string(&d)?)
            .bind(mode_str(d.filing_mode))
            .bind(d.advance)
            .bind(&guarantee_no)
            .bind(&tax_json)
            .bind(&estimate)
            .bind(existing.id)
                .execute(&mut *tx)
                .await?;
            let receipt = decide(&mut tx, &state, &tenant, existing.id, &d, &reasons, now).await?;
            let f = load_by_seq_no(&mut tx, &tenant, &existing.seq_no).await?;
            let a = answer(&mut tx, &f, receipt).await?;
            tx.commit().await?;
            state.review_wakeup.notify_one();
            tracing::info!(seq_no = %f.seq_no, "rejected filing declared again");
            return Ok((StatusCode::OK, Json(a)));
        }
        let receipt = latest_receipt_id(&mut tx, existing.id).await?;
        let a = answer(&mut tx, &existing, receipt).await?;
        tracing::info!(seq_no = %existing.seq_no, "client document id filed before: existing filing");
        return Ok((StatusCode::OK, Json(a)));
    }
    let seq_no = next_seq_no(&mut tx, d.head.ie_flag, &d.head.declaring_customs, now).await?;
    let filing_id: i64 = sqlx::query_scalar(
        "INSERT INTO filings (enterprise_id, client_seq_no, seq_no, filing_mode, advance, status,
          declaration, guarantee_no, created_at, tax_payment, duty_estimate)
         VALUES (?, ?, ?, ?, ?, 'accepted', ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(tenant.enterprise_id)
    .bind(&d.client_seq_no)
    .bind(&seq_no)
    .bind(mode_str(d.filing_mode))
    .bind(d.advance)
    .bind(serde_json::to_string(&d)?)
    .bind(&guarantee_no)
    .bind(now)
    .bind(&tax_json)
    .bind(&estimate)
    .fetch_one(&mut *tx)
    .await?;
    let receipt = decide(&mut tx, &state, &tenant, filing_id, &d, &reasons, now).await?;
    let f = load_by_seq_no(&mut tx, &tenant, &seq_no).await?;
    let a = answer(&mut tx, &f, receipt).await?;
    tx.commit().await?;
    state.review_wakeup.notify_one();
    tracing::info!(%seq_no, status = f.status.as_str(), "declaration filed");
    Ok((StatusCode::CREATED, Json(a)))
}

/// The complete declaration of a two-step filing (完整申报), within 14 days
/// of the summary's acceptance.
#[utoipa::path(
    post,
    path = "/v1/declarations/{seq_no}/complete",
    tag = "declarations",
    request_body = SubmitDeclaration,
    params(
        ("seq_no" = String, Path, description = "Unified no. of the summary"),
        ("Idempotency-Key" = String, Header, description = "Retry-stable key of this write"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Accepted (`L`), or completed before: the filing", body = FilingAnswer),
        (status = 404, description = "No such filing of the caller's", body = ErrorBody),
        (status = 409, description = "Not a two-step summary, or its review is not through (`SpK`)", body = ErrorBody),
        (status = 422, description = "More than 14 days after the summary (`SW-TWO-STEP-14D`), or rule violations", body = ErrorBody),
    )
)]
pub async fn complete(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(seq_no): Path<String>,
    JsonBody(req): JsonBody<SubmitDeclaration>,
) -> Result<Json<FilingAnswer>, ApiError> {
    let new_choice = tax_choice(&req);
    let d = req.declaration;
    require_client_seq_no(&d)?;
    let mut conn = state.db.acquire().await?;
    let f = load_by_seq_no(&mut conn, &tenant, &seq_no).await?;
    drop(conn);
    if f.completed_at.is_some() {
        // Completed before: the same document never files twice.
        let mut conn = state.db.acquire().await?;
        let receipt = latest_receipt_id(&mut conn, f.id).await?;
        return Ok(Json(answer(&mut conn, &f, receipt).await?));
    }
    if f.filing_mode != FilingMode::TwoStepSummary {
        return Err(ApiError::conflict(
            "only a two-step summary can be completed",
        ));
    }
    if f.status != FilingStatus::SummaryReleased {
        return Err(ApiError::conflict(format!(
            "the summary is {}; it can be completed once released for delivery (SpK)",
            f.status.as_str()
        )));
    }
    let now = state.clock.now_ms();
    let accepted = f.summary_accepted_at.unwrap_or(f.created_at);
    if now - accepted > TWO_STEP_WINDOW_DAYS * 24 * 3600 * 1000 {
        return Err(ApiError::refused(
            error_code::TWO_STEP_WINDOW_CLOSED,
            "the complete declaration is due within 14 days of the summary's acceptance",
            vec![RejectionReason {
                rule: RULE_TWO_STEP_WINDOW.into(),
                field: "filing_mode".into(),
                message_zh: format!(
                    "完整申报须在概要申报入库后{TWO_STEP_WINDOW_DAYS}日内完成，已超期"
                ),
                message_en: format!(
                    "The complete declaration was due within {TWO_STEP_WINDOW_DAYS} days of the summary's acceptance"
                ),
            }],
        ));
    }
    let mut reasons = Vec::new();
    if d.filing_mode != FilingMode::TwoStepComplete {
        reasons.push(RejectionReason {
            rule: RULE_TWO_STEP_MATCH.into(),
            field: "filing_mode".into(),
            message_zh: "完整申报的申报模式应为 two_step_complete".into(),
            message_en: "The complete declaration's filing mode must be two_step_complete".into(),
        });
    }
    if d.client_seq_no != f.client_seq_no {
        reasons.push(RejectionReason {
            rule: RULE_TWO_STEP_MATCH.into(),
            field: "client_seq_no".into(),
            message_zh: "完整申报与概要申报须为同一单据".into(),
            message_en: "The complete declaration must carry the summary's client_seq_no".into(),
        });
    }
    // The complete declaration may bring the tax choice, or keep the summary's.
    let choice = new_choice.or_else(|| f.tax_payment.clone());
    let guarantee_no = match &choice {
        Some(c) if !c.guarantee_no.is_empty() => Some(c.guarantee_no.clone()),
        Some(_) => None,
        None => f.guarantee_no.clone(),
    };
    let (more, estimate) = check_all(&state, &tenant, &d, choice.as_ref(), Some(f.id)).await?;
    reasons.extend(more);
    if !reasons.is_empty() {
        return Err(ApiError::refused(
            error_code::VALIDATION_FAILED,
            "the complete declaration breaks rules; the summary stands unchanged",
            reasons,
        ));
    }
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "UPDATE filings SET declaration = ?, completed_at = ?, tax_payment = ?, duty_estimate = ?,
         guarantee_no = ? WHERE id = ?",
    )
    .bind(serde_json::to_string(&d)?)
    .bind(now)
    .bind(choice.as_ref().map(serde_json::to_string).transpose()?)
    .bind(estimate.map(|e| e.to_string()))
    .bind(&guarantee_no)
    .bind(f.id)
    .execute(&mut *tx)
    .await?;
    let receipt = decide(&mut tx, &state, &tenant, f.id, &d, &[], now).await?;
    let f = load_by_seq_no(&mut tx, &tenant, &seq_no).await?;
    let a = answer(&mut tx, &f, receipt).await?;
    tx.commit().await?;
    state.review_wakeup.notify_one();
    tracing::info!(%seq_no, "two-step declaration completed");
    Ok(Json(a))
}

async fn amendment_answer(
    state: &AppState,
    row: &SqliteRow,
    seq_no: &str,
    enterprise_id: i64,
) -> Result<AmendmentAnswer, ApiError> {
    let reason: String = row.get(2);
    let changes: String = row.get(3);
    Ok(AmendmentAnswer {
        amendment_id: row.get(0),
        client_seq_no: row.get(1),
        seq_no: seq_no.to_owned(),
        reason: AmendmentReason::parse(&reason)
            .ok_or_else(|| ApiError::Corrupt(format!("reason {reason}")))?,
        changes: serde_json::from_str::<Vec<FieldChange>>(&changes)?,
        no_error_recorded: row.get::<i64, _>(4) != 0,
        error_recorded: row.get::<i64, _>(5) != 0,
        errors_recorded_total: errors_recorded(state, enterprise_id).await?,
        created_at: to_datetime(row.get(6)),
    })
}

async fn errors_recorded(state: &AppState, enterprise_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM amendments a JOIN filings f ON f.id = a.filing_id
         WHERE f.enterprise_id = ? AND a.error_recorded = 1",
    )
    .bind(enterprise_id)
    .fetch_one(&state.db)
    .await
}

const AMENDMENT_COLUMNS: &str =
    "id, client_seq_no, reason, changes, no_error_recorded, error_recorded, created_at";

/// Amend an accepted declaration (修改申请). Import-date and conveyance
/// changes after an advance or two-step declaration are tolerated (容错,
/// `no_error_recorded`); everything else counts as a declaration error.
#[utoipa::path(
    post,
    path = "/v1/declarations/{seq_no}/amendments",
    tag = "declarations",
    request_body = AmendmentRequest,
    params(
        ("seq_no" = String, Path, description = "Unified no. of the filing"),
        ("Idempotency-Key" = String, Header, description = "Retry-stable key of this write"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = AmendmentAnswer),
        (status = 200, description = "This amendment's client id was recorded before", body = AmendmentAnswer),
        (status = 404, description = "No such filing of the caller's", body = ErrorBody),
        (status = 409, description = "The filing was never accepted", body = ErrorBody),
    )
)]
pub async fn amend(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(seq_no): Path<String>,
    JsonBody(req): JsonBody<AmendmentRequest>,
) -> Result<(StatusCode, Json<AmendmentAnswer>), ApiError> {
    if req.client_seq_no.trim().is_empty() {
        return Err(ApiError::bad_request(
            error_code::CLIENT_SEQ_NO_MISSING,
            "client_seq_no (the client's id of this amendment) is required",
        ));
    }
    let mut conn = state.db.acquire().await?;
    let f = load_by_seq_no(&mut conn, &tenant, &seq_no).await?;
    let existing = sqlx::query(&format!(
        "SELECT {AMENDMENT_COLUMNS} FROM amendments WHERE filing_id = ? AND client_seq_no = ?"
    ))
    .bind(f.id)
    .bind(&req.client_seq_no)
    .fetch_optional(&mut *conn)
    .await?;
    drop(conn);
    if let Some(row) = existing {
        let a = amendment_answer(&state, &row, &seq_no, tenant.enterprise_id).await?;
        return Ok((StatusCode::OK, Json(a)));
    }
    if f.entry_id.is_none() || f.status == FilingStatus::Rejected {
        return Err(ApiError::conflict(
            "only an accepted declaration (with a customs no.) can be amended",
        ));
    }
    // A completed two-step filing keeps the summary's mode here.
    let tolerated = req
        .reason
        .tolerated_on(f.advance, f.filing_mode == FilingMode::TwoStepSummary);
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    apply_amendment(&mut tx, tenant.enterprise_id, &f, &req.changes, now).await?;
    let row = sqlx::query(&format!(
        "INSERT INTO amendments (filing_id, client_seq_no, reason, changes, note,
          no_error_recorded, error_recorded, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING {AMENDMENT_COLUMNS}"
    ))
    .bind(f.id)
    .bind(&req.client_seq_no)
    .bind(req.reason.as_str())
    .bind(serde_json::to_string(&req.changes)?)
    .bind(&req.note)
    .bind(tolerated)
    .bind(!tolerated)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    state.review_wakeup.notify_one();
    tracing::info!(%seq_no, reason = req.reason.as_str(), tolerated, "amendment recorded");
    let a = amendment_answer(&state, &row, &seq_no, tenant.enterprise_id).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// Rule of an amendment whose field change cannot be applied.
pub const RULE_AMEND_FIELD: &str = "SW-AMEND-FIELD";

/// Applies field changes to a stored filing's declaration and issues the
/// `M` receipt (修撤单已处理) that tells the client to read the filing again.
/// The filing's status stays as it was. Used by the enterprise's amendments
/// and by customs' own (`POST /control/declarations/{seq_no}/amend`).
async fn apply_amendment(
    conn: &mut SqliteConnection,
    enterprise_id: i64,
    f: &Filing,
    changes: &[FieldChange],
    now: i64,
) -> Result<i64, ApiError> {
    let amended = apply_changes(&f.declaration, changes).map_err(|e| {
        ApiError::refused(
            error_code::VALIDATION_FAILED,
            format!("the change of {} cannot be applied", e.field),
            vec![RejectionReason {
                rule: RULE_AMEND_FIELD.into(),
                field: e.field.clone(),
                message_zh: format!("修改项无法应用：{}", e.message),
                message_en: format!("The change cannot be applied: {}", e.message),
            }],
        )
    })?;
    sqlx::query("UPDATE filings SET declaration = ? WHERE id = ?")
        .bind(serde_json::to_string(&amended)?)
        .bind(f.id)
        .execute(&mut *conn)
        .await?;
    receipts::issue_labelled(
        conn,
        enterprise_id,
        receipts::Subject::Filing(f.id),
        ReceiptCode::M,
        (
            "修撤单已处理，报关单内容已变更",
            "Amendment processed; the declaration changed",
        ),
        &[],
        now,
    )
    .await
}

/// Customs amends a filing of `enterprise_id` on its own (the control
/// surface's "customs" side): the changes land in the stored filing and an
/// `M` receipt tells the enterprise. Returns the receipt id.
pub async fn customs_amend(
    state: &AppState,
    seq_no: &str,
    changes: &[FieldChange],
) -> Result<i64, ApiError> {
    let mut tx = state.db.begin().await?;
    let row = sqlx::query(&format!(
        "SELECT {FILING_COLUMNS}, enterprise_id FROM filings WHERE seq_no = ?"
    ))
    .bind(seq_no)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| ApiError::not_found("declaration"))?;
    let f = filing_from_row(&row)?;
    let enterprise_id: i64 = row.get(16);
    let now = state.clock.now_ms();
    let receipt = apply_amendment(&mut tx, enterprise_id, &f, changes, now).await?;
    tx.commit().await?;
    tracing::info!(%seq_no, "customs amended a filing");
    Ok(receipt)
}

async fn view(state: &AppState, tenant: &Tenant, f: Filing) -> Result<FilingView, ApiError> {
    let mut conn = state.db.acquire().await?;
    let receipts = receipts::of_filing(&mut conn, f.id).await?;
    let rows = sqlx::query(&format!(
        "SELECT {AMENDMENT_COLUMNS} FROM amendments WHERE filing_id = ? ORDER BY id"
    ))
    .bind(f.id)
    .fetch_all(&mut *conn)
    .await?;
    drop(conn);
    let mut amendments = Vec::with_capacity(rows.len());
    for row in &rows {
        amendments.push(amendment_answer(state, row, &f.seq_no, tenant.enterprise_id).await?);
    }
    Ok(FilingView {
        seq_no: f.seq_no,
        entry_id: f.entry_id,
        client_seq_no: f.client_seq_no,
        filing_mode: f.filing_mode,
        advance: f.advance,
        status: f.status,
        created_at: to_datetime(f.created_at),
        summary_accepted_at: f.summary_accepted_at.map(to_datetime),
        completed_at: f.completed_at.map(to_datetime),
        guarantee_no: f.guarantee_no,
        tax_payment: f.tax_payment,
        duty_estimate: f.duty_estimate,
        quota_reserved: f.quota_reserved,
        paid_at: f.paid_at.map(to_datetime),
        declaration: f.declaration,
        receipts,
        amendments,
    })
}

/// One filing with its receipts and amendments.
#[utoipa::path(
    get,
    path = "/v1/declarations/{seq_no}",
    tag = "declarations",
    params(("seq_no" = String, Path, description = "Unified no.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The filing", body = FilingView),
        (status = 404, description = "No such filing of the caller's", body = ErrorBody),
    )
)]
pub async fn get_one(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(seq_no): Path<String>,
) -> Result<Json<FilingView>, ApiError> {
    let mut conn = state.db.acquire().await?;
    let f = load_by_seq_no(&mut conn, &tenant, &seq_no).await?;
    drop(conn);
    Ok(Json(view(&state, &tenant, f).await?))
}

/// Filter of the filing list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only the filing of this client document id.
    pub client_seq_no: Option<String>,
}

/// The caller's filings, newest first (at most 100), or the one with a
/// given client document id.
#[utoipa::path(
    get,
    path = "/v1/declarations",
    tag = "declarations",
    params(ListQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "Filings", body = FilingList))
)]
pub async fn list(
    State(state): State<AppState>,
    tenant: Tenant,
    Query(q): Query<ListQuery>,
) -> Result<Json<FilingList>, ApiError> {
    let rows = sqlx::query(&format!(
        "SELECT {FILING_COLUMNS} FROM filings
         WHERE enterprise_id = ? AND (? IS NULL OR client_seq_no = ?)
         ORDER BY id DESC LIMIT 100"
    ))
    .bind(tenant.enterprise_id)
    .bind(&q.client_seq_no)
    .bind(&q.client_seq_no)
    .fetch_all(&state.db)
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        items.push(view(&state, &tenant, filing_from_row(row)?).await?);
    }
    Ok(Json(FilingList { items }))
}
