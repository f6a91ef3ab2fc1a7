//! A spreadsheet file as sheets of cells (读取电子表格): `.xlsx` and `.xls`
//! through calamine, `.csv` by our own small reader (UTF-8 with or without
//! BOM, else GBK; comma-separated, or tab-separated when the first line has
//! tabs). A file is told by its bytes, not its name: a zip is a workbook
//! (xlsx or ods), an OLE file an `.xls`, anything else CSV text.
//!
//! Cells keep what the clerk saw ([`Cell`]): text as typed, numbers as
//! their shown decimal (`number.rs`), date cells as their day. Nothing
//! here knows about declarations; `apply.rs` maps cells to fields.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Dimensions, Reader, Sheets};
use chrono::NaiveDate;
use portdesk_domain::limits::{SHEET_CELL_MAX_CHARS, SHEET_MAX_ROWS};

use crate::error::SheetError;
use crate::number::{date_text, integer_text, number_text, parse_date_text};

/// One cell's value as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    /// A text cell, exactly as typed (CSV cells are all text).
    Text(String),
    /// A numeric cell: its shown text (15 significant digits) and the double.
    Number {
        text: String,
        value: f64,
    },
    /// A date-formatted cell: its day, and the serial for a field that
    /// wants a number.
    Date {
        day: NaiveDate,
        serial: f64,
    },
    Bool(bool),
    /// An error value (`#DIV/0!`) or a cell we cannot take (over
    /// `SHEET_CELL_MAX_CHARS`): why, in English and Chinese.
    Unreadable {
        en: String,
        zh: String,
    },
}

impl Cell {
    /// The text a clerk sees, for header matching and text fields; dates as
    /// `yyyyMMdd`, booleans `1`/`0`, unreadable cells empty.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty | Cell::Unreadable { .. } => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Number { text, .. } => text.clone(),
            Cell::Date { day, .. } => date_text(*day),
            Cell::Bool(b) => if *b { "1" } else { "0" }.into(),
        }
    }

    /// Nothing in it (blanks only count as nothing).
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
}

/// A rectangle of merged cells, 0-based and inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    pub first_row: u32,
    pub first_col: u32,
    pub last_row: u32,
    pub last_col: u32,
}

impl Merge {
    fn contains(&self, row: u32, col: u32) -> bool {
        (self.first_row..=self.last_row).contains(&row)
            && (self.first_col..=self.last_col).contains(&col)
    }
}

/// One sheet: its name and rows from row 1, blank rows included (so a row's
/// index is its number − 1, as Excel shows it).
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
    pub merged: Vec<Merge>,
}

static EMPTY: Cell = Cell::Empty;

impl Sheet {
    /// The cell at 1-based `row` and 0-based `col`; empty beyond the data.
    pub fn cell(&self, row: u32, col: u32) -> &Cell {
        row.checked_sub(1)
            .and_then(|r| self.rows.get(r as usize))
            .and_then(|cells| cells.get(col as usize))
            .unwrap_or(&EMPTY)
    }

    /// The cell as a header reads it: a cell inside a merged region reads
    /// the region's top-left value.
    pub fn header_cell(&self, row: u32, col: u32) -> &Cell {
        let r0 = row.saturating_sub(1);
        match self.merged.iter().find(|m| m.contains(r0, col)) {
            Some(m) => self.cell(m.first_row + 1, m.first_col),
            None => self.cell(row, col),
        }
    }

    /// Number of columns of the widest row.
    pub fn width(&self) -> u32 {
        self.rows.iter().map(Vec::len).max().unwrap_or(0) as u32
    }

    /// Row `row` (1-based) has nothing in it.
    pub fn row_is_blank(&self, row: u32) -> bool {
        row.checked_sub(1)
            .and_then(|r| self.rows.get(r as usize))
            .is_none_or(|cells| cells.iter().all(Cell::is_blank))
    }

    /// True when 1-based `row`, 0-based `col` is inside a merged region
    /// but not its top-left cell: a data row reads such a cell as empty,
    /// so a value merged over several rows is read once.
    pub fn is_merged_tail(&self, row: u32, col: u32) -> bool {
        let r0 = row.saturating_sub(1);
        self.merged
            .iter()
            .any(|m| m.contains(r0, col) && (m.first_row, m.first_col) != (r0, col))
    }
}

/// A workbook: its sheets in file order.
#[derive(Debug, Clone, Default)]
pub struct Workbook {
    pub sheets: Vec<Sheet>,
}

