//! The seeder as benches/app-probe.sh runs it: a real process on a real
//! data directory, read back through the store.

use std::process::Command;

use portdesk_domain::DraftQuery;
use portdesk_store::Store;

const SEEDER: &str = env!("CARGO_BIN_EXE_seed-drafts");

fn fixture() -> std::path::PathBuf {
    portdesk_testkit::workspace().join("tests/fixtures/declarations/fifty-lines.json")
}

#[tokio::test]
async fn seeds_the_drafts_and_the_named_declaration_and_prints_its_seq_no() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(SEEDER)
        .arg(dir.path())
        .arg("25")
        .arg("--with")
        .arg(fixture())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seq_no = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert_eq!(seq_no, "PD06H1RX30KSSW350L");

    let store = Store::open(&dir.path().join("portdesk.db")).await.unwrap();
    let page = store.list_drafts(&DraftQuery::default()).await.unwrap();
    assert_eq!(page.total, 26);
    let id = store.find_by_client_seq_no(&seq_no).await.unwrap().unwrap();
    let (_, declaration) = store.get_declaration(id).await.unwrap();
    assert_eq!(declaration.lines.len(), 50);
}

#[test]
fn bad_arguments_are_refused_with_the_usage() {
    let dir = tempfile::tempdir().unwrap();
    for args in [vec![], vec!["ten"], vec!["5", "--frobnicate"]] {
        let out = Command::new(SEEDER)
            .arg(dir.path())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("seed-drafts:"), "{args:?}: {err}");
    }
    // Nothing was written for a refused command.
    assert!(!dir.path().join("portdesk.db").exists());
}
