//! Receipts (回执): issuing them and the cursor feed `GET /v1/receipts`.
//! One feed carries the receipts of declarations and of certificate-of-origin
//! applications (`COO-*` codes), so a client follows one cursor.
//!
//! A receipt's id is an SQLite AUTOINCREMENT key, so ids only grow and are
//! never reused; the single writer connection commits them in id order.
//! Reading "ids after the cursor, ascending" therefore loses nothing and
//! repeats nothing, across pages and restarts alike.

use axum::extract::{Query, State};
use axum::Json;
use portdesk_api::{error_code, ErrorBody, Receipt, ReceiptCode, ReceiptPage, RejectionReason};
use serde::Deserialize;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Tenant;
use crate::clock::to_datetime;
use crate::error::ApiError;
use crate::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_receipts))
}

const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 500;

/// What a receipt is about: a declaration or a certificate-of-origin application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Filing(i64),
    Origin(i64),
}

/// Stores a receipt of a declaration, labelled from the receipt code list;
/// returns its id (the cursor).
pub async fn issue(
    conn: &mut SqliteConnection,
    state: &AppState,
    enterprise_id: i64,
    filing_id: i64,
    code: ReceiptCode,
    reasons: &[RejectionReason],
    now_ms: i64,
) -> Result<i64, ApiError> {
    let (zh, en) = state
        .code_lists
        .lookup("receipt", code.as_str())
        .map(|e| (e.label_zh.clone(), e.label_en.clone()))
        .unwrap_or_default();
    issue_labelled(
        conn,
        enterprise_id,
        Subject::Filing(filing_id),
        code,
        (&zh, &en),
        reasons,
        now_ms,
    )
    .await
}

/// Stores a receipt with the given labels (the `COO-*` codes are the
/// mock's own and not in the receipt code list); returns its id.
pub async fn issue_labelled(
    conn: &mut SqliteConnection,
    enterprise_id: i64,
    subject: Subject,
    code: ReceiptCode,
    (zh, en): (&str, &str),
    reasons: &[RejectionReason],
    now_ms: i64,
) -> Result<i64, ApiError> {
    let (zh, en) = if reasons.is_empty() {
        (zh.to_owned(), en.to_owned())
    } else {
        (
            format!("{zh}：{} 处错误", reasons.len()),
            format!("{en}: {} problem(s)", reasons.len()),
        )
    };
    let (filing_id, origin_id) = match subject {
        Subject::Filing(id) => (Some(id), None),
        Subject::Origin(id) => (None, Some(id)),
    };
    let id = sqlx::query_scalar(
        "INSERT INTO receipts (enterprise_id, filing_id, origin_id, code, message_zh, message_en,
          reasons, issued_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(enterprise_id)
    .bind(filing_id)
    .bind(origin_id)
    .bind(code.as_str())
    .bind(zh)
    .bind(en)
    .bind(serde_json::to_string(reasons)?)
    .bind(now_ms)
    .fetch_one(conn)
    .await?;
    tracing::info!(
        ?subject,
        code = code.as_str(),
        receipt = id,
        "receipt issued"
    );
    Ok(id)
}

const RECEIPT_COLUMNS: &str = "r.id, COALESCE(f.seq_no, o.seq_no), f.entry_id,
     COALESCE(f.client_seq_no, o.client_seq_no), r.code, r.message_zh, r.message_en, r.reasons,
     r.issued_at";

/// A receipt belongs to a declaration or to an origin application: join both.
const RECEIPT_FROM: &str = "receipts r LEFT JOIN filings f ON f.id = r.filing_id
     LEFT JOIN origin_applications o ON o.id = r.origin_id";

fn from_row(row: &SqliteRow) -> Result<Receipt, ApiError> {
    let code: String = row.get(4);
    let reasons: String = row.get(7);
    Ok(Receipt {
        cursor: row.get::<i64, _>(0).to_string(),
        seq_no: row.get(1),
        entry_id: row.get(2),
        client_seq_no: row.get(3),
        code: ReceiptCode::parse(&code)
            .ok_or_else(|| ApiError::Corrupt(format!("receipt code {code}")))?,
        message_zh: row.get(5),
        message_en: row.get(6),
        reasons: serde_json::from_str(&reasons)?,
        issued_at: to_datetime(row.get(8)),
    })
}

/// One receipt by id.
pub async fn fetch(conn: &mut SqliteConnection, id: i64) -> Result<Receipt, ApiError> {
    let row = sqlx::query(&format!(
        "SELECT {RECEIPT_COLUMNS} FROM {RECEIPT_FROM} WHERE r.id = ?"
    ))
    .bind(id)
    .fetch_one(conn)
    .await?;
    from_row(&row)
}

/// Every receipt of a filing, in order.
pub async fn of_filing(
    conn: &mut SqliteConnection,
    filing_id: i64,
) -> Result<Vec<Receipt>, ApiError> {
    let rows = sqlx::query(&format!(
        "SELECT {RECEIPT_COLUMNS} FROM {RECEIPT_FROM} WHERE r.filing_id = ? ORDER BY r.id"
    ))
    .bind(filing_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Every receipt of an origin application, in order.
pub async fn of_origin(
    conn: &mut SqliteConnection,
    origin_id: i64,
) -> Result<Vec<Receipt>, ApiError> {
    let rows = sqlx::query(&format!(
        "SELECT {RECEIPT_COLUMNS} FROM {RECEIPT_FROM} WHERE r.origin_id = ? ORDER BY r.id"
    ))
    .bind(origin_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Query of the receipt feed.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReceiptQuery {
    /// Cursor: return receipts after this one. Omit (or `0`) to start at the beginning.
    pub since: Option<String>,
    /// Page size, 1-500, default 100.
    pub limit: Option<i64>,
}

/// The caller's receipts after a cursor, oldest first (回执拉取).
#[utoipa::path(
    get,
    path = "/v1/receipts",
    tag = "receipts",
    params(ReceiptQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of receipts and the next cursor", body = ReceiptPage),
        (status = 400, description = "Malformed cursor", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
    )
)]
pub async fn list_receipts(
    State(state): State<AppState>,
    tenant: Tenant,
    Query(q): Query<ReceiptQuery>,
) -> Result<Json<ReceiptPage>, ApiError> {
    let since: i64 = match q.since.as_deref().map(str::trim) {
        None | Some("") => 0,
        Some(s) => s.parse().ok().filter(|n| *n >= 0).ok_or_else(|| {
            ApiError::bad_request(error_code::INVALID_BODY, format!("bad cursor {s:?}"))
        })?,
    };
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let mut conn = state.db.acquire().await?;
    // One more than asked tells whether more are waiting.
    let rows = sqlx::query(&format!(
        "SELECT {RECEIPT_COLUMNS} FROM {RECEIPT_FROM}
         WHERE r.enterprise_id = ? AND r.id > ? ORDER BY r.id LIMIT ?"
    ))
    .bind(tenant.enterprise_id)
    .bind(since)
    .bind(limit + 1)
    .fetch_all(&mut *conn)
    .await?;
    let has_more = rows.len() as i64 > limit;
    let receipts = rows
        .iter()
        .take(limit as usize)
        .map(from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let next = receipts
        .last()
        .map(|r| r.cursor.clone())
        .unwrap_or_else(|| since.to_string());
    Ok(Json(ReceiptPage {
        receipts,
        next,
        has_more,
    }))
}
