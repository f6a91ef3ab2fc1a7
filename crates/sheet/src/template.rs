//! Our own workbook (报关单模板): the one column table of every part of a
//! declaration ([`template_columns`]), from which the template is written,
//! a declaration is exported, the built-in layout reads it back
//! (`layout::template_layout`), and docs/formats/excel.md is checked.
//!
//! Sheets 表头 Head, 商品 Lines, 集装箱 Containers, 随附单证 Documents and
//! 随附单据 Edocs: row 1 the Chinese header, row 2 the English, data from
//! row 3 (the head is one data row). Every column is formatted as text so
//! codes keep their leading zeros, and columns with a code list offer its
//! codes as in-cell choices (`CODE 名称`; the importer keeps the code),
//! from a hidden sheet 代码表 Lists when the list is too long to write
//! inline. Values are written as text cells, so an exported declaration
//! reads back exactly.

use portdesk_domain::validate::part_fields;
use portdesk_domain::{CodeLists, Declaration, DraftMeta, DraftStatus, IeFlag};
use rust_xlsxwriter::{DataValidation, Format, Formula, Workbook, XlsxError};

/// Header rows of every template sheet: Chinese, then English.
pub const TEMPLATE_HEADER_ROWS: u32 = 2;

/// Name of the hidden sheet holding long code lists.
pub const LISTS_SHEET: &str = "代码表 Lists";

/// A part of a declaration, one sheet of the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Head,
    Lines,
    Containers,
    Documents,
    Edocs,
}

impl Part {
    pub const ALL: [Part; 5] = [
        Part::Head,
        Part::Lines,
        Part::Containers,
        Part::Documents,
        Part::Edocs,
    ];

    /// The part's name in layouts and field paths.
    pub fn name(self) -> &'static str {
        match self {
            Part::Head => "head",
            Part::Lines => "lines",
            Part::Containers => "containers",
            Part::Documents => "documents",
            Part::Edocs => "edocs",
        }
    }

    /// The template's sheet for this part.
    pub fn sheet_name(self) -> &'static str {
        match self {
            Part::Head => "表头 Head",
            Part::Lines => "商品 Lines",
            Part::Containers => "集装箱 Containers",
            Part::Documents => "随附单证 Documents",
            Part::Edocs => "随附单据 Edocs",
        }
    }
}

/// How a column's text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A decimal (quantities, prices, weights, charge values).
    Number,
    /// A whole number (packages, file size).
    Integer,
    /// A day, written `yyyyMMdd`.
    Date,
    /// `1`/`0` (also 是/否, Y/N, true/false on import).
    Bool,
    /// `I`/`E` (also 进口/出口).
    IeFlag,
    /// `one_step`, `two_step_summary`, `two_step_complete` (also 一次申报,
    /// 概要申报, 完整申报).
    FilingMode,
}

/// One column of the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateColumn {
    /// The field within its part: `bill_no`, `freight.mark`,
    /// `commodity_code`; in the head also the top-level `client_seq_no`,
    /// `filing_mode`, `advance`; in the lines the import-only
    /// `net_weight`, `gross_weight`, `packages`.
    pub field: String,
    pub zh: String,
    pub en: String,
    pub kind: Kind,
    /// The code list whose codes the column offers.
    pub code_list: Option<&'static str>,
    /// Read on import but not part of the declaration line (packing-list
    /// columns the split apportions by); exported empty.
    pub import_only: bool,
}

/// The code list of a field, where it has one.
fn code_list_of(part: Part, field: &str) -> Option<&'static str> {
    Some(match (part, field) {
        (Part::Head, "declaring_customs" | "ie_port") => "customs_office",
        (Part::Head, "transport_mode") => "transport_mode",
        (Part::Head, "trade_mode") => "trade_mode",
        (Part::Head, "levy_kind") => "levy_kind",
        (Part::Head, "trade_country" | "trading_country") => "country",
        (Part::Head, "destination_port" | "departure_port" | "entry_exit_port") => "port",
        (Part::Head, "terms_of_sale") => "terms_of_sale",
        (Part::Head, "package_kind") => "package_kind",
        (Part::Head, f) if f.ends_with(".currency") => "currency",
        (Part::Lines, "unit" | "first_unit" | "second_unit") => "unit",
        (Part::Lines, "currency") => "currency",
        (Part::Lines, "origin_country" | "destination_country") => "country",
        (Part::Lines, "district_code") => "district",
        (Part::Lines, "duty_mode") => "duty_mode",
        (Part::Documents, "code") => "document",
        _ => return None,
    })
}

