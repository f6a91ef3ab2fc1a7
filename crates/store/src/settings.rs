//! Small named values that must survive restarts (`sync_state`): the
//! receipt cursor per account, the logged-in account. Never secrets: those
//! live in the OS keyring.

use sqlx::SqliteConnection;

use crate::{Store, StoreError};

impl Store {
    /// A value of the small persistent key/value state (`sync_state`).
    pub async fn sync_value(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT value FROM sync_state WHERE key = ?")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Sets (`Some`) or removes (`None`) a value of `sync_state`. Never for
    /// secrets: those belong in the OS keyring.
    pub async fn set_sync_value(&self, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        match value {
            Some(v) => set_value(&mut tx, key, v).await?,
            None => {
                sqlx::query("DELETE FROM sync_state WHERE key = ?")
                    .bind(key)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

pub(crate) async fn set_value(
    conn: &mut SqliteConnection,
    key: &str,
    value: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO sync_state (key, value) VALUES (?, ?) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
