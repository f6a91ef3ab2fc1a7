//! What goes wrong reading a spreadsheet: a whole file that cannot be read
//! ([`SheetError`]) and one cell that cannot be taken ([`CellError`]),
//! each with a stable code and the reason in Chinese and English.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::cell_names::column_letter;

/// A cell that could not be read as its field needs (无法读取的单元格):
/// where it is, as Excel shows it (sheet, 1-based row, column letter), and
/// why. An import with one cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CellError {
    pub sheet: String,
    /// 1-based, as Excel numbers rows.
    pub row: u32,
    /// `A`, `B`, … `AA`; empty when the problem is the whole row.
    pub column: String,
    /// The field the cell was read for (`lines[].quantity`, `head.ie_date`).
    pub field: String,
    pub message_zh: String,
    pub message_en: String,
}

impl CellError {
    pub(crate) fn at(
        sheet: &str,
        row: u32,
        col: Option<u32>,
        field: &str,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        let column = col.map(column_letter).unwrap_or_default();
        let place_en = if column.is_empty() {
            format!("{sheet} row {row}")
        } else {
            format!("{sheet}!{column}{row}")
        };
        let place_zh = if column.is_empty() {
            format!("工作表“{sheet}”第{row}行")
        } else {
            format!("工作表“{sheet}”{column}{row}单元格")
        };
        CellError {
            sheet: sheet.to_owned(),
            row,
            column,
            field: field.to_owned(),
            message_zh: format!("{place_zh}：{}", zh.into()),
            message_en: format!("{place_en}: {}", en.into()),
        }
    }
}

/// Why a spreadsheet as a whole was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    /// Not a workbook calamine reads (corrupt zip, password, not Excel).
    #[error("not a readable spreadsheet: {0}")]
    Unreadable(String),
    /// A CSV that is neither UTF-8 nor GBK text.
    #[error("the CSV file is neither UTF-8 nor GBK text")]
    NotText,
    #[error("the workbook has no sheets")]
    NoSheets,
    #[error("sheet {sheet}: {rows} rows; at most {max} are read", max = portdesk_domain::limits::SHEET_MAX_ROWS)]
    TooManyRows { sheet: String, rows: usize },
    /// The layout names a sheet the workbook lacks.
    #[error("no sheet {sheet} in the workbook (it has: {have})")]
    NoSuchSheet { sheet: String, have: String },
    /// The layout names a header the sheet lacks.
    #[error("sheet {sheet}: no column headed {header} in rows {rows}")]
    NoSuchColumn {
        sheet: String,
        header: String,
        rows: String,
    },
    /// A layout that is not valid JSON or names fields that do not exist.
    #[error("layout: {0}")]
    BadLayout(String),
}

/// Every code a [`SheetError`] answers with.
pub const SHEET_ERROR_CODES: &[&str] = &[
    "sheet.unreadable",
    "sheet.not_text",
    "sheet.no_sheets",
    "sheet.too_many_rows",
    "sheet.no_such_sheet",
    "sheet.no_such_column",
    "sheet.bad_layout",
];

impl SheetError {
    pub fn code(&self) -> &'static str {
        match self {
            SheetError::Unreadable(_) => "sheet.unreadable",
            SheetError::NotText => "sheet.not_text",
            SheetError::NoSheets => "sheet.no_sheets",
            SheetError::TooManyRows { .. } => "sheet.too_many_rows",
            SheetError::NoSuchSheet { .. } => "sheet.no_such_sheet",
            SheetError::NoSuchColumn { .. } => "sheet.no_such_column",
            SheetError::BadLayout(_) => "sheet.bad_layout",
        }
    }

    /// The reason in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            SheetError::Unreadable(e) => format!("无法读取的电子表格：{e}"),
            SheetError::NotText => "CSV文件既不是UTF-8也不是GBK编码的文本".into(),
            SheetError::NoSheets => "工作簿中没有工作表".into(),
            SheetError::TooManyRows { sheet, rows } => format!(
                "工作表“{sheet}”有{rows}行，最多读取{}行",
                portdesk_domain::limits::SHEET_MAX_ROWS
            ),
            SheetError::NoSuchSheet { sheet, have } => {
                format!("工作簿中没有工作表“{sheet}”（现有：{have}）")
            }
            SheetError::NoSuchColumn {
                sheet,
                header,
                rows,
            } => format!("工作表“{sheet}”第{rows}行中没有标题为“{header}”的列"),
            SheetError::BadLayout(e) => format!("导入格式有误：{e}"),
        }
    }
}
