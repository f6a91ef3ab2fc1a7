//! The server's error type and how it becomes an HTTP answer with an
//! [`ErrorBody`].

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
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
            ApiError::Http { status, body } => (status, Json(body)).into_response(),
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
    ApiError::bad_request(error_code::INVALID_BODY, r.body_text())
}
