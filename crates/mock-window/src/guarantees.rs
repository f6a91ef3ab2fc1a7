//! Guarantees and tax (担保与税费): the caller's guarantees with their
//! quotas, its enterprise profile, the tax-payment check on submission, the
//! quota reservation on release and its restoration on payment.
//!
//! The rules are the domain's (`check_tax_choice`, rule ids `TAX-*`), fed
//! with the caller enterprise, its guarantees and the server clock's date,
//! exactly as the client feeds them offline from `GET /v1/enterprise` and
//! `GET /v1/guarantees` (the wire types convert with `to_domain`).
//!
//! Quota lifecycle of a summary-tax declaration (汇总征税):
//! 1. submission: `check_tax_choice` with the [`duty_estimate`]; the quota
//!    it sees is the guarantee's free quota less the estimates of the
//!    caller's other summary-tax filings still on their way to release, so
//!    what is accepted can normally be released;
//! 2. release (`P`, [`reserve_on_release`], inside the review task's
//!    transaction): the estimate is added to `quota_used` only if it still
//!    fits; otherwise the filing is rejected (`E`, `TAX-GUARANTEE-QUOTA`)
//!    instead of released. Read, check and write happen in one transaction
//!    on the server's single connection, so two releases can never both
//!    take the last of a quota;
//! 3. payment (`POST /v1/declarations/{seq_no}/payment`, [`pay`]): the
//!    reservation goes back to the quota, once.
//!
//! Simplification: the enterprise whose rating and guarantees count is the
//! caller (the filer), also when it declares as an agent.

use std::str::FromStr;

use axum::extract::{Path, State};
use axum::Json;
use chrono::{Duration, NaiveDate};
use portdesk_api::{
    EnterpriseProfile, ErrorBody, Guarantee, GuaranteeKind, GuaranteeList, GuaranteeScope,
    PaymentAnswer, RejectionReason, TaxPaymentChoice,
};
use portdesk_domain::guarantee::rule;
use portdesk_domain::{check_tax_choice, Declaration};
use rust_decimal::Decimal;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Tenant;
use crate::clock::to_datetime;
use crate::error::ApiError;
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(get_one))
        .routes(routes!(enterprise))
        .routes(routes!(pay))
}

/// The tax a declaration is expected to cost, in CNY: the domain's
/// estimate (`portdesk_domain::tax_estimate`) with the mock's rate files,
/// the same engine and files the client uses, so the quota the mock
/// reserves equals the client's estimate. What is reserved is the duty plus
/// import VAT after the 50-yuan waivers (`total_payable`): under summary
/// tax payment both are paid from the guarantee (docs/duty-estimate.md).
pub fn duty_estimate(state: &AppState, d: &Declaration) -> Decimal {
    state.estimate_rates.estimate(d, today(state)).total_payable
}

/// Today in China (UTC+8) on the server clock: guarantees' validity days
/// are China calendar days.
pub fn today(state: &AppState) -> NaiveDate {
    (state.clock.now() + Duration::hours(8)).date_naive()
}

fn decimal(s: &str) -> Result<Decimal, ApiError> {
    Decimal::from_str(s.trim()).map_err(|_| ApiError::Corrupt(format!("decimal {s}")))
}

fn date(s: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| ApiError::Corrupt(format!("date {s}")))
}

const GUARANTEE_COLUMNS: &str = "id, guarantee_no, kind, scope, issuer, issuer_group, amount,
     currency, quota_used, valid_from, valid_to, customs_area";

/// A stored guarantee: its row id and its wire form.
struct Stored {
    id: i64,
    guarantee: Guarantee,
}

fn from_row(row: &SqliteRow) -> Result<Stored, ApiError> {
    let kind: String = row.get(2);
    let scope: String = row.get(3);
    let amount = decimal(row.get(6))?;
    let quota_used = decimal(row.get(8))?;
    Ok(Stored {
        id: row.get(0),
        guarantee: Guarantee {
            number: row.get(1),
            kind: GuaranteeKind::parse(&kind)
                .ok_or_else(|| ApiError::Corrupt(format!("guarantee kind {kind}")))?,
            scope: GuaranteeScope::parse(&scope)
                .ok_or_else(|| ApiError::Corrupt(format!("guarantee scope {scope}")))?,
            issuer: row.get(4),
            issuer_group: row.get(5),
            amount,
            currency: row.get(7),
            quota_used,
            quota_left: (amount - quota_used).max(Decimal::ZERO),
            valid_from: date(row.get(9))?,
            valid_to: date(row.get(10))?,
            customs_area: row.get(11),
        },
    })
}

