//! A layout applied to a workbook (按导入格式读取): the head fields, goods
//! lines, containers, documents and edocs it finds, each row with where it
//! came from, and every cell that could not be read as its field needs
//! ([`CellError`], naming sheet, row and column).
//!
//! How a cell becomes a field's text: the layout's `map` first (`PCS` →
//! `007`), then by the column's kind (`template::Kind`): a number column
//! takes a numeric cell's shown value or a text cell that reads as a
//! number, scaled and rounded as the layout says; a date column takes date
//! cells, Excel serials and typed dates, giving `yyyyMMdd`; a code column
//! takes the code, `CODE 名称` as the template's choices write it, or a
//! label of exactly one code of its list (`美国` → `USA`).

use std::collections::BTreeMap;

use portdesk_domain::{
    AttachedDocument, CodeLists, Container, Declaration, ElectronicAttachment, GoodsLine,
};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::cell_names::cell_ref;
use crate::error::{CellError, SheetError};
use crate::layout::{find_sheet, normalize, FieldSource, Layout, PartLayout};
use crate::number::{date_text, decimal_text, parse_date_text, parse_number_text, serial_date};
use crate::read::{Cell, Sheet, Workbook};
use crate::template::{template_columns, Kind, Part, TemplateColumn};

/// Where a row came from, as Excel shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowOrigin {
    pub sheet: String,
    pub row: u32,
}

/// A packing list's per-row figures the declaration line does not carry;
/// the split apportions by them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowFigures {
    pub net_weight: Option<Decimal>,
    pub gross_weight: Option<Decimal>,
    pub packages: Option<Decimal>,
}

/// One item read from a row.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported<T> {
    pub at: RowOrigin,
    pub item: T,
}

/// Everything a layout found in a workbook.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    /// Head field (`bill_no`, `freight.mark`, and the top-level
    /// `client_seq_no`, `filing_mode`, `advance`) → its text, filled ones only.
    pub head: BTreeMap<String, String>,
    pub lines: Vec<Imported<GoodsLine>>,
    /// Per line, in the same order.
    pub figures: Vec<RowFigures>,
    pub containers: Vec<Imported<Container>>,
    pub documents: Vec<Imported<AttachedDocument>>,
    pub edocs: Vec<Imported<ElectronicAttachment>>,
    pub unreadable: Vec<CellError>,
}

const DEFAULT_STOP: &[&str] = &["合计", "总计", "小计", "total"];

/// Applies `layout` to `book`. A missing sheet or header is an error (the
/// layout does not fit this file); an unreadable cell is reported in
/// `unreadable` and its field left empty, so the preview can show all.
pub fn extract(
    book: &Workbook,
    layout: &Layout,
    lists: &CodeLists,
) -> Result<Extracted, SheetError> {
    layout.check()?;
    let mut out = Extracted::default();
    for (part, pl) in layout.parts() {
        let sheet = match find_sheet(book, &pl.sheet) {
            Ok(s) => s,
            Err(_) if pl.optional => continue,
            Err(e) => return Err(e),
        };
        let columns = template_columns(part);
        if part == Part::Head {
            read_head(sheet, pl, &columns, lists, &mut out)?;
            continue;
        }
        let rows = read_table(sheet, pl, part, &columns, lists, &mut out.unreadable)?;
        for (at, fields) in rows {
            match part {
                Part::Lines => {
                    let num = |f: &str| fields.get(f).and_then(|t| parse_number_text(t));
                    out.figures.push(RowFigures {
                        net_weight: num("net_weight"),
                        gross_weight: num("gross_weight"),
                        packages: num("packages"),
                    });
                    let item = build::<GoodsLine>(&fields, &columns);
                    out.lines.push(Imported { at, item });
                }
                Part::Containers => out.containers.push(Imported {
                    at,
                    item: build(&fields, &columns),
                }),
                Part::Documents => out.documents.push(Imported {
                    at,
                    item: build(&fields, &columns),
                }),
                Part::Edocs => out.edocs.push(Imported {
                    at,
                    item: build(&fields, &columns),
                }),
                Part::Head => {}
            }
        }
    }
    // In the order a clerk reads the file: sheet, row, column.
    let sheet_pos = |name: &str| book.sheets.iter().position(|s| s.name == name);
    out.unreadable.sort_by(|a, b| {
        (sheet_pos(&a.sheet), a.row, a.column.len(), &a.column).cmp(&(
            sheet_pos(&b.sheet),
            b.row,
            b.column.len(),
            &b.column,
        ))
    });
    Ok(out)
}

