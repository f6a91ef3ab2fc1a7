//! `portdesk import FILE.xlsx|.xls|.csv`, `portdesk layout`, `portdesk
//! export --format xlsx` and `portdesk template-sheet` on the fixtures
//! another program wrote (tests/fixtures/excel/make_fixtures.py).

use std::path::Path;

use portdesk_domain::Declaration;
use rust_decimal::Decimal;
use serde_json::Value;

use crate::common::{fixture, portdesk, text};

fn excel(name: &str) -> String {
    fixture("excel").join(name).display().to_string()
}

/// The drafts in `data` as the JSON export bundle has them, by sequence no.
fn exported(data: &Path) -> Vec<Declaration> {
    let out = portdesk(data, &["export"]);
    assert!(out.status.success(), "{}", text(&out));
    let bundle: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut ds: Vec<Declaration> = serde_json::from_value(bundle["declarations"].clone()).unwrap();
    ds.sort_by(|a, b| a.client_seq_no.cmp(&b.client_seq_no));
    ds
}

/// The `ok` lines of an import: (sequence no., status, revision).
fn ok_lines(stdout: &[u8]) -> Vec<Vec<String>> {
    String::from_utf8(stdout.to_vec())
        .unwrap()
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect::<Vec<_>>())
        .filter(|f| f.get(1).map(String::as_str) == Some("ok"))
        .collect()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn an_odd_packing_list_imports_through_a_saved_layout() {
    let data = tempfile::tempdir().unwrap();
    let out = portdesk(
        data.path(),
        &[
            "layout",
            "save",
            "haixing",
            &excel("packing-list-odd.layout.json"),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = portdesk(data.path(), &["layout", "list"]);
    let listed = String::from_utf8(out.stdout).unwrap();
    assert!(listed.starts_with("template\tbuilt-in"), "{listed}");
    assert!(listed.contains("\nhaixing\t"), "{listed}");

    for file in ["packing-list-odd.xlsx", "packing-list-odd.xls"] {
        let dir = tempfile::tempdir().unwrap();
        let out = portdesk(
            dir.path(),
            &[
                "layout",
                "save",
                "haixing",
                &excel("packing-list-odd.layout.json"),
            ],
        );
        assert!(out.status.success());
        let out = portdesk(dir.path(), &["import", &excel(file), "--layout", "haixing"]);
        assert!(out.status.success(), "{file}: {}", text(&out));
        assert_eq!(ok_lines(&out.stdout).len(), 1, "{}", text(&out));
        let ds = exported(dir.path());
        assert_eq!(ds.len(), 1);
        let d = &ds[0];
        assert_eq!(d.lines.len(), 5);
        assert_eq!(d.head.bill_no, "COSU6399887766");
        assert_eq!(d.lines[0].unit, "007");
        assert_eq!(d.lines[3].unit, "035");
        assert_eq!(d.lines[3].origin_country, "JPN");
        // Head totals from the rows: 1672.05 kg net, 1772.35 gross, 60 cartons.
        assert_eq!(dec(&d.head.net_weight), dec("1672.05"));
        assert_eq!(dec(&d.head.gross_weight), dec("1772.35"));
        assert_eq!(d.head.packages, "60");
    }
    // Without --layout the saved one is suggested by its headers.
    let out = portdesk(data.path(), &["import", &excel("packing-list-odd.xlsx")]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("layout haixing (matched by its headers)"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_73_line_invoice_becomes_two_drafts_whose_figures_add_up() {
    let data = tempfile::tempdir().unwrap();
    let out = portdesk(data.path(), &["import", &excel("invoice-73.xlsx")]);
    assert!(out.status.success(), "{}", text(&out));
    let lines = ok_lines(&out.stdout);
    assert_eq!(lines.len(), 2, "{}", text(&out));
    let ds = exported(data.path());
    let mut sizes: Vec<usize> = ds.iter().map(|d| d.lines.len()).collect();
    sizes.sort();
    assert_eq!(sizes, [23, 50]);
    // The fixture's rows: cartons 1 + i % 3, net 2 + (i % 7) / 10,
    // gross 2.5 + (i % 7) / 10.
    let packages: u32 = (0..73).map(|i| 1 + i % 3).sum();
    let net: Decimal = (0..73).map(|i| dec("2") + Decimal::new(i % 7, 1)).sum();
    let gross: Decimal = (0..73).map(|i| dec("2.5") + Decimal::new(i % 7, 1)).sum();
    let sum = |f: fn(&Declaration) -> &str| -> Decimal { ds.iter().map(|d| dec(f(d))).sum() };
    assert_eq!(sum(|d| &d.head.packages), Decimal::from(packages));
    assert_eq!(sum(|d| &d.head.net_weight), net);
    assert_eq!(sum(|d| &d.head.gross_weight), gross);
    for d in &ds {
        assert!(dec(&d.head.packages) >= Decimal::ONE);
        assert!(dec(&d.head.net_weight) >= Decimal::ONE);
        assert_eq!(
            d.head.trade_name, ds[0].head.trade_name,
            "the head is shared"
        );
    }
    assert!(
        text(&out).contains("73 lines split into 2 declarations"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_gbk_csv_and_a_utf8_bom_csv_import() {
    for file in ["lines-gbk.csv", "lines-utf8-bom.csv"] {
        let data = tempfile::tempdir().unwrap();
        let out = portdesk(data.path(), &["import", &excel(file)]);
        assert!(out.status.success(), "{file}: {}", text(&out));
        let ds = exported(data.path());
        assert_eq!(ds.len(), 1);
        let names: Vec<&str> = ds[0].lines.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(
            names,
            ["笔记本电脑", "智能手机，黑色", "吊灯 \"水晶\""],
            "{file}"
        );
        assert_eq!(dec(&ds[0].head.net_weight), dec("95.75"), "{file}");
    }
}

#[test]
fn a_broken_file_exits_1_names_the_cells_and_saves_nothing() {
    let data = tempfile::tempdir().unwrap();
    let out = portdesk(
        data.path(),
        &[
            "import",
            fixture("declaration-valid.json").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let before = exported(data.path());

    let out = portdesk(
        data.path(),
        &[
            "import",
            &excel("broken.xlsx"),
            "--into",
            &before[0].client_seq_no,
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    let cells: Vec<&str> = stdout
        .lines()
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|f| f[1] == "error" && f[2] == "sheet.unreadable_cell")
        .map(|f| f[3])
        .collect::<Vec<_>>();
    assert_eq!(
        cells,
        [
            "表头 Head!B3",
            "表头 Head!C3",
            "商品 Lines!C3",
            "集装箱 Containers!B3"
        ],
        "{stdout}"
    );
    assert!(stdout.contains("“ten” is not a number"), "{stdout}");
    assert!(stdout.contains("不是数字"), "{stdout}");
    assert_eq!(exported(data.path()), before);
    // As new drafts: refused the same way.
    let out = portdesk(data.path(), &["import", &excel("broken.xlsx")]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(exported(data.path()), before);
}

#[test]
fn a_declaration_exported_as_xlsx_imports_back_the_same() {
    for name in [
        "declaration-valid.json",
        "declaration-invalid.json",
        "declaration-two-step-full.json",
    ] {
        let data = tempfile::tempdir().unwrap();
        let out = portdesk(data.path(), &["import", fixture(name).to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out));
        let original = exported(data.path());
        let xlsx = data.path().join("decl.xlsx");
        let out = portdesk(
            data.path(),
            &[
                "export",
                "--format",
                "xlsx",
                "--id",
                &original[0].client_seq_no,
                "--out",
                xlsx.to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "{}", text(&out));
        // Not over an existing file without --force.
        let again = portdesk(
            data.path(),
            &[
                "export",
                "--format",
                "xlsx",
                "--id",
                &original[0].client_seq_no,
                "--out",
                xlsx.to_str().unwrap(),
            ],
        );
        // Exit 2, as every refused command line.
        assert_eq!(again.status.code(), Some(2));
        assert!(text(&again).contains("--force"), "{}", text(&again));

        let fresh = tempfile::tempdir().unwrap();
        let out = portdesk(fresh.path(), &["import", xlsx.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out));
        assert_eq!(exported(fresh.path()), original, "{name}");
    }
}

#[test]
fn the_template_and_the_drafts_list_are_written() {
    let data = tempfile::tempdir().unwrap();
    let template = data.path().join("template.xlsx");
    let out = portdesk(
        data.path(),
        &["template-sheet", "--out", template.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out));
    let bytes = std::fs::read(&template).unwrap();
    let book = portdesk_sheet::read_workbook(&bytes, "template.xlsx").unwrap();
    assert_eq!(book.sheets[0].name, "表头 Head");
    assert_eq!(book.sheets[1].cell(1, 0).text(), "商品编号");

    for name in ["declaration-valid.json", "declaration-invalid.json"] {
        let out = portdesk(data.path(), &["import", fixture(name).to_str().unwrap()]);
        assert!(out.status.success());
    }
    let list = data.path().join("drafts.xlsx");
    let out = portdesk(
        data.path(),
        &[
            "export",
            "--format",
            "xlsx",
            "--out",
            list.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let book = portdesk_sheet::read_workbook(&std::fs::read(&list).unwrap(), "d.xlsx").unwrap();
    let sheet = &book.sheets[0];
    assert_eq!(sheet.cell(1, 0).text(), "客户端编号");
    let seqs: Vec<String> = (3..=4).map(|r| sheet.cell(r, 0).text()).collect();
    let mut seqs = seqs;
    seqs.sort();
    assert_eq!(seqs, ["PD06H1RX30KSSW337D", "PD06H1RX30KSSW339B"]);
}
