//! Saved spreadsheet import layouts (`sheet_layouts`): a name, the layout
//! as JSON and when it was saved. The drafts layer parses and checks the
//! JSON (`portdesk_sheet::Layout`); the store only keeps it.

use crate::sql::{instant, now_ms};
use crate::{Store, StoreError};

/// One saved layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLayout {
    pub name: String,
    /// The layout as JSON.
    pub body: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

fn stored(row: (String, String, i64)) -> Result<StoredLayout, StoreError> {
    Ok(StoredLayout {
        name: row.0,
        body: row.1,
        updated_at: instant(row.2)?,
    })
}

impl Store {
    /// Saves layout `name`, replacing one of that name.
    pub async fn save_sheet_layout(
        &self,
        name: &str,
        body: &str,
    ) -> Result<StoredLayout, StoreError> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sheet_layouts (name, body, updated_at) VALUES (?, ?, ?) \
             ON CONFLICT (name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
        )
        .bind(name)
        .bind(body)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        stored((name.to_owned(), body.to_owned(), now))
    }

    /// Every saved layout, by name.
    pub async fn list_sheet_layouts(&self) -> Result<Vec<StoredLayout>, StoreError> {
        let rows: Vec<(String, String, i64)> =
            sqlx::query_as("SELECT name, body, updated_at FROM sheet_layouts ORDER BY name")
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(stored).collect()
    }

    /// Layout `name`, if saved.
    pub async fn get_sheet_layout(&self, name: &str) -> Result<Option<StoredLayout>, StoreError> {
        let row: Option<(String, String, i64)> =
            sqlx::query_as("SELECT name, body, updated_at FROM sheet_layouts WHERE name = ?")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?;
        row.map(stored).transpose()
    }

    /// Deletes layout `name`; whether there was one.
    pub async fn delete_sheet_layout(&self, name: &str) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM sheet_layouts WHERE name = ?")
            .bind(name)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }
}