impl Workbook {
    /// The sheet named `name` (exact, then ignoring case and blanks).
    pub fn sheet(&self, name: &str) -> Option<&Sheet> {
        let norm = |s: &str| s.split_whitespace().collect::<String>().to_lowercase();
        self.sheets
            .iter()
            .find(|s| s.name == name)
            .or_else(|| self.sheets.iter().find(|s| norm(&s.name) == norm(name)))
    }
}

/// What the bytes of a file are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    /// A zip: xlsx (or ods).
    Workbook,
    /// An OLE compound file: xls.
    Xls,
    /// Anything else: CSV text.
    Csv,
}

/// The type of `bytes`, by their first bytes.
pub fn sniff(bytes: &[u8]) -> FileType {
    if bytes.starts_with(b"PK\x03\x04") {
        FileType::Workbook
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        FileType::Xls
    } else {
        FileType::Csv
    }
}

/// Reads the file `name` whose content is `bytes` (already read within
/// `SHEET_FILE`). CSV gives one sheet named after the file.
pub fn read_workbook(bytes: &[u8], name: &str) -> Result<Workbook, SheetError> {
    match sniff(bytes) {
        FileType::Csv => {
            let sheet_name = std::path::Path::new(name)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| name.to_owned());
            let text = decode_text(bytes)?;
            Ok(Workbook {
                sheets: vec![read_csv(&text, &sheet_name)?],
            })
        }
        FileType::Workbook | FileType::Xls => read_binary(bytes),
    }
}

fn read_binary(bytes: &[u8]) -> Result<Workbook, SheetError> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| SheetError::Unreadable(e.to_string()))?;
    let names = book.sheet_names();
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| SheetError::Unreadable(format!("{name}: {e}")))?;
        let merged: Vec<Dimensions> = match &mut book {
            Sheets::Xlsx(x) => x
                .worksheet_merge_cells(&name)
                .and_then(Result::ok)
                .unwrap_or_default(),
            Sheets::Xls(x) => x.worksheet_merge_cells(&name).unwrap_or_default(),
            _ => Vec::new(),
        };
        let mut sheet = Sheet {
            name: name.clone(),
            rows: Vec::new(),
            merged: merged
                .iter()
                .map(|d| Merge {
                    first_row: d.start.0,
                    first_col: d.start.1,
                    last_row: d.end.0,
                    last_col: d.end.1,
                })
                .collect(),
        };
        if let (Some((r0, c0)), Some((r1, _))) = (range.start(), range.end()) {
            if r1 as usize + 1 > SHEET_MAX_ROWS {
                return Err(SheetError::TooManyRows {
                    sheet: name,
                    rows: r1 as usize + 1,
                });
            }
            sheet.rows = vec![Vec::new(); r1 as usize + 1];
            for (i, row) in range.rows().enumerate() {
                let cells = &mut sheet.rows[r0 as usize + i];
                *cells = vec![Cell::Empty; c0 as usize];
                cells.extend(row.iter().map(cell_of));
                while cells.last().is_some_and(|c| *c == Cell::Empty) {
                    cells.pop();
                }
            }
        }
        sheets.push(sheet);
    }
    if sheets.is_empty() {
        return Err(SheetError::NoSheets);
    }
    Ok(Workbook { sheets })
}

fn too_long(n: usize) -> Cell {
    Cell::Unreadable {
        en: format!("more than {SHEET_CELL_MAX_CHARS} characters ({n})"),
        zh: format!("超过{SHEET_CELL_MAX_CHARS}个字符（{n}个）"),
    }
}

fn text_cell(s: &str) -> Cell {
    if s.len() > SHEET_CELL_MAX_CHARS {
        let n = s.chars().count();
        if n > SHEET_CELL_MAX_CHARS {
            return too_long(n);
        }
    }
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s.to_owned())
    }
}

