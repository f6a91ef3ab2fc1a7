//! Real-window end-to-end tests: the app binary built by the tauri CLI,
//! driven through tauri-driver and WebKitWebDriver under Xvfb, with a
//! temporary data dir. `tests/e2e/run.sh` builds and starts all of that;
//! this file only speaks WebDriver.
//!
//! Environment: `PORTDESK_E2E_APP` (the binary), `PORTDESK_E2E_DRIVER`
//! (tauri-driver's URL, default http://127.0.0.1:4444),
//! `PORTDESK_E2E_ARTIFACTS` (where screenshots go).
//!
//! One module per area; `harness` holds what they share. Each test owns the
//! window while it runs (`--test-threads=1`).

#[allow(dead_code)] // each area uses a part of it
mod harness;

mod drafts;
mod flows;
mod origin;
mod sync;
mod tax;
