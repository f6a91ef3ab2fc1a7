//! Declaration files in and out of the drafts, for the CLI and the app
//! alike: a file the user names — a declaration message (报关单报文,
//! `DecMessage` XML) or the JSON interchange file — read with limits and
//! imported as drafts, each file on its own; and a draft written as a
//! message, its unmodelled blocks (`extensions.decmessage`) written back.
//!
//! A file is told by its content, not its name: `<` a message, `{` or `[`
//! JSON (a BOM and leading blanks skipped). Every failure is a
//! [`FileProblem`] with a stable code, the element or field and the line
//! where known; a refused file changes nothing saved.

use std::path::{Path, PathBuf};

use portdesk_domain::limits::{DOCUMENT_FILE, IMPORT_FILE, MESSAGE_FILE};
use portdesk_domain::{Declaration, DraftMeta};
use portdesk_message::{Declarant, MessageError, OperType, Version, WriteOptions};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::files::{read_limited, ReadError};
use crate::interchange::{check_lengths, read_declarations, ImportFileError, InterchangeError};
use crate::{DraftError, Drafts};

/// Most files one import of a folder (or one pick) takes: far more than a
/// clerk picks, few enough that the summary stays readable.
pub const MAX_BATCH_FILES: usize = 10_000;

/// Every code a [`FileProblem`] can carry besides the message reader's
/// (`message.*`, `MessageError::code`) and the drafts' (`DraftError::code`).
pub const FILE_ERROR_CODES: &[&str] = &[
    "file.unreadable",
    "file.too_large",
    "file.not_text",
    "file.unknown_format",
    "file.json",
    "file.unsupported",
    "file.too_long",
    "file.too_many",
    "file.unwritable",
    "file.exists",
];

/// What a file holds, told by its first character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `<`: a declaration message.
    Message,
    /// `{` or `[`: a JSON declaration or export bundle.
    Json,
}

/// The kind of `bytes`, or `None` when it is neither.
pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'<') => Some(FileKind::Message),
        Some(b'{' | b'[') => Some(FileKind::Json),
        _ => None,
    }
}

/// Why one file was not imported (导入失败的原因).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct FileProblem {
    /// Stable: `file.*` ([`FILE_ERROR_CODES`]), `message.*`, or a drafts
    /// code (`invalid_input`, …).
    pub code: String,
    /// The message element (`DecMessage/DecHead/IEFlag`) or the JSON field
    /// (`lines[0].name`) concerned, where known.
    pub element: Option<String>,
    /// 1-based line of the file, where known.
    pub line: Option<u32>,
    /// The reason in English, with the element and line; the UI words the
    /// code in Chinese beside it.
    pub message: String,
}

impl FileProblem {
    fn new(code: &str, message: impl Into<String>) -> Self {
        FileProblem {
            code: code.to_owned(),
            element: None,
            line: None,
            message: message.into(),
        }
    }
}

impl From<ReadError> for FileProblem {
    fn from(e: ReadError) -> Self {
        let code = match e {
            ReadError::TooLarge { .. } => "file.too_large",
            ReadError::Io { .. } => "file.unreadable",
            ReadError::NotText { .. } => "file.not_text",
        };
        FileProblem::new(code, e.reason())
    }
}

impl From<MessageError> for FileProblem {
    fn from(e: MessageError) -> Self {
        FileProblem {
            code: e.code().to_owned(),
            element: e.element().map(str::to_owned),
            line: e.line().and_then(|l| u32::try_from(l).ok()),
            message: e.to_string(),
        }
    }
}

impl From<DraftError> for FileProblem {
    fn from(e: DraftError) -> Self {
        FileProblem {
            code: e.code().to_owned(),
            element: e.field().map(str::to_owned),
            line: None,
            message: e.to_string(),
        }
    }
}

impl From<ImportFileError> for FileProblem {
    fn from(e: ImportFileError) -> Self {
        match e {
            ImportFileError::Read(e) => e.into(),
            ImportFileError::Format { error, .. } => match error {
                InterchangeError::Json(e) => FileProblem {
                    code: "file.json".into(),
                    element: None,
                    line: u32::try_from(e.line()).ok().filter(|l| *l > 0),
                    message: e.to_string(),
                },
                e @ InterchangeError::Unsupported { .. } => {
                    FileProblem::new("file.unsupported", e.to_string())
                }
            },
            ImportFileError::TooLong {
                client_seq_no,
                fields,
                messages,
                ..
            } => FileProblem {
                code: "file.too_long".into(),
                element: fields.first().cloned(),
                line: None,
                message: format!("{client_seq_no}: {}", messages.join("; ")),
            },
        }
    }
}

