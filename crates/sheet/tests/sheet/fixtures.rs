//! Files written by openpyxl and LibreOffice (tests/fixtures/excel,
//! make_fixtures.py): cells read as they show, layouts applied.

use portdesk_domain::{CodeLists, Declaration, IeFlag};
use portdesk_sheet::{
    builtin_layouts, extract, read_workbook, split_declaration, suggest_layout, template_layout,
    Cell, Layout, SheetError, Workbook,
};
use rust_decimal::Decimal;

fn path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/excel")
        .join(name)
}

fn book(name: &str) -> Workbook {
    read_workbook(&std::fs::read(path(name)).unwrap(), name).unwrap()
}

fn packing_layout() -> Layout {
    Layout::from_json(&std::fs::read_to_string(path("packing-list-odd.layout.json")).unwrap())
        .unwrap()
}

#[test]
fn doubles_read_as_the_cells_show() {
    let b = book("float-cells.xlsx");
    let head = b.sheet("表头 Head").unwrap();
    assert_eq!(head.cell(3, 2).text(), "0.3", "0.1+0.2");
    assert_eq!(head.cell(3, 3).text(), "1.005");
    assert_eq!(head.cell(3, 4).text(), "3");
    assert!(matches!(head.cell(3, 1), Cell::Date { .. }));
    let lines = b.sheet("商品 Lines").unwrap();
    assert_eq!(lines.cell(3, 2).text(), "0.3");
    assert_eq!(lines.cell(3, 3).text(), "2.675");
    assert_eq!(lines.cell(3, 4).text(), "1234.5");
    assert_eq!(lines.cell(3, 5).text(), "33.3333333333333");
    assert_eq!(lines.cell(4, 0).text(), "8471300000");
    assert_eq!(lines.cell(4, 2).text(), "0.0000003");
    assert_eq!(lines.cell(4, 3).text(), "1.005");
    assert_eq!(lines.cell(4, 4).text(), "7", "0.07*100 = 7.000000000000001");

    let found = extract(&b, &template_layout(), &CodeLists::bundled()).unwrap();
    assert!(found.unreadable.is_empty(), "{:?}", found.unreadable);
    let d = found.onto(Declaration::new(String::new(), IeFlag::I));
    assert_eq!(d.head.ie_flag, IeFlag::E);
    assert_eq!(d.head.ie_date, "20261105", "a date cell");
    assert_eq!(d.head.gross_weight, "0.3");
    assert_eq!(d.head.net_weight, "1.005");
    assert_eq!(d.head.packages, "3");
    assert_eq!(d.lines[0].quantity, "0.3");
    assert_eq!(d.lines[0].unit_price, "2.675");
    assert_eq!(
        d.lines[1].commodity_code, "8471300000",
        "a numeric cell in a text column"
    );
    assert_eq!(d.lines[1].first_quantity, "46331");
}

#[test]
fn dates_every_way() {
    let b = book("dates.xlsx");
    let s = &b.sheets[0];
    use portdesk_sheet::template::{Kind, TemplateColumn};
    let column = TemplateColumn {
        field: "ie_date".into(),
        zh: String::new(),
        en: String::new(),
        kind: Kind::Date,
        code_list: None,
        import_only: false,
    };
    for row in 2..=8 {
        let got = portdesk_sheet::apply::read_value(
            s.cell(row, 1),
            &column,
            &Default::default(),
            &CodeLists::bundled(),
        );
        assert_eq!(
            got.as_deref(),
            Ok("20261105"),
            "row {row}: {:?}",
            s.cell(row, 1)
        );
    }
}

#[test]
fn an_odd_packing_list_through_its_layout() {
    for file in ["packing-list-odd.xlsx", "packing-list-odd.xls"] {
        let b = book(file);
        let sheet = &b.sheets[0];
        // Merged header cells read as their top-left value.
        assert_eq!(sheet.header_cell(6, 0).text(), "No.");
        assert_eq!(sheet.header_cell(5, 4).text(), "Quantity");
        let found = extract(&b, &packing_layout(), &CodeLists::bundled()).unwrap();
        assert!(
            found.unreadable.is_empty(),
            "{file}: {:?}",
            found.unreadable
        );
        assert_eq!(
            found.lines.len(),
            5,
            "{file}: the totals row and signature are not lines"
        );
        assert_eq!(found.lines[0].at.row, 7);
        let d = found.onto(Declaration::new(String::new(), IeFlag::I));
        assert_eq!(d.head.ie_flag, IeFlag::E);
        assert_eq!(
            d.head.contract_no, "HX-2026-1105",
            "{file}: right of the label"
        );
        assert_eq!(
            d.head.bill_no, "COSU6399887766",
            "{file}: past the label's merged cell"
        );
        assert_eq!(d.head.trade_mode, "0110");
        let l = &d.lines[0];
        assert_eq!(l.commodity_code, "7318159090");
        assert_eq!(l.name, "不锈钢螺丝");
        assert_eq!(l.quantity, "20000");
        assert_eq!(l.unit, "007", "PCS mapped");
        assert_eq!(l.unit_price, "0.012");
        assert_eq!(l.total_price, "240");
        assert_eq!(l.currency, "USD");
        assert_eq!(l.origin_country, "CHN", "mapped");
        assert_eq!(d.lines[3].unit, "035", "KGS mapped");
        assert_eq!(
            d.lines[3].origin_country, "JPN",
            "日本 by the country list's label"
        );
        assert_eq!(d.lines[3].quantity, "850.5");
        assert_eq!(found.figures[0].net_weight, Some(Decimal::new(1805, 1)));
        assert_eq!(found.figures[2].packages, Some(Decimal::from(12)));
        // Its own layout is suggested for it, not the template's.
        let mut all = builtin_layouts();
        all.push(packing_layout());
        assert_eq!(
            suggest_layout(&b, &all).map(|l| l.name.as_str()),
            Some("海兴装箱单")
        );
    }
}

