//! Spreadsheets in and out of the drafts (电子表格导入导出), for the CLI
//! and the app alike: a workbook (`.xlsx`, `.xls`, `.csv`) or rows pasted
//! from Excel/WPS previewed as the declarations they would become, saved
//! in one transaction; saved import layouts; a declaration, the drafts
//! list and the template written as `.xlsx`.
//!
//! A preview writes nothing. It reads the file within `SHEET_FILE`,
//! applies the layout (named, or suggested from the headers), puts the
//! lines into a new declaration or after the open draft's, fills empty head
//! totals from the rows, splits over 50 lines (`portdesk_sheet::split`) and
//! validates each part. The preview is remembered under its `ticket`;
//! saving names the ticket, so a preview with unreadable cells cannot be
//! saved whatever the page sends, and takes the parts as the clerk left
//! them (packages and weights adjusted), re-validated.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use portdesk_domain::limits::SHEET_FILE;
use portdesk_domain::{
    client_seq_no_for, Declaration, DraftQuery, IeFlag, Problem, Purpose, SaveInfo, MAX_LINES,
};
use portdesk_sheet::{
    builtin_layouts, extract, fill_head_totals, pasted_lines, read_workbook, split_declaration,
    suggest_layout, write_declaration, write_draft_list, write_template, Basis, CellError,
    Extracted, Layout, RowFigures, SheetError, Workbook,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::files::read_limited;
use crate::messages::{write_file_atomically, FileProblem};
use crate::{check_extensions, DraftError, Drafts, SaveResult};

/// Previews kept for saving; the oldest goes when there are more (a clerk
/// previews one file at a time; the CLI one per run).
const KEPT_PREVIEWS: usize = 16;

/// Where a preview's lines came from: the source shown to the clerk.
pub const PASTED_SOURCE: &str = "pasted";

/// One imported row as the preview lists it (预览行).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PreviewRow {
    pub sheet: String,
    /// 1-based, as Excel shows it.
    pub row: u32,
    /// Index of the part (declaration) in `SheetPreview.parts`.
    pub part: u32,
    /// 1-based line number within its part (项号).
    pub line_no: u32,
    pub commodity_code: String,
    pub name: String,
    pub quantity: String,
    pub unit: String,
    pub total_price: String,
    pub currency: String,
    /// The row's own net weight (packing-list column), empty when none.
    pub net_weight: String,
    /// What validation for declaring finds on this line.
    pub problems: Vec<Problem>,
}

/// A total of goods value in one currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CurrencyTotal {
    pub currency: String,
    pub total: String,
}

/// The figures of one part, as its head says after apportioning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PartTotals {
    pub lines: u32,
    pub packages: String,
    pub gross_weight: String,
    pub net_weight: String,
}

/// The totals of a preview (合计).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PreviewTotals {
    /// Goods lines over all parts.
    pub lines: u32,
    /// The head's packages, gross and net weight before any split.
    pub packages: String,
    pub gross_weight: String,
    pub net_weight: String,
    /// Sum of the lines' total prices, per currency.
    pub value: Vec<CurrencyTotal>,
    /// Per part, in `parts` order.
    pub parts: Vec<PartTotals>,
    /// What packages and weights were apportioned by.
    pub basis: Basis,
}

/// What an import would create (导入预览). Nothing is saved until
/// `save_sheet_import` is called with `ticket`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SheetPreview {
    /// Names this preview for saving.
    #[ts(type = "string")]
    pub ticket: Uuid,
    /// The file (its path) or `pasted`.
    pub source: String,
    /// The layout applied (`template` for our own); none for pasted rows.
    pub layout: Option<String>,
    /// The layout was chosen by matching the headers, not named.
    pub layout_suggested: bool,
    /// The draft the rows go into; none: new drafts.
    #[ts(type = "string | null")]
    pub into: Option<Uuid>,
    /// The declarations to save: the first is `into` when given; more than
    /// one when the lines were over 50. Parts after the first have no
    /// client sequence no. yet (given on saving).
    pub parts: Vec<Declaration>,
    /// The imported rows (not the open draft's own lines).
    pub rows: Vec<PreviewRow>,
    /// Per part (in `parts` order), what validation for declaring finds;
    /// field paths as in the editor (`lines[3].unit`).
    pub problems: Vec<Vec<Problem>>,
    /// Cells that could not be read: while there is one, the import cannot
    /// be saved.
    pub unreadable: Vec<CellError>,
    pub totals: PreviewTotals,
}