/// What the file at `path` is and its declarations: one for a message,
/// one or many for JSON. Read up to [`IMPORT_FILE`] (a message up to
/// [`MESSAGE_FILE`]), every declaration checked against the field lengths
/// and the extensions limit, so what comes back can be imported whole.
pub fn read_declaration_file(path: &Path) -> Result<(FileKind, Vec<Declaration>), FileProblem> {
    let bytes = read_limited(path, &IMPORT_FILE)?;
    let name = path.display().to_string();
    let (kind, declarations) = match sniff(&bytes) {
        Some(FileKind::Message) => {
            if bytes.len() as u64 > MESSAGE_FILE.max_bytes {
                return Err(ReadError::TooLarge {
                    path: name,
                    what: MESSAGE_FILE.what_en,
                    limit: MESSAGE_FILE.max_bytes,
                    size: Some(bytes.len() as u64),
                }
                .into());
            }
            let read = portdesk_message::read(&bytes)?;
            (FileKind::Message, vec![read.declaration])
        }
        Some(FileKind::Json) => {
            let text = String::from_utf8(bytes).map_err(|e| ReadError::NotText {
                path: name.clone(),
                message: e.utf8_error().to_string(),
            })?;
            let all = read_declarations(&text).map_err(|error| ImportFileError::Format {
                path: name.clone(),
                error,
            })?;
            (FileKind::Json, all)
        }
        None => {
            return Err(FileProblem::new(
                "file.unknown_format",
                "neither a declaration message (starts with <) nor JSON (starts with { or [)",
            ))
        }
    };
    check_lengths(&name, &declarations)?;
    Ok((kind, declarations))
}

/// The files to import for `inputs`: each file as given, and for a folder
/// every `*.xml` and `*.json` directly inside it, sorted by name. More than
/// [`MAX_BATCH_FILES`] in all is refused before anything is read.
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, FileProblem> {
    let mut files = Vec::new();
    for input in inputs {
        if !input.is_dir() {
            files.push(input.clone());
            continue;
        }
        let unreadable = |e: std::io::Error| {
            FileProblem::new("file.unreadable", format!("{}: {e}", input.display()))
        };
        let mut found = Vec::new();
        for entry in std::fs::read_dir(input).map_err(unreadable)? {
            let path = entry.map_err(unreadable)?.path();
            let wanted = path
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| x.eq_ignore_ascii_case("xml") || x.eq_ignore_ascii_case("json"));
            if wanted && path.is_file() {
                found.push(path);
            }
            if files.len() + found.len() > MAX_BATCH_FILES {
                return Err(too_many());
            }
        }
        found.sort();
        files.extend(found);
    }
    if files.len() > MAX_BATCH_FILES {
        return Err(too_many());
    }
    Ok(files)
}

fn too_many() -> FileProblem {
    FileProblem::new(
        "file.too_many",
        format!("more than {MAX_BATCH_FILES} files in one import; import the folder in parts"),
    )
}

/// What importing one file did (一个文件的导入结果).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct FileImportOutcome {
    pub path: String,
    /// The drafts it became, with their status and problem counts: one for
    /// a message or a single declaration, several for an export bundle;
    /// empty when refused.
    pub drafts: Vec<DraftMeta>,
    /// Why it was refused; nothing of it was saved.
    pub error: Option<FileProblem>,
}

impl Drafts {
    /// Imports each of `files` on its own (a bad file is reported and
    /// skipped, the others go on): every declaration of a file is read and
    /// checked before the first is saved. A message whose client sequence
    /// no. is already a draft keeps that draft's fields the message cannot
    /// carry (`advance`).
    pub async fn import_files(&self, files: &[PathBuf]) -> Vec<FileImportOutcome> {
        let mut out = Vec::with_capacity(files.len());
        for path in files {
            let (drafts, error) = match self.import_file(path).await {
                Ok(drafts) => (drafts, None),
                Err(e) => (Vec::new(), Some(e)),
            };
            out.push(FileImportOutcome {
                path: path.display().to_string(),
                drafts,
                error,
            });
        }
        out
    }

    async fn import_file(&self, path: &Path) -> Result<Vec<DraftMeta>, FileProblem> {
        let (kind, mut declarations) = read_declaration_file(path)?;
        // A JSON file carries every field; a message cannot carry `advance`.
        if kind == FileKind::Message {
            for d in &mut declarations {
                if let Some(id) = self.store.find_by_client_seq_no(&d.client_seq_no).await? {
                    let (_, draft) = self.store.get_declaration(id).await?;
                    portdesk_message::keep_draft_only_fields(d, &draft);
                }
            }
        }
        let mut metas = Vec::with_capacity(declarations.len());
        for d in declarations {
            metas.push(self.import(d).await?.meta);
        }
        Ok(metas)
    }

