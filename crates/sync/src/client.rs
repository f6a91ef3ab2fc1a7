//! The HTTP side: one reqwest client, the calls the worker makes, and the
//! pure classification of an answer into what the outbox does next.
//!
//! Secrets never reach a log line: the login body is logged with the
//! password replaced, the token answer without its tokens, and the
//! `Authorization` header is never logged at all.

use std::time::Duration;

use chrono::Utc;
use portdesk_api::{error_code, ErrorBody, FilingAnswer, LoginRequest, ReceiptPage, TokenResponse};
use portdesk_store::{LogDirection, LogEntry, OutboxEntry};
use reqwest::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use uuid::Uuid;

use crate::credentials::Account;
use crate::secret::Secret;

/// Replaces secrets in logged bodies.
pub const REDACTED: &str = "<redacted>";

/// A thin client of the Single Window API.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
}

/// An HTTP answer, read completely.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub retry_after: Option<Duration>,
    pub body: Vec<u8>,
}

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// Connection refused or no route: the server is not there. The worker
    /// pauses instead of burning retries.
    Offline(String),
    /// Connected, but the answer never came (dropped, reset, timed out): the
    /// write may or may not have happened.
    Dropped(String),
}

impl TransportError {
    pub fn message(&self) -> &str {
        match self {
            TransportError::Offline(m) | TransportError::Dropped(m) => m,
        }
    }
}

