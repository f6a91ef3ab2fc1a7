//! What can go wrong reading or writing a declaration message. Every read
//! error names the element (as a path from the root, e.g.
//! `DecMessage/DecSign/ClientSeqNo`) and the 1-based line it was found at, so
//! a clerk can open the file and fix it; `code()` is stable for programs.

/// A message that could not be read, or a declaration that cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    #[error("message is {size} bytes, more than the limit of {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("line {line}: the XML declaration names encoding {label:?}, which is not known")]
    UnknownEncoding { label: String, line: usize },
    #[error("line {line}: bytes that are not valid {encoding}")]
    Undecodable { encoding: String, line: usize },
    #[error("{element} (line {line}): malformed XML: {reason}")]
    Malformed {
        element: String,
        line: usize,
        reason: String,
    },
    #[error("{element} (line {line}): not a declaration message; the root must be DecMessage or ImportMessage")]
    WrongRoot { element: String, line: usize },
    /// An exchange answer file (crate::exchange) with another root.
    #[error("{element} (line {line}): not an answer file; the root must be DecImportResponse or DEC_RESULT")]
    NotAnAnswer { element: String, line: usize },
    #[error("{element} (line {line}): not a modification message; the root must be DecModMessage")]
    NotModification { element: String, line: usize },
    #[error("{element} (line {line}): namespace {namespace:?}, expected {expected:?}")]
    WrongNamespace {
        element: String,
        line: usize,
        namespace: String,
        expected: &'static str,
    },
    #[error("{element} (line {line}): message version {version:?} is not supported (4.8 or 5.0)")]
    UnsupportedVersion {
        element: String,
        line: usize,
        version: String,
    },
    #[error("{element} (line {line}): required element or attribute is missing or empty")]
    Missing { element: String, line: usize },
    #[error("{element} (line {line}): appears more than once")]
    Duplicate { element: String, line: usize },
    #[error("{element} (line {line}): value {value:?} is not {expected}")]
    InvalidValue {
        element: String,
        line: usize,
        value: String,
        expected: &'static str,
    },
    #[error("{element} (line {line}): more than {limit} elements in one message")]
    TooManyElements {
        element: String,
        line: usize,
        limit: usize,
    },
    #[error("{element} (line {line}): nested more than {limit} elements deep")]
    TooDeep {
        element: String,
        line: usize,
        limit: usize,
    },
    #[error("{element} (line {line}): more than {limit} goods lines in one declaration")]
    TooManyLines {
        element: String,
        line: usize,
        limit: usize,
    },
    #[error("{element} (line {line}): more than {limit} items in one modification message")]
    TooManyItems {
        element: String,
        line: usize,
        limit: usize,
    },
    /// A modification message's `Item` (or `IeFlag`) that names no field of
    /// a declaration, or a value its field cannot take ([`changes_of`]).
    /// Items keep no line once read, so the element names the item by its
    /// 1-based position.
    ///
    /// [`changes_of`]: crate::modification::changes_of
    #[error("{element}: value {value:?} is not {expected}")]
    InvalidItem {
        element: String,
        value: String,
        expected: &'static str,
    },
    /// Writing only: the declaration or an unmodelled fragment cannot make a
    /// message that reads back.
    #[error("cannot write the message: {field}: {reason}")]
    Unwritable { field: String, reason: String },
}

impl MessageError {
    /// A stable machine-readable code (`message.*`), for logs, the UI and tests.
    pub fn code(&self) -> &'static str {
        match self {
            MessageError::TooLarge { .. } => "message.too_large",
            MessageError::UnknownEncoding { .. } => "message.unknown_encoding",
            MessageError::Undecodable { .. } => "message.undecodable",
            MessageError::Malformed { .. } => "message.malformed",
            MessageError::WrongRoot { .. }
            | MessageError::NotAnAnswer { .. }
            | MessageError::NotModification { .. } => "message.wrong_root",
            MessageError::WrongNamespace { .. } => "message.wrong_namespace",
            MessageError::UnsupportedVersion { .. } => "message.unsupported_version",
            MessageError::Missing { .. } => "message.missing",
            MessageError::Duplicate { .. } => "message.duplicate",
            MessageError::InvalidValue { .. } => "message.invalid_value",
            MessageError::TooManyElements { .. } => "message.too_many_elements",
            MessageError::TooDeep { .. } => "message.too_deep",
            MessageError::TooManyLines { .. } => "message.too_many_lines",
            MessageError::TooManyItems { .. } => "message.too_many_items",
            MessageError::InvalidItem { .. } => "message.invalid_item",
            MessageError::Unwritable { .. } => "message.unwritable",
        }
    }

    /// The element path the error is about, where there is one.
    pub fn element(&self) -> Option<&str> {
        match self {
            MessageError::Malformed { element, .. }
            | MessageError::WrongRoot { element, .. }
            | MessageError::NotAnAnswer { element, .. }
            | MessageError::NotModification { element, .. }
            | MessageError::WrongNamespace { element, .. }
            | MessageError::UnsupportedVersion { element, .. }
            | MessageError::Missing { element, .. }
            | MessageError::Duplicate { element, .. }
            | MessageError::InvalidValue { element, .. }
            | MessageError::TooManyElements { element, .. }
            | MessageError::TooDeep { element, .. }
            | MessageError::TooManyLines { element, .. }
            | MessageError::TooManyItems { element, .. }
            | MessageError::InvalidItem { element, .. } => Some(element),
            _ => None,
        }
    }

    /// The 1-based line of the input the error is about, where there is one.
    pub fn line(&self) -> Option<usize> {
        match self {
            MessageError::UnknownEncoding { line, .. }
            | MessageError::Undecodable { line, .. }
            | MessageError::Malformed { line, .. }
            | MessageError::WrongRoot { line, .. }
            | MessageError::NotAnAnswer { line, .. }
            | MessageError::NotModification { line, .. }
            | MessageError::WrongNamespace { line, .. }
            | MessageError::UnsupportedVersion { line, .. }
            | MessageError::Missing { line, .. }
            | MessageError::Duplicate { line, .. }
            | MessageError::InvalidValue { line, .. }
            | MessageError::TooManyElements { line, .. }
            | MessageError::TooDeep { line, .. }
            | MessageError::TooManyLines { line, .. }
            | MessageError::TooManyItems { line, .. } => Some(*line),
            _ => None,
        }
    }
}
