//! Certificates of origin (原产地证书): applications, smart review (智能审核),
//! manual review, and the certificate an approval issues.
//!
//! A write stores the application and answers at once with a `COO-L`
//! receipt; review runs afterwards, one `review_pace_ms` later, from the
//! same background loop as declarations ([`crate::review::run`]):
//!
//! - the domain's `validate_origin_application` (`Purpose::Declare`)
//!   against the caller's enterprise record (English name and address,
//!   credit code, customs code as seeded). Any error → `COO-E` with the
//!   reasons (`COO-*` rule ids);
//! - otherwise a deterministic manual-review trigger → `COO-M`: the
//!   remarks contain [`MANUAL_MARKER`] (`#MANUAL`), or a goods description
//!   contains a word of [`WATCH_LIST`]. `POST /control/origin/{seq_no}/decide`
//!   resolves it (`COO-A`, or `COO-E` with rule [`RULE_MANUAL`]);
//! - otherwise → `COO-A`: the certificate is issued, numbered, signed
//!   (`portdesk_seal::sign_fields`) and sealed (`portdesk_seal::seal`).
//!
//! Certificate number: form letter + 2-digit year + registration no. + a
//! 4-digit serial per (form, year, registration no.). The registration no.
//! is the enterprise's customs code without its fifth character (the
//! enterprise-type digit): 4-digit customs area + 5-digit sequence, 9 chars
//! (see [`registration_no`]); the `UNIQUE` column makes a duplicate
//! impossible rather than unlikely.
//!
//! One client document id (client_seq_no) is one application per
//! enterprise, ever, as with declarations; a rejected application sent
//! again with changes is reviewed again under the same number.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{Datelike, Duration, NaiveDate};
use portdesk_api::{
    error_code, ErrorBody, OriginApplicationView, OriginCertificate, OriginDecision, OriginStatus,
    ReceiptCode, RejectionReason,
};
use portdesk_domain::origin::{
    certificate_number, validate_origin_application, CertifiedFields, EnterpriseRecord,
    OriginApplication, OriginForm,
};
use portdesk_domain::Purpose;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Tenant;
use crate::clock::to_datetime;
use crate::db::next_counter;
use crate::error::{ApiError, JsonBody};
use crate::receipts::{self, Subject};
use crate::AppState;

/// Remarks containing this send an otherwise clean application to manual review.
pub const MANUAL_MARKER: &str = "#MANUAL";

/// Words in a goods description (case-insensitive) that send an otherwise
/// clean application to manual review: goods a person should look at.
/// The real list is not public; this one is the mock's.
pub const WATCH_LIST: &[&str] = &["DUAL-USE", "MILITARY", "WEAPON", "EXPLOSIVE", "RADIOACTIVE"];

/// Rule id of a rejection decided by the manual reviewer.
pub const RULE_MANUAL: &str = "SW-ORIGIN-MANUAL";

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(submit))
        .routes(routes!(get_one))
}

/// `/control` routes of this area (loopback only, applied by the app).
pub fn control_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(decide))
}

/// The 9-character registration no. of an enterprise in its certificate
/// numbers: the 10-char customs code without its fifth character (the
/// enterprise-type digit), i.e. customs area + sequence. Any other code
/// (a mock never has one) is padded or cut to 9 capitals/digits.
pub fn registration_no(customs_code: &str) -> String {
    let clean: String = customs_code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if clean.len() == 10 {
        format!("{}{}", &clean[..4], &clean[5..])
    } else {
        format!("{clean:0>9}").chars().take(9).collect()
    }
}

/// Why smart review hands a clean application to a person, if it does.
pub fn manual_trigger(app: &OriginApplication) -> Option<String> {
    if app.remarks.contains(MANUAL_MARKER) {
        return Some(format!("remarks contain {MANUAL_MARKER}"));
    }
    for (i, item) in app.items.iter().enumerate() {
        let description = item.description.to_ascii_uppercase();
        if let Some(word) = WATCH_LIST.iter().find(|w| description.contains(*w)) {
            return Some(format!("items[{i}].description mentions {word}"));
        }
    }
    None
}

fn form_str(f: OriginForm) -> String {
    f.letter().to_string()
}

/// A stored application.
struct Stored {
    id: i64,
    enterprise_id: i64,
    client_seq_no: String,
    seq_no: String,
    status: OriginStatus,
    application: OriginApplication,
    reasons: Vec<RejectionReason>,
    created_at: i64,
    decided_at: Option<i64>,
    certificate: Option<OriginCertificate>,
}

