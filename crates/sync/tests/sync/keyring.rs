//! The credentials against a REAL Secret Service (gnome-keyring), through
//! the CLI as a user runs it: `portdesk login` stores the password and token
//! in the keyring, a second process (`portdesk sync`, no password given)
//! reads them back and syncs, `portdesk logout` deletes them.
//!
//! Runs only when `PORTDESK_KEYRING_TEST=1`, which `tests/sync/keyring.sh`
//! sets after starting a D-Bus session and an unlocked gnome-keyring; with
//! the variable set, an unreachable keyring FAILS the test. Without it the
//! test returns at once (a plain `cargo test` has no Secret Service).

use std::io::Write;
use std::process::{Command, Stdio};

use portdesk_sync::{Account, CredentialStore, KeyringStore, SecretKind};

use crate::common::*;

fn portdesk(data: &std::path::Path, args: &[&str]) -> Command {
    let mut c = Command::new(binary("portdesk"));
    c.arg("--data-dir").arg(data).args(args);
    c.env_remove("PORTDESK_PASSWORD")
        .env_remove("PORTDESK_CREDENTIALS")
        .env("RUST_LOG", "warn");
    c
}

fn run(mut c: Command) -> String {
    let out = c.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{c:?}\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

#[test]
fn keyring_round_trip_across_processes() {
    if std::env::var("PORTDESK_KEYRING_TEST").as_deref() != Ok("1") {
        eprintln!("skipped: set PORTDESK_KEYRING_TEST=1 (tests/sync/keyring.sh does, with a Secret Service)");
        return;
    }
    let mock = Mock::start(&["--review-pace-ms", "20"]);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let account = Account::new(&mock.base, BROKER, OPERATOR);
    let keyring = KeyringStore;
    // Reachable at all? With the variable set, an error here fails the test.
    keyring
        .get(&account, SecretKind::Password)
        .expect("the Secret Service must be reachable (keyring_unavailable)");

    // 1. login: password from stdin into the keyring.
    let mut login = portdesk(
        &data,
        &[
            "login",
            "--server",
            &mock.base,
            "--customs-code",
            BROKER,
            "--operator",
            OPERATOR,
            "--password-stdin",
        ],
    );
    login.stdin(Stdio::piped()).stdout(Stdio::piped());
    let mut child = login.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(PASSWORD.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "login failed");
    assert_eq!(
        keyring
            .get(&account, SecretKind::Password)
            .unwrap()
            .expect("password stored")
            .expose(),
        PASSWORD
    );
    assert!(keyring.get(&account, SecretKind::Token).unwrap().is_some());

    // 2. Another process, no password given: reads the keyring and syncs.
    let decl = dir.path().join("d.json");
    let mut d = fixture();
    d.client_seq_no = portdesk_domain::client_seq_no_for(uuid::Uuid::now_v7());
    std::fs::write(&decl, serde_json::to_string(&d).unwrap()).unwrap();
    run(portdesk(&data, &["file", decl.to_str().unwrap()]));
    // A stale token forces a login with the stored password too.
    keyring
        .set(
            &account,
            SecretKind::Token,
            &portdesk_sync::Secret::new("mwa_stale"),
        )
        .unwrap();
    let summary = run(portdesk(
        &data,
        &["sync", "--until-idle", "--timeout-secs", "60"],
    ));
    assert!(summary.contains("done 1\tfailed 0\tpending 0"), "{summary}");
    let token = keyring.get(&account, SecretKind::Token).unwrap().unwrap();
    assert_ne!(token.expose(), "mwa_stale", "the new token was not kept");

    // 3. logout deletes both secrets.
    run(portdesk(&data, &["logout"]));
    assert!(keyring
        .get(&account, SecretKind::Password)
        .unwrap()
        .is_none());
    assert!(keyring.get(&account, SecretKind::Token).unwrap().is_none());
}
