//! One delivering worker per database (单库单投递进程): the app's worker and
//! `portdesk sync` must not both deliver from one SQLite file, or each
//! would treat the other's `sending` entries as crashed and resend them.
//!
//! The lease is an exclusive OS file lock on `<database>-worker.lock`, taken
//! when a worker starts and released when it stops. The operating system
//! drops the lock the moment its process dies, so a crashed owner's lease
//! ends at once: no expiry to wait for, no clock to trust. The holder writes
//! who it is into the file (program, pid, since when) so a refused worker
//! can say whom it waits for.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Utc;

use crate::SyncError;

/// A held lease; dropping it releases the lock.
#[derive(Debug)]
pub struct WorkerLease {
    // Held open for its lock; closing the file releases it.
    _file: File,
    path: PathBuf,
}

impl WorkerLease {
    /// The lock file of the database at `db`.
    pub fn lock_path(db: &Path) -> PathBuf {
        let mut name = db.file_name().unwrap_or_default().to_os_string();
        name.push("-worker.lock");
        db.with_file_name(name)
    }

    /// Takes the lease of database `db`, waiting up to `wait` for another
    /// worker to stop; `worker_busy` (naming the holder) if it does not.
    pub async fn acquire(db: &Path, wait: Duration) -> Result<WorkerLease, SyncError> {
        let path = Self::lock_path(db);
        let deadline = Instant::now() + wait;
        loop {
            match Self::try_acquire(&path)? {
                Ok(lease) => return Ok(lease),
                Err(holder) if Instant::now() >= deadline => {
                    return Err(SyncError::WorkerBusy(holder))
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// `Ok(Ok(lease))` when taken, `Ok(Err(holder))` when another worker holds it.
    fn try_acquire(path: &Path) -> Result<Result<WorkerLease, String>, SyncError> {
        let io = |e: std::io::Error| SyncError::Lease(format!("{}: {e}", path.display()));
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                // Windows locks are mandatory: the holder's note may be unreadable.
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                return Ok(Err(if holder.is_empty() {
                    "another PortDesk worker".to_owned()
                } else {
                    holder.to_owned()
                }));
            }
            Err(TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
                // A file system without locks (some network shares): deliver
                // anyway; the server's idempotency keeps a double send harmless.
                tracing::warn!(path = %path.display(), "file locks unsupported; no worker lease");
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        let program = std::env::current_exe()
            .ok()
            .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "portdesk".to_owned());
        let note = format!(
            "{program} (pid {}) since {}",
            std::process::id(),
            Utc::now().format("%Y-%m-%d %H:%M:%S UTC")
        );
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        file.write_all(note.as_bytes()).map_err(io)?;
        file.flush().map_err(io)?;
        tracing::debug!(path = %path.display(), "worker lease taken");
        Ok(Ok(WorkerLease {
            _file: file,
            path: path.to_owned(),
        }))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_holder_at_a_time_and_dropping_releases() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("portdesk.db");
        let first = WorkerLease::acquire(&db, Duration::ZERO).await.unwrap();
        assert_eq!(first.path(), dir.path().join("portdesk.db-worker.lock"));
        let e = WorkerLease::acquire(&db, Duration::from_millis(200))
            .await
            .unwrap_err();
        assert_eq!(e.code(), "worker_busy");
        assert!(
            e.to_string()
                .contains(&format!("pid {}", std::process::id())),
            "{e}"
        );
        drop(first);
        WorkerLease::acquire(&db, Duration::ZERO).await.unwrap();
    }
}
