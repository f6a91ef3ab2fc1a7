//! The one error that crosses IPC: `{ code, message, field? }`. The UI
//! translates `code`; `message` is the English detail for logs and support;
//! `field` is the JSON path of the field to put the message beside.

use portdesk_drafts::certificates::CertificateError;
use portdesk_drafts::DraftError;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        ApiError {
            code: code.to_owned(),
            message: message.into(),
            field: None,
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        ApiError {
            field: Some(field.to_owned()),
            ..ApiError::new("invalid_input", message)
        }
    }
}

/// A document id (a draft's or an application's) as the UI sends it:
/// `invalid_input` on `id` when it is not one. Every command taking an id
/// parses it here.
pub fn document_id(id: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(id)
        .map_err(|_| ApiError::invalid("id", format!("not a document id: {id}")))
}

impl From<DraftError> for ApiError {
    fn from(e: DraftError) -> Self {
        let field = e.field().map(str::to_owned);
        if e.code() == "db" {
            tracing::error!(error = %e, "store failure");
        }
        ApiError {
            code: e.code().to_owned(),
            message: e.to_string(),
            field,
        }
    }
}

impl From<CertificateError> for ApiError {
    fn from(e: CertificateError) -> Self {
        ApiError {
            code: e.code().to_owned(),
            message: e.to_string(),
            field: e.field().map(str::to_owned),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_code_message_field() {
        let json = serde_json::to_value(ApiError::invalid("id", "not a UUID")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "invalid_input", "message": "not a UUID", "field": "id"})
        );
    }
}
