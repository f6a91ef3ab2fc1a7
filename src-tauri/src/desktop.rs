//! Desktop conventions the shell owes the window (docs/desktop.md): one app
//! per data directory (a later launch focuses this window), and the window's
//! size and position remembered per data directory. The logic lives in
//! `portdesk_workspace::{instance, window_state}`; this only reads and moves
//! the Tauri window.

use std::path::Path;

use portdesk_workspace::instance::{self, Acquired, InstanceGuard};
use portdesk_workspace::window_state::{self, Area, WindowGeometry, WindowStateSaver};
use tauri::{AppHandle, Manager, PhysicalPosition, PhysicalSize, WebviewWindow, WindowEvent};

/// The window tauri.conf.json declares (created hidden, shown by [`restore_window`]).
const MAIN: &str = "main";

/// Kept in the app's state for as long as it runs: the data directory's lock.
pub struct InstanceHold(#[allow(dead_code)] pub InstanceGuard);

/// Takes the data directory's instance lock; when another app holds it, asks
/// that one to come forward and ends this process with status 0 (its window
/// was never shown).
pub fn one_instance(app: &AppHandle, data_dir: &Path) -> Result<InstanceGuard, String> {
    let handle = app.clone();
    let acquired = instance::acquire(data_dir, move || focus_main(&handle))
        .map_err(|e| format!("cannot lock the data directory {}: {e}", data_dir.display()))?;
    match acquired {
        Acquired::First(guard) => Ok(guard),
        Acquired::Running { focused } => {
            tracing::info!(
                data_dir = %data_dir.display(),
                focused,
                "PortDesk already runs on this data directory; bringing it forward"
            );
            eprintln!(
                "PortDesk 已在使用此数据目录 / PortDesk already runs on {}",
                data_dir.display()
            );
            std::process::exit(0);
        }
    }
}

/// A later launch asked: bring the window forward.
fn focus_main(app: &AppHandle) {
    let Some(w) = app.get_webview_window(MAIN) else {
        return;
    };
    let _ = w.unminimize();
    let _ = w.show();
    let _ = w.set_focus();
}

/// Puts the window where it was last time on this data directory (clamped to
/// the monitors there are now), shows it, and saves its geometry as it moves
/// or resizes (debounced) and when it closes.
pub fn restore_window(app: &AppHandle, data_dir: &Path) {
    let Some(window) = app.get_webview_window(MAIN) else {
        return;
    };
    let saved = window_state::load(data_dir);
    if let Some(g) = saved {
        let g = g.clamp_to(&monitors(&window));
        let _ = window.set_size(PhysicalSize::new(g.width, g.height));
        let _ = window.set_position(PhysicalPosition::new(g.x, g.y));
        if g.maximized {
            let _ = window.maximize();
        }
    }
    if let Err(e) = window.show() {
        tracing::warn!(error = %e, "cannot show the window");
    }
    let saver = WindowStateSaver::new(data_dir, saved);
    let observed = window.clone();
    window.on_window_event(move |event| match event {
        WindowEvent::Moved(_) | WindowEvent::Resized(_) => {
            if let Some(g) = geometry(&observed) {
                saver.seen(g);
            }
        }
        WindowEvent::CloseRequested { .. } => {
            if let Some(g) = geometry(&observed) {
                saver.flush(g);
            }
        }
        _ => {}
    });
}

/// The monitors' work areas (without panels and docks), primary first.
fn monitors(window: &WebviewWindow) -> Vec<Area> {
    let primary = window.primary_monitor().ok().flatten();
    let mut all = window.available_monitors().unwrap_or_default();
    if let Some(p) = &primary {
        if let Some(i) = all.iter().position(|m| m.name() == p.name()) {
            let m = all.remove(i);
            all.insert(0, m);
        }
    }
    all.iter()
        .map(|m| {
            let r = m.work_area();
            Area {
                x: r.position.x,
                y: r.position.y,
                width: r.size.width,
                height: r.size.height,
            }
        })
        .collect()
}

/// The window's geometry now; none while minimized (its position means nothing then).
fn geometry(window: &WebviewWindow) -> Option<WindowGeometry> {
    if window.is_minimized().unwrap_or(false) {
        return None;
    }
    let p = window.outer_position().ok()?;
    let s = window.inner_size().ok()?;
    Some(WindowGeometry {
        x: p.x,
        y: p.y,
        width: s.width,
        height: s.height,
        maximized: window.is_maximized().unwrap_or(false),
    })
}
