//! Import layouts (导入格式): where in a customer's workbook each field of a
//! declaration is. Written as JSON (docs/formats/excel.md has a full
//! example), saved under a name in the store, chosen again next time and
//! suggested when a workbook's headers match ([`suggest_layout`]).
//!
//! A layout has up to five parts (`head`, `lines`, `containers`,
//! `documents`, `edocs`), each on one sheet. A table part (lines,
//! containers, documents, edocs) reads one row per item from
//! `first_data_row` on; its columns are found by letter (`C`) or by the
//! header text in the rows from `header_row` to the row before the data
//! (merged header cells read as their top-left value). The head reads each
//! field from a cell (`B3`), from the cell right of a label (`"right_of":
//! "毛重"`), from a column of the first data row, or takes a fixed value.
//!
//! The built-in [`template_layout`] reads our own template (`template.rs`);
//! it is made from the same column table the template is written from.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::cell_names::column_index;
use crate::error::SheetError;
use crate::read::{Sheet, Workbook};
use crate::template::{template_columns, Part as TemplatePart, TEMPLATE_HEADER_ROWS};

/// Name of the built-in layout of our own template.
pub const TEMPLATE_LAYOUT: &str = "template";

/// Name of the built-in layout of goods lines under the template's line
/// headers (Chinese or English, one or both header rows) on the first
/// sheet: a CSV or a one-sheet workbook made from the template's columns.
pub const TEMPLATE_LINES_LAYOUT: &str = "template-lines";

/// The built-in layouts, before any saved one.
pub fn builtin_layouts() -> Vec<Layout> {
    vec![template_layout(), template_lines_layout()]
}

/// The layout [`TEMPLATE_LINES_LAYOUT`] names.
pub fn template_lines_layout() -> Layout {
    let lines = template_layout().lines.map(|l| PartLayout {
        sheet: SheetRef::Index(1),
        header_row: Some(1),
        first_data_row: Some(2),
        optional: false,
        ..l
    });
    Layout {
        name: TEMPLATE_LINES_LAYOUT.into(),
        description: "模板的商品列（第一个工作表）/ the template's line columns on the first sheet"
            .into(),
        lines,
        ..Layout::default()
    }
}

/// Where one part of a declaration is and which column holds which field.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(rename = "SheetPartLayout")]
pub struct PartLayout {
    /// The sheet: its name, or its 1-based position as a number.
    pub sheet: SheetRef,
    /// The (first) header row, 1-based. Header texts are looked for from
    /// here to the row before `first_data_row`. None: columns by letter only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_row: Option<u32>,
    /// The first row of data, 1-based; default the row after `header_row`,
    /// else row 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_data_row: Option<u32>,
    /// A row whose first filled cell starts with one of these ends the
    /// table (a totals row). Default `合计`, `总计`, `小计`, `Total`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_at: Option<Vec<String>>,
    /// A workbook without this part's sheet skips the part instead of
    /// being refused (the template: a workbook of lines only).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
    /// A column whose header the sheet lacks leaves its field empty instead
    /// of refusing the layout (the template: a file may carry only the
    /// columns it fills). Such a part is suggested when it finds at least
    /// two of its columns.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub skip_missing: bool,
    /// Field name → where its value is. Field names are the declaration's
    /// (`commodity_code`, `head` `gross_weight`, `freight.mark`); a lines
    /// part may also read the import-only `net_weight`, `gross_weight` and
    /// `packages` of the row, which the split apportions by.
    pub fields: BTreeMap<String, FieldSpec>,
}

/// A sheet by name or 1-based position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum SheetRef {
    Index(u32),
    Name(String),
}

impl Default for SheetRef {
    fn default() -> Self {
        SheetRef::Index(1)
    }
}

/// Where a field's value is: a bare string is a column (`"C"` or a header
/// text); otherwise a [`FieldSource`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
#[ts(rename = "SheetFieldSpec")]
pub enum FieldSpec {
    Column(String),
    Source(FieldSource),
}

impl FieldSpec {
    /// The spec as a full source.
    pub fn source(&self) -> FieldSource {
        match self {
            FieldSpec::Column(c) => FieldSource {
                column: Some(c.clone()),
                ..FieldSource::default()
            },
            FieldSpec::Source(s) => s.clone(),
        }
    }
}

