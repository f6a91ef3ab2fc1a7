//! Receipts (回执) as the Single Window sent them, once each, with the
//! persistent receipt cursor per account (migrations `0002_outbox.sql`,
//! `0007_document_kinds.sql`).
//!
//! [`Store::store_receipts`] stores a page of receipts and the new cursor
//! together, so a crash between the two can neither lose nor repeat a
//! receipt. Each receipt is matched to its local document by client
//! sequence number, whatever the document's kind, and moves that
//! document's status when it is its filing's latest.

use chrono::{DateTime, Utc};
use portdesk_domain::origin::ApplicationStatus;
use portdesk_domain::DraftStatus;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use uuid::Uuid;

use crate::revisions::{find_document, DocumentKind, StatusGuard};
use crate::settings::set_value;
use crate::sql::{instant, now_ms, parse_uuid};
use crate::{Store, StoreError};

/// A receipt to store (the sync crate maps the wire type onto this).
#[derive(Debug, Clone, PartialEq)]
pub struct NewReceipt {
    /// The server's receipt id (its cursor position).
    pub server_id: String,
    pub client_seq_no: String,
    pub seq_no: String,
    pub entry_id: Option<String>,
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
    /// The rejection reasons as JSON (an array).
    pub reasons: String,
    pub issued_at: DateTime<Utc>,
}

/// A stored receipt.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReceipt {
    pub receipt: NewReceipt,
    /// The local document it concerns (`None`: not, or no longer, a local
    /// document), and its kind.
    pub document: Option<(DocumentKind, Uuid)>,
    pub received_at: DateTime<Utc>,
}

impl StoredReceipt {
    /// The declaration draft it concerns, if it concerns one.
    pub fn draft_id(&self) -> Option<Uuid> {
        match self.document {
            Some((DocumentKind::Declaration, id)) => Some(id),
            _ => None,
        }
    }
}

impl Store {
    /// The receipt cursor of `account` ("0" before the first receipt).
    pub async fn receipt_cursor(&self, account: &str) -> Result<String, StoreError> {
        Ok(self
            .sync_value(&cursor_key(account))
            .await?
            .unwrap_or_else(|| "0".to_owned()))
    }

    /// Stores a page of receipts (each once: a receipt already stored is
    /// skipped), applies them to the drafts' status and moves the cursor, in
    /// one transaction. Returns the receipts that were new.
    pub async fn store_receipts(
        &self,
        account: &str,
        receipts: &[NewReceipt],
        next_cursor: &str,
    ) -> Result<Vec<StoredReceipt>, StoreError> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let mut new = Vec::new();
        for r in receipts {
            if let Some(stored) = insert_receipt(&mut tx, account, r, now).await? {
                new.push(stored);
            }
        }
        set_value(&mut tx, &cursor_key(account), next_cursor).await?;
        tx.commit().await?;
        Ok(new)
    }

    /// Receipts of one client document id, in the server's order.
    pub async fn receipts_for(
        &self,
        client_seq_no: &str,
    ) -> Result<Vec<StoredReceipt>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM receipts WHERE client_seq_no = ? ORDER BY CAST(server_id AS INTEGER), seq",
        )
        .bind(client_seq_no)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(receipt_from_row).collect()
    }

    /// The latest receipt of every filing whose latest receipt (`M` skipped:
    /// it says nothing of the review) has one of `codes`, in the server's
    /// order; e.g. the filings standing rejected (`E`, `SpE`).
    pub async fn latest_receipts_in(
        &self,
        codes: &[&str],
    ) -> Result<Vec<StoredReceipt>, StoreError> {
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders = vec!["?"; codes.len()].join(", ");
        let sql = format!(
            "SELECT r.* FROM receipts r WHERE r.code IN ({placeholders}) AND NOT EXISTS \
             (SELECT 1 FROM receipts l WHERE l.client_seq_no = r.client_seq_no AND l.code <> 'M' \
             AND (CAST(l.server_id AS INTEGER), l.seq) > (CAST(r.server_id AS INTEGER), r.seq)) \
             ORDER BY CAST(r.server_id AS INTEGER), r.seq"
        );
        let mut q = sqlx::query(&sql);
        for c in codes {
            q = q.bind(*c);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(receipt_from_row).collect()
    }

    /// Receipt count per code, over every account.
    pub async fn receipt_counts(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let rows =
            sqlx::query("SELECT code, count(*) AS n FROM receipts GROUP BY code ORDER BY code")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("code")?, r.try_get::<i64, _>("n")? as u64)))
            .collect()
    }

    /// Delivered filings whose latest receipt is not yet one of `final_codes`
    /// (e.g. still waiting for `R` after `L`, or for the complete
    /// declaration's receipts after the summary's `SpK`). `M` receipts (the
    /// document changed) say nothing of the review and are skipped.
    pub async fn filings_awaiting_receipts(&self, final_codes: &[&str]) -> Result<u64, StoreError> {
        let placeholders = vec!["?"; final_codes.len().max(1)].join(", ");
        let sql = format!(
            "SELECT count(DISTINCT o.client_seq_no) FROM outbox o WHERE o.state = 'done' \
             AND COALESCE((SELECT r.code FROM receipts r WHERE r.client_seq_no = o.client_seq_no \
             AND r.code <> 'M' ORDER BY CAST(r.server_id AS INTEGER) DESC LIMIT 1), '') \
             NOT IN ({placeholders})"
        );
        let mut q = sqlx::query_scalar::<_, i64>(&sql);
        if final_codes.is_empty() {
            // No final code: every delivered filing awaits (matches no code).
            q = q.bind("\u{1}");
        }
        for c in final_codes {
            q = q.bind(*c);
        }
        Ok(q.fetch_one(&self.pool).await? as u64)
    }

    /// When the two-step summary of `client_seq_no` was accepted (its `SpL`
    /// receipt), if it was.
    pub async fn summary_accepted_at(
        &self,
        client_seq_no: &str,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let at: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(issued_at) FROM receipts WHERE client_seq_no = ? AND code = 'SpL'",
        )
        .bind(client_seq_no)
        .fetch_one(&self.pool)
        .await?;
        at.map(instant).transpose()
    }
}

