//! The goods library (商品库) for the shell and the CLI alike
//! (docs/goods-library.md): search for the picker, a record opened, saved,
//! deleted and its history, a goods line filled from a record, learning
//! from an accepted declaration, and the library in and out of Excel.
//!
//! Records are the store's fourth kind of revisioned document; what a
//! record holds and how a line fills from one is the domain's
//! (`portdesk_domain::goods`). Learning happens on its own when a receipt
//! `L` or later is stored (`portdesk_store`, in the receipt's transaction);
//! [`Drafts::learn_from_declaration`] is the same step asked for by hand.

use std::path::Path;

use portdesk_domain::goods::GoodsRecord;
use portdesk_domain::limits::SHEET_FILE;
use portdesk_domain::{GoodsLine, Problem};
use portdesk_sheet::{read_goods, read_workbook, write_goods, CellError};
use portdesk_store::{GoodsMeta, GoodsRevisionMeta, GoodsWriteCounts, StoreError};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::files::read_limited;
use crate::messages::{write_file_atomically, FileProblem};
use crate::{DraftError, Drafts};

/// A goods record opened: its metadata and body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GoodsView {
    pub meta: GoodsMeta,
    pub record: GoodsRecord,
}

/// One data row of a goods import, with what is wrong with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GoodsImportRow {
    /// 1-based, as Excel shows it.
    pub row: u32,
    pub record: GoodsRecord,
    /// Field paths are the record's (`part_number`), messages name the cell.
    pub problems: Vec<Problem>,
}

/// What importing a goods workbook would do (导入预览): nothing is saved
/// while a row has a problem or a cell is unreadable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct GoodsImportPreview {
    pub sheet: String,
    pub rows: Vec<GoodsImportRow>,
    pub unreadable: Vec<CellError>,
    /// Rows with a problem plus unreadable cells: 0 means it can be saved.
    pub error_count: u32,
}

impl Drafts {
    /// Live records matching what the clerk typed (part number, code or
    /// name), most recently used first, at most `limit` (≤ 20).
    pub async fn search_goods(
        &self,
        query: &str,
        limit: u32,
    ) -> Result<Vec<GoodsMeta>, DraftError> {
        if query.chars().count() > 64 {
            return Err(DraftError::Invalid {
                field: "query".into(),
                message: "the search text has more than 64 characters (搜索内容最多64个字符)"
                    .into(),
            });
        }
        Ok(self.store.search_goods(query, limit).await?)
    }

    /// Every live record with its body, most recently used first.
    pub async fn list_goods(&self) -> Result<Vec<GoodsView>, DraftError> {
        Ok(self
            .store
            .list_goods()
            .await?
            .into_iter()
            .map(|(meta, record)| GoodsView { meta, record })
            .collect())
    }

    pub async fn get_goods(&self, id: Uuid) -> Result<GoodsView, DraftError> {
        let (meta, record) = self.store.get_goods(id).await?;
        Ok(GoodsView { meta, record })
    }

    /// Saves a record the clerk edited: a new one when `id` is `None`. A
    /// record with a problem is refused naming the field, and nothing changes.
    pub async fn save_goods(
        &self,
        id: Option<Uuid>,
        record: &GoodsRecord,
    ) -> Result<GoodsMeta, DraftError> {
        let record = trimmed(record);
        if let Some(p) = record.problems().into_iter().next() {
            return Err(DraftError::Invalid {
                field: p.field,
                message: format!("{} ({})", p.message_en, p.message_zh),
            });
        }
        Ok(match id {
            Some(id) => self.store.save_goods(id, &record, "edited").await?,
            None => {
                self.store
                    .create_goods(Uuid::now_v7(), &record, "typed")
                    .await?
            }
        })
    }

    /// Deletes record `id` (into the trash; its history stays).
    pub async fn delete_goods(&self, id: Uuid) -> Result<GoodsMeta, DraftError> {
        Ok(self.store.trash_goods(id).await?)
    }

    pub async fn goods_history(&self, id: Uuid) -> Result<Vec<GoodsRevisionMeta>, DraftError> {
        Ok(self.store.goods_history(id).await?)
    }

    pub async fn goods_revision(&self, id: Uuid, revision: i64) -> Result<GoodsRecord, DraftError> {
        Ok(self.store.goods_revision(id, revision).await?)
    }

    /// `line` filled from record `id` (its quantities kept, the total
    /// recomputed): what the picker puts in the lines table.
    pub async fn fill_line_from_goods(
        &self,
        id: Uuid,
        line: &GoodsLine,
    ) -> Result<GoodsLine, DraftError> {
        let (_, record) = self.store.get_goods(id).await?;
        Ok(record.fill_line(line))
    }

