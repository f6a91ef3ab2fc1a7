//! Real-window end-to-end tests: the app binary (built with
//! `custom-protocol` in the same cargo run as these tests), driven through
//! tauri-driver and WebKitWebDriver under Xvfb, with a temporary data dir.
//! `tests/session.sh` starts the display, the driver and a private keyring;
//! this file only speaks WebDriver.
//!
//! Environment: `PORTDESK_E2E_APP` (the binary; default the `portdesk-app`
//! beside this test), `PORTDESK_E2E_DRIVER` (tauri-driver's URL, default
//! http://127.0.0.1:4444), `PORTDESK_E2E_ARTIFACTS` (where screenshots go).
//!
//! One module per area; `harness` holds what they share. Each test owns the
//! window while it runs (`harness::own_window`).

#[allow(dead_code)] // each area uses a part of it
mod harness;

mod copy;
mod desk;
mod drafts;
mod flows;
mod messages;
mod origin;
mod sheets;
mod sync;
mod tax;
mod templates;