/// The enterprise's guarantees, by number.
async fn load_all(
    conn: &mut SqliteConnection,
    enterprise_id: i64,
) -> Result<Vec<Guarantee>, ApiError> {
    let rows = sqlx::query(&format!(
        "SELECT {GUARANTEE_COLUMNS} FROM guarantees WHERE enterprise_id = ? ORDER BY guarantee_no"
    ))
    .bind(enterprise_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| from_row(r).map(|s| s.guarantee))
        .collect()
}

/// One of the enterprise's guarantees; someone else's is not there.
async fn load_one(
    conn: &mut SqliteConnection,
    enterprise_id: i64,
    number: &str,
) -> Result<Option<Stored>, ApiError> {
    let row = sqlx::query(&format!(
        "SELECT {GUARANTEE_COLUMNS} FROM guarantees WHERE enterprise_id = ? AND guarantee_no = ?"
    ))
    .bind(enterprise_id)
    .bind(number)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

async fn profile(
    conn: &mut SqliteConnection,
    enterprise_id: i64,
) -> Result<EnterpriseProfile, ApiError> {
    let row = sqlx::query(
        "SELECT customs_code, scc, name_zh, name_en, credit_rating, customs_area, group_id,
                tripartite_agreement
         FROM enterprises WHERE id = ?",
    )
    .bind(enterprise_id)
    .fetch_one(conn)
    .await?;
    let rating: String = row.get(4);
    Ok(EnterpriseProfile {
        customs_code: row.get(0),
        scc: row.get(1),
        name_zh: row.get(2),
        name_en: row.get(3),
        rating: portdesk_api::CreditRating::parse(&rating)
            .ok_or_else(|| ApiError::Corrupt(format!("credit rating {rating}")))?,
        customs_area: row.get(5),
        group: row.get(6),
        has_tripartite_agreement: row.get::<i64, _>(7) != 0,
    })
}

/// Statuses of a filing on its way to release (`P`): its estimate is
/// promised to its guarantee but not yet reserved.
const PENDING_STATUSES: &str =
    "'accepted', 'cleared', 'summary_accepted', 'summary_cleared', 'summary_released'";

/// Estimates of the enterprise's summary-tax filings that will reserve on
/// `number` when released, except filing `except` (the one re-declared).
async fn pending_on(
    conn: &mut SqliteConnection,
    enterprise_id: i64,
    number: &str,
    except: Option<i64>,
) -> Result<Decimal, ApiError> {
    let estimates: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT duty_estimate FROM filings
         WHERE enterprise_id = ? AND guarantee_no = ? AND id IS NOT ?
           AND duty_estimate IS NOT NULL AND quota_reserved IS NULL
           AND json_extract(tax_payment, '$.summary_tax') = 1
           AND status IN ({PENDING_STATUSES})"
    ))
    .bind(enterprise_id)
    .bind(number)
    .bind(except)
    .fetch_all(conn)
    .await?;
    estimates.iter().map(|e| decimal(e)).sum()
}

/// The tax-payment choice's errors (`TAX-*`, warnings dropped, as for the
/// declaration rules) for declaration `d` of the caller, and the duty
/// estimate the choice was checked with.
pub async fn check_choice(
    state: &AppState,
    tenant: &Tenant,
    d: &Declaration,
    choice: &TaxPaymentChoice,
    refiling: Option<i64>,
) -> Result<(Vec<RejectionReason>, Decimal), ApiError> {
    let mut conn = state.db.acquire().await?;
    let ent = profile(&mut conn, tenant.enterprise_id).await?.to_domain();
    let mut guarantees = Vec::new();
    for g in load_all(&mut conn, tenant.enterprise_id).await? {
        let mut g = g.to_domain();
        if choice.summary_tax && g.number == choice.guarantee_no.trim() {
            // What other accepted filings will take at their release is not
            // free for this one.
            let pending = pending_on(&mut conn, tenant.enterprise_id, &g.number, refiling).await?;
            let left = decimal(&g.quota_left)? - pending;
            g.quota_left = left.max(Decimal::ZERO).round_dp(2).to_string();
        }
        guarantees.push(g);
    }
    drop(conn);
    let estimate = duty_estimate(state, d);
    let reasons = check_tax_choice(choice, d, &ent, &guarantees, today(state), Some(estimate))
        .into_iter()
        .filter(|p| p.is_error())
        .map(|p| RejectionReason {
            rule: p.rule,
            field: p.field,
            message_zh: p.message_zh,
            message_en: p.message_en,
        })
        .collect();
    Ok((reasons, estimate))
}