/// One field's source and how to read it. Exactly one of `column`, `cell`,
/// `right_of` and `value` says where; `map` and `number` say how.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
#[ts(rename = "SheetFieldSource")]
pub struct FieldSource {
    /// A column letter (`A`–`XFD`, upper case) or its header text;
    /// alternatives separated by `|` (`商品编号|commodity code`), the first
    /// found wins. Header texts compare without blanks, ignoring case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Head only: a cell (`B3`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// Head only: the first filled cell right of the cell reading this
    /// label (`毛重`, `Gross weight:`; a trailing colon is ignored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub right_of: Option<String>,
    /// A fixed value for every row (or the head field).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Values replaced before anything else (`PCS` → `007`, `美国` →
    /// `USA`); keys compare trimmed, ignoring case.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub map: BTreeMap<String, String>,
    /// How a number is read: scaled, rounded, or taken as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<NumberFormat>,
}

/// How a number column is read.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
#[ts(rename = "SheetNumberFormat")]
pub struct NumberFormat {
    /// Multiply by this decimal (`"0.001"`: grams to kilograms).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<String>,
    /// Round to this many decimals (half away from zero) after scaling.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u32>,
    /// Take the cell's text as it is, without checking it is a number.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub as_text: bool,
}

/// A whole layout (导入格式).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(rename = "SheetLayout")]
pub struct Layout {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<PartLayout>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<PartLayout>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub containers: Option<PartLayout>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents: Option<PartLayout>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edocs: Option<PartLayout>,
}

impl Layout {
    /// Parses and checks a layout: known field names, one source each,
    /// valid cells and scales. Errors name the part and field.
    pub fn from_json(text: &str) -> Result<Layout, SheetError> {
        let layout: Layout =
            serde_json::from_str(text).map_err(|e| SheetError::BadLayout(e.to_string()))?;
        layout.check()?;
        Ok(layout)
    }

    /// The parts present, with their template part.
    pub fn parts(&self) -> Vec<(TemplatePart, &PartLayout)> {
        [
            (TemplatePart::Head, &self.head),
            (TemplatePart::Lines, &self.lines),
            (TemplatePart::Containers, &self.containers),
            (TemplatePart::Documents, &self.documents),
            (TemplatePart::Edocs, &self.edocs),
        ]
        .into_iter()
        .filter_map(|(p, l)| l.as_ref().map(|l| (p, l)))
        .collect()
    }

    /// Checks what `from_json` checks.
    pub fn check(&self) -> Result<(), SheetError> {
        if self.name.trim().is_empty() {
            return Err(SheetError::BadLayout("the layout has no name".into()));
        }
        if self.parts().is_empty() {
            return Err(SheetError::BadLayout(
                "the layout has no part (head, lines, containers, documents, edocs)".into(),
            ));
        }
        for (part, layout) in self.parts() {
            let known = template_columns(part);
            for (field, spec) in &layout.fields {
                let bad =
                    |why: &str| SheetError::BadLayout(format!("{}.{field}: {why}", part.name()));
                if !known.iter().any(|c| &c.field == field) {
                    return Err(bad("no such field"));
                }
                let s = spec.source();
                let wheres = [
                    s.column.is_some(),
                    s.cell.is_some(),
                    s.right_of.is_some(),
                    s.value.is_some(),
                ]
                .iter()
                .filter(|b| **b)
                .count();
                if wheres != 1 {
                    return Err(bad("give exactly one of column, cell, right_of, value"));
                }
                if part != TemplatePart::Head && (s.cell.is_some() || s.right_of.is_some()) {
                    return Err(bad("cell and right_of are for the head only"));
                }
                if let Some(c) = &s.cell {
                    if crate::cell_names::cell_ref(c).is_none() {
                        return Err(bad("cell is not a reference like B3"));
                    }
                }
                if let Some(scale) = s.number.as_ref().and_then(|n| n.scale.as_ref()) {
                    if scale.parse::<rust_decimal::Decimal>().is_err() {
                        return Err(bad("number.scale is not a decimal"));
                    }
                }
            }
        }
        Ok(())
    }
}

/// The layout of our own template (`template.rs`): every part on its
/// sheet, headers in rows 1 (Chinese) and 2 (English), data from row 3,
/// each column found by its Chinese or English header.
pub fn template_layout() -> Layout {
    let part = |p: TemplatePart| PartLayout {
        sheet: SheetRef::Name(p.sheet_name().into()),
        header_row: Some(1),
        first_data_row: Some(TEMPLATE_HEADER_ROWS + 1),
        stop_at: Some(Vec::new()),
        optional: true,
        skip_missing: true,
        fields: template_columns(p)
            .into_iter()
            .map(|c| {
                (
                    c.field.clone(),
                    FieldSpec::Column(format!("{}|{}", c.zh, c.en)),
                )
            })
            .collect(),
    };
    Layout {
        name: TEMPLATE_LAYOUT.into(),
        description: "PortDesk 模板 / the PortDesk template".into(),
        head: Some(part(TemplatePart::Head)),
        lines: Some(part(TemplatePart::Lines)),
        containers: Some(part(TemplatePart::Containers)),
        documents: Some(part(TemplatePart::Documents)),
        edocs: Some(part(TemplatePart::Edocs)),
    }
}

