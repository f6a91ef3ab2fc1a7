//! The HTTP side, the one place PortDesk talks HTTP: one reqwest client
//! for the process (connections are reused across the worker, certificates,
//! reference data and payments), [`Client::call`] that every request goes
//! through (timeout, bearer token, idempotency key, and both log lines built
//! here), the calls the worker makes, and the pure classification of an
//! answer into what the outbox does next.
//!
//! Secrets never reach a log line: the login body is logged with the
//! password replaced, the token answer without its tokens, and the
//! `Authorization` header is never logged at all.

use std::time::Duration;

use chrono::Utc;
use portdesk_api::{error_code, ErrorBody, FilingAnswer, LoginRequest, ReceiptPage, TokenResponse};
use portdesk_store::{LogDirection, LogEntry, OutboxEntry, Store};
use reqwest::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE, ETAG, IF_NONE_MATCH, RETRY_AFTER};
use reqwest::Method;
use uuid::Uuid;

use crate::credentials::Account;
use crate::secret::Secret;
use crate::SyncError;

/// Replaces secrets in logged bodies.
pub const REDACTED: &str = "<redacted>";

/// The longest delay a server may ask for (`Retry-After`, `retry_after_secs`).
/// A larger or absurd value (a misconfigured gateway, a hostile answer) is
/// taken as this: an entry is never parked for years, and no instant
/// computed from a server's number can overflow.
pub const MAX_SERVER_DELAY: Duration = Duration::from_secs(3600);

/// The largest answer read, per kind: beyond it the answer is refused
/// (a transient failure with the reason in the log), never read into
/// memory. A hostile or broken server sending 50 MiB gets nowhere.
pub mod max_answer {
    /// A login's token answer.
    pub const LOGIN: usize = 64 * 1024;
    /// The answer to a filing, an amendment, a certificate application, or
    /// a filing read back.
    pub const FILING: usize = 1024 * 1024;
    /// A page of receipts (at most 500).
    pub const RECEIPT_PAGE: usize = 8 * 1024 * 1024;
    /// Anything else: reference data (guarantees, enterprise profile, port
    /// fees, code lists), a certificate, the issuer keys, a payment.
    pub const OTHER: usize = 16 * 1024 * 1024;
}

/// A thin client of the Single Window API: the server's base URL and the
/// per-request timeout over the process's one reqwest client.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    timeout: Duration,
}

/// The process's one reqwest client; cloning it shares the connection pool.
fn shared_http() -> reqwest::Client {
    static HTTP: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    HTTP.get_or_init(|| {
        reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            // A redirect would re-send the request, password or bearer
            // token included, wherever the server points: never follow one.
            // A 3xx is an answer like any other (a login answered 307
            // fails as "unexpected answer").
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("reqwest client with rustls builds")
    })
    .clone()
}

/// An HTTP answer, read completely.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub retry_after: Option<Duration>,
    pub etag: Option<String>,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as text (lossy: the log and error messages only).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One request: what to send, and what the log keeps of it.
#[derive(Debug, Clone)]
pub struct Call<'a> {
    pub method: Method,
    /// Path and query, e.g. `/v1/receipts?since=0&limit=500`.
    pub path: &'a str,
    /// Sent as `Authorization: Bearer …`; never logged.
    pub token: Option<&'a Secret>,
    /// A JSON body, sent as is.
    pub body: Option<Vec<u8>>,
    /// What the log records of the body; `None`: the body itself.
    pub logged_body: Option<String>,
    pub idempotency_key: Option<Uuid>,
    /// `If-None-Match` (cached reference data).
    pub if_none_match: Option<&'a str>,
    /// The outbox entry the request delivers, for the log.
    pub outbox_seq: Option<i64>,
    /// The largest answer read ([`max_answer`]).
    pub max_answer: usize,
}

impl<'a> Call<'a> {
    /// A `GET` of `path` with the bearer token.
    pub fn get(path: &'a str, token: Option<&'a Secret>) -> Self {
        Call {
            method: Method::GET,
            path,
            token,
            body: None,
            logged_body: None,
            idempotency_key: None,
            if_none_match: None,
            outbox_seq: None,
            max_answer: max_answer::OTHER,
        }
    }