/// A saved import layout, or the built-in template's (导入格式).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SheetLayoutInfo {
    pub name: String,
    /// The built-in template layout: cannot be replaced or deleted.
    pub builtin: bool,
    #[ts(type = "string | null")]
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
    pub layout: Layout,
}

/// What a preview remembers for its save.
#[derive(Debug, Clone)]
pub(crate) struct Ticket {
    into: Option<Uuid>,
    unreadable: usize,
    made: u64,
}

/// Previews waiting to be saved (see the module docs).
#[derive(Debug, Default)]
pub(crate) struct Tickets {
    open: HashMap<Uuid, Ticket>,
    counter: u64,
}

impl Tickets {
    fn put(&mut self, id: Uuid, into: Option<Uuid>, unreadable: usize) {
        self.counter += 1;
        self.open.insert(
            id,
            Ticket {
                into,
                unreadable,
                made: self.counter,
            },
        );
        while self.open.len() > KEPT_PREVIEWS {
            if let Some(oldest) = self
                .open
                .iter()
                .min_by_key(|(_, t)| t.made)
                .map(|(k, _)| *k)
            {
                self.open.remove(&oldest);
            }
        }
    }
}

fn invalid(field: &str, en: impl Into<String>) -> DraftError {
    DraftError::Invalid {
        field: field.to_owned(),
        message: en.into(),
    }
}

/// A sheet error as `invalid_input` on `field`, English then Chinese.
fn sheet_invalid(field: &str, e: &SheetError) -> DraftError {
    invalid(field, format!("{} ({}); {}", e, e.code(), e.message_zh()))
}

impl Drafts {
    /// Previews importing the spreadsheet at `path` through layout `layout`
    /// (a saved name or `template`; none: the one whose headers match),
    /// into draft `into` or as new drafts. Writes nothing. Refused with
    /// `invalid_input` on `file` (unreadable, too large, too many rows) or
    /// `layout` (unknown, or it does not fit the file: a sheet or header it
    /// names is missing).
    pub async fn preview_sheet_import(
        &self,
        path: &Path,
        layout: Option<&str>,
        into: Option<Uuid>,
    ) -> Result<SheetPreview, DraftError> {
        let bytes = read_limited(path, &SHEET_FILE).map_err(|e| invalid("file", e.to_string()))?;
        let name = path.display().to_string();
        let book = read_workbook(&bytes, &name).map_err(|e| sheet_invalid("file", &e))?;
        let (layout, suggested) = match layout {
            Some(n) => (self.sheet_layout(n).await?, false),
            None => {
                let mut all = builtin_layouts();
                all.extend(self.saved_layouts().await?.into_iter().map(|(_, l)| l));
                match suggest_layout(&book, &all) {
                    Some(l) => (l.clone(), true),
                    None => {
                        return Err(invalid(
                            "layout",
                            "no saved layout matches this file's sheets and headers; choose or save a layout \
                             (没有与此文件的工作表和标题相符的导入格式，请选择或保存一个导入格式)",
                        ))
                    }
                }
            }
        };
        self.preview(
            &book,
            &layout,
            name,
            Some(layout.name.clone()),
            suggested,
            into,
        )
        .await
    }

    /// Previews rows copied from Excel or WPS (tab-separated), in the
    /// template's line column order or under a header row of the template's
    /// line headers (Chinese or English), into draft `into` or a new one.
    pub async fn preview_pasted_lines(
        &self,
        text: &str,
        into: Option<Uuid>,
    ) -> Result<SheetPreview, DraftError> {
        if text.len() as u64 > SHEET_FILE.max_bytes {
            return Err(invalid(
                "text",
                format!("more than {} bytes pasted", SHEET_FILE.max_bytes),
            ));
        }
        let (book, layout) = pasted_lines(text).map_err(|e| sheet_invalid("text", &e))?;
        self.preview(&book, &layout, PASTED_SOURCE.into(), None, false, into)
            .await
    }

