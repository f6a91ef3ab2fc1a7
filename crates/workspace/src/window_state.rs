//! The main window's size and position (窗口位置), remembered per data
//! directory in `window.json` and put back at the next start, clamped to a
//! monitor that is still there. Tauri-free: the shell reads the window's
//! geometry and the monitors and calls this.
//!
//! Physical pixels throughout, as the windowing system reports them. While
//! the window is maximized the size it had before is kept, so leaving the
//! maximized state after a restart goes back to it.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The file in the data directory.
pub const WINDOW_STATE_FILE: &str = "window.json";

/// How long moving or resizing must pause before the geometry is written.
pub const SAVE_AFTER: Duration = Duration::from_millis(500);

/// The window's outer position and inner size, and whether it was maximized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowGeometry {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    #[serde(default)]
    pub maximized: bool,
}

/// A monitor's work area (or whole area), physical pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Area {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
}

impl Area {
    fn overlap(&self, g: &WindowGeometry) -> u64 {
        let w = span(self.x, self.width, g.x, g.width);
        let h = span(self.y, self.height, g.y, g.height);
        w * h
    }
}

/// The length two intervals share.
fn span(a: i32, a_len: u32, b: i32, b_len: u32) -> u64 {
    let start = i64::from(a).max(i64::from(b));
    let end = (i64::from(a) + i64::from(a_len)).min(i64::from(b) + i64::from(b_len));
    (end - start).max(0) as u64
}

impl WindowGeometry {
    /// Where to put the window on the monitors there are now: on the one it
    /// overlaps most, or on the first (the primary) when it overlaps none (a
    /// monitor unplugged since), shrunk to fit and moved fully inside. No
    /// monitors known: as saved.
    pub fn clamp_to(self, monitors: &[Area]) -> WindowGeometry {
        let Some(first) = monitors.first() else {
            return self;
        };
        let best = monitors
            .iter()
            .max_by_key(|m| m.overlap(&self))
            .filter(|m| m.overlap(&self) > 0)
            .unwrap_or(first);
        let width = self.width.min(best.width).max(1);
        let height = self.height.min(best.height).max(1);
        let max_x = i64::from(best.x) + i64::from(best.width) - i64::from(width);
        let max_y = i64::from(best.y) + i64::from(best.height) - i64::from(height);
        let x = i64::from(self.x).clamp(i64::from(best.x), max_x) as i32;
        let y = i64::from(self.y).clamp(i64::from(best.y), max_y) as i32;
        WindowGeometry {
            x,
            y,
            width,
            height,
            maximized: self.maximized,
        }
    }

    /// What to remember after the window reported `observed`: while it is
    /// maximized, the size and place it had before (`previous`) with the flag.
    pub fn merge(previous: Option<WindowGeometry>, observed: WindowGeometry) -> WindowGeometry {
        match previous {
            Some(p) if observed.maximized => WindowGeometry {
                maximized: true,
                ..p
            },
            _ => observed,
        }
    }
}

fn file(data_dir: &Path) -> PathBuf {
    data_dir.join(WINDOW_STATE_FILE)
}

/// The geometry saved for this data directory; none when never saved, or
/// when the file cannot be read (the window then opens at its default).
pub fn load(data_dir: &Path) -> Option<WindowGeometry> {
    let text = match std::fs::read_to_string(file(data_dir)) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the window state");
            return None;
        }
    };
    match serde_json::from_str(&text) {
        Ok(g) => Some(g),
        Err(e) => {
            tracing::warn!(error = %e, "ignoring an unreadable window state");
            None
        }
    }
}

/// Writes the geometry whole (a temporary file renamed over the old one).
pub fn save(data_dir: &Path, geometry: &WindowGeometry) -> io::Result<()> {
    let path = file(data_dir);
    let tmp = data_dir.join(format!("{WINDOW_STATE_FILE}.tmp"));
    let json = serde_json::to_vec_pretty(geometry).map_err(io::Error::other)?;
    std::fs::write(&tmp, json)?;
    std::fs::rename(&tmp, &path)
}

enum Msg {
    Seen(WindowGeometry),
    Flush(WindowGeometry, Sender<()>),
}

