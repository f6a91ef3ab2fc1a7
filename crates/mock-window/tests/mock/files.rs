//! The mock's files are its owner's only: the database holds the sealing
//! key and token digests, the request log what clients sent.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::*;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test]
async fn the_database_and_request_log_are_owner_only() {
    let m = Mock::start(&[]).await;
    // A write, so the WAL has something in it.
    let token = m.token(BROKER).await;
    let r = m
        .post(
            &token,
            "/v1/declarations",
            "perm-1",
            &submission(export_declaration("PDPERM000000000001")),
        )
        .await;
    assert_eq!(r.status(), 201);
    let dir = m.process().dir();
    assert_eq!(mode(&dir.join("mw.db")), 0o600);
    for name in ["mw.db-wal", "mw.db-shm", "requests.jsonl"] {
        let p = dir.join(name);
        if p.exists() || name == "requests.jsonl" {
            assert_eq!(mode(&p), 0o600, "{name}");
        }
    }
}

#[test]
fn a_data_directory_the_mock_creates_is_owner_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("state").join("mock");
    let db = dir.join("mw.db");
    // A database made earlier with open permissions is tightened too.
    let mut child = Command::new(portdesk_testkit::binary("mock-window"))
        .args(["--port", "0", "--db"])
        .arg(&db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.starts_with("listening on"), "{line:?}");
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&db), 0o600);

    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut child = Command::new(portdesk_testkit::binary("mock-window"))
        .args(["--port", "0", "--db"])
        .arg(&db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(mode(&db), 0o600, "an existing database is tightened");
}