/// An item of a table part from its fields' texts (import-only ones left out).
fn build<T: DeserializeOwned + Default>(
    fields: &BTreeMap<String, String>,
    columns: &[TemplateColumn],
) -> T {
    let mut map = Map::new();
    for c in columns.iter().filter(|c| !c.import_only) {
        if let Some(t) = fields.get(&c.field) {
            map.insert(c.field.clone(), json_value(c.kind, t));
        }
    }
    serde_json::from_value(Value::Object(map)).unwrap_or_default()
}

fn json_value(kind: Kind, text: &str) -> Value {
    match kind {
        Kind::Bool => Value::Bool(text == "1"),
        _ => Value::String(text.to_owned()),
    }
}

fn field_path(part: Part, field: &str) -> String {
    match part {
        Part::Head if matches!(field, "client_seq_no" | "filing_mode" | "advance") => field.into(),
        Part::Head => format!("head.{field}"),
        p => format!("{}[].{field}", p.name()),
    }
}

fn read_head(
    sheet: &Sheet,
    pl: &PartLayout,
    columns: &[TemplateColumn],
    lists: &CodeLists,
    out: &mut Extracted,
) -> Result<(), SheetError> {
    for (field, spec) in &pl.fields {
        let Some(column) = columns.iter().find(|c| &c.field == field) else {
            continue;
        };
        let src = spec.source();
        let path = field_path(Part::Head, field);
        let (cell, row, col) = if let Some(v) = &src.value {
            (Cell::Text(v.clone()), 0, None)
        } else if let Some(r) = &src.cell {
            let (row, col) = cell_ref(r).unwrap_or((1, 0));
            (sheet.header_cell(row, col).clone(), row, Some(col))
        } else if let Some(label) = &src.right_of {
            let (row, col) = right_of(sheet, label).ok_or_else(|| SheetError::NoSuchColumn {
                sheet: sheet.name.clone(),
                header: label.clone(),
                rows: "-".into(),
            })?;
            (sheet.cell(row, col).clone(), row, Some(col))
        } else if let Some(c) = &src.column {
            let col = match pl.resolve_column(sheet, c) {
                Ok(col) => col,
                Err(_) if pl.skip_missing => continue,
                Err(e) => return Err(e),
            };
            let row = pl.data_row();
            (sheet.cell(row, col).clone(), row, Some(col))
        } else {
            continue;
        };
        match read_value(&cell, column, &src, lists) {
            Ok(t) if t.is_empty() => {}
            Ok(t) => {
                out.head.insert(field.clone(), t);
            }
            Err((zh, en)) => {
                out.unreadable
                    .push(CellError::at(&sheet.name, row, col, &path, zh, en))
            }
        }
    }
    Ok(())
}

/// The cell right of the first cell reading `label`: the first filled
/// one in the same row, past the label's own merged region.
fn right_of(sheet: &Sheet, label: &str) -> Option<(u32, u32)> {
    let want = normalize(label);
    for (r, cells) in sheet.rows.iter().enumerate() {
        let row = r as u32 + 1;
        for (c, cell) in cells.iter().enumerate() {
            if normalize(&cell.text()) != want {
                continue;
            }
            let found = (c as u32 + 1..sheet.width())
                .find(|&k| !sheet.is_merged_tail(row, k) && !sheet.cell(row, k).is_blank());
            return Some((row, found.unwrap_or(c as u32 + 1)));
        }
    }
    None
}

type Row = (RowOrigin, BTreeMap<String, String>);