fn kind_of(part: Part, field: &str) -> Kind {
    match (part, field) {
        (Part::Head, "client_seq_no") => Kind::Text,
        (Part::Head, "filing_mode") => Kind::FilingMode,
        (Part::Head, "ie_flag") => Kind::IeFlag,
        (Part::Head, "advance" | "guarantee_release") => Kind::Bool,
        (Part::Head, "ie_date") => Kind::Date,
        (Part::Head, "packages") => Kind::Integer,
        (Part::Head, "gross_weight" | "net_weight") => Kind::Number,
        (Part::Head, f) if f.ends_with(".value") => Kind::Number,
        (
            Part::Lines,
            "quantity" | "first_quantity" | "second_quantity" | "unit_price" | "total_price"
            | "net_weight" | "gross_weight",
        ) => Kind::Number,
        (Part::Lines, "packages") => Kind::Integer,
        (Part::Containers, "weight") => Kind::Number,
        (Part::Containers, "part_load") => Kind::Bool,
        (Part::Edocs, "size") => Kind::Integer,
        _ => Kind::Text,
    }
}

/// Every column of `part`'s sheet, in order: the declaration's fields in
/// struct order with their labels (`validate::part_fields`, the labels the
/// problems use), charges as three columns each.
pub fn template_columns(part: Part) -> Vec<TemplateColumn> {
    let col = |field: String, zh: String, en: String, import_only: bool| TemplateColumn {
        kind: kind_of(part, &field),
        code_list: code_list_of(part, &field),
        field,
        zh,
        en,
        import_only,
    };
    let mut out = Vec::new();
    if part == Part::Head {
        for (f, zh, en) in [
            ("client_seq_no", "客户端编号", "client sequence no."),
            ("filing_mode", "申报模式", "filing mode"),
            ("advance", "提前申报", "advance declaration"),
        ] {
            out.push(col(f.into(), zh.into(), en.into(), false));
        }
        let charge = part_fields("charge");
        for (f, zh, en) in part_fields("head") {
            if matches!(f, "freight" | "insurance" | "other_charges") {
                for (s, szh, sen) in &charge {
                    out.push(col(
                        format!("{f}.{s}"),
                        format!("{zh}{szh}"),
                        format!("{en} {sen}"),
                        false,
                    ));
                }
            } else {
                out.push(col(f.into(), zh.into(), en.into(), false));
            }
        }
        return out;
    }
    for (f, zh, en) in part_fields(part.name()) {
        out.push(col(f.into(), zh.into(), en.into(), false));
    }
    if part == Part::Lines {
        for (f, zh, en) in [
            (
                "net_weight",
                "净重(千克)(仅导入)",
                "net weight kg (import only)",
            ),
            (
                "gross_weight",
                "毛重(千克)(仅导入)",
                "gross weight kg (import only)",
            ),
            ("packages", "件数(仅导入)", "packages (import only)"),
        ] {
            out.push(col(f.into(), zh.into(), en.into(), true));
        }
    }
    out
}

