//! Test harness shared by the sync tests: builds and starts the real
//! `mock-window` binary (and the `portdesk` CLI for the crash test).
//!
//! `CARGO_BIN_EXE_*` only exists for a crate's own binaries, so the binaries
//! are found as `<target dir>/debug/<name>`, where the target dir is
//! `$CARGO_TARGET_DIR` or `<workspace>/target`; each test first runs
//! `cargo build -p <package>` (a no-op when fresh; it waits on the shared
//! target dir's lock like any build).

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Once};

use portdesk_domain::{client_seq_no_for, CodeLists, Declaration, Purpose, SaveInfo};
use portdesk_drafts::Drafts;
use portdesk_store::Store;
use uuid::Uuid;

/// The broker of the fixtures: declares for 2102930001, the consignor of
/// tests/fixtures/declaration-valid.json, which therefore files unchanged.
pub const BROKER: &str = "2102980567";
pub const OPERATOR: &str = "op01";
pub const PASSWORD: &str = "demo1234";

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"))
}

/// Builds the packages once per test process and returns the binary path.
pub fn binary(package: &str, name: &str) -> PathBuf {
    static BUILD: Once = Once::new();
    BUILD.call_once(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let status = Command::new(cargo)
            .args(["build", "-p", "portdesk-mock-window", "-p", "portdesk-cli"])
            .current_dir(workspace())
            .status()
            .expect("run cargo build");
        assert!(status.success(), "cargo build failed");
    });
    let _ = package;
    let path = target_dir().join("debug").join(name);
    assert!(path.exists(), "{} missing after build", path.display());
    path
}

/// A running mock-window process; killed on drop.
pub struct Mock {
    pub base: String,
    child: Child,
    pub dir: tempfile::TempDir,
}

impl Mock {
    pub fn start(extra: &[&str]) -> Mock {
        Mock::start_on(0, extra)
    }

    /// Starts on a given port (0: any free one).
    pub fn start_on(port: u16, extra: &[&str]) -> Mock {
        let dir = tempfile::tempdir().unwrap();
        let mut args: Vec<String> = vec![
            "--port".into(),
            port.to_string(),
            "--db".into(),
            dir.path().join("mw.db").display().to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let mut child = Command::new(binary("portdesk-mock-window", "mock-window"))
            .args(&args)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(dir.path().join("mw.log")).unwrap())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Mock { base, child, dir }
    }

    /// A token of the broker, for checks from the test side.
    pub async fn token(&self, http: &reqwest::Client) -> String {
        let v: serde_json::Value = http
            .post(format!("{}/v1/auth/login", self.base))
            .json(&serde_json::json!({"customs_code": BROKER, "operator": OPERATOR, "password": PASSWORD}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["token"].as_str().unwrap().to_owned()
    }

    /// How many filings the server holds for this client document id.
    pub async fn filings_of(
        &self,
        http: &reqwest::Client,
        token: &str,
        csn: &str,
    ) -> Vec<serde_json::Value> {
        let r = http
            .get(format!("{}/v1/declarations?client_seq_no={csn}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{csn}");
        let v: serde_json::Value = r.json().await.unwrap();
        v["items"].as_array().unwrap().clone()
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The valid export fixture.
pub fn fixture() -> Declaration {
    let text =
        std::fs::read_to_string(workspace().join("tests/fixtures/declaration-valid.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Creates `n` ready drafts (copies of the fixture with their own client
/// sequence numbers) in one transaction and files them in another.
pub async fn create_and_file(drafts: &Drafts, n: usize) -> Vec<String> {
    let base = fixture();
    let mut batch = Vec::with_capacity(n);
    let mut csns = Vec::with_capacity(n);
    for _ in 0..n {
        let id = Uuid::now_v7();
        let decl = Declaration {
            client_seq_no: client_seq_no_for(id),
            ..base.clone()
        };
        let problems = drafts.validate(&decl, Purpose::Declare);
        let info = SaveInfo::from_problems(&problems, "import");
        assert_eq!(info.error_count, 0, "{problems:?}");
        csns.push(decl.client_seq_no.clone());
        batch.push((id, decl, info));
    }
    let metas = drafts.store().create_declarations(&batch).await.unwrap();
    let ids: Vec<Uuid> = metas.iter().map(|m| m.id).collect();
    drafts.file(&ids).await.unwrap();
    csns
}

pub async fn open_drafts(dir: &Path) -> Drafts {
    let store = Store::open(&dir.join("portdesk.db")).await.unwrap();
    Drafts::new(store, Arc::new(CodeLists::bundled()))
}