    /// Draft `id` as a declaration message, with the blocks it was imported
    /// with (`extensions.decmessage`); the client sequence no. names the file.
    pub async fn export_message(
        &self,
        id: Uuid,
        options: &MessageOptions,
    ) -> Result<(String, Vec<u8>), DraftError> {
        let (_, declaration) = self.store.get_declaration(id).await?;
        let bytes = write_message(&declaration, options)?;
        Ok((declaration.client_seq_no, bytes))
    }
}

impl From<portdesk_store::StoreError> for FileProblem {
    fn from(e: portdesk_store::StoreError) -> Self {
        DraftError::from(e).into()
    }
}

/// The account's filing settings (`Declarant`: CopCode, InputerName, …)
/// from a JSON file, read up to [`DOCUMENT_FILE`]'s size.
pub fn read_declarant(path: &Path) -> Result<Declarant, FileProblem> {
    let text = crate::files::read_text_limited(path, &DOCUMENT_FILE)?;
    serde_json::from_str(&text).map_err(|e| FileProblem {
        code: "file.json".into(),
        element: None,
        line: u32::try_from(e.line()).ok().filter(|l| *l > 0),
        message: format!("{}: not declarant settings: {e}", path.display()),
    })
}

/// How a draft is written as a message (报文导出选项).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct MessageOptions {
    /// Wrap in the `ImportMessage` envelope of the Single Window client's import.
    pub envelope: bool,
    /// `G` 暂存 (save as draft, the default) or `C` 申报 (declare).
    pub oper_type: MessageOperType,
    /// The account's filing settings (CopCode, InputerName, …).
    #[ts(skip)]
    #[serde(skip)]
    pub declarant: Declarant,
}

/// `DecSign/OperType` as the app and the CLI offer it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum MessageOperType {
    /// 暂存, save as draft.
    #[default]
    G,
    /// 申报, declare.
    C,
}

/// `declaration` as a message (version 4.8, UTF-8). Refused with
/// `invalid_input` naming the field when it cannot be written (an empty
/// client sequence no., a character XML cannot hold).
pub fn write_message(
    declaration: &Declaration,
    options: &MessageOptions,
) -> Result<Vec<u8>, DraftError> {
    let opts = WriteOptions {
        envelope: options.envelope,
        oper_type: match options.oper_type {
            MessageOperType::G => OperType::G,
            MessageOperType::C => OperType::C,
        },
        version: Version::V4_8,
        declarant: options.declarant.clone(),
        // Empty: the declaration's own extensions are written back.
        unmodelled: Default::default(),
    };
    portdesk_message::write(declaration, &opts).map_err(|e| match e {
        MessageError::Unwritable { field, reason } => DraftError::Invalid {
            message: format!("cannot write the message: {reason}"),
            field,
        },
        other => DraftError::Invalid {
            field: String::new(),
            message: other.to_string(),
        },
    })
}

/// Writes `bytes` to `path` through a temporary file in the same folder,
/// renamed into place, so a reader (the Single Window client watching a
/// folder) never sees half a message. Without `overwrite` an existing file
/// is never replaced (`file.exists`).
pub fn write_file_atomically(
    path: &Path,
    bytes: &[u8],
    overwrite: bool,
) -> Result<(), FileProblem> {
    use std::io::Write;
    let failed =
        |e: std::io::Error| FileProblem::new("file.unwritable", format!("{}: {e}", path.display()));
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(failed)?;
    tmp.write_all(bytes).map_err(failed)?;
    tmp.as_file().sync_all().map_err(failed)?;
    if overwrite {
        tmp.persist(path).map_err(|e| failed(e.error))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                FileProblem::new(
                    "file.exists",
                    format!("{} exists; nothing was written", path.display()),
                )
            } else {
                failed(e.error)
            }
        })?;
    }
    Ok(())
}

/// The file name a draft's message is written to: `<client_seq_no>.xml`,
/// with anything but letters, digits, `-` and `_` replaced by `_` so a
/// sequence no. from another tool cannot name a path.
pub fn message_file_name(client_seq_no: &str) -> String {
    let safe: String = client_seq_no
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = if safe.is_empty() {
        "declaration".into()
    } else {
        safe
    };
    format!("{safe}.xml")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_told_by_content() {
        assert_eq!(sniff(b"\xEF\xBB\xBF  <?xml"), Some(FileKind::Message));
        assert_eq!(sniff(b"\n{\"a\":1}"), Some(FileKind::Json));
        assert_eq!(sniff(b"[]"), Some(FileKind::Json));
        assert_eq!(sniff(b"PK\x03\x04"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn file_names_cannot_leave_the_folder() {
        assert_eq!(
            message_file_name("PD06H1RX30KSSW3301"),
            "PD06H1RX30KSSW3301.xml"
        );
        assert_eq!(message_file_name("../etc/passwd"), "___etc_passwd.xml");
        assert_eq!(message_file_name(""), "declaration.xml");
    }
}