fn read_table(
    sheet: &Sheet,
    pl: &PartLayout,
    part: Part,
    columns: &[TemplateColumn],
    lists: &CodeLists,
    unreadable: &mut Vec<CellError>,
) -> Result<Vec<Row>, SheetError> {
    // Resolve every column first: a missing header refuses the layout.
    let mut sources: Vec<(&TemplateColumn, FieldSource, Option<u32>)> = Vec::new();
    for (field, spec) in &pl.fields {
        let Some(column) = columns.iter().find(|c| &c.field == field) else {
            continue;
        };
        let src = spec.source();
        let col = match &src.column {
            Some(c) => match pl.resolve_column(sheet, c) {
                Ok(col) => Some(col),
                Err(_) if pl.skip_missing => continue,
                Err(e) => return Err(e),
            },
            None => None,
        };
        sources.push((column, src, col));
    }
    let stop: Vec<String> = match &pl.stop_at {
        Some(s) => s.iter().map(|s| normalize(s)).collect(),
        None => DEFAULT_STOP.iter().map(|s| normalize(s)).collect(),
    };
    let mut rows = Vec::new();
    for row in pl.data_row()..=sheet.rows.len() as u32 {
        if sheet.row_is_blank(row) {
            continue;
        }
        let first = sheet.rows[row as usize - 1]
            .iter()
            .find(|c| !c.is_blank())
            .map(|c| normalize(&c.text()))
            .unwrap_or_default();
        if stop
            .iter()
            .any(|s| !s.is_empty() && first.starts_with(s.as_str()))
        {
            break;
        }
        // A row with nothing in the layout's columns is not an item.
        let mapped_blank = sources.iter().all(|(_, _, col)| match col {
            Some(c) => sheet.is_merged_tail(row, *c) || sheet.cell(row, *c).is_blank(),
            None => true,
        });
        if mapped_blank {
            continue;
        }
        // A second header row (the English under the Chinese) is not an item.
        let is_header = sources
            .iter()
            .all(|(_, src, col)| match (col, &src.column) {
                (Some(c), Some(spec)) => {
                    let t = normalize(&sheet.cell(row, *c).text());
                    t.is_empty() || spec.split('|').any(|alt| normalize(alt) == t)
                }
                _ => true,
            });
        if is_header && row > 1 && pl.header_row.is_some() {
            continue;
        }
        let mut fields = BTreeMap::new();
        for (column, src, col) in &sources {
            let cell = match (col, &src.value) {
                (Some(c), _) if sheet.is_merged_tail(row, *c) => Cell::Empty,
                (Some(c), _) => sheet.cell(row, *c).clone(),
                (None, Some(v)) => Cell::Text(v.clone()),
                (None, None) => Cell::Empty,
            };
            match read_value(&cell, column, src, lists) {
                Ok(t) => {
                    fields.insert(column.field.clone(), t);
                }
                Err((zh, en)) => unreadable.push(CellError::at(
                    &sheet.name,
                    row,
                    *col,
                    &field_path(part, &column.field),
                    zh,
                    en,
                )),
            }
        }
        rows.push((
            RowOrigin {
                sheet: sheet.name.clone(),
                row,
            },
            fields,
        ));
    }
    Ok(rows)
}

type Why = (String, String);