const COLUMNS: &str = "id, enterprise_id, client_seq_no, seq_no, status, application, reasons,
     created_at, decided_at, certificate_number, issue_date, expiry_date, certified, signature,
     qr_text, key_id";

fn date(s: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| ApiError::Corrupt(format!("date {s}")))
}

fn from_row(row: &SqliteRow) -> Result<Stored, ApiError> {
    let status: String = row.get(4);
    let certificate = match row.get::<Option<String>, _>(9) {
        None => None,
        Some(number) => Some(OriginCertificate {
            number,
            issue_date: date(row.get(10))?,
            expiry_date: date(row.get(11))?,
            certified: serde_json::from_str(row.get::<&str, _>(12))?,
            signature: row.get(13),
            qr_text: row.get(14),
            key_id: row.get(15),
        }),
    };
    Ok(Stored {
        id: row.get(0),
        enterprise_id: row.get(1),
        client_seq_no: row.get(2),
        seq_no: row.get(3),
        status: OriginStatus::parse(&status)
            .ok_or_else(|| ApiError::Corrupt(format!("origin status {status}")))?,
        application: serde_json::from_str(row.get::<&str, _>(5))?,
        reasons: serde_json::from_str(row.get::<&str, _>(6))?,
        created_at: row.get(7),
        decided_at: row.get(8),
        certificate,
    })
}

async fn load(conn: &mut SqliteConnection, id: i64) -> Result<Stored, ApiError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM origin_applications WHERE id = ?"
    ))
    .bind(id)
    .fetch_one(conn)
    .await?;
    from_row(&row)
}

async fn view(conn: &mut SqliteConnection, id: i64) -> Result<OriginApplicationView, ApiError> {
    let s = load(&mut *conn, id).await?;
    let receipts = receipts::of_origin(conn, id).await?;
    Ok(OriginApplicationView {
        seq_no: s.seq_no,
        client_seq_no: s.client_seq_no,
        form: s.application.form,
        status: s.status,
        created_at: to_datetime(s.created_at),
        decided_at: s.decided_at.map(to_datetime),
        reasons: s.reasons,
        receipts,
        application: s.application,
        certificate: s.certificate,
    })
}

/// Application no., 18 chars: `CO` + year (4) + sequence (12).
async fn next_origin_seq_no(conn: &mut SqliteConnection, now_ms: i64) -> Result<String, ApiError> {
    let year = to_datetime(now_ms).year();
    let n = next_counter(conn, &format!("origin:{year}")).await?;
    Ok(format!("CO{year:04}{n:012}"))
}

/// Schedules the smart review of an application one pace from now.
async fn schedule(
    conn: &mut SqliteConnection,
    state: &AppState,
    origin_id: i64,
) -> Result<(), sqlx::Error> {
    let pace = state.faults.settings().review_pace_ms as i64;
    sqlx::query("INSERT INTO origin_review_jobs (origin_id, due_at) VALUES (?, ?)")
        .bind(origin_id)
        .bind(state.clock.now_ms() + pace)
        .execute(conn)
        .await?;
    Ok(())
}

async fn receipt_received(
    conn: &mut SqliteConnection,
    enterprise_id: i64,
    origin_id: i64,
    now: i64,
) -> Result<i64, ApiError> {
    receipts::issue_labelled(
        conn,
        enterprise_id,
        Subject::Origin(origin_id),
        ReceiptCode::CooL,
        (
            "原产地证书申请已接收，等待智能审核",
            "Certificate of origin application received; smart review pending",
        ),
        &[],
        now,
    )
    .await
}

