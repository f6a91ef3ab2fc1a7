//! The printed declaration (报关单草单/核对单) as a reader sees it: the
//! 50-line, 10-container fixture's text through `pdftotext`, its page count
//! by the documented continuation rule (docs/printed-declaration.md),
//! every page rasterised by `pdftoppm`, and page 1 kept as
//! `test-artifacts/printed-declaration-p1.png`; the system-font fallback
//! for GBK characters with the Debian font `scripts/setup.sh --tests`
//! installs.

use std::path::Path;
use std::sync::Arc;

use portdesk_domain::declaration::Declaration;
use portdesk_domain::CodeLists;
use portdesk_print::{
    declaration_page_count, render_declaration, DeclarationJob, FallbackFont, PrintError,
    SheetKind, WATERMARK,
};

use crate::common::{pages, run, squeeze, text_without_spaces, write};

/// The GBK-wide font `scripts/setup.sh --tests` installs (fonts-wqy-zenhei).
const SYSTEM_FONT: &str = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc";

pub fn fifty_lines() -> Declaration {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/declarations/fifty-lines.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn system_font() -> FallbackFont {
    let bytes = std::fs::read(SYSTEM_FONT).unwrap_or_else(|e| {
        panic!("{SYSTEM_FONT}: {e}; install fonts-wqy-zenhei (scripts/setup.sh --tests)")
    });
    FallbackFont::new(Arc::new(bytes), 0).expect("a readable font")
}

pub fn job(declaration: Declaration, kind: SheetKind) -> DeclarationJob {
    DeclarationJob {
        declaration,
        kind,
        released: false,
        entry_id: None,
        declared_on: None,
        fallback_font: None,
        printed_at: None,
    }
}

fn artifacts() -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn fifty_lines_and_ten_containers_print_by_the_continuation_rule() {
    let d = fifty_lines();
    assert_eq!((d.lines.len(), d.containers.len()), (50, 10));
    let lists = CodeLists::bundled();
    let pdf = render_declaration(&job(d.clone(), SheetKind::Draft), &lists).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "declaration.pdf", &pdf);

    let expected = declaration_page_count(50, 10);
    assert_eq!(expected, 8, "the rule in docs/printed-declaration.md");
    assert_eq!(pages(&path), expected);

    let text = text_without_spaces(&path);
    for (i, line) in d.lines.iter().enumerate() {
        assert!(
            text.contains(&line.commodity_code),
            "line {}: code {}",
            i + 1,
            line.commodity_code
        );
        assert!(
            text.contains(&squeeze(&line.name)),
            "line {}: name {}",
            i + 1,
            line.name
        );
    }
    for c in &d.containers {
        assert!(text.contains(&c.number), "container {}", c.number);
    }
    // Head boxes with code labels from the code lists, and the kind.
    for s in [
        "中华人民共和国海关出口货物报关单",
        "境内发货人",
        "大连北方钢材进出口有限公司",
        "HANSHINSTEELTRADINGCO.,LTD.",
        "COSU6312345670",
        "0110一般贸易",
        "随附单证及编号",
        "FTA2026110500017",
        "商品续页",
        "集装箱续页",
        "第8页共8页",
        "征免",
    ] {
        assert!(text.contains(s), "{s} not in the text");
    }
    // Not released: every page carries the watermark.
    assert_eq!(text.matches(&squeeze(WATERMARK)).count(), expected);

    // Every page rasterises.
    let prefix = dir.path().join("page");
    run(
        "pdftoppm",
        &["-r", "40", "-png", &path, &prefix.to_string_lossy()],
    );
    let rendered = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            let name = name.to_string_lossy();
            name.starts_with("page") && name.ends_with(".png")
        })
        .count();
    assert_eq!(rendered, expected);

    // Page 1 kept for a human to look at.
    let out = artifacts().join("printed-declaration-p1");
    run(
        "pdftoppm",
        &[
            "-r",
            "110",
            "-png",
            "-singlefile",
            "-f",
            "1",
            "-l",
            "1",
            &path,
            &out.to_string_lossy(),
        ],
    );
    assert!(artifacts().join("printed-declaration-p1.png").is_file());
}

#[test]
fn released_drafts_lose_the_watermark_and_check_sheets_have_the_sign_off() {
    let lists = CodeLists::bundled();
    let dir = tempfile::tempdir().unwrap();
    let mut d = fifty_lines();
    d.lines.truncate(3);
    d.containers.truncate(2);

    let mut released = job(d.clone(), SheetKind::Draft);
    released.released = true;
    released.entry_id = Some("090420261000123456".into());
    let path = write(
        dir.path(),
        "released.pdf",
        &render_declaration(&released, &lists).unwrap(),
    );
    assert_eq!(pages(&path), 1);
    let text = text_without_spaces(&path);
    assert!(!text.contains(&squeeze(WATERMARK)));
    assert!(text.contains("090420261000123456"), "the customs number");

    let check = job(d, SheetKind::Check);
    let path = write(
        dir.path(),
        "check.pdf",
        &render_declaration(&check, &lists).unwrap(),
    );
    let text = text_without_spaces(&path);
    for s in ["核对单", "核对人", "日期", "盖章"] {
        assert!(text.contains(s), "{s}");
    }
    assert!(!text.contains(&squeeze(WATERMARK)));
}

#[test]
fn gbk_names_come_from_the_system_font_and_private_use_is_an_error() {
    let lists = CodeLists::bundled();
    let mut d = fifty_lines();
    d.lines.truncate(6);
    d.head.trade_name = "大连镕达钢材进出口有限公司".into();
    d.lines[5].name = "喆牌钢管".into();

    // Without a fallback font the bundled subset (GB2312) lacks 镕.
    let err = render_declaration(&job(d.clone(), SheetKind::Draft), &lists).unwrap_err();
    assert_eq!(
        err,
        PrintError::MissingGlyph {
            field: "head.trade_name".into(),
            ch: '镕'
        }
    );

    let font = system_font();
    assert!(font.has('镕') && font.has('喆') && !font.has('\u{E000}'));
    let mut j = job(d.clone(), SheetKind::Draft);
    j.fallback_font = Some(font.clone());
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "gbk.pdf",
        &render_declaration(&j, &lists).unwrap(),
    );
    let text = text_without_spaces(&path);
    assert!(
        text.contains("大连镕达钢材进出口有限公司"),
        "mixed runs read back"
    );
    assert!(text.contains("喆牌钢管"));
    let fonts = run("pdffonts", &[&path]);
    assert!(
        fonts.to_lowercase().contains("wenquanyi") || fonts.contains("WenQuanYi"),
        "{fonts}"
    );

    // A private-use character is in no font we trust: the field is named.
    let mut bad = d;
    bad.lines[3].name = "钢\u{E000}管".into();
    j.declaration = bad;
    assert_eq!(
        render_declaration(&j, &lists).unwrap_err(),
        PrintError::MissingGlyph {
            field: "lines[3].name".into(),
            ch: '\u{E000}'
        }
    );
}
