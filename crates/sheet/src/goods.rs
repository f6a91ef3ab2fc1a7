//! The goods library as a workbook (商品库 Excel): one sheet `商品库` with
//! a Chinese header row and an English one (like the template), one record
//! a row. Export writes every column; import finds the columns by either
//! header (any order, missing columns empty), reads every cell as text and
//! names a cell it cannot take by sheet, row and column. The record's own
//! checks (`GoodsRecord::problems`) are the caller's, per row.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use portdesk_domain::goods::GoodsRecord;
use rust_xlsxwriter::{Format, Workbook as XlsxBook};

use crate::error::{CellError, SheetError};
use crate::layout::normalize;
use crate::read::{Cell, Workbook};
use crate::template::{WriteError, TEMPLATE_HEADER_ROWS};

/// The sheet's name.
pub const GOODS_SHEET: &str = "商品库";

/// The columns, in order: field, Chinese header, English header.
pub const GOODS_COLUMNS: &[(&str, &str, &str)] = &[
    ("part_number", "商品料号", "part number"),
    ("commodity_code", "商品编号", "commodity code"),
    ("name", "商品名称", "goods name"),
    ("elements", "规格型号", "declaration elements"),
    ("unit", "成交计量单位", "unit traded"),
    ("first_unit", "法定第一计量单位", "first legal unit"),
    ("second_unit", "法定第二计量单位", "second legal unit"),
    ("origin_country", "原产国(地区)", "country of origin"),
    ("last_unit_price", "最近单价", "last unit price"),
    ("last_currency", "最近币制", "last currency"),
    ("last_used", "最近使用(UTC)", "last used (UTC)"),
    ("last_declaration", "最近报关单", "last declaration"),
    ("note", "备注", "note"),
];

const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

fn text_of<'a>(r: &'a GoodsRecord, field: &str) -> std::borrow::Cow<'a, str> {
    let s: &str = match field {
        "part_number" => &r.part_number,
        "commodity_code" => &r.commodity_code,
        "name" => &r.name,
        "elements" => &r.elements,
        "unit" => &r.unit,
        "first_unit" => &r.first_unit,
        "second_unit" => &r.second_unit,
        "origin_country" => &r.origin_country,
        "last_unit_price" => &r.last_unit_price,
        "last_currency" => &r.last_currency,
        "last_declaration" => &r.last_declaration,
        "note" => &r.note,
        "last_used" => {
            return r
                .last_used
                .map(|t| t.format(TIME_FORMAT).to_string())
                .unwrap_or_default()
                .into()
        }
        _ => "",
    };
    s.into()
}

fn set_text(r: &mut GoodsRecord, field: &str, value: String) {
    let slot = match field {
        "part_number" => &mut r.part_number,
        "commodity_code" => &mut r.commodity_code,
        "name" => &mut r.name,
        "elements" => &mut r.elements,
        "unit" => &mut r.unit,
        "first_unit" => &mut r.first_unit,
        "second_unit" => &mut r.second_unit,
        "origin_country" => &mut r.origin_country,
        "last_unit_price" => &mut r.last_unit_price,
        "last_currency" => &mut r.last_currency,
        "last_declaration" => &mut r.last_declaration,
        "note" => &mut r.note,
        _ => return,
    };
    *slot = value;
}

/// The records as the `商品库` sheet, every cell text.
pub fn write_goods(records: &[GoodsRecord]) -> Result<Vec<u8>, WriteError> {
    let mut book = XlsxBook::new();
    let text = Format::new().set_num_format("@");
    let header_zh = Format::new().set_bold().set_num_format("@");
    let header_en = Format::new().set_italic().set_num_format("@");
    let sheet = book.add_worksheet();
    sheet.set_name(GOODS_SHEET)?;
    for (c, (_, zh, en)) in GOODS_COLUMNS.iter().enumerate() {
        let c = c as u16;
        sheet.set_column_format(c, &text)?;
        sheet.set_column_width(c, 18)?;
        sheet.write_string_with_format(0, c, *zh, &header_zh)?;
        sheet.write_string_with_format(1, c, *en, &header_en)?;
    }
    for (r, record) in records.iter().enumerate() {
        let r = TEMPLATE_HEADER_ROWS + r as u32;
        for (c, (field, _, _)) in GOODS_COLUMNS.iter().enumerate() {
            let v = text_of(record, field);
            if !v.is_empty() {
                sheet.write_string(r, c as u16, v.as_ref())?;
            }
        }
    }
    sheet.set_freeze_panes(TEMPLATE_HEADER_ROWS, 0)?;
    Ok(book.save_to_buffer()?)
}

/// What reading the sheet gave: each data row's record with its 1-based
/// row number, and the cells that could not be read.
#[derive(Debug, Clone, Default)]
pub struct GoodsRows {
    pub sheet: String,
    pub records: Vec<(u32, GoodsRecord)>,
    pub unreadable: Vec<CellError>,
}

