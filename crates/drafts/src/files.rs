//! Reading a file whole, up to its limit (`portdesk_domain::limits::FileLimit`):
//! the one way the desktop shell, the CLI and this crate read a file the
//! user names (an import, a seal image, a JSON document, a code-list update).
//!
//! A file whose size is over the limit is refused before a byte is read; and
//! since a size can lie (a pipe has none, a file can grow while it is read),
//! reading stops one byte past the limit too. Either way the error names the
//! file and the limit, and the caller has nothing to save.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use portdesk_domain::limits::FileLimit;

/// Why a file named by the user was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// zh: {path}：{what_zh}过大，最多读取 {limit} 字节.
    #[error("{path}: {what} too large ({}); at most {} is read", size_text(.size), limit_text(.limit))]
    TooLarge {
        path: String,
        what: &'static str,
        limit: u64,
        /// The size the file system reported, if it reported one over the
        /// limit; `None` when reading found the file longer than it said.
        size: Option<u64>,
    },
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("{path}: not UTF-8 text ({message})")]
    NotText { path: String, message: String },
}

fn size_text(size: &Option<u64>) -> String {
    match *size {
        Some(n) => format!("{n} bytes"),
        None => "more than it said: it grew while read, or is a pipe".to_owned(),
    }
}

/// `32 MiB (33554432 bytes)`, or `4096 bytes` below a MiB.
fn limit_text(limit: &u64) -> String {
    let limit = *limit;
    const MIB: u64 = 1024 * 1024;
    if limit >= MIB && limit.is_multiple_of(MIB) {
        format!("{} MiB ({limit} bytes)", limit / MIB)
    } else {
        format!("{limit} bytes")
    }
}

impl ReadError {
    /// The file concerned.
    pub fn path(&self) -> &str {
        match self {
            ReadError::TooLarge { path, .. }
            | ReadError::Io { path, .. }
            | ReadError::NotText { path, .. } => path,
        }
    }

    /// The message without the path (for errors that carry it apart).
    pub fn reason(&self) -> String {
        let full = self.to_string();
        let prefix = format!("{}: ", self.path());
        full.strip_prefix(&prefix).unwrap_or(&full).to_owned()
    }
}

/// Reads `source` (named `name` in errors) to its end, refusing it beyond
/// `limit`: at most `limit.max_bytes + 1` bytes are ever read.
pub fn read_bounded(
    source: impl Read,
    name: &str,
    limit: &FileLimit,
) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    source
        .take(limit.max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Io {
            path: name.to_owned(),
            message: e.to_string(),
        })?;
    if bytes.len() as u64 > limit.max_bytes {
        return Err(ReadError::TooLarge {
            path: name.to_owned(),
            what: limit.what_en,
            limit: limit.max_bytes,
            size: None,
        });
    }
    Ok(bytes)
}

/// The bytes of the file at `path`, refused beyond `limit`.
pub fn read_limited(path: &Path, limit: &FileLimit) -> Result<Vec<u8>, ReadError> {
    let name = path.display().to_string();
    let io = |e: std::io::Error| ReadError::Io {
        path: name.clone(),
        message: e.to_string(),
    };
    let file = File::open(path).map_err(io)?;
    // The size of the file opened, not of whatever the path names later.
    let size = file.metadata().map_err(io)?.len();
    if size > limit.max_bytes {
        return Err(ReadError::TooLarge {
            path: name,
            what: limit.what_en,
            limit: limit.max_bytes,
            size: Some(size),
        });
    }
    read_bounded(file, &name, limit)
}

/// The UTF-8 text of the file at `path`, refused beyond `limit`.
pub fn read_text_limited(path: &Path, limit: &FileLimit) -> Result<String, ReadError> {
    let bytes = read_limited(path, limit)?;
    String::from_utf8(bytes).map_err(|e| ReadError::NotText {
        path: path.display().to_string(),
        message: e.utf8_error().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: FileLimit = FileLimit {
        what_en: "test file",
        what_zh: "测试文件",
        max_bytes: 8,
    };

    #[test]
    fn a_file_at_the_limit_is_read_and_one_byte_more_is_refused_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let at = dir.path().join("at.txt");
        std::fs::write(&at, "12345678").unwrap();
        assert_eq!(read_text_limited(&at, &TINY).unwrap(), "12345678");

        let over = dir.path().join("over.txt");
        std::fs::write(&over, "123456789").unwrap();
        let e = read_limited(&over, &TINY).unwrap_err();
        assert!(
            matches!(
                e,
                ReadError::TooLarge {
                    size: Some(9),
                    limit: 8,
                    ..
                }
            ),
            "{e:?}"
        );
        let text = e.to_string();
        assert!(text.contains("over.txt"), "{text}");
        assert!(
            text.ends_with("over.txt: test file too large (9 bytes); at most 8 bytes is read"),
            "{text}"
        );
        assert_eq!(limit_text(&(32 * 1024 * 1024)), "32 MiB (33554432 bytes)");
    }

    #[test]
    fn a_source_longer_than_it_says_stops_one_byte_past_the_limit() {
        // An endless reader stands for a pipe or a file that keeps growing:
        // the read must end anyway.
        let endless = std::io::repeat(b'x');
        let e = read_bounded(endless, "/dev/fifo", &TINY).unwrap_err();
        assert!(
            matches!(&e, ReadError::TooLarge { size: None, path, .. } if path == "/dev/fifo"),
            "{e:?}"
        );
        assert!(e.to_string().contains("grew while read"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_read_only_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.json");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                use std::io::Write;
                let mut f = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
                // More than the limit; the reader hangs up after 9 bytes and
                // the writer sees a broken pipe, which is fine.
                let _ = f.write_all(&[b'x'; 4096]);
            })
        };
        let e = read_limited(&fifo, &TINY).unwrap_err();
        assert!(matches!(e, ReadError::TooLarge { size: None, .. }), "{e:?}");
        drop(e);
        writer.join().unwrap();
    }

    #[test]
    fn missing_and_non_utf8_files_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.json");
        let e = read_limited(&missing, &TINY).unwrap_err();
        assert!(matches!(e, ReadError::Io { .. }));
        assert!(e.to_string().contains("missing.json"), "{e}");
        let latin = dir.path().join("latin1.txt");
        std::fs::write(&latin, b"caf\xe9").unwrap();
        let e = read_text_limited(&latin, &TINY).unwrap_err();
        assert!(
            e.to_string().starts_with(&latin.display().to_string()),
            "{e}"
        );
        assert!(e.reason().starts_with("not UTF-8"), "{}", e.reason());
    }
}
