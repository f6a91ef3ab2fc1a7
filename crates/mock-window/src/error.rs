//! The server's error type and how it becomes an HTTP answer with an
//! [`ErrorBody`].

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use portdesk_api::{error_code, ErrorBody, RejectionReason};
use serde::de::DeserializeOwned;

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A deliberate answer: status and body chosen by the handler.
    #[error("{status}: {}", body.message)]
    Http { status: StatusCode, body: ErrorBody },
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// Stored data that no longer parses: a bug or a hand-edited database.
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError::Http {
            status,
            body: ErrorBody::new(code, message),
        }
    }

    /// An answer that says when to try again: `Retry-After` and `retry_after_secs`.
    pub fn retry_after(
        status: StatusCode,
        code: &str,
        message: impl Into<String>,
        secs: u64,
    ) -> Self {
        let mut body = ErrorBody::new(code, message);
        body.retry_after_secs = Some(secs);
        ApiError::Http { status, body }
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, error_code::UNAUTHORIZED, message)
    }

    pub fn token_expired() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            error_code::TOKEN_EXPIRED,
            "the token has expired; refresh it or log in again",
        )
    }

    /// Not found, or someone else's: deliberately the same answer.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            error_code::NOT_FOUND,
            format!("no such {what}"),
        )
    }

    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, error_code::CONFLICT, message)
    }

    /// A rule-based refusal (422) with machine-readable reasons.
    pub fn refused(code: &str, message: impl Into<String>, reasons: Vec<RejectionReason>) -> Self {
        let mut body = ErrorBody::new(code, message);
        body.reasons = reasons;
        ApiError::Http {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body,
        }
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        ApiError::Corrupt(e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Http { status, body } => {
                let retry_after = body.retry_after_secs;
                let mut r = (status, Json(body)).into_response();
                if let Some(secs) = retry_after {
                    r.headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
                }
                r
            }
            other => {
                tracing::error!(error = %other, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Json(ErrorBody::new(error_code::INTERNAL, other.to_string())),
                )
                    .into_response()
            }
        }
    }
}

/// JSON body extractor whose failures answer with an [`ErrorBody`]
/// (`invalid_body`) instead of axum's plain-text rejection.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(JsonBody(v)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(r: JsonRejection) -> ApiError {
    if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            error_code::INVALID_BODY,
            r.body_text(),
        );
    }
    ApiError::bad_request(error_code::INVALID_BODY, r.body_text())
}

/// Reads a whole request body of at most `limit` bytes: beyond it 413, a
/// body that breaks off 400 (both `invalid_body`).
pub async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    match to_bytes(body, limit).await {
        Ok(b) => Ok(b),
        Err(e) => {
            let too_large = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
                || e.to_string().contains("length limit exceeded");
            if too_large {
                Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    error_code::INVALID_BODY,
                    format!("the request body is larger than {limit} bytes"),
                ))
            } else {
                Err(ApiError::bad_request(
                    error_code::INVALID_BODY,
                    format!("cannot read the request body: {e}"),
                ))
            }
        }
    }
}