/// At release (`P`): reserves a summary-tax filing's estimate on its
/// guarantee, inside the caller's (the review task's) transaction. `Ok(None)`:
/// reserved, or nothing to reserve; `Ok(Some(reason))`: the quota no longer
/// covers it, and the filing must be rejected instead of released.
pub async fn reserve_on_release(
    conn: &mut SqliteConnection,
    filing_id: i64,
) -> Result<Option<RejectionReason>, ApiError> {
    let row = sqlx::query(
        "SELECT enterprise_id, guarantee_no, tax_payment, duty_estimate, quota_reserved
         FROM filings WHERE id = ?",
    )
    .bind(filing_id)
    .fetch_one(&mut *conn)
    .await?;
    let (enterprise_id, number, choice, estimate, reserved): (
        i64,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ) = (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
    let choice: Option<TaxPaymentChoice> =
        choice.as_deref().map(serde_json::from_str).transpose()?;
    let (Some(number), Some(estimate), None, Some(true)) =
        (number, estimate, reserved, choice.map(|c| c.summary_tax))
    else {
        return Ok(None);
    };
    let estimate = decimal(&estimate)?;
    let Some(g) = load_one(conn, enterprise_id, &number).await? else {
        return Ok(None);
    };
    if !domain_kind_has_quota(g.guarantee.kind) {
        return Ok(None);
    }
    let left = g.guarantee.amount - g.guarantee.quota_used;
    if left < estimate {
        return Ok(Some(RejectionReason {
            rule: rule::GUARANTEE_QUOTA.into(),
            field: "tax_payment.guarantee_no".into(),
            message_zh: format!(
                "放行时担保{number}剩余额度{}元，不足本票预估税款{estimate}元，不予放行",
                left.max(Decimal::ZERO)
            ),
            message_en: format!(
                "At release guarantee {number} had CNY {} left, less than this declaration's estimated duty of CNY {estimate}; not released",
                left.max(Decimal::ZERO)
            ),
        }));
    }
    let used = (g.guarantee.quota_used + estimate).round_dp(2);
    // Compare-and-set on the old value: belt and braces over the
    // transaction, so a reservation can never be computed from a stale read.
    let done = sqlx::query("UPDATE guarantees SET quota_used = ? WHERE id = ? AND quota_used = ?")
        .bind(money(used))
        .bind(g.id)
        .bind(money(g.guarantee.quota_used))
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() != 1 {
        return Err(ApiError::Corrupt(format!(
            "guarantee {number} changed under a reservation"
        )));
    }
    sqlx::query("UPDATE filings SET quota_reserved = ? WHERE id = ?")
        .bind(money(estimate))
        .bind(filing_id)
        .execute(&mut *conn)
        .await?;
    tracing::info!(filing_id, %number, %estimate, "quota reserved on release");
    Ok(None)
}

fn domain_kind_has_quota(k: GuaranteeKind) -> bool {
    portdesk_domain::GuaranteeKind::from(k).has_quota()
}

/// Stored form of an amount: two places, as seeded.
fn money(d: Decimal) -> String {
    let mut d = d.round_dp(2);
    d.rescale(2);
    d.to_string()
}

/// The caller's guarantees (担保备案) with amount, quota used and left,
/// validity, customs area, kind, scope, issuer and number.
#[utoipa::path(
    get,
    path = "/v1/guarantees",
    tag = "guarantees",
    security(("bearer" = [])),
    responses((status = 200, description = "The caller's guarantees, by number", body = GuaranteeList))
)]
pub async fn list(
    State(state): State<AppState>,
    tenant: Tenant,
) -> Result<Json<GuaranteeList>, ApiError> {
    let mut conn = state.db.acquire().await?;
    let items = load_all(&mut conn, tenant.enterprise_id).await?;
    Ok(Json(GuaranteeList { items }))
}

