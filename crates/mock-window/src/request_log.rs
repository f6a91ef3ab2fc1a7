//! The request log (`--request-log PATH`): one JSON line per /v1 write the
//! server receives (filings, amendments, origin applications, payments;
//! never `/v1/auth/*`), written before anything else is done with it.
//!
//! It is evidence for fault tests: "the client sent this filing twice, with
//! the same `Idempotency-Key`" must be checkable even when the server was
//! told to fail or drop the request, and even after the server is killed
//! with SIGKILL. So the line is written before the guard and the handler
//! run, with one `write` of the whole line to a file opened `O_APPEND` (no
//! userspace buffer to lose, no interleaving between requests), and a reader
//! skips a torn last line only if the disk itself lost the tail.
//!
//! Line: `{"method":"POST","path":"/v1/declarations","idempotency_key":"…"|null,"client_seq_no":"…"|null}`.
//! The exchange folders (`--exchange-dir`) log each message file they take
//! the same way: `{"method":"EXCHANGE","path":"<file name>","idempotency_key":null,"client_seq_no":…}`.
//! `client_seq_no` is the body's top-level one, or that of the top-level
//! `declaration` (a filing wraps its declaration, whose id it is).

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use portdesk_api::header as api_header;
use serde::Serialize;
use serde_json::Value;

use crate::error::read_body;
use crate::AppState;

/// The open log file.
#[derive(Debug)]
pub struct RequestLog {
    file: Mutex<File>,
}

#[derive(Serialize)]
struct Line<'a> {
    method: &'a str,
    path: &'a str,
    idempotency_key: Option<&'a str>,
    client_seq_no: Option<String>,
}

impl RequestLog {
    /// Opens (creating, owner-only) the log for appending.
    pub fn open(path: &Path) -> std::io::Result<RequestLog> {
        let mut options = std::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        Ok(RequestLog {
            file: Mutex::new(options.open(path)?),
        })
    }

    /// The exchange side's line for a message file it took (see
    /// [`crate::exchange`]): method `EXCHANGE`, the file name as `path`.
    pub fn append_exchange(
        &self,
        file_name: &str,
        client_seq_no: Option<String>,
    ) -> std::io::Result<()> {
        self.append(&Line {
            method: "EXCHANGE",
            path: file_name,
            idempotency_key: None,
            client_seq_no,
        })
    }

    fn append(&self, line: &Line<'_>) -> std::io::Result<()> {
        let mut bytes = serde_json::to_vec(line).map_err(std::io::Error::other)?;
        bytes.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        // One call with the whole line: with O_APPEND the kernel places it
        // at the end in one piece.
        file.write_all(&bytes)
    }
}

fn client_seq_no(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let top = v
        .get("client_seq_no")
        .or_else(|| v.get("declaration").and_then(|d| d.get("client_seq_no")))?;
    top.as_str().map(str::to_owned)
}

/// Middleware on the protected /v1 routes: logs each write, then passes it on
/// with its body intact.
pub async fn log_writes(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(log) = state.request_log.clone() else {
        return next.run(req).await;
    };
    if matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match read_body(body, state.body_limit).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let key = parts
        .headers
        .get(api_header::IDEMPOTENCY_KEY)
        .and_then(|v| v.to_str().ok());
    let line = Line {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        idempotency_key: key,
        client_seq_no: client_seq_no(&bytes),
    };
    if let Err(e) = log.append(&line) {
        // The log is evidence for a test: better no answer than a wrong one.
        tracing::error!(error = %e, "cannot append to the request log");
        return crate::error::ApiError::Corrupt(format!("request log: {e}")).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::client_seq_no;

    #[test]
    fn finds_the_document_id_at_the_top_or_in_the_declaration() {
        assert_eq!(
            client_seq_no(br#"{"client_seq_no":"A1","x":1}"#).as_deref(),
            Some("A1")
        );
        assert_eq!(
            client_seq_no(br#"{"declaration":{"client_seq_no":"D1"}}"#).as_deref(),
            Some("D1")
        );
        assert_eq!(client_seq_no(b"not json"), None);
        assert_eq!(client_seq_no(br#"{"client_seq_no":7}"#), None);
    }
}
