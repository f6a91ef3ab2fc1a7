//! Test and bench support shared by every crate: the one place that starts a
//! real `mock-window` process and reads its address, and the one place that
//! finds a workspace binary (`mock-window`, `portdesk`, `portdesk-app`).
//! [`fuzz`] is the runner and the hostile-input strategies of the property
//! and fuzz targets (`tests/fuzz/run.sh`).
//!
//! Binaries are never built from here: `cargo test --workspace` builds every
//! package's binaries before it runs a test, and `scripts/test.sh` builds
//! everything once, up front, with one feature set. A test that runs a nested
//! `cargo build` would recompile shared dependencies with another feature
//! set inside the timed run.

pub mod fuzz;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

use serde::Deserialize;

/// The header `/control` requests carry the mock's control token in.
pub const CONTROL_TOKEN_HEADER: &str = "X-Control-Token";

/// Control tokens of the mocks this process started, by base URL: a test
/// whose harness keeps its [`MockProcess`] private still reaches `/control`
/// with [`control_header_for`] and the base it knows.
static CONTROL_TOKENS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

fn remember_token(base: &str, token: &str) {
    let mut tokens = CONTROL_TOKENS.lock().unwrap_or_else(|p| p.into_inner());
    tokens.retain(|(b, _)| b != base);
    tokens.push((base.to_owned(), token.to_owned()));
}

/// The `/control` header (name, value) of the mock this process started at
/// `base` (`http://127.0.0.1:PORT`, as in [`MockProcess::base`]).
pub fn control_header_for(base: &str) -> (&'static str, String) {
    let base = base.trim_end_matches('/');
    let tokens = CONTROL_TOKENS.lock().unwrap_or_else(|p| p.into_inner());
    let token = tokens
        .iter()
        .rev()
        .find(|(b, _)| b == base)
        .map(|(_, t)| t.clone())
        .unwrap_or_else(|| panic!("no mock-window was started at {base} by this process"));
    (CONTROL_TOKEN_HEADER, token)
}

/// One line of the mock's request log (`--request-log`): a /v1 write as
/// received, before the server did anything with it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub idempotency_key: Option<String>,
    pub client_seq_no: Option<String>,
}

/// The path of a workspace binary built in the same profile as the running
/// test or bench: the directory of the running executable (`target/<profile>/deps`)
/// is one below the binaries. `PORTDESK_BIN_DIR` overrides the directory.
pub fn binary(name: &str) -> PathBuf {
    let dir = match std::env::var_os("PORTDESK_BIN_DIR") {
        Some(d) => PathBuf::from(d),
        None => {
            let exe = std::env::current_exe().expect("path of the running test");
            let mut dir = exe.parent().expect("test binary's folder").to_path_buf();
            if dir.ends_with("deps") {
                dir.pop();
            }
            dir
        }
    };
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is missing: run the tests with `cargo test --workspace` (it builds every \
         package's binaries first) or build it with `cargo build --workspace --bins`",
        path.display()
    );
    path
}

/// The workspace root (for fixtures under `tests/fixtures`).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// How to start the mock: extra flags, port, log level and where its log goes.
#[derive(Debug, Clone)]
pub struct MockOptions {
    /// Flags after `--port` and `--db` (e.g. `--review-pace-ms 20`).
    pub args: Vec<String>,
    /// 0: any free port.
    pub port: u16,
    /// `RUST_LOG` of the mock.
    pub rust_log: String,
    /// Its stderr; `None`: `mw.log` in its data dir.
    pub log: Option<PathBuf>,
    /// The binary; `None`: [`binary`]`("mock-window")`.
    pub binary: Option<PathBuf>,
}

impl Default for MockOptions {
    fn default() -> Self {
        MockOptions {
            args: Vec::new(),
            port: 0,
            rust_log: "warn".to_owned(),
            log: None,
            binary: None,
        }
    }
}

impl MockOptions {
    pub fn args(mut self, args: &[&str]) -> Self {
        self.args = args.iter().map(|s| s.to_string()).collect();
        self
    }
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }
    pub fn rust_log(mut self, level: &str) -> Self {
        self.rust_log = level.to_owned();
        self
    }
    pub fn log(mut self, path: impl Into<PathBuf>) -> Self {
        self.log = Some(path.into());
        self
    }
    pub fn binary(mut self, path: impl Into<PathBuf>) -> Self {
        self.binary = Some(path.into());
        self
    }
}

