//! Tax payment and reference data through the logged-in account's session:
//! refreshing the guarantees, enterprise profile and port fees, and paying
//! a released summary-tax declaration's duties (the stored idempotency key
//! keeps a retried payment one payment).

use portdesk_sync::reference::{self, DutyStatus, Refreshed};
use uuid::Uuid;

use crate::{ApiError, Workspace};

impl Workspace {
    /// Fetches and caches the reference data (logging in again once if the
    /// token is refused). Offline: `offline`, and the cache stays as it was.
    pub async fn refresh_reference(&self) -> Result<Refreshed, ApiError> {
        self.sync.require_server(
            "更新担保、企业信息与港口费用",
            "refreshing guarantees and reference data",
        )?;
        let session = self.sync.session()?;
        let store = self.drafts.store();
        Ok(session
            .authorized(|token| {
                let session = &session;
                async move {
                    reference::refresh_all(session.client(), store, session.account(), &token).await
                }
            })
            .await?)
    }

    /// Pays the duties of draft `id`'s released summary-tax filing;
    /// `None` when there is nothing to pay.
    pub async fn pay_duties(&self, id: Uuid) -> Result<Option<DutyStatus>, ApiError> {
        self.drafts.tax_choice(id).await?;
        self.sync.require_server("缴纳税费", "paying duties")?;
        let session = self.sync.session()?;
        let store = self.drafts.store();
        Ok(session
            .authorized(|token| {
                let session = &session;
                async move {
                    reference::pay_duties(session.client(), store, session.account(), &token, id)
                        .await
                }
            })
            .await?)
    }
}
