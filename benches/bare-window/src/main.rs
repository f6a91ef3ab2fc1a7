//! A bare Tauri 2 window with one IPC command: the floor PortDesk's
//! start-up and memory are read against (benches/app-probe.sh).
//!
//! The page calls `mark("first_ipc")`, paints the answer, and after the next
//! frame calls `mark("first_ipc_painted")`; each call leaves a line with the
//! wall clock on stderr, where the probe reads it as it reads the app's
//! `ui mark` lines.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::time::{SystemTime, UNIX_EPOCH};

/// The page's clock at the mark, as PortDesk's page sends it.
#[derive(serde::Deserialize)]
struct PageTiming {
    origin_epoch_ms: f64,
    mark_ms: f64,
}

/// Logs `name` with the wall clock in milliseconds (and the page's timing)
/// and returns that clock.
#[tauri::command]
fn mark(name: String, page: PageTiming) -> u64 {
    let epoch_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default();
    eprintln!(
        "bare mark mark={name} epoch_ms={epoch_ms} page_origin_epoch_ms={} page_mark_ms={}",
        page.origin_epoch_ms as u64, page.mark_ms as u64
    );
    epoch_ms
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![mark])
        .run(tauri::generate_context!())
        .expect("error while running the bare window");
}
