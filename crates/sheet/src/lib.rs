//! Spreadsheets in and out of declarations (电子表格导入导出): reading
//! `.xlsx`, `.xls` and `.csv` files as cells of exact text (`read.rs`,
//! `number.rs`), import layouts that say where each field is
//! (`layout.rs`), applying a layout (`apply.rs`), splitting a declaration
//! of more than 50 lines (`split.rs`), and writing the template, a
//! declaration and the drafts list (`template.rs`), and the goods library
//! (`goods.rs`).
//!
//! No I/O: callers read the file (within `limits::SHEET_FILE`) and write
//! the bytes; no SQL, Tauri or HTTP. docs/formats/excel.md describes the
//! template, layouts and how values are read.

pub mod apply;
pub mod cell_names;
pub mod error;
pub mod goods;
pub mod layout;
pub mod number;
pub mod read;
pub mod split;
pub mod template;

pub use apply::{extract, Extracted, Imported, RowFigures, RowOrigin};
pub use error::{CellError, SheetError, SHEET_ERROR_CODES};
pub use goods::{read_goods, write_goods, GoodsRows, GOODS_COLUMNS, GOODS_SHEET};
pub use layout::{
    builtin_layouts, suggest_layout, template_layout, template_lines_layout, FieldSource,
    FieldSpec, Layout, NumberFormat, PartLayout, SheetRef, TEMPLATE_LAYOUT, TEMPLATE_LINES_LAYOUT,
};
pub use read::{read_workbook, Cell, Sheet, Workbook};
pub use split::{apportion, fill_head_totals, split_declaration, Basis};
pub use template::{
    template_columns, write_declaration, write_draft_list, write_template, Part, TemplateColumn,
    WriteError,
};

/// Name of the one sheet rows pasted from a spreadsheet are read into.
pub const PASTED_SHEET: &str = "粘贴 Pasted";

/// Rows copied from Excel or WPS (tab-separated text) as a workbook of one
/// sheet, and the layout that reads them as goods lines: with a header
/// row when the first row's cells are template line headers (Chinese or
/// English), else the template's line columns in order from column A.
pub fn pasted_lines(text: &str) -> Result<(Workbook, Layout), SheetError> {
    // Excel puts a tab between cells even on one column; a single column
    // without tabs reads the same either way.
    let sheet = read::read_csv_with(text, PASTED_SHEET, '\t')?;
    let columns = template_columns(Part::Lines);
    let first_row: Vec<String> = sheet
        .rows
        .iter()
        .find(|r| r.iter().any(|c| !c.is_blank()))
        .map(|r| r.iter().map(|c| layout::normalize(&c.text())).collect())
        .unwrap_or_default();
    let is_header = |h: &String| {
        !h.is_empty()
            && columns
                .iter()
                .any(|c| layout::normalize(&c.zh) == *h || layout::normalize(&c.en) == *h)
    };
    let header_row = sheet
        .rows
        .iter()
        .position(|r| r.iter().any(|c| !c.is_blank()))
        .map(|i| i as u32 + 1);
    let has_header = first_row.iter().any(is_header);
    let fields = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let spec = if has_header {
                format!("{}|{}", c.zh, c.en)
            } else {
                cell_names::column_letter(i as u32)
            };
            (c.field.clone(), FieldSpec::Column(spec))
        })
        .filter(|(_, spec)| match spec {
            // Without headers, only the columns the rows reach.
            FieldSpec::Column(c) if !has_header => {
                cell_names::column_index(c).is_some_and(|i| i < sheet.width())
            }
            _ => true,
        });
    let mut part = PartLayout {
        sheet: SheetRef::Index(1),
        header_row: if has_header { header_row } else { None },
        first_data_row: None,
        stop_at: Some(Vec::new()),
        optional: false,
        skip_missing: false,
        fields: fields.collect(),
    };
    if has_header {
        // Only the headers present: a paste of five columns is not refused
        // for lacking the other eleven.
        part.fields.retain(|_, spec| match spec {
            FieldSpec::Column(c) => part_has(&sheet, header_row.unwrap_or(1), c),
            FieldSpec::Source(_) => true,
        });
    }
    let layout = Layout {
        name: "pasted".into(),
        description: String::new(),
        lines: Some(part),
        ..Layout::default()
    };
    Ok((
        Workbook {
            sheets: vec![sheet],
        },
        layout,
    ))
}

fn part_has(sheet: &Sheet, row: u32, column: &str) -> bool {
    column.split('|').any(|alt| {
        let want = layout::normalize(alt);
        (0..sheet.width()).any(|c| layout::normalize(&sheet.cell(row, c).text()) == want)
    })
}