    /// Learns the lines of declaration `draft_id` into the library, as a
    /// receipt `L` or later does on its own; refused (`invalid_input` on
    /// `status`) before customs accepted it. `None`: learnt already.
    pub async fn learn_from_declaration(
        &self,
        draft_id: Uuid,
    ) -> Result<Option<GoodsWriteCounts>, DraftError> {
        let (meta, _) = self.store.get_declaration(draft_id).await?;
        if !meta.status.is_accepted() {
            return Err(DraftError::Invalid {
                field: "status".into(),
                message: format!(
                    "declaration {} is {}: only one customs accepted (L or later) is learnt \
                     (海关受理后才能加入商品库)",
                    meta.client_seq_no,
                    meta.status.as_str()
                ),
            });
        }
        // Last used: when customs accepted it, as the receipt said.
        let accepted_at = self
            .store
            .receipts_for(&meta.client_seq_no)
            .await?
            .into_iter()
            .find(|r| {
                portdesk_domain::DraftStatus::from_receipt_code(&r.receipt.code)
                    .is_some_and(portdesk_domain::DraftStatus::is_accepted)
            })
            .map_or(meta.updated_at, |r| r.receipt.issued_at);
        Ok(self.store.learn_goods(draft_id, accepted_at).await?)
    }

    /// Reads the goods workbook at `path` and checks every row; writes nothing.
    pub fn preview_goods_import(&self, path: &Path) -> Result<GoodsImportPreview, DraftError> {
        let invalid = |message: String| DraftError::Invalid {
            field: "file".into(),
            message,
        };
        let bytes = read_limited(path, &SHEET_FILE).map_err(|e| invalid(e.to_string()))?;
        let book = read_workbook(&bytes, &path.display().to_string())
            .map_err(|e| invalid(format!("{e} ({}); {}", e.code(), e.message_zh())))?;
        let read = read_goods(&book)
            .map_err(|e| invalid(format!("{e} ({}); {}", e.code(), e.message_zh())))?;
        let mut seen: Vec<(String, u32)> = Vec::new();
        let rows: Vec<GoodsImportRow> = read
            .records
            .into_iter()
            .map(|(row, record)| {
                let record = trimmed(&record);
                let mut problems: Vec<Problem> = record
                    .problems()
                    .into_iter()
                    .map(|mut p| {
                        p.message_zh = format!("工作表“{}”第{row}行：{}", read.sheet, p.message_zh);
                        p.message_en = format!("{} row {row}: {}", read.sheet, p.message_en);
                        p
                    })
                    .collect();
                if let Some(key) = record.key() {
                    if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
                        problems.push(Problem::error(
                            "GOODS-DUP",
                            "part_number",
                            format!("工作表“{}”第{row}行与第{first}行是同一商品（料号或编号与名称相同）", read.sheet),
                            format!(
                                "{} row {row}: the same goods as row {first} (same part number, or code and name)",
                                read.sheet
                            ),
                        ));
                    } else {
                        seen.push((key, row));
                    }
                }
                GoodsImportRow {
                    row,
                    record,
                    problems,
                }
            })
            .collect();
        let error_count =
            rows.iter().filter(|r| !r.problems.is_empty()).count() + read.unreadable.len();
        Ok(GoodsImportPreview {
            sheet: read.sheet,
            rows,
            unreadable: read.unreadable,
            error_count: error_count as u32,
        })
    }

    /// Imports the goods workbook at `path` in one transaction: refused
    /// (`invalid_input` naming the first problem's sheet, row and field)
    /// while any row has a problem, and then nothing is saved.
    pub async fn import_goods(&self, path: &Path) -> Result<GoodsWriteCounts, DraftError> {
        let preview = self.preview_goods_import(path)?;
        if let Some(c) = preview.unreadable.first() {
            return Err(DraftError::Invalid {
                field: c.field.clone(),
                message: format!("{} ({})", c.message_en, c.message_zh),
            });
        }
        if let Some(p) = preview.rows.iter().flat_map(|r| &r.problems).next() {
            return Err(DraftError::Invalid {
                field: p.field.clone(),
                message: format!("{} ({})", p.message_en, p.message_zh),
            });
        }
        let records: Vec<GoodsRecord> = preview.rows.into_iter().map(|r| r.record).collect();
        Ok(self.store.import_goods(&records).await?)
    }

    /// Every live record written to `path` as the `商品库` sheet; how many.
    pub async fn export_goods(&self, path: &Path, overwrite: bool) -> Result<u64, FileProblem> {
        let all = self.store.list_goods().await.map_err(store_problem)?;
        let records: Vec<GoodsRecord> = all.into_iter().map(|(_, r)| r).collect();
        let bytes = write_goods(&records).map_err(|e| FileProblem {
            code: "file.unwritable".into(),
            element: None,
            line: None,
            message: e.to_string(),
        })?;
        write_file_atomically(path, &bytes, overwrite)?;
        Ok(records.len() as u64)
    }
}

fn store_problem(e: StoreError) -> FileProblem {
    FileProblem {
        code: e.code().into(),
        element: None,
        line: None,
        message: e.to_string(),
    }
}

/// The record with its key and code fields trimmed (a pasted cell's spaces
/// would make a second record of the same article).
fn trimmed(r: &GoodsRecord) -> GoodsRecord {
    GoodsRecord {
        part_number: r.part_number.trim().to_owned(),
        commodity_code: r.commodity_code.trim().to_owned(),
        name: r.name.trim().to_owned(),
        unit: r.unit.trim().to_owned(),
        first_unit: r.first_unit.trim().to_owned(),
        second_unit: r.second_unit.trim().to_owned(),
        origin_country: r.origin_country.trim().to_owned(),
        last_unit_price: r.last_unit_price.trim().to_owned(),
        last_currency: r.last_currency.trim().to_owned(),
        ..r.clone()
    }
}
