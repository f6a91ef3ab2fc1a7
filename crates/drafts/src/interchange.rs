//! The JSON interchange file (docs/formats/declaration.md): one declaration,
//! or an export bundle of many.

use std::path::Path;

use portdesk_domain::limits::{declaration_overlong, IMPORT_FILE};
use portdesk_domain::Declaration;
use serde::{Deserialize, Serialize};

use crate::files::{read_text_limited, ReadError};

/// Format tag written into every export bundle.
pub const BUNDLE_FORMAT: &str = "portdesk.declarations";
/// Version of the bundle layout; bumped on an incompatible change.
pub const BUNDLE_VERSION: u32 = 1;

/// Several declarations exported together.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub format: String,
    pub version: u32,
    pub declarations: Vec<Declaration>,
}

impl Bundle {
    pub fn new(declarations: Vec<Declaration>) -> Self {
        Bundle {
            format: BUNDLE_FORMAT.to_owned(),
            version: BUNDLE_VERSION,
            declarations,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InterchangeError {
    /// serde's message carries line and column and the field it stopped at.
    #[error("not a declaration or a PortDesk export: {0}")]
    Json(#[from] serde_json::Error),
    #[error("unsupported export format {format} version {version}")]
    Unsupported { format: String, version: u32 },
}

/// Why a declaration file given by path was not taken.
#[derive(Debug, thiserror::Error)]
pub enum ImportFileError {
    /// Missing, unreadable, not UTF-8, or over [`IMPORT_FILE`]'s size.
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("{path}: {error}")]
    Format {
        path: String,
        error: InterchangeError,
    },
    /// Fields over the limits table's lengths (`portdesk_domain::limits`),
    /// one message each: "lines[0].name (…): at most 255 characters, 300 given".
    #[error("{path}: {client_seq_no}: {}", messages.join("; "))]
    TooLong {
        path: String,
        client_seq_no: String,
        /// The field paths, in table order.
        fields: Vec<String>,
        messages: Vec<String>,
    },
}

/// The declarations in the file at `path` (read up to [`IMPORT_FILE`]'s
/// size), not yet checked against the field lengths ([`check_lengths`]):
/// `validate` reports those as problems, `import` refuses them.
pub fn read_declarations_file(path: &Path) -> Result<Vec<Declaration>, ImportFileError> {
    let text = read_text_limited(path, &IMPORT_FILE)?;
    read_declarations(&text).map_err(|error| ImportFileError::Format {
        path: path.display().to_string(),
        error,
    })
}

/// Refuses declarations with a field over its length, naming the file
/// (`path`), the declaration and every such field. Importing checks every
/// declaration of every file with this before it writes any: a refused
/// file changes nothing saved.
pub fn check_lengths(path: &str, declarations: &[Declaration]) -> Result<(), ImportFileError> {
    for d in declarations {
        if let Some(size) = portdesk_domain::limits::extensions_oversize(d) {
            return Err(ImportFileError::TooLong {
                path: path.to_owned(),
                client_seq_no: d.client_seq_no.clone(),
                fields: vec!["extensions".to_owned()],
                messages: vec![portdesk_domain::limits::extensions_messages(size).1],
            });
        }
        let overlong = declaration_overlong(d);
        if overlong.is_empty() {
            continue;
        }
        return Err(ImportFileError::TooLong {
            path: path.to_owned(),
            client_seq_no: d.client_seq_no.clone(),
            fields: overlong.iter().map(|o| o.field.clone()).collect(),
            messages: overlong
                .iter()
                .map(|o| portdesk_domain::validate::length_problem(o).message_en)
                .collect(),
        });
    }
    Ok(())
}

/// Reads a file that holds either one declaration or an export bundle.
pub fn read_declarations(text: &str) -> Result<Vec<Declaration>, InterchangeError> {
    let value: serde_json::Value = serde_json::from_str(text)?;
    if value.get("format").is_some() {
        let bundle: Bundle = serde_json::from_value(value)?;
        if bundle.format != BUNDLE_FORMAT || bundle.version != BUNDLE_VERSION {
            return Err(InterchangeError::Unsupported {
                format: bundle.format,
                version: bundle.version,
            });
        }
        return Ok(bundle.declarations);
    }
    // Parse from the text, not the Value, so errors keep line and column.
    Ok(vec![serde_json::from_str(text)?])
}

#[cfg(test)]
mod tests {
    use super::*;
    use portdesk_domain::IeFlag;

    #[test]
    fn reads_a_single_declaration_and_a_bundle() {
        let d = Declaration::new("PD0000000000000001".into(), IeFlag::E);
        let single = serde_json::to_string(&d).unwrap();
        assert_eq!(read_declarations(&single).unwrap(), vec![d.clone()]);
        let bundle = serde_json::to_string(&Bundle::new(vec![d.clone(), d.clone()])).unwrap();
        assert_eq!(read_declarations(&bundle).unwrap().len(), 2);
    }

    #[test]
    fn rejects_unknown_fields_and_foreign_bundles() {
        let err = read_declarations(r#"{"client_seq_no":"x","head":{"ie_flag":"I"},"bogus":1}"#)
            .unwrap_err();
        assert!(err.to_string().contains("bogus"), "{err}");
        let err =
            read_declarations(r#"{"format":"other","version":1,"declarations":[]}"#).unwrap_err();
        assert!(matches!(err, InterchangeError::Unsupported { .. }));
    }
}
