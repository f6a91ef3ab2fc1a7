//! `portdesk exchange`: an account's exchange-folder settings set, shown
//! and cleared; a folder that is not the client's exchange root refused
//! with the reason; a retry of an entry that has not failed refused.

use crate::common::{portdesk, text};

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