/// Apply for a certificate of origin (原产地证书申请). The body is the
/// domain's `OriginApplication` (`docs/formats/origin-application.md`);
/// smart review follows asynchronously (`COO-A` / `COO-E` / `COO-M` receipts).
#[utoipa::path(
    post,
    path = "/v1/origin-applications",
    tag = "origin",
    request_body(content = Object, description = "The domain's OriginApplication"),
    params(("Idempotency-Key" = String, Header, description = "Retry-stable key of this write")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Stored and received (`COO-L`); review pending", body = OriginApplicationView),
        (status = 200, description = "This client document id was filed before: the existing application (a rejected one sent again with changes is reviewed again)", body = OriginApplicationView),
        (status = 400, description = "No Idempotency-Key, no client_seq_no, or malformed body", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 409, description = "The key's first request is still in flight", body = ErrorBody),
        (status = 422, description = "The key was used with a different body", body = ErrorBody),
    )
)]
pub async fn submit(
    State(state): State<AppState>,
    tenant: Tenant,
    JsonBody(app): JsonBody<OriginApplication>,
) -> Result<(StatusCode, Json<OriginApplicationView>), ApiError> {
    if app.client_seq_no.trim().is_empty() {
        return Err(ApiError::bad_request(
            error_code::CLIENT_SEQ_NO_MISSING,
            "client_seq_no (the client's id of this application) is required",
        ));
    }
    let now = state.clock.now_ms();
    let app_json = serde_json::to_string(&app)?;
    let mut tx = state.db.begin().await?;
    let existing = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM origin_applications WHERE enterprise_id = ? AND client_seq_no = ?"
    ))
    .bind(tenant.enterprise_id)
    .bind(&app.client_seq_no)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(row) = existing {
        let s = from_row(&row)?;
        if s.status == OriginStatus::Rejected && s.application != app {
            // Sent again after a rejection, with changes: same application,
            // same number, reviewed again.
            sqlx::query(
                "UPDATE origin_applications SET application = ?, form = ?, status = ?,
                 reasons = '[]', decided_at = NULL WHERE id = ?",
            )
            .bind(&app_json)
            .bind(form_str(app.form))
            .bind(OriginStatus::Accepted.as_str())
            .bind(s.id)
            .execute(&mut *tx)
            .await?;
            receipt_received(&mut tx, tenant.enterprise_id, s.id, now).await?;
            schedule(&mut tx, &state, s.id).await?;
            let v = view(&mut tx, s.id).await?;
            tx.commit().await?;
            state.review_wakeup.notify_one();
            tracing::info!(seq_no = %s.seq_no, "rejected origin application filed again");
            return Ok((StatusCode::OK, Json(v)));
        }
        let v = view(&mut tx, s.id).await?;
        tracing::info!(seq_no = %s.seq_no, "client document id filed before: existing application");
        return Ok((StatusCode::OK, Json(v)));
    }
    let seq_no = next_origin_seq_no(&mut tx, now).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO origin_applications (enterprise_id, client_seq_no, seq_no, form, status,
          application, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(tenant.enterprise_id)
    .bind(&app.client_seq_no)
    .bind(&seq_no)
    .bind(form_str(app.form))
    .bind(OriginStatus::Accepted.as_str())
    .bind(&app_json)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    receipt_received(&mut tx, tenant.enterprise_id, id, now).await?;
    schedule(&mut tx, &state, id).await?;
    let v = view(&mut tx, id).await?;
    tx.commit().await?;
    state.review_wakeup.notify_one();
    tracing::info!(%seq_no, "origin application filed");
    Ok((StatusCode::CREATED, Json(v)))
}

/// One application of the caller's: status, reasons, receipts and, once
/// approved, the certificate with its signature and QR text.
#[utoipa::path(
    get,
    path = "/v1/origin-applications/{seq_no}",
    tag = "origin",
    params(("seq_no" = String, Path, description = "Application no.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The application", body = OriginApplicationView),
        (status = 404, description = "No such application of the caller's", body = ErrorBody),
    )
)]
pub async fn get_one(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(seq_no): Path<String>,
) -> Result<Json<OriginApplicationView>, ApiError> {
    let mut conn = state.db.acquire().await?;
    let id: i64 = sqlx::query_scalar(
        "SELECT id FROM origin_applications WHERE enterprise_id = ? AND seq_no = ?",
    )
    .bind(tenant.enterprise_id)
    .bind(&seq_no)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| ApiError::not_found("origin application"))?;
    Ok(Json(view(&mut conn, id).await?))
}