fn cell_of(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => text_cell(s),
        Data::Int(i) => Cell::Number {
            text: integer_text(*i),
            value: *i as f64,
        },
        Data::Float(f) => match number_text(*f) {
            Some(text) => Cell::Number { text, value: *f },
            None => Cell::Unreadable {
                en: format!("number {f} out of range"),
                zh: format!("数值{f}超出范围"),
            },
        },
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            match NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d)) {
                Some(day) => Cell::Date {
                    day,
                    serial: dt.as_f64(),
                },
                None => Cell::Unreadable {
                    en: format!("date serial {} out of range", dt.as_f64()),
                    zh: format!("日期序号{}超出范围", dt.as_f64()),
                },
            }
        }
        // A duration: its number of days, as Excel stores it.
        Data::DateTime(dt) => match number_text(dt.as_f64()) {
            Some(text) => Cell::Number {
                text,
                value: dt.as_f64(),
            },
            None => Cell::Empty,
        },
        Data::DateTimeIso(s) => match parse_date_text(s) {
            Some(day) => Cell::Date { day, serial: 0.0 },
            None => text_cell(s),
        },
        Data::DurationIso(s) => text_cell(s),
        Data::Error(e) => Cell::Unreadable {
            en: format!("error value {e}"),
            zh: format!("错误值{e}"),
        },
    }
}

/// The text of a CSV file: UTF-8 (a BOM dropped), else GBK (GB 18030, its
/// superset, so every byte sequence Excel on Chinese Windows writes reads).
pub fn decode_text(bytes: &[u8]) -> Result<String, SheetError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_owned());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(SheetError::NotText);
    }
    Ok(text.into_owned())
}

/// The delimiter of CSV `text`: a tab when its first non-blank line has one.
pub fn delimiter_of(text: &str) -> char {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.contains('\t') {
        '\t'
    } else {
        ','
    }
}

/// CSV or tab-separated `text` as one sheet: RFC 4180 quoting (`"a,b"`,
/// `""` for a quote, line breaks inside quotes), CRLF or LF.
pub fn read_csv(text: &str, sheet_name: &str) -> Result<Sheet, SheetError> {
    read_csv_with(text, sheet_name, delimiter_of(text))
}

/// [`read_csv`] with the delimiter given.
pub fn read_csv_with(text: &str, sheet_name: &str, delim: char) -> Result<Sheet, SheetError> {
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut row: Vec<Cell> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut at_start = true;
    let mut chars = text.chars().peekable();
    let end_row = |row: &mut Vec<Cell>, rows: &mut Vec<Vec<Cell>>| -> Result<(), SheetError> {
        while row.last().is_some_and(|c| *c == Cell::Empty) {
            row.pop();
        }
        rows.push(std::mem::take(row));
        if rows.len() > SHEET_MAX_ROWS {
            return Err(SheetError::TooManyRows {
                sheet: sheet_name.to_owned(),
                rows: rows.len(),
            });
        }
        Ok(())
    };
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            c if c == delim => {
                row.push(text_cell(&std::mem::take(&mut field)));
                at_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                row.push(text_cell(&std::mem::take(&mut field)));
                end_row(&mut row, &mut rows)?;
                at_start = true;
            }
            c => {
                field.push(c);
                at_start = false;
            }
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(text_cell(&field));
        end_row(&mut row, &mut rows)?;
    }
    Ok(Sheet {
        name: sheet_name.to_owned(),
        rows,
        merged: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_tabs() {
        let s = read_csv(
            "a,\"b,c\",\"say \"\"hi\"\"\"\r\n\r\nx,\"two\nlines\"\n",
            "t.csv",
        )
        .unwrap();
        assert_eq!(s.rows.len(), 3);
        assert_eq!(s.cell(1, 1), &Cell::Text("b,c".into()));
        assert_eq!(s.cell(1, 2), &Cell::Text("say \"hi\"".into()));
        assert!(s.row_is_blank(2));
        assert_eq!(s.cell(3, 1), &Cell::Text("two\nlines".into()));
        let t = read_csv("商品编号\t数量\n8471300000\t1,000\n", "p").unwrap();
        assert_eq!(t.cell(2, 1), &Cell::Text("1,000".into()));
    }

    #[test]
    fn csv_encodings() {
        let (gbk, _, _) = encoding_rs::GBK.encode("商品名称,数量\n笔记本电脑,3\n");
        assert_eq!(decode_text(&gbk).unwrap(), "商品名称,数量\n笔记本电脑,3\n");
        assert_eq!(decode_text("\u{feff}名称".as_bytes()).unwrap(), "名称");
        assert!(matches!(
            decode_text(&[0xFF, 0xFF, 0xFF]),
            Err(SheetError::NotText)
        ));
    }

    #[test]
    fn too_many_rows_names_the_sheet() {
        let text = "x\n".repeat(SHEET_MAX_ROWS + 1);
        match read_csv(&text, "big.csv") {
            Err(SheetError::TooManyRows { sheet, .. }) => assert_eq!(sheet, "big.csv"),
            other => panic!("{other:?}"),
        }
    }
}