    async fn preview(
        &self,
        book: &Workbook,
        layout: &Layout,
        source: String,
        layout_name: Option<String>,
        suggested: bool,
        into: Option<Uuid>,
    ) -> Result<SheetPreview, DraftError> {
        let found = extract(book, layout, &self.lists).map_err(|e| sheet_invalid("layout", &e))?;
        let base = match into {
            Some(id) => self.store.get_declaration(id).await?.1,
            None => {
                let flag = match found.head.get("ie_flag").map(String::as_str) {
                    Some("E") => IeFlag::E,
                    _ => IeFlag::I,
                };
                // A new declaration from a sheet starts as a typed one does
                // (初始值); what the sheet gives then replaces the defaults.
                let mut base = Declaration::new(String::new(), flag);
                self.prefill(&mut base, true).await?;
                base
            }
        };
        let (parts, figures, basis, before) = assemble(&found, base);
        let problems: Vec<Vec<Problem>> = parts
            .iter()
            .map(|p| self.validate(p, Purpose::Declare))
            .collect();
        let rows = preview_rows(&found, &parts, &problems, &figures, before);
        let totals = totals(&parts, basis);
        let ticket = Uuid::now_v7();
        self.sheet_tickets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .put(ticket, into, found.unreadable.len());
        Ok(SheetPreview {
            ticket,
            source,
            layout: layout_name,
            layout_suggested: suggested,
            into,
            parts,
            rows,
            problems,
            unreadable: found.unreadable,
            totals,
        })
    }

    /// Saves what preview `ticket` showed, as the clerk left it: `parts[0]`
    /// as the next revision of the draft the preview went into (or a new
    /// draft), the other parts as new drafts (a part whose client sequence
    /// no. is already a draft's updates that draft, as any import does), ALL
    /// IN ONE TRANSACTION, each re-validated. Refused with `invalid_input`
    /// before anything is written: an unknown or used `ticket`, a preview
    /// with unreadable cells (`unreadable`), no parts, a part over 50 lines,
    /// a field over its length.
    pub async fn save_sheet_import(
        &self,
        ticket: Uuid,
        parts: Vec<Declaration>,
    ) -> Result<Vec<SaveResult>, DraftError> {
        let t = self
            .sheet_tickets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .open
            .get(&ticket)
            .cloned()
            .ok_or_else(|| invalid("ticket", "no such preview: preview the file again"))?;
        if t.unreadable > 0 {
            return Err(invalid(
                "unreadable",
                format!(
                    "{} cell(s) could not be read; fix the file and preview it again ({}个单元格无法读取)",
                    t.unreadable, t.unreadable
                ),
            ));
        }
        if parts.is_empty() {
            return Err(invalid("parts", "nothing to save"));
        }
        for (i, p) in parts.iter().enumerate() {
            if p.lines.len() > MAX_LINES {
                return Err(invalid(
                    &format!("parts[{i}].lines"),
                    format!("{} lines; at most {MAX_LINES} a declaration", p.lines.len()),
                ));
            }
            check_extensions(p)?;
            if let Some(o) = portdesk_domain::limits::declaration_overlong(p)
                .into_iter()
                .next()
            {
                return Err(invalid(
                    &format!("parts[{i}].{}", o.field),
                    portdesk_domain::validate::length_problem(&o).message_en,
                ));
            }
        }
        // Each part validated once, after a new one has its sequence no.;
        // the problems are kept beside the rows the store takes.
        let mut updates = Vec::new();
        let mut creates = Vec::new();
        let (mut update_problems, mut create_problems) = (Vec::new(), Vec::new());
        for (i, mut p) in parts.into_iter().enumerate() {
            let target = match (i, t.into) {
                (0, Some(id)) => Some(id),
                _ if p.client_seq_no.trim().is_empty() => None,
                _ => self.store.find_by_client_seq_no(&p.client_seq_no).await?,
            };
            let id = target.unwrap_or_else(Uuid::now_v7);
            if target.is_none() && p.client_seq_no.trim().is_empty() {
                p.client_seq_no = client_seq_no_for(id);
            }
            let problems = self.validate(&p, Purpose::Declare);
            let info = SaveInfo::from_problems(&problems, "import (spreadsheet)");
            if target.is_some() {
                updates.push((id, p, info));
                update_problems.push(problems);
            } else {
                creates.push((id, p, info));
                create_problems.push(problems);
            }
        }
        let metas = self
            .store
            .save_and_create_declarations(&updates, &creates)
            .await?;
        self.sheet_tickets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .open
            .remove(&ticket);
        Ok(metas
            .into_iter()
            .zip(update_problems.into_iter().chain(create_problems))
            .map(|(meta, problems)| SaveResult { meta, problems })
            .collect())
    }

