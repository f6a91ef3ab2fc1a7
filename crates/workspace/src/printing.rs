//! The printed declaration (报关单草单/核对单) as the UI asks for it: the
//! kind argument that crosses IPC and the batch over drafts, whose items
//! and progress are the certificates' (`certificates.rs`), so the shell
//! only translates.

use portdesk_drafts::printing::SheetKind;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::certificates::{batch_items, BatchItem, BatchProgress};
use crate::Workspace;

/// Which sheet to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PrintKind {
    /// 草单: watermarked until the declaration is released.
    Draft,
    /// 核对单: the consignor's check sheet.
    Check,
}

impl From<PrintKind> for SheetKind {
    fn from(k: PrintKind) -> Self {
        match k {
            PrintKind::Draft => SheetKind::Draft,
            PrintKind::Check => SheetKind::Check,
        }
    }
}

impl Workspace {
    /// Renders (and with `print`, prints) the `kind` sheet of each draft,
    /// calling `progress` after each; one failure does not stop the batch
    /// and is reported on its item.
    pub async fn batch_declarations(
        &self,
        ids: &[Uuid],
        kind: PrintKind,
        print: bool,
        mut progress: impl FnMut(BatchProgress),
    ) -> Vec<BatchItem> {
        let results = self
            .prints
            .batch(ids, kind.into(), print, |done, total| {
                progress(BatchProgress { done, total })
            })
            .await;
        batch_items(results)
    }
}