fn quoted(t: &str) -> String {
    let short: String = t.chars().take(40).collect();
    if short.len() < t.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// The text `cell` gives field `column`, or why it cannot (zh, en).
pub fn read_value(
    cell: &Cell,
    column: &TemplateColumn,
    src: &FieldSource,
    lists: &CodeLists,
) -> Result<String, Why> {
    if let Cell::Unreadable { en, zh } = cell {
        return Err((zh.clone(), en.clone()));
    }
    let raw = match (cell, column.kind) {
        (Cell::Date { day, .. }, Kind::Date) => return Ok(date_text(*day)),
        (Cell::Date { serial, .. }, Kind::Number | Kind::Integer) => {
            crate::number::number_text(*serial).unwrap_or_default()
        }
        _ => cell.text(),
    };
    let trimmed = raw.trim();
    let mapped = src
        .map
        .iter()
        .find(|(k, _)| k.trim().eq_ignore_ascii_case(trimmed) || normalize(k) == normalize(trimmed))
        .map(|(_, v)| v.clone());
    let text = mapped.as_deref().unwrap_or(trimmed);
    // Text as typed, blanks included (a document type may start with
    // them); a mapped value, or a code its list knows it by.
    if column.kind == Kind::Text {
        return Ok(match (column.code_list, &mapped) {
            (_, Some(m)) => m.clone(),
            (Some(list), None) if !text.is_empty() => {
                code_of(lists, list, text).unwrap_or_else(|| raw.clone())
            }
            _ => raw.clone(),
        });
    }
    if text.is_empty() {
        return Ok(String::new());
    }
    match column.kind {
        Kind::Text => Ok(raw.clone()),
        Kind::Number | Kind::Integer => {
            let format = src.number.clone().unwrap_or_default();
            if format.as_text {
                return Ok(text.to_owned());
            }
            let Some(mut value) = parse_number_text(text) else {
                return Err((
                    format!("“{}”不是数字", quoted(text)),
                    format!("“{}” is not a number", quoted(text)),
                ));
            };
            let mut changed = false;
            if let Some(scale) = format
                .scale
                .as_ref()
                .and_then(|s| s.parse::<Decimal>().ok())
            {
                value *= scale;
                changed = true;
            }
            if let Some(dp) = format.decimals {
                value = value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
                changed = true;
            }
            if column.kind == Kind::Integer && !value.fract().is_zero() {
                return Err((
                    format!("“{}”不是整数", quoted(text)),
                    format!("“{}” is not a whole number", quoted(text)),
                ));
            }
            // A text cell keeps its digits as typed (`10.50`), without
            // the thousands separators; a computed value is printed.
            let typed: String = text.chars().filter(|c| *c != ',').collect();
            Ok(if changed || matches!(cell, Cell::Number { .. }) {
                decimal_text(value)
            } else {
                typed.trim().to_owned()
            })
        }
        Kind::Date => {
            let day = match cell {
                Cell::Number { value, .. } if mapped.is_none() => serial_date(*value, false),
                _ => parse_date_text(text),
            };
            day.map(date_text).ok_or_else(|| {
                (
                    format!("“{}”不是可识别的日期", quoted(text)),
                    format!(
                        "“{}” is not a date (yyyy-mm-dd, yyyymmdd, 2026年11月5日 or a date cell)",
                        quoted(text)
                    ),
                )
            })
        }
        Kind::Bool => match text.to_lowercase().as_str() {
            "1" | "true" | "y" | "yes" | "是" => Ok("1".into()),
            "0" | "false" | "n" | "no" | "否" => Ok("0".into()),
            _ => Err((
                format!("“{}”应为是/否（1/0）", quoted(text)),
                format!("“{}” is not yes/no (1/0)", quoted(text)),
            )),
        },
        Kind::IeFlag => match text.to_lowercase().as_str() {
            "i" | "进口" | "import" => Ok("I".into()),
            "e" | "出口" | "export" => Ok("E".into()),
            _ => Err((
                format!("“{}”应为I（进口）或E（出口）", quoted(text)),
                format!("“{}” is not I (import) or E (export)", quoted(text)),
            )),
        },
        Kind::FilingMode => match text {
            "one_step" | "一次申报" => Ok("one_step".into()),
            "two_step_summary" | "概要申报" => Ok("two_step_summary".into()),
            "two_step_complete" | "完整申报" => Ok("two_step_complete".into()),
            _ => Err((
                format!(
                    "“{}”不是申报模式（一次申报、概要申报、完整申报）",
                    quoted(text)
                ),
                format!(
                    "“{}” is not a filing mode (one_step, two_step_summary, two_step_complete)",
                    quoted(text)
                ),
            )),
        },
    }
}

/// The code `text` stands for in `list`: itself when a code; the code of
/// `CODE 名称`; the one code whose Chinese or English label it is. `None`
/// when none (the cell is then kept as typed and validation names it).
fn code_of(lists: &CodeLists, list: &str, text: &str) -> Option<String> {
    let entries = &lists.get(list)?.entries;
    if lists.contains(list, text) {
        return Some(text.to_owned());
    }
    if let Some((code, _)) = text.split_once(' ') {
        if lists.contains(list, code) {
            return Some(code.to_owned());
        }
    }
    let want = normalize(text);
    let matches: Vec<&str> = entries
        .iter()
        .filter(|e| normalize(&e.label_zh) == want || normalize(&e.label_en) == want)
        .map(|e| e.code.as_str())
        .collect();
    match matches.as_slice() {
        [one] => Some((*one).to_owned()),
        _ => None,
    }
}

impl Extracted {
    /// `base` with what was found: filled head fields replace its own, the
    /// lines, containers, documents and edocs appended (container line
    /// references moved past `base`'s lines).
    pub fn onto(&self, mut base: Declaration) -> Declaration {
        let mut head = serde_json::to_value(&base.head).unwrap_or_default();
        let columns = template_columns(Part::Head);
        for (field, text) in &self.head {
            let kind = columns
                .iter()
                .find(|c| &c.field == field)
                .map_or(Kind::Text, |c| c.kind);
            match field.as_str() {
                "client_seq_no" => base.client_seq_no = text.clone(),
                "advance" => base.advance = text == "1",
                "filing_mode" => {
                    if let Ok(m) = serde_json::from_value(Value::String(text.clone())) {
                        base.filing_mode = m;
                    }
                }
                f => match f.split_once('.') {
                    Some((charge, sub)) => head[charge][sub] = json_value(kind, text),
                    None => head[f] = json_value(kind, text),
                },
            }
        }
        if let Ok(h) = serde_json::from_value(head) {
            base.head = h;
        }
        let offset = base.lines.len();
        base.lines.extend(self.lines.iter().map(|l| l.item.clone()));
        base.containers.extend(self.containers.iter().map(|c| {
            let mut c = c.item.clone();
            if offset > 0 {
                c.line_refs = shift_refs(&c.line_refs, offset);
            }
            c
        }));
        base.documents
            .extend(self.documents.iter().map(|d| d.item.clone()));
        base.edocs.extend(self.edocs.iter().map(|e| e.item.clone()));
        base
    }
}

/// `1,3` with every number raised by `by`; other text left as it is.
fn shift_refs(refs: &str, by: usize) -> String {
    refs.split(',')
        .map(|r| match r.trim().parse::<usize>() {
            Ok(n) => (n + by).to_string(),
            Err(_) => r.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{FieldSpec, NumberFormat, SheetRef};
    use crate::read::{read_csv, Merge};

    fn layout(fields: &[(&str, FieldSpec)]) -> Layout {
        Layout {
            name: "t".into(),
            lines: Some(PartLayout {
                sheet: SheetRef::Index(1),
                header_row: Some(1),
                fields: fields
                    .iter()
                    .map(|(f, s)| (f.to_string(), s.clone()))
                    .collect(),
                ..PartLayout::default()
            }),
            ..Layout::default()
        }
    }

    fn source(column: &str, number: NumberFormat) -> FieldSpec {
        FieldSpec::Source(FieldSource {
            column: Some(column.into()),
            number: Some(number),
            ..FieldSource::default()
        })
    }

    #[test]
    fn grams_become_kilograms_and_text_can_stay_text() {
        let sheet = read_csv("name,grams,qty\nbolt,1234.5,12.5x\n", "t.csv").unwrap();
        let book = Workbook {
            sheets: vec![sheet],
        };
        let l = layout(&[
            ("name", FieldSpec::Column("name".into())),
            (
                "net_weight",
                source(
                    "grams",
                    NumberFormat {
                        scale: Some("0.001".into()),
                        decimals: Some(2),
                        as_text: false,
                    },
                ),
            ),
            (
                "quantity",
                source(
                    "qty",
                    NumberFormat {
                        as_text: true,
                        ..NumberFormat::default()
                    },
                ),
            ),
        ]);
        let found = extract(&book, &l, &CodeLists::bundled()).unwrap();
        assert!(found.unreadable.is_empty(), "{:?}", found.unreadable);
        // 1.2345 kg rounded half away from zero to 1.23.
        assert_eq!(found.figures[0].net_weight, Some(Decimal::new(123, 2)));
        assert_eq!(found.lines[0].item.quantity, "12.5x");
    }

    #[test]
    fn a_value_merged_over_data_rows_is_read_once() {
        let mut sheet = read_csv("name,origin\nbolt,中国\nnut,\nhinge,日本\n", "t.csv").unwrap();
        // B2:B3 merged: only B2 holds the value.
        sheet.merged.push(Merge {
            first_row: 1,
            first_col: 1,
            last_row: 2,
            last_col: 1,
        });
        let book = Workbook {
            sheets: vec![sheet],
        };
        let l = layout(&[
            ("name", FieldSpec::Column("name".into())),
            ("origin_country", FieldSpec::Column("origin".into())),
        ]);
        let found = extract(&book, &l, &CodeLists::bundled()).unwrap();
        let origins: Vec<&str> = found
            .lines
            .iter()
            .map(|l| l.item.origin_country.as_str())
            .collect();
        assert_eq!(origins, ["CHN", "", "JPN"]);
    }
}
