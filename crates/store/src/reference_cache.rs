//! Tax payment and reference data kept locally (migration
//! `0004_tax_reference.sql`):
//!
//! - each draft's tax-payment choice (税费支付方式), revisioned: recorded
//!   against the draft's current revision, read back for any revision;
//! - the reference documents synced from the Single Window for offline use
//!   (guarantees with their quotas, the enterprise profile, the port fee
//!   catalogue), stored as the exact wire JSON with ETag and fetch time.
//!
//! The store does not parse the reference bodies (it does not know the wire
//! types); `portdesk-sync` writes them and `portdesk-drafts` reads them.

use chrono::{DateTime, Utc};
use portdesk_domain::guarantee::TaxPaymentChoice;
use sqlx::Row;
use uuid::Uuid;

use crate::sql::{instant, now_ms};
use crate::{Store, StoreError};

/// Which reference document a cache row holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferenceKind {
    /// `GET /v1/guarantees` (担保备案).
    Guarantees,
    /// `GET /v1/enterprise` (企业信息).
    Enterprise,
    /// `GET /v1/reference/port-fees` (口岸收费目录).
    PortFees,
}

impl ReferenceKind {
    pub const ALL: [ReferenceKind; 3] = [
        ReferenceKind::Guarantees,
        ReferenceKind::Enterprise,
        ReferenceKind::PortFees,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReferenceKind::Guarantees => "guarantees",
            ReferenceKind::Enterprise => "enterprise",
            ReferenceKind::PortFees => "port_fees",
        }
    }
}

/// A cached reference document.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedReference {
    pub kind: ReferenceKind,
    /// `server|customs code|operator` of the account that fetched it.
    pub account: String,
    /// The wire JSON as the server sent it.
    pub body: String,
    pub etag: Option<String>,
    /// Last time the server confirmed this copy (200 or 304).
    pub fetched_at: DateTime<Utc>,
}

