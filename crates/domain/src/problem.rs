//! What validation reports: a problem with a rule id, a severity, the field
//! it concerns and a message in Chinese and English.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Error blocks declaring; warning does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// Which requirement set applies: saving a draft (暂存) needs little,
/// declaring (申报) needs everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Draft,
    Declare,
}

/// One finding of validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Problem {
    /// Stable rule id, shared with the Single Window (e.g. `DEC-X01`).
    pub rule: String,
    pub severity: Severity,
    /// Field path in the JSON interchange form: `head.gross_weight`,
    /// `lines[2].commodity_code`, `containers[0].number`.
    pub field: String,
    pub message_zh: String,
    pub message_en: String,
}

impl Problem {
    pub fn error(
        rule: &str,
        field: impl Into<String>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Problem {
            rule: rule.to_owned(),
            severity: Severity::Error,
            field: field.into(),
            message_zh: zh.into(),
            message_en: en.into(),
        }
    }

    pub fn warning(
        rule: &str,
        field: impl Into<String>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(rule, field, zh, en)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