    /// The layout named `name`: the built-in `template`, or a saved one.
    pub async fn sheet_layout(&self, name: &str) -> Result<Layout, DraftError> {
        if let Some(l) = builtin_layouts().into_iter().find(|l| l.name == name) {
            return Ok(l);
        }
        let stored = self
            .store
            .get_sheet_layout(name)
            .await?
            .ok_or_else(|| invalid("layout", format!("no layout named {name}")))?;
        Layout::from_json(&stored.body).map_err(|e| sheet_invalid("layout", &e))
    }

    async fn saved_layouts(
        &self,
    ) -> Result<Vec<(portdesk_store::StoredLayout, Layout)>, DraftError> {
        let mut out = Vec::new();
        for s in self.store.list_sheet_layouts().await? {
            // A layout saved by an older release that no longer parses is
            // skipped in suggestions, still listed by name.
            if let Ok(l) = Layout::from_json(&s.body) {
                out.push((s, l));
            }
        }
        Ok(out)
    }

    /// The built-in template layout, then every saved one by name.
    pub async fn list_sheet_layouts(&self) -> Result<Vec<SheetLayoutInfo>, DraftError> {
        let mut out: Vec<SheetLayoutInfo> = builtin_layouts()
            .into_iter()
            .map(|layout| SheetLayoutInfo {
                name: layout.name.clone(),
                builtin: true,
                updated_at: None,
                layout,
            })
            .collect();
        for (s, layout) in self.saved_layouts().await? {
            out.push(SheetLayoutInfo {
                name: s.name,
                builtin: false,
                updated_at: Some(s.updated_at),
                layout,
            });
        }
        Ok(out)
    }

    /// Saves `layout` under its name (replacing one of that name), after
    /// checking it; `template` is reserved.
    pub async fn save_sheet_layout(&self, layout: &Layout) -> Result<SheetLayoutInfo, DraftError> {
        let name = layout.name.trim();
        if builtin_layouts().iter().any(|l| l.name == name) {
            return Err(invalid(
                "name",
                format!("{name} is a built-in layout's name"),
            ));
        }
        if name.is_empty() || name.chars().count() > 100 {
            return Err(invalid("name", "a layout name is 1 to 100 characters"));
        }
        let layout = Layout {
            name: name.to_owned(),
            ..layout.clone()
        };
        layout.check().map_err(|e| sheet_invalid("layout", &e))?;
        let body =
            serde_json::to_string_pretty(&layout).map_err(portdesk_store::StoreError::from)?;
        let s = self.store.save_sheet_layout(name, &body).await?;
        Ok(SheetLayoutInfo {
            name: s.name,
            builtin: false,
            updated_at: Some(s.updated_at),
            layout,
        })
    }

    /// Deletes saved layout `name`; whether there was one.
    pub async fn delete_sheet_layout(&self, name: &str) -> Result<bool, DraftError> {
        if builtin_layouts().iter().any(|l| l.name == name) {
            return Err(invalid(
                "name",
                format!("{name} is built in and cannot be deleted"),
            ));
        }
        Ok(self.store.delete_sheet_layout(name).await?)
    }

    /// Draft `id` as an `.xlsx` in the template's layout, so importing it
    /// gives the same declaration; written atomically to `path` (never over
    /// an existing file without `overwrite`).
    pub async fn export_declaration_xlsx(
        &self,
        id: Uuid,
        path: &Path,
        overwrite: bool,
    ) -> Result<(), FileProblem> {
        let (_, declaration) = self.store.get_declaration(id).await?;
        let bytes = write_declaration(&declaration, &self.lists).map_err(unwritable)?;
        write_file_atomically(path, &bytes, overwrite)
    }

    /// The drafts `query` finds (every page of it) as one `.xlsx` sheet of
    /// their list columns, written atomically to `path`.
    pub async fn export_drafts_xlsx(
        &self,
        query: &DraftQuery,
        path: &Path,
        overwrite: bool,
    ) -> Result<u64, FileProblem> {
        let all = self.list_all(query).await?;
        let bytes = write_draft_list(&all).map_err(unwritable)?;
        write_file_atomically(path, &bytes, overwrite)?;
        Ok(all.len() as u64)
    }