#[test]
fn the_73_line_invoice_splits_into_50_and_23() {
    let b = book("invoice-73.xlsx");
    let layouts = builtin_layouts();
    let layout = suggest_layout(&b, &layouts).expect("the template's line headers match");
    assert_eq!(layout.name, "template-lines");
    let found = extract(&b, layout, &CodeLists::bundled()).unwrap();
    assert!(found.unreadable.is_empty(), "{:?}", found.unreadable);
    assert_eq!(
        found.lines.len(),
        73,
        "the English header row is not a line"
    );
    let mut d = found.onto(Declaration::new(String::new(), IeFlag::E));
    portdesk_sheet::fill_head_totals(&mut d, &found.figures);
    let sum = |f: fn(&portdesk_sheet::RowFigures) -> Option<Decimal>| -> Decimal {
        found.figures.iter().filter_map(f).sum()
    };
    assert_eq!(
        d.head.net_weight.parse::<Decimal>().unwrap(),
        sum(|r| r.net_weight)
    );
    assert_eq!(
        d.head.packages.parse::<Decimal>().unwrap(),
        sum(|r| r.packages)
    );
    let (_, parts) = split_declaration(d.clone(), &found.figures);
    assert_eq!(
        parts.iter().map(|p| p.lines.len()).collect::<Vec<_>>(),
        [50, 23]
    );
    for field in [
        |p: &Declaration| p.head.packages.clone(),
        |p: &Declaration| p.head.gross_weight.clone(),
        |p: &Declaration| p.head.net_weight.clone(),
    ] {
        let total: Decimal = parts
            .iter()
            .map(|p| field(p).parse::<Decimal>().unwrap())
            .sum();
        assert_eq!(total, field(&d).parse::<Decimal>().unwrap());
    }
}

#[test]
fn csv_in_gbk_and_in_utf8_with_bom() {
    for file in ["lines-gbk.csv", "lines-utf8-bom.csv"] {
        let b = book(file);
        let layouts = builtin_layouts();
        let layout = suggest_layout(&b, &layouts).expect(file);
        let found = extract(&b, layout, &CodeLists::bundled()).unwrap();
        assert!(
            found.unreadable.is_empty(),
            "{file}: {:?}",
            found.unreadable
        );
        let d = found.onto(Declaration::new(String::new(), IeFlag::I));
        assert_eq!(d.lines.len(), 3, "{file}");
        assert_eq!(d.lines[0].name, "笔记本电脑");
        assert_eq!(d.lines[0].unit, "001", "{file}: 台 by label");
        assert_eq!(d.lines[0].unit_price, "450.00", "{file}: text as typed");
        assert_eq!(d.lines[1].name, "智能手机，黑色");
        assert_eq!(d.lines[1].origin_country, "VNM");
        assert_eq!(d.lines[2].name, "吊灯 \"水晶\"");
        assert_eq!(found.figures[2].net_weight, Some(Decimal::new(3025, 2)));
    }
}

#[test]
fn a_declaration_written_by_openpyxl_reads_as_its_json() {
    let b = book("declaration-template.xlsx");
    let found = extract(&b, &template_layout(), &CodeLists::bundled()).unwrap();
    assert!(found.unreadable.is_empty(), "{:?}", found.unreadable);
    let d = found.onto(Declaration::new(String::new(), IeFlag::I));
    let want: Declaration = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../tests/fixtures/declaration-valid.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(d, want);
}

#[test]
fn a_broken_file_names_sheet_row_and_column() {
    let b = book("broken.xlsx");
    let found = extract(&b, &template_layout(), &CodeLists::bundled()).unwrap();
    let places: Vec<String> = found
        .unreadable
        .iter()
        .map(|c| format!("{}!{}{} {}", c.sheet, c.column, c.row, c.field))
        .collect();
    assert_eq!(
        places,
        [
            "表头 Head!B3 head.ie_date",
            "表头 Head!C3 head.gross_weight",
            "商品 Lines!C3 lines[].quantity",
            "集装箱 Containers!B3 containers[].part_load",
        ]
    );
    let first = &found.unreadable[0];
    assert!(
        first.message_en.contains("表头 Head!B3"),
        "{}",
        first.message_en
    );
    assert!(first.message_en.contains("2026-13-45"));
    assert!(
        first.message_zh.contains("工作表“表头 Head”B3单元格"),
        "{}",
        first.message_zh
    );
    assert!(found.unreadable[2]
        .message_en
        .contains("“ten” is not a number"));
}

#[test]
fn a_layout_that_does_not_fit_is_refused_naming_what_is_missing() {
    let b = book("invoice-73.xlsx");
    match extract(&b, &packing_layout(), &CodeLists::bundled()) {
        Err(SheetError::NoSuchSheet { sheet, .. }) => assert_eq!(sheet, "Packing List"),
        other => panic!("{other:?}"),
    }
    let mut l = packing_layout();
    l.head = None;
    if let Some(p) = l.lines.as_mut() {
        p.sheet = portdesk_sheet::SheetRef::Index(1);
    }
    match extract(&b, &l, &CodeLists::bundled()) {
        Err(SheetError::NoSuchColumn { header, .. }) => assert_eq!(header, "H.S. Code"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        Layout::from_json(r#"{"name":"x","lines":{"sheet":1,"fields":{"nope":"A"}}}"#),
        Err(SheetError::BadLayout(_))
    ));
    assert!(matches!(
        read_workbook(b"PK\x03\x04garbage", "x.xlsx"),
        Err(SheetError::Unreadable(_))
    ));
}
