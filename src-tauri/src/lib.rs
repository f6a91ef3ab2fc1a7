//! The PortDesk desktop shell: opens the window, opens the local store and
//! translates IPC calls into calls on the Tauri-free libraries in `crates/`.

use std::path::PathBuf;
use std::sync::Arc;

use portdesk_drafts::{load_code_lists, Drafts, DATA_DIR_ENV, DB_FILE};
use portdesk_store::Store;
use tauri::Manager;

mod commands;
mod error;

#[cfg(test)]
mod bindings;
#[cfg(test)]
mod command_tests;

pub use error::ApiError;

/// What every command can reach.
pub struct AppState {
    pub drafts: Drafts,
    pub data_dir: PathBuf,
    pub db_path: PathBuf,
}

/// `--data-dir DIR` on the command line wins over the environment variable.
fn data_dir_override() -> Option<PathBuf> {
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
        if let Some(dir) = arg.strip_prefix("--data-dir=") {
            return Some(PathBuf::from(dir));
        }
    }
    std::env::var_os(DATA_DIR_ENV).map(PathBuf::from)
}

fn open_state(data_dir: PathBuf) -> Result<AppState, String> {
    std::fs::create_dir_all(&data_dir)
        .map_err(|e| format!("cannot create data dir {}: {e}", data_dir.display()))?;
    let db_path = data_dir.join(DB_FILE);
    let store = tauri::async_runtime::block_on(Store::open(&db_path))
        .map_err(|e| format!("cannot open database {}: {e}", db_path.display()))?;
    let lists = Arc::new(load_code_lists(&data_dir));
    Ok(AppState {
        drafts: Drafts::new(store, lists),
        data_dir,
        db_path,
    })
}

/// Registers every command; shared by the app and the command tests.
fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::app_info,
        commands::code_lists,
        commands::create_declaration,
        commands::save_declaration,
        commands::get_declaration,
        commands::list_drafts,
        commands::draft_history,
        commands::get_revision,
        commands::restore_revision,
        commands::trash_draft,
        commands::untrash_draft,
        commands::empty_trash,
        commands::validate_declaration,
        commands::required_attachments,
    ])
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();

    // One tokio runtime for Tauri and the libraries.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    tauri::async_runtime::set(runtime.handle().clone());

    with_commands(tauri::Builder::default())
        .setup(|app| {
            let data_dir = match data_dir_override() {
                Some(dir) => dir,
                None => app.path().app_data_dir()?,
            };
            tracing::info!(data_dir = %data_dir.display(), "starting");
            let state = open_state(data_dir)?;
            app.manage(state);
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running PortDesk");
}
