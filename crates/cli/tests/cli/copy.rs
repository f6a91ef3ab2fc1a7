//! `portdesk copy ID|CLIENT_SEQ_NO` on a real database: the new draft is
//! printed as `import` prints one and exported with the goods of the
//! original and without its edocs; an unknown draft exits 2 naming it.

use crate::common::{fixture, portdesk, text};

#[test]
fn copy_prints_the_new_draft_and_keeps_the_goods() {
    let data = tempfile::tempdir().unwrap();
    let valid = fixture("declaration-valid.json");
    let out = portdesk(data.path(), &["import", valid.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let out = portdesk(data.path(), &["copy", "PD06H1RX30KSSW337D"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let cols: Vec<&str> = stdout.trim_end().split('\t').collect();
    assert_eq!(cols.len(), 6, "{}", text(&out));
    assert_eq!(cols[0], "PD06H1RX30KSSW337D");
    assert_eq!(cols[1], "ok");
    let new_seq = cols[2];
    assert_ne!(new_seq, "PD06H1RX30KSSW337D");
    assert_eq!(new_seq.len(), 18);
    assert!(["ready", "draft"].contains(&cols[3]), "{}", text(&out));
    assert_eq!(cols[4], "r1");

    // By id too: the id is on stderr.
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let id = stderr
        .split("(id ")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .unwrap_or_else(|| panic!("{}", text(&out)));
    let again = portdesk(data.path(), &["copy", id]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(String::from_utf8_lossy(&again.stdout).starts_with(&format!("{id}\tok\t")));

    // Three drafts now; the copy has the goods and no edocs.
    let out = portdesk(data.path(), &["export"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let bundle: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let all = bundle["declarations"]
        .as_array()
        .unwrap_or_else(|| panic!("{bundle}"));
    assert_eq!(all.len(), 3);
    let by_seq = |s: &str| all.iter().find(|d| d["client_seq_no"] == s).unwrap();
    let (orig, copy) = (by_seq("PD06H1RX30KSSW337D"), by_seq(new_seq));
    assert_eq!(copy["lines"], orig["lines"]);
    assert_eq!(copy["containers"], orig["containers"]);
    assert_eq!(orig["edocs"].as_array().unwrap().len(), 1);
    assert_eq!(copy["edocs"], serde_json::json!([]));
    assert_eq!(copy["head"]["ie_date"], "");
}

#[test]
fn copy_of_an_unknown_draft_exits_2_naming_it() {
    let data = tempfile::tempdir().unwrap();
    let out = portdesk(data.path(), &["copy", "PDNOSUCHDRAFT00000"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("PDNOSUCHDRAFT00000"),
        "{}",
        text(&out)
    );
    assert!(out.stdout.is_empty());
}
