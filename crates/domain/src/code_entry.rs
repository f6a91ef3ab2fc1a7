//! One code of a code list and its labels (代码及名称): what code lists and
//! the declaration elements' allowed values are made of. A room of its own
//! so both can use it without importing each other.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One code and its labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CodeEntry {
    pub code: String,
    pub label_zh: String,
    pub label_en: String,
    /// Where public copies disagree or the label is unconfirmed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}