/// Header texts compare without blanks, ignoring case and a trailing colon.
pub(crate) fn normalize(s: &str) -> String {
    let s: String = s.split_whitespace().collect::<String>().to_lowercase();
    s.trim_end_matches([':', '：']).to_owned()
}

/// The sheet `r` names.
pub(crate) fn find_sheet<'a>(book: &'a Workbook, r: &SheetRef) -> Result<&'a Sheet, SheetError> {
    let found = match r {
        SheetRef::Index(i) => i.checked_sub(1).and_then(|i| book.sheets.get(i as usize)),
        SheetRef::Name(n) => book.sheet(n),
    };
    found.ok_or_else(|| SheetError::NoSuchSheet {
        sheet: match r {
            SheetRef::Index(i) => format!("#{i}"),
            SheetRef::Name(n) => n.clone(),
        },
        have: book
            .sheets
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

impl PartLayout {
    /// The first data row.
    pub fn data_row(&self) -> u32 {
        self.first_data_row
            .or(self.header_row.map(|h| h + 1))
            .unwrap_or(1)
    }

    /// The header rows: `header_row` to the row before the data.
    pub fn header_rows(&self) -> std::ops::Range<u32> {
        match self.header_row {
            Some(h) => h..self.data_row().max(h + 1),
            None => 0..0,
        }
    }

    /// The 0-based column `column` names in `sheet`: a letter, or the first
    /// alternative found among the header rows' texts.
    pub fn resolve_column(&self, sheet: &Sheet, column: &str) -> Result<u32, SheetError> {
        for alt in column.split('|') {
            let alt = alt.trim();
            if alt.len() <= 3 && alt.bytes().all(|b| b.is_ascii_uppercase()) {
                if let Some(c) = column_index(alt) {
                    return Ok(c);
                }
            }
            let want = normalize(alt);
            if want.is_empty() {
                continue;
            }
            for row in self.header_rows() {
                for col in 0..sheet.width() {
                    if normalize(&sheet.header_cell(row, col).text()) == want {
                        return Ok(col);
                    }
                }
            }
        }
        let rows = self.header_rows();
        Err(SheetError::NoSuchColumn {
            sheet: sheet.name.clone(),
            header: column.to_owned(),
            rows: if rows.is_empty() {
                "-".into()
            } else {
                format!("{}–{}", rows.start, rows.end - 1)
            },
        })
    }
}

/// Of `saved` layouts (the built-in template's first, then the saved), the
/// one whose sheets and header texts this workbook has: every part's sheet
/// found and every column it finds by header found. Of several, the one
/// that matches the most headers; `None` when none matches.
pub fn suggest_layout<'a>(book: &Workbook, saved: &'a [Layout]) -> Option<&'a Layout> {
    let mut best: Option<(&Layout, usize)> = None;
    for layout in saved {
        let Some(score) = match_score(book, layout) else {
            continue;
        };
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((layout, score));
        }
    }
    best.map(|(l, _)| l)
}

/// How many header columns of `layout` `book` has, when it has them all.
fn match_score(book: &Workbook, layout: &Layout) -> Option<usize> {
    let mut score = 0;
    for (_, part) in layout.parts() {
        let sheet = match find_sheet(book, &part.sheet) {
            Ok(s) => s,
            Err(_) if part.optional => continue,
            Err(_) => return None,
        };
        let mut found = 0;
        for spec in part.fields.values() {
            if let Some(col) = spec.source().column {
                let by_letter = col
                    .split('|')
                    .all(|a| a.len() <= 3 && a.bytes().all(|b| b.is_ascii_uppercase()));
                if by_letter {
                    continue;
                }
                match part.resolve_column(sheet, &col) {
                    Ok(_) => found += 1,
                    Err(_) if part.skip_missing => {}
                    Err(_) => return None,
                }
            }
        }
        if part.skip_missing && found < 2 {
            if part.optional {
                continue;
            }
            return None;
        }
        score += found;
    }
    (score > 0).then_some(score)
}
