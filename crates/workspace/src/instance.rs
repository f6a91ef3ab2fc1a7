//! One app per data directory (单实例): a second launch on the same data
//! directory asks the running one to bring its window forward and exits,
//! instead of opening a second app on the same database. Another data
//! directory is another instance and opens as usual.
//!
//! How: an exclusive lock on `portdesk.instance.lock` in the data directory
//! (`File::try_lock`, an OS lock the kernel drops when the holder dies, so a
//! crashed or killed app never blocks the next start), and a local socket the
//! holder listens on. A second launch fails to take the lock, connects,
//! writes `focus`, waits for `ok` and reports [`Acquired::Running`].
//!
//! The socket is a Unix domain socket: `portdesk.instance.sock` in the data
//! directory, or, when that path is longer than the OS allows, one named
//! after a hash of the data directory in the temporary directory. On Windows
//! only the lock is kept: a second launch exits without focusing the first.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The lock file in the data directory.
pub const LOCK_FILE: &str = "portdesk.instance.lock";
/// The socket in the data directory (when its path is short enough).
pub const SOCKET_FILE: &str = "portdesk.instance.sock";

/// What the second launch writes, and what the first answers once it acted.
const FOCUS: &[u8] = b"focus\n";
const ACK: &[u8] = b"ok\n";

/// How long a second launch keeps trying to reach a first that holds the lock
/// but is not listening yet (it is starting up).
const REACH_FOR: Duration = Duration::from_secs(5);
/// How long either side waits on the other for one line.
const LINE_WAIT: Duration = Duration::from_secs(2);

/// The outcome of [`acquire`].
#[derive(Debug)]
pub enum Acquired {
    /// This process is the data directory's instance; keep the guard for as
    /// long as the app runs.
    First(InstanceGuard),
    /// Another process runs on this data directory. `focused` says whether it
    /// answered the focus request (false: it did not answer in time, or the
    /// platform has no socket).
    Running { focused: bool },
}

/// Held by the data directory's instance: the lock and the listener.
#[derive(Debug)]
pub struct InstanceGuard {
    _lock: File,
    #[cfg(unix)]
    listener: Option<unix::Listener>,
}

impl InstanceGuard {
    /// Whether a second launch can reach this instance (a socket is open).
    pub fn listening(&self) -> bool {
        #[cfg(unix)]
        return self.listener.is_some();
        #[cfg(not(unix))]
        return false;
    }
}