/// Resolve an application waiting for manual review (mock only).
#[utoipa::path(
    post,
    path = "/control/origin/{seq_no}/decide",
    tag = "control",
    request_body = OriginDecision,
    params(("seq_no" = String, Path, description = "Application no.")),
    responses(
        (status = 200, description = "Decided: approved (`COO-A`) or rejected (`COO-E`)", body = OriginApplicationView),
        (status = 404, description = "No such application", body = ErrorBody),
        (status = 409, description = "Not waiting for manual review", body = ErrorBody),
    )
)]
pub async fn decide(
    State(state): State<AppState>,
    Path(seq_no): Path<String>,
    JsonBody(d): JsonBody<OriginDecision>,
) -> Result<Json<OriginApplicationView>, ApiError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let id: i64 = sqlx::query_scalar("SELECT id FROM origin_applications WHERE seq_no = ?")
        .bind(&seq_no)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| ApiError::not_found("origin application"))?;
    let s = load(&mut tx, id).await?;
    if s.status != OriginStatus::ManualReview {
        return Err(ApiError::conflict(format!(
            "the application is {}; only one in manual_review can be decided",
            s.status.as_str()
        )));
    }
    if d.approve {
        approve(&mut tx, &state, &s, now).await?;
    } else {
        let reason = d.reason.trim();
        let reasons = [RejectionReason {
            rule: RULE_MANUAL.into(),
            field: String::new(),
            message_zh: if reason.is_empty() {
                "人工审核不予签证".into()
            } else {
                format!("人工审核不予签证：{reason}")
            },
            message_en: if reason.is_empty() {
                "Refused on manual review".into()
            } else {
                format!("Refused on manual review: {reason}")
            },
        }];
        reject(&mut tx, &s, &reasons, now).await?;
    }
    let v = view(&mut tx, id).await?;
    tx.commit().await?;
    tracing::info!(%seq_no, approve = d.approve, "manual review decided");
    Ok(Json(v))
}

/// The enterprise's record with the certifying authority: box 1 must equal it.
async fn enterprise_record(
    conn: &mut SqliteConnection,
    enterprise_id: i64,
) -> Result<EnterpriseRecord, ApiError> {
    let row =
        sqlx::query("SELECT name_en, address_en, scc, customs_code FROM enterprises WHERE id = ?")
            .bind(enterprise_id)
            .fetch_one(conn)
            .await?;
    Ok(EnterpriseRecord {
        name_en: row.get(0),
        address_en: row.get(1),
        credit_code: row.get(2),
        customs_code: row.get(3),
    })
}

async fn reject(
    conn: &mut SqliteConnection,
    s: &Stored,
    reasons: &[RejectionReason],
    now: i64,
) -> Result<(), ApiError> {
    sqlx::query(
        "UPDATE origin_applications SET status = ?, reasons = ?, decided_at = ? WHERE id = ?",
    )
    .bind(OriginStatus::Rejected.as_str())
    .bind(serde_json::to_string(reasons)?)
    .bind(now)
    .bind(s.id)
    .execute(&mut *conn)
    .await?;
    receipts::issue_labelled(
        conn,
        s.enterprise_id,
        Subject::Origin(s.id),
        ReceiptCode::CooE,
        (
            "原产地证书申请退回",
            "Certificate of origin application rejected",
        ),
        reasons,
        now,
    )
    .await?;
    Ok(())
}

/// Issues the certificate: number, certified fields, signature and seal,
/// all stored with the application, and the `COO-A` receipt.
async fn approve(
    conn: &mut SqliteConnection,
    state: &AppState,
    s: &Stored,
    now: i64,
) -> Result<(), ApiError> {
    let app = &s.application;
    let customs_code: String =
        sqlx::query_scalar("SELECT customs_code FROM enterprises WHERE id = ?")
            .bind(s.enterprise_id)
            .fetch_one(&mut *conn)
            .await?;
    let reg = registration_no(&customs_code);
    // Certificates are dated in China (UTC+8), on the server clock.
    let issue = (to_datetime(now) + Duration::hours(8)).date_naive();
    let year = issue.year();
    let serial = next_counter(
        conn,
        &format!("coo:{}{:02}{reg}", app.form.letter(), year % 100),
    )
    .await?;
    let serial = u16::try_from(serial)
        .ok()
        .filter(|n| *n <= 9999)
        .ok_or_else(|| ApiError::Corrupt(format!("certificate serials of {reg} exhausted")))?;
    let number = certificate_number(app.form, year, &reg, serial)
        .map_err(|e| ApiError::Corrupt(format!("certificate number: {e}")))?;
    let certified = CertifiedFields::from_application(app, &number, issue);
    let signature = portdesk_seal::sign_fields(&state.seal_key, &certified);
    let qr_text = portdesk_seal::seal(&state.seal_key, &certified)
        .map_err(|e| ApiError::Corrupt(format!("seal: {e}")))?;
    let expiry = portdesk_domain::origin::expiry_date(issue);
    sqlx::query(
        "UPDATE origin_applications SET status = ?, decided_at = ?, reasons = '[]',
         certificate_number = ?, invoice_no = ?, issue_date = ?, expiry_date = ?, certified = ?,
         signature = ?, qr_text = ?, key_id = ? WHERE id = ?",
    )
    .bind(OriginStatus::Approved.as_str())
    .bind(now)
    .bind(&number)
    .bind(app.invoices.first().map(|i| i.number.to_ascii_uppercase()))
    .bind(issue.format("%Y-%m-%d").to_string())
    .bind(expiry.format("%Y-%m-%d").to_string())
    .bind(serde_json::to_string(&certified)?)
    .bind(&signature)
    .bind(&qr_text)
    .bind(state.seal_key.key_id())
    .bind(s.id)
    .execute(&mut *conn)
    .await?;
    receipts::issue_labelled(
        conn,
        s.enterprise_id,
        Subject::Origin(s.id),
        ReceiptCode::CooA,
        (
            &format!("原产地证书已签发，证书号 {number}"),
            &format!("Certificate of origin issued, no. {number}"),
        ),
        &[],
        now,
    )
    .await?;
    tracing::info!(seq_no = %s.seq_no, %number, "certificate of origin issued");
    Ok(())
}