/// Reads the `商品库` sheet (or, when there is none, the first sheet):
/// the header row is the first row naming a column (Chinese or English),
/// an English header row right under it is skipped, blank rows are skipped.
/// No column recognised: `no_such_column` on the part-number/name header.
pub fn read_goods(book: &Workbook) -> Result<GoodsRows, SheetError> {
    let sheet = book
        .sheet(GOODS_SHEET)
        .or_else(|| book.sheets.first())
        .ok_or(SheetError::NoSheets)?;
    let column_of = |text: &str| {
        let h = normalize(text);
        GOODS_COLUMNS
            .iter()
            .position(|(_, zh, en)| !h.is_empty() && (normalize(zh) == h || normalize(en) == h))
    };
    let header_of = |row: u32| -> Vec<(u32, usize)> {
        (0..sheet.width())
            .filter_map(|c| column_of(&sheet.header_cell(row, c).text()).map(|i| (c, i)))
            .collect()
    };
    let last_row = sheet.rows.len() as u32;
    let Some((header_row, columns)) = (1..=last_row.min(10))
        .map(|r| (r, header_of(r)))
        .find(|(_, cols)| !cols.is_empty())
    else {
        return Err(SheetError::NoSuchColumn {
            sheet: sheet.name.clone(),
            header: "商品料号|part number, 商品名称|goods name".into(),
            rows: "1-10".into(),
        });
    };
    let mut first_data = header_row + 1;
    if !header_of(first_data).is_empty() {
        first_data += 1;
    }
    let mut out = GoodsRows {
        sheet: sheet.name.clone(),
        ..GoodsRows::default()
    };
    for row in first_data..=last_row {
        if sheet.row_is_blank(row) {
            continue;
        }
        let mut record = GoodsRecord::default();
        for &(c, i) in &columns {
            let field = GOODS_COLUMNS[i].0;
            let cell = sheet.cell(row, c);
            if let Cell::Unreadable { en, zh } = cell {
                out.unreadable.push(CellError::at(
                    &sheet.name,
                    row,
                    Some(c),
                    field,
                    zh.clone(),
                    en.clone(),
                ));
                continue;
            }
            if field == "last_used" {
                match last_used(cell) {
                    Ok(t) => record.last_used = t,
                    Err(()) => out.unreadable.push(CellError::at(
                        &sheet.name,
                        row,
                        Some(c),
                        field,
                        "不是日期时间（应为 2026-01-31 08:00:00）",
                        "not a date and time (2026-01-31 08:00:00)",
                    )),
                }
                continue;
            }
            set_text(&mut record, field, cell.text().trim().to_owned());
        }
        out.records.push((row, record));
    }
    Ok(out)
}

fn last_used(cell: &Cell) -> Result<Option<DateTime<Utc>>, ()> {
    if cell.is_blank() {
        return Ok(None);
    }
    if let Cell::Date { day, .. } = cell {
        return Ok(Some(day.and_time(Default::default()).and_utc()));
    }
    let t = cell.text();
    let t = t.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(t) {
        return Ok(Some(at.with_timezone(&Utc)));
    }
    if let Ok(at) = NaiveDateTime::parse_from_str(t, TIME_FORMAT) {
        return Ok(Some(at.and_utc()));
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map(|d| Some(d.and_time(Default::default()).and_utc()))
        .map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::read_workbook;

    #[test]
    fn written_records_read_back() {
        let records = vec![
            GoodsRecord {
                part_number: "AB-1".into(),
                commodity_code: "0101210010".into(),
                name: "螺栓".into(),
                last_unit_price: "0.50".into(),
                last_used: Some(
                    NaiveDateTime::parse_from_str("2026-03-01 08:30:00", TIME_FORMAT)
                        .unwrap()
                        .and_utc(),
                ),
                note: "常用".into(),
                ..Default::default()
            },
            GoodsRecord {
                name: "螺母".into(),
                ..Default::default()
            },
        ];
        let bytes = write_goods(&records).unwrap();
        let book = read_workbook(&bytes, "goods.xlsx").unwrap();
        let got = read_goods(&book).unwrap();
        assert!(got.unreadable.is_empty(), "{:?}", got.unreadable);
        assert_eq!(
            got.records.iter().map(|(r, _)| *r).collect::<Vec<_>>(),
            [3, 4]
        );
        let back: Vec<GoodsRecord> = got.records.into_iter().map(|(_, r)| r).collect();
        assert_eq!(back, records);
    }

    #[test]
    fn columns_by_english_header_in_any_order_and_a_bad_date_named() {
        let csv = "goods name,part number,last used (UTC)\n螺栓,P1,yesterday\n";
        let sheet = crate::read::read_csv(csv, "x").unwrap();
        let got = read_goods(&Workbook {
            sheets: vec![sheet],
        })
        .unwrap();
        assert_eq!(got.records[0].1.part_number, "P1");
        assert_eq!(got.records[0].1.name, "螺栓");
        assert_eq!(got.unreadable.len(), 1);
        assert_eq!(got.unreadable[0].column, "C");
        assert_eq!(got.unreadable[0].row, 2);
    }
}