/// Saves the geometry a while after the window stops moving, and at once on
/// [`WindowStateSaver::flush`] (the window closing). One thread; dropping the
/// saver writes what is pending and waits for it.
pub struct WindowStateSaver {
    tx: Option<Sender<Msg>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl WindowStateSaver {
    /// Starts with what was restored (so a maximized start keeps the size under it).
    pub fn new(data_dir: &Path, restored: Option<WindowGeometry>) -> WindowStateSaver {
        let (tx, rx) = mpsc::channel::<Msg>();
        let dir = data_dir.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("portdesk-window-state".into())
            .spawn(move || {
                let mut kept = restored;
                let mut pending = false;
                loop {
                    let msg = if pending {
                        match rx.recv_timeout(SAVE_AFTER) {
                            Ok(m) => Some(m),
                            Err(RecvTimeoutError::Timeout) => None,
                            Err(RecvTimeoutError::Disconnected) => break,
                        }
                    } else {
                        match rx.recv() {
                            Ok(m) => Some(m),
                            Err(_) => break,
                        }
                    };
                    match msg {
                        Some(Msg::Seen(g)) => {
                            kept = Some(WindowGeometry::merge(kept, g));
                            pending = true;
                        }
                        Some(Msg::Flush(g, done)) => {
                            let g = WindowGeometry::merge(kept, g);
                            kept = Some(g);
                            write(&dir, &g);
                            pending = false;
                            let _ = done.send(());
                        }
                        None => {
                            if let Some(g) = kept {
                                write(&dir, &g);
                            }
                            pending = false;
                        }
                    }
                }
                if let (true, Some(g)) = (pending, kept) {
                    write(&dir, &g);
                }
            })
            .expect("window state thread");
        WindowStateSaver {
            tx: Some(tx),
            thread: Some(thread),
        }
    }

    /// The window moved or was resized; saved once it has been still for [`SAVE_AFTER`].
    pub fn seen(&self, geometry: WindowGeometry) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(Msg::Seen(geometry));
        }
    }

    /// Saves now and returns once written (the window is closing).
    pub fn flush(&self, geometry: WindowGeometry) {
        let (done, wait) = mpsc::channel();
        if let Some(tx) = &self.tx {
            if tx.send(Msg::Flush(geometry, done)).is_ok() {
                let _ = wait.recv();
            }
        }
    }
}

impl Drop for WindowStateSaver {
    fn drop(&mut self) {
        // Closing the channel ends the thread's loop after it wrote what was pending.
        self.tx.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn write(dir: &Path, g: &WindowGeometry) {
    if let Err(e) = save(dir, g) {
        tracing::warn!(error = %e, "cannot save the window state");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FHD: Area = Area {
        x: 0,
        y: 0,
        width: 1920,
        height: 1080,
    };
    const RIGHT: Area = Area {
        x: 1920,
        y: 0,
        width: 1280,
        height: 1024,
    };

    fn g(x: i32, y: i32, width: u32, height: u32) -> WindowGeometry {
        WindowGeometry {
            x,
            y,
            width,
            height,
            maximized: false,
        }
    }

    #[test]
    fn a_window_inside_a_monitor_stays_where_it_was() {
        assert_eq!(
            g(100, 80, 1360, 860).clamp_to(&[FHD, RIGHT]),
            g(100, 80, 1360, 860)
        );
        assert_eq!(
            g(2000, 50, 1000, 800).clamp_to(&[FHD, RIGHT]),
            g(2000, 50, 1000, 800)
        );
    }

    #[test]
    fn a_window_half_off_screen_is_moved_onto_the_monitor_it_overlaps_most() {
        assert_eq!(
            g(-300, -40, 1360, 860).clamp_to(&[FHD, RIGHT]),
            g(0, 0, 1360, 860)
        );
        // Mostly on the right monitor, hanging off its right edge.
        assert_eq!(
            g(2600, 500, 1000, 800).clamp_to(&[FHD, RIGHT]),
            g(2200, 224, 1000, 800)
        );
    }

    #[test]
    fn a_window_on_an_unplugged_monitor_comes_back_to_the_primary_shrunk_to_fit() {
        let was_on_right = g(2000, 100, 1600, 1200);
        assert_eq!(was_on_right.clamp_to(&[FHD]), g(320, 0, 1600, 1080));
        assert_eq!(
            g(5000, 5000, 800, 600).clamp_to(&[]),
            g(5000, 5000, 800, 600)
        );
    }

    #[test]
    fn maximized_keeps_the_size_under_it() {
        let normal = g(100, 100, 1360, 860);
        let max = WindowGeometry {
            maximized: true,
            ..g(0, 0, 1920, 1080)
        };
        assert_eq!(
            WindowGeometry::merge(Some(normal), max),
            WindowGeometry {
                maximized: true,
                ..normal
            }
        );
        assert_eq!(
            WindowGeometry::merge(Some(normal), g(5, 5, 900, 700)),
            g(5, 5, 900, 700)
        );
        assert_eq!(WindowGeometry::merge(None, max), max);
    }

    #[test]
    fn saved_state_round_trips_and_a_bad_file_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()), None);
        let geometry = g(-8, 20, 1400, 900);
        save(dir.path(), &geometry).unwrap();
        assert_eq!(load(dir.path()), Some(geometry));
        std::fs::write(dir.path().join(WINDOW_STATE_FILE), b"{not json").unwrap();
        assert_eq!(load(dir.path()), None);
    }

    #[test]
    fn the_saver_writes_the_latest_on_flush_and_after_moves_stop() {
        let dir = tempfile::tempdir().unwrap();
        let saver = WindowStateSaver::new(dir.path(), None);
        saver.seen(g(1, 1, 1200, 800));
        saver.seen(g(2, 2, 1300, 800));
        saver.flush(g(3, 3, 1400, 800));
        assert_eq!(load(dir.path()), Some(g(3, 3, 1400, 800)));

        // A move not yet written is written when the saver goes (the app quits).
        saver.seen(g(4, 4, 1400, 800));
        drop(saver);
        assert_eq!(load(dir.path()), Some(g(4, 4, 1400, 800)));
    }
}