/// Why a workbook could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the workbook: {0}")]
pub struct WriteError(#[from] XlsxError);

/// The template to download: every sheet with its headers and choices,
/// no data.
pub fn write_template(lists: &CodeLists) -> Result<Vec<u8>, WriteError> {
    write_declaration_sheets(None, lists)
}

/// `declaration` in the template's layout, so importing the file through
/// the template layout gives the same declaration back (its `extensions`,
/// the message blocks, are not written: they travel with messages).
pub fn write_declaration(
    declaration: &Declaration,
    lists: &CodeLists,
) -> Result<Vec<u8>, WriteError> {
    write_declaration_sheets(Some(declaration), lists)
}

/// The text of each column of `part` for every row of `declaration`.
pub fn part_rows(declaration: &Declaration, part: Part) -> Vec<Vec<String>> {
    let columns = template_columns(part);
    let values: Vec<serde_json::Value> = match part {
        Part::Head => {
            let mut head = serde_json::to_value(&declaration.head).unwrap_or_default();
            head["client_seq_no"] = declaration.client_seq_no.clone().into();
            head["filing_mode"] = serde_json::to_value(declaration.filing_mode).unwrap_or_default();
            head["advance"] = declaration.advance.into();
            vec![head]
        }
        Part::Lines => to_values(&declaration.lines),
        Part::Containers => to_values(&declaration.containers),
        Part::Documents => to_values(&declaration.documents),
        Part::Edocs => to_values(&declaration.edocs),
    };
    values
        .iter()
        .map(|v| {
            columns
                .iter()
                .map(|c| {
                    let mut at = v;
                    for seg in c.field.split('.') {
                        at = at.get(seg).unwrap_or(&serde_json::Value::Null);
                    }
                    match at {
                        serde_json::Value::String(s) => s.clone(),
                        serde_json::Value::Bool(b) => if *b { "1" } else { "0" }.into(),
                        serde_json::Value::Null => String::new(),
                        other => other.to_string(),
                    }
                })
                .collect()
        })
        .collect()
}

fn to_values<T: serde::Serialize>(items: &[T]) -> Vec<serde_json::Value> {
    items
        .iter()
        .map(|i| serde_json::to_value(i).unwrap_or_default())
        .collect()
}

/// Rows of the template sheets that get in-cell choices.
const CHOICE_ROWS: u32 = 1_000;

fn write_declaration_sheets(
    declaration: Option<&Declaration>,
    lists: &CodeLists,
) -> Result<Vec<u8>, WriteError> {
    let mut book = Workbook::new();
    let text = Format::new().set_num_format("@");
    let header_zh = Format::new().set_bold().set_num_format("@");
    let header_en = Format::new().set_italic().set_num_format("@");
    // Long lists go on the hidden sheet, one column each, written last.
    let mut long_lists: Vec<(&'static str, Vec<String>)> = Vec::new();
    for part in Part::ALL {
        let columns = template_columns(part);
        let rows = declaration.map(|d| part_rows(d, part)).unwrap_or_default();
        let sheet = book.add_worksheet();
        sheet.set_name(part.sheet_name())?;
        for (c, column) in columns.iter().enumerate() {
            let c = c as u16;
            sheet.set_column_format(c, &text)?;
            sheet.set_column_width(
                c,
                (column.zh.chars().count() as f64 * 2.2).clamp(10.0, 40.0),
            )?;
            sheet.write_string_with_format(0, c, &column.zh, &header_zh)?;
            sheet.write_string_with_format(1, c, &column.en, &header_en)?;
            let last_row = TEMPLATE_HEADER_ROWS + CHOICE_ROWS.max(rows.len() as u32);
            let choices: Option<Vec<String>> = match column.kind {
                Kind::IeFlag => Some(vec!["I".into(), "E".into()]),
                Kind::Bool => Some(vec!["1".into(), "0".into()]),
                Kind::FilingMode => Some(vec![
                    "one_step".into(),
                    "two_step_summary".into(),
                    "two_step_complete".into(),
                ]),
                _ => column.code_list.and_then(|l| lists.get(l)).map(|l| {
                    l.entries
                        .iter()
                        .map(|e| format!("{} {}", e.code, e.label_zh))
                        .collect()
                }),
            };
            if let Some(choices) = choices {
                let inline: usize = choices.iter().map(|s| s.chars().count() + 1).sum();
                let validation = if inline <= 255 {
                    DataValidation::new().allow_list_strings(&choices)?
                } else {
                    let name = column.code_list.unwrap_or("list");
                    let index = match long_lists.iter().position(|(n, _)| *n == name) {
                        Some(i) => i,
                        None => {
                            long_lists.push((name, choices.clone()));
                            long_lists.len() - 1
                        }
                    };
                    let letter = crate::cell_names::column_letter(index as u32);
                    DataValidation::new().allow_list_formula(Formula::new(format!(
                        "='{LISTS_SHEET}'!${letter}$2:${letter}${}",
                        choices.len() + 1
                    )))
                };
                // A clerk may paste a code with another label: warn, never refuse.
                let validation = validation
                    .ignore_blank(true)
                    .set_error_style(rust_xlsxwriter::DataValidationErrorStyle::Warning);
                sheet.add_data_validation(TEMPLATE_HEADER_ROWS, c, last_row, c, &validation)?;
            }
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                if !value.is_empty() {
                    sheet.write_string(TEMPLATE_HEADER_ROWS + r as u32, c as u16, value)?;
                }
            }
        }
        sheet.set_freeze_panes(TEMPLATE_HEADER_ROWS, 0)?;
    }
    if !long_lists.is_empty() {
        let sheet = book.add_worksheet();
        sheet.set_name(LISTS_SHEET)?;
        for (c, (name, values)) in long_lists.iter().enumerate() {
            sheet.write_string(0, c as u16, *name)?;
            for (r, v) in values.iter().enumerate() {
                sheet.write_string(r as u32 + 1, c as u16, v)?;
            }
        }
        sheet.set_hidden(true);
    }
    Ok(book.save_to_buffer()?)
}

/// The columns of the drafts list sheet (草稿列表): zh and en header.
pub const DRAFT_LIST_COLUMNS: &[(&str, &str)] = &[
    ("客户端编号", "client sequence no."),
    ("进出口", "import/export"),
    ("标题", "title"),
    ("状态", "status"),
    ("版本", "revision"),
    ("错误数", "errors"),
    ("警告数", "warnings"),
    ("创建时间", "created (UTC)"),
    ("更新时间", "updated (UTC)"),
    ("删除时间", "trashed (UTC)"),
    ("编号", "id"),
];

fn status_text(s: DraftStatus) -> &'static str {
    match s {
        DraftStatus::Draft => "draft 草稿",
        DraftStatus::Ready => "ready 可申报",
        DraftStatus::Queued => "queued 待发送",
        DraftStatus::Sent => "sent 已发送",
        DraftStatus::Accepted => "accepted 已受理",
        DraftStatus::Cleared => "cleared 已放行",
        DraftStatus::Released => "released 已结关",
        DraftStatus::Closed => "closed 已关闭",
        DraftStatus::Rejected => "rejected 退单",
    }
}

