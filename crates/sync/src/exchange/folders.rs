//! The folders on disk: the Single Window client's business folder (`Dec`
//! with `OutBox`, `SentBox`, `FailBox`, `InBox`) and PortDesk's own area
//! beside it (`PortDesk/tmp` for atomic writes, `PortDesk/archive/*` for
//! every file PortDesk has processed). Files are only ever renamed, never
//! deleted, and every rename stays on the exchange root's file system, so
//! each move is atomic.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use portdesk_message::exchange::ExchangeDirs;

/// PortDesk's folder under the exchange root.
pub const OWN_DIR: &str = "PortDesk";

/// Where processed files go, under `PortDesk/archive`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Archive {
    /// Our messages the client imported, and their import responses.
    Imported,
    /// Our messages the Single Window refused in its import response.
    ImportFailed,
    /// Our messages the client moved to `FailBox`.
    Refused,
    /// Receipts (`DEC_RESULT`), named `<counter>_<sha>_<original name>`.
    Receipts,
    /// A receipt whose content was already archived (written twice).
    Duplicates,
    /// `DEC_RESULT` files whose `CHANNEL` is no receipt of ours.
    Informational,
    /// Files in `InBox` that never became readable.
    Malformed,
    /// Import responses for no message of ours.
    Unmatched,
}

impl Archive {
    pub const ALL: [Archive; 8] = [
        Archive::Imported,
        Archive::ImportFailed,
        Archive::Refused,
        Archive::Receipts,
        Archive::Duplicates,
        Archive::Informational,
        Archive::Malformed,
        Archive::Unmatched,
    ];

    fn dir_name(self) -> &'static str {
        match self {
            Archive::Imported => "imported",
            Archive::ImportFailed => "import-failed",
            Archive::Refused => "refused",
            Archive::Receipts => "receipts",
            Archive::Duplicates => "duplicates",
            Archive::Informational => "informational",
            Archive::Malformed => "malformed",
            Archive::Unmatched => "unmatched",
        }
    }
}

/// The largest answer file read (an import response or a receipt is a few
/// hundred bytes; anything near this is not one).
pub const MAX_ANSWER_FILE: u64 = 1024 * 1024;

/// Files looked at per folder and scan: a folder holding more is read in
/// slices (oldest first), never all into memory at once.
pub const MAX_SCAN: usize = 5_000;

/// One exchange root.
#[derive(Debug, Clone)]
pub struct Folders {
    pub dirs: ExchangeDirs,
    own: PathBuf,
}

/// A file found in a folder.
#[derive(Debug, Clone)]
pub struct Found {
    pub name: String,
    pub path: PathBuf,
    pub modified: SystemTime,
}

impl Folders {
    pub fn new(root: &Path) -> Folders {
        Folders {
            dirs: ExchangeDirs::new(root.to_path_buf()),
            own: root.join(OWN_DIR),
        }
    }

    pub fn root(&self) -> &Path {
        &self.dirs.root
    }

    /// Checks the client's folders are there (a share that is not mounted
    /// is the server being away, not a reason to create an empty tree the
    /// client never reads) and makes PortDesk's own.
    pub fn prepare(&self) -> io::Result<()> {
        for dir in [
            self.dirs.out_box(),
            self.dirs.sent_box(),
            self.dirs.fail_box(),
            self.dirs.in_box(),
        ] {
            if !dir.is_dir() {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("{} is not a folder", dir.display()),
                ));
            }
        }
        fs::create_dir_all(self.tmp_dir())?;
        for a in Archive::ALL {
            fs::create_dir_all(self.archive_dir(a))?;
        }
        Ok(())
    }

    pub fn tmp_dir(&self) -> PathBuf {
        self.own.join("tmp")
    }

    pub fn lock_path(&self) -> PathBuf {
        self.own.join("lock")
    }

    pub fn archive_dir(&self, a: Archive) -> PathBuf {
        self.own.join("archive").join(a.dir_name())
    }

    /// Writes `bytes` as `dir/name` atomically: a temporary file in our own
    /// area, flushed to disk, then renamed in, so the client never sees a
    /// partial message. Refuses to replace an existing file.
    pub fn write_atomically(&self, dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
        let tmp = self.tmp_dir().join(format!("{name}.tmp"));
        {
            let mut f = OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .open(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
        }
        move_no_clobber(&tmp, &dir.join(name))?;
        sync_dir(dir);
        Ok(())
    }

    /// Moves `from` into archive `a` as `name` (a numbered suffix when the
    /// name is taken: nothing in the archive is ever overwritten).
    pub fn archive(&self, from: &Path, a: Archive, name: &str) -> io::Result<PathBuf> {
        let dir = self.archive_dir(a);
        let mut target = dir.join(name);
        let mut n = 1;
        loop {
            match move_no_clobber(from, &target) {
                Ok(()) => {
                    sync_dir(&dir);
                    return Ok(target);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => {
                    target = dir.join(format!("{name}.{n}"));
                    n += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// `rename` that fails with `AlreadyExists` instead of replacing the target:
/// a hard link then removing the source name (a file system without hard
/// links falls back to checking first).
fn move_no_clobber(from: &Path, to: &Path) -> io::Result<()> {
    match fs::hard_link(from, to) {
        Ok(()) => fs::remove_file(from),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(_) => {
            if to.exists() {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} exists", to.display()),
                ));
            }
            fs::rename(from, to)
        }
    }
}

/// Makes a rename in `dir` durable; best effort (not every platform can
/// open a directory).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Whether `dir/name` exists as a file.
pub fn exists(dir: &Path, name: &str) -> io::Result<bool> {
    match fs::symlink_metadata(dir.join(name)) {
        Ok(m) => Ok(m.is_file()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// The modification time of `path`.
pub fn modified(path: &Path) -> io::Result<SystemTime> {
    fs::metadata(path)?.modified()
}

/// Sets `path`'s modification time to now: the stuck clock of a file
/// starts again when the clerk retries. Best effort: the client may be
/// moving the file this very moment.
pub fn touch(path: &Path) {
    if let Ok(f) = OpenOptions::new().append(true).open(path) {
        let _ = f.set_modified(SystemTime::now());
    }
}

/// The regular files of `dir` that are not hidden or temporary, oldest
/// first (then by name), at most [`MAX_SCAN`].
pub fn list(dir: &Path) -> io::Result<Vec<Found>> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if name.starts_with('.') || name.ends_with(".tmp") {
            continue;
        }
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        found.push(Found {
            path: entry.path(),
            modified: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            name,
        });
    }
    found.sort_by(|a, b| (a.modified, &a.name).cmp(&(b.modified, &b.name)));
    found.truncate(MAX_SCAN);
    Ok(found)
}

/// The names in `dir`, sorted; for the archive, whose names sort by counter.
pub fn names(dir: &Path) -> io::Result<Vec<String>> {
    let mut names: Vec<String> = fs::read_dir(dir)?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    Ok(names)
}

/// Reads a whole answer file, refusing one over [`MAX_ANSWER_FILE`].
pub fn read_bounded(path: &Path) -> io::Result<Vec<u8>> {
    let f = File::open(path)?;
    let mut bytes = Vec::new();
    f.take(MAX_ANSWER_FILE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_ANSWER_FILE {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{} is larger than {} bytes",
                path.display(),
                MAX_ANSWER_FILE
            ),
        ));
    }
    Ok(bytes)
}

/// How long ago `t` was (zero for a time in the future: a clock skewed
/// share must not make a file look old).
pub fn age(t: SystemTime) -> Duration {
    SystemTime::now().duration_since(t).unwrap_or_default()
}