impl Client {
    pub fn new(server: &str, timeout: Duration) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(timeout)
            .build()
            .expect("reqwest client with rustls builds");
        Client {
            http,
            base: server.trim_end_matches('/').to_owned(),
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// `POST /v1/auth/login`. Returns the answer and its (redacted) log lines.
    pub async fn login(
        &self,
        account: &Account,
        password: &Secret,
    ) -> (Result<Answer, TransportError>, Vec<LogEntry>) {
        let path = "/v1/auth/login";
        let body = LoginRequest {
            customs_code: account.customs_code.clone(),
            operator: account.operator.clone(),
            password: password.expose().to_owned(),
        };
        let logged = LoginRequest {
            password: REDACTED.to_owned(),
            ..body.clone()
        };
        let mut log = vec![log_line(
            LogDirection::Request,
            "POST",
            path,
            None,
            serde_json::to_string(&logged).unwrap_or_default(),
        )];
        let result = self.send(self.http.post(self.url(path)).json(&body)).await;
        log.push(answer_line(
            "POST",
            path,
            None,
            &result,
            redact_token_answer,
        ));
        (result, log)
    }

    /// Sends one outbox entry: its stored method, path and exact body bytes,
    /// its idempotency key, the bearer token.
    pub async fn send_entry(
        &self,
        entry: &OutboxEntry,
        token: &Secret,
    ) -> (Result<Answer, TransportError>, LogEntry) {
        let method =
            reqwest::Method::from_bytes(entry.method.as_bytes()).unwrap_or(reqwest::Method::POST);
        let request = self
            .http
            .request(method, self.url(&entry.path))
            .header(AUTHORIZATION, format!("Bearer {}", token.expose()))
            .header(CONTENT_TYPE, "application/json")
            .header(
                portdesk_api::header::IDEMPOTENCY_KEY,
                entry.idempotency_key.to_string(),
            )
            .body(entry.body.clone());
        let result = self.send(request).await;
        let mut line = answer_line(
            &entry.method,
            &entry.path,
            Some(entry.idempotency_key),
            &result,
            |b| b.to_owned(),
        );
        line.outbox_seq = Some(entry.seq);
        (result, line)
    }

    /// `GET /v1/declarations/{seq_no}`: a filing as the server holds it.
    pub async fn get_filing(
        &self,
        token: &Secret,
        seq_no: &str,
    ) -> (Result<Answer, TransportError>, Vec<LogEntry>) {
        let path = format!("/v1/declarations/{seq_no}");
        let request = self
            .http
            .get(self.url(&path))
            .header(AUTHORIZATION, format!("Bearer {}", token.expose()));
        let result = self.send(request).await;
        let log = vec![
            log_line(LogDirection::Request, "GET", &path, None, String::new()),
            answer_line("GET", &path, None, &result, |b| b.to_owned()),
        ];
        (result, log)
    }

    /// `GET /v1/receipts?since=&limit=`.
    pub async fn receipts(
        &self,
        token: &Secret,
        since: &str,
        limit: u32,
    ) -> (Result<Answer, TransportError>, Vec<LogEntry>) {
        let path = format!("/v1/receipts?since={since}&limit={limit}");
        let request = self
            .http
            .get(self.url(&path))
            .header(AUTHORIZATION, format!("Bearer {}", token.expose()));
        let result = self.send(request).await;
        let log = vec![
            log_line(LogDirection::Request, "GET", &path, None, String::new()),
            answer_line("GET", &path, None, &result, |b| b.to_owned()),
        ];
        (result, log)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Answer, TransportError> {
        let response = request.send().await.map_err(transport_error)?;
        let status = response.status().as_u16();
        let retry_after = retry_after(response.headers());
        let body = response
            .bytes()
            .await
            .map_err(|e| TransportError::Dropped(describe(&e)))?
            .to_vec();
        Ok(Answer {
            status,
            retry_after,
            body,
        })
    }
}

fn transport_error(e: reqwest::Error) -> TransportError {
    if e.is_connect() {
        TransportError::Offline(describe(&e))
    } else {
        TransportError::Dropped(describe(&e))
    }
}

/// The error with its causes, which is where "connection refused" lives.
/// reqwest's messages carry the URL, never headers, so no token.
fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// `Retry-After` in seconds (the form the Single Window uses). HTTP dates
/// are not sent by it; they are treated as absent.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

fn log_line(
    direction: LogDirection,
    method: &str,
    path: &str,
    key: Option<Uuid>,
    body: String,
) -> LogEntry {
    LogEntry {
        at: Utc::now(),
        direction,
        method: method.to_owned(),
        path: path.to_owned(),
        outbox_seq: None,
        idempotency_key: key,
        status: None,
        retry_after_ms: None,
        body,
    }
}

fn answer_line(
    method: &str,
    path: &str,
    key: Option<Uuid>,
    result: &Result<Answer, TransportError>,
    redact: impl Fn(&str) -> String,
) -> LogEntry {
    match result {
        Ok(a) => LogEntry {
            status: Some(a.status),
            retry_after_ms: a.retry_after.map(|d| d.as_millis() as i64),
            ..log_line(
                LogDirection::Response,
                method,
                path,
                key,
                redact(&String::from_utf8_lossy(&a.body)),
            )
        },
        Err(e) => log_line(
            LogDirection::Error,
            method,
            path,
            key,
            e.message().to_owned(),
        ),
    }
}

/// A token answer without its tokens.
fn redact_token_answer(body: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(mut v) => {
            for field in ["token", "refresh_token"] {
                if let Some(slot) = v.get_mut(field) {
                    *slot = serde_json::Value::String(REDACTED.to_owned());
                }
            }
            v.to_string()
        }
        // Not JSON: cannot know what is in it, so keep nothing.
        Err(_) => REDACTED.to_owned(),
    }
}

/// What to do with an outbox entry after an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// 2xx: the server holds the filing.
    Done(Option<Box<FilingAnswer>>),
    /// Transient: retry, and not before `retry_after` if the server said so.
    Retry {
        code: String,
        retry_after: Option<Duration>,
    },
    /// 401: log in again (silently, with the stored password), then retry.
    Reauthenticate,
    /// Permanent refusal: record, never send again.
    Failed(ErrorBody),
}