/// The drafts list as one sheet (草稿列表 Drafts), headers in rows 1–2.
pub fn write_draft_list(drafts: &[DraftMeta]) -> Result<Vec<u8>, WriteError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name("草稿列表 Drafts")?;
    for (c, (zh, en)) in DRAFT_LIST_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *zh, &bold)?;
        sheet.write_string(1, c as u16, *en)?;
        sheet.set_column_width(c as u16, 18)?;
    }
    let time = |t: &chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M:%S").to_string();
    for (r, d) in drafts.iter().enumerate() {
        let r = TEMPLATE_HEADER_ROWS + r as u32;
        sheet.write_string(r, 0, &d.client_seq_no)?;
        sheet.write_string(
            r,
            1,
            if d.ie_flag == IeFlag::I {
                "I 进口"
            } else {
                "E 出口"
            },
        )?;
        sheet.write_string(r, 2, &d.title)?;
        sheet.write_string(r, 3, status_text(d.status))?;
        sheet.write_number(r, 4, d.revision as f64)?;
        sheet.write_number(r, 5, f64::from(d.error_count))?;
        sheet.write_number(r, 6, f64::from(d.warning_count))?;
        sheet.write_string(r, 7, time(&d.created_at))?;
        sheet.write_string(r, 8, time(&d.updated_at))?;
        sheet.write_string(r, 9, d.trashed_at.as_ref().map(time).unwrap_or_default())?;
        sheet.write_string(r, 10, d.id.to_string())?;
    }
    sheet.set_freeze_panes(TEMPLATE_HEADER_ROWS, 0)?;
    Ok(book.save_to_buffer()?)
}
