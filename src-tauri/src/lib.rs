//! The PortDesk desktop shell: opens the window and the data directory (a
//! `portdesk_workspace::Workspace`, the Tauri-free application layer) and
//! translates IPC calls into calls on it.

use std::path::PathBuf;
use std::sync::Arc;

use portdesk_drafts::DATA_DIR_ENV;
use tauri::Manager;

mod commands;
mod desktop;
mod filing_commands;
mod goods_commands;
mod message_commands;
mod origin_commands;
mod print_commands;
mod sheet_commands;
mod startup;
mod sync_commands;
mod tax_commands;
mod template_commands;

#[cfg(test)]
mod bindings;
#[cfg(test)]
mod command_list_tests;
#[cfg(test)]
mod command_tests;

pub use portdesk_workspace::{error, sync, ApiError};

/// What every command can reach: the open workspace.
pub type AppState = portdesk_workspace::Workspace;

/// `--data-dir DIR` on the command line wins over the environment variable.
fn data_dir_override() -> Option<PathBuf> {
    startup::arg_value("data-dir")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os(DATA_DIR_ENV).map(PathBuf::from))
}

fn open_state(data_dir: PathBuf) -> Result<AppState, String> {
    tauri::async_runtime::block_on(portdesk_workspace::Workspace::open(&data_dir))
}

/// Registers every command; shared by the app and the command tests.
fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .manage(message_commands::PickedPaths::default())
        .manage(sheet_commands::PickedSheet::default())
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            startup::launch_request,
            startup::ui_mark,
            startup::interface_font,
            commands::code_lists,
            commands::declaration_elements,
            commands::create_declaration,
            commands::save_declaration,
            commands::get_declaration,
            commands::list_drafts,
            commands::draft_history,
            commands::get_revision,
            commands::restore_revision,
            commands::copy_declaration,
            commands::trash_draft,
            commands::untrash_draft,
            commands::empty_trash,
            commands::validate_declaration,
            commands::required_attachments,
            tax_commands::tax_panel,
            tax_commands::duty_estimate,
            tax_commands::set_tax_choice,
            tax_commands::check_tax,
            tax_commands::guarantees,
            tax_commands::enterprise_profile,
            tax_commands::refresh_reference,
            tax_commands::port_fees,
            tax_commands::port_fee_estimate,
            tax_commands::duty_payment,
            tax_commands::pay_duties,
            sync_commands::login,
            sync_commands::logout,
            sync_commands::sync_status,
            sync_commands::outbox_entries,
            sync_commands::file_declaration,
            sync_commands::draft_receipts,
            sync_commands::message_log,
            sync_commands::exchange_settings,
            sync_commands::set_exchange_settings,
            sync_commands::start_exchange_account,
            sync_commands::retry_outbox_entry,
            origin_commands::origin_list,
            origin_commands::origin_create,
            origin_commands::origin_from_declaration,
            origin_commands::origin_get,
            origin_commands::origin_save,
            origin_commands::origin_validate,
            origin_commands::origin_history,
            origin_commands::origin_restore,
            origin_commands::origin_enterprise_record,
            origin_commands::origin_set_enterprise_record,
            origin_commands::origin_submit,
            origin_commands::origin_refresh,
            origin_commands::origin_render_pdf,
            origin_commands::origin_open_pdf,
            origin_commands::origin_print,
            origin_commands::origin_batch,
            origin_commands::origin_verify,
            origin_commands::origin_images,
            origin_commands::origin_set_image,
            print_commands::declaration_save_pdf,
            print_commands::declaration_open_pdf,
            print_commands::declaration_print,
            print_commands::declaration_batch,
            filing_commands::filing_deadline,
            filing_commands::complete_declaration,
            filing_commands::amend_declaration,
            filing_commands::draft_amendments,
            filing_commands::draft_conflicts,
            filing_commands::resolve_conflict,
            message_commands::pick_declaration_files,
            message_commands::import_declaration_files,
            message_commands::pick_message_save_path,
            message_commands::export_declaration_message,
            template_commands::template_save,
            template_commands::template_update,
            template_commands::template_list,
            template_commands::template_get,
            template_commands::template_rename,
            template_commands::template_delete,
            template_commands::template_history,
            template_commands::template_restore,
            template_commands::template_new_draft,
            template_commands::template_differences,
            template_commands::defaults_get,
            template_commands::defaults_set,
            template_commands::defaults_clear,
            template_commands::defaults_set_self_filing,
            goods_commands::goods_search,
            goods_commands::goods_list,
            goods_commands::goods_get,
            goods_commands::goods_save,
            goods_commands::goods_delete,
            goods_commands::goods_history,
            goods_commands::goods_fill_line,
            goods_commands::goods_pick_import,
            goods_commands::goods_import_picked,
            goods_commands::goods_export,
            sheet_commands::pick_sheet_import,
            sheet_commands::preview_picked_sheet,
            sheet_commands::preview_pasted_lines,
            sheet_commands::save_sheet_import,
            sheet_commands::sheet_layouts,
            sheet_commands::save_sheet_layout,
            sheet_commands::delete_sheet_layout,
            sheet_commands::export_declaration_xlsx,
            sheet_commands::export_drafts_xlsx,
            sheet_commands::save_template_sheet,
        ])
}

pub fn run() {
    startup::note_start();
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
        .plugin(tauri_plugin_opener::init())
        // Opened from Rust only (message_commands.rs): the page is granted
        // none of the plugin's commands.
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let data_dir = match data_dir_override() {
                Some(dir) => dir,
                None => app.path().app_data_dir()?,
            };
            // Before the database opens: a second launch on this data dir
            // focuses the first and exits here.
            let instance = desktop::one_instance(app.handle(), &data_dir)?;
            app.manage(desktop::InstanceHold(instance));
            desktop::restore_window(app.handle(), &data_dir);
            tracing::info!(data_dir = %data_dir.display(), "starting");
            let state = open_state(data_dir)?;
            let handle = app.handle().clone();
            state.sync.set_emitter(Arc::new(move |payload| {
                use tauri::Emitter;
                if let Err(e) = handle.emit(crate::sync::SYNC_EVENT, payload) {
                    tracing::warn!(error = %e, "cannot emit a sync event");
                }
            }));
            tauri::async_runtime::block_on(state.sync.restore());
            app.manage(state);
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running PortDesk");
}