    /// The template to download (报关单模板) written atomically to `path`.
    pub fn write_template_xlsx(&self, path: &Path, overwrite: bool) -> Result<(), FileProblem> {
        let bytes = write_template(&self.lists).map_err(unwritable)?;
        write_file_atomically(path, &bytes, overwrite)
    }
}

fn unwritable(e: portdesk_sheet::WriteError) -> FileProblem {
    FileProblem {
        code: "file.unwritable".into(),
        element: None,
        line: None,
        message: e.to_string(),
    }
}

/// The declarations an extraction makes on `base`, each line's figures
/// (`base`'s own lines have none), the split's basis, and how many lines
/// `base` had.
fn assemble(
    found: &Extracted,
    base: Declaration,
) -> (Vec<Declaration>, Vec<RowFigures>, Basis, usize) {
    let before = base.lines.len();
    let mut decl = found.onto(base);
    let mut figures = vec![RowFigures::default(); before];
    figures.extend(found.figures.iter().cloned());
    fill_head_totals(&mut decl, &figures);
    let (basis, parts) = split_declaration(decl, &figures);
    (parts, figures, basis, before)
}

fn preview_rows(
    found: &Extracted,
    parts: &[Declaration],
    problems: &[Vec<Problem>],
    figures: &[RowFigures],
    before: usize,
) -> Vec<PreviewRow> {
    let mut rows = Vec::with_capacity(found.lines.len());
    for (j, imported) in found.lines.iter().enumerate() {
        let g = before + j;
        let (part, local) = (g / MAX_LINES, g % MAX_LINES);
        let Some(line) = parts.get(part).and_then(|p| p.lines.get(local)) else {
            continue;
        };
        let prefix = format!("lines[{local}].");
        rows.push(PreviewRow {
            sheet: imported.at.sheet.clone(),
            row: imported.at.row,
            part: part as u32,
            line_no: local as u32 + 1,
            commodity_code: line.commodity_code.clone(),
            name: line.name.clone(),
            quantity: line.quantity.clone(),
            unit: line.unit.clone(),
            total_price: line.total_price.clone(),
            currency: line.currency.clone(),
            net_weight: figures
                .get(g)
                .and_then(|f| f.net_weight)
                .map(|d| d.normalize().to_string())
                .unwrap_or_default(),
            problems: problems
                .get(part)
                .map(|ps| {
                    ps.iter()
                        .filter(|p| p.field.starts_with(&prefix))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default(),
        });
    }
    rows
}

fn totals(parts: &[Declaration], basis: Basis) -> PreviewTotals {
    let first_head = &parts[0].head;
    let sum_of = |f: fn(&portdesk_domain::Head) -> &str| -> String {
        if parts.len() == 1 {
            return f(first_head).to_owned();
        }
        let vals: Option<Vec<Decimal>> = parts
            .iter()
            .map(|p| portdesk_sheet::number::parse_number_text(f(&p.head)))
            .collect();
        vals.map(|v| v.iter().sum::<Decimal>().normalize().to_string())
            .unwrap_or_else(|| f(first_head).to_owned())
    };
    let mut value: BTreeMap<String, Decimal> = BTreeMap::new();
    for line in parts.iter().flat_map(|p| &p.lines) {
        if let Some(v) = portdesk_sheet::number::parse_number_text(&line.total_price) {
            *value.entry(line.currency.trim().to_owned()).or_default() += v;
        }
    }
    PreviewTotals {
        lines: parts.iter().map(|p| p.lines.len() as u32).sum(),
        packages: sum_of(|h| &h.packages),
        gross_weight: sum_of(|h| &h.gross_weight),
        net_weight: sum_of(|h| &h.net_weight),
        value: value
            .into_iter()
            .map(|(currency, total)| CurrencyTotal {
                currency,
                total: total.normalize().to_string(),
            })
            .collect(),
        parts: parts
            .iter()
            .map(|p| PartTotals {
                lines: p.lines.len() as u32,
                packages: p.head.packages.clone(),
                gross_weight: p.head.gross_weight.clone(),
                net_weight: p.head.net_weight.clone(),
            })
            .collect(),
        basis,
    }
}