/// Takes the data directory's instance lock, or asks its holder to focus.
///
/// `on_focus` runs on a listener thread each time a later launch asks; the
/// desktop shell brings its window forward there. The data directory is
/// created when missing (owner-only, as the store creates it).
pub fn acquire<F>(data_dir: &Path, on_focus: F) -> io::Result<Acquired>
where
    F: Fn() + Send + Sync + 'static,
{
    portdesk_store::create_private_dir(data_dir)?;
    let lock_path = data_dir.join(LOCK_FILE);
    let deadline = Instant::now() + REACH_FOR;
    let on_focus = std::sync::Arc::new(on_focus);
    loop {
        let file = open_lock(&lock_path)?;
        match file.try_lock() {
            Ok(()) => return Ok(Acquired::First(first(file, data_dir, on_focus)?)),
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(e)) => return Err(e),
        }
        drop(file);
        if !cfg!(unix) {
            // Nobody to ask: the running instance keeps the data directory.
            return Ok(Acquired::Running { focused: false });
        }
        if ask_focus(data_dir) {
            return Ok(Acquired::Running { focused: true });
        }
        // The holder may be starting (not listening yet) or just exiting
        // (the lock is about to be free): try both again until the deadline.
        if Instant::now() >= deadline {
            return Ok(Acquired::Running { focused: false });
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn open_lock(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

#[cfg(unix)]
fn first(
    lock: File,
    data_dir: &Path,
    on_focus: std::sync::Arc<dyn Fn() + Send + Sync>,
) -> io::Result<InstanceGuard> {
    // Without a socket the app still runs alone on its database; a later
    // launch then exits without focusing this one.
    let listener = match unix::Listener::start(&socket_path(data_dir), on_focus) {
        Ok(l) => Some(l),
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for later launches");
            None
        }
    };
    Ok(InstanceGuard {
        _lock: lock,
        listener,
    })
}

#[cfg(not(unix))]
fn first(
    lock: File,
    _data_dir: &Path,
    _on_focus: std::sync::Arc<dyn Fn() + Send + Sync>,
) -> io::Result<InstanceGuard> {
    Ok(InstanceGuard { _lock: lock })
}

#[cfg(unix)]
fn ask_focus(data_dir: &Path) -> bool {
    unix::ask_focus(&socket_path(data_dir)).is_ok()
}

#[cfg(not(unix))]
fn ask_focus(_data_dir: &Path) -> bool {
    false
}

/// Where the instance of `data_dir` listens. Unix socket paths are limited
/// (108 bytes on Linux, 104 on macOS); a deep data directory gets a name in
/// the temporary directory derived from its path instead.
pub fn socket_path(data_dir: &Path) -> PathBuf {
    const MAX: usize = 100;
    let inside = data_dir.join(SOCKET_FILE);
    if inside.as_os_str().len() < MAX {
        return inside;
    }
    use std::hash::{Hash, Hasher};
    // Fixed keys: both launches (the same binary) derive the same name.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::fs::canonicalize(data_dir)
        .unwrap_or_else(|_| data_dir.to_path_buf())
        .hash(&mut h);
    std::env::temp_dir().join(format!("portdesk-{:016x}.sock", h.finish()))
}

#[cfg(unix)]
mod unix {
    use std::io::{self, BufRead, BufReader, Write};
    use std::os::unix::net::{UnixListener, UnixStream};
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::thread::JoinHandle;

    use super::{ACK, FOCUS, LINE_WAIT};

    /// The socket the data directory's instance listens on, and its thread.
    #[derive(Debug)]
    pub(super) struct Listener {
        path: PathBuf,
        stop: Arc<AtomicBool>,
        thread: Option<JoinHandle<()>>,
    }

    impl Listener {
        pub(super) fn start(
            path: &Path,
            on_focus: Arc<dyn Fn() + Send + Sync>,
        ) -> io::Result<Listener> {
            // We hold the lock: a socket file left here is a dead instance's.
            match std::fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            let listener = UnixListener::bind(path)?;
            let stop = Arc::new(AtomicBool::new(false));
            let stopping = stop.clone();
            let thread = std::thread::Builder::new()
                .name("portdesk-instance".into())
                .spawn(move || {
                    for stream in listener.incoming() {
                        if stopping.load(Ordering::SeqCst) {
                            break;
                        }
                        match stream {
                            Ok(s) => answer(s, on_focus.as_ref()),
                            Err(e) => tracing::warn!(error = %e, "instance socket"),
                        }
                    }
                })?;
            Ok(Listener {
                path: path.to_path_buf(),
                stop,
                thread: Some(thread),
            })
        }
    }

    impl Drop for Listener {
        fn drop(&mut self) {
            self.stop.store(true, Ordering::SeqCst);
            // Wakes the accept so the thread sees the flag.
            let _ = UnixStream::connect(&self.path);
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
            let _ = std::fs::remove_file(&self.path);
        }
    }

    fn answer(stream: UnixStream, on_focus: &(dyn Fn() + Send + Sync)) {
        let _ = stream.set_read_timeout(Some(LINE_WAIT));
        let mut line = Vec::new();
        let mut reader = BufReader::new(&stream);
        if reader.read_until(b'\n', &mut line).is_err() || line != FOCUS {
            return;
        }
        on_focus();
        let _ = (&stream).write_all(ACK);
    }

    pub(super) fn ask_focus(path: &Path) -> io::Result<()> {
        let mut stream = UnixStream::connect(path)?;
        stream.set_read_timeout(Some(LINE_WAIT))?;
        stream.set_write_timeout(Some(LINE_WAIT))?;
        stream.write_all(FOCUS)?;
        let mut line = Vec::new();
        BufReader::new(&stream).read_until(b'\n', &mut line)?;
        if line == ACK {
            Ok(())
        } else {
            Err(io::Error::other("no answer from the running instance"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufRead;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    fn counting() -> (Arc<AtomicUsize>, impl Fn() + Send + Sync + 'static) {
        let n = Arc::new(AtomicUsize::new(0));
        let m = n.clone();
        (n, move || {
            m.fetch_add(1, Ordering::SeqCst);
        })
    }

    #[test]
    fn a_second_acquire_on_the_same_dir_fails_and_focuses_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let (asked, on_focus) = counting();
        let guard = match acquire(dir.path(), on_focus).unwrap() {
            Acquired::First(g) => g,
            other => panic!("first acquire: {other:?}"),
        };
        assert!(guard.listening());
        for round in 1..=2 {
            match acquire(dir.path(), || panic!("the second must not listen")).unwrap() {
                Acquired::Running { focused } => assert!(focused),
                Acquired::First(_) => panic!("two instances on one data dir"),
            }
            assert_eq!(asked.load(Ordering::SeqCst), round);
        }
        // Let go: the next launch is the instance again.
        drop(guard);
        assert!(matches!(
            acquire(dir.path(), || {}).unwrap(),
            Acquired::First(_)
        ));
    }

    #[test]
    fn another_data_dir_is_another_instance() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let (asked, on_focus) = counting();
        let _first = acquire(a.path(), on_focus).unwrap();
        assert!(matches!(
            acquire(b.path(), || {}).unwrap(),
            Acquired::First(_)
        ));
        assert_eq!(asked.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn a_deep_data_dir_listens_outside_it() {
        let base = tempfile::tempdir().unwrap();
        let deep = base.path().join("d".repeat(60)).join("e".repeat(60));
        assert!(!socket_path(&deep).starts_with(&deep));
        let (asked, on_focus) = counting();
        let _first = acquire(&deep, on_focus).unwrap();
        assert!(matches!(
            acquire(&deep, || {}).unwrap(),
            Acquired::Running { focused: true }
        ));
        assert_eq!(asked.load(Ordering::SeqCst), 1);
    }

    /// Not a test on its own: the lock holder that
    /// `a_stale_lock_after_the_holder_is_killed_is_taken_over` starts in a
    /// child process (this test binary, filtered to this function).
    #[test]
    fn holder_process() {
        let Some(dir) = std::env::var_os("PORTDESK_INSTANCE_HOLDER") else {
            return;
        };
        let _guard = match acquire(Path::new(&dir), || println!("focused")).unwrap() {
            Acquired::First(g) => g,
            other => panic!("holder: {other:?}"),
        };
        // libtest may print "test … ... " on the same line first.
        println!("portdesk-instance-held");
        loop {
            std::thread::park();
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_stale_lock_after_the_holder_is_killed_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "instance::tests::holder_process",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("PORTDESK_INSTANCE_HOLDER", dir.path())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        loop {
            line.clear();
            assert!(out.read_line(&mut line).unwrap() > 0, "holder ended");
            if line.contains("portdesk-instance-held") {
                break;
            }
        }
        // Held by a live process: refused, and the holder is asked to focus.
        assert!(matches!(
            acquire(dir.path(), || {}).unwrap(),
            Acquired::Running { focused: true }
        ));

        // SIGKILL: no destructor runs; the lock and socket files stay behind.
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(dir.path().join(LOCK_FILE).exists());
        assert!(socket_path(dir.path()).exists());

        let (asked, on_focus) = counting();
        let guard = match acquire(dir.path(), on_focus).unwrap() {
            Acquired::First(g) => g,
            other => panic!("the stale lock blocked the start: {other:?}"),
        };
        assert!(guard.listening());
        assert!(matches!(
            acquire(dir.path(), || {}).unwrap(),
            Acquired::Running { focused: true }
        ));
        assert_eq!(asked.load(Ordering::SeqCst), 1);
    }
}
