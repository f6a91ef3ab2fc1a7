//! `portdesk goods list|search|show|import|export` on a real database: a
//! CSV imported, searched by part number and name, exported and imported
//! into another data dir unchanged; a file with a bad row saves nothing.

use crate::common::{portdesk, text};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn import_search_export_and_a_bad_file_saves_nothing() {
    let data = tempfile::tempdir().unwrap();
    let csv = data.path().join("goods.csv");
    std::fs::write(
        &csv,
        "商品料号,商品编号,商品名称,最近单价,最近币制\nBOLT-M8,7318151000,螺栓,0.25,USD\n,7318160000,螺母,0.10,USD\n",
    )
    .unwrap();
    let out = portdesk(data.path(), &["goods", "import", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("2 created"), "{}", text(&out));

    let out = portdesk(data.path(), &["goods", "search", "bolt"]);
    let lines: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 1, "{}", text(&out));
    let cols: Vec<&str> = lines[0].split('\t').collect();
    assert_eq!(&cols[1..5], ["BOLT-M8", "7318151000", "螺栓", "0.25 USD"]);
    let out = portdesk(data.path(), &["goods", "show", cols[0]]);
    assert!(
        stdout(&out).contains("\"name\": \"螺栓\""),
        "{}",
        text(&out)
    );
    let out = portdesk(data.path(), &["goods", "list"]);
    assert_eq!(stdout(&out).lines().count(), 2, "{}", text(&out));

    let xlsx = data.path().join("out.xlsx");
    let out = portdesk(data.path(), &["goods", "export", xlsx.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let other = tempfile::tempdir().unwrap();
    let out = portdesk(other.path(), &["goods", "import", xlsx.to_str().unwrap()]);
    assert!(stdout(&out).contains("2 created"), "{}", text(&out));
    let out = portdesk(other.path(), &["goods", "search", "螺母"]);
    assert_eq!(stdout(&out).lines().count(), 1, "{}", text(&out));

    let bad = data.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!("商品料号,商品名称\nNEW-1,新品\n{},太长\n", "X".repeat(33)),
    )
    .unwrap();
    let out = portdesk(data.path(), &["goods", "import", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        stdout(&out).contains("refused\tpart_number"),
        "{}",
        text(&out)
    );
    let out = portdesk(data.path(), &["goods", "search", "新品"]);
    assert_eq!(stdout(&out), "", "nothing saved");
}
