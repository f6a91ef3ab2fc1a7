//! `portdesk template save|list|new|diff|rename|delete`, `portdesk defaults
//! set|clear|show|self-filing` and `portdesk new` on a real database: a
//! template from an imported declaration, a new draft from it printed as
//! `import` prints one, its differences after an edit, and the clerk's
//! defaults in a new declaration; bad input refused naming the field.

use crate::common::{fixture, portdesk, text};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The new draft's client sequence no. from a `TARGET ok SEQ …` line.
fn new_seq(out: &std::process::Output) -> String {
    let s = stdout(out);
    let cols: Vec<&str> = s.trim_end().split('\t').collect();
    assert_eq!(cols.len(), 6, "{}", text(out));
    assert_eq!(cols[1], "ok", "{}", text(out));
    assert_eq!(cols[4], "r1", "{}", text(out));
    cols[2].to_owned()
}

#[test]
fn save_list_new_and_diff() {
    let data = tempfile::tempdir().unwrap();
    let valid = fixture("declaration-valid.json");
    let out = portdesk(data.path(), &["import", valid.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let out = portdesk(
        data.path(),
        &[
            "template",
            "save",
            "月度出口",
            "--from",
            "PD06H1RX30KSSW337D",
            "--note",
            "每月",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).starts_with("saved\t"), "{}", text(&out));
    // The same name again is refused, naming the code.
    let out = portdesk(
        data.path(),
        &[
            "template",
            "save",
            "月度出口",
            "--from",
            "PD06H1RX30KSSW337D",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        stdout(&out).starts_with("refused\ttemplate_name_taken"),
        "{}",
        text(&out)
    );

    let out = portdesk(data.path(), &["template", "list"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let list = stdout(&out);
    assert_eq!(list.lines().count(), 1, "{list}");
    let cols: Vec<&str> = list.trim_end().split('\t').collect();
    assert_eq!(&cols[1..], ["E", "r1", "月度出口", "每月"], "{list}");
    let template_id = cols[0].to_owned();

    // By name and by id.
    let out = portdesk(data.path(), &["template", "new", "月度出口"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let seq = new_seq(&out);
    assert_ne!(seq, "PD06H1RX30KSSW337D");
    let out = portdesk(data.path(), &["template", "new", &template_id]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).starts_with(&format!("{template_id}\tok\t")));

    let out = portdesk(data.path(), &["template", "diff", &seq]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(stdout(&out), "", "no differences yet: {}", text(&out));

    // Change two fields through an export → edit → import round trip.
    let out = portdesk(data.path(), &["export"]);
    let bundle: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut decl = bundle["declarations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["client_seq_no"] == seq.as_str())
        .unwrap()
        .clone();
    decl["head"]["bill_no"] = "DLCN2026120001".into();
    decl["lines"][0]["quantity"] = "999".into();
    let file = data.path().join("edited.json");
    std::fs::write(&file, serde_json::to_vec(&decl).unwrap()).unwrap();
    let out = portdesk(data.path(), &["import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let out = portdesk(data.path(), &["template", "diff", &seq]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let rows: Vec<Vec<String>> = stdout(&out)
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 2, "{}", text(&out));
    assert_eq!(rows[0][0], "head.bill_no");
    assert_eq!(rows[0][1], "changed");
    assert_eq!(rows[0][2], "提运单号 / bill of lading no.");
    assert_eq!(rows[0][4], "DLCN2026120001");
    assert_eq!(rows[1][0], "lines[0].quantity");
    assert_eq!(rows[1][4], "999");

    // A draft not made from a template: exit 1, said on stderr.
    let out = portdesk(data.path(), &["template", "diff", "PD06H1RX30KSSW337D"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));

    let out = portdesk(data.path(), &["template", "rename", "月度出口", "季度出口"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = portdesk(data.path(), &["template", "delete", "季度出口"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = portdesk(data.path(), &["template", "list"]);
    assert_eq!(stdout(&out), "", "{}", text(&out));
    let out = portdesk(data.path(), &["template", "new", "季度出口"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("季度出口"),
        "{}",
        text(&out)
    );
}

#[test]
fn defaults_fill_a_new_declaration() {
    let data = tempfile::tempdir().unwrap();
    for (field, value) in [("head.declaring_customs", "0900"), ("lines.unit", "007")] {
        let out = portdesk(data.path(), &["defaults", "set", field, value]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
    let out = portdesk(
        data.path(),
        &["defaults", "set", "head.declaring_customs", "09000"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let refused = stdout(&out);
    assert!(
        refused.starts_with("refused\tinvalid_input\thead.declaring_customs\t"),
        "{refused}"
    );
    assert!(refused.contains("申报地海关"), "{refused}");
    let out = portdesk(data.path(), &["defaults", "set", "head.no_such_field", "x"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));

    let out = portdesk(data.path(), &["defaults", "self-filing", "on"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = portdesk(data.path(), &["defaults", "show"]);
    assert_eq!(
        stdout(&out),
        "self-filing\ton\nenterprise\t-\nhead.declaring_customs\t0900\nlines.unit\t007\n",
        "{}",
        text(&out)
    );
    let out = portdesk(data.path(), &["defaults", "clear", "lines.unit"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!stdout(&out).contains("lines.unit"), "{}", text(&out));

    let out = portdesk(data.path(), &["new", "--ie", "i"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let seq = new_seq(&out);
    let out = portdesk(data.path(), &["export"]);
    let bundle: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &bundle["declarations"][0];
    assert_eq!(d["client_seq_no"], seq.as_str());
    assert_eq!(d["head"]["ie_flag"], "I");
    assert_eq!(d["head"]["declaring_customs"], "0900");
}