/// Inserts a receipt unless already stored and, when it is that filing's
/// latest, applies it to its document's status, whatever the document's
/// kind. Returns it when it was new.
pub(crate) async fn insert_receipt(
    conn: &mut SqliteConnection,
    account: &str,
    r: &NewReceipt,
    now: i64,
) -> Result<Option<StoredReceipt>, StoreError> {
    let document = find_document(conn, &r.client_seq_no).await?;
    let inserted = sqlx::query(
        "INSERT INTO receipts (account, server_id, client_seq_no, document_kind, document_id, \
         seq_no, entry_id, code, message_zh, message_en, reasons, issued_at, received_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account, server_id) DO NOTHING",
    )
    .bind(account)
    .bind(&r.server_id)
    .bind(&r.client_seq_no)
    .bind(document.map(|(kind, _)| kind.as_str()))
    .bind(document.map(|(_, id)| id.to_string()))
    .bind(&r.seq_no)
    .bind(&r.entry_id)
    .bind(&r.code)
    .bind(&r.message_zh)
    .bind(&r.message_en)
    .bind(&r.reasons)
    .bind(r.issued_at.timestamp_millis())
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(None);
    }
    let Some((kind, id)) = document else {
        return Ok(Some(StoredReceipt {
            receipt: r.clone(),
            document: None,
            received_at: instant(now)?,
        }));
    };
    let id_text = id.to_string();
    if kind == DocumentKind::Declaration && r.code == crate::flows::DOCUMENT_CHANGED {
        // The server's version changed: the read-back is owed from the
        // moment the receipt (and the cursor past it) is stored.
        crate::flows::note_conflict_check(conn, &id_text, &r.seq_no, now).await?;
    }
    let status = match kind {
        DocumentKind::Declaration => DraftStatus::from_receipt_code(&r.code).map(|s| s.as_str()),
        DocumentKind::OriginApplication => {
            ApplicationStatus::from_receipt_code(&r.code).map(|s| s.as_str())
        }
        // Never filed, so never the document of a receipt.
        DocumentKind::Template | DocumentKind::Goods => None,
    };
    if let Some(status) = status {
        // Receipts of one filing arrive in cursor order, but an answer's
        // receipt may be stored after later ones were pulled: apply only
        // the latest.
        let latest: Option<String> = sqlx::query_scalar(
            "SELECT server_id FROM receipts WHERE account = ? AND client_seq_no = ? \
             ORDER BY CAST(server_id AS INTEGER) DESC LIMIT 1",
        )
        .bind(account)
        .bind(&r.client_seq_no)
        .fetch_optional(&mut *conn)
        .await?;
        if latest.as_deref() == Some(r.server_id.as_str()) {
            // An approved application stays approved: its certificate is stored.
            let never_from: &[&str] = match kind {
                DocumentKind::Declaration | DocumentKind::Template | DocumentKind::Goods => &[],
                DocumentKind::OriginApplication => &[ApplicationStatus::Approved.as_str()],
            };
            kind.tables()
                .set_status(conn, &id_text, status, StatusGuard::NotFrom(never_from))
                .await?;
        }
    }
    if kind == DocumentKind::Declaration
        && DraftStatus::from_receipt_code(&r.code).is_some_and(DraftStatus::is_accepted)
    {
        // Customs accepted it (L or later): its lines feed the goods
        // library, once per declaration revision, in this transaction.
        crate::goods::learn_in(conn, id, r.issued_at).await?;
    }
    Ok(Some(StoredReceipt {
        receipt: r.clone(),
        document: Some((kind, id)),
        received_at: instant(now)?,
    }))
}

fn cursor_key(account: &str) -> String {
    format!("receipt_cursor:{account}")
}

fn receipt_from_row(row: &SqliteRow) -> Result<StoredReceipt, StoreError> {
    let document_id: Option<&str> = row.try_get("document_id")?;
    let kind: Option<&str> = row.try_get("document_kind")?;
    let document = match (kind, document_id) {
        (Some(kind), Some(id)) => Some((
            DocumentKind::parse(kind)
                .ok_or_else(|| StoreError::Corrupt(format!("receipt document kind {kind:?}")))?,
            parse_uuid(id)?,
        )),
        _ => None,
    };
    Ok(StoredReceipt {
        receipt: NewReceipt {
            server_id: row.try_get("server_id")?,
            client_seq_no: row.try_get("client_seq_no")?,
            seq_no: row.try_get("seq_no")?,
            entry_id: row.try_get("entry_id")?,
            code: row.try_get("code")?,
            message_zh: row.try_get("message_zh")?,
            message_en: row.try_get("message_en")?,
            reasons: row.try_get("reasons")?,
            issued_at: instant(row.try_get("issued_at")?)?,
        },
        document,
        received_at: instant(row.try_get("received_at")?)?,
    })
}