/// Classifies an answer to a write.
///
/// Retryable: 408 (timeout), 409 (`idempotency_key_in_flight`: the first
/// attempt is still running), 425, 429 (with `Retry-After`), every 5xx.
/// 401 → re-login. Any other 4xx (validation, `idempotency_key_reused`,
/// `invalid_body` …) is permanent: sending the same bytes again cannot help.
pub fn classify(answer: &Answer) -> Verdict {
    let s = answer.status;
    if (200..300).contains(&s) {
        return Verdict::Done(serde_json::from_slice(&answer.body).ok().map(Box::new));
    }
    let body: Option<ErrorBody> = serde_json::from_slice(&answer.body).ok();
    let code = body
        .as_ref()
        .map(|b| b.code.clone())
        .unwrap_or_else(|| format!("http_{s}"));
    match s {
        401 => Verdict::Reauthenticate,
        408 | 409 | 425 | 429 | 500..=599 => Verdict::Retry {
            retry_after: answer.retry_after.or_else(|| {
                body.as_ref()
                    .and_then(|b| b.retry_after_secs)
                    .map(Duration::from_secs)
            }),
            code,
        },
        400..=499 => Verdict::Failed(
            body.unwrap_or_else(|| ErrorBody::new(&code, format!("HTTP {s} with no error body"))),
        ),
        // 1xx/3xx: not something this API sends; try again later.
        _ => Verdict::Retry {
            code,
            retry_after: None,
        },
    }
}

/// Parses a token answer.
pub fn parse_token(answer: &Answer) -> Result<TokenResponse, String> {
    serde_json::from_slice(&answer.body).map_err(|e| format!("token answer: {e}"))
}

/// Parses a receipts page.
pub fn parse_receipts(answer: &Answer) -> Result<ReceiptPage, String> {
    serde_json::from_slice(&answer.body).map_err(|e| format!("receipt page: {e}"))
}

/// Whether a 401 says the credentials themselves are wrong (not just an
/// expired token).
pub fn is_bad_credentials(answer: &Answer) -> bool {
    answer.status == 401
        && serde_json::from_slice::<ErrorBody>(&answer.body)
            .map(|b| b.code != error_code::TOKEN_EXPIRED)
            .unwrap_or(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str, retry_after: Option<u64>) -> Answer {
        Answer {
            status,
            retry_after: retry_after.map(Duration::from_secs),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn classification() {
        assert!(matches!(
            classify(&answer(201, "{}", None)),
            Verdict::Done(None)
        ));
        assert_eq!(
            classify(&answer(
                401,
                r#"{"code":"token_expired","message":"x"}"#,
                None
            )),
            Verdict::Reauthenticate
        );
        assert_eq!(
            classify(&answer(
                429,
                r#"{"code":"rate_limited","message":"x"}"#,
                Some(1)
            )),
            Verdict::Retry {
                code: "rate_limited".into(),
                retry_after: Some(Duration::from_secs(1))
            }
        );
        // The body's retry_after_secs counts when the header is missing.
        assert_eq!(
            classify(&answer(
                429,
                r#"{"code":"rate_limited","message":"x","retry_after_secs":3}"#,
                None
            )),
            Verdict::Retry {
                code: "rate_limited".into(),
                retry_after: Some(Duration::from_secs(3))
            }
        );
        for s in [408, 409, 500, 503] {
            assert!(
                matches!(classify(&answer(s, "", None)), Verdict::Retry { .. }),
                "{s}"
            );
        }
        for s in [400, 403, 404, 422] {
            assert!(
                matches!(classify(&answer(s, "", None)), Verdict::Failed(_)),
                "{s}"
            );
        }
        match classify(&answer(
            422,
            r#"{"code":"validation_failed","message":"m","reasons":[{"rule":"DEC-1","field":"head.x","message_zh":"z","message_en":"e"}]}"#,
            None,
        )) {
            Verdict::Failed(b) => {
                assert_eq!(b.code, "validation_failed");
                assert_eq!(b.reasons.len(), 1);
            }
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn token_answers_are_redacted() {
        let r = redact_token_answer(
            r#"{"token":"mwa_secret","refresh_token":"mwr_x","operator":"op01"}"#,
        );
        assert!(!r.contains("mwa_secret") && !r.contains("mwr_x"));
        assert!(r.contains("op01"));
        assert_eq!(redact_token_answer("garbage mwa_secret"), REDACTED);
    }
}