impl Store {
    /// Records `choice` as draft `id`'s tax-payment choice at its current
    /// revision (replacing a choice made earlier in the same revision).
    /// Returns that revision. A trashed draft refuses with `trashed`.
    pub async fn set_tax_choice(
        &self,
        id: Uuid,
        choice: &TaxPaymentChoice,
    ) -> Result<i64, StoreError> {
        let body = serde_json::to_string(choice)?;
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT current_revision, trashed_at FROM drafts WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound { id })?;
        let revision: i64 = row.try_get(0)?;
        if row.try_get::<Option<i64>, _>(1)?.is_some() {
            return Err(StoreError::Trashed { id });
        }
        sqlx::query(
            "INSERT INTO draft_tax_choices (draft_id, revision, choice, chosen_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (draft_id, revision) DO UPDATE SET choice = excluded.choice,
                 chosen_at = excluded.chosen_at",
        )
        .bind(id.to_string())
        .bind(revision)
        .bind(body)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(revision)
    }

    /// Draft `id`'s tax-payment choice in force at `revision` (the current
    /// revision when `None`); `None` when no choice was ever made by then
    /// (customs assessment, nothing to secure).
    pub async fn tax_choice(
        &self,
        id: Uuid,
        revision: Option<i64>,
    ) -> Result<Option<TaxPaymentChoice>, StoreError> {
        let body: Option<String> = sqlx::query_scalar(
            "SELECT c.choice FROM draft_tax_choices c JOIN drafts d ON d.id = c.draft_id
             WHERE c.draft_id = ? AND c.revision <= COALESCE(?, d.current_revision)
             ORDER BY c.revision DESC LIMIT 1",
        )
        .bind(id.to_string())
        .bind(revision)
        .fetch_optional(&self.pool)
        .await?;
        body.map(|b| {
            serde_json::from_str(&b)
                .map_err(|e| StoreError::Corrupt(format!("tax choice of draft {id}: {e}")))
        })
        .transpose()
    }

    /// Stores a freshly fetched reference document (a 200), replacing the
    /// previous copy of its kind.
    pub async fn put_reference(
        &self,
        kind: ReferenceKind,
        account: &str,
        body: &str,
        etag: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO reference_cache (kind, account, body, etag, fetched_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (kind) DO UPDATE SET account = excluded.account, body = excluded.body,
                 etag = excluded.etag, fetched_at = excluded.fetched_at",
        )
        .bind(kind.as_str())
        .bind(account)
        .bind(body)
        .bind(etag)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The server said the cached copy is current (a 304): only its fetch
    /// time moves. Returns whether there was a copy to touch.
    pub async fn touch_reference(&self, kind: ReferenceKind) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query("UPDATE reference_cache SET fetched_at = ? WHERE kind = ?")
            .bind(now_ms())
            .bind(kind.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(n == 1)
    }

    /// The cached copy of `kind`, if any was ever fetched.
    pub async fn reference(
        &self,
        kind: ReferenceKind,
    ) -> Result<Option<CachedReference>, StoreError> {
        let row = sqlx::query(
            "SELECT account, body, etag, fetched_at FROM reference_cache WHERE kind = ?",
        )
        .bind(kind.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(CachedReference {
                kind,
                account: r.try_get(0)?,
                body: r.try_get(1)?,
                etag: r.try_get(2)?,
                fetched_at: instant(r.try_get(3)?)?,
            })
        })
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portdesk_domain::{Declaration, IeFlag, SaveInfo};

    async fn store_with_draft() -> (tempfile::TempDir, Store, Uuid) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("tax.db")).await.unwrap();
        let id = Uuid::now_v7();
        let d = Declaration::new("PDTAX0000000000001".into(), IeFlag::I);
        store
            .create_declaration(id, &d, &SaveInfo::from_problems(&[], "created"))
            .await
            .unwrap();
        (dir, store, id)
    }

    #[tokio::test]
    async fn tax_choice_follows_revisions() {
        let (_dir, store, id) = store_with_draft().await;
        assert_eq!(store.tax_choice(id, None).await.unwrap(), None);

        let summary = TaxPaymentChoice {
            summary_tax: true,
            guarantee_no: "BG-1".into(),
            ..Default::default()
        };
        assert_eq!(store.set_tax_choice(id, &summary).await.unwrap(), 1);
        // A later revision of the declaration keeps the choice in force.
        let (_, mut d) = store.get_declaration(id).await.unwrap();
        d.head.remarks = "changed".into();
        store
            .save_declaration(id, &d, &SaveInfo::from_problems(&[], "edit"))
            .await
            .unwrap();
        assert_eq!(
            store.tax_choice(id, None).await.unwrap(),
            Some(summary.clone())
        );

        let deposit = TaxPaymentChoice {
            release_on_guarantee: true,
            guarantee_no: "CD-1".into(),
            ..Default::default()
        };
        assert_eq!(store.set_tax_choice(id, &deposit).await.unwrap(), 2);
        assert_eq!(store.tax_choice(id, None).await.unwrap(), Some(deposit));
        // Revision 1 still answers with the choice made then.
        assert_eq!(store.tax_choice(id, Some(1)).await.unwrap(), Some(summary));

        // Trashed: no new choice; emptying the trash takes the choices along.
        store.trash(id).await.unwrap();
        let err = store
            .set_tax_choice(id, &TaxPaymentChoice::default())
            .await
            .unwrap_err();
        assert_eq!(err.code(), "trashed");
        assert_eq!(store.empty_trash().await.unwrap(), 1);
        assert_eq!(store.tax_choice(id, None).await.unwrap(), None);
        let left: i64 = sqlx::query_scalar("SELECT count(*) FROM draft_tax_choices")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(left, 0);
        let err = store
            .set_tax_choice(id, &TaxPaymentChoice::default())
            .await
            .unwrap_err();
        assert_eq!(err.code(), "not_found");
    }

    #[tokio::test]
    async fn reference_cache_replaces_and_touches() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ref.db");
        let store = Store::open(&path).await.unwrap();
        assert_eq!(
            store.reference(ReferenceKind::PortFees).await.unwrap(),
            None
        );
        assert!(!store
            .touch_reference(ReferenceKind::PortFees)
            .await
            .unwrap());

        store
            .put_reference(
                ReferenceKind::PortFees,
                "acct",
                r#"{"v":1}"#,
                Some("\"e1\""),
            )
            .await
            .unwrap();
        let first = store
            .reference(ReferenceKind::PortFees)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(first.body, r#"{"v":1}"#);
        assert_eq!(first.etag.as_deref(), Some("\"e1\""));
        assert!(store
            .touch_reference(ReferenceKind::PortFees)
            .await
            .unwrap());
        let touched = store
            .reference(ReferenceKind::PortFees)
            .await
            .unwrap()
            .unwrap();
        assert!(touched.fetched_at >= first.fetched_at);
        assert_eq!(touched.body, first.body);

        store
            .put_reference(ReferenceKind::PortFees, "other", r#"{"v":2}"#, None)
            .await
            .unwrap();
        store
            .put_reference(ReferenceKind::Guarantees, "other", r#"{"items":[]}"#, None)
            .await
            .unwrap();
        store.close().await;

        // Offline after a restart: the copies are still there.
        let store = Store::open(&path).await.unwrap();
        let fees = store
            .reference(ReferenceKind::PortFees)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (fees.account.as_str(), fees.body.as_str(), fees.etag),
            ("other", r#"{"v":2}"#, None)
        );
        assert!(store
            .reference(ReferenceKind::Guarantees)
            .await
            .unwrap()
            .is_some());
        assert_eq!(
            store.reference(ReferenceKind::Enterprise).await.unwrap(),
            None
        );
    }
}
