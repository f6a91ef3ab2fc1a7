//! `portdesk exchange`: an account's exchange-folder settings set, shown
//! and cleared; a folder that is not the client's exchange root refused
//! with the reason; a retry of an entry that has not failed refused; an
//! account with no server set up by `exchange set` alone and synced
//! through the folders of the real mock.

use portdesk_testkit::MockProcess;

use crate::common::{fixture, portdesk, text};

const ACCOUNT: [&str; 6] = [
    "--server",
    "http://127.0.0.1:9",
    "--customs-code",
    "2102980567",
    "--operator",
    "op01",
];

fn with_account<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut v = args.to_vec();
    v.extend_from_slice(&ACCOUNT);
    v
}

#[test]
fn settings_are_set_shown_and_cleared_and_a_wrong_root_is_refused() {
    let data = tempfile::tempdir().unwrap();
    let root = tempfile::tempdir().unwrap();
    let root_s = root.path().to_str().unwrap();

    // Not the client's exchange root yet: refused, nothing stored.
    let out = portdesk(data.path(), &with_account(&["exchange", "set", root_s]));
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("Dec/OutBox"), "{}", text(&out));
    let out = portdesk(data.path(), &with_account(&["exchange", "show"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(out.stdout.is_empty(), "{}", text(&out));

    for d in ["OutBox", "SentBox", "FailBox", "InBox"] {
        std::fs::create_dir_all(root.path().join("Dec").join(d)).unwrap();
    }
    let declarant = data.path().join("declarant.json");
    std::fs::write(
        &declarant,
        r#"{"inputer_name":"张三","typist_no":"8930000012345"}"#,
    )
    .unwrap();
    let out = portdesk(
        data.path(),
        &with_account(&[
            "exchange",
            "set",
            root_s,
            "--declarant",
            declarant.to_str().unwrap(),
            "--stuck-after-secs",
            "120",
        ]),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = portdesk(data.path(), &with_account(&["exchange", "show"]));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).expect("settings JSON");
    assert_eq!(
        shown["root"],
        std::fs::canonicalize(root.path())
            .unwrap()
            .to_str()
            .unwrap()
    );
    assert_eq!(shown["declarant"]["inputer_name"], "张三");
    assert_eq!(shown["stuck_after_secs"], 120);

    let out = portdesk(data.path(), &with_account(&["exchange", "clear"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = portdesk(data.path(), &with_account(&["exchange", "show"]));
    assert!(out.stdout.is_empty(), "{}", text(&out));

    let out = portdesk(data.path(), &["exchange", "retry", "1"]);
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("not failed"), "{}", text(&out));
}

#[test]
fn an_account_with_no_server_is_set_up_by_exchange_set_and_files_through_the_folders() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    let exchange = tempfile::tempdir().unwrap();
    let root = exchange.path().join("root");
    let root_s = root.to_str().unwrap();
    let mock = MockProcess::start(&[
        "--exchange-dir",
        root_s,
        "--exchange-poll-ms",
        "20",
        "--review-pace-ms",
        "20",
    ]);
    let account = ["--customs-code", "2102980567", "--operator", "op01"];

    let mut set = vec!["exchange", "set", root_s, "--poll-ms", "50"];
    set.extend_from_slice(&account);
    let out = portdesk(dir, &set);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("|2102980567|op01"), "{}", text(&out));
    // Remembered: `show` needs no account flags.
    let out = portdesk(dir, &["exchange", "show"]);
    assert!(out.status.success(), "{}", text(&out));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).expect("settings JSON");
    assert_eq!(shown["poll_ms"], 50);

    let valid = fixture("declaration-valid.json");
    let out = portdesk(dir, &["file", valid.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    // The OS keyring, not memory: nothing here may need it (no password
    // is given either).
    let out = portdesk(
        dir,
        &[
            "sync",
            "--until-idle",
            "--timeout-secs",
            "60",
            "--credentials",
            "keyring",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("outbox\tdone 1\tfailed 0\tpending 0"),
        "{}",
        text(&out)
    );
    assert!(stdout.contains("awaiting receipts\t0"), "{}", text(&out));
    assert!(!stdout.contains("issuer keys"), "{}", text(&out));
    // The mock took one file and saw no HTTP request: no login.
    let requests = mock.requests();
    assert_eq!(requests.len(), 1, "{:?}", requests.len());
    assert_eq!(requests[0].method, "EXCHANGE");

    // Without a server there is no HTTP to go back to.
    let out = portdesk(dir, &["exchange", "clear"]);
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("no_server"), "{}", text(&out));
    let out = portdesk(dir, &["logout", "--credentials", "keyring"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("logged out\t|2102980567|op01"),
        "{}",
        text(&out)
    );
}