    /// A `POST` of a JSON body to `path` with the bearer token.
    pub fn post(path: &'a str, token: Option<&'a Secret>, body: Vec<u8>) -> Self {
        Call {
            method: Method::POST,
            body: Some(body),
            ..Call::get(path, token)
        }
    }
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

/// Why a server address is refused: plain `http://` to anything but this
/// machine would carry the password and tokens readable by anyone on the
/// way. `None`: the address may be used.
pub fn insecure_server(server: &str) -> Option<String> {
    let url = match reqwest::Url::parse(server.trim()) {
        Ok(u) => u,
        Err(e) => return Some(format!("the server setting {server:?} is not a URL: {e}")),
    };
    match url.scheme() {
        "https" => None,
        "http" if is_loopback(&url) => None,
        "http" => Some(format!(
            "the server setting {server} uses plain http to another machine; \
             use https:// (plain http is allowed to this computer only) / \
             服务器地址必须使用 https://（仅本机地址可用 http）"
        )),
        other => Some(format!(
            "the server setting {server} has scheme {other}; use https://"
        )),
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Client {
    pub fn new(server: &str, timeout: Duration) -> Self {
        Client {
            http: shared_http(),
            base: server.trim_end_matches('/').to_owned(),
            timeout,
        }
    }

    /// Sends `call` and reads the whole answer. Returns the answer (or why
    /// there was none) and the two log lines, request and answer, with the
    /// answer's body passed through `redact_answer`.
    pub async fn call(
        &self,
        call: Call<'_>,
        redact_answer: fn(&str) -> String,
    ) -> (Result<Answer, TransportError>, Vec<LogEntry>) {
        let method = call.method.as_str().to_owned();
        let logged = call.logged_body.clone().unwrap_or_else(|| {
            call.body
                .as_deref()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default()
        });
        let mut request = self
            .http
            .request(call.method.clone(), self.url(call.path))
            .timeout(self.timeout);
        if let Some(token) = call.token {
            request = request.header(AUTHORIZATION, format!("Bearer {}", token.expose()));
        }
        if let Some(key) = call.idempotency_key {
            request = request.header(portdesk_api::header::IDEMPOTENCY_KEY, key.to_string());
        }
        if let Some(etag) = call.if_none_match {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(body) = call.body {
            request = request.header(CONTENT_TYPE, "application/json").body(body);
        }
        if let Some(reason) = insecure_server(&self.base) {
            // Checked at login too; here so that nothing, not even a stored
            // account from an older version, sends a token in the clear.
            let refused = Err(TransportError::Offline(reason));
            let line = answer_line(&method, call.path, call.idempotency_key, &refused, |b| {
                b.to_owned()
            });
            return (refused, vec![line]);
        }
        let mut sent = log_line(
            LogDirection::Request,
            &method,
            call.path,
            call.idempotency_key,
            logged,
        );
        sent.outbox_seq = call.outbox_seq;
        let result = self.send(request, call.max_answer).await;
        let mut answered = answer_line(
            &method,
            call.path,
            call.idempotency_key,
            &result,
            redact_answer,
        );
        answered.outbox_seq = call.outbox_seq;
        (result, vec![sent, answered])
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
        let call = Call {
            logged_body: Some(serde_json::to_string(&logged).unwrap_or_default()),
            max_answer: max_answer::LOGIN,
            ..Call::post(path, None, serde_json::to_vec(&body).unwrap_or_default())
        };
        self.call(call, redact_token_answer).await
    }

    /// A request outside the outbox (reference data, certificates, payments):
    /// sent with [`Client::call`], both log lines appended to the store's
    /// message log, and any answer but 2xx or 304 turned into an error —
    /// no answer: `offline`; 401: `not_logged_in`; else `protocol` with the
    /// server's code and message.
    pub async fn fetch(&self, store: &Store, call: Call<'_>) -> Result<Answer, SyncError> {
        let what = format!("{} {}", call.method, call.path);
        let (result, log) = self.call(call, |b| b.to_owned()).await;
        store.append_log(&log).await?;
        let answer = result.map_err(|e| SyncError::Offline(e.message().to_owned()))?;
        match answer.status {
            200..=299 | 304 => Ok(answer),
            401 => Err(SyncError::NotLoggedIn(format!(
                "{what}: the server refused the token; log in again"
            ))),
            s => {
                let detail = serde_json::from_slice::<ErrorBody>(&answer.body)
                    .map(|b| format!("{}: {}", b.code, b.message))
                    .unwrap_or_else(|_| format!("HTTP {s}"));
                Err(SyncError::Protocol(format!("{what}: {detail}")))
            }
        }
    }

    /// Sends one outbox entry: its stored method, path and exact body bytes,
    /// its idempotency key, the bearer token.
    pub async fn send_entry(
        &self,
        entry: &OutboxEntry,
        token: &Secret,
    ) -> (Result<Answer, TransportError>, LogEntry) {
        let call = Call {
            method: Method::from_bytes(entry.method.as_bytes()).unwrap_or(Method::POST),
            idempotency_key: Some(entry.idempotency_key),
            outbox_seq: Some(entry.seq),
            max_answer: max_answer::FILING,
            // The request line was logged when the entry was claimed.
            ..Call::post(&entry.path, Some(token), entry.body.clone())
        };
        let (result, mut log) = self.call(call, |b| b.to_owned()).await;
        let answered = log.pop().expect("an answer line");
        (result, answered)
    }

    /// `GET /v1/declarations/{seq_no}`: a filing as the server holds it.
    pub async fn get_filing(
        &self,
        token: &Secret,
        seq_no: &str,
    ) -> (Result<Answer, TransportError>, Vec<LogEntry>) {
        let path = format!("/v1/declarations/{seq_no}");
        let call = Call {
            max_answer: max_answer::FILING,
            ..Call::get(&path, Some(token))
        };
        self.call(call, |b| b.to_owned()).await
    }

    /// `GET /v1/receipts?since=&limit=`.
    pub async fn receipts(
        &self,
        token: &Secret,
        since: &str,
        limit: u32,
    ) -> (Result<Answer, TransportError>, Vec<LogEntry>) {
        let path = format!("/v1/receipts?since={since}&limit={limit}");
        let call = Call {
            max_answer: max_answer::RECEIPT_PAGE,
            ..Call::get(&path, Some(token))
        };
        self.call(call, |b| b.to_owned()).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends and reads the answer, at most `max` bytes of it: a declared
    /// length over `max` is refused before reading, and a body that grows
    /// past it is dropped mid-stream.
    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        max: usize,
    ) -> Result<Answer, TransportError> {
        let mut response = request.send().await.map_err(transport_error)?;
        let status = response.status().as_u16();
        let retry_after = retry_after(response.headers());
        let etag = response
            .headers()
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let too_large = || {
            TransportError::Dropped(format!(
                "answer refused: larger than {max} bytes (HTTP {status})"
            ))
        };
        if response.content_length().is_some_and(|n| n > max as u64) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| TransportError::Dropped(describe(&e)))?
        {
            if body.len() + chunk.len() > max {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status,
            retry_after,
            etag,
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
        .map(|secs| Duration::from_secs(secs).min(MAX_SERVER_DELAY))
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
        truncated: None,
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
    /// The other side holds the request and has not answered yet (the
    /// exchange folders' `102 Processing`: a file in `OutBox` or `SentBox`):
    /// look again after `after`. Not a failure: the backoff does not grow.
    Wait { code: String, after: Duration },
    /// 401: log in again (silently, with the stored password), then retry.
    Reauthenticate,
    /// Permanent refusal: record, never send again.
    Failed(ErrorBody),
}

/// The failure code of an entry the exchange folders cannot carry when the
/// account has no server (`exchange::ExchangeTransport`).
pub const EXCHANGE_UNSUPPORTED: &str = "exchange_unsupported";

/// Classifies an answer to a write.
///
/// Retryable: 408 (timeout), 409 (`idempotency_key_in_flight`: the first
/// attempt is still running), 425, 429 (with `Retry-After`), every 5xx.
/// 401 → re-login. Any other 4xx (validation, `idempotency_key_reused`,
/// `invalid_body` …) is permanent: sending the same bytes again cannot help.
/// So is [`EXCHANGE_UNSUPPORTED`].
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
    // The exchange folders of an account without a server cannot carry
    // this entry (a certificate-of-origin application …): no server will
    // ever come for that account, so it fails now rather than wait; the
    // clerk's retry sends it again.
    if code == EXCHANGE_UNSUPPORTED {
        return Verdict::Failed(body.unwrap_or_else(|| ErrorBody::new(&code, format!("HTTP {s}"))));
    }
    match s {
        // Only the exchange transport answers 102 (HTTP never hands a
        // final 1xx to the client).
        102 => Verdict::Wait {
            code,
            after: answer
                .retry_after
                .unwrap_or(Duration::from_secs(2))
                .min(MAX_SERVER_DELAY),
        },
        401 => Verdict::Reauthenticate,
        408 | 409 | 425 | 429 | 500..=599 => Verdict::Retry {
            retry_after: answer
                .retry_after
                .or_else(|| {
                    body.as_ref()
                        .and_then(|b| b.retry_after_secs)
                        .map(Duration::from_secs)
                })
                .map(|d| d.min(MAX_SERVER_DELAY)),
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
            etag: None,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn a_server_delay_is_capped_whatever_the_server_says() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "99999999999999".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(MAX_SERVER_DELAY));
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        for body in [
            r#"{"code":"rate_limited","message":"x","retry_after_secs":99999999999999}"#,
            r#"{"code":"rate_limited","message":"x","retry_after_secs":1000000000}"#,
        ] {
            let verdict = classify(&answer(429, body, None));
            assert_eq!(
                verdict,
                Verdict::Retry {
                    code: "rate_limited".into(),
                    retry_after: Some(MAX_SERVER_DELAY)
                },
                "{body}"
            );
        }
        // Waiting the capped delay is an instant chrono can hold.
        let _ = chrono::Utc::now() + MAX_SERVER_DELAY;
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