/// One of the caller's guarantees by its number.
#[utoipa::path(
    get,
    path = "/v1/guarantees/{number}",
    tag = "guarantees",
    params(("number" = String, Path, description = "Guarantee number (letter, policy, deposit or approval no.)")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The guarantee", body = Guarantee),
        (status = 404, description = "No such guarantee of the caller's", body = ErrorBody),
    )
)]
pub async fn get_one(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(number): Path<String>,
) -> Result<Json<Guarantee>, ApiError> {
    let mut conn = state.db.acquire().await?;
    load_one(&mut conn, tenant.enterprise_id, &number)
        .await?
        .map(|s| Json(s.guarantee))
        .ok_or_else(|| ApiError::not_found("guarantee"))
}

/// The caller enterprise: credit rating, customs area, group and
/// tripartite agreement, what `check_tax_choice` needs offline.
#[utoipa::path(
    get,
    path = "/v1/enterprise",
    tag = "guarantees",
    security(("bearer" = [])),
    responses((status = 200, description = "The caller enterprise", body = EnterpriseProfile))
)]
pub async fn enterprise(
    State(state): State<AppState>,
    tenant: Tenant,
) -> Result<Json<EnterpriseProfile>, ApiError> {
    let mut conn = state.db.acquire().await?;
    Ok(Json(profile(&mut conn, tenant.enterprise_id).await?))
}

/// Pay the duties of a released summary-tax declaration (汇总征税缴税): the
/// quota reserved at release goes back to the guarantee. Paying again
/// answers the same payment and restores nothing more.
#[utoipa::path(
    post,
    path = "/v1/declarations/{seq_no}/payment",
    tag = "guarantees",
    params(
        ("seq_no" = String, Path, description = "Unified no. of the filing"),
        ("Idempotency-Key" = String, Header, description = "Retry-stable key of this write"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Paid (now or before); the guarantee after it", body = PaymentAnswer),
        (status = 404, description = "No such filing of the caller's", body = ErrorBody),
        (status = 409, description = "Nothing reserved to pay: not summary tax, or not released yet", body = ErrorBody),
    )
)]
pub async fn pay(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(seq_no): Path<String>,
) -> Result<Json<PaymentAnswer>, ApiError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let row = sqlx::query(
        "SELECT id, guarantee_no, quota_reserved, paid_at FROM filings
         WHERE enterprise_id = ? AND seq_no = ?",
    )
    .bind(tenant.enterprise_id)
    .bind(&seq_no)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| ApiError::not_found("declaration"))?;
    let (filing_id, number, reserved, paid_at): (i64, Option<String>, Option<String>, Option<i64>) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    let (Some(number), Some(reserved)) = (number, reserved) else {
        return Err(ApiError::conflict(
            "nothing to pay: the declaration reserved no guarantee quota (not summary tax, or not released yet)",
        ));
    };
    let reserved = decimal(&reserved)?;
    let stored = load_one(&mut tx, tenant.enterprise_id, &number)
        .await?
        .ok_or_else(|| ApiError::Corrupt(format!("guarantee {number} of filing {seq_no}")))?;
    let paid_at = match paid_at {
        Some(at) => at,
        None => {
            // Never below zero, whatever was done to the row by hand.
            let used = (stored.guarantee.quota_used - reserved).max(Decimal::ZERO);
            sqlx::query("UPDATE guarantees SET quota_used = ? WHERE id = ?")
                .bind(money(used))
                .bind(stored.id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE filings SET paid_at = ? WHERE id = ?")
                .bind(now)
                .bind(filing_id)
                .execute(&mut *tx)
                .await?;
            tracing::info!(%seq_no, %number, %reserved, "duties paid, quota restored");
            now
        }
    };
    let guarantee = load_one(&mut tx, tenant.enterprise_id, &number)
        .await?
        .map(|s| s.guarantee)
        .ok_or_else(|| ApiError::Corrupt(format!("guarantee {number}")))?;
    tx.commit().await?;
    Ok(Json(PaymentAnswer {
        seq_no,
        amount_paid: reserved,
        quota_restored: reserved,
        paid_at: to_datetime(paid_at),
        guarantee,
    }))
}
