//! Test harness shared by the sync tests: the real `mock-window` process
//! (through `portdesk-testkit`) and the fixtures.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use portdesk_domain::{client_seq_no_for, CodeLists, Declaration, Purpose, SaveInfo};
use portdesk_drafts::Drafts;
use portdesk_store::Store;
pub use portdesk_testkit::binary;
use portdesk_testkit::{MockOptions, MockProcess};
use uuid::Uuid;

/// The broker of the fixtures: declares for 2102930001, the consignor of
/// tests/fixtures/declaration-valid.json, which therefore files unchanged.
pub const BROKER: &str = "2102980567";
pub const OPERATOR: &str = "op01";
pub const PASSWORD: &str = "demo1234";

pub fn workspace() -> PathBuf {
    portdesk_testkit::workspace()
}

/// A running mock-window process; killed on drop.
pub struct Mock {
    pub base: String,
    process: MockProcess,
}

impl Mock {
    pub fn start(extra: &[&str]) -> Mock {
        Mock::start_on(0, extra)
    }

    /// Starts on a given port (0: any free one).
    pub fn start_on(port: u16, extra: &[&str]) -> Mock {
        let process = MockProcess::start_with(MockOptions::default().port(port).args(extra));
        Mock {
            base: process.base.clone(),
            process,
        }
    }

    /// Every write the mock received, before it did anything with it.
    pub fn requests(&self) -> Vec<portdesk_testkit::LoggedRequest> {
        self.process.requests()
    }

    /// The mock's data directory.
    pub fn dir(&self) -> &Path {
        self.process.dir()
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

/// `PRAGMA integrity_check` of a database file, opened read-only beside
/// whoever else has it open.
pub async fn integrity(db: &std::path::Path) -> String {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::ConnectOptions;
    let mut conn = SqliteConnectOptions::new()
        .filename(db)
        .read_only(true)
        .connect()
        .await
        .unwrap();
    let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    rows.join("; ")
}
