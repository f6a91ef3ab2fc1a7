//! PortDesk's application layer (应用层): one open data directory — the
//! store, the code lists in force, declarations, certificate-of-origin
//! applications, approved certificates, and the Single Window session with
//! its background worker — behind the one error type that crosses IPC.
//! Tauri-free: the desktop shell opens a [`Workspace`] and translates its
//! commands onto it.
//!
//! - `error.rs`: [`ApiError`] (`{code, message, field}`), from every
//!   library's errors.
//! - `sync.rs`: [`sync::SyncService`], the logged-in account's session,
//!   its worker task, and the events the UI reads.
//! - `certificates.rs`: certificates of origin as the UI sees them
//!   (refresh from the server, batches, verification results, images).
//! - `printing.rs`: the printed declaration's kind argument and batch.
//! - `tax.rs`: reference data and duty payment through the session.
//! - `instance.rs`: one app per data directory (the lock and the socket a
//!   second launch asks to focus through).
//! - `window_state.rs`: the window's size and position, saved per data
//!   directory and clamped to the monitors at the next start.

pub mod certificates;
pub mod error;
pub mod instance;
pub mod printing;
pub mod sync;
pub mod tax;
pub mod window_state;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use portdesk_drafts::certificates::Certificates;
use portdesk_drafts::origin::OriginDrafts;
use portdesk_drafts::printing::DeclarationPrints;
use portdesk_drafts::{load_code_lists, Drafts, DB_FILE};
use portdesk_store::Store;
use portdesk_sync::CredentialStore;

pub use error::{document_id, ApiError};

/// One open data directory.
pub struct Workspace {
    pub drafts: Drafts,
    /// Certificate-of-origin applications.
    pub origins: OriginDrafts,
    /// Approved certificates: PDF, print, batch, verify, images.
    pub certificates: Certificates,
    /// Printed declarations (报关单草单/核对单): PDF, print, batch.
    pub prints: DeclarationPrints,
    pub data_dir: PathBuf,
    pub db_path: PathBuf,
    /// Account, session, outbox worker.
    pub sync: sync::SyncService,
}

impl Workspace {
    /// Opens (creating if need be) the data directory: the database
    /// (migrated, after a copy of an older one is set aside), the code
    /// lists in force, and the sync service from the environment
    /// (`PORTDESK_CREDENTIALS`, `PORTDESK_SERVER_URL`). Errors name the
    /// folder or file.
    pub async fn open(data_dir: &Path) -> Result<Workspace, String> {
        Workspace::open_with(data_dir, None).await
    }

    /// [`Workspace::open`] with secrets kept in `credentials` instead of
    /// the store the environment names (the CLI's `--credentials`).
    pub async fn open_with(
        data_dir: &Path,
        credentials: Option<Arc<dyn CredentialStore>>,
    ) -> Result<Workspace, String> {
        portdesk_store::create_private_dir(data_dir)
            .map_err(|e| format!("cannot create data dir {}: {e}", data_dir.display()))?;
        let db_path = data_dir.join(DB_FILE);
        let store = Store::open(&db_path)
            .await
            .map_err(|e| format!("cannot open database {}: {e}", db_path.display()))?;
        let lists = Arc::new(load_code_lists(data_dir));
        let origins = OriginDrafts::new(store.clone(), lists.clone());
        let drafts = Drafts::new(store.clone(), lists.clone())
            .with_estimate_rates(portdesk_drafts::estimate::load_estimate_rates(data_dir));
        Ok(Workspace {
            sync: match credentials {
                Some(creds) => sync::SyncService::new(
                    store.clone(),
                    creds,
                    sync::DEFAULT_SERVER_URL.to_owned(),
                ),
                None => sync::SyncService::from_env(store.clone()),
            },
            certificates: Certificates::new(origins.clone(), lists.clone(), data_dir.to_owned()),
            origins,
            prints: DeclarationPrints::new(drafts.clone(), data_dir.to_owned()),
            drafts,
            data_dir: data_dir.to_owned(),
            db_path,
        })
    }
}