/// Smart review of one application: reject, hand to a person, or approve.
async fn review(
    conn: &mut SqliteConnection,
    state: &AppState,
    s: &Stored,
    now: i64,
) -> Result<(), ApiError> {
    let record = enterprise_record(&mut *conn, s.enterprise_id).await?;
    let reasons: Vec<RejectionReason> =
        validate_origin_application(&s.application, &record, &state.code_lists, Purpose::Declare)
            .into_iter()
            .filter(|p| p.is_error())
            .map(|p| RejectionReason {
                rule: p.rule,
                field: p.field,
                message_zh: p.message_zh,
                message_en: p.message_en,
            })
            .collect();
    if !reasons.is_empty() {
        return reject(conn, s, &reasons, now).await;
    }
    if let Some(why) = manual_trigger(&s.application) {
        sqlx::query("UPDATE origin_applications SET status = ? WHERE id = ?")
            .bind(OriginStatus::ManualReview.as_str())
            .bind(s.id)
            .execute(&mut *conn)
            .await?;
        receipts::issue_labelled(
            conn,
            s.enterprise_id,
            Subject::Origin(s.id),
            ReceiptCode::CooM,
            (
                &format!("转人工审核（{why}）"),
                &format!("Sent to manual review ({why})"),
            ),
            &[],
            now,
        )
        .await?;
        tracing::info!(seq_no = %s.seq_no, %why, "origin application sent to manual review");
        return Ok(());
    }
    approve(conn, state, s, now).await
}

/// Runs every origin review step that is due; returns when the next falls due.
pub async fn run_due(state: &AppState) -> Result<Option<i64>, ApiError> {
    loop {
        let now = state.clock.now_ms();
        let mut tx = state.db.begin().await?;
        let job = sqlx::query(
            "SELECT id, origin_id FROM origin_review_jobs
             WHERE done = 0 AND due_at <= ? ORDER BY due_at, id LIMIT 1",
        )
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(job) = job else {
            let next: Option<i64> =
                sqlx::query_scalar("SELECT MIN(due_at) FROM origin_review_jobs WHERE done = 0")
                    .fetch_one(&mut *tx)
                    .await?;
            return Ok(next);
        };
        let (job_id, origin_id): (i64, i64) = (job.get(0), job.get(1));
        sqlx::query("UPDATE origin_review_jobs SET done = 1 WHERE id = ?")
            .bind(job_id)
            .execute(&mut *tx)
            .await?;
        let s = load(&mut tx, origin_id).await?;
        // Only a received application is reviewed; anything else was
        // decided already by an older schedule.
        if s.status == OriginStatus::Accepted {
            review(&mut tx, state, &s, now).await?;
        }
        tx.commit().await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_no_is_nine_chars_of_the_customs_code() {
        assert_eq!(registration_no("2102930001"), "210230001");
        assert_eq!(registration_no("2102961234"), "210261234");
        let all: std::collections::HashSet<_> = crate::seed::ENTERPRISES
            .iter()
            .map(|e| registration_no(e.customs_code))
            .collect();
        assert_eq!(all.len(), crate::seed::ENTERPRISES.len(), "unique per seed");
        assert!(all.iter().all(|r| r.len() == 9));
    }

    #[test]
    fn manual_triggers() {
        let mut app = OriginApplication::new(OriginForm::E);
        assert_eq!(manual_trigger(&app), None);
        app.remarks = "please #MANUAL check".into();
        assert!(manual_trigger(&app).is_some());
        app.remarks.clear();
        app.items.push(Default::default());
        app.items[0].description = "TEN (10) CASES OF Dual-Use SENSORS ***".into();
        assert_eq!(
            manual_trigger(&app).as_deref(),
            Some("items[0].description mentions DUAL-USE")
        );
    }
}