/// A running `mock-window` process with its own SQLite file and request log
/// (`--request-log`, see [`MockProcess::requests`]) in a temporary
/// directory; killed (SIGKILL) on drop.
pub struct MockProcess {
    /// `http://127.0.0.1:PORT`, as the mock printed it.
    pub base: String,
    /// What `/control` requests carry in [`CONTROL_TOKEN_HEADER`], as the
    /// mock printed it (a new one after each restart).
    pub control_token: String,
    child: Child,
    dir: tempfile::TempDir,
    options: MockOptions,
    starts: u32,
}

impl MockProcess {
    /// Starts the mock with these flags and the defaults otherwise.
    pub fn start(args: &[&str]) -> MockProcess {
        MockProcess::start_with(MockOptions::default().args(args))
    }

    pub fn start_with(options: MockOptions) -> MockProcess {
        let dir = tempfile::tempdir().expect("mock data dir");
        let (child, base, control_token) = spawn(dir.path(), &options, 0);
        MockProcess {
            base,
            control_token,
            child,
            dir,
            options,
            starts: 1,
        }
    }

    /// Kills the process (no graceful shutdown) and starts it again on the
    /// same database, with `args` instead of the original flags. Its log
    /// goes to a new file (`mw2.log`, …) so the first one stays readable.
    pub fn restart_with(&mut self, args: &[&str]) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.options.args = args.iter().map(|s| s.to_string()).collect();
        let (child, base, control_token) = spawn(self.dir.path(), &self.options, self.starts);
        self.starts += 1;
        self.child = child;
        self.base = base;
        self.control_token = control_token;
    }

    /// The header (name, value) a `/control` request needs:
    /// `req.header(h.0, h.1)` with `let h = mock.control_header();`.
    pub fn control_header(&self) -> (&'static str, String) {
        (CONTROL_TOKEN_HEADER, self.control_token.clone())
    }

    /// The mock's request log (`requests.jsonl` in its data dir, kept across
    /// restarts): every /v1 write it received, in order. A torn last line
    /// (the process killed mid-write) is skipped.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        let path = self.dir.path().join(REQUEST_LOG);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("request log {}: {e}", path.display()));
        let mut out = Vec::new();
        let mut lines = text.split_inclusive('\n').peekable();
        while let Some(line) = lines.next() {
            let last = lines.peek().is_none();
            match serde_json::from_str::<LoggedRequest>(line.trim_end()) {
                Ok(r) => out.push(r),
                Err(_) if last && !line.ends_with('\n') => {}
                Err(e) => panic!("request log {}: bad line {line:?}: {e}", path.display()),
            }
        }
        out
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The mock's data directory (its database is `mw.db` there).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The process id (to read `/proc/PID/status` in a bench note, say).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.base
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port in the mock's address")
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The request log's file name in the data dir.
const REQUEST_LOG: &str = "requests.jsonl";

fn spawn(dir: &Path, options: &MockOptions, restarts: u32) -> (Child, String, String) {
    let bin = options
        .binary
        .clone()
        .unwrap_or_else(|| binary("mock-window"));
    let log = match &options.log {
        Some(path) => path.clone(),
        None if restarts == 0 => dir.join("mw.log"),
        None => dir.join(format!("mw{}.log", restarts + 1)),
    };
    let stderr = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
        .unwrap_or_else(|e| panic!("mock log {}: {e}", log.display()));
    let mut child = Command::new(&bin)
        .arg("--port")
        .arg(options.port.to_string())
        .arg("--db")
        .arg(dir.join("mw.db"))
        .arg("--request-log")
        .arg(dir.join(REQUEST_LOG))
        .args(&options.args)
        .env("RUST_LOG", &options.rust_log)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap_or_else(|e| panic!("start {}: {e}", bin.display()));
    let mut stdout = BufReader::new(child.stdout.take().expect("mock stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("the mock's first line");
    let base = match line.trim().strip_prefix("listening on ") {
        Some(base) => base.to_owned(),
        None => {
            let _ = child.kill();
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            panic!("mock-window did not start: first line {line:?}\n{log}");
        }
    };
    let mut line = String::new();
    stdout.read_line(&mut line).expect("the mock's second line");
    let token = match line.trim().strip_prefix("control token: ") {
        Some(token) => token.to_owned(),
        None => {
            let _ = child.kill();
            panic!("mock-window's second line is not its control token: {line:?}");
        }
    };
    remember_token(&base, &token);
    (child, base, token)
}
