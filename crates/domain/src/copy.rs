//! Copying a declaration into a new one (复制报关单) and duplicating a goods
//! line (复制商品项): what the clerk keeps typing once, and what belongs to
//! the old filing and must not travel (shared/domain/clerk-features.md,
//! docs/formats/declaration.md "Copying").
//!
//! The server's numbers, the status and the receipts are kept by the store
//! per draft, not in the `Declaration`: a new draft simply has none. What
//! the document itself carries of the old filing is cleared here.

use crate::declaration::{Declaration, Extensions, FilingMode, IeFlag, MAX_LINES};

/// A goods line that cannot be duplicated, naming the field (`lines`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct CopyLineError {
    pub field: String,
    pub message: String,
    /// The same in Chinese, for the UI.
    pub message_zh: String,
}

impl Declaration {
    /// A copy of this declaration for a new filing, with `new_client_seq_no`.
    ///
    /// Kept: the head as typed, goods lines, containers, licences and
    /// certificates (`documents`), the filing mode of a one-step or
    /// summary declaration. Cleared:
    /// - the export date (`head.ie_date` on an export): customs sets it at
    ///   release, so the old one is the old shipment's; an import date is
    ///   the clerk's and stays;
    /// - the electronic attachments (`edocs`): the files were uploaded for
    ///   the old filing;
    /// - `extensions`: the unmodelled message blocks hold the old filing's
    ///   numbers (`EntryId`, `PreEntryId`, `SeqNo`, the signature) and its
    ///   mark attachments; they belong to the message they came from;
    /// - `advance` (提前申报): whether goods arrive after filing is a fact of
    ///   one shipment, so the clerk says it again rather than file an
    ///   advance declaration unasked.
    ///
    /// A two-step complete declaration (完整申报) only follows its own
    /// summary, so its copy starts as a summary again (mode
    /// `two_step_summary`, document type digit 3 `6` → `5`).
    pub fn copied(&self, new_client_seq_no: String) -> Declaration {
        let mut copy = self.clone();
        copy.client_seq_no = new_client_seq_no;
        copy.advance = false;
        if copy.head.ie_flag == IeFlag::E {
            copy.head.ie_date.clear();
        }
        copy.edocs.clear();
        copy.extensions = Extensions::default();
        if copy.filing_mode == FilingMode::TwoStepComplete {
            copy.filing_mode = FilingMode::TwoStepSummary;
            let dt = &mut copy.head.document_type;
            if dt.chars().nth(2) == Some('6') {
                *dt = dt
                    .chars()
                    .enumerate()
                    .map(|(i, c)| if i == 2 { '5' } else { c })
                    .collect();
            }
        }
        copy
    }

    /// Duplicates goods line `index` right after itself (复制此行); the copy
    /// is the line's value exactly. Refused, naming `lines`, when the
    /// declaration already has `MAX_LINES` lines or there is no such line.
    pub fn copy_line(&mut self, index: usize) -> Result<(), CopyLineError> {
        let Some(line) = self.lines.get(index).cloned() else {
            return Err(CopyLineError {
                field: "lines".into(),
                message: format!(
                    "no goods line {} to copy, the declaration has {}",
                    index + 1,
                    self.lines.len()
                ),
                message_zh: format!(
                    "没有第 {} 项商品可复制，共 {} 项",
                    index + 1,
                    self.lines.len()
                ),
            });
        };
        if self.lines.len() >= MAX_LINES {
            return Err(CopyLineError {
                field: "lines".into(),
                message: format!(
                    "at most {MAX_LINES} goods lines; cannot copy line {}",
                    index + 1
                ),
                message_zh: format!("最多 {MAX_LINES} 项商品，不能再复制第 {} 项", index + 1),
            });
        }
        self.lines.insert(index + 1, line);
        Ok(())
    }
}
